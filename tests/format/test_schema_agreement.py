"""`accord schema` (what an editor underlines as the author types) and `accord validate` give one
verdict on a record: on every record of the demo and of `accord init`, and on the variants of them
an author writes (numbers where text is expected, quoted numbers, dates quoted or not, yes/no,
bad slugs and choices, missing and unknown fields, amounts written as text).

The editor's view of the YAML: PyYAML's values, except that a date stays the text it was written
as (YAML 1.2, which editors read, has no dates). An editor reading all of YAML 1.2 (yes/no are
text, 1_000 is text, 1e3 a number) is held to less: it never underlines what validate accepts.

validate's verdict: the errors of one file, as
`accord validate` reads it (accord.format.source), checks it (accord.format.schema.check_record),
and applies the rules of one record alone that JSON Schema can say (signed-missing,
partners-missing). Rules across records (unknown ids, duplicates) are not the schema's.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.format.diagnostics import Severity
from accord.format.editor_schema import json_schema
from accord.format.records import Record
from accord.format.rules import check_all
from accord.format.schema import check_record
from accord.format.source import read_source

REPO = Path(__file__).resolve().parents[2]
DEMO_DOCS = REPO / "docs"

# The rules of accord.format.rules on one record that the schema says too.
EXPRESSED_RULES = frozenset({"signed-missing", "partners-missing"})
# The ones it cannot (they compare values with each other): left to validate.
UNEXPRESSED_RULES = frozenset({"duplicate-party", "duplicate-lesson", "date-order", "not-a-party"})


# The editor's side ---------------------------------------------------------------------------


class _EditorLoader(yaml.SafeLoader):
    """PyYAML, but a date is the text it was written as."""


_EditorLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _ecmascript_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """`pattern` as an editor's RegExp reads it: `$` is the end of the text (Python's `$` also
    matches before a last line break)."""
    if validator.is_type(instance, "string") and not re.search(re.sub(r"(?<!\\)\$", r"\\Z", pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


SCHEMA = json_schema()
Editor = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecmascript_pattern})
EDITOR = Editor(SCHEMA)


def front_matter(text: str) -> str:
    return text.split("---\n", 2)[1]


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2's core schema, as editors read it: only true/false are booleans, no dates, no
    1_000 or 1:30 numbers, 0o17 octal, 1e3 a number."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - replaces PyYAML's (YAML 1.1) table


for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
]:
    _Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))
_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(node.value, 0)
                              if node.value.startswith(("0o", "0x")) else int(node.value))
_Yaml12Loader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: float(
    node.value.lower().replace(".inf", "inf").replace(".nan", "nan")))


def yaml_1_2_editor_accepts(text: str) -> bool:
    return EDITOR.is_valid(yaml.load(front_matter(text), Loader=_Yaml12Loader))  # a SafeLoader


def editor_errors(text: str) -> list[str]:
    data = yaml.load(front_matter(text), Loader=_EditorLoader)  # a SafeLoader
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"[:300] for error in EDITOR.iter_errors(data)]


# validate's side -----------------------------------------------------------------------------


def validate_errors(text: str) -> list[str]:
    source = read_source(text.encode("utf-8"), "agreements/x.md", "agreements/x.md")
    errors = [d for d in source.diagnostics if d.severity is Severity.ERROR]
    if not errors and source.data is not None:
        model, errors = check_record(source)
        errors = [d for d in errors if d.severity is Severity.ERROR]
        if model is not None:
            errors += [d for d in check_all([Record(model, source)], date(2026, 1, 1))
                       if d.code in EXPRESSED_RULES and d.severity is Severity.ERROR]
    return [f"{d.code}: {d.message}" for d in errors]


def verdicts(text: str) -> tuple[bool, bool, str]:
    editor, validate = editor_errors(text), validate_errors(text)
    said = f"\n{text}\neditor: {editor}\nvalidate: {validate}"
    return not editor, not validate, said


def assert_agree(text: str) -> bool:
    editor_ok, validate_ok, said = verdicts(text)
    assert editor_ok == validate_ok, said
    if validate_ok:
        assert yaml_1_2_editor_accepts(text), f"a YAML 1.2 editor underlines{said}"
    return validate_ok


# Records as an author writes them: every leaf is the YAML text written after `key: ` -----------------


def emit(value: Any, depth: int = 0) -> list[str]:
    pad = "  " * depth
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                lines.append(f"{pad}{key}: {item}".rstrip())
            elif not item:
                lines.append(f"{pad}{key}: {'[]' if isinstance(item, list) else '{}'}")
            else:
                lines += [f"{pad}{key}:", *emit(item, depth + 1)]
    else:
        for item in value:
            if isinstance(item, str):
                lines.append(f"{pad}- {item}")
            else:
                inner = emit(item, depth + 1)
                lines += [f"{pad}- {inner[0].lstrip()}", *inner[1:]]
    return lines


def written(data: dict[str, Any]) -> str:
    return "---\n" + "\n".join(emit(data)) + "\n---\n\nThe body.\n"


AGREEMENT: dict[str, Any] = {
    "id": "river-mou",
    "type": "agreement",
    "title": "River clean-up memorandum",
    "summary": "The council and the trust clean the river together.",
    "confidentiality": "public",
    "kind": "mou",
    "status": "active",
    "sector": "environment",
    "tags": "[rivers, volunteering]",
    "related": "[river-playbook]",
    "parties": [
        {"org": "city-water", "role": "lead", "signatory": "Director of Operations"},
        {"org": "river-trust", "signatory": "Chief Executive"},
    ],
    "dates": {"signed": "2026-01-10", "effective": "2026-02-01", "expires": "2030-01-31",
              "review": "[2027-02-01]"},
    "objectives": [{"id": "litter", "statement": "Halve litter in the river", "metric": "bags a month",
                    "baseline": "40", "target": "20", "due": "2028-06-30", "owner": "river-trust"}],
    "responsibilities": [{"activity": "Monthly clean-up", "responsible": "[river-trust]",
                          "accountable": "river-trust", "consulted": "[city-water]", "informed": "[]"}],
    "resources": [{"from": "city-water", "kind": "funding", "description": "Skips and tools",
                   "amount": "15000", "currency": "EUR"}],
    "governance": {"meetings": "Quarterly, chaired by the council", "escalation": "Directors",
                   "reporting": "Bags collected, every quarter"},
    "lessons_applied": "[river-retro#named-contact]",
    "extra": {"budget_code": "NV-117"},
}
ORGANIZATION: dict[str, Any] = {
    "id": "city-water", "type": "organization", "title": "City Water Authority", "kind": "government",
    "jurisdiction": "Northvale", "parent": "northvale-council", "website": "https://water.example.org",
    "contacts": [{"name": "Ana Ruiz", "role": "Partnerships", "email": "ana@example.org"}],
}
PLAYBOOK: dict[str, Any] = {
    "id": "river-playbook", "type": "playbook", "title": "River partnerships", "owner": "city-water",
    "applies_to": {"kinds": "[mou, grant]", "sectors": "[environment]"}, "reviewed": "2026-03-01",
}
RETROSPECTIVE: dict[str, Any] = {
    "id": "river-retro", "type": "retrospective", "title": "River clean-up, first year", "held": "2026-06-18",
    "agreements": "[river-mou]", "partners": "[river-trust]", "phase": "implementation",
    "lessons": [{"id": "named-contact", "title": "Name one contact", "event": "Calls went unanswered.",
                 "lesson": "One named contact on each side.", "recommendation": "Name them in the MOU.",
                 "impact": "positive", "topics": "[communication]"}],
}
BASES = {"agreement": AGREEMENT, "organization": ORGANIZATION, "playbook": PLAYBOOK,
         "retrospective": RETROSPECTIVE}
DELETE = object()


def variant(base: dict[str, Any], path: tuple[str | int, ...], value: Any) -> str:
    data = copy.deepcopy(base)
    container: Any = data
    for part in path[:-1]:
        container = container[part]
    if value is DELETE:
        del container[path[-1]]
    else:
        container[path[-1]] = value
    return written(data)


# (record type, path, YAML written there, validate's verdict). The verdicts are the format's: the
# test checks that both tools give them, and so that the list itself is right.
VARIANTS: list[tuple[str, tuple[str | int, ...], Any, bool]] = [
    # Numbers where text is expected: kept as written.
    ("agreement", ("objectives", 0, "baseline"), "12", True),
    ("agreement", ("objectives", 0, "baseline"), "12.5", True),
    ("agreement", ("objectives", 0, "target"), "7", True),
    ("agreement", ("objectives", 0, "target"), "0.5", True),
    ("agreement", ("objectives", 0, "target"), "-3", True),
    ("agreement", ("objectives", 0, "target"), "1.10", True),
    ("agreement", ("objectives", 0, "target"), "012", True),
    ("agreement", ("objectives", 0, "target"), "1_000", True),
    ("agreement", ("objectives", 0, "target"), "1.5e+3", True),
    ("agreement", ("objectives", 0, "target"), ".inf", True),
    ("agreement", ("objectives", 0, "target"), '"40"', True),
    ("agreement", ("objectives", 0, "target"), "40%", True),
    ("agreement", ("objectives", 0, "metric"), "2027", True),
    ("agreement", ("objectives", 0, "metric"), "2027-01-01", True),
    ("agreement", ("objectives", 0, "target"), "[1, 2]", False),
    ("agreement", ("objectives", 0, "target"), "{a: 1}", False),
    ("agreement", ("objectives", 0, "target"), "", True),
    ("agreement", ("title",), "2024", True),
    ("agreement", ("title",), "12.5", True),
    ("agreement", ("title",), '""', False),
    ("agreement", ("title",), '"   "', False),
    ("agreement", ("title",), "", False),
    ("agreement", ("summary",), "42", True),
    ("agreement", ("summary",), "2027-01-01", True),
    ("agreement", ("summary",), '""', True),
    ("agreement", ("governance", "meetings"), "10:30", True),
    ("agreement", ("parties", 0, "signatory"), "007", True),
    ("agreement", ("objectives", 0, "statement"), "100", True),
    # yes/no and the other booleans where text is expected: refused (quote them).
    ("agreement", ("parties", 0, "signatory"), "yes", False),
    ("agreement", ("parties", 0, "signatory"), "no", False),
    ("agreement", ("parties", 0, "signatory"), "on", False),
    ("agreement", ("parties", 0, "signatory"), "Off", False),
    ("agreement", ("parties", 0, "signatory"), "y", True),  # not a boolean to YAML 1.1 (PyYAML)
    ("agreement", ("parties", 0, "signatory"), "true", False),
    ("agreement", ("parties", 0, "signatory"), "'no'", True),
    ("agreement", ("objectives", 0, "baseline"), "no", False),
    ("agreement", ("summary",), "yes", False),
    # Slugs and ids.
    ("agreement", ("id",), "2024", True),
    ("agreement", ("id",), "012", True),
    ("agreement", ("id",), "0", True),
    ("agreement", ("id",), "2027-01-01", True),
    ("agreement", ("id",), "1e3", True),
    ("agreement", ("id",), "1.5", False),
    ("agreement", ("id",), "-5", False),
    ("agreement", ("id",), "River MOU", False),
    ("agreement", ("id",), "river_mou", False),
    ("agreement", ("id",), "river--mou", False),
    ("agreement", ("id",), "-river", False),
    ("agreement", ("id",), "River-MOU", False),
    ("agreement", ("id",), "a" * 80, True),
    ("agreement", ("id",), "a" * 81, False),
    ("agreement", ("id",), "yes", False),
    ("agreement", ("id",), '"river-mou\\n"', False),
    ("agreement", ("tags",), "[2024, flooding]", True),
    ("agreement", ("tags",), "[Flooding]", False),
    ("agreement", ("tags",), "flooding", False),
    ("agreement", ("tags",), "[yes]", False),
    ("agreement", ("tags",), "", False),
    ("agreement", ("related",), "[1.5]", False),
    ("agreement", ("sector",), "Health", False),
    ("agreement", ("sector",), "public-health", True),
    ("agreement", ("parties", 0, "org"), "42", True),
    ("agreement", ("parties", 0, "org"), "City Water", False),
    ("agreement", ("responsibilities", 0, "responsible"), "[]", False),
    ("agreement", ("responsibilities", 0, "accountable"), "[river-trust]", False),
    ("agreement", ("lessons_applied",), "[river-retro#named-contact]", True),
    ("agreement", ("lessons_applied",), "[river-retro]", False),
    ("agreement", ("lessons_applied",), "[river-retro#Named]", False),
    ("agreement", ("resources", 0, "currency"), "eur", False),
    ("agreement", ("resources", 0, "currency"), "EURO", False),
    ("agreement", ("resources", 0, "currency"), "978", False),
    ("agreement", ("resources", 0, "currency"), "€", False),
    ("agreement", ("resources", 0, "currency"), "", True),
    # Choices.
    ("agreement", ("kind",), "MOU", False),
    ("agreement", ("kind",), "memorandum", False),
    ("agreement", ("kind",), "data-sharing", True),
    ("agreement", ("kind",), "data_sharing", False),
    ("agreement", ("kind",), "1", False),
    ("agreement", ("status",), "Signed", False),
    ("agreement", ("status",), "done", False),
    ("agreement", ("confidentiality",), "Public", False),
    ("agreement", ("confidentiality",), "secret", False),
    ("agreement", ("confidentiality",), "restricted", True),
    ("agreement", ("confidentiality",), "", False),
    ("agreement", ("parties", 0, "role"), "Lead", False),
    ("agreement", ("parties", 0, "role"), "funder", True),
    ("agreement", ("parties", 0, "role"), "", False),
    ("agreement", ("resources", 0, "kind"), "money", False),
    ("agreement", ("resources", 0, "kind"), "in-kind", True),
    ("retrospective", ("lessons", 0, "impact"), "good", False),
    ("retrospective", ("phase",), "Implementation", False),
    ("playbook", ("applies_to", "kinds"), "[mou, nope]", False),
    ("playbook", ("applies_to", "sectors"), "[Health]", False),
    # Dates: unquoted, quoted, real or not.
    ("agreement", ("dates", "signed"), '"2026-01-10"', True),
    ("agreement", ("dates", "signed"), "'2026-01-10'", True),
    ("agreement", ("dates", "signed"), '"  2026-01-10 "', True),
    ("agreement", ("dates", "signed"), "2026-1-10", False),  # text to YAML 1.1 too
    ("agreement", ("dates", "signed"), '"2026-1-10"', False),
    ("agreement", ("dates", "signed"), "2024-02-29", True),
    ("agreement", ("dates", "signed"), "2023-02-29", False),
    ("agreement", ("dates", "signed"), '"2023-02-29"', False),
    ("agreement", ("dates", "signed"), "2026-13-01", False),
    ("agreement", ("dates", "signed"), "10/01/2026", False),
    ("agreement", ("dates", "signed"), "Jan 10, 2026", False),
    ("agreement", ("dates", "signed"), "2026-01-10 10:00:00", False),
    ("agreement", ("dates", "signed"), "2026-01-10T10:00:00Z", False),
    ("agreement", ("dates", "signed"), "2026", False),
    ("agreement", ("dates", "signed"), '""', False),
    ("agreement", ("dates", "signed"), "[2026-01-10]", False),
    ("agreement", ("dates", "review"), "2027-02-01", True),
    ("agreement", ("dates", "review"), '"2027-02-01"', True),
    ("agreement", ("dates", "review"), "[2027-02-01, 2028-02-01]", True),
    ("agreement", ("dates", "review"), "2027-02-01, 2028-02-01", True),
    ("agreement", ("dates", "review"), '"2027-02-01,2028-02-01"', True),
    ("agreement", ("dates", "review"), "2027-02-01, 2028-02-30", False),
    ("agreement", ("dates", "review"), '"2027-02-01,"', False),
    ("agreement", ("dates", "review"), "[]", True),
    ("agreement", ("dates", "review"), "", False),
    ("agreement", ("dates", "review"), "[2027-02-30]", False),
    ("agreement", ("dates", "review"), '"[2027-02-01]"', False),
    ("agreement", ("dates", "review"), "[2027-02-01, yes]", False),
    ("agreement", ("objectives", 0, "due"), "2028-06-31", False),
    ("agreement", ("objectives", 0, "due"), "", True),
    ("retrospective", ("held",), "June 2026", False),
    ("retrospective", ("held",), DELETE, False),
    ("playbook", ("reviewed",), "2026-03", False),
    # Numbers where a number is expected (amount is strict: no text).
    ("agreement", ("resources", 0, "amount"), "45000.50", True),
    ("agreement", ("resources", 0, "amount"), "0", True),
    ("agreement", ("resources", 0, "amount"), "-1", False),
    ("agreement", ("resources", 0, "amount"), "-0.0", True),
    ("agreement", ("resources", 0, "amount"), '"45000"', False),
    ("agreement", ("resources", 0, "amount"), "£45,000", False),
    ("agreement", ("resources", 0, "amount"), "45,000", False),
    ("agreement", ("resources", 0, "amount"), "45000 EUR", False),
    ("agreement", ("resources", 0, "amount"), "1.5e3", False),
    ("agreement", ("resources", 0, "amount"), "1.5e+3", True),
    ("agreement", ("resources", 0, "amount"), "0o17", False),  # text to YAML 1.1
    ("agreement", ("resources", 0, "amount"), ".inf", False),
    ("agreement", ("resources", 0, "amount"), ".nan", False),
    ("agreement", ("resources", 0, "amount"), "1.0e+400", False),
    ("agreement", ("resources", 0, "amount"), "yes", False),
    ("agreement", ("resources", 0, "amount"), "", True),
    # Booleans where a boolean is expected (pydantic's words, any case).
    ("agreement", ("comments",), "true", True),
    ("agreement", ("comments",), "yes", True),
    ("agreement", ("comments",), '"yes"', True),
    ("agreement", ("comments",), '"TRUE"', True),
    ("agreement", ("comments",), '"off"', True),
    ("agreement", ("comments",), "1", True),
    ("agreement", ("comments",), "0", True),
    ("agreement", ("comments",), "1.0", True),
    ("agreement", ("comments",), "2", False),
    ("agreement", ("comments",), '"maybe"', False),
    ("agreement", ("comments",), '" yes"', False),
    ("agreement", ("comments",), "", True),
    # E-mail and web addresses.
    ("organization", ("contacts", 0, "email"), "ana@example", False),
    ("organization", ("contacts", 0, "email"), '"ana @example.org"', False),
    ("organization", ("contacts", 0, "email"), "5", False),
    ("organization", ("contacts", 0, "email"), "a.b+c@sub.example.org", True),
    ("organization", ("website",), "HTTPS://EXAMPLE.ORG", True),
    ("organization", ("website",), "http://example.org/a?b#c", True),
    ("organization", ("website",), "example.org", False),
    ("organization", ("website",), "ftp://example.org", False),
    ("organization", ("website",), '"https://exa mple.org"', False),
    ("organization", ("website",), "http://", False),
    ("organization", ("website",), "https:///path", False),
    ("organization", ("website",), "https://exämple.org/ü", True),
    ("organization", ("website",), '"https://example.org/\\u200b"', False),
    ("organization", ("website",), "http://[2001:db8::1]/x", True),
    ("organization", ("website",), "http://[2001:db8::1/x", False),
    ("organization", ("website",), "http://example.org]/x", False),
    ("organization", ("website",), "http://example.org/[x]", True),
    # Required fields, list lengths.
    ("agreement", ("title",), DELETE, False),
    ("agreement", ("kind",), DELETE, False),
    ("agreement", ("parties",), DELETE, False),
    ("agreement", ("parties",), [{"org": "city-water"}], False),
    ("agreement", ("parties", 0, "org"), DELETE, False),
    ("agreement", ("responsibilities", 0, "accountable"), DELETE, False),
    ("agreement", ("responsibilities", 0, "activity"), DELETE, False),
    ("agreement", ("objectives", 0, "statement"), DELETE, False),
    ("agreement", ("objectives", 0, "id"), DELETE, True),
    ("organization", ("kind",), DELETE, False),
    ("retrospective", ("lessons",), "[]", False),
    ("retrospective", ("lessons", 0, "lesson"), DELETE, False),
    ("retrospective", ("lessons", 0, "id"), DELETE, False),
    ("agreement", ("id",), DELETE, False),
    ("agreement", ("dates",), "", False),
    ("agreement", ("governance",), "", False),
    ("agreement", ("governance",), "{}", True),
    # The signed copy: a file and its SHA-256 digest (64 hexadecimal digits, either case); where the
    # file is, and whether it has that digest, only validate can tell (accord.format.signed).
    ("agreement", ("signed_copy",), "{file: river-mou.pdf, sha256: " + "a" * 64 + "}", True),
    ("agreement", ("signed_copy",), "{file: river-mou/signed.pdf, sha256: " + "AbC1" * 16 + "}", True),
    ("agreement", ("signed_copy",), "{file: 2026.pdf, sha256: '" + "0" * 64 + "'}", True),
    ("agreement", ("signed_copy",), "", True),
    ("agreement", ("signed_copy",), "river-mou.pdf", False),
    ("agreement", ("signed_copy",), "[river-mou.pdf]", False),
    ("agreement", ("signed_copy",), "{file: river-mou.pdf}", False),
    ("agreement", ("signed_copy",), "{sha256: " + "a" * 64 + "}", False),
    ("agreement", ("signed_copy",), "{file: '', sha256: " + "a" * 64 + "}", False),
    ("agreement", ("signed_copy",), "{file: river-mou.pdf, sha256: " + "a" * 63 + "}", False),
    ("agreement", ("signed_copy",), "{file: river-mou.pdf, sha256: " + "g" * 64 + "}", False),
    ("agreement", ("signed_copy",), "{file: river-mou.pdf, sha256: 'sha256:" + "a" * 64 + "'}", False),
    ("agreement", ("signed_copy",), "{file: river-mou.pdf, sha256: " + "a" * 64 + ", pages: 3}", False),
    ("agreement", ("signed_copy",), "{file: yes, sha256: " + "a" * 64 + "}", False),
    # Unknown fields; custom data under extra; the theme's page keys.
    ("agreement", ("budget",), "5", False),
    ("agreement", ("Title",), "Another", False),
    ("agreement", ("dates", "expiers"), "2030-01-31", False),
    ("agreement", ("parties", 0, "name"), "City Water", False),
    ("agreement", ("extra",), "{budget: 5, owners: [a, b], when: 2026-01-01, flag: yes}", True),
    ("agreement", ("extra",), "5", False),
    ("agreement", ("extra",), "", False),
    ("agreement", ("resources", 0, "from_"), "city-water", False),  # beside `from`
    ("agreement", ("hide",), "[toc, navigation]", True),
    ("agreement", ("hide",), "toc", False),
    ("agreement", ("icon",), "material/handshake", True),
    ("agreement", ("template",), "record.html", True),
    ("agreement", ("search",), "{exclude: true}", True),
    ("agreement", ("search",), "yes", False),
    ("agreement", ("description",), "2026", True),
    ("agreement", ("subtitle",), "no", False),
    # The record type.
    ("agreement", ("type",), "Agreement", False),
    ("agreement", ("type",), "agreemnt", False),
    ("agreement", ("type",), "organization", False),
    # Rules of one record: a signed agreement has its date of signature; a retrospective names
    # agreements or partners.
    ("agreement", ("dates", "signed"), "", False),
    ("agreement", ("dates", "signed"), DELETE, False),
    ("agreement", ("dates",), DELETE, False),
    ("agreement", ("status",), "draft", True),
    ("agreement", ("status",), "negotiation", True),
    ("retrospective", ("agreements",), "[]", True),
    ("retrospective", ("partners",), "[]", True),
    ("retrospective", ("agreements",), DELETE, True),
]
# And two more rows that need two changes: a draft without dates, a retrospective naming nothing.
COMBINED: list[tuple[str, list[tuple[tuple[str | int, ...], Any]], bool]] = [
    ("agreement", [(("status",), "draft"), (("dates",), DELETE)], True),
    ("agreement", [(("status",), "expired"), (("dates",), "{}")], False),
    ("retrospective", [(("agreements",), "[]"), (("partners",), "[]")], False),
    ("retrospective", [(("agreements",), DELETE), (("partners",), DELETE)], False),
    ("agreement", [(("resources", 0, "from"), DELETE), (("resources", 0, "from_"), "city-water")], True),
]

# What an editor cannot see, so the two verdicts differ: the written form of a number or date
# that YAML turns into a value (the schema sees only the value), a key that YAML reads as a number.
KNOWN_DISAGREEMENTS: list[tuple[str, tuple[str | int, ...], Any, bool]] = [
    ("agreement", ("id",), "1.0", False),  # the number 1 to an editor: a slug
    ("agreement", ("id",), "+5", False),
    ("agreement", ("id",), "1_000", False),  # YAML 1.1: 1000
    ("agreement", ("id",), "0x1F", False),
    ("agreement", ("id",), "10:30", False),  # YAML 1.1: 630 (base 60)
    ("agreement", ("id",), "1.5e+3", False),  # the number 1500 to an editor
    ("agreement", ("summary",), "2026-02-30", False),  # yaml-date, wherever it is written
    ("agreement", ("extra",), "{2026: budget}", False),  # yaml-key: a key that is not text
    ("agreement", ("summary",), '"a bell\\a"', False),  # control-character: an escape, in any value
    # A format character beyond the BMP (U+E0001): an editor's RegExp sees two UTF-16 halves.
    ("organization", ("website",), '"https://example.org/\\U000e0001"', False),
]
# What validate (YAML 1.1) reads as a number and a YAML 1.2 editor as text: an amount (or a
# `comments`) written so is underlined by such an editor, though validate accepts it.
YAML_1_2_UNDERLINES = [
    ("agreement", ("resources", 0, "amount"), "45_000"),
    ("agreement", ("resources", 0, "amount"), "1:30"),  # base 60: 90
    ("agreement", ("resources", 0, "amount"), "0b101"),
    ("agreement", ("comments",), "0b1"),
]


def _row_id(row: tuple[Any, ...]) -> str:
    value = "<deleted>" if row[2] is DELETE else str(row[2])
    return f"{row[0]}:{'.'.join(map(str, row[1]))}={value}"[:80]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["discriminator"]["propertyName"] == "type"


def test_every_field_has_a_description_and_an_example_it_accepts() -> None:
    for name, definition in SCHEMA["$defs"].items():
        for field, about in definition.get("properties", {}).items():
            assert about.get("description"), f"{name}.{field}"
            assert about.get("examples"), f"{name}.{field}"
            for example in about["examples"]:
                assert not list(EDITOR.evolve(schema=about).iter_errors(example)), f"{name}.{field}: {example!r}"


@pytest.mark.parametrize("record_type", sorted(BASES))
def test_the_bases_are_valid(record_type: str) -> None:
    assert assert_agree(written(BASES[record_type]))


@pytest.mark.parametrize("row", VARIANTS, ids=_row_id)
def test_variant(row: tuple[str, tuple[str | int, ...], Any, bool]) -> None:
    record_type, path, value, valid = row
    text = variant(BASES[record_type], path, value)
    assert assert_agree(text) is valid, text


@pytest.mark.parametrize("row", COMBINED, ids=lambda row: f"{row[0]}:{row[1]}"[:80])
def test_combined_variant(row: tuple[str, list[tuple[tuple[str | int, ...], Any]], bool]) -> None:
    record_type, changes, valid = row
    data = BASES[record_type]
    for path, value in changes:
        data = yaml_free_variant(data, path, value)
    assert assert_agree(written(data)) is valid


def yaml_free_variant(base: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    container: Any = data
    for part in path[:-1]:
        container = container[part]
    if value is DELETE:
        del container[path[-1]]
    else:
        container[path[-1]] = value
    return data


@pytest.mark.parametrize("row", KNOWN_DISAGREEMENTS, ids=_row_id)
def test_known_disagreement(row: tuple[str, tuple[str | int, ...], Any, bool]) -> None:
    """Each still disagrees (if one comes to agree, move it to VARIANTS); validate refuses them all,
    so an editor never underlines what validate accepts."""
    record_type, path, value, valid = row
    editor_ok, validate_ok, said = verdicts(variant(BASES[record_type], path, value))
    assert validate_ok is valid, said
    assert editor_ok is not validate_ok, said


@pytest.mark.parametrize("row", YAML_1_2_UNDERLINES, ids=lambda row: _row_id((*row, None)))
def test_what_a_yaml_1_2_editor_underlines(row: tuple[str, tuple[str | int, ...], Any]) -> None:
    """Still so (if one comes to be accepted, delete it here): amounts written with `_`, `:` or `0b`."""
    record_type, path, value = row
    text = variant(BASES[record_type], path, value)
    editor_ok, validate_ok, said = verdicts(text)
    assert editor_ok and validate_ok, said  # as PyYAML reads it, both accept it
    assert not yaml_1_2_editor_accepts(text)


@pytest.mark.parametrize("row", KNOWN_DISAGREEMENTS + VARIANTS, ids=_row_id)
def test_a_yaml_1_2_editor_never_underlines_what_validate_accepts(row: tuple[Any, ...]) -> None:
    record_type, path, value, valid = row
    text = variant(BASES[record_type], path, value)
    assert not (valid and not yaml_1_2_editor_accepts(text)), text


def _records(docs: Path) -> list[Path]:
    return [path for path in sorted(docs.rglob("*.md"))
            if read_source(path.read_bytes(), str(path), path.relative_to(docs).as_posix()).data is not None]


def test_every_demo_record() -> None:
    records = _records(DEMO_DOCS)
    assert len(records) > 20
    for path in records:
        assert assert_agree(path.read_text(encoding="utf-8")), path


def test_every_record_accord_init_writes(tmp_path: Path) -> None:
    from accord.commands.init import create

    create(tmp_path / "kb", None, date.today())
    records = _records(tmp_path / "kb" / "docs")
    assert {path.parent.name for path in records} == {"agreements", "organizations", "playbooks", "retrospectives"}
    for path in records:
        assert assert_agree(path.read_text(encoding="utf-8")), path
    example = (tmp_path / "kb" / "docs" / "agreements" / "example-partnership-mou.md").read_text(encoding="utf-8")
    assert re.search(r"^    baseline: \d+$", example, re.MULTILINE)  # numbers as an author writes them


# Generated variants: any leaf of a base record set to any of these, as written. The forms of
# KNOWN_DISAGREEMENTS (impossible dates, 1.0 and +5 for ids, quoted 2026-1-10) are left out.
WRITTEN = [
    "12", "12.5", "0", "-3", "007", "1e3", "1.5e3", '"12"', "2027-01-01", '"2027-01-01"', "2027-1-4",
    "2024-02-29", "[2027-01-01]", "yes", "no", "'yes'", "true", "false", "~", "", '""', '" "', "[]", "{}",
    "[a, b]", "[2024]", "{a: 1}", "river-trust", "River Trust", "a_b", "EUR", "mou", "signed", "lead",
    "public", "funding", "https://example.org", "ana@example.org", "x#y", "river-retro#named-contact",
    ".inf", ".nan", "45,000", "a" * 81,
]


def _leaves(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif path:
        yield path


_PATHS = [(record_type, path) for record_type, base in sorted(BASES.items()) for path in _leaves(base)
          if path != ("type",)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_PATHS), st.sampled_from([*WRITTEN, DELETE])), min_size=1, max_size=3),
       st.sampled_from(sorted(BASES)))
def test_generated_variants(changes: list[tuple[tuple[str, tuple[str | int, ...]], Any]], record_type: str) -> None:
    data = BASES[record_type]
    for (of_type, path), value in changes:
        if of_type != record_type:
            continue
        try:
            data = yaml_free_variant(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # a path a former change took away
    assert_agree(written(data))


# The guide's table of fields (accord.site.reference.record_fields) ------------------------------


def _tables(markdown: str) -> dict[str, list[list[str]]]:
    """Each heading's table rows, as [field, required, example, meaning] (pipes inside cells
    unescaped): a row's two cells are the field over whether it is required, and the meaning
    over the example."""
    tables: dict[str, list[list[str]]] = {}
    heading = ""
    for line in markdown.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("| ") and not line.startswith(("| Field ", "|---")):
            cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            assert len(cells) == 2, line
            field, required = cells[0].split("<br>")
            meaning, example = cells[1].rsplit("<br>", 1)
            tables.setdefault(heading, []).append([field, required, example, meaning])
    return tables


def _code_text(cell: str) -> str:
    match = re.fullmatch(r"(`+) ?(.*?) ?\1", cell)
    assert match, cell
    return match.group(2)


@pytest.mark.parametrize("record_type", sorted(BASES))
def test_the_guide_s_examples_make_a_valid_record(record_type: str) -> None:
    """Every example of the table of fields, written as the guide shows it, in one record of
    each type: valid to both tools (so every example is YAML that means what the field takes)."""
    from accord.site.reference import record_fields

    tables = _tables(record_fields())
    own = next(rows for heading, rows in tables.items() if f"type: {record_type}" in heading)
    lines = []
    for cells in [*tables["Every record"], *own]:
        assert len(cells) == 4 and all(cells), cells
        field, example = _code_text(cells[0]), _code_text(cells[2])
        assert example.startswith(f"{field}: ")
        lines.append(f"type: {record_type}" if field == "type" else example)
    assert assert_agree("---\n" + "\n".join(lines) + "\n---\n"), lines


def test_the_guide_lists_every_field_and_choice() -> None:
    from accord.format.models import MODELS, AgreementStatus, RecordBase
    from accord.site.reference import record_fields

    markdown = record_fields()
    tables = _tables(markdown)
    fields = {_code_text(cells[0]) for rows in tables.values() for cells in rows}
    for model in [RecordBase, *MODELS.values()]:
        assert {info.alias or name for name, info in model.model_fields.items()} <= fields
    assert {"org", "signatory", "review", "statement", "accountable", "from", "currency", "escalation", "email",
            "recommendation", "sectors"} <= fields
    status = next(cells for cells in tables["Agreement (`type: agreement`)"] if cells[0] == "`status`")
    assert all(f"`{value.value}`" in status[3] for value in AgreementStatus)
    role = next(cells for cells in tables["Party (each item of `parties`)"] if cells[0] == "`role`")
    assert "`partner` (default)" in role[3]
    assert next(cells for cells in tables["Agreement (`type: agreement`)"]
                if cells[0] == "`parties`")[1] == "required, two or more"
    assert "`baseline: 0`" in markdown  # numbers unquoted


@given(st.text(max_size=40) | st.sampled_from(["`", "``", "a`b", " ` ", "x | y", "\\", "a\\`", "yes", "12", "-",
                                                   "[a]", "{a: 1}", "# x", "a: b", "2027-01-01", "null", ""]))
def test_a_field_row_keeps_its_example_inside_its_cell(text: str) -> None:
    import markdown as md

    from accord.site.reference import field_row, yaml_inline

    inline = yaml_inline(text)
    assert yaml.safe_load(f"key: {inline}") == {"key": text}
    assert yaml.safe_load(f"key: {yaml_inline([text, {'k': text}])}") == {"key": [text, {"k": text}]}
    row = field_row("f", "optional", text, "meaning")
    html = md.markdown("| A | B |\n|---|---|\n" + row, extensions=["tables"])
    assert html.count("<td>") == 2, row
    assert html.count("<code>") == 2 and "meaning" in html.split("<td>")[2] and "<br" in html.split("<td>")[2], row
