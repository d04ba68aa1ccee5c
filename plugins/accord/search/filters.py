"""The filters of a search (`--type`, `--topic`, `--partner`, `--kind`, `--impact`,
`--since`), as a Whoosh query over the index's keyword and date fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from whoosh.query import And, DateRange, Query, Term


@dataclass
class Filters:
    type: str | None = None
    topic: str | None = None
    partner: str | None = None
    kind: str | None = None
    impact: str | None = None
    since: date | None = None

    def query(self) -> Query | None:
        terms: list[Query] = []
        for name, value in (("type", self.type), ("topics", self.topic), ("partners", self.partner),
                            ("kinds", self.kind), ("impact", self.impact)):
            if value:
                terms.append(Term(name, value.lower()))
        if self.since:
            terms.append(DateRange("date", datetime(self.since.year, self.since.month, self.since.day), None))
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else And(terms)

    def given(self) -> list[str]:
        return [f"--{name} {value}" for name, value in vars(self).items() if value]
