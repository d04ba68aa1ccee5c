"""The record format (FORMAT.md, version 1) as pydantic models: they are the schema.

Shape, types and closed vocabularies are checked here; rules that need positions
across several fields or several records live in `accord.format.rules`.
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
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LESSON_ADDRESS_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*#[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX_LENGTH = 80

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
RecordId = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=ID_MAX_LENGTH)]
LessonAddress = Annotated[str, StringConstraints(pattern=LESSON_ADDRESS_PATTERN)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("accord_blank", "is empty")
    return value


NonEmptyText = Annotated[str, AfterValidator(_not_blank), WithJsonSchema({"type": "string", "minLength": 1})]


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


ReviewDates = Annotated[
    list[IsoDate],
    BeforeValidator(_one_or_many),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "array", "items": {"type": "string", "format": "date"}},
            ],
            "description": "one review date or a list of them",
        }
    ),
]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if (parts.scheme not in ("http", "https") or not parts.netloc
            or any(c.isspace() or not c.isprintable() for c in value)):
        raise PydanticCustomError("accord_url", "`{value}` is not an http or https URL", {"value": value})
    return value


HttpUrl = Annotated[
    str, AfterValidator(_http_url), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})
]


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise PydanticCustomError("accord_email", "`{value}` is not an e-mail address", {"value": value})
    return value


Email = Annotated[str, AfterValidator(_email), WithJsonSchema({"type": "string", "format": "email"})]


class Confidentiality(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Confidentiality.PUBLIC: 0, Confidentiality.INTERNAL: 1, Confidentiality.RESTRICTED: 2}


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
    name: str | None = None
    role: str | None = None
    email: Email | None = None


class Party(Item):
    org: RecordId = Field(description="organization id")
    role: PartyRole = PartyRole.PARTNER
    signatory: str | None = None


class Dates(Item):
    signed: IsoDate | None = None
    effective: IsoDate | None = None
    expires: IsoDate | None = None
    review: ReviewDates = Field(default_factory=list)
    _review_commas: bool = PrivateAttr(default=False)  # written `a, b` rather than `[a, b]`

    @model_validator(mode="wrap")
    @classmethod
    def _note_commas(cls, data: Any, handler: Any) -> Any:
        dates = handler(data)
        if isinstance(data, dict) and isinstance(data.get("review"), str) and "," in data["review"]:
            dates._review_commas = True
        return dates


class Objective(Item):
    id: Slug | None = None
    statement: NonEmptyText
    # Text: a bare number is kept as written (`1.10`, `012`; accord.format.schema._as_written).
    metric: str | None = None
    baseline: str | None = None
    target: str | None = None
    due: IsoDate | None = None
    owner: RecordId | None = Field(default=None, description="party id")
    _owner_hidden: bool = PrivateAttr(default=False)  # its owner is outside the audience (accord.catalogue)


class Responsibility(Item):
    activity: NonEmptyText
    responsible: list[RecordId] = Field(min_length=1, description="party ids")
    accountable: RecordId = Field(description="exactly one party id")
    consulted: list[RecordId] = Field(default_factory=list)
    informed: list[RecordId] = Field(default_factory=list)


class Resource(Item):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: RecordId | None = Field(default=None, alias="from", description="party id")
    kind: ResourceKind | None = None
    description: str | None = None
    amount: Annotated[float, Field(ge=0, strict=True, allow_inf_nan=False)] | None = None
    currency: Currency | None = Field(default=None, description="ISO 4217 code")


class Governance(Item):
    meetings: str | None = None
    escalation: str | None = None
    reporting: str | None = None


class AppliesTo(Item):
    kinds: list[AgreementKind] = Field(default_factory=list)
    sectors: list[Slug] = Field(default_factory=list)


class Lesson(Item):
    id: Slug
    title: NonEmptyText
    event: str | None = None
    lesson: NonEmptyText
    recommendation: str | None = None
    impact: Impact | None = None
    topics: list[Slug] = Field(default_factory=list)


# Page keys MkDocs and mkdocs-material read; passed through to the theme untouched.
THEME_KEYS = ("hide", "icon", "template", "search", "description", "comments", "subtitle")


class RecordBase(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: RecordId
    title: NonEmptyText
    summary: str | None = None
    tags: list[Slug] = Field(default_factory=list)
    confidentiality: Confidentiality = Confidentiality.INTERNAL
    related: list[RecordId] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict, description="custom fields, free mapping")
    hide: list[str] | None = None
    icon: str | None = None
    template: str | None = None
    search: dict[str, Any] | None = None
    description: str | None = None
    comments: bool | None = None
    subtitle: str | None = None


class Organization(RecordBase):
    type: Literal["organization"]
    kind: OrganizationKind
    jurisdiction: str | None = None
    parent: RecordId | None = Field(default=None, description="organization id")
    website: HttpUrl | None = None
    contacts: list[Contact] = Field(default_factory=list)


class Agreement(RecordBase):
    type: Literal["agreement"]
    kind: AgreementKind
    status: AgreementStatus
    sector: Slug | None = None
    parties: list[Party] = Field(min_length=2)
    dates: Dates = Field(default_factory=Dates)
    objectives: list[Objective] = Field(default_factory=list)
    responsibilities: list[Responsibility] = Field(default_factory=list, description="the RACI matrix")
    resources: list[Resource] = Field(default_factory=list)
    governance: Governance = Field(default_factory=Governance)
    amends: RecordId | None = Field(default=None, description="agreement id")
    supersedes: RecordId | None = Field(default=None, description="agreement id")
    lessons_applied: list[LessonAddress] = Field(default_factory=list)

    @property
    def party_ids(self) -> list[str]:
        return [party.org for party in self.parties]


class Playbook(RecordBase):
    type: Literal["playbook"]
    owner: RecordId | None = Field(default=None, description="organization id")
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    reviewed: IsoDate | None = None


class Retrospective(RecordBase):
    type: Literal["retrospective"]
    held: IsoDate
    agreements: list[RecordId] = Field(default_factory=list)
    partners: list[RecordId] = Field(default_factory=list)
    phase: Phase | None = None
    lessons: list[Lesson] = Field(min_length=1)


RecordModel = Organization | Agreement | Playbook | Retrospective
MODELS: dict[str, type[RecordBase]] = {
    "organization": Organization,
    "agreement": Agreement,
    "playbook": Playbook,
    "retrospective": Retrospective,
}
