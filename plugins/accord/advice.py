"""Past lessons that concern an agreement: `accord lessons-for`, and the "Lessons to
consider" box of every agreement page.

Every lesson is scored against the draft at once, as sparse vectors: shared partners,
the same agreement kind and sector, shared topics, and the cosine of tf-idf vectors of
the draft's words and the lesson's. Lessons from retrospectives of the very same
partners and kind come first. Scoring one draft is a handful of numpy operations over
postings lists, never a loop over lessons; a site build scores every agreement so.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.facts import LessonRow
from accord.models import KIND_NAMES
from accord.terms import stem_word, words

# What each kind of overlap adds to a lesson's score.
WEIGHTS = {"partner": 3.0, "kind": 2.0, "sector": 1.5, "topic": 1.0, "text": 6.0, "same": 10.0}
MAX_TOPICS = 3  # shared topics counted, at most
MIN_TEXT = 0.08  # the least text similarity that counts on its own
TERMS_SHOWN = 4


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

    @classmethod
    def from_data(cls, data: dict[str, Any] | None, body: str) -> Draft:
        """A draft from front matter as written, however incomplete: whatever is there is used."""
        from accord.text import plain_text

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
        )

    @classmethod
    def from_agreement(cls, agreement: Any, body: str) -> Draft:
        from accord.text import plain_text

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
        )


@dataclass
class Advice:
    """One lesson for a draft, and why."""

    row: LessonRow
    score: float
    reasons: list[str]
    applied: bool

    @property
    def address(self) -> str:
        return self.row.address


class Lessons:
    """Every lesson of a catalogue (or of the search index), ready to be scored."""

    def __init__(self, rows: list[LessonRow]) -> None:
        self.rows = rows
        n = len(rows)
        self._partners = _postings((i, p) for i, row in enumerate(rows) for p in row.partners)
        self._kinds = _postings((i, k) for i, row in enumerate(rows) for k in row.kinds)
        self._sectors = _postings((i, s) for i, row in enumerate(rows) for s in row.sectors)
        self._topics = _postings((i, t) for i, row in enumerate(rows) for t in row.topics)
        self._of_agreement = _postings((i, a) for i, row in enumerate(rows) for a in row.agreements)
        held = np.array([row.held.toordinal() for row in rows], dtype=np.int64)
        self._recent = held  # ties: the newer lesson first
        # Text: tf-idf weights, each lesson's vector of length one, stored per term.
        df: Counter[str] = Counter(t for row in rows for t in row.terms)
        self.idf = {t: math.log((n + 1) / (count + 1)) + 1.0 for t, count in df.items()}
        lists: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for i, row in enumerate(rows):
            weights = {t: (1.0 + math.log(c)) * self.idf[t] for t, c in row.terms.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for t, w in weights.items():
                rows_of, values = lists[t]
                rows_of.append(i)
                values.append(w / norm)
        self._text = {t: (np.array(r, dtype=np.int64), np.array(v)) for t, (r, v) in lists.items()}

    def __len__(self) -> int:
        return len(self.rows)

    def vector(self, text: str) -> tuple[dict[str, float], dict[str, str]]:
        """The draft's tf-idf vector (known terms only, length one), and a word for each term."""
        counts: Counter[str] = Counter()
        shown: dict[str, str] = {}
        for word in words(text):
            term = stem_word(word)
            if term in self.idf:
                counts[term] += 1
                shown.setdefault(term, word)
        weights = {t: (1.0 + math.log(c)) * self.idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}, shown

    def advise(self, draft: Draft, limit: int = 10, name_of: Callable[[str], str] = str) -> list[Advice]:
        n = len(self.rows)
        if not n:
            return []
        partners = _count(self._partners, set(draft.parties), n)
        kind = _count(self._kinds, {draft.kind} if draft.kind else set(), n)
        sector = _count(self._sectors, {draft.sector} if draft.sector else set(), n)
        topics = np.minimum(_count(self._topics, set(draft.tags), n), MAX_TOPICS)
        vector, shown = self.vector(draft.text)
        text = np.zeros(n)
        if vector:
            index = np.concatenate([self._text[t][0] for t in vector])
            values = np.concatenate([self._text[t][1] * w for t, w in vector.items()])
            text = np.bincount(index, weights=values, minlength=n)
        needed = min(2, len(set(draft.parties)))
        same = (partners >= needed) & (needed > 0) & (kind > 0)
        score = (WEIGHTS["partner"] * partners + WEIGHTS["kind"] * kind + WEIGHTS["sector"] * sector
                 + WEIGHTS["topic"] * topics + WEIGHTS["text"] * text + WEIGHTS["same"] * same)
        relevant = (partners + kind + sector + topics > 0) | (text >= MIN_TEXT)
        if draft.id:  # the draft's own retrospectives are its history, not advice
            relevant &= _count(self._of_agreement, {draft.id}, n) == 0
        candidates = np.flatnonzero(relevant)
        if limit and len(candidates) > limit:  # the best `limit`, and any tied with the last of them
            threshold = np.partition(score[candidates], len(candidates) - limit)[len(candidates) - limit]
            candidates = candidates[score[candidates] >= threshold]
        order = candidates[np.lexsort((candidates, -self._recent[candidates], -score[candidates]))][:limit or None]
        return [self._advice(int(i), float(score[i]), draft, vector, shown, bool(same[i]), name_of) for i in order]

    def _advice(self, i: int, score: float, draft: Draft, vector: dict[str, float], shown: dict[str, str],
                same: bool, name_of: Callable[[str], str]) -> Advice:
        row = self.rows[i]
        reasons = []
        shared = [p for p in draft.parties if p in row.partners]
        if same:
            reasons.append(f"same partners and kind: {', '.join(map(name_of, shared))}, "
                           f"{KIND_NAMES.get(draft.kind or '', draft.kind)}")
        else:
            if shared:
                reasons.append(f"shared partner{'s' if len(shared) > 1 else ''}: {', '.join(map(name_of, shared))}")
            if draft.kind in row.kinds:
                reasons.append(f"same kind: {KIND_NAMES.get(draft.kind or '', draft.kind)}")
        if draft.sector and draft.sector in row.sectors:
            reasons.append(f"same sector: {draft.sector}")
        topics = [t for t in draft.tags if t in row.topics]
        if topics:
            reasons.append(f"shared topic{'s' if len(topics) > 1 else ''}: {', '.join(topics)}")
        overlap = sorted(((vector[t] * self.idf[t], t) for t in row.terms if t in vector), reverse=True)
        if overlap:
            reasons.append("similar wording: " + ", ".join(shown[t] for _, t in overlap[:TERMS_SHOWN]))
        applied = row.address in draft.applied
        if applied:
            reasons.append("already applied in this agreement")
        return Advice(row, round(score, 3), reasons, applied)


