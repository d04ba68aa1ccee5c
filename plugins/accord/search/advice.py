"""Past lessons that concern an agreement: `accord lessons-for`, and the "Lessons to
consider" box of every agreement page.

Every lesson is scored against the draft at once, as sparse vectors: shared partners,
the same agreement kind and sector, shared topics, and the cosine of tf-idf vectors of
the draft's words and the lesson's. Lessons from retrospectives of the very same
partners and kind come first. Scoring one draft is a handful of numpy operations over
postings lists, never a loop over lessons; a site build scores every agreement so.

The score orders lessons; it does not decide which are shown. A lesson is shown only
when something says it concerns the draft (`Lessons.advise`, the relevance floor):

- it comes from a retrospective of the same partners and kind of agreement, or of the
  same partners' partnership as a whole (a retrospective that names partners, no agreement);
- the draft says it acts on it (`lessons_applied`), or it shares a partner with the draft
  and comes from a retrospective the draft already draws on (applies another of its
  lessons, or names it under `related`);
- its wording is close to the draft's: at least `MIN_TEXT`, and `STANDOUT` times what the
  draft's wording scores against the average lesson (long drafts share common words with
  every lesson; that is not a reason).

A shared partner, kind, sector or topic alone is never a reason: on a real catalogue
most lessons share one of them with any agreement. None is better than noise, and the
reasons given are those that passed.
"""

from __future__ import annotations

import functools
import heapq
import io
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, overload

import numpy as np

from accord.format.files import write_whole
from accord.format.vocabulary import KIND_NAMES
from accord.search.facts import LessonRow
from accord.search.terms import MIN_SIZE, STOP, TOKEN, stem_word

# What each kind of overlap adds to a lesson's score (which orders the lessons shown).
WEIGHTS = {"partner": 3.0, "kind": 2.0, "sector": 1.5, "topic": 1.0, "text": 6.0, "same": 10.0}
MAX_TOPICS = 3  # shared topics counted, at most
# The relevance floor for wording: the cosine must reach MIN_TEXT (on a large catalogue of
# unrelated prose the best match of a draft scores about half of it), and STANDOUT times
# the draft's mean cosine over all lessons (what words it shares with any lesson give).
MIN_TEXT = 0.15
STANDOUT = 3.0
TERMS_SHOWN = 4
MAX_TERMS = 40  # the draft terms compared
NUMBER = re.compile(r"[\d.]+")  # years, amounts, counts: not wording


@dataclass
class Draft:
    """What is compared: an agreement's partners, kind, sector, tags and words."""

    id: str | None = None
    title: str = ""
    kind: str | None = None
    sector: str | None = None
    parties: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    text: str = ""  # title, summary, objectives, RACI activities and body
    applied: set[str] = field(default_factory=set)  # lesson addresses it already acts on
    related: set[str] = field(default_factory=set)  # record ids it names as related

    @classmethod
    def from_data(cls, data: dict[str, Any] | None, body: str) -> Draft:
        """A draft from front matter as written, however incomplete: whatever is there is used."""
        from accord.search.text import plain_text

        data = data if isinstance(data, dict) else {}

        def text(value: Any) -> str:
            return value if isinstance(value, str) else ""

        def items(value: Any) -> list[Any]:
            return value if isinstance(value, list) else []

        parties = []
        for party in items(data.get("parties")):
            org = party.get("org") if isinstance(party, dict) else party
            if isinstance(org, str) and org:
                parties.append(org)
        objectives = [text(o.get("statement")) if isinstance(o, dict) else text(o)
                      for o in items(data.get("objectives"))]
        activities = [text(r.get("activity")) for r in items(data.get("responsibilities")) if isinstance(r, dict)]
        return cls(
            id=text(data.get("id")) or None,
            title=text(data.get("title")),
            kind=text(data.get("kind")) or None,
            sector=text(data.get("sector")) or None,
            parties=parties,
            tags=[t for t in items(data.get("tags")) if isinstance(t, str)],
            text="\n".join([text(data.get("title")), text(data.get("summary")), *objectives, *activities,
                            plain_text(body)]),
            applied={a for a in items(data.get("lessons_applied")) if isinstance(a, str)},
            related={r for r in items(data.get("related")) if isinstance(r, str)},
        )

    @classmethod
    def from_agreement(cls, agreement: Any, body: str) -> Draft:
        from accord.search.text import plain_text

        return cls(
            id=agreement.id,
            title=agreement.title,
            kind=agreement.kind.value,
            sector=agreement.sector,
            parties=list(agreement.party_ids),
            tags=list(agreement.tags),
            text="\n".join([agreement.title, agreement.summary or "", *(o.statement for o in agreement.objectives),
                            *(r.activity for r in agreement.responsibilities), plain_text(body)]),
            applied=set(agreement.lessons_applied),
            related=set(agreement.related),
        )


