// The static site's search box: finds a city by any of its names in search-index.js, offline.
// Names are folded as citykg.labels.normalise folds them (accents, case, spacing), so "sao paulo" finds
// São Paulo; JavaScript's toLowerCase stands in for Python's casefold (they differ only on rare letters).
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-root") || "";
  var index = window.CITYKG_INDEX || [];
  var form = document.querySelector("form.search");
  if (!form) { return; }
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("hits");
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\ufe20-\ufe2f]/g, "")
      .toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }
  function find(text) {
    var wanted = fold(text), seen = {}, hits = [];
    if (!wanted) { return hits; }
    index.forEach(function (entry) {  // entry: [name, folded name, path from the root, country, label]
      var key = entry[1];
      if (key.indexOf(wanted) < 0) { return; }
      var rank = key === wanted ? 0 : key.indexOf(wanted) === 0 ? 1 : 2;
      if (!(entry[2] in seen) || rank < seen[entry[2]].rank) {
        seen[entry[2]] = { rank: rank, entry: entry };
      }
    });
    Object.keys(seen).forEach(function (path) { hits.push(seen[path]); });
    hits.sort(function (a, b) { return a.rank - b.rank || a.entry[0].localeCompare(b.entry[0]); });
    return hits.slice(0, 20).map(function (hit) { return hit.entry; });
  }
  function show() {
    var hits = find(input.value);
    list.textContent = "";
    hits.forEach(function (entry) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = root + entry[2];
      link.textContent = entry[4] + (entry[0] !== entry[4] ? " — " + entry[0] : "") +
        (entry[3] ? " (" + entry[3] + ")" : "");
      item.appendChild(link);
      list.appendChild(item);
    });
    if (!hits.length && input.value.trim()) {
      var none = document.createElement("li");
      none.textContent = "No city of this site has that name.";
      list.appendChild(none);
    }
    list.hidden = !input.value.trim();
  }
  input.addEventListener("input", show);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var hits = find(input.value);
    if (hits.length) { window.location.href = root + hits[0][2]; } else { show(); }
  });
}());
