"""The calendar of what is due (RFC 5545), for the site's `calendar.ics` and `accord due`."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import icalendar

from accord.catalogue import Catalogue
from accord.format.models import AgreementStatus
from accord.format.records import Record
from accord.format.vocabulary import KIND_NAMES
from accord.site.text import one_line

ENDED = (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED, AgreementStatus.SUPERSEDED)

_SUMMARY = {"review": "Review", "expiry": "Expires", "objective": "Objective due"}


def build_calendar(
    catalogue: Catalogue,
    today: date,
    site_url: str = "",
    name: str = "Accord",
    url_of: Callable[[Record], str] | None = None,
    kept: dict[str, tuple[Any, bytes]] | None = None,
) -> bytes:
    """Every review date, expiry and objective due date of the visible agreements that
    are in force or in preparation (not those expired, terminated or superseded).

    Stable UIDs (record, kind of date, date) let calendar clients update events in
    place; DTSTAMP is the build date, so the same sources give the same bytes. `kept`:
    each agreement's events as an earlier call wrote them (`mkdocs serve` rebuilds), written
    again only for an agreement whose dates, names or address changed.

    Without `site_url` an event has no link to its agreement's page: a page's path alone
    (`agreements/x/`) means nothing to a calendar, which would take it for a web address.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Accord//Partnership knowledge base//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # The site name as mkdocs.yml holds it, HTML entities and all (the theme prints it unescaped).
    calendar.add("x-wr-calname", f"{html.unescape(name)}: reviews, expiries and objectives")
    stamp = datetime.combine(today, time(0, 0), tzinfo=UTC)
    events: list[bytes] = []
    made: dict[str, tuple[Any, bytes]] = {}
    for record in catalogue.agreements:
        agreement = record.agreement
        if agreement.status in ENDED:
            continue  # an ended agreement's dates are history, not appointments
        address = (site_url.rstrip("/") + "/" + (url_of(record) if url_of else record.url)) if site_url else ""
        named = [*agreement.party_ids, *(o.owner for o in agreement.objectives if o.owner)]
        key = (record.model, address, stamp, [_name(catalogue, org) for org in named])
        if kept is not None and record.id in kept and kept[record.id][0] == key:
            made[record.id] = kept[record.id]
        else:
            made[record.id] = (key, _events(catalogue, record, address, stamp))
        events.append(made[record.id][1])
    if kept is not None:
        kept.clear()
        kept.update(made)
    whole = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert whole.endswith(end)
    return whole[: -len(end)] + b"".join(events) + end


def _events(catalogue: Catalogue, record: Record, address: str, stamp: datetime) -> bytes:
    """The agreement's events, as the calendar writes them."""
    agreement = record.agreement
    found = b""
    dates = agreement.dates
    # Values on one line: a summary is one line, and a description's lines are Accord's own.
    title = one_line(record.title)
    entries: list[tuple[str, date, str, str]] = [
        ("review", when, f"Review: {title}", f"review-{i}") for i, when in enumerate(sorted(dates.review))
    ]
    if dates.expires:
        entries.append(("expiry", dates.expires, f"Expires: {title}", "expiry"))
    for i, objective in enumerate(agreement.objectives):
        if objective.due:
            key = objective.id or str(i)
            entries.append(("objective", objective.due, f"Objective due: {one_line(objective.statement)} ({title})",
                            f"objective-{key}"))
    lead = [p.org for p in agreement.parties if p.role.value == "lead"] or agreement.party_ids[:1]
    owners = {f"objective-{o.id or i}": [o.owner] for i, o in enumerate(agreement.objectives) if o.owner}
    for what, when, summary, key in entries:
        responsible = [_name(catalogue, org) for org in owners.get(key, lead)]
        event = icalendar.Event()
        event.add("description", _plain("\n".join(line for line in (
            summary,
            f"Responsible: {', '.join(responsible)}" if responsible else "",
            f"Agreement: {title} ({agreement.status.value.capitalize()}, {KIND_NAMES[agreement.kind.value]})",
            address,
        ) if line)))
        event.add("uid", f"{record.id}-{key}-{when.isoformat()}@accord")
        event.add("dtstamp", stamp)
        event.add("dtstart", when)
        event.add("summary", summary)
        event.add("categories", [_SUMMARY[what], agreement.kind.value])
        if address:
            event.add("url", address)
        event.add("transp", "TRANSPARENT")
        found += event.to_ical()
    return found


def _name(catalogue: Catalogue, org_id: str) -> str:
    """An organisation's name, if this audience may see it (else its id is not shown either)."""
    record = catalogue.records.get(org_id)
    return one_line(record.title) if record is not None else "a partner not shown in this edition"


def _plain(text: str) -> str:
    """Text that no calendar can take for markup (some show a description as HTML)."""
    return text.replace("<", "\u2039").replace(">", "\u203a")
