"""The calendar of what is due (RFC 5545), for the site's `calendar.ics` and `accord due`."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime, time

import icalendar

from accord.catalogue import Catalogue
from accord.format.models import AgreementStatus
from accord.format.records import Record

ENDED = (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED, AgreementStatus.SUPERSEDED)

_SUMMARY = {"review": "Review", "expiry": "Expires", "objective": "Objective due"}


def build_calendar(
    catalogue: Catalogue,
    today: date,
    site_url: str = "",
    name: str = "Accord",
    url_of: Callable[[Record], str] | None = None,
) -> bytes:
    """Every review date, expiry and objective due date of the visible agreements that
    are in force or in preparation (not those expired, terminated or superseded).

    Stable UIDs (record, kind of date, date) let calendar clients update events in
    place; DTSTAMP is the build date, so the same sources give the same bytes.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Accord//Partnership knowledge base//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # The site name as mkdocs.yml holds it, HTML entities and all (the theme prints it unescaped).
    calendar.add("x-wr-calname", f"{html.unescape(name)}: reviews, expiries and objectives")
    stamp = datetime.combine(today, time(0, 0), tzinfo=UTC)
    for record in catalogue.agreements:
        agreement = record.agreement
        if agreement.status in ENDED:
            continue  # an ended agreement's dates are history, not appointments
        dates = agreement.dates
        entries: list[tuple[str, date, str, str]] = [
            ("review", when, f"Review: {record.title}", f"review-{i}") for i, when in enumerate(sorted(dates.review))
        ]
        if dates.expires:
            entries.append(("expiry", dates.expires, f"Expires: {record.title}", "expiry"))
        for i, objective in enumerate(agreement.objectives):
            if objective.due:
                key = objective.id or str(i)
                entries.append(("objective", objective.due, f"Objective due: {objective.statement} ({record.title})",
                                f"objective-{key}"))
        for what, when, summary, key in entries:
            event = icalendar.Event()
            event.add("uid", f"{record.id}-{key}-{when.isoformat()}@accord")
            event.add("dtstamp", stamp)
            event.add("dtstart", when)
            event.add("summary", summary)
            event.add("categories", [_SUMMARY[what], agreement.kind.value])
            if site_url:
                event.add("url", site_url.rstrip("/") + "/" + (url_of(record) if url_of else record.url))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
