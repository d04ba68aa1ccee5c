"""The record format (FORMAT.md, version 1) as pydantic models: they are the schema.

Shape, types and closed vocabularies are checked here; rules that need positions
across several fields or several records live in `accord.format.rules`. Each field's
description and example are what `accord schema` shows in an editor
(`accord.format.editor_schema`) and what the guide's table of fields is written from
(`accord.site.reference.record_fields`).
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from accord.format.vocabulary import AUDIENCE_RANK

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LESSON_ADDRESS_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*#[a-z0-9]+(-[a-z0-9]+)*$"
SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"  # a SHA-256 digest in hexadecimal, as sha256sum prints it
ID_MAX_LENGTH = 80

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
RecordId = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=ID_MAX_LENGTH)]
LessonAddress = Annotated[str, StringConstraints(pattern=LESSON_ADDRESS_PATTERN)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("accord_blank", "is empty")
    return value


NonEmptyText = Annotated[str, AfterValidator(_not_blank)]


def _iso_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise PydanticCustomError("accord_date", "write a date (YYYY-MM-DD) without a time")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "accord_impossible_date", "`{value}` is not a real date", {"value": value}
            ) from None
    shown = str(value) if len(str(value)) <= 40 else str(value)[:39] + "…"
    meant = _dates_meant(value) if isinstance(value, str) and len(value) <= 40 else []
    fix = f": `{meant[0]}`" if len(meant) == 1 else (f" (`{meant[0]}` or `{meant[1]}`?)" if meant else "")
    raise PydanticCustomError("accord_date", "`{value}` is not a date; write it as YYYY-MM-DD{fix}",
                              {"value": shown, "fix": fix})


_NUMERIC_DATE = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
_WORDED_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y",
                        "%d %b, %Y", "%d %B, %Y")


def _dates_meant(text: str) -> list[str]:
    """The real dates a date written otherwise can mean, in ISO form: one where it is
    unambiguous (`2027-1-4`, `31/12/2027`, `31.12.2027`, `Dec 31, 2027`), both readings where
    day and month could be swapped (`10/01/2026`), none if it is no date."""
    text = " ".join(text.strip().split())
    found: list[date] = []
    numeric = _NUMERIC_DATE.fullmatch(text)
    if numeric:
        a, b, c = (int(part) for part in numeric.groups())
        if len(numeric.group(1)) == 4:
            candidates = [(a, b, c)]  # year first: year, month, day
        elif len(numeric.group(3)) == 4:
            candidates = [(c, b, a), (c, a, b)]  # day/month/year, month/day/year
        else:
            candidates = []
        for year, month, day in candidates:
            with contextlib.suppress(ValueError):
                if date(year, month, day) not in found:
                    found.append(date(year, month, day))
    else:
        for pattern in _WORDED_DATE_FORMATS:
            with contextlib.suppress(ValueError):
                parsed = datetime.strptime(text, pattern).date()
                if parsed not in found:
                    found.append(parsed)
    return [day.isoformat() for day in found[:2]]


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _one_or_many(value: Any) -> Any:
    """One date, a list of dates, or dates written with commas between them (`2027-07-01,
    2028-01-15`: read as the list it means, with a warning, date-list-commas)."""
    if isinstance(value, list):
        return value
    if isinstance(value, str) and "," in value:
        parts = [part.strip() for part in value.split(",")]
        if all(_DATE.fullmatch(part) for part in parts):
            return parts
    return [value]


ReviewDates = Annotated[list[IsoDate], BeforeValidator(_one_or_many)]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if (parts.scheme not in ("http", "https") or not parts.netloc
            or any(c.isspace() or not c.isprintable() for c in value)):
        raise PydanticCustomError("accord_url", "`{value}` is not an http or https URL", {"value": value})
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise PydanticCustomError("accord_email", "`{value}` is not an e-mail address", {"value": value})
    return value


Email = Annotated[str, AfterValidator(_email)]


class Confidentiality(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {level: AUDIENCE_RANK[level.value] for level in Confidentiality}  # (the one audience vocabulary)


class OrganizationKind(StrEnum):
    GOVERNMENT = "government"
    NGO = "ngo"
    BUSINESS = "business"
    ACADEMIC = "academic"
    COMMUNITY = "community"
    INTERNATIONAL = "international"


class AgreementKind(StrEnum):
    MOU = "mou"
    MOA = "moa"
    DATA_SHARING = "data-sharing"
    PPP = "ppp"
    GRANT = "grant"
    SERVICE_LEVEL = "service-level"
    OTHER = "other"




class AgreementStatus(StrEnum):
    DRAFT = "draft"
    NEGOTIATION = "negotiation"
    SIGNED = "signed"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"

    @property
    def is_signed(self) -> bool:
        """Signed or any later stage of an agreement's life."""
        return self not in (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATION)


