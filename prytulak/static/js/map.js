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
  var map = L.map(el, { minZoom: 2, maxZoom: 18 }).setView([50, 18], 4);
  map.createPane("outlines").style.zIndex = 150;
  var layers = L.control.layers(null, null, { collapsed: true }).addTo(map);

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
  if (config.tiles) {
    var tiles = L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 18 });
    tiles.addTo(map);
    layers.addOverlay(tiles, t.osm);
  }

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
  // each, never said which (see maps/grid.py). Shown as a range, "1–2" for a single one.
  function cellFigures(c, small) {
    var offers = c[2], beds = c[3], few = c[4] || 0;
    if (!few) return { icon: String(offers), offers: String(offers), beds: String(beds), low: offers };
    var low = offers + few, high = offers + few * (small - 1);
    return {
      icon: high < 100 ? low + "–" + high : low + "+",  // a long range would not fit the icon
      offers: low + "–" + high,
      beds: beds + few + "+",
      low: low
    };
  }

  var offers = L.markerClusterGroup({
    iconCreateFunction: function (cluster) { return clusterIcon(cluster.getChildCount()); }
  });
  var cells = L.layerGroup();
  var offerLayer = L.layerGroup([offers, cells]).addTo(map);
  layers.addOverlay(offerLayer, t.offers);

  function params() {
    var b = map.getBounds();
    var q = new URLSearchParams(new FormData(form));
    ["pets", "children", "step_free"].forEach(function (name) {
      if (q.get(name) === "on") q.set(name, "true");
    });
    q.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
      return v.toFixed(4);
    }).join(","));
    q.set("zoom", map.getZoom());
    return q;
  }

  function offerPopup(p) {
    var lines = [p[3] + " " + t.beds];
    if (el.dataset.offerUrl) {
      var link = document.createElement("a");
      link.href = el.dataset.offerUrl.replace("/0/", "/" + encodeURIComponent(p[0]) + "/");
      link.textContent = t.open + " #" + p[0];
      lines.push(link);
    }
    return textBlock(lines);
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
              title: p[3] + " " + t.beds,
              icon: L.divIcon({ className: "offer-pin", iconSize: L.point(24, 24) })
            }).bindPopup(offerPopup(p));
          }));
        } else {
          data.cells.forEach(function (c) {
            var f = cellFigures(c, data.small || 3);
            L.marker([c[0], c[1]], {
              title: f.offers + " " + t.offerCount + ", " + f.beds + " " + t.beds,
              icon: clusterIcon(f.low, f.icon)
            })
              .bindTooltip(textBlock([f.offers + " " + t.offerCount + ", " + f.beds + " " + t.beds]))
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
        }).bindTooltip(textBlock([p[2] + " " + t.waiting])).addTo(households);
      });
    });
  }

  var crossings = L.layerGroup().addTo(map);
  layers.addOverlay(crossings, t.crossings);
  var crossingList = document.getElementById("map-crossings-list");
  getJSON(el.dataset.crossingsUrl).then(function (data) {
    data.crossings.forEach(function (c) {
      var text = c.name + " — " + c.status_label;
      if (c.trips) text += "; " + c.trips + " " + t.planned;
      if (crossingList) crossingList.appendChild(document.createElement("li")).textContent = text;
      // Pins of near crossings overlap: they are for the mouse, and the list under the map
      // says the same to keyboards and screen readers (WCAG 2.5.8 "equivalent").
      L.marker([c.lat, c.lon], {
        keyboard: false,
        title: text,
        icon: L.divIcon({ className: "crossing-pin status-" + c.status, iconSize: L.point(24, 24) })
      }).bindTooltip(textBlock([text])).addTo(crossings);
    });
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

  if (el.dataset.tripsUrl) {
    var trips = L.layerGroup().addTo(map);
    layers.addOverlay(trips, t.trips);
    getJSON(el.dataset.tripsUrl).then(function (data) {
      data.trips.forEach(function (trip) {
        L.polyline(trip.route, { className: "trip-line" })
          .bindTooltip(textBlock([trip.label])).addTo(trips);
      });
      el.dataset.trips = data.trips.length;
    });
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
  form.addEventListener("change", loadOffers);
  form.addEventListener("submit", function (e) { e.preventDefault(); loadOffers(); });
  loadOffers();
})();
