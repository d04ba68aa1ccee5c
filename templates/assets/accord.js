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

  /* A sortable table: each heading stays a column heading (th, aria-sort on the sorted one) and
     holds a button that sorts by it, so a keyboard reaches and works it. Where rows become cards
     (phones) the headings are out of sight: a "Sort by" box does the same. */
  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    var select = document.createElement("select");
    select.setAttribute("data-accord-sort", "");
    select.appendChild(new Option("As listed", ""));
    function sortBy(index, ascending) {
      Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
      headers[index].setAttribute("aria-sort", ascending ? "ascending" : "descending");
      select.value = index + (ascending ? ":a" : ":d");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (r1, r2) {
        var order = compare(cellValue(r1, index), cellValue(r2, index));
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    Array.prototype.forEach.call(headers, function (th, index) {
      var name = th.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "accord-sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(index, th.getAttribute("aria-sort") !== "ascending"); });
      // The whole heading cell answers a pointer, as it did before it held a button.
      th.addEventListener("click", function (event) { if (!button.contains(event.target)) button.click(); });
      select.appendChild(new Option(name + ", A to Z / first to last", index + ":a"));
      select.appendChild(new Option(name + ", Z to A / last to first", index + ":d"));
    });
    select.addEventListener("change", function () {
      if (!select.value) return;
      var parts = select.value.split(":");
      sortBy(Number(parts[0]), parts[1] === "a");
    });
    var label = document.createElement("label");
    label.className = "accord-facet accord-sort";
    var text = document.createElement("span");
    text.textContent = "Sort by";
    label.appendChild(text);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(select);
    var register = table.closest("[data-accord-register]");
    var facets = register && register.querySelector(".accord-facets");
    if (facets) facets.appendChild(label); else table.parentNode.insertBefore(label, table);
  }

  /* On paper: a link's whole address after it (CSS shows it), and the day it is printed. */
  function forPrint() {
    document.querySelectorAll(".md-content a[href]:not([data-accord-address])").forEach(function (link) {
      var href = link.getAttribute("href");
      if (href && href.charAt(0) !== "#") link.setAttribute("data-accord-address", link.href);
    });
    var now = new Date();
    var day = now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" +
      String(now.getDate()).padStart(2, "0");
    document.querySelectorAll("[data-accord-print-date]").forEach(function (element) { element.textContent = day; });
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
      register.dispatchEvent(new CustomEvent("accord:filtered", { bubbles: true }));
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

  /* The register's timeline (an SVG drawn at build time, accord.site.svg) and its table
     follow the register's filters: a bar shows while its agreement's row does, the rows
     below close up, and a status heading shows while one of its bars does. */
  function followRegister(register) {
    var shown = {};
    register.querySelectorAll("tr[data-accord-id]").forEach(function (row) {
      if (!row.hidden) shown[row.getAttribute("data-accord-id")] = true;
    });
    document.querySelectorAll("[data-accord-timeline-table] tr[data-accord-id]").forEach(function (row) {
      row.hidden = !shown[row.getAttribute("data-accord-id")];
    });
    document.querySelectorAll("[data-accord-timeline] > svg").forEach(function (svg) {
      var rows = svg.querySelector(".accord-tl-rows");
      if (!rows) return;
      var y = null, heading = null, headingShown = false;
      function closeSection() { if (heading) heading.toggleAttribute("hidden", !headingShown); }
      Array.prototype.forEach.call(rows.children, function (row) {
        if (y === null) y = parseFloat((row.getAttribute("transform") || "").split(/[ ,()]+/)[2]) || 0;
        if (row.classList.contains("accord-tl-section")) {
          closeSection();
          heading = row;
          headingShown = false;
          return;
        }
        var show = !!shown[row.getAttribute("data-accord-id")];
        row.toggleAttribute("hidden", !show);
        if (show) headingShown = true;
      });
      closeSection();
      Array.prototype.forEach.call(rows.children, function (row) {
        if (row.hasAttribute("hidden")) return;
        row.setAttribute("transform", "translate(0 " + y + ")");
        y += parseFloat(row.getAttribute("data-h"));
      });
      svg.setAttribute("height", y + parseFloat(svg.getAttribute("data-foot") || "0"));
    });
  }
  document.addEventListener("accord:filtered", function (event) { followRegister(event.target); });

  /* A table the theme wraps to scroll sideways can be scrolled from the keyboard too. */
  function focusableScrolls() {
    document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (wrap) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Table, scrolls sideways");
    });
  }

  /* Each Accord table in a box that scrolls sideways when the table is wider than the page (as
     the theme does for its own tables); a box that scrolls can be scrolled from the keyboard. */
  function tableBoxes() {
    document.querySelectorAll(".md-typeset table.accord-table").forEach(function (table) {
      var box = table.parentNode;
      if (!box.classList.contains("accord-scroll")) {
        box = document.createElement("div");
        box.className = "accord-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table, scrolls sideways");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  function init() {
    focusableScrolls();
    forPrint();
    document.querySelectorAll("table[data-accord-sortable]:not([data-accord-ready])").forEach(function (table) {
      table.setAttribute("data-accord-ready", "");
      makeSortable(table);
    });
    document.querySelectorAll("[data-accord-register]:not([data-accord-ready])").forEach(function (register) {
      register.setAttribute("data-accord-ready", "");
      makeFilterable(register);
    });
    tableBoxes();
  }
  window.addEventListener("beforeprint", forPrint);
  window.addEventListener("resize", tableBoxes);

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