@dataclass
class Advice:
    """One lesson for a draft, and why."""

    row: LessonRow
    score: float
    reasons: list[str]  # why it is shown: what passed the floor, then what else it shares
    applied: bool
    said: list[str] = field(default_factory=list)  # the reasons as a person says them

    @property
    def address(self) -> str:
        return self.row.address

    @property
    def sentence(self) -> str:
        """Why, as a sentence: "Same partner: Northvale Regional Hospital Trust; same kind of
        agreement." """
        if not self.said:
            return ""
        text = "; ".join(self.said)
        return text[0].upper() + text[1:] + "."


class _Postings:
    """For each value (a partner, a kind, a term…), the lessons that have it: one sorted
    array of lesson numbers, sliced by value."""

    def __init__(self, values: list[str], indptr: np.ndarray, rows: np.ndarray, weights: np.ndarray | None = None):
        self.values = values
        self.code = {value: i for i, value in enumerate(values)}
        self.indptr, self.rows, self.weights = indptr, rows, weights

    @classmethod
    def build(cls, codes: np.ndarray, rows: np.ndarray, values: list[str], weights: np.ndarray | None = None,
              ) -> _Postings:
        order = np.argsort(codes, kind="stable")
        indptr = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=len(values))))).astype(np.int64)
        return cls(values, indptr, rows[order], weights[order] if weights is not None else None)

    @classmethod
    def of(cls, pairs: list[tuple[int, str]]) -> _Postings:
        values: dict[str, int] = {}
        codes = np.array([values.setdefault(value, len(values)) for _, value in pairs], dtype=np.int64)
        rows = np.array([row for row, _ in pairs], dtype=np.int64)
        return cls.build(codes, rows, list(values))

    def rows_of(self, value: str) -> np.ndarray:
        code = self.code.get(value)
        if code is None:
            return self.rows[:0]
        return self.rows[self.indptr[code]:self.indptr[code + 1]]

    def count(self, values: set[str], n: int) -> np.ndarray:
        """For each lesson, how many of `values` it has."""
        found = [self.rows_of(value) for value in values]
        found = [rows for rows in found if len(rows)]
        if not found:
            return np.zeros(n, dtype=np.int64)
        return np.bincount(np.concatenate(found), minlength=n)

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        arrays = {f"{name}_indptr": self.indptr, f"{name}_rows": self.rows}
        if self.weights is not None:
            arrays[f"{name}_weights"] = self.weights
        return arrays

    @classmethod
    def from_arrays(cls, name: str, values: list[str], arrays: Any) -> _Postings:
        weights = arrays.get(f"{name}_weights")
        return cls(values, arrays[f"{name}_indptr"], arrays[f"{name}_rows"], weights)


FAMILIES = ("partners", "kinds", "sectors", "topics", "agreements")
# What advice.json keeps of each lesson: what is shown. The rest is in the postings.
SHOWN = ("address", "title", "retrospective", "retrospective_title", "held", "impact", "url", "path")


class _ShownRows(Sequence[LessonRow]):
    """Lessons as advice.json keeps them, made into rows only when one is shown."""

    _EMPTY: ClassVar[dict[str, Any]] = {"partners": [], "kinds": [], "sectors": [], "topics": [], "agreements": [],
                                        "terms": {}}

    def __init__(self, raw: list[list[Any]]) -> None:
        self.raw = raw

    def __len__(self) -> int:
        return len(self.raw)

    @overload
    def __getitem__(self, i: int) -> LessonRow: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[LessonRow]: ...
    def __getitem__(self, i: int | slice) -> LessonRow | Sequence[LessonRow]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return LessonRow.from_json({**dict(zip(SHOWN, self.raw[i], strict=True)), **self._EMPTY})


