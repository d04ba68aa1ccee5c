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

  /* A register: a filter box, facets (<select data-accord-facet="NAME">, matched against each
     row's data-NAME words), a count, an empty state. What is chosen lives in the address
     (?q=…&NAME=…), so a filtered register can be bookmarked or shared. */
  function makeFilterable(register) {
    var input = register.querySelector("[data-accord-filter]");
    var table = register.querySelector("table");
    var empty = register.querySelector("[data-accord-empty]");
    var count = register.querySelector("[data-accord-count]");
    var facets = Array.prototype.slice.call(register.querySelectorAll("select[data-accord-facet]"));
    if (!table) return;
    var rows = table.tBodies[0].rows;
    function defaultOf(select) { return select.getAttribute("data-default") || "all"; }
    function apply(write) {
      var words = input ? input.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
      var chosen = facets.map(function (select) {
        return { name: select.getAttribute("data-accord-facet"), value: select.value };
      }).filter(function (facet) { return facet.value && facet.value !== "all"; });
      var shown = 0, total = 0, header = null, headerShown = false;
      function closeGroup() { if (header) header.hidden = !headerShown; }
      Array.prototype.forEach.call(rows, function (row) {
        // A group's heading row (data-accord-group) shows while one of its rows does; its
        // words count for each of them.
        if (row.hasAttribute("data-accord-group")) {
          closeGroup();
          header = row;
          headerShown = false;
          return;
        }
        total += 1;
        var text = (row.textContent + " " + (header ? header.textContent : "")).toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; }) &&
          chosen.every(function (facet) {
            return (" " + (row.getAttribute("data-" + facet.name) || "") + " ").indexOf(" " + facet.value + " ") !== -1;
          });
        row.hidden = !match;
        if (match) { shown += 1; headerShown = true; }
      });
      closeGroup();
      if (empty) empty.hidden = shown > 0;
      table.hidden = shown === 0;
      if (count) count.textContent = shown === total ? total + " shown" : shown + " of " + total + " shown";
      if (!write) return;
      var url = new URL(window.location.href);
      if (input && input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      facets.forEach(function (select) {
        var name = select.getAttribute("data-accord-facet");
        if (select.value !== defaultOf(select)) url.searchParams.set(name, select.value); else url.searchParams.delete(name);
      });
      window.history.replaceState(window.history.state, "", url.toString());
    }
    if (input) input.addEventListener("input", function () { apply(true); });
    facets.forEach(function (select) { select.addEventListener("change", function () { apply(true); }); });
    var clear = register.querySelector("[data-accord-clear]");
    if (clear) clear.addEventListener("click", function (event) {
      event.preventDefault();
      if (input) input.value = "";
      facets.forEach(function (select) { select.value = "all"; });
      apply(true);
      if (input) input.focus();
    });
    var params = new URL(window.location.href).searchParams;
    if (input && params.get("q")) input.value = params.get("q");
    facets.forEach(function (select) {
      var given = params.get(select.getAttribute("data-accord-facet"));
      if (given !== null && select.querySelector('option[value="' + CSS.escape(given) + '"]')) select.value = given;
    });
    apply(false);
  }

  /* A table the theme wraps to scroll sideways can be scrolled from the keyboard too. */
  function focusableScrolls() {
    document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (wrap) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Table, scrolls sideways");
    });
  }

  function init() {
    focusableScrolls();
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
