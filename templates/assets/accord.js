/* Accord: filter and sort the registers. Works with and without mkdocs-material's
   instant navigation (document$ emits on every page it loads). */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return (cell.getAttribute("data-sort") || cell.textContent || "").trim().toLowerCase();
  }

  function compare(a, b) {
    var x = parseFloat(a.replace(/,/g, "")), y = parseFloat(b.replace(/,/g, ""));
    if (!isNaN(x) && !isNaN(y) && /^[\d.,\s-]+$/.test(a) && /^[\d.,\s-]+$/.test(b) && !/^\d{4}-\d{2}-\d{2}$/.test(a)) {
      return x - y;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.setAttribute("role", "button");
      th.setAttribute("tabindex", "0");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); } });
    });
  }

  function makeFilterable(register) {
    var input = register.querySelector("[data-accord-filter]");
    var table = register.querySelector("table");
    var empty = register.querySelector("[data-accord-empty]");
    if (!input || !table) return;
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
        if (!row.hidden) shown += 1;
      });
      if (empty) empty.hidden = shown > 0;
      table.hidden = shown === 0;
      // The filter lives in the address, so a filtered register can be bookmarked or shared.
      var url = new URL(window.location.href);
      if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      window.history.replaceState(window.history.state, "", url.toString());
    }
    input.addEventListener("input", apply);
    var clear = register.querySelector("[data-accord-clear]");
    if (clear) clear.addEventListener("click", function (event) { event.preventDefault(); input.value = ""; apply(); input.focus(); });
    var given = new URL(window.location.href).searchParams.get("q");
    if (given) { input.value = given; apply(); }
  }

  function init() {
    document.querySelectorAll("table[data-accord-sortable]:not([data-accord-ready])").forEach(function (table) {
      table.setAttribute("data-accord-ready", "");
      makeSortable(table);
    });
    document.querySelectorAll("[data-accord-register]:not([data-accord-ready])").forEach(function (register) {
      register.setAttribute("data-accord-ready", "");
      makeFilterable(register);
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
