"""The site's search index: `accord search`'s documents and scores, as static files a browser
reads a few at a time.

The search box asks the same documents as `accord search` (accord.search.documents: one
per record, one per lesson, every part of each), analysed by the same words and stop list,
and scored with the same BM25F as the Whoosh index (accord.search.scoring), so that the
same question finds the same records in both. Scores do not depend on the query, so each
word's postings carry them ready-made: a query only adds them up.

What a browser loads is split so that the first result never waits for the whole index:
- `index.json`: the shards there are, the stop words, the number of documents;
- `words/<prefix>.json`: the words starting with `prefix` as written in the records, the
  stem each one is indexed under, each stem's postings (document, score) and idf (a
  result's score is weighed by the share of the question it holds); also the
  stems starting with `prefix`, so that a word of the question no record has as written
  ("pseudonymising") is found by its stem (templates/assets/search.js stems it as
  accord.search.terms does);
- `docs/<n>.json`: `CHUNK` documents each: address, title, type, tags, impact, page,
  record, and an agreement's status;
- `text/<n>.json`: `TEXT_CHUNK` documents' text each, for the snippets under the titles.

`index.json` also has each document's type in one letter, the weights of each letter and
of each form of question, and what puts results in tiers by the words of the question they
miss (the number of records, the share that makes a word common, the words that name a
kind of record); the word shards also hold the records' title postings. So results are
ranked as `accord search` ranks them before any document is fetched. A
query fetches the shards of its words, then the rows of its best documents and the text
of the first few: a few hundred kilobytes whatever the size of the knowledge base.
"""

from __future__ import annotations

import functools
import json
import math
import re
import shutil
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path
from typing import Any

from accord.search import query as _query
from accord.search.schema import fold
from accord.search.terms import STOP, stem_word, words
from accord.search.text import excerpt

VERSION = 4  # 4: what makes the tiers of missing words; 3: stems in the shard of their own prefix, statuses…
FOLDER = Path("search") / "accord"
CHUNK = 32  # documents per file of documents
TEXT_CHUNK = 8  # documents per file of texts
SHARD_BYTES = 96_000  # a shard of words is split by a longer prefix past this size
MAX_PREFIX = 4
TEXT_CHARS = 1_500  # of each document's text, for the snippet under its title
SCALE = 1000  # scores are stored as integers: score × SCALE
# Whoosh's BM25F defaults, as the index uses them (accord.search.scoring reads them from there)
K1, B = 1.2, 0.75


@dataclass
class Doc:
    """One entry of the search box: a record, a lesson, or a section of another page."""

    location: str
    title: str
    text: str  # what is indexed, parts repeated by their weight (accord.search.schema.fold)
    shown: str  # the plain text shown under the title
    type: str
    record: str = ""  # the record it belongs to
    parent: str = ""  # the location of the page a lesson or section belongs to
    tags: list[str] = field(default_factory=list)
    impact: str = ""
    status: str = ""  # an agreement's ("active")


def record_docs(documents: Iterable[dict[str, Any]], url_of: Callable[[str], str | None],
                body_chars: int | None = None) -> list[Doc]:
    """The entries of records and lessons, from `accord search`'s documents. `url_of(path)`
    gives the page address of a record's file (None: not published). `body_chars` cuts
    each body to its start (None: whole)."""
    found: list[Doc] = []
    for doc in documents:
        url = url_of(doc["path"])
        if url is None:
            continue
        if body_chars is not None and doc.get("body"):
            doc = {**doc, "body": excerpt(doc["body"], body_chars)}
        folded = fold(doc)
        is_lesson = doc["type"] == "lesson"
        location = f"{url}#{doc['id'].split('#', 1)[1]}" if is_lesson else url
        shown = " ".join(doc.get(part, "") for part in (
            ("event", "lesson", "recommendation") if is_lesson else ("summary", "body")) if doc.get(part))
        tags = [t for t in (doc.get("topics") or doc.get("tags") or "").split(",") if t]
        found.append(Doc(
            location=location, title=doc["title"], text=folded["text"], shown=excerpt(shown, TEXT_CHARS),
            type=doc["type"], record=doc["record"], parent=url if is_lesson else "", tags=tags,
            impact=doc.get("impact", ""),
        ))
    return found


def page_docs(entries: Iterable[dict[str, Any]]) -> list[Doc]:
    """The entries mkdocs-material made of other pages (`search_index.json`'s `docs`):
    whole pages and their sections, their text in HTML."""
    found: list[Doc] = []
    for entry in entries:
        location = entry.get("location", "")
        if "#accord-" in location:
            continue  # a section Accord wrote (the dashboard's): it repeats the records
        title = _plain(entry.get("title", ""))
        text = _plain(entry.get("text", ""))
        parent = location.split("#", 1)[0] if "#" in location else ""
        found.append(Doc(location=location, title=title, text="\n".join([title] * 4 + [text]),
                         shown=excerpt(text, TEXT_CHARS), type="page", parent=parent,
                         tags=[_plain(t) for t in entry.get("tags") or []]))
    return found


