"""`accord due`: reviews, expiries and objective due dates coming up, and everything overdue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import click

from accord.commands.common import EXIT_OK, EXIT_OVERDUE, catalogue
from accord.commands.project import Project

_WINDOW = re.compile(r"^\s*(\d+)\s*([dwmy]?)\s*$", re.IGNORECASE)
_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}


def window(value: str) -> int:
    """Days in a window written `90d`, `12w`, `6m`, `1y` or `90`."""
    match = _WINDOW.match(value)
    if not match:
        raise click.BadParameter(f"`{value}` is not a window: write days, weeks, months or years, e.g. 90d, 12w, 6m, "
                                 "1y", param_hint="--within")
    days = int(match.group(1)) * _DAYS[match.group(2).lower()]
    if days > 3650:
        raise click.BadParameter(f"`{value}` is more than ten years ahead", param_hint="--within")
    return days


@dataclass(frozen=True)
class Due:
    project: Project
    catalogue: Any  # accord.catalogue.Catalogue, for one audience
    today: date
    days: int
    items: list[Any]  # accord.catalogue's due items, by date, overdue ones too

    @property
    def overdue(self) -> list[Any]:
        return [item for item in self.items if item.overdue]

    @property
    def upcoming(self) -> list[Any]:
        return [item for item in self.items if not item.overdue]

    @property
    def exit_code(self) -> int:
        """0 when nothing is overdue, 3 when something is (for a scheduled job to alert on)."""
        return EXIT_OVERDUE if self.overdue else EXIT_OK

    def title(self, record_id: str) -> str:
        """An organisation's name, or its id if the audience does not see it."""
        record = self.catalogue.get(record_id)
        return record.title if record is not None else record_id


def due(project: Project, audience: str, days: int) -> Due:
    """What is due within `days` days of the build date, for `audience`."""
    from accord.format.loading import build_date

    known = catalogue(project, audience, "Reading records")
    today = build_date()
    return Due(project, known, today, days, known.due(today, days))
