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
     (phones) the headings are out of sight: a "Sort by" box does the same. A register's rows are
     sorted by its register (all of them, listed or not); another table's in place. */
  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    var select = document.createElement("select");
    select.setAttribute("data-accord-sort", "");
    select.appendChild(new Option("As listed", ""));
    var state = null;
    function order(rows) {
      if (!state) return rows;
      var keyed = rows.map(function (row, at) { return [cellValue(row, state.index), at, row]; });
      keyed.sort(function (k1, k2) {
        var found = compare(k1[0], k2[0]);
        return (state.ascending ? found : -found) || k1[1] - k2[1];
      });
      return keyed.map(function (k) { return k[2]; });
    }
    table._accordOrder = order;
    function sortBy(index, ascending) {
      Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
      headers[index].setAttribute("aria-sort", ascending ? "ascending" : "descending");
      select.value = index + (ascending ? ":a" : ":d");
      state = { index: index, ascending: ascending };
      if (table._accordRegister) {
        table._accordRegister.reorder(order(table._accordRegister.rows()));
        return;
      }
      var body = table.tBodies[0];
      order(Array.prototype.slice.call(body.rows)).forEach(function (row) { body.appendChild(row); });
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
     (?filter=…&NAME=…), so a filtered register can be bookmarked or shared (not ?q=, which
     opens the theme's search).
     A long register (data-accord-rows, accord.site.paging) has its first rows in the page and
     every row in a file beside it, loaded once the page has shown: it lists the first AT_ONCE
     rows that match, and "Show more" the next ones; the count is of every row. */
  var AT_ONCE = 200;

  function number(n) { return n.toLocaleString("en-GB"); }

  function makeFilterable(register) {
    var input = register.querySelector("[data-accord-filter]");
    var table = register.querySelector("table");
    var empty = register.querySelector("[data-accord-empty]");
    var count = register.querySelector("[data-accord-count]");
    var more = register.querySelector("[data-accord-more]");
    var facets = Array.prototype.slice.call(register.querySelectorAll("select[data-accord-facet]"));
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var paged = register.hasAttribute("data-accord-rows") && typeof window.fetch === "function";
    var loaded = !paged, failed = false;
    var showing = AT_ONCE;
    var button = null;
    /* Back to the register from a row's page: as many rows listed as before, and the place
       (kept in the history entry, one key per register of the page). */
    var key = "accordRows" + Array.prototype.indexOf.call(document.querySelectorAll("[data-accord-register]"), register);
    var place = paged && window.history.state && window.history.state[key];
    function remember() {
      var state = Object.assign({}, window.history.state || {});
      state[key] = { showing: showing, y: window.scrollY };
      window.history.replaceState(state, "");
    }
    if (paged) {
      // The browser would restore the place before the rows are there: this script does, after.
      if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";
      body.addEventListener("click", function (event) { if (event.target.closest("a[href]")) remember(); });
      window.addEventListener("pagehide", function () { if (register.isConnected) remember(); });
    }
    if (paged && more) {
      more.textContent = "";
      button = document.createElement("button");
      button.type = "button";
      button.className = "md-button accord-more-button";
      more.appendChild(button);
      button.addEventListener("click", function () {
        var before = body.rows.length;
        showing += AT_ONCE;
        apply(false, true);
        remember();
        // The keyboard goes on from the first row just listed.
        var first = body.rows[before];
        var target = first && first.querySelector("a[href], button");
        if (target) target.focus();
      });
    }
    function defaultOf(select) { return select.getAttribute("data-default") || "all"; }
    function textOf(row, header) {
      if (row._accordText === undefined) {
        row._accordText = (row.textContent + " " + (header ? header.textContent : "")).toLowerCase();
      }
      return row._accordText;
    }
    function apply(write, keep) {
      if (!keep) showing = AT_ONCE;
      var words = input ? input.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
      var chosen = facets.map(function (select) {
        return { name: "data-" + select.getAttribute("data-accord-facet"), value: " " + select.value + " " };
      }).filter(function (facet) { return facet.value !== " all " && facet.value !== "  "; });
      var shown = 0, total = 0, header = null, headerShown = false, listedHeader = null;
      var listed = [], ids = {}, listedCount = 0;
      function closeGroup() { if (header && !paged) header.hidden = !headerShown; }
      for (var i = 0; i < rows.length; i += 1) {
        var row = rows[i];
        // A group's heading row (data-accord-group) shows while one of its rows does; its
        // words count for each of them.
        if (row.hasAttribute("data-accord-group")) {
          closeGroup();
          header = row;
          headerShown = false;
          continue;
        }
        total += 1;
        var text = textOf(row, header);
        var match = true;
        for (var w = 0; match && w < words.length; w += 1) match = text.indexOf(words[w]) !== -1;
        for (var f = 0; match && f < chosen.length; f += 1) {
          match = (" " + (row.getAttribute(chosen[f].name) || "") + " ").indexOf(chosen[f].value) !== -1;
        }
        if (!paged) row.hidden = !match;
        if (!match) continue;
        shown += 1;
        headerShown = true;
        if (row.hasAttribute("data-accord-id")) ids[row.getAttribute("data-accord-id")] = true;
        // (An agreement's activities are listed whole: past the limit, to its last one.)
        if (paged && (shown <= showing || (header && listedHeader === header && listed.length))) {
          if (header && listedHeader !== header) { listed.push(header); listedHeader = header; }
          listed.push(row);
          listedCount += 1;
        }
      }
      closeGroup();
      if (paged) {
        body.replaceChildren.apply(body, listed);
        if (loaded) {
          var listedRows = listedCount;
          if (count) {
            count.textContent = (shown === total ? number(total) + " in all" : number(shown) + " of " + number(total) + " match") +
              (listedRows < shown ? "; the first " + number(listedRows) + " are listed" : "");
          }
          if (button) {
            var left = shown - listedRows;
            more.hidden = left <= 0;
            button.textContent = "Show " + number(Math.min(left, AT_ONCE)) + " more (" + number(left) + " not listed yet)";
          }
        } else {
          var all = Number(register.getAttribute("data-accord-total")) || total;
          var some = (shown === total ? number(total) : number(shown) + " of the first " + number(total)) +
            (shown === 1 ? " row" : " rows");
          if (count) {
            count.textContent = failed ? some + " listed; the other " + number(all - total) + " could not be " +
              "read from " + register.getAttribute("data-accord-rows") + " (a page opened from the file system, " +
              "or a site published without that file): each has its page, under this section." :
              some + " listed; loading the rest of the " + number(all) + "…";
          }
          if (more) more.hidden = true;
        }
      } else if (count) {
        count.textContent = shown === total ? total + " shown" : shown + " of " + total + " shown";
      }
      if (empty) empty.hidden = shown > 0;
      table.hidden = shown === 0;
      // The timeline follows once every row is known (until then it shows every agreement).
      if (loaded) register.dispatchEvent(new CustomEvent("accord:filtered", { bubbles: true, detail: { ids: ids } }));
      if (!write) return;
      var url = new URL(window.location.href);
      if (input && input.value) url.searchParams.set("filter", input.value); else url.searchParams.delete("filter");
      facets.forEach(function (select) {
        var name = select.getAttribute("data-accord-facet");
        if (select.value !== defaultOf(select)) url.searchParams.set(name, select.value); else url.searchParams.delete(name);
      });
      window.history.replaceState(window.history.state, "", url.toString());
    }
    table._accordRegister = {
      rows: function () { return rows; },
      reorder: function (sorted) {
        rows = sorted;
        if (!paged) rows.forEach(function (row) { body.appendChild(row); });
        apply(false, true);
      }
    };
    /* Every row, from the file beside the page, turned into rows a batch at a time so that
       the page answers while it happens. */
    function load() {
      window.fetch(register.getAttribute("data-accord-rows")).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (data) {
        var found = [], at = 0, template = document.createElement("template");
        function batch() {
          if (!register.isConnected) return;  // the reader has gone to another page
          var end = Math.min(at + 200, data.rows.length);
          template.innerHTML = "<table><tbody>" + data.rows.slice(at, end).join("") + "</tbody></table>";
          Array.prototype.push.apply(found, Array.prototype.slice.call(template.content.querySelector("tbody").rows));
          at = end;
          if (at < data.rows.length) { window.setTimeout(batch, 0); return; }
          rows = table._accordOrder ? table._accordOrder(found) : found;
          loaded = true;
          apply(false, true);
          if (place) window.scrollTo(0, place.y);
          register.setAttribute("data-accord-loaded", "");
        }
        batch();
      }).catch(function () {
        failed = true;
        apply(false, true);
      });
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
    if (input && params.get("filter")) input.value = params.get("filter");
    facets.forEach(function (select) {
      var given = params.get(select.getAttribute("data-accord-facet"));
      if (given !== null && select.querySelector('option[value="' + CSS.escape(given) + '"]')) select.value = given;
    });
    apply(false);
    if (place && place.showing > AT_ONCE) showing = place.showing;
    if (paged) {
      window.setTimeout(load, 0);
      // On paper, every row that matches (the "Show more" button is not printed).
      window.addEventListener("beforeprint", function () {
        if (!register.isConnected) return;
        var kept = showing;
        showing = Infinity;
        apply(false, true);
        showing = kept;
      });
      window.addEventListener("afterprint", function () { if (register.isConnected) apply(false, true); });
    }
  }

  /* The register's timeline (an SVG drawn at build time, accord.site.svg) and its table
     follow the register's filters: a bar shows while its agreement's row does, the rows
     below close up, and a status heading shows while one of its bars does. */
  function followRegister(register, shown) {
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
  document.addEventListener("accord:filtered", function (event) { followRegister(event.target, event.detail.ids); });

  /* The agreements register's totals of resources by currency (accord.site.spreadsheets) follow
     its filters: the amounts (in hundredths, `data-accord-amounts="EUR:1500000 GBP:25"`) of every
     row that matches, a long register's rows not listed too, never two currencies added. */
  function followTotals(register, shown) {
    var totals = register.querySelector("[data-accord-totals]");
    var table = register.querySelector("table");
    if (!totals || !table || !table._accordRegister || typeof BigInt !== "function") return;
    function money(value, currency) {
      var rest = Number(value % BigInt(100));
      return (value / BigInt(100)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",") +
        (rest ? "." + (rest < 10 ? "0" : "") + rest : "") + " " + currency;
    }
    var sums = {}, matching = 0, all = 0;
    table._accordRegister.rows().forEach(function (row) {
      if (row.hasAttribute("data-accord-group")) return;
      all += 1;
      if (!shown[row.getAttribute("data-accord-id")]) return;
      matching += 1;
      (row.getAttribute("data-accord-amounts") || "").split(" ").forEach(function (token) {
        var at = token.indexOf(":");
        if (at < 1 || !/^\d+$/.test(token.slice(at + 1))) return;
        var currency = token.slice(0, at);
        sums[currency] = (sums[currency] || BigInt(0)) + BigInt(token.slice(at + 1));
      });
    });
    totals.querySelector("[data-accord-totals-of]").textContent = matching === all ?
      (all === 1 ? "Resources of the 1 agreement:" : "Resources of all " + number(all) + " agreements:") :
      "Resources of the " + number(matching) + (matching === 1 ? " agreement" : " agreements") + " that match:";
    var list = totals.querySelector("[data-accord-totals-sums]");
    list.replaceChildren();
    Object.keys(sums).sort().forEach(function (currency, index) {
      if (index) list.appendChild(document.createTextNode(" · "));
      var total = document.createElement("span");
      total.className = "accord-total";
      total.textContent = money(sums[currency], currency);
      list.appendChild(total);
    });
    if (!list.firstChild) list.textContent = "none with an amount";
  }
  document.addEventListener("accord:filtered", function (event) { followTotals(event.target, event.detail.ids); });

  /* A table the theme wraps to scroll sideways can be scrolled from the keyboard too (the
     region is named after its table by tableBoxes, which runs after). */
  function focusableScrolls() {
    document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (wrap) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
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
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
    /* Every such region, the theme's too, is named after its table: its caption, else the
       heading above it ("Objectives table, scrolls sideways"), a second under one heading
       numbered, so that no two landmarks of a page share a name. */
    var headings = document.querySelectorAll(".md-content h1, .md-content h2, .md-content h3, " +
                                             ".md-content h4, .md-content h5, .md-content h6");
    var seen = {};
    var regions = ".md-typeset .accord-scroll[role=region], .md-typeset .md-typeset__scrollwrap[role=region]";
    document.querySelectorAll(regions).forEach(function (region) {
      var table = region.querySelector("table");
      var name = table && table.caption ? table.caption.textContent.replace(/\s+/g, " ").trim() : "";
      if (!name) {
        var above = null;
        headings.forEach(function (heading) {
          if (heading.compareDocumentPosition(region) & Node.DOCUMENT_POSITION_FOLLOWING) above = heading;
        });
        if (above) {
          var copy = above.cloneNode(true);
          copy.querySelectorAll(".headerlink").forEach(function (link) { link.remove(); });
          name = copy.textContent.replace(/\s+/g, " ").trim();
        }
      }
      name = name ? name + " table" : "Table";
      seen[name] = (seen[name] || 0) + 1;
      region.setAttribute("aria-label", name + (seen[name] > 1 ? " " + seen[name] : "") + ", scrolls sideways");
    });
  }

  /* Landmarks with names of their own: mkdocs-material names the nav of a section with an
     index page (navigation.indexes) after its toggle, which holds only an arrow, so several
     navs of every page had no name, or the same; each is named after its section's title, the
     tags nav "Tags" and each code block's buttons after the block's place on the page. */
  function nameThemeNavs() {
    document.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      if (label && label.textContent.trim()) return;
      var title = nav.querySelector(":scope > .md-nav__title");
      if (!title || !title.textContent.trim()) return;
      if (!title.id) title.id = nav.getAttribute("aria-labelledby") + "_title";
      nav.setAttribute("aria-labelledby", title.id);
    });
    document.querySelectorAll("nav.md-tags:not([aria-label])").forEach(function (nav) {
      nav.setAttribute("aria-label", "Tags");
    });
    document.querySelectorAll("nav.md-code__nav").forEach(function (nav, index) {
      nav.setAttribute("aria-label", "Code block " + (index + 1) + " actions");
    });
  }

  function init() {
    nameThemeNavs();
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