class PartyRole(StrEnum):
    LEAD = "lead"
    PARTNER = "partner"
    FUNDER = "funder"
    OBSERVER = "observer"


class ResourceKind(StrEnum):
    FUNDING = "funding"
    STAFF = "staff"
    FACILITIES = "facilities"
    DATA = "data"
    EQUIPMENT = "equipment"
    EXPERTISE = "expertise"
    IN_KIND = "in-kind"


class Phase(StrEnum):
    SCOPING = "scoping"
    NEGOTIATION = "negotiation"
    IMPLEMENTATION = "implementation"
    EVALUATION = "evaluation"
    CLOSURE = "closure"


class Impact(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    MIXED = "mixed"


class Item(BaseModel):
    """A nested item: unknown keys are errors, as at the top level."""

    model_config = ConfigDict(extra="forbid")


class Contact(Item):
    """A person to call at the organisation."""

    name: str | None = Field(default=None, description="who they are", examples=["Ana Ruiz"])
    role: str | None = Field(default=None, description="their position", examples=["Partnerships"])
    email: Email | None = Field(default=None, description="their e-mail address", examples=["ana@example.org"])


class Party(Item):
    """An organisation that is party to the agreement."""

    org: RecordId = Field(description="an organisation id", examples=["northvale-hospital-trust"])
    role: PartyRole = Field(default=PartyRole.PARTNER, description="its part in the agreement", examples=["lead"])
    signatory: str | None = Field(default=None, description="who signs for it", examples=["Chief Executive"])


class Dates(Item):
    """The agreement's dates, each written YYYY-MM-DD."""

    signed: IsoDate | None = Field(
        default=None, description="when it was signed; required once the status is `signed` or later",
        examples=[date(2025, 3, 14)])
    effective: IsoDate | None = Field(default=None, description="when it takes effect", examples=[date(2025, 4, 1)])
    expires: IsoDate | None = Field(default=None, description="when it ends", examples=[date(2028, 3, 31)])
    review: ReviewDates = Field(default_factory=list, description="when it is reviewed: one date or a list",
                                examples=[[date(2026, 4, 1)]])
    _review_commas: bool = PrivateAttr(default=False)  # written `a, b` rather than `[a, b]`

    @model_validator(mode="wrap")
    @classmethod
    def _note_commas(cls, data: Any, handler: Any) -> Any:
        dates = handler(data)
        if isinstance(data, dict) and isinstance(data.get("review"), str) and "," in data["review"]:
            dates._review_commas = True
        return dates


class SignedCopy(Item):
    """The signed document itself: a file of the agreement's own (published and hidden with it), and
    its SHA-256 digest, which says it is the copy that was signed (`accord sign` writes both)."""

    file: NonEmptyText = Field(
        description="the file, written as a link from the agreement's page file: in the agreement's own folder "
        "(`ID/signed.pdf` beside `agreements/ID.md`, `signed.pdf` beside `agreements/ID/index.md`) or named "
        "after it (`ID.pdf`)", examples=["riverside-flood-resilience-grant.pdf"])
    sha256: Annotated[str, StringConstraints(pattern=SHA256_PATTERN)] = Field(
        description="the file's SHA-256 digest, 64 hexadecimal digits; `accord validate` checks that the file "
        "still has it", examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])

    @model_validator(mode="wrap")
    @classmethod
    def _a_mapping(cls, data: Any, handler: Any) -> Any:
        if isinstance(data, str):  # `signed_copy: signed.pdf`: the digest is not there to check it by
            raise PydanticCustomError(
                "accord_signed_copy", "write the file and its digest, `signed_copy: {file: {name}, sha256: …}`: "
                "`accord sign` writes them", {"name": data if len(data) <= 60 else data[:59] + "…"})
        return handler(data)


