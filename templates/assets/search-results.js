/* The search box's results, drawn in the page as text (accord/search).
 *
 * Accord's search worker (search.js) answers each question on the BroadcastChannel
 * "accord-search"; the theme's own list gets nothing to draw. Each result says what it is
 * (Agreement and its status, Lesson and its impact…), gives one line of context and at
 * most three tags (none on a phone); the count is of all the matches, with a button for
 * more; a question no record answers says so and offers the registers. Every value is set
 * with textContent: a title or a tag is never read as HTML.
 */
"use strict";

(function () {
  if (typeof BroadcastChannel !== "function") return;
  var channel = new BroadcastChannel("accord-search");
  var MAX_TAGS = 3;
  var latest = null;
  var drawing = false;

  function input() { return document.querySelector("input.md-search__input"); }
  function list() { return document.querySelector(".md-search-result__list"); }
  function meta() { return document.querySelector(".md-search-result__meta"); }

  function base() {
    var config = document.getElementById("__config");
    try {
      return new URL(JSON.parse(config.textContent).base, location.href);
    } catch (error) {
      return new URL(".", location.href);
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* `text` with the words found marked: text nodes and <mark> elements, never HTML */
  function marked(parent, text, words) {
    var pattern = words.length ? new RegExp("(^|[^\\p{L}\\p{N}_])(" + words.map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|") + ")", "giu") : null;
    var at = 0, found;
    while (pattern && (found = pattern.exec(text)) !== null) {
      var start = found.index + found[1].length;
      parent.appendChild(document.createTextNode(text.slice(at, start)));
      parent.appendChild(element("mark", "", found[2]));
      at = start + found[2].length;
    }
    parent.appendChild(document.createTextNode(text.slice(at)));
    return parent;
  }

  function item(result, rank, count, words, root) {
    var li = element("li", "md-search-result__item accord-search-result");
    li.dataset.accordKind = result.type;
    var link = element("a", "md-search-result__link");
    link.href = new URL(result.location, root).href;
    link.tabIndex = -1;
    var article = element("article", "md-search-result__article md-typeset");
    article.setAttribute("data-md-score", String(count - rank));  // Enter opens the first
    var line = element("p", "accord-search-result__what");
    line.appendChild(element("span", "accord-search-result__kind", result.kind));
    if (result.status) line.appendChild(element("span", "accord-search-result__status", result.status));
    if (result.parent) line.appendChild(element("span", "accord-search-result__in", "in " + result.parent.title));
    article.appendChild(line);
    article.appendChild(marked(element("h2", "accord-search-result__title"), result.title, words));
    if (result.context) article.appendChild(marked(element("p", "accord-search-result__context"), result.context, words));
    var tags = (result.tags || []).slice(0, MAX_TAGS);
    if (tags.length) {
      var nav = element("nav", "md-tags accord-search-result__tags");
      tags.forEach(function (tag) { nav.appendChild(element("span", "md-tag", tag)); });
      if (result.tags.length > MAX_TAGS)
        nav.appendChild(element("span", "accord-search-result__more-tags", "+" + (result.tags.length - MAX_TAGS)));
      article.appendChild(nav);
    }
    link.appendChild(article);
    li.appendChild(link);
    return li;
  }

  function summary(answer, root) {
    var box = element("div", "accord-search-summary");
    var results = answer.results;
    if (!results.length) {
      box.appendChild(element("p", "accord-search-summary__none",
        "No record matches \u201c" + answer.query.trim() + "\u201d."));
      if (answer.unknown && answer.unknown.length) {  // as `accord search` says it: "a", "b" or "c"
        var quoted = answer.unknown.map(function (word) { return "\u201c" + word + "\u201d"; });
        var last = quoted.pop();
        box.appendChild(element("p", "", "No record contains " +
          (quoted.length ? quoted.join(", ") + " or " + last : last) + "."));
      }
      if (answer.registers && answer.registers.length) {
        var offer = element("p", "accord-search-summary__registers", "Browse the registers: ");
        answer.registers.forEach(function (register, i) {
          var a = element("a", "", register.title);
          a.href = new URL(register.location, root).href;
          if (i) offer.appendChild(document.createTextNode(" \u00b7 "));
          offer.appendChild(a);
        });
        box.appendChild(offer);
      }
      return box;
    }
    var count = answer.count;
    var text = count === 1 ? "1 matching result" : count + " matching results";
    if (results.length < count) text = "Showing " + results.length + " of " + count + " matching results";
    box.appendChild(element("span", "", text));
    if (answer.corrected && answer.corrected.length)
      box.appendChild(element("span", "accord-search-summary__corrected", " (" + answer.corrected.map(function (pair) {
        return pair[0] + " \u2192 " + pair[1];
      }).join(", ") + ")"));
    return box;
  }

  function more(answer) {
    var li = element("li", "accord-search-more");
    var button = element("button", "md-button", "Show " + Math.min(30, answer.count - answer.results.length) + " more");
    button.type = "button";
    button.addEventListener("click", function () {
      button.disabled = true;
      channel.postMessage({ type: "more", query: answer.query });
    });
    li.appendChild(button);
    return li;
  }

  function draw() {
    var answer = latest, field = input(), ol = list(), head = meta();
    if (!answer || !field || !ol || !head || field.value !== answer.query) return;
    if (!answer.query.trim()) return;  // an empty box: the theme's "Type to start searching"
    drawing = true;
    var root = base(), words = answer.marks || [];
    var items = answer.results.map(function (result, i) {
      return item(result, i, answer.results.length, words, root);
    });
    if (answer.results.length < answer.count) items.push(more(answer));
    ol.replaceChildren.apply(ol, items);
    head.replaceChildren(summary(answer, root));
    head.dataset.accord = answer.query;
    drawing = false;
  }

  channel.onmessage = function (event) {
    if (!event.data || !Array.isArray(event.data.results)) return;
    latest = event.data;
    draw();
  };

  /* The theme clears its list and writes its count ("No matching documents") on each of
   * its own messages: the answer is drawn again over it */
  function watch() {
    var head = meta(), ol = list();
    if (!head || !ol) return;
    new MutationObserver(function () {
      if (drawing || !latest) return;
      var field = input();
      if (field && field.value === latest.query && !head.querySelector(".accord-search-summary")) draw();
    }).observe(head, { childList: true, characterData: true, subtree: true });
    var field = input();
    if (field && field.value) channel.postMessage({ type: "again", query: field.value });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
