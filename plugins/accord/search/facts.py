"""The small, model-free shapes search keeps on disk: a record's facts, a lesson's row, a
record's documents. Kept apart from `accord.search.documents` so that reading the search index
does not import the record models (pydantic), which a one-off `accord search` would
spend a third of its time loading."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Facts:
    """What other records' documents need to know about a record."""

    type: str
    title: str
    confidentiality: str
    kind: str | None = None  # an agreement's kind
    sector: str | None = None
    parties: tuple[str, ...] = ()  # an agreement's party ids

    @classmethod
    def of(cls, model: Any) -> Facts:
        from accord.format.models import Agreement

        if isinstance(model, Agreement):
            return cls(model.type, model.title, model.confidentiality.value, model.kind.value, model.sector,
                       tuple(model.party_ids))
        return cls(model.type, model.title, model.confidentiality.value)  # type: ignore[attr-defined]

    def to_json(self) -> list[Any]:
        return [self.type, self.title, self.confidentiality, self.kind, self.sector, list(self.parties)]

    @classmethod
    def from_json(cls, values: list[Any]) -> Facts:
        kind_, title, confidentiality, kind, sector, parties = values
        return cls(kind_, title, confidentiality, kind, sector, tuple(parties))


Lookup = Callable[[str], "Facts | None"]


@dataclass
class LessonRow:
    """A lesson as `accord lessons-for` compares it with a draft."""

    address: str
    title: str
    retrospective: str  # its id
    retrospective_title: str
    held: date
    impact: str | None
    url: str
    path: str
    partners: list[str]  # ids
    kinds: list[str]
    sectors: list[str]
    topics: list[str]  # the lesson's topics and the retrospective's tags
    agreements: list[str]  # the agreements its retrospective looks back on
    terms: dict[str, int]  # stemmed terms of its title, event, lesson and recommendation, and their counts

    def to_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["held"] = self.held.isoformat()
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> LessonRow:
        return cls(**{**values, "held": date.fromisoformat(values["held"])})


@dataclass
class Documents:
    record_id: str
    docs: list[dict[str, Any]] = field(default_factory=list)
    lessons: list[LessonRow] = field(default_factory=list)
    depends_on: set[str] = field(default_factory=set)  # ids whose facts went into the documents