def _plain(html: str) -> str:
    return " ".join(unescape(_TAG.sub(" ", html)).split())


_TAG = re.compile(r"<[^>]*>")


@functools.lru_cache(maxsize=4096)
def _quantised(length: int) -> float:
    """A field length as Whoosh stores it (one byte): what its BM25F divides by."""
    from whoosh.util.numeric import byte_to_length, length_to_byte

    return float(byte_to_length(length_to_byte(length)))


class Stopped(Exception):
    """The index is no longer wanted (a newer build will write its own)."""


def checkpoint(stop: Callable[[], bool] | None, i: int) -> None:
    if stop is not None and i % 16 == 0 and stop():
        raise Stopped


class Postings:
    """Every stem's postings (document number, score × SCALE) and the stem of every word as
    written, made in two steps: the records' documents, whose statistics score everything
    (as in `accord search`'s index), then other pages' (`add`), scored by them and changing
    no record's score. The first step can run before the pages are known."""

    def __init__(self, docs: list[Doc], stop: Callable[[], bool] | None = None) -> None:
        self.docs = list(docs)
        self.surface: dict[str, str] = {}
        self.stop = stop  # asked now and then: True ends the work (Stopped)
        counts = [self._count(doc, i) for i, doc in enumerate(self.docs)]
        records = [c for doc, c in zip(self.docs, counts, strict=True) if doc.type != "page"] or counts
        self.n = len(records)
        self.average = (sum(sum(c.values()) for c in records) / self.n) if self.n else 1.0
        frequency: Counter[str] = Counter()
        for c in records:
            frequency.update(c.keys())
        self.idf = {stem: math.log(self.n / (f + 1)) + 1 for stem, f in frequency.items()}
        # stem → document, score, document, score… (machine integers: a list of Python ints
        # would take six times the memory)
        self.stems: dict[str, array[int]] = defaultdict(lambda: array("l"))
        # stem → document, title length, … for the records whose title has the stem (a
        # question that names a record brings it first: accord.search.query.NAME_WEIGHT)
        self.titles: dict[str, array[int]] = defaultdict(lambda: array("l"))
        self._score(0, counts)

    def add(self, docs: list[Doc]) -> Postings:
        """Other pages' documents, numbered after those there are."""
        if not self.docs:
            self.__init__(docs, self.stop)  # type: ignore[misc]  # no records: the pages' own statistics
            return self
        first = len(self.docs)
        self.docs += docs
        self._score(first, [self._count(doc, i) for i, doc in enumerate(docs)])
        return self

    def _count(self, doc: Doc, i: int) -> Counter[str]:
        checkpoint(self.stop, i)
        surface = self.surface
        found = words(doc.text)
        doc.text = ""  # counted: what is left of it is in the postings
        for word in found:
            if word not in surface:
                surface[word] = stem_word(word)
        return Counter(surface[w] for w in found)

    def _score(self, first: int, counts: list[Counter[str]]) -> None:
        unknown = (math.log(self.n) + 1) if self.n else 1.0  # a stem no record has
        average = self.average or 1.0
        for number, c in enumerate(counts, start=first):
            checkpoint(self.stop, number)
            doc = self.docs[number]
            if _type_letter(doc) in _query.NAMED:
                title = [self.surface.get(w) or stem_word(w) for w in words(doc.title)]
                length = int(_quantised(len(title)))
                for stem in dict.fromkeys(title):
                    self.titles[stem].extend((number, length))
            norm = K1 * ((1 - B) + B * _quantised(sum(c.values())) / average)
            for stem, tf in c.items():
                score = self.idf.get(stem, unknown) * tf * (K1 + 1) / (tf + norm)
                self.stems[stem].extend((number, max(1, round(score * SCALE))))


def _shard_keys(sizes: dict[str, int]) -> dict[str, str]:
    """Each word's shard: its first letter, or a longer prefix where one letter's words
    weigh more than SHARD_BYTES."""
    keys: dict[str, str] = {}

    def split(group: list[str], depth: int) -> None:
        weight = sum(sizes[w] for w in group)
        if weight <= SHARD_BYTES or depth >= MAX_PREFIX:
            for word in group:
                keys[word] = word[:depth]
            return
        by: dict[str, list[str]] = defaultdict(list)
        rest: list[str] = []
        for word in group:
            (by[word[: depth + 1]] if len(word) > depth else rest).append(word)
        for sub in by.values():
            split(sub, depth + 1)
        for word in rest:
            keys[word] = word[:depth]

    by_first: dict[str, list[str]] = defaultdict(list)
    for word in sizes:
        by_first[word[:1]].append(word)
    for group in by_first.values():
        split(group, 1)
    return keys


