// Small behaviours hooked on data- attributes; everything works without JS too.
document.addEventListener("change", function (event) {
  var select = event.target.closest("[data-autosubmit]");
  if (select) select.form.submit();
});

// Town name suggestions from the server's offline gazetteer, into the input's <datalist>.
(function () {
  var timer;
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches("[data-place-suggest]")) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var list = document.getElementById(input.getAttribute("list"));
      if (!list || input.value.trim().length < 2) return;
      var url = input.dataset.placeSuggest + "?format=json&q=" + encodeURIComponent(input.value);
      fetch(url).then(function (r) { return r.json(); }).then(function (data) {
        list.replaceChildren();
        data.places.forEach(function (p) {
          var option = document.createElement("option");
          option.value = p.name;
          option.label = p.country;
          list.appendChild(option);
        });
      }).catch(function () {});
    }, 250);
  });
})();

// A form sent back with errors: focus the summary at the top, so a phone's screen (and a
// screen reader) starts there instead of 3,000 px above the first error.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

// A list table wider than the screen scrolls inside itself (app.css, phones): it takes the
// keyboard's focus so it can be scrolled without a mouse, named after the heading above it.
(function () {
  var made = 0;
  function heading(table) {
    var found = null;
    document.querySelectorAll("main h1, main h2, main h3").forEach(function (h) {
      if (h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) found = h;
    });
    return found;
  }
  function update() {
    document.querySelectorAll("table.list").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrollFocus = "1";
        var h = heading(table);
        if (h && !table.hasAttribute("aria-labelledby")) {
          h.id = h.id || "table-heading-" + (++made);
          table.setAttribute("aria-labelledby", h.id);
        }
      } else if (!scrolls && table.dataset.scrollFocus) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollFocus;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
  document.addEventListener("htmx:afterSwap", update);
})();
