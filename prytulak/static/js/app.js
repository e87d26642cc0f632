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