class Objective(Item):
    """What the agreement sets out to achieve, and how it is measured."""

    id: Slug | None = Field(default=None, description="a slug naming the objective", examples=["dataset"])
    statement: NonEmptyText = Field(description="what is to be achieved", examples=["Deliver the dataset"])
    # Text: a bare number is kept as written (`1.10`, `012`; accord.format.schema._as_written).
    metric: str | None = Field(default=None, description="what is measured: text, or a number",
                               examples=["extracts"])
    baseline: str | None = Field(default=None, description="where it starts: a number, or text", examples=[0])
    target: str | None = Field(default=None, description="where it should get to: a number, or text", examples=[1])
    due: IsoDate | None = Field(default=None, description="when it is due", examples=[date(2026, 12, 15)])
    owner: RecordId | None = Field(default=None, description="the party that answers for it (a party id)",
                                   examples=["northvale-hospital-trust"])
    _owner_hidden: bool = PrivateAttr(default=False)  # its owner is outside the audience (accord.catalogue)


class Responsibility(Item):
    """One row of the RACI matrix: an activity and who does what about it."""

    activity: NonEmptyText = Field(description="what is done", examples=["Run the extract"])
    responsible: list[RecordId] = Field(min_length=1, description="the parties that do it (party ids)",
                                        examples=[["northvale-hospital-trust"]])
    accountable: RecordId = Field(description="the one party that answers for it (a party id)",
                                  examples=["northvale-hospital-trust"])
    consulted: list[RecordId] = Field(default_factory=list, description="the parties asked before (party ids)",
                                      examples=[["northvale-university"]])
    informed: list[RecordId] = Field(default_factory=list, description="the parties kept informed (party ids)",
                                     examples=[["northvale-university"]])


class Resource(Item):
    """What a party brings to the agreement."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: RecordId | None = Field(default=None, alias="from", description="the party that provides it (a party id)",
                                   examples=["northvale-university"])
    kind: ResourceKind | None = Field(default=None, description="what kind of resource", examples=["staff"])
    description: str | None = Field(default=None, description="what it is", examples=["Two analysts"])
    amount: Annotated[float, Field(ge=0, strict=True, allow_inf_nan=False)] | None = Field(
        default=None, description="how much: a number, without currency sign or thousands separators",
        examples=[80000])
    currency: Currency | None = Field(default=None, description="ISO 4217 code of the amount's currency",
                                      examples=["EUR"])


class Governance(Item):
    """How the partnership is run."""

    meetings: str | None = Field(default=None, description="how often the partners meet, and who chairs",
                                 examples=["Monthly"])
    escalation: str | None = Field(default=None, description="who resolves disagreements", examples=["Directors"])
    reporting: str | None = Field(default=None, description="what is reported, to whom, how often",
                                  examples=["Quarterly report"])


class AppliesTo(Item):
    """The agreements a playbook is for."""

    kinds: list[AgreementKind] = Field(default_factory=list, description="the kinds of agreement it is for",
                                       examples=[["data-sharing"]])
    sectors: list[Slug] = Field(default_factory=list, description="the sectors it is for (slugs)",
                                examples=[["health"]])


class Lesson(Item):
    """One lesson learned; its address is RETROSPECTIVE-ID#LESSON-ID."""

    id: Slug = Field(description="a slug, unique in the retrospective: the lesson's address is "
                                 "RETROSPECTIVE-ID#LESSON-ID", examples=["tender-too-narrow"])
    title: NonEmptyText = Field(description="the lesson in a few words",
                                examples=["The sensor tender was drawn too narrowly"])
    event: str | None = Field(default=None, description="what happened",
                              examples=["Only one supplier could bid for the sensors."])
    lesson: NonEmptyText = Field(description="what was learned",
                                 examples=["Write a tender around the outcome, not one product."])
    recommendation: str | None = Field(default=None, description="what to do next time",
                                       examples=["Ask the partners to read a tender before it is published."])
    impact: Impact | None = Field(default=None, description="how it turned out", examples=["negative"])
    topics: list[Slug] = Field(default_factory=list, description="slugs, to find lessons on one subject",
                               examples=[["procurement", "timelines"]])