def write(index: Postings | list[Doc], folder: Path, registers: list[dict[str, str]] | None = None) -> int:
    """Write the index of `docs` into `folder` (emptied first); its size in bytes.
    `registers`: the registers the site has (title, location), which the box offers when
    no record answers a question."""
    if not isinstance(index, Postings):
        index = Postings(index)
    docs, surface, encoded = index.docs, index.surface, index.stems
    sizes = {word: len(word) + len(stem) + len(encoded[stem]) + 8 for word, stem in surface.items()}
    keys = _shard_keys(sizes)
    shards: dict[str, dict[str, Any]] = defaultdict(lambda: {"words": {}, "stems": {}})
    for word, stem in surface.items():
        shard = shards[keys[word]]
        shard["words"][word] = stem
        shard["stems"][stem] = encoded[stem].tolist()
        shard.setdefault("idf", {})[stem] = round(index.idf.get(stem, 0.0), 4)  # 0: in no record
        if stem in index.titles:
            shard.setdefault("titles", {})[stem] = index.titles[stem].tolist()
    # A stem goes into the shard of its own prefix too, when that is another shard ("dying"
    # is in "dy", its stem "di" in "di"): the box looks a stem up there.
    for stem in dict.fromkeys(surface.values()):
        key = _longest_key(stem, shards)
        if key is not None and stem not in shards[key]["stems"]:
            shards[key]["stems"][stem] = encoded[stem].tolist()
            shards[key].setdefault("idf", {})[stem] = round(index.idf.get(stem, 0.0), 4)
            if stem in index.titles:
                shards[key].setdefault("titles", {})[stem] = index.titles[stem].tolist()
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "words").mkdir(parents=True)
    (folder / "docs").mkdir()
    (folder / "text").mkdir()
    total = 0
    for i, (key, shard) in enumerate(shards.items()):
        checkpoint(index.stop, i)
        size = _dump(folder / "words" / f"{_file_key(key)}.json", shard)
        total += size
    numbers = {doc.location: i for i, doc in enumerate(docs)}
    for start in range(0, len(docs), CHUNK):
        chunk = [_row(doc, numbers) for doc in docs[start:start + CHUNK]]
        total += _dump(folder / "docs" / f"{start // CHUNK}.json", chunk)
    for start in range(0, len(docs), TEXT_CHUNK):
        texts = [escape(doc.shown, quote=False) for doc in docs[start:start + TEXT_CHUNK]]
        total += _dump(folder / "text" / f"{start // TEXT_CHUNK}.json", texts)
    meta = {
        "version": VERSION, "documents": len(docs), "chunk": CHUNK, "text_chunk": TEXT_CHUNK, "scale": SCALE,
        "types": "".join(_type_letter(doc) for doc in docs),
        "shards": sorted(shards), "stop": sorted(w for w in STOP if w.isalpha()),
        "weights": _query.WEIGHTS, "name_weight": _query.NAME_WEIGHT, "names_it": _query.NAMES_IT,
        "named": "".join(sorted(_query.NAMED)),
        # the tiers of results by the words of the question they miss (accord.search.query.missing)
        "records": index.n, "common": _query.COMMON,
        "kind_words": {stem: _query.LETTERS[kind] + ("n" if kind == "lesson" else "")
                       for stem, kind in _query.KIND_WORDS.items()},
        "forms": [{"name": form.name, "pattern": form.pattern.pattern, "weights": form.weights, "names": form.names}
                  for form in _query.FORMS],
        "syntax": _query._SYNTAX.pattern, "fields": sorted(_query._FIELD_NAMES),
        "registers": registers or [],
    }
    total += _dump(folder / "index.json", meta)
    return total


def _longest_key(word: str, shards: dict[str, Any]) -> str | None:
    """The shard a word is in, as the box finds it: the longest shard prefix of it."""
    return next((word[:n] for n in range(min(len(word), MAX_PREFIX), -1, -1) if word[:n] in shards), None)


def _file_key(key: str) -> str:
    """A shard's file name: its prefix, with anything but a-z and 0-9 spelled as a code."""
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in key) or "_"


def _row(doc: Doc, numbers: dict[str, int]) -> list[Any]:
    parent = numbers.get(doc.parent, -1) if doc.parent else -1
    return [doc.location, escape(doc.title, quote=False), doc.type, [escape(t, quote=False) for t in doc.tags],
            doc.impact, parent, doc.record, doc.status]


def _type_letter(doc: Doc) -> str:
    """The document's letter (accord.search.query.LETTERS): its type, `n` for a lesson that
    went wrong (negative or mixed), `p` for a page that is no record."""
    return _query.letter({"type": doc.type, "impact": doc.impact})


def _dump(path: Path, data: Any) -> int:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(raw)
    return len(raw)
