"""calendar.ics (accord.site.ical): every date of the live agreements, each event saying who
is responsible and leading back to the agreement's page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import icalendar

from accord.catalogue import Audience
from accord.format.loading import load
from conftest import DEMO_DOCS, REPO
from sites import Build, build, demo_project

# The demo's build date: reviews in the next 90 days, and one overdue.
EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22


def test_calendar_has_every_date_of_live_agreements(demo: Build) -> None:
    calendar = icalendar.Calendar.from_ical((demo.site / "calendar.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    records = [
        r
        for r in load(DEMO_DOCS).records
        if Audience.INTERNAL.sees(r.confidentiality)
        and r.type == "agreement"
        and r.agreement.status.value not in ("expired", "terminated", "superseded")
    ]
    expected = sum(
        len(r.agreement.dates.review)
        + bool(r.agreement.dates.expires)
        + sum(1 for o in r.agreement.objectives if o.due)
        for r in records
    )
    assert len(events) == expected
    starts = {(str(e["summary"]), e["dtstart"].dt) for e in events}
    assert any(s.startswith("Review: Hospital") and d == date(2027, 1, 15) for s, d in starts)
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_calendar_events_say_who_is_responsible_and_lead_back(tmp_path: Path) -> None:
    config = (REPO / "mkdocs.yml").read_text().replace("docs_dir: docs\n", "docs_dir: docs\nsite_url: https://kb.example.org/\n")
    result = build(demo_project(tmp_path, config), env=EPOCH)
    assert result.returncode == 0, result.log
    calendar = icalendar.Calendar.from_ical((result.site / "calendar.ics").read_bytes())
    events = [e for e in calendar.walk("VEVENT") if "data-sharing agreement for readmission" in str(e["summary"])]
    assert events
    for event in events:
        assert str(event["url"]).startswith("https://kb.example.org/agreements/northvale-hospital-university-data-sharing")
        description = str(event["description"])
        assert "Responsible: " in description and "Agreement: Hospital–University" in description