# Page keys MkDocs and mkdocs-material read; passed through to the theme untouched.
THEME_KEYS = ("hide", "icon", "template", "search", "description", "comments", "subtitle")


class RecordBase(BaseModel):
    """The fields every record may have."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: RecordId = Field(description="unique slug: lowercase letters, digits, single hyphens (at most 80 characters)",
                         examples=["riverside-wardens-mou"])
    title: NonEmptyText = Field(description="what the page is called", examples=["Flood wardens memorandum"])
    summary: str | None = Field(default=None, description="shown under the title and in search",
                                examples=["One or two sentences."])
    tags: list[Slug] = Field(default_factory=list, description="slugs, for lessons to consider and search",
                             examples=[["flooding", "volunteering"]])
    confidentiality: Confidentiality = Field(default=Confidentiality.INTERNAL, description="who may see it",
                                             examples=["public"])
    related: list[RecordId] = Field(default_factory=list, description="ids of other records",
                                    examples=[["riverside-flood-resilience-grant"]])
    extra: dict[str, Any] = Field(default_factory=dict, description="your own fields, free mapping",
                                  examples=[{"budget_code": "NV-117"}])
    # MkDocs' and mkdocs-material's page keys (THEME_KEYS).
    hide: list[str] | None = Field(default=None, description="page key of mkdocs-material: parts of the page not "
                                   "to show (`navigation`, `toc`, `footer`, …)", examples=[["toc"]])
    icon: str | None = Field(default=None, description="page key of mkdocs-material: the page's icon, one of the "
                             "theme's", examples=["material/handshake"])
    template: str | None = Field(default=None, description="page key of MkDocs: a template of the theme's "
                                 "custom_dir to show the page with", examples=["record.html"])
    search: dict[str, Any] | None = Field(default=None, description="page key of mkdocs-material: how search "
                                          "treats the page", examples=[{"boost": 2}])
    description: str | None = Field(default=None, description="page key of MkDocs: the page's description for "
                                    "search engines", examples=["The council and the trust's volunteering programme."])
    comments: bool | None = Field(default=None, description="page key of mkdocs-material: whether the page shows "
                                  "comments", examples=[False])
    subtitle: str | None = Field(default=None, description="page key of mkdocs-material: a line shown under the "
                                 "title in the navigation", examples=["Signed in 2025"])


class Organization(RecordBase):
    """A government body, NGO, business, university, community group or international body."""

    type: Literal["organization"] = Field(description="the record type", examples=["organization"])
    kind: OrganizationKind = Field(description="what kind of organisation it is", examples=["ngo"])
    jurisdiction: str | None = Field(default=None, description="where it works", examples=["Northvale region"])
    parent: RecordId | None = Field(default=None, description="id of the organisation it belongs to",
                                    examples=["northvale-regional-government"])
    website: HttpUrl | None = Field(default=None, description="http or https address",
                                    examples=["https://example.org"])
    contacts: list[Contact] = Field(default_factory=list, description="people to call",
                                    examples=[[{"name": "Ana Ruiz", "role": "Partnerships",
                                                "email": "ana@example.org"}]])


class Agreement(RecordBase):
    """A memorandum of understanding or other agreement between two or more organisations."""

    type: Literal["agreement"] = Field(description="the record type", examples=["agreement"])
    kind: AgreementKind = Field(description="what kind of agreement it is", examples=["data-sharing"])
    status: AgreementStatus = Field(description="where it is in its life", examples=["signed"])
    sector: Slug | None = Field(default=None, description="a slug", examples=["health"])
    parties: list[Party] = Field(min_length=2, description="the organisations that are party to it",
                                 examples=[[{"org": "northvale-hospital-trust", "role": "lead",
                                             "signatory": "Chief Executive"}, {"org": "northvale-university"}]])
    dates: Dates = Field(default_factory=Dates, description="YYYY-MM-DD; `review` is one date or a list",
                         examples=[{"signed": date(2025, 3, 14), "effective": date(2025, 4, 1),
                                    "expires": date(2028, 3, 31), "review": [date(2026, 4, 1)]}])
    signed_copy: SignedCopy | None = Field(
        default=None, description="the signed document: a file of the agreement's own and its SHA-256 digest",
        examples=[{"file": "riverside-flood-resilience-grant.pdf",
                   "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}])
    objectives: list[Objective] = Field(
        default_factory=list, description="what it sets out to achieve",
        examples=[[{"id": "dataset", "statement": "Deliver the dataset", "metric": "extracts", "baseline": 0,
                    "target": 1, "due": date(2026, 12, 15), "owner": "northvale-hospital-trust"}]])
    responsibilities: list[Responsibility] = Field(
        default_factory=list, description="the RACI matrix: one row per activity",
        examples=[[{"activity": "Run the extract", "responsible": ["northvale-hospital-trust"],
                    "accountable": "northvale-hospital-trust", "consulted": [],
                    "informed": ["northvale-university"]}]])
    resources: list[Resource] = Field(
        default_factory=list, description="what the parties bring",
        examples=[[{"from": "northvale-university", "kind": "staff", "description": "Two analysts",
                    "amount": 80000, "currency": "EUR"}]])
    governance: Governance = Field(default_factory=Governance, description="how the partnership is run",
                                   examples=[{"meetings": "Monthly", "escalation": "Directors",
                                              "reporting": "Quarterly report"}])
    amends: RecordId | None = Field(default=None, description="id of the agreement this one amends",
                                    examples=["riverside-flood-resilience-grant"])
    supersedes: RecordId | None = Field(default=None, description="id of the agreement this one replaces",
                                        examples=["northvale-school-meals-mou-2023"])
    lessons_applied: list[LessonAddress] = Field(
        default_factory=list, description="lesson addresses (`RECORD-ID#LESSON-ID`) this agreement acts on",
        examples=[["riverside-flood-grant-midterm-retrospective#partner-budget-lines"]])

    @property
    def party_ids(self) -> list[str]:
        return [party.org for party in self.parties]


class Playbook(RecordBase):
    """How to make and run agreements of some kinds. Its checklist is the body's task list
    (`- [ ] Start the DPIA now`), which `accord new --from-playbook` copies into new agreements."""

    type: Literal["playbook"] = Field(description="the record type", examples=["playbook"])
    owner: RecordId | None = Field(default=None, description="organisation id",
                                   examples=["northvale-department-of-health"])
    applies_to: AppliesTo = Field(default_factory=AppliesTo, description="the agreements it is for",
                                  examples=[{"kinds": ["data-sharing"], "sectors": ["health"]}])
    reviewed: IsoDate | None = Field(default=None, description="when it was last checked",
                                     examples=[date(2026, 9, 14)])


class Retrospective(RecordBase):
    """A lessons-learned review of one or more agreements."""

    type: Literal["retrospective"] = Field(description="the record type", examples=["retrospective"])
    held: IsoDate = Field(description="when it was held", examples=[date(2026, 6, 18)])
    agreements: list[RecordId] = Field(default_factory=list, description="the agreements it looks back on",
                                       examples=[["riverside-flood-resilience-grant"]])
    partners: list[RecordId] = Field(default_factory=list, description="organisations involved",
                                     examples=[["northvale-hospital-trust"]])
    phase: Phase | None = Field(default=None, description="the phase of the partnership it looks back on",
                                examples=["implementation"])
    lessons: list[Lesson] = Field(
        min_length=1, description="what was learned",
        examples=[[{"id": "tender-too-narrow", "title": "The sensor tender was drawn too narrowly",
                    "lesson": "Write a tender around the outcome, not one product.", "impact": "negative",
                    "topics": ["procurement"]}]])


RecordModel = Organization | Agreement | Playbook | Retrospective
MODELS: dict[str, type[RecordBase]] = {
    "organization": Organization,
    "agreement": Agreement,
    "playbook": Playbook,
    "retrospective": Retrospective,
}