def _contains(rows: np.ndarray, lesson: int) -> bool:
    """Whether the ascending array `rows` holds `lesson`."""
    at = int(np.searchsorted(rows, lesson))
    return at < len(rows) and int(rows[at]) == lesson


class Lessons:
    """Every lesson of a catalogue (or of the search index), ready to be scored."""

    def __init__(self, rows: Sequence[LessonRow], *, _loaded: dict[str, Any] | None = None) -> None:
        self.rows = rows
        if _loaded is not None:
            self.__dict__.update(_loaded)
            return
        n = len(rows)
        self._families = {name: _Postings.of([(i, value) for i, row in enumerate(rows) for value in getattr(row, name)])
                          for name in FAMILIES}
        self._recent = np.array([row.held.toordinal() for row in rows], dtype=np.int64)  # ties: the newer first
        # Text: tf-idf weights, each lesson's vector of length one, stored per term.
        vocabulary: dict[str, int] = {}
        codes = np.array([vocabulary.setdefault(t, len(vocabulary)) for row in rows for t in row.terms],
                         dtype=np.int64)
        owners = np.repeat(np.arange(n, dtype=np.int64), [len(row.terms) for row in rows])
        counts = np.array([c for row in rows for c in row.terms.values()], dtype=np.float64)
        df = np.bincount(codes, minlength=len(vocabulary))
        idf = np.log((n + 1) / (df + 1)) + 1.0
        weights = (1.0 + np.log(np.maximum(counts, 1))) * idf[codes]
        norms = np.sqrt(np.bincount(owners, weights=weights * weights, minlength=n))
        weights = weights / np.where(norms > 0, norms, 1.0)[owners]
        self._text = _Postings.build(codes, owners, list(vocabulary), weights)
        self._idf = idf

    def __len__(self) -> int:
        return len(self.rows)

    def save(self, folder: Path, key: str) -> None:
        """Keep the arrays (numpy's own format, no pickles) and the rows, for `load`."""
        arrays = {"recent": self._recent, "idf": self._idf, **self._text.arrays("text")}
        vocabularies = {"text": self._text.values}
        for name, postings in self._families.items():
            arrays.update(postings.arrays(name))
            vocabularies[name] = postings.values
        packed = io.BytesIO()
        np.savez(packed, **arrays)
        raw = packed.getvalue()
        write_whole(folder / "advice.npz", raw, shared=True)
        meta = {"key": key, "crc32": zlib.crc32(raw), "vocabularies": vocabularies,
                "rows": [[row.held.isoformat() if name == "held" else getattr(row, name) for name in SHOWN]
                         for row in self.rows]}
        write_whole(folder / "advice.json", json.dumps(meta, ensure_ascii=False, separators=(",", ":")), shared=True)

    @classmethod
    def load(cls, folder: Path, key: str) -> Lessons | None:
        """What `save` kept, if it was kept for `key`; None otherwise."""
        try:
            meta = json.loads((folder / "advice.json").read_text(encoding="utf-8"))
            if meta.get("key") != key:
                return None
            raw = (folder / "advice.npz").read_bytes()
            if zlib.crc32(raw) != meta.get("crc32"):
                return None  # damaged: made again from the lessons
            with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
                loaded = {name: arrays[name] for name in arrays.files}
            vocabularies = meta["vocabularies"]
            rows = _ShownRows(meta["rows"])
            state = {
                "_recent": loaded["recent"],
                "_idf": loaded["idf"],
                "_text": _Postings.from_arrays("text", vocabularies["text"], loaded),
                "_families": {name: _Postings.from_arrays(name, vocabularies[name], loaded) for name in FAMILIES},
            }
        except Exception:
            return None
        return cls(rows, _loaded=state)

    @functools.cached_property
    def _by_retrospective(self) -> _Postings:
        """For each retrospective, its lessons."""
        return _Postings.of(list(enumerate(self._column("retrospective"))))

    @functools.cached_property
    def _by_address(self) -> dict[str, int]:
        return {address: i for i, address in enumerate(self._column("address"))}

    @functools.cached_property
    def _kindless(self) -> np.ndarray:
        """The lessons of retrospectives about a partnership rather than its agreements."""
        return np.bincount(self._families["kinds"].rows, minlength=len(self.rows)) == 0

    @functools.cached_property
    def _query_idf(self) -> np.ndarray:
        """How telling each term is in a draft: BM25's idf, nothing for a term that half the
        lessons or more have (the lessons' own vectors keep a gentler idf)."""
        n, df = len(self.rows), np.diff(self._text.indptr)
        return np.maximum(np.log((n - df + 0.5) / (df + 0.5)), 0.0)

    def _column(self, name: str) -> list[Any]:
        """One shown field of every lesson, without making rows of lessons kept as arrays."""
        if isinstance(self.rows, _ShownRows):
            at = SHOWN.index(name)
            return [raw[at] for raw in self.rows.raw]
        return [getattr(row, name) for row in self.rows]

    def vector(self, text: str, leave_out: frozenset[str] = frozenset()) -> tuple[dict[str, float], dict[str, str]]:
        """The draft's tf-idf vector (known terms only, length one), and a word for each term.
        Numbers are not wording, nor are the terms in `leave_out` (the words of the draft's
        partners' names: a shared partner is counted as such, not again as wording)."""
        counts: Counter[str] = Counter()
        shown: dict[str, str] = {}
        known = self._text.code
        for word, count in Counter(TOKEN.findall(text.lower())).items():  # counted in C, each word seen once
            if len(word) < MIN_SIZE or word in STOP or NUMBER.fullmatch(word):
                continue
            term = stem_word(word)
            if term in known and term not in leave_out:
                counts[term] += count
                if term not in shown or count > counts[term] - count:
                    shown[term] = word  # the draft's commonest form of the term
        idf = self._query_idf
        weights = {t: w for t, c in counts.items() if (w := (1.0 + math.log(c)) * float(idf[known[t]])) > 0}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        # The draft's most telling terms only (as "more like this" searches do): a long
        # body adds hundreds of terms that each say little, and each costs its postings.
        strongest = heapq.nlargest(MAX_TERMS, weights.items(), key=lambda item: item[1])
        return {t: w / norm for t, w in strongest}, shown

    def advise(self, draft: Draft, limit: int = 10, name_of: Callable[[str], str] = str) -> list[Advice]:
        """The lessons that concern `draft` (see the module's docstring), best first: none
        rather than lessons that only share a partner, a kind, a sector or common words."""
        n = len(self.rows)
        if not n:
            return []
        families = self._families
        parties = set(draft.parties)
        partners = families["partners"].count(parties, n)
        kind = families["kinds"].count({draft.kind} if draft.kind else set(), n)
        sector = families["sectors"].count({draft.sector} if draft.sector else set(), n)
        topics = np.minimum(families["topics"].count(set(draft.tags), n), MAX_TOPICS)
        names = frozenset(stem_word(word) for party in parties for word in TOKEN.findall(name_of(party).lower()))
        vector, shown = self.vector(draft.text, names)
        index, values, terms, text = self._matches(vector, n)
        needed = min(2, len(parties))
        same = (partners >= needed) & (needed > 0) & ((kind > 0) | self._kindless)
        score = (WEIGHTS["partner"] * partners + WEIGHTS["kind"] * kind + WEIGHTS["sector"] * sector
                 + WEIGHTS["topic"] * topics + WEIGHTS["text"] * text + WEIGHTS["same"] * same)
        eligible = np.ones(n, dtype=bool)
        if draft.id:  # the draft's own retrospectives are its history, not advice
            eligible = families["agreements"].count({draft.id}, n) == 0
        # The relevance floor. Wording: close, and standing out from what the draft's
        # words score against any lesson.
        background = float(text[eligible].mean()) if eligible.any() else 0.0
        worded = text >= max(MIN_TEXT, STANDOUT * background)
        applied = np.zeros(n, dtype=bool)
        applied[[self._by_address[a] for a in draft.applied if a in self._by_address]] = True
        # Retrospectives the draft draws on: one it acts on a lesson of, or names as related.
        drawn = {a.split("#", 1)[0] for a in draft.applied} | draft.related
        draws_on = (self._by_retrospective.count(drawn, n) > 0) & (partners > 0)
        relevant = eligible & (same | applied | draws_on | worded)
        candidates = np.flatnonzero(relevant)
        if limit and len(candidates) > limit:  # the best `limit`, and any tied with the last of them
            threshold = np.partition(score[candidates], len(candidates) - limit)[len(candidates) - limit]
            candidates = candidates[score[candidates] >= threshold]
        order = candidates[np.lexsort((candidates, -self._recent[candidates], -score[candidates]))][:limit or None]
        found = []
        chosen = np.isin(index, order)
        index, values, terms = index[chosen], values[chosen], terms[chosen]
        for i in order:
            wording = []
            if worded[i]:  # the words shared, only when they passed the floor
                mine = index == i
                strongest = terms[mine][np.argsort(-values[mine], kind="stable")][:TERMS_SHOWN]
                wording = [shown[self._text.values[code]] for code in strongest]
            found.append(self._advice(int(i), float(score[i]), draft, wording, bool(same[i]),
                                      bool(draws_on[i] and not (same[i] or applied[i])), name_of))
        return found

    def _matches(self, vector: dict[str, float], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For every (draft term, lesson having it): the lesson, the product of weights and
        the term, each in one array; and each lesson's wording score (their sum)."""
        if not vector:
            return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(n)
        postings = self._text
        assert postings.weights is not None
        codes = np.fromiter((postings.code[t] for t in vector), dtype=np.int64, count=len(vector))
        starts, ends = postings.indptr[codes], postings.indptr[codes + 1]
        lengths = ends - starts
        # Every position of every draft term's postings, in one array.
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        positions = offsets + np.arange(int(lengths.sum()))
        index = postings.rows[positions]
        draft_weights = np.fromiter(vector.values(), dtype=np.float64, count=len(vector))
        values = postings.weights[positions] * np.repeat(draft_weights, lengths)
        terms = np.repeat(codes, lengths)
        return index, values, terms, np.bincount(index, weights=values, minlength=n)

    def _in(self, family: str, value: str, lesson: int) -> bool:
        return _contains(self._families[family].rows_of(value), lesson)

    def _advice(self, i: int, score: float, draft: Draft, wording: list[str], same: bool, draws_on: bool,
                name_of: Callable[[str], str]) -> Advice:
        """The lesson, and why: first what passed the floor (the same partners and kind, or a
        partnership's own retrospective; one the draft draws on; close wording; the draft acting
        on it), then what else it shares with the draft, which only orders the lessons shown."""
        row = self.rows[i]
        reasons, said = [], []
        shared = [p for p in draft.parties if self._in("partners", p, i)]
        partners = f"partner{'s' if len(shared) > 1 else ''}: {_and(list(map(name_of, shared)))}" if shared else ""
        same_kind = bool(draft.kind) and self._in("kinds", draft.kind or "", i)
        if same and same_kind:
            reasons.append(f"same partners and kind: {', '.join(map(name_of, shared))}, "
                           f"{KIND_NAMES.get(draft.kind or '', draft.kind)}")
            said += [f"same {partners}", "same kind of agreement"]
        elif same:
            reasons.append(f"same partners: {', '.join(map(name_of, shared))}")
            said.append(f"same {partners}")
        if draws_on:
            reasons.append("from a retrospective this agreement already draws on")
            said.append("from a retrospective this agreement already draws on")
        if wording:
            reasons.append("similar wording: " + ", ".join(wording))
            said.append("similar wording (" + ", ".join(wording) + ")")
        applied = row.address in draft.applied
        if applied:
            reasons.append("already applied in this agreement")
            said.append("already applied in this agreement")
        if not same:
            if shared:
                reasons.append(f"shared partner{'s' if len(shared) > 1 else ''}: {', '.join(map(name_of, shared))}")
                said.append(f"shared {partners}")
            if same_kind:
                reasons.append(f"same kind: {KIND_NAMES.get(draft.kind or '', draft.kind)}")
                said.append("same kind of agreement")
        if draft.sector and self._in("sectors", draft.sector, i):
            reasons.append(f"same sector: {draft.sector}")
            said.append(f"same sector ({draft.sector.replace('-', ' ')})")
        topics = [t for t in draft.tags if self._in("topics", t, i)]
        if topics:
            reasons.append(f"shared topic{'s' if len(topics) > 1 else ''}: {', '.join(topics)}")
            said.append(f"shared topic{'s' if len(topics) > 1 else ''}: {_and(topics)}")
        return Advice(row, round(score, 3), reasons, applied, said)


def _and(names: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def lesson_rows(catalogue: Any, cache: Any = None) -> list[LessonRow]:
    """The lessons of a catalogue (already filtered for its audience). `cache`: an
    accord.search.documents.DocumentsCache kept from an earlier call."""
    from accord.search.documents import build, catalogue_lookup

    lookup = catalogue_lookup(catalogue)
    make = cache.build if cache is not None else build
    rows: list[LessonRow] = []
    for record in catalogue.retrospectives:
        rows += make(record.model, record.rel_path, "", lookup).lessons
    return rows


def lessons_to_consider(catalogue: Any, limit: int, kept: Advisor | None = None) -> dict[str, list[Advice]]:
    """For every agreement of a catalogue, the lessons `accord lessons-for` would suggest.
    `kept`: what an earlier call kept (`mkdocs serve` rebuilds), reused where nothing changed."""
    return (kept or Advisor())(catalogue, limit)


class Advisor:
    """`lessons_to_consider`, keeping between calls the lessons while they are the same,
    and each agreement's advice while it, its partners' names and the lessons are."""

    def __init__(self) -> None:
        self.rows: list[LessonRow] | None = None
        self.lessons: Lessons | None = None
        self.found: dict[tuple[Any, ...], list[Advice]] = {}
        from accord.search.documents import DocumentsCache

        self.documents = DocumentsCache()

    def __call__(self, catalogue: Any, limit: int) -> dict[str, list[Advice]]:
        one = self.each(catalogue, limit)
        found: dict[tuple[Any, ...], list[Advice]] = {}
        advice = {record.id: shown for record in catalogue.agreements if (shown := one(record, found))}
        self.found = found
        return advice

    def each(self, catalogue: Any, limit: int) -> Callable[[Any, dict[tuple[Any, ...], list[Advice]]], list[Advice]]:
        """The lessons ready to advise on; then, for one agreement's record, its advice
        (noted in the dict given, by what it was worked out from)."""
        rows = lesson_rows(catalogue, self.documents)
        if rows != self.rows or self.lessons is None:
            self.rows, self.lessons, self.found = rows, Lessons(rows), {}
        lessons, records, kept = self.lessons, catalogue.records, self.found

        def name_of(record_id: str) -> str:
            record = records.get(record_id)
            return record.title if record is not None else record_id

        def one(record: Any, found: dict[tuple[Any, ...], list[Advice]]) -> list[Advice]:
            if not len(lessons):
                return []
            draft = Draft.from_agreement(record.agreement, record.body)
            key = (draft.id, draft.title, draft.kind, draft.sector, tuple(draft.parties), tuple(draft.tags),
                   draft.text, frozenset(draft.applied), frozenset(draft.related),
                   tuple(name_of(p) for p in draft.parties), limit)
            shown = kept.get(key)
            found[key] = shown if shown is not None else lessons.advise(draft, limit, name_of)
            return found[key]

        return one


class LessonsToConsider(dict):  # type: ignore[type-arg]
    """Agreement id → its lessons to consider, as `lessons_to_consider` gives them; or, once
    `defer`red, each worked out only when asked for (`get`): under `mkdocs build` the worker
    processes that make the agreements' pages then share the work (1.5 s at 2,000 records),
    each doing its own pages' part. Whatever reads it whole works it all out first."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: tuple[Callable[[str], list[Advice]], set[str]] | None = None

    def defer(self, catalogue: Any, limit: int, advisor: Advisor) -> None:
        one, records, found = advisor.each(catalogue, limit), catalogue.records, {}  # type: ignore[var-annotated]
        self.clear()
        self.pending = (lambda record_id: one(records[record_id], found), {r.id for r in catalogue.agreements})

    def get(self, key: str, default: Any = None) -> Any:
        if self.pending is not None and key in self.pending[1]:
            work, waiting = self.pending
            waiting.discard(key)
            if shown := work(key):
                self[key] = shown
        return super().get(key, default)

    def settle(self) -> None:
        """Everything still deferred, worked out now."""
        while self.pending is not None and self.pending[1]:
            self.get(next(iter(self.pending[1])))
        self.pending = None

    def clear(self) -> None:
        self.pending = None
        super().clear()

    def keys(self) -> Any:
        self.settle()
        return super().keys()

    def items(self) -> Any:
        self.settle()
        return super().items()

    def values(self) -> Any:
        self.settle()
        return super().values()

    def __iter__(self) -> Any:
        self.settle()
        return super().__iter__()

    def __len__(self) -> int:
        self.settle()
        return super().__len__()

    def __contains__(self, key: object) -> bool:
        self.settle()
        return super().__contains__(key)
