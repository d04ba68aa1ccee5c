"""Scoring search against the judged set (tests/data/search_questions.yaml): `accord search`,
the Accord site's search box, and the search box of a plain mkdocs-material site of the
same files.

Judged at record level, as a person reads a result list: each result is the record it
belongs to (a lesson is its retrospective), repeats are dropped, and a page that is no
record (a guide) takes its place in the list as a miss. The search boxes are asked
through the worker the theme talks to, with the message the theme sends (the question
as typed), so the pages are ranked as the box lists them.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conftest import DEMO_DOCS, REPO

QUESTIONS_FILE = REPO / "tests" / "data" / "search_questions.yaml"
AUDIENCE = "internal"  # the demo's (accord/records' default)
_RECORD_PAGE = re.compile(r"^(?:agreements|organizations|playbooks|retrospectives)/([^/#]+)/?$")

# A plain mkdocs-material site of the same files: every record published as a page, the
# theme's own search.
PLAIN_CONFIG = """\
site_name: Northvale Partnerships Office
theme:
  name: material
  font: false
plugins:
  - search
"""


@dataclass(frozen=True)
class Question:
    text: str
    relevant: tuple[str, ...]


def questions(path: Path = QUESTIONS_FILE) -> list[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(item["q"], tuple(item["relevant"])) for item in raw]


def record_of(location: str) -> str:
    """The record a result address belongs to (its page, a lesson's retrospective); any other
    page's address as it is."""
    page = location.split("#", 1)[0].lstrip("./")
    found = _RECORD_PAGE.match(page)
    return found.group(1) if found else page or "/"


def distinct(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


@dataclass
class Scores:
    name: str
    mrr: float = 0.0  # mean reciprocal rank of the first relevant record in the top 10
    recall: float = 0.0  # of the relevant records, the share in the top 5 (mean over questions)
    precision: float = 0.0  # of the top 5, the share relevant (mean over questions)
    first: int = 0  # questions whose first result is relevant
    count: int = 0
    misses: list[tuple[str, int | None, list[str]]] = field(default_factory=list)  # question, rank, top 5

    def row(self) -> str:
        return (f"| {self.name} | {self.mrr:.3f} | {self.recall:.3f} | {self.precision:.3f} | "
                f"{self.first}/{self.count} |")


def score(name: str, ask: Callable[[list[str]], list[list[str]]], judged: list[Question] | None = None) -> Scores:
    """`ask(questions)` gives, for each question, the records it finds, best first."""
    judged = judged if judged is not None else questions()
    answers = ask([q.text for q in judged])
    result = Scores(name, count=len(judged))
    for question, found in zip(judged, answers, strict=True):
        ranked = distinct(found)
        relevant = set(question.relevant)
        rank = next((i for i, rid in enumerate(ranked[:10], 1) if rid in relevant), None)
        top5 = ranked[:5]
        hits = sum(1 for rid in top5 if rid in relevant)
        result.mrr += 1 / rank if rank else 0.0
        result.recall += hits / len(relevant)
        result.precision += hits / 5
        result.first += rank == 1
        if rank != 1:
            result.misses.append((question.text, rank, top5))
    for name_ in ("mrr", "recall", "precision"):
        setattr(result, name_, getattr(result, name_) / len(judged))
    return result


def table(scores: list[Scores]) -> str:
    lines = ["| search | MRR@10 | recall@5 | precision@5 | relevant result first |", "|---|---|---|---|---|"]
    lines += [s.row() for s in scores]
    for s in scores:
        if s.misses:
            lines.append(f"\n{s.name}: relevant record not first for")
            for text, rank, top5 in s.misses:
                lines.append(f"  - “{text}”: {'rank ' + str(rank) if rank else 'not in the top 10'}; top 5: "
                             + ", ".join(top5))
    return "\n".join(lines)


# `accord search` ------------------------------------------------------------------------


def accord_search(docs: Path = DEMO_DOCS, cache: Path | None = None, limit: int = 10,
                  ) -> Callable[[list[str]], list[list[str]]]:
    """What `accord search QUESTION` lists (its default ten results), as records."""
    import tempfile

    from accord.search.index import SearchIndex
    from accord.search.query import search

    def ask(texts: list[str]) -> list[list[str]]:
        with tempfile.TemporaryDirectory(prefix="accord-judged-") as scratch:
            index = SearchIndex(docs, cache or Path(scratch), AUDIENCE)
            index.refresh()
            try:
                return [[r.record for r in search(index, text, limit=limit).results] for text in texts]
            finally:
                index.close()

    return ask


# The search boxes -------------------------------------------------------------------------


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """A built site on a loopback port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


_ASK_WORKER = """
async ({questions}) => {
  const config = JSON.parse(document.getElementById("__config").textContent)
  const base = new URL(config.base, location.href)
  const index = await (await fetch(new URL("search/search_index.json", base))).json()
  const worker = new Worker(new URL(config.search, location.href))
  const next = type => new Promise(resolve => {
    worker.onmessage = event => { if (event.data.type === type) resolve(event.data.data) }
  })
  const ready = next(1)
  worker.postMessage({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}})
  await ready
  const found = []
  for (const question of questions) {
    const result = next(3)
    worker.postMessage({type: 2, data: question})
    const {items, accord} = await result
    // Accord's worker lists its results in `accord` (drawn by the page), the theme's in `items`
    found.push(accord ? accord.results.map(r => r.location) : items.map(group => group[0].location))
  }
  worker.terminate()
  return found
}
"""


def search_box(browser: Any, site: Path) -> Callable[[list[str]], list[list[str]]]:
    """What a site's search box lists for each question, as records, in the order shown."""

    def ask(texts: list[str]) -> list[list[str]]:
        with serve(site) as base:
            page = browser.new_page()
            try:
                page.goto(base, wait_until="load")
                locations = page.evaluate(_ASK_WORKER, {"questions": texts})
            finally:
                page.close()
        return [[record_of(location) for location in found] for found in locations]

    return ask