def _postings(pairs: Iterable[tuple[int, str]]) -> dict[str, np.ndarray]:
    lists: dict[str, list[int]] = defaultdict(list)
    for i, value in pairs:
        lists[value].append(i)
    return {value: np.array(rows, dtype=np.int64) for value, rows in lists.items()}


def _count(postings: dict[str, np.ndarray], values: set[str], n: int) -> np.ndarray:
    """For each lesson, how many of `values` it has."""
    found = [postings[v] for v in values if v in postings]
    if not found:
        return np.zeros(n, dtype=np.int64)
    return np.bincount(np.concatenate(found), minlength=n)


def lesson_rows(catalogue: Any) -> list[LessonRow]:
    """The lessons of a catalogue (already filtered for its audience)."""
    from accord.documents import Facts, build

    records = catalogue.records

    def lookup(record_id: str) -> Facts | None:
        record = records.get(record_id)
        return Facts.of(record.model) if record is not None else None

    rows: list[LessonRow] = []
    for record in catalogue.retrospectives:
        rows += build(record.model, record.rel_path, "", lookup).lessons
    return rows


def lessons_to_consider(catalogue: Any, limit: int) -> dict[str, list[Advice]]:
    """For every agreement of a catalogue, the lessons `accord lessons-for` would suggest."""
    lessons = Lessons(lesson_rows(catalogue))
    if not len(lessons):
        return {}
    records = catalogue.records

    def name_of(record_id: str) -> str:
        record = records.get(record_id)
        return record.title if record is not None else record_id

    return {
        record.id: found
        for record in catalogue.agreements
        if (found := lessons.advise(Draft.from_agreement(record.agreement, record.body), limit, name_of))
    }
