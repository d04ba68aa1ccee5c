"""Generate a synthetic Accord knowledge base for benchmarks (validation, site build, search).

The corpus is a *valid* knowledge base under every rule of the record format
(FORMAT.md, version 1): no errors and no warnings. It mixes about 10% organisations,
45% agreements, 10% playbooks and 35% retrospectives (1-4 lessons each), and its prose
is drawn from a Zipf-distributed vocabulary of several thousand words, so term
statistics look like real text to a search index.

Usage::

    python scripts/gen_corpus.py OUT_DIR --records 10000 [--seed 0] [--today 2025-01-31] [--force]

or, from Python::

    from gen_corpus import generate
    counts = generate(pathlib.Path("/tmp/kb"), 10_000, seed=0)

The output is deterministic for a given seed, record count and `today`.
"""

from __future__ import annotations

import argparse
import array
import bisect
import datetime as dt
import itertools
import json
import pathlib
import random
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")

# --------------------------------------------------------------------------- vocabulary


def _word_list(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Real domain words, most frequent first: they take the top Zipf ranks.
DOMAIN_WORDS = _word_list("""
partnership agreement data hospital consent reporting template procurement budget community
health education ministry department district county municipality school clinic patient
record records access sharing privacy security governance committee steering board meeting
review evaluation monitoring indicator baseline target milestone timeline schedule
deliverable outcome output impact risk mitigation escalation dispute resolution contract
grant funding funds donor finance financial audit accountability transparency compliance
regulation policy law legal counsel liability insurance intellectual property licence
ownership stewardship protection processing controller processor purpose retention deletion
anonymisation dataset registry survey census statistics analysis analytics dashboard
platform system software interoperability standard exchange integration infrastructure
network connectivity digital service delivery provider beneficiary citizen household
population rural urban village city region province national local regional international
global partner stakeholder coordination collaboration cooperation engagement consultation
participation trust relationship communication outreach training capacity skills staff
volunteers workforce secondment expertise technical assistance support equipment facilities
vehicle laboratory supplies medicine vaccine vaccination nutrition water sanitation hygiene
agriculture farmer cooperative market enterprise business company private public sector
government agency university research researchers study evidence pilot scale scaling
expansion sustainability exit handover transition closure renewal extension amendment
termination signature signatory negotiation drafting scope objective activity plan planning
workplan procedure protocol guideline checklist playbook lesson retrospective feedback
learning improvement quality efficiency cost savings payment invoice disbursement tranche
quarterly annual monthly report narrative allocation cofinancing matching contribution
resources housing energy transport justice environment climate resilience emergency
response humanitarian disaster recovery teacher student curriculum youth women gender
inclusion disability equity poverty livelihoods employment jobs income microfinance loan
credit pension social welfare referral case management information portal website email
phone language translation culture heritage arts sport tourism innovation technology mobile
internet broadband cloud hosting server backup incident breach notification approval sign
delay bottleneck workload handoff alignment priorities mandate authority leadership
champion turnover continuity documentation knowledge memory archive onboarding district
officer coordinator manager director secretariat focal point joint working group task force
memorandum annex clause schedule obligation warranty indemnity termination notice period
fiscal year calendar deadline approval sign-off onboarding offboarding rollout launch
""")

# Function words, sampled among the prose like in real text (about 30% of tokens).
FUNCTION_WORDS = _word_list("""
the of and to in for with on by a is are was be that this from as at or their its which
will should under between each all not were has have
""")
FUNCTION_SHARE = 0.30
VOCABULARY_SIZE = 8_000  # content words; the brief asks for at least 5,000
ZIPF_EXPONENT = 1.1
_VOCABULARY_SEED = 0x0ACC0D  # the vocabulary does not depend on the corpus seed

# fmt: off
_ONSETS = ("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
           "br", "cl", "dr", "fr", "gr", "pl", "pr", "st", "tr", "sh", "ch", "th", "")
_NUCLEI = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y")
_CODAS = ("", "", "", "", "n", "r", "l", "s", "m", "t", "nd", "st", "x")

# fmt: on

_WORD = re.compile(r"[a-z]+")


BUCKET_BITS = 16  # the fast path draws one 16-bit bucket per token


@dataclass(frozen=True)
class Vocabulary:
    """Content words by Zipf rank, and the tables prose tokens are sampled with.

    Sampling is exact inverse-CDF sampling over the cumulative Zipf weights, scaled to
    [0, 2**16). A 16-bit random bucket decides the token outright when the bucket lies
    inside one token's interval (about 90% of draws, done at C speed with `map`); the
    other draws bisect the cumulative weights inside the bucket's narrow index range.
    """

    content: tuple[str, ...]  # rank order, real domain words first
    tokens: tuple[str, ...]  # function words + content words
    cum_weights: list[float]  # cumulative sampling weights over `tokens`, scaled to end at 2**BUCKET_BITS
    guide: list[int]  # guide[b]: index of the token at point b (clamped to the last token)
    bucket_token: list[str | None]  # the token filling bucket [b, b+1), None if it straddles tokens


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The fixed vocabulary: real domain words, then pronounceable pseudo-words."""
    real: list[str] = []
    for word in DOMAIN_WORDS:
        for part in word.split("-"):
            if part not in real and part not in FUNCTION_WORDS:
                real.append(part)
    taken = set(real) | set(FUNCTION_WORDS)
    syllables = sorted({o + n + c for o in _ONSETS for n in _NUCLEI for c in _CODAS})
    rng = random.Random(_VOCABULARY_SEED)
    pseudo: list[str] = []
    while len(real) + len(pseudo) < VOCABULARY_SIZE:
        word = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if 4 <= len(word) <= 12 and _WORD.fullmatch(word) and word not in taken:
            taken.add(word)
            pseudo.append(word)
    content = tuple(real + pseudo)
    tokens = tuple(FUNCTION_WORDS) + content

    content_weights = [rank**-ZIPF_EXPONENT for rank in range(1, len(content) + 1)]
    function_weights = [rank**-ZIPF_EXPONENT for rank in range(1, len(FUNCTION_WORDS) + 1)]
    # Scale the function words so they make up FUNCTION_SHARE of all tokens.
    scale = FUNCTION_SHARE / (1 - FUNCTION_SHARE) * sum(content_weights) / sum(function_weights)
    weights = [w * scale for w in function_weights] + content_weights
    buckets = 1 << BUCKET_BITS
    total = sum(weights)
    cum = [c * buckets / total for c in itertools.accumulate(weights)]
    cum[-1] = float(buckets)
    last = len(cum) - 1
    guide = [min(bisect.bisect(cum, point), last) for point in range(buckets + 1)]
    bucket_token = [tokens[guide[b]] if guide[b] == guide[b + 1] else None for b in range(buckets)]
    return Vocabulary(content, tokens, cum, guide, bucket_token)


# --------------------------------------------------------------------------- closed lists

# fmt: off

ORG_KINDS = ("government", "ngo", "business", "academic", "community", "international")
ORG_KIND_WEIGHTS = (30, 22, 20, 12, 10, 6)
AGREEMENT_KINDS = ("mou", "moa", "data-sharing", "ppp", "grant", "service-level", "other")
AGREEMENT_KIND_WEIGHTS = (28, 14, 18, 10, 16, 9, 5)
AGREEMENT_LABELS = {
    "mou": "Memorandum of Understanding",
    "moa": "Memorandum of Agreement",
    "data-sharing": "Data-Sharing Agreement",
    "ppp": "Public-Private Partnership Contract",
    "grant": "Grant Agreement",
    "service-level": "Service-Level Agreement",
    "other": "Framework Agreement",
}
# Initial statuses; `superseded` comes only from a later agreement that supersedes one.
STATUSES = ("draft", "negotiation", "signed", "active", "expired", "terminated")
STATUS_WEIGHTS = (8, 10, 12, 38, 24, 8)
SIGNED_STATUSES = frozenset({"signed", "active", "expired", "terminated", "superseded"})
SUPERSEDABLE = frozenset({"signed", "active", "expired"})  # statuses a later agreement may supersede
ROLES = ("partner", "funder", "observer")
ROLE_WEIGHTS = (65, 22, 13)
RESOURCE_KINDS = ("funding", "staff", "facilities", "data", "equipment", "expertise", "in-kind")
RESOURCE_KIND_WEIGHTS = (35, 15, 8, 14, 8, 12, 8)
CURRENCIES = ("EUR", "USD", "GBP", "KES", "CHF", "INR", "BRL", "ZAR")
CURRENCY_WEIGHTS = (35, 35, 12, 5, 4, 4, 3, 2)
PHASES = ("scoping", "negotiation", "implementation", "evaluation", "closure")
IMPACTS = ("positive", "negative", "mixed")
SECTORS = (
    "health", "education", "water-sanitation", "agriculture", "digital-government", "energy",
    "transport", "housing", "social-protection", "environment", "justice", "finance",
    "humanitarian", "research", "culture", "employment",
)
TOPICS = (
    "consent", "data-quality", "data-protection", "procurement", "budgeting", "cash-flow",
    "reporting", "governance", "escalation", "stakeholder-engagement", "communication",
    "trust", "staff-turnover", "handover", "capacity-building", "interoperability",
    "legal-review", "signature-delays", "scope-creep", "monitoring", "evaluation",
    "community-engagement", "gender", "sustainability", "exit-strategy", "risk-management",
    "templates", "language", "leadership", "timelines",
)
TAGS = (
    "pilot", "flagship", "multi-year", "cross-border", "regional", "national", "municipal",
    "open-data", "sensitive-data", "co-funded", "renewal", "amendment", "template-based",
    "urgent", "covid-19", "climate", "digital", "rural", "urban", "youth", "women",
    "disability", "evidence", "scale-up", "lessons-learned", "quick-win", "high-risk",
    "low-cost", "research", "training", "procurement", "governance", "2020s", "phase-2",
)
COUNTRIES = (
    "Kenya", "Ghana", "Peru", "Colombia", "India", "Indonesia", "Philippines", "Portugal",
    "Spain", "France", "Germany", "Netherlands", "United Kingdom", "Canada", "Brazil",
    "South Africa", "Rwanda", "Nepal", "Vietnam", "Mexico", "Chile", "Senegal", "Morocco",
    "Jordan", "Ireland", "Norway", "Côte d'Ivoire", "Türkiye",
)
FIRST_NAMES = (
    "Amina", "Ana", "Ben", "Carlos", "Chen", "Dana", "David", "Elena", "Fatima", "Grace",
    "Hugo", "Ines", "Ivan", "James", "Joao", "José", "Kwame", "Lena", "Li", "Maria",
    "Mariam", "Mateo", "Nadia", "Noor", "Olga", "Omar", "Priya", "Rahul", "Rosa", "Sara",
    "Søren", "Tariq", "Thandiwe", "Tomás", "Yuki", "Zoë", "Zainab", "Kofi", "Lucía", "Ngozi",
)
LAST_NAMES = (
    "Okafor", "Kowalski", "Silva", "Mensah", "Nguyen", "García", "Müller", "Patel", "Sharma",
    "Haddad", "Kimani", "Ochieng", "Rossi", "Dubois", "Jansen", "Andersen", "O'Brien",
    "Tanaka", "Santos", "Pereira", "Adeyemi", "Banda", "Cohen", "Diallo", "Eriksen", "Fofana",
    "Gómez", "Hassan", "Ivanova", "Johnson", "Khan", "Lopez", "Mwangi", "Novak", "Osei",
    "Park", "Quispe", "Reyes", "Singh", "Wang",
)
HONORIFICS = ("", "", "", "Dr. ", "Prof. ", "Hon. ")
SIGNATORY_TITLES = (
    "Director", "Director-General", "Permanent Secretary", "Chief Executive Officer",
    "Executive Director", "Vice-Chancellor", "Country Representative", "Head of Programmes",
    "Chief Operating Officer", "Minister", "Secretary-General", "Chairperson",
)
CONTACT_ROLES = (
    "Partnerships lead", "Legal counsel", "Data protection officer", "Programme manager",
    "Finance officer", "Communications officer", "Focal point", "Procurement officer",
)
UNITS = ("%", " clinics", " schools", " districts", " households", " staff trained", " datasets",
         " reports", " days", " sites")

ORG_SECTIONS = ("Profile", "Mandate", "Partnership history", "Working with us", "Notes")
AGREEMENT_SECTIONS = ("Background", "Scope", "Implementation arrangements", "Data and privacy",
                      "Risks and mitigation", "Exit and renewal")
PLAYBOOK_SECTIONS = ("When to use this playbook", "Before you start", "Steps", "Common pitfalls",
                     "Templates and tools", "Further reading")
RETRO_SECTIONS = ("Context", "What went well", "What did not go well", "Actions", "Open questions")

SUBDIRS = {
    "organization": "organizations",
    "agreement": "agreements",
    "playbook": "playbooks",
    "retrospective": "retrospectives",
}
ID_PREFIXES = {"organization": "org", "agreement": "agr", "playbook": "pb", "retrospective": "retro"}
MIX = {"organization": 0.10, "agreement": 0.45, "playbook": 0.10}  # retrospectives take the rest

# fmt: on

PUBLIC, INTERNAL, RESTRICTED = 0, 1, 2  # confidentiality levels: a record may name levels <= its own
LEVEL_NAMES = ("public", "internal", "restricted")
_GENERATED_FILE = re.compile(r"^(org|agr|pb|retro)-\d+-[a-z0-9-]+\.md$")


# --------------------------------------------------------------------------- prose


class Prose:
    """Zipf-distributed text: words, phrases, sentences, paragraphs, Markdown bodies."""

    _BATCH = 8192

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._vocab = vocabulary()
        self._content = self._vocab.content
        # Content words only: the tail of the cumulative weights, after the function words.
        self._content_cum = self._vocab.cum_weights[len(FUNCTION_WORDS) :]
        self._content_low = self._vocab.cum_weights[len(FUNCTION_WORDS) - 1]
        self._buffer: list[str] = []
        self._position = 0

    def _draw(self, k: int) -> list[str]:
        """k Zipf-distributed tokens (see `Vocabulary`)."""
        vocab = self._vocab
        buckets = array.array("H", self._rng.randbytes(2 * k))
        if sys.byteorder == "big":  # the same corpus on every machine
            buckets.byteswap()
        drawn: list[Any] = list(map(vocab.bucket_token.__getitem__, buckets))
        rnd, cum, guide, tokens = self._rng.random, vocab.cum_weights, vocab.guide, vocab.tokens
        index = -1
        while True:
            try:
                index = drawn.index(None, index + 1)  # a C-speed scan to the next straddling bucket
            except ValueError:
                break
            bucket = buckets[index]
            drawn[index] = tokens[bisect.bisect(cum, bucket + rnd(), guide[bucket], guide[bucket + 1] + 1)]
        return drawn  # every None has been replaced by a word

    def words(self, k: int) -> list[str]:
        """k tokens of running text, drawn in large batches."""
        start = self._position
        if start + k > len(self._buffer):
            self._buffer = self._buffer[start:] + self._draw(max(self._BATCH, k))
            start = 0
        self._position = start + k
        return self._buffer[start : start + k]

    def content_words(self, k: int) -> list[str]:
        """Content words only (no 'the', 'of'), for titles and names: bisect over the Zipf weights."""
        rnd, cum, content = self._rng.random, self._content_cum, self._content
        low = self._content_low
        span = cum[-1] - low
        return [content[bisect.bisect(cum, low + rnd() * span)] for _ in range(k)]

    def any_word(self) -> str:
        """A word drawn uniformly from the vocabulary (for ids and names)."""
        return self._rng.choice(self._content)

    def phrase(self, lo: int = 2, hi: int = 4) -> str:
        return " ".join(self.content_words(self._rng.randint(lo, hi)))

    def title_phrase(self, lo: int = 2, hi: int = 4) -> str:
        return " ".join(w.capitalize() for w in self.content_words(self._rng.randint(lo, hi)))

    def sentence(self, lo: int = 6, hi: int = 26) -> str:
        return self._sentences([lo + int(self._rng.random() * (hi - lo + 1))])

    def sentences(self, lo: int, hi: int) -> str:
        rnd = self._rng.random
        return self._sentences([6 + int(rnd() * 21) for _ in range(lo + int(rnd() * (hi - lo + 1)))])

    def paragraph(self, n_words: int) -> tuple[str, int]:
        """Sentences of 6-26 words adding up to at least n_words; returns the text and its word count."""
        rnd = self._rng.random
        lengths: list[int] = []
        total = 0
        while total < n_words:
            length = 6 + int(rnd() * 21)
            lengths.append(length)
            total += length
        return self._sentences(lengths), total

    def _sentences(self, lengths: list[int]) -> str:
        rnd = self._rng.random
        tokens = self.words(sum(lengths))
        out: list[str] = []
        start = 0
        for n in lengths:
            words = tokens[start : start + n]
            start += n
            words[0] = words[0].capitalize()
            if n > 9 and rnd() < 0.4:
                words[3 + int(rnd() * (n - 6))] += ","
            out.append(" ".join(words) + ("?" if rnd() < 0.02 else "."))
        return " ".join(out)

    def body(self, sections: tuple[str, ...], lo: int = 150, hi: int = 600) -> str:
        """A few Markdown sections (## headings) with paragraphs and lists, lo-hi words."""
        rng = self._rng
        chosen = sorted(rng.sample(range(len(sections)), rng.randint(2, min(4, len(sections)))))
        budget = rng.randint(lo, hi)
        per_section = max(40, budget // len(chosen))
        out: list[str] = []
        for index in chosen:
            heading = sections[index]
            out.append(f"## {heading}\n")
            remaining = per_section
            if rng.random() < 0.25:
                numbered = heading == "Steps"
                items = [self.sentence(4, 14) for _ in range(rng.randint(3, 6))]
                out.append("\n".join(f"{i}. {s}" if numbered else f"- {s}" for i, s in enumerate(items, 1)) + "\n")
                remaining -= sum(s.count(" ") + 1 for s in items)
            while remaining > 0:
                text, written = self.paragraph(min(remaining, rng.randint(50, 130)))
                out.append(text + "\n")
                remaining -= written
                if remaining > 60 and rng.random() < 0.15:
                    out.append(f"### {self.title_phrase(2, 3)}\n")
        return "\n".join(out)


# --------------------------------------------------------------------------- YAML


_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]')


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        if _NEEDS_ESCAPE.search(value):
            return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as a YAML scalar")


def _emit_mapping(mapping: dict[str, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            _emit_mapping(value, indent + 2, out)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{pad}{key}:")
            for item in value:
                lines: list[str] = []
                _emit_mapping(item, indent + 4, lines)
                lines[0] = f"{pad}  - {lines[0][indent + 4 :]}"
                out.extend(lines)
        elif isinstance(value, list):
            out.append(f"{pad}{key}: [{', '.join(_scalar(item) for item in value)}]")
        else:
            out.append(f"{pad}{key}: {_scalar(value)}")


def front_matter(data: dict[str, Any]) -> str:
    """YAML front matter: block mappings, every string JSON-quoted, dates unquoted.

    Measured on 1,800 records: 0.13 s here, 1.2 s with yaml.dump(Dumper=CSafeDumper), 5.8 s
    with yaml.safe_dump; it loads back to the same data.
    """
    lines = ["---"]
    _emit_mapping(data, 0, lines)
    lines.append("---")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- generation


class LevelPool:
    """Items by confidentiality: `visible(level)` holds the items a record at `level` may name."""

    def __init__(self) -> None:
        self._by_level: tuple[list[str], list[str], list[str]] = ([], [], [])

    def add(self, item: str, level: int) -> None:
        for lv in range(level, RESTRICTED + 1):
            self._by_level[lv].append(item)

    def visible(self, level: int) -> list[str]:
        return self._by_level[level]


@dataclass
class AgreementInfo:
    front: dict[str, Any]
    level: int
    parties: list[str]
    effective: dt.date | None
    superseded: bool = False


@dataclass
class Record:
    type: str
    id: str
    front: dict[str, Any]
    body: str


@dataclass
class Generator:
    rng: random.Random
    today: dt.date
    prose: Prose
    records: list[Record] = field(default_factory=list)
    org_ids: list[str] = field(default_factory=list)
    org_names: dict[str, str] = field(default_factory=dict)
    orgs_by_kind: dict[str, list[str]] = field(default_factory=dict)
    agreements: dict[str, AgreementInfo] = field(default_factory=dict)
    agreement_pool: LevelPool = field(default_factory=LevelPool)
    lesson_pool: LevelPool = field(default_factory=LevelPool)
    record_pool: LevelPool = field(default_factory=LevelPool)
    lesson_count: int = 0
    _used_ids: set[str] = field(default_factory=set)

    # ---- helpers

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: tuple[T, ...] | list[T], weights: tuple[int, ...] | None = None) -> T:
        if weights is None:
            return self.rng.choice(items)
        return self.rng.choices(items, weights=weights)[0]

    def sample(self, items: list[T] | tuple[T, ...], lo: int, hi: int) -> list[T]:
        return self.rng.sample(items, min(len(items), self.rng.randint(lo, hi)))

    def days(self, lo: int, hi: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(lo, hi))

    def new_id(self, record_type: str, number: int, word: str | None = None) -> str:
        word = word or self.prose.any_word()
        record_id = f"{ID_PREFIXES[record_type]}-{number:05d}-{word}"[:80].rstrip("-")
        assert record_id not in self._used_ids
        self._used_ids.add(record_id)
        return record_id

    def level(self) -> int:
        r = self.rng.random()
        return PUBLIC if r < 0.25 else RESTRICTED if r < 0.27 else INTERNAL

    def common(self, record_type: str, record_id: str, title: str, level: int) -> dict[str, Any]:
        """The fields every record has, in a readable order (related/tags filled in by the caller)."""
        front: dict[str, Any] = {"id": record_id, "type": record_type, "title": title}
        if self.chance(0.9):
            front["summary"] = self.prose.sentences(1, 2)
        if level != INTERNAL or self.chance(0.7):  # internal is the default: omit it sometimes
            front["confidentiality"] = LEVEL_NAMES[level]
        if self.chance(0.75):
            front["tags"] = self.sample(TAGS, 1, 4)
        return front

    def add_related(self, front: dict[str, Any], level: int, p: float = 0.4) -> None:
        pool = self.record_pool.visible(level)
        if pool and self.chance(p):
            front["related"] = sorted({self.rng.choice(pool) for _ in range(self.rng.randint(1, 3))})

    def add_extra(self, front: dict[str, Any]) -> None:
        if self.chance(0.05):
            front["extra"] = {"source": "synthetic", "batch": self.rng.randint(1, 20), "reviewed_by": self.person()}

    def person(self) -> str:
        return f"{self.pick(FIRST_NAMES)} {self.pick(LAST_NAMES)}"

    def finish(self, record_type: str, front: dict[str, Any], level: int, body: str) -> None:
        self.add_extra(front)
        self.records.append(Record(record_type, front["id"], front, body))
        self.record_pool.add(front["id"], level)

    # ---- organisations

    def organization(self, number: int) -> None:
        kind = self.pick(ORG_KINDS, ORG_KIND_WEIGHTS)
        place = self.prose.any_word().capitalize()
        focus = self.prose.title_phrase(1, 2)
        name = {
            "government": f"Ministry of {focus} of {place}",
            "ngo": f"{place} {focus} Foundation",
            "business": f"{place} {focus} Ltd",
            "academic": f"University of {place}",
            "community": f"{place} Community {focus} Association",
            "international": f"International {focus} Alliance",
        }[kind]
        parent_candidates = self.orgs_by_kind.get(kind, [])
        parent = None
        if kind in ("government", "academic", "ngo") and parent_candidates and self.chance(0.2):
            parent = self.rng.choice(parent_candidates)
            unit = {"government": "Department", "academic": "Faculty", "ngo": "Programme"}[kind]
            name = f"{unit} of {focus}, {self.org_names[parent]}"
        record_id = self.new_id("organization", number, place.lower())
        front = self.common("organization", record_id, name, PUBLIC)
        front["confidentiality"] = "public"  # organisations are public so anything may name them
        front["kind"] = kind
        if self.chance(0.8):
            country = self.pick(COUNTRIES)
            front["jurisdiction"] = country if self.chance(0.6) else f"{self.prose.any_word().capitalize()}, {country}"
        if parent:
            front["parent"] = parent
        domain = f"{place.lower()}-{kind}.example.org"
        if self.chance(0.7):
            front["website"] = f"https://www.{domain}" + ("/partnerships" if self.chance(0.3) else "")
        if self.chance(0.6):
            contacts = []
            for _ in range(self.rng.randint(1, 3)):
                first, last = self.pick(FIRST_NAMES), self.pick(LAST_NAMES)
                local = _ascii_slug(f"{first}.{last}", keep=".")
                contacts.append(
                    {"name": f"{first} {last}", "role": self.pick(CONTACT_ROLES), "email": f"{local}@{domain}"}
                )
            front["contacts"] = contacts
        self.add_related(front, PUBLIC, 0.15)
        self.org_ids.append(record_id)
        self.org_names[record_id] = name
        self.orgs_by_kind.setdefault(kind, []).append(record_id)
        self.finish("organization", front, PUBLIC, self.prose.body(ORG_SECTIONS, 150, 400))

    # ---- agreements

    def agreement_dates(self, status: str) -> dict[str, Any]:
        today, days = self.today, self.days
        dates: dict[str, Any] = {}
        if status in ("draft", "negotiation"):
            if self.chance(0.5):
                dates["effective"] = today + days(30, 400)
                if self.chance(0.8):
                    dates["expires"] = dates["effective"] + days(365, 1825)
        elif status == "signed":
            dates["signed"] = today - days(0, 180)
            dates["effective"] = dates["signed"] + days(0, 240)
            dates["expires"] = dates["effective"] + days(365, 1825)
        elif status == "active":
            dates["effective"] = today - days(0, 2000)
            dates["signed"] = dates["effective"] - days(0, 90)
            if self.chance(0.9):
                dates["expires"] = today + days(1, 1500)
        elif status == "expired":
            dates["expires"] = today - days(1, 2500)
            dates["effective"] = dates["expires"] - days(365, 1825)
            dates["signed"] = dates["effective"] - days(0, 90)
        else:  # terminated
            dates["effective"] = today - days(200, 3000)
            dates["signed"] = dates["effective"] - days(0, 90)
            dates["expires"] = dates["effective"] + days(365, 2555)
        if "effective" in dates and self.chance(0.4):
            start: dt.date = dates["effective"]
            end: dt.date = dates.get("expires", start + dt.timedelta(days=1825))
            span = (end - start).days
            n_reviews = self.rng.randint(1, 3)
            reviews = sorted({start + dt.timedelta(days=self.rng.randint(0, span)) for _ in range(n_reviews)})
            dates["review"] = reviews[0] if len(reviews) == 1 and self.chance(0.6) else reviews
        order = ("signed", "effective", "expires", "review")
        return {key: dates[key] for key in order if key in dates}

    def objectives(self, parties: list[str], dates: dict[str, Any]) -> list[dict[str, Any]]:
        objectives = []
        for i in range(1, self.rng.randint(1, 4) + 1):
            objective: dict[str, Any] = {"id": f"obj-{i}", "statement": self.prose.sentence(8, 22)}
            if self.chance(0.7):
                unit = self.pick(UNITS)
                objective["metric"] = f"{self.prose.phrase(2, 3)} ({unit.strip() or 'percent'})"
                base = self.rng.randint(0, 60)
                if self.chance(0.6):
                    objective["baseline"] = f"{base}{unit}"
                objective["target"] = f"{base + self.rng.randint(5, 80)}{unit}"
            start = dates.get("effective", self.today)
            if "expires" in dates:
                objective["due"] = start + dt.timedelta(days=self.rng.randint(0, (dates["expires"] - start).days))
            elif self.chance(0.6):
                objective["due"] = start + self.days(90, 720)
            if self.chance(0.8):
                objective["owner"] = self.rng.choice(parties)
            objectives.append(objective)
        return objectives

    def responsibilities(self, parties: list[str]) -> list[dict[str, Any]]:
        rows = []
        for _ in range(self.rng.randint(1, 5)):
            responsible = self.sample(parties, 1, 2)
            row: dict[str, Any] = {
                "activity": self.prose.sentence(3, 9).rstrip(".?"),
                "responsible": responsible,
                "accountable": self.rng.choice(parties),
            }
            others = [p for p in parties if p not in responsible]
            if others and self.chance(0.6):
                row["consulted"] = self.sample(others, 1, 2)
            if self.chance(0.5):
                row["informed"] = self.sample(parties, 1, 2)
            rows.append(row)
        return rows

    def resources(self, parties: list[str], funders: list[str]) -> list[dict[str, Any]]:
        resources = []
        for _ in range(self.rng.randint(1, 4)):
            kind = self.pick(RESOURCE_KINDS, RESOURCE_KIND_WEIGHTS)
            resource: dict[str, Any] = {
                "from": self.rng.choice(funders) if kind == "funding" and funders else self.rng.choice(parties),
                "kind": kind,
            }
            if self.chance(0.85):
                resource["description"] = self.prose.sentence(4, 14)
            if kind in ("funding", "in-kind", "equipment", "staff") and self.chance(0.85):
                amount = self.rng.choice((1_000, 5_000, 10_000, 50_000)) * self.rng.randint(1, 200)
                resource["amount"] = amount if self.chance(0.8) else amount + self.rng.randint(0, 99) / 100
                resource["currency"] = self.pick(CURRENCIES, CURRENCY_WEIGHTS)
            elif kind == "in-kind" and self.chance(0.1):
                resource["amount"] = 0
                resource["currency"] = "EUR"
            resources.append(resource)
        return resources

    def pick_earlier_agreement(
        self, level: int, effective: dt.date | None, statuses: frozenset[str], *, free_only: bool
    ) -> AgreementInfo | None:
        """An earlier agreement this one may name: visible at `level`, in `statuses`, not starting later."""
        pool = self.agreement_pool.visible(level)
        if not pool:
            return None
        for _ in range(8):
            info = self.agreements[self.rng.choice(pool)]
            if info.front["status"] not in statuses or (free_only and info.superseded):
                continue
            if effective and info.effective and info.effective > effective:
                continue
            return info
        return None

    def agreement(self, number: int) -> None:
        level = self.level()
        kind = self.pick(AGREEMENT_KINDS, AGREEMENT_KIND_WEIGHTS)
        status = self.pick(STATUSES, STATUS_WEIGHTS)
        parties = self.sample(self.org_ids, 2, 4)
        record_id = self.new_id("agreement", number)
        names = [self.org_names[p] for p in parties[:2]]
        title = f"{AGREEMENT_LABELS[kind]} on {self.prose.phrase(2, 4)}"
        if self.chance(0.5):
            title += f" between {names[0]} and {names[1]}"
        dates = self.agreement_dates(status)
        effective = dates.get("effective")

        amends = supersedes = None
        if status in SIGNED_STATUSES:
            if self.chance(0.12):
                supersedes = self.pick_earlier_agreement(level, effective, SUPERSEDABLE, free_only=True)
            elif self.chance(0.10):
                amends = self.pick_earlier_agreement(level, effective, SIGNED_STATUSES, free_only=False)
        if amends:
            title = f"Amendment to {AGREEMENT_LABELS[amends.front['kind']]} {amends.front['id']}"

        front = self.common("agreement", record_id, title, level)
        self.add_related(front, level, 0.3)
        front["kind"] = kind
        front["status"] = status
        if self.chance(0.85):
            front["sector"] = self.pick(SECTORS)
        party_rows, roles = self.party_rows(parties, status)
        front["parties"] = party_rows
        if dates:
            front["dates"] = dates
        if self.chance(0.75):
            front["objectives"] = self.objectives(parties, dates)
        if self.chance(0.6):
            front["responsibilities"] = self.responsibilities(parties)
        if self.chance(0.55):
            funders = [p for p, r in zip(parties, roles, strict=True) if r in ("funder", "lead")]
            front["resources"] = self.resources(parties, funders)
        if self.chance(0.6):
            front["governance"] = self.governance()
        if amends:
            front["amends"] = amends.front["id"]
        if supersedes:
            front["supersedes"] = supersedes.front["id"]
            supersedes.front["status"] = "superseded"  # its dates (signed, ...) already fit
            supersedes.superseded = True
        lessons = self.lesson_pool.visible(level)
        if lessons and self.chance(0.25):
            front["lessons_applied"] = sorted({self.rng.choice(lessons) for _ in range(self.rng.randint(1, 3))})

        self.agreements[record_id] = AgreementInfo(front, level, parties, effective)
        self.agreement_pool.add(record_id, level)
        self.finish("agreement", front, level, self.prose.body(AGREEMENT_SECTIONS))

    def party_rows(self, parties: list[str], status: str) -> tuple[list[dict[str, Any]], list[str]]:
        """An agreement's parties (the first leads) and their roles."""
        roles: list[str] = []
        party_rows = []
        for index, org in enumerate(parties):
            row: dict[str, Any] = {"org": org}
            role = "lead" if index == 0 else self.pick(ROLES, ROLE_WEIGHTS)
            roles.append(role)
            if role != "partner" or self.chance(0.6):  # partner is the default role
                row["role"] = role
            if role != "observer" and (status in SIGNED_STATUSES or self.chance(0.3)):
                honorific = self.pick(HONORIFICS)
                row["signatory"] = f"{honorific}{self.person()}, {self.pick(SIGNATORY_TITLES)}"
            party_rows.append(row)
        return party_rows, roles

    def governance(self) -> dict[str, str]:
        governance = {
            "meetings": f"{self.pick(('Quarterly', 'Monthly', 'Biannual', 'Annual'))} steering committee; "
            + self.prose.sentence(5, 14),
            "escalation": self.prose.sentence(8, 20),
            "reporting": self.prose.sentence(6, 18),
        }
        return {k: v for k, v in governance.items() if self.chance(0.85)} or governance

    # ---- playbooks

    def playbook(self, number: int) -> None:
        level = self.level()
        record_id = self.new_id("playbook", number)
        title = f"Playbook: {self.prose.title_phrase(2, 4)}"
        front = self.common("playbook", record_id, title, level)
        self.add_related(front, level)
        if self.chance(0.85):
            front["owner"] = self.rng.choice(self.org_ids)
        if self.chance(0.8):
            applies: dict[str, Any] = {}
            if self.chance(0.85):
                applies["kinds"] = self.sample(AGREEMENT_KINDS, 1, 3)
            if self.chance(0.7):
                applies["sectors"] = self.sample(SECTORS, 1, 3)
            if applies:
                front["applies_to"] = applies
        if self.chance(0.75):
            front["reviewed"] = self.today - self.days(0, 1000)
        self.finish("playbook", front, level, self.prose.body(PLAYBOOK_SECTIONS, 250, 600))

    # ---- retrospectives

    def lessons(self) -> list[dict[str, Any]]:
        lessons = []
        used: set[str] = set()
        for i in range(1, self.rng.randint(1, 4) + 1):
            word = self.prose.any_word()
            lesson_id = f"l{i}-{word}"
            assert lesson_id not in used
            used.add(lesson_id)
            lesson: dict[str, Any] = {"id": lesson_id, "title": self.prose.phrase(3, 7).capitalize()}
            if self.chance(0.85):
                lesson["event"] = self.prose.sentences(1, 3)
            lesson["lesson"] = self.prose.sentences(1, 3)
            if self.chance(0.8):
                lesson["recommendation"] = self.prose.sentences(1, 2)
            if self.chance(0.9):
                lesson["impact"] = self.pick(IMPACTS)
            if self.chance(0.85):
                lesson["topics"] = self.sample(TOPICS, 1, 3)
            lessons.append(lesson)
        return lessons

    def retrospective(self, number: int) -> None:
        level = self.level()
        record_id = self.new_id("retrospective", number)
        pool = self.agreement_pool.visible(level)
        agreement_ids: list[str] = []
        if pool and self.chance(0.75):
            agreement_ids = sorted({self.rng.choice(pool) for _ in range(self.rng.randint(1, 3))})
        partners: list[str] = []
        if not agreement_ids:
            partners = self.sample(self.org_ids, 1, 3)
        elif self.chance(0.3):
            involved = sorted({p for a in agreement_ids for p in self.agreements[a].parties})
            partners = self.sample(involved, 1, 3)
        starts = [d for a in agreement_ids if (d := self.agreements[a].effective) and d <= self.today]
        earliest = max(starts) if starts else self.today - dt.timedelta(days=1800)
        held = earliest + dt.timedelta(days=self.rng.randint(0, (self.today - earliest).days))
        statuses = {self.agreements[a].front["status"] for a in agreement_ids}
        if statuses and statuses <= {"draft", "negotiation"}:
            phase = self.pick(("scoping", "negotiation"))
        else:
            phase = self.pick(PHASES, (1, 2, 4, 3, 2))

        title = f"{phase.capitalize()} retrospective: {self.prose.title_phrase(2, 4)}"
        if self.chance(0.1):
            title = f"Retrospective #{number}: {self.prose.phrase(2, 3)}"
        front = self.common("retrospective", record_id, title, level)
        self.add_related(front, level, 0.3)
        front["held"] = held
        if agreement_ids:
            front["agreements"] = agreement_ids
        if partners:
            front["partners"] = partners
        if self.chance(0.85):
            front["phase"] = phase
        lessons = self.lessons()
        front["lessons"] = lessons
        for lesson in lessons:
            self.lesson_pool.add(f"{record_id}#{lesson['id']}", level)
        self.lesson_count += len(lessons)
        self.finish("retrospective", front, level, self.prose.body(RETRO_SECTIONS))


def _ascii_slug(text: str, keep: str = "") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(rf"[^a-z0-9{re.escape(keep)}]+", "", ascii_text)


def plan_counts(n_records: int) -> dict[str, int]:
    """How many records of each type make up a corpus of `n_records`."""
    if n_records < 4:
        raise ValueError("a corpus needs at least 4 records (agreements need two organisations)")
    counts = {name: round(n_records * share) for name, share in MIX.items()}
    counts["organization"] = max(counts["organization"], 2 if n_records < 20 else 4)
    counts["retrospective"] = n_records - sum(counts.values())
    if counts["retrospective"] < 0:
        counts["agreement"] += counts["retrospective"]
        counts["retrospective"] = 0
    return counts


def generate(docs_dir: pathlib.Path, n_records: int, seed: int = 0, today: dt.date | None = None) -> dict[str, int]:
    """Write a valid synthetic knowledge base of `n_records` records (plus index.md) into docs_dir.

    Returns the number of records written per type. Deterministic for (n_records, seed, today).
    """
    counts = plan_counts(n_records)
    rng = random.Random(seed)
    gen = Generator(rng=rng, today=today or dt.date.today(), prose=Prose(rng))

    for number in range(1, counts["organization"] + 1):
        gen.organization(number)
    # Agreements, playbooks and retrospectives interleave in time: each names only earlier ones.
    schedule = [name for name in ("agreement", "playbook", "retrospective") for _ in range(counts[name])]
    rng.shuffle(schedule)
    numbers = dict.fromkeys(SUBDIRS, 0)
    makers = {"agreement": gen.agreement, "playbook": gen.playbook, "retrospective": gen.retrospective}
    for record_type in schedule:
        numbers[record_type] += 1
        makers[record_type](numbers[record_type])

    docs_dir.mkdir(parents=True, exist_ok=True)
    for subdir in SUBDIRS.values():
        (docs_dir / subdir).mkdir(exist_ok=True)
    for record in gen.records:
        path = docs_dir / SUBDIRS[record.type] / f"{record.id}.md"
        path.write_text(front_matter(record.front) + "\n" + record.body, encoding="utf-8", newline="\n")
    (docs_dir / "index.md").write_text(_index_page(counts, gen.lesson_count, seed), encoding="utf-8", newline="\n")
    return counts


def _index_page(counts: dict[str, int], lessons: int, seed: int) -> str:
    return (
        "# Partnership knowledge base (synthetic)\n\n"
        f"A generated corpus for benchmarks (seed {seed}). It holds:\n\n"
        f"- {counts['organization']} organisations\n"
        f"- {counts['agreement']} agreements\n"
        f"- {counts['playbook']} playbooks\n"
        f"- {counts['retrospective']} retrospectives with {lessons} lessons\n"
    )


# --------------------------------------------------------------------------- CLI


def _clear_generated(out_dir: pathlib.Path) -> None:
    """Remove files a previous run wrote, so a smaller corpus leaves no stale records behind."""
    for subdir in SUBDIRS.values():
        folder = out_dir / subdir
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file() and _GENERATED_FILE.match(path.name):
                    path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic Accord knowledge base for benchmarks.")
    parser.add_argument("out_dir", type=pathlib.Path, metavar="OUT_DIR", help="docs directory to create")
    parser.add_argument("--records", "-n", type=int, required=True, help="number of records (at least 4)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="date the statuses are relative to, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty directory (earlier generated records there are removed first)",
    )
    args = parser.parse_args(argv)

    out_dir: pathlib.Path = args.out_dir
    if out_dir.exists() and not out_dir.is_dir():
        parser.error(f"{out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not args.force:
            parser.error(f"{out_dir} is not empty; use --force to write into it")
        _clear_generated(out_dir)
    if args.records < 4:
        parser.error("--records must be at least 4")

    started = time.perf_counter()
    counts = generate(out_dir, args.records, seed=args.seed, today=args.today)
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{n} {name}s" for name, n in counts.items())
    print(f"gen_corpus: {sum(counts.values())} records ({summary}) in {out_dir} [seed {args.seed}] in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
