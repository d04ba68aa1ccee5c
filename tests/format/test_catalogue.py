"""The catalogue: relations every page needs, built for one audience without leaks."""

from __future__ import annotations

from datetime import date

import pytest

from accord.catalogue import Audience, Catalogue
from accord.format.loading import load
from conftest import DEMO_DOCS, KnowledgeBase

RESTRICTED_ID = "project-larkspur-settlement-negotiation"


@pytest.fixture(scope="module")
def demo_records():
    result = load(DEMO_DOCS, date(2026, 11, 22))
    assert result.errors == []
    return result.records


def _everything_visible(catalogue: Catalogue) -> str:
    return "\n".join(record.model.model_dump_json() for record in catalogue.records.values())


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_hidden_records_leave_no_trace(demo_records, audience: str) -> None:
    catalogue = Catalogue.build(demo_records, audience)
    hidden = [r for r in demo_records if not Audience(audience).sees(r.confidentiality)]
    assert hidden, "the demo has records above every audience but restricted"
    dumped = _everything_visible(catalogue)
    for record in hidden:
        assert record.id not in catalogue.records
        assert record.id not in dumped, f"{record.id} is still named by a visible record"
        assert record.id not in catalogue.backlinks
        assert all(ref.record.id != record.id for ref in catalogue.lessons.values())
    if audience == "public":
        assert all(r.confidentiality.value == "public" for r in catalogue.records.values())


def test_audiences_see_more_as_they_widen(demo_records) -> None:
    sizes = [len(Catalogue.build(demo_records, a).records) for a in ("public", "internal", "restricted")]
    assert sizes[0] < sizes[1] < sizes[2] == len(demo_records)
    assert RESTRICTED_ID in Catalogue.build(demo_records, "restricted").records
    assert RESTRICTED_ID not in Catalogue.build(demo_records, "internal").records


def test_a_hidden_party_is_cut_out_of_a_visible_agreement(kb: KnowledgeBase) -> None:
    kb.edit("organizations/river-trust.md", "confidentiality: public", "confidentiality: restricted")
    kb.edit("agreements/river-mou.md", "confidentiality: public", "confidentiality: internal")
    records = load(kb.docs).records
    catalogue = Catalogue.build(records, "internal")
    agreement = catalogue.records["river-mou"].agreement
    assert agreement.party_ids == ["city-water"]
    assert agreement.responsibilities[0].responsible == []
    assert agreement.objectives[0].owner is None
    assert "river-trust" not in agreement.model_dump_json()
    assert "river-trust" in Catalogue.build(records, "restricted").records["river-mou"].agreement.party_ids


def test_organisation_relations(demo_records) -> None:
    catalogue = Catalogue.build(demo_records, "internal")
    roles = {(p.agreement.id, p.role.value) for p in catalogue.parties["northvale-hospital-trust"]}
    assert ("northvale-hospital-university-data-sharing", "lead") in roles
    letters = {(a.agreement.id, a.letters) for a in catalogue.assignments["northvale-hospital-trust"]}
    assert ("cobalt-bed-management-sla", "RA") in letters
    children = [r.id for r in catalogue.children["northvale-regional-government"]]
    assert "northvale-department-of-health" in children


def test_lessons_by_topic_partner_kind_and_sector(demo_records) -> None:
    catalogue = Catalogue.build(demo_records, "internal")
    consent = catalogue.lessons["hospital-data-sharing-retrospective-2026#patient-consent-scope"]
    assert consent in catalogue.lessons_by_topic["consent"]
    assert consent in catalogue.lessons_by_partner["northvale-hospital-trust"]
    assert consent in catalogue.lessons_by_kind["data-sharing"]
    assert consent in catalogue.lessons_by_sector["health"]
    assert consent.url == "retrospectives/hospital-data-sharing-retrospective-2026/#patient-consent-scope"


def test_supersede_and_amend_chains(demo_records) -> None:
    catalogue = Catalogue.build(demo_records, "internal")
    assert [r.id for r in catalogue.chain("northvale-school-meals-mou-2025")] == [
        "northvale-school-meals-mou-2023",
        "northvale-school-meals-mou-2025",
    ]
    assert [r.id for r in catalogue.superseded_by["northvale-school-meals-mou-2023"]] == [
        "northvale-school-meals-mou-2025"
    ]
    assert [r.id for r in catalogue.amended_by["riverside-flood-resilience-grant"]] == [
        "riverside-flood-resilience-grant-amendment-1"
    ]


def test_backlinks_and_lessons_applied(demo_records) -> None:
    catalogue = Catalogue.build(demo_records, "internal")
    sources = {(b.source.id, b.field) for b in catalogue.backlinks["hospital-data-sharing-retrospective-2026"]}
    assert ("community-health-workers-moa", "lessons_applied") in sources
    applied = catalogue.applied_in["hospital-data-sharing-retrospective-2026#dpia-completed-too-late"]
    assert applied


def test_due_dates_within_the_window_and_overdue(demo_records) -> None:
    catalogue = Catalogue.build(demo_records, "internal")
    due = catalogue.due(date(2026, 11, 22), within_days=90)
    assert all(item.when <= date(2027, 2, 20) for item in due)
    overdue = [item for item in due if item.overdue]
    assert [(i.agreement.id, i.what) for i in overdue] == [("northvale-school-meals-mou-2025", "review")]
    assert any(i.what == "objective" and i.when == date(2026, 12, 15) for i in due)
    assert due == sorted(due, key=lambda i: (i.when, i.agreement.title.casefold(), i.what))
