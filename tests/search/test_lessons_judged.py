"""The "Lessons to consider" box, judged: for the demo's agreements and lessons, which
lessons a partnership officer would want to see, and which are noise.

The judgements below were written by reading the agreements and the retrospectives,
before the scoring was tuned, and are not to be adjusted to what the scoring does. A
lesson is relevant to an agreement when it is about the same partner in a similar kind
of work, the same kind of agreement with the same problems, or the same topic (data
protection, procurement, community engagement…). Pairs that could fairly go either way
are listed as borderline: they are not required (recall), and when shown they count
against precision all the same. Every other lesson is judged not relevant, except
the lessons of an agreement's own retrospectives, which the box never shows: they are
its history, not advice.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from accord.catalogue import Catalogue
from accord.format.loading import load
from accord.search.advice import Advice, Draft, Lessons, lesson_rows, lessons_to_consider
from conftest import DEMO_DOCS

LIMIT = 5  # the site's default `lessons_to_consider`

# The demo's lessons, short names for the tables below.
HOSPITAL = "hospital-data-sharing-retrospective-2026"
BUS = "bus-rapid-transit-ppp-negotiation-retrospective"
SCHOOL = "northvale-school-meals-retrospective-2025"
FLOOD = "riverside-flood-grant-midterm-retrospective"
CONSENT = f"{HOSPITAL}#patient-consent-scope"  # patient consent and privacy notices for research linkage
DPIA = f"{HOSPITAL}#dpia-completed-too-late"  # data protection impact assessment after signature
ACCESS = f"{HOSPITAL}#extract-access-delay"  # the approval chain for access to hospital data
STEWARD = f"{HOSPITAL}#joint-data-steward"  # a shared data steward in health data sharing
DIALOGUE = f"{BUS}#competitive-dialogue-overrun"  # PPP procurement scope still moving
RISK_MATRIX = f"{BUS}#risk-matrix-shared-early"  # PPP risk allocation matrix shared with bidders
MANDATE = f"{BUS}#single-negotiating-mandate"  # a written negotiating mandate
TEMPLATES = f"{SCHOOL}#reporting-templates-diverged"  # partners reporting on their own templates
CADENCE = f"{SCHOOL}#steering-group-cadence"  # a steering group meeting too rarely
PANELS = f"{SCHOOL}#parent-menu-panels"  # community engagement that gives parents a decision
CO_FUNDING = f"{FLOOD}#co-funding-letters-early"  # grant co-funding confirmed in writing
TENDER = f"{FLOOD}#sensor-tender-too-narrow"  # a sensor tender with no compliant bids
WARDENS = f"{FLOOD}#resident-flood-wardens"  # volunteers recruited through existing community networks
BUDGET_LINES = f"{FLOOD}#partner-budget-lines"  # per-partner grant budget lines, slow reallocation
LESSONS = {CONSENT, DPIA, ACCESS, STEWARD, DIALOGUE, RISK_MATRIX, MANDATE, TEMPLATES, CADENCE, PANELS, CO_FUNDING,
           TENDER, WARDENS, BUDGET_LINES}

# agreement id → (relevant lessons, borderline lessons); every other lesson is not relevant.
JUDGED: dict[str, tuple[set[str], set[str]]] = {
    # A hosted dashboard bought from a vendor, terminated for availability failures. The
    # hospital lessons are about research data sharing; a DPIA and the hospital's approval
    # chain for a data feed might matter to a hosted service holding patient data.
    "cobalt-bed-management-sla": (set(), {DPIA, ACCESS}),
    # Patient referrals from hospital discharge teams to workers outside the hospital, and
    # workers recruited from the wards by the Riverside association.
    "community-health-workers-moa": ({CONSENT, DPIA, ACCESS, STEWARD, WARDENS}, {TEMPLATES, CADENCE, PANELS}),
    # Its own retrospective is its history; nothing else is about PPPs or transport. The
    # fund's co-funding and a tender's lots are only loosely alike.
    "northvale-bus-rapid-transit-ppp": (set(), {CO_FUNDING, TENDER}),
    # Bootcamps with the regional government and BrightPath: the school meals lessons are
    # the same partners in another programme; placements rested on letters, not signed
    # commitments; learners were recruited through community networks.
    "northvale-digital-skills-moa": (set(), {TEMPLATES, CADENCE, PANELS, CO_FUNDING, WARDENS}),
    # Research data sharing: its own retrospective is its history. Flood wardens,
    # co-funding letters, a sensor tender, PPPs and school meals are not about it.
    "northvale-hospital-university-data-sharing": (set(), set()),
    # Volunteer helpers recruited by the Riverside association.
    "northvale-school-meals-mou-2023": ({WARDENS}, set()),
    # The successor of the 2023 memorandum, same partners and kind; volunteers recruited
    # in four wards by the Riverside association. The university's evaluation may need
    # pupil data: consent and a DPIA could matter.
    "northvale-school-meals-mou-2025": ({TEMPLATES, CADENCE, PANELS, WARDENS}, {CONSENT, DPIA}),
    # A settlement negotiation: the negotiating mandate. Data return touches data
    # protection, but not a DPIA's timing.
    "project-larkspur-settlement-negotiation": ({MANDATE}, {DPIA}),
    # Warning thresholds set with residents with the Riverside association: community
    # engagement with a real decision. Partners' reports consolidated by the lead, and a
    # procurement whose scope moved, could go either way.
    "riverside-flood-resilience-grant": ({PANELS}, {TEMPLATES, DIALOGUE}),
    # The amendment acts on the grant's mid-term lessons: co-funding letters, the sensor
    # tender, budget reallocation. Wardens are the same grant but not what it amends; the
    # sensor sites agreed with residents while procurement runs is like a moving scope.
    "riverside-flood-resilience-grant-amendment-1": ({CO_FUNDING, TENDER, BUDGET_LINES}, {WARDENS, DIALOGUE}),
}
OWN = {  # an agreement's own retrospectives: never shown
    "northvale-hospital-university-data-sharing": HOSPITAL,
    "northvale-bus-rapid-transit-ppp": BUS,
    "northvale-school-meals-mou-2023": SCHOOL,
    "riverside-flood-resilience-grant": FLOOD,
}

# Floors over the whole judged set (see the module's docstring for what counts), measured
# with the box's default of five lessons (ten, `accord lessons-for`'s default, gives the
# same). Before the relevance floor: 15 of the 50 lessons shown were relevant (precision
# 0.30) and all 15 relevant ones were shown (recall 1.00). With it: 12 of 14 (precision
# 0.86; one borderline, one not relevant) and 12 of the 15 (recall 0.80). Missed: the flood
# wardens for the community health workers and for the 2025 school meals memorandum, and
# the parent menu panels for the flood grant: the same partner in like work, told in other words.
MIN_PRECISION = 0.8
MIN_RECALL = 0.8
# Judged not relevant, yet shown: the bed-management SLA shares "patient", "service",
# "officer" and "notice" with the consent lesson, in other senses (a patient administration
# system, a service level, a chief operating officer, notice of termination).
KNOWN_NOISE = {("cobalt-bed-management-sla", CONSENT)}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    result = load(DEMO_DOCS)
    assert not result.errors
    return Catalogue.build(result.records, "restricted")  # every agreement, Larkspur too


@pytest.fixture(scope="module")
def box(catalogue: Catalogue) -> dict[str, list[Advice]]:
    return lessons_to_consider(catalogue, LIMIT)


def _shown(box: dict[str, list[Advice]], agreement: str) -> list[str]:
    return [advice.address for advice in box.get(agreement, [])]


def _relevant(agreement: str) -> set[str]:
    return JUDGED[agreement][0]


def _not_relevant(agreement: str) -> set[str]:
    relevant, borderline = JUDGED[agreement]
    own = {lesson for lesson in LESSONS if lesson.startswith(OWN[agreement] + "#")} if agreement in OWN else set()
    return LESSONS - relevant - borderline - own


def measure(box: dict[str, list[Advice]], agreements: Iterable[str] = JUDGED) -> tuple[float, float]:
    """Precision (of the lessons shown, the share judged relevant; borderline ones count
    against it) and recall (of the relevant lessons, the share shown), over all judged
    agreements."""
    shown = relevant = hits = 0
    for agreement in agreements:
        found = set(_shown(box, agreement))
        shown += len(found)
        relevant += len(_relevant(agreement))
        hits += len(found & _relevant(agreement))
    return (hits / shown if shown else 1.0), (hits / relevant if relevant else 1.0)


def test_the_judged_set_covers_the_demo() -> None:
    result = load(DEMO_DOCS)
    agreements = {r.id for r in result.records if r.type == "agreement"}
    lessons = {f"{r.id}#{lesson.id}" for r in result.records if r.type == "retrospective"
               for lesson in r.model.lessons}
    assert agreements == set(JUDGED), "a new demo agreement: judge its lessons here"
    assert lessons == LESSONS, "a new demo lesson: judge it against every agreement here"
    for agreement, (relevant, borderline) in JUDGED.items():
        assert relevant <= LESSONS and borderline <= LESSONS and not relevant & borderline, agreement


def test_precision_and_recall_hold_their_floors(box: dict[str, list[Advice]]) -> None:
    precision, recall = measure(box)
    detail = {agreement: _shown(box, agreement) for agreement in JUDGED}
    assert precision >= MIN_PRECISION, (precision, recall, detail)
    assert recall >= MIN_RECALL, (precision, recall, detail)


def test_lessons_judged_not_relevant_are_not_shown(box: dict[str, list[Advice]]) -> None:
    wrong = {(agreement, lesson) for agreement in JUDGED for lesson in set(_shown(box, agreement))
             & _not_relevant(agreement)}
    assert wrong <= KNOWN_NOISE


def test_an_agreements_own_retrospective_is_never_advice(box: dict[str, list[Advice]]) -> None:
    for agreement, retrospective in OWN.items():
        assert not [a for a in _shown(box, agreement) if a.startswith(retrospective + "#")], agreement


def test_the_hospital_data_sharing_agreement_gets_no_flood_sensor_or_co_funding_lessons(
        box: dict[str, list[Advice]]) -> None:
    shown = _shown(box, "northvale-hospital-university-data-sharing")
    assert not [a for a in shown if a.startswith(FLOOD + "#")]
    assert WARDENS not in shown and TENDER not in shown and CO_FUNDING not in shown
    assert shown == []  # nothing else concerns it: none rather than noise


def test_the_judged_relevant_lessons_that_are_plain_to_see_are_shown(box: dict[str, list[Advice]]) -> None:
    # The amendment acts on its grant's mid-term lessons; Larkspur on the negotiating mandate.
    assert set(_shown(box, "riverside-flood-resilience-grant-amendment-1")) >= {CO_FUNDING, TENDER, BUDGET_LINES}
    assert _shown(box, "project-larkspur-settlement-negotiation")[:1] == [MANDATE]
    assert _shown(box, "community-health-workers-moa")[:1] == [CONSENT]


# What passes the floor, and what the reasons say ------------------------------------------

PASSING = ("same partners", "from a retrospective this agreement already draws on", "similar wording",
           "already applied in this agreement")


def test_every_lesson_shown_says_what_passed_the_floor(box: dict[str, list[Advice]]) -> None:
    for agreement, found in box.items():
        for advice in found:
            assert advice.reasons[0].startswith(PASSING), (agreement, advice.reasons)  # what passed comes first


def test_similar_wording_is_words_not_names_or_numbers(box: dict[str, list[Advice]]) -> None:
    for found in box.values():
        for advice in found:
            for reason in advice.reasons:
                if reason.startswith("similar wording: "):
                    words = reason.removeprefix("similar wording: ").split(", ")
                    assert not [w for w in words if w.isdigit() or w in {"northvale", "university", "trust"}]


def test_a_shared_partner_and_common_words_are_no_reason(catalogue: Catalogue) -> None:
    lessons = Lessons(lesson_rows(catalogue))
    names = {record.id: record.title for record in catalogue.records.values()}
    draft = Draft(title="Joint work", kind="moa", parties=["northvale-university", "greenway-transit"],
                  text="Joint work. This agreement sets out how the parties will work together from 2025.")
    assert lessons.advise(draft, 10, lambda rid: names.get(rid, rid)) == []
    # The same draft about what a lesson is about is shown that lesson, and says why.
    draft.text += " Recruit volunteers through existing community networks, street groups and flood wardens."
    found = lessons.advise(draft, 10, lambda rid: names.get(rid, rid))
    assert [a.address for a in found] == [WARDENS]
    assert found[0].reasons[0].startswith("similar wording: ")
    assert "shared partner: University of Northvale" in found[0].reasons
