// The map page: offline country outlines (world-atlas), an optional tile layer, and layers
// filled from the JSON endpoints, which decide what each viewer may see.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var t = document.getElementById("map-i18n").dataset;
  var form = document.querySelector("[data-map-filters]");
  var summary = document.getElementById("map-summary");
  // The endpoints answer (errors, summaries) in the page's language.
  var headers = { "Accept-Language": document.documentElement.lang || "en" };
  function getJSON(url) {
    return fetch(url, { headers: headers }).then(function (r) { return r.json(); });
  }

  // maxZoom is needed by markercluster when no tile layer sets it (offline).
  // Leaflet's own control titles are English: the page passes them in its language.
  var map = L.map(el, { minZoom: 2, maxZoom: 18, zoomControl: false }).setView([50, 18], 4);
  L.control.zoom({ zoomInTitle: t.zoomIn, zoomOutTitle: t.zoomOut }).addTo(map);
  map.createPane("outlines").style.zIndex = 150;
  var layers = L.control.layers(null, null, { collapsed: true }).addTo(map);
  var toggle = layers.getContainer().querySelector(".leaflet-control-layers-toggle");
  toggle.title = t.layers;
  toggle.setAttribute("aria-label", t.layers);

  // Offline base: country outlines shipped with the app.
  var outlines = L.layerGroup().addTo(map);
  layers.addOverlay(outlines, t.outlines);
  fetch(el.dataset.outlinesUrl).then(function (r) { return r.json(); }).then(function (topo) {
    var countries = topojson.feature(topo, topo.objects.countries);
    L.geoJSON(countries, {
      pane: "outlines", interactive: false,
      style: { color: "#8a94a6", weight: 1, fillColor: "#eef1f5", fillOpacity: 1 }
    }).addTo(outlines);
  });
  // Town names on the offline base, from the gazetteer the app ships (never the internet):
  // on when there are no tiles or the tiles cannot be had (offline); tiles name towns
  // themselves, so over them the names are one click away in the layer control.
  var labelPane = map.createPane("labels");
  labelPane.style.zIndex = 450;
  labelPane.style.pointerEvents = "none";
  var placeLabels = L.layerGroup();
  if (config.tiles) {
    var tiles = L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 18 });
    tiles.addTo(map);
    layers.addOverlay(tiles, t.osm);
    tiles.once("tileerror", function () {
      if (!map.hasLayer(placeLabels)) placeLabels.addTo(map);
    });
  }
  layers.addOverlay(placeLabels, t.places);
  if (!config.tiles) placeLabels.addTo(map);

  // Text from the server (names typed into public forms among it) only ever becomes text
  // nodes: Leaflet puts a string into tooltips, popups and icons as HTML, an element as is.
  function textBlock(lines) {
    var box = document.createElement("div");
    lines.forEach(function (line, i) {
      if (i) box.appendChild(document.createElement("br"));
      box.appendChild(typeof line === "string" ? document.createTextNode(line) : line);
    });
    return box;
  }

  function clusterIcon(count, label) {
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var inner = document.createElement("div");
    var span = inner.appendChild(document.createElement("span"));
    span.textContent = label === undefined ? String(count) : label;
    return L.divIcon({
      html: inner,
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40)
    });
  }

  // A public cell: exact figures add up areas with 3 or more offers; `few` areas hold 1 or 2
  // each, never said which (see maps/grid.py). The icon shows a range, "1–2" for a single
  // one; the tooltip's words come from the server (maps/views.py, _summary).
  function cellFigures(c, small) {
    var offers = c[2], few = c[4] || 0;
    if (!few) return { icon: String(offers), low: offers };
    var low = offers + few, high = offers + few * (small - 1);
    return {
      icon: high < 100 ? low + "–" + high : low + "+",  // a long range would not fit the icon
      low: low
    };
  }

  var offers = L.markerClusterGroup({
    iconCreateFunction: function (cluster) { return clusterIcon(cluster.getChildCount()); }
  });
  var cells = L.layerGroup();
  var offerLayer = L.layerGroup([offers, cells]).addTo(map);
  layers.addOverlay(offerLayer, t.offers);

  function area(q) {
    var b = map.getBounds();
    q.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
      return v.toFixed(4);
    }).join(","));
    q.set("zoom", map.getZoom());
    return q;
  }

  function params() {
    var q = new URLSearchParams(new FormData(form));
    ["pets", "children", "step_free"].forEach(function (name) {
      if (q.get(name) === "on") q.set(name, "true");
    });
    return area(q);
  }

  var placeRequest = 0;
  function loadPlaces() {
    if (!map.hasLayer(placeLabels)) return;
    var mine = ++placeRequest;
    getJSON(el.dataset.placesUrl + "?" + area(new URLSearchParams()).toString()).then(function (data) {
      if (mine !== placeRequest || !data.places) return;
      placeLabels.clearLayers();
      data.places.forEach(function (p) {
        var name = document.createElement("span");
        name.textContent = p[2];
        L.marker([p[0], p[1]], {
          pane: "labels", interactive: false, keyboard: false,
          icon: L.divIcon({ html: name, className: "place-label", iconSize: null })
        }).addTo(placeLabels);
      });
      el.dataset.places = data.places.length;
      el.dataset.placesZoom = map.getZoom();
    });
  }
  map.on("overlayadd", function (e) { if (e.layer === placeLabels) loadPlaces(); });

  // Staff: the popup asks for the offer's details when it opens (beds, dates, pets,
  // children, the host's verification) and links to the offer's page.
  function offerPopup(p) {
    var box = textBlock(["…"]);
    getJSON(el.dataset.offerInfoUrl.replace("/0/", "/" + encodeURIComponent(p[0]) + "/"))
      .then(function (data) {
        if (!data.lines) { box.replaceChildren(textBlock([t.error])); return; }
        var lines = data.lines.slice();
        if (data.url) {
          var link = document.createElement("a");
          link.href = data.url;
          link.textContent = t.open + " #" + data.id;
          lines.push(link);
        }
        box.replaceChildren(textBlock(lines));
        box.dataset.state = "ready";
      })
      .catch(function () { box.replaceChildren(textBlock([t.error])); });
    return box;
  }

  var request = 0;
  function loadOffers() {
    var mine = ++request;
    getJSON(el.dataset.offersUrl + "?" + params().toString())
      .then(function (data) {
        if (mine !== request) return;  // a newer view is on its way
        offers.clearLayers();
        cells.clearLayers();
        if (data.errors) {
          summary.textContent = Object.values(data.errors).join(" ");
          return;
        }
        if (data.kind === "points") {
          offers.addLayers(data.points.map(function (p) {
            // A 24 px target (WCAG 2.5.8) round a smaller mark, named for screen readers.
            return L.marker([p[1], p[2]], {
              title: data.bed_labels ? data.bed_labels[p[3]] : "",
              icon: L.divIcon({ className: "offer-pin", iconSize: L.point(24, 24) })
            }).bindPopup(function () { return offerPopup(p); }, { className: "offer-popup" });
          }));
        } else {
          data.cells.forEach(function (c, i) {
            var f = cellFigures(c, data.small || 3);
            L.marker([c[0], c[1]], { title: data.labels[i], icon: clusterIcon(f.low, f.icon) })
              .bindTooltip(textBlock([data.labels[i]]))
              .addTo(cells);
          });
        }
        summary.textContent = data.summary;
        el.dataset.offers = data.offers;
        el.dataset.few = data.few || 0;
        el.dataset.kind = data.kind;
        el.dataset.state = "ready";
      })
      .catch(function () { summary.textContent = t.error; });
  }

  if (el.dataset.householdsUrl) {
    var households = L.layerGroup().addTo(map);
    layers.addOverlay(households, t.households);
    getJSON(el.dataset.householdsUrl).then(function (data) {
      data.points.forEach(function (p) {
        L.circleMarker([p[0], p[1]], {
          radius: 6 + Math.min(14, Math.sqrt(p[2])), className: "household-point"
        }).bindTooltip(textBlock([p[3]])).addTo(households);
      });
    });
  }

  // Crossings a few km apart would sit on each other at Europe zoom: grouped into one pin
  // with their number (their names on hover) until the map is close enough to tell them apart.
  var crossings = L.markerClusterGroup({
    maxClusterRadius: 36, disableClusteringAtZoom: 7, showCoverageOnHover: false,
    removeOutsideVisibleBounds: false,  // 21 pins: all of them stay in the page
    iconCreateFunction: function (cluster) {
      var inner = document.createElement("span");
      inner.textContent = String(cluster.getChildCount());
      return L.divIcon({ html: inner, className: "crossing-group", iconSize: L.point(24, 24) });
    }
  }).addTo(map);
  crossings.on("clustermouseover", function (e) {
    var names = e.layer.getAllChildMarkers().map(function (m) { return m.options.crossingName; });
    e.layer.bindTooltip(textBlock(names.sort())).openTooltip();
  });
  layers.addOverlay(crossings, t.crossings);
  var crossingList = document.getElementById("map-crossings-list");
  getJSON(el.dataset.crossingsUrl).then(function (data) {
    crossings.addLayers(data.crossings.map(function (c) {
      var text = c.name + " — " + c.status_label;
      if (c.trips) text += "; " + c.trips_label;
      if (crossingList) crossingList.appendChild(document.createElement("li")).textContent = text;
      // Pins of near crossings overlap: they are for the mouse, and the list under the map
      // says the same to keyboards and screen readers (WCAG 2.5.8 "equivalent"). The name
      // again for the group's tooltip (an option of ours, not shown by Leaflet).
      return L.marker([c.lat, c.lon], {
        crossingName: c.name,
        keyboard: false,
        title: text,
        icon: L.divIcon({ className: "crossing-pin status-" + c.status, iconSize: L.point(24, 24) })
      }).bindTooltip(textBlock([text]));
    }));
    el.dataset.crossings = data.crossings.length;
  });

  var services = L.layerGroup().addTo(map);
  layers.addOverlay(services, t.services);
  getJSON(el.dataset.servicesUrl).then(function (data) {
    data.services.forEach(function (p) {
      L.marker([p.lat, p.lon], {
        title: p.name + " — " + p.kind_label + ", " + p.city,
        icon: L.divIcon({ className: "service-pin kind-" + p.kind, iconSize: L.point(24, 24) })
      }).bindTooltip(textBlock([p.name + " — " + p.kind_label + ", " + p.city])).addTo(services);
    });
  });

  // Trips: one line per pair of regions with its count at Europe zoom (the server groups
  // them below its threshold), every trip up close.
  var loadTrips = function () {};
  if (el.dataset.tripsUrl) {
    var trips = L.layerGroup().addTo(map);
    layers.addOverlay(trips, t.trips);
    var tripRequest = 0;
    loadTrips = function () {
      var mine = ++tripRequest;
      getJSON(el.dataset.tripsUrl + "?zoom=" + map.getZoom()).then(function (data) {
        if (mine !== tripRequest || !data.trips) return;
        trips.clearLayers();
        data.trips.forEach(function (trip) {
          var n = trip.count || 1;
          L.polyline(trip.route, {
            className: n > 1 ? "trip-line trip-group" : "trip-line",
            weight: 3 + Math.min(7, Math.round(Math.sqrt(n) * 1.5) - 1)
          }).bindTooltip(textBlock([trip.label])).addTo(trips);
        });
        el.dataset.trips = data.trips.length;
        el.dataset.tripsGrouped = data.grouped ? "yes" : "no";
      });
    };
  }

  if (config.placement && el.dataset.routeUrl) {
    var url = el.dataset.routeUrl.replace("/0/", "/" + encodeURIComponent(config.placement) + "/");
    fetch(url, { headers: headers }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return;
      var points = data.stops.map(function (s) { return [s.lat, s.lon]; });
      var route = L.polyline(points, { className: "route-line" }).addTo(map);
      data.stops.forEach(function (s) {
        L.circleMarker([s.lat, s.lon], { radius: 6, className: "route-stop" })
          .bindTooltip(textBlock([s.name]), { permanent: true }).addTo(map);
      });
      el.dataset.route = "drawn";
      layers.addOverlay(route, t.route);
      map.fitBounds(route.getBounds().pad(0.3), { animate: false });
    });
  }

  map.on("moveend", loadOffers);
  map.on("moveend", loadPlaces);
  map.on("zoomend", loadTrips);
  form.addEventListener("change", loadOffers);
  form.addEventListener("submit", function (e) { e.preventDefault(); loadOffers(); });
  loadOffers();
  loadPlaces();
  loadTrips();
})();
