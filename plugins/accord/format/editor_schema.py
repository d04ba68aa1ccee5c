"""The JSON Schema of a record (`accord schema`), for editors: it accepts what `accord validate`
accepts, as an editor sees the YAML.

An editor reads front matter as YAML 1.2 does: an unquoted date (`2027-01-01`) is text, a number
is a number, whatever its quotes were. `accord validate` reads the same file with its own rules
(`accord.format.source`, `accord.format.schema`), and this schema is written from the same
models to agree with them:

- text fields take numbers too: validate puts a number or date written where text is expected
  back as it was written (`target: 40` is "40", `1.10` stays "1.10"; schema._as_written). A
  field with a pattern takes the numbers whose written form matches it (an id may be `2024`);
- a boolean where text is expected is refused: validate reads yes/no/on/off as YAML 1.1 does, as
  booleans, and says to quote them (an editor reading YAML 1.2 sees text there, and lets it be);
- dates are text of the form YYYY-MM-DD naming a real day, `review` is one date, a list of
  them, or dates with commas between them;
- `amount` is a finite number, not text (strict); `comments` takes what pydantic reads as a
  boolean (`true`, `yes`, `1`, …);
- the rules of `accord.format.rules` that one record decides alone and JSON Schema can say:
  a signed agreement has `dates.signed`, a retrospective names agreements or partners.

What a per-record schema cannot say is left to `accord validate`: ids that name no record,
parties named twice, `effective` after `expires`, and the YAML a JSON value no longer shows
(`id: 1.0` is not a slug, but an editor sees the number 1; `summary: 2026-02-30` is an
impossible date to validate, text to an editor). The one way round: an amount written `45_000`
is a number to validate (YAML 1.1) and text to a YAML 1.2 editor. tests/format/test_schema_agreement.py
holds the two to the same verdict, record by record, and lists these.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import Field, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from accord.format import models
from accord.format.models import AgreementStatus, RecordModel


def _char_class(chars: Iterable[str]) -> str:
    """A regular-expression character class body of `chars`, as \\uXXXX ranges: read alike by
    Python's `re` and ECMAScript's RegExp (editors), unlike `\\s` or `\\d`."""
    points = sorted({ord(c) for c in chars})
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


_BMP = [chr(point) for point in range(0x10000) if not 0xD800 <= point <= 0xDFFF]
# What str.strip() removes and str.isspace() finds: the blank of `_not_blank`, the strip of `_iso_date`.
_SPACE = _char_class(c for c in _BMP if c.isspace())
# What `_http_url` refuses in a URL: white space and what str.isprintable() refuses (controls, format
# characters, separators, private use; unassigned code points and those beyond the BMP are not listed).
_UNPRINTABLE = _char_class(
    c for c in _BMP if c.isspace() or (not c.isprintable() and unicodedata.category(c) != "Cn"))


_YEAR = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"  # 0001-9999, as date.fromisoformat
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = ("(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"  # any month: 1-28
              "|(?:0[13-9]|1[0-2])-(?:29|30)"  # every month but February: 29, 30
              "|(?:0[13578]|1[02])-31)")
# A real calendar day, YYYY-MM-DD (2024-02-29, not 2023-02-29): what `_iso_date` accepts in text,
# and what YAML 1.1 reads as a date unquoted (2027-1-4 is text to both, and refused).
REAL_DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_PADDED_DATE = f"[{_SPACE}]*{REAL_DATE}[{_SPACE}]*"  # `_iso_date` strips white space around it

DATE = {"type": "string", "pattern": f"^{_PADDED_DATE}$", "description": "a date, YYYY-MM-DD",
        "patternErrorMessage": "write a real date as YYYY-MM-DD"}
_DATE_MARK = "x-accord-date"  # where `$defs/Date` is meant (pydantic knows only its own definitions)
# `review: 2027-07-01, 2028-01-15`: read as the list it means (models._one_or_many), with a warning.
_DATES_WITH_COMMAS = {"type": "string", "pattern": f"^(?:{_PADDED_DATE},)+{_PADDED_DATE}$",
                      "description": "dates with commas between them (better: a list in brackets)",
                      "patternErrorMessage": "write real dates as YYYY-MM-DD"}
_NON_BLANK = f"[^{_SPACE}]"
_EMAIL_PART = f"[^@{_SPACE}]+"
EMAIL = {"type": "string", "pattern": f"^{_EMAIL_PART}@{_EMAIL_PART}\\.{_EMAIL_PART}$",
         "patternErrorMessage": "write an e-mail address, name@example.org"}
# The host (up to / ? #) is not empty, and holds square brackets only around an IPv6 address
# (urlsplit refuses `http://[x` and `http://x]`).
_HOST = f"(?:[^/?#\\[\\]{_UNPRINTABLE}]|\\[[0-9A-Fa-f:.]+\\])+"
URL = {"type": "string", "pattern": f"^[Hh][Tt][Tt][Pp][Ss]?://{_HOST}(?:[/?#][^{_UNPRINTABLE}]*)?$",
       "patternErrorMessage": "write an http or https address, https://…, without spaces"}
# What editors say when a text does not match (`patternErrorMessage`: VS Code's YAML and JSON support).
_PATTERN_MESSAGES = {
    models.SLUG_PATTERN: "write a slug: lowercase letters, digits and single hyphens",
    models.LESSON_ADDRESS_PATTERN: "write a lesson address, RETROSPECTIVE-ID#LESSON-ID",
    r"^[A-Z]{3}$": "write an ISO 4217 currency code, three capitals such as EUR",
    models.SHA256_PATTERN: "write the SHA-256 digest, 64 hexadecimal digits (`accord sign` records it)",
}

# The strings pydantic reads as a boolean (any case): `comments: "yes"` is `comments: true`.
_BOOLEAN_WORDS = ("0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes")
_BOOLEAN_TEXT = "^(?:" + "|".join(
    "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in word) for word in _BOOLEAN_WORDS) + ")$"

_LARGEST = sys.float_info.max
# Matched by NaN alone (every comparison with NaN is false): `not` it to refuse `.nan`.
_NAN = {"type": "number", "minimum": _LARGEST, "maximum": -_LARGEST}

# Forms YAML 1.1 reads as numbers (validate puts them back as written, schema._as_written): whole
# numbers 0 and up, and the rest; to tell which a pattern accepts.
_WHOLE_NUMBERS = ("0", "7", "12", "2024", "012")
_OTHER_NUMBERS = ("-1", "+1", "1.5", ".5", "1.0e+3", ".inf")


def _numbers_as_written(schema: JsonSchemaValue) -> JsonSchemaValue:
    """A text schema that also takes the numbers whose written form it takes."""
    pattern = schema.get("pattern")
    if pattern in _PATTERN_MESSAGES:
        schema = {**schema, "patternErrorMessage": _PATTERN_MESSAGES[pattern]}
    if pattern is None and not {"minLength", "maxLength"} & schema.keys():
        return {**schema, "type": ["string", "number"]}
    if pattern is None:
        raise TypeError(f"say in editor_schema which numbers a text of bounded length takes: {schema}")
    whole = [bool(re.search(pattern, text)) for text in _WHOLE_NUMBERS]
    other = [bool(re.search(pattern, text)) for text in _OTHER_NUMBERS]
    if not any(whole) and not any(other):
        return schema  # no number is written so (a currency code, a lesson address)
    if all(whole) and not any(other):
        return {**schema, "type": ["string", "integer"], "minimum": 0}  # a slug: `2024`
    raise TypeError(f"say in editor_schema which numbers the pattern {pattern!r} takes as written")


class _EditorSchema(GenerateJsonSchema):
    """pydantic's JSON Schema of the models, told what validate does with YAML's values."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        return _numbers_as_written(super().str_schema(schema))

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        if schema.get("strict"):
            return {"type": "boolean"}
        return {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}, {"type": "string", "pattern": _BOOLEAN_TEXT}]}

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        if not schema.get("strict"):
            # Lax numbers take numeric text and booleans too; no field is one yet.
            raise TypeError("say in editor_schema what a lax float field takes (text such as ' 1_000 ', booleans)")
        json_schema = super().float_schema(schema)
        if schema.get("allow_inf_nan") is False:
            json_schema.setdefault("maximum", _LARGEST)
            json_schema.setdefault("minimum", -_LARGEST)
            json_schema["not"] = _NAN
            json_schema["$comment"] = "finite: `not` refuses NaN, maximum and minimum the infinities"
        return json_schema

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        raise TypeError("say in editor_schema what an int field takes (lax: '12', 12.0, booleans)")

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        raise TypeError("dates are models.IsoDate, which read text their own way")

    def function_after_schema(self, schema: core_schema.AfterValidatorFunctionSchema) -> JsonSchemaValue:
        function = schema["function"]["function"]
        if function is models._not_blank:
            return {**self.generate_inner(schema["schema"]), "pattern": _NON_BLANK,
                    "patternErrorMessage": "write some text"}
        if function is models._http_url:
            return dict(URL)
        if function is models._email:
            return dict(EMAIL)
        raise TypeError(f"say in editor_schema what {function.__qualname__} accepts")

    def function_before_schema(self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        function = schema["function"]["function"]
        if function is models._iso_date:
            return {_DATE_MARK: True}
        if function is models._one_or_many:
            return {"anyOf": [{_DATE_MARK: True}, _DATES_WITH_COMMAS, {"type": "array", "items": {_DATE_MARK: True}}],
                    "description": "one date or a list of them"}
        raise TypeError(f"say in editor_schema what {function.__qualname__} accepts")

    def function_plain_schema(self, schema: core_schema.PlainValidatorFunctionSchema) -> JsonSchemaValue:
        raise TypeError(f"say in editor_schema what {schema['function']['function'].__qualname__} accepts")

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        kinds = inner.get("type")
        if isinstance(kinds, str | list) and "anyOf" not in inner and "enum" not in inner:
            kinds = [kinds] if isinstance(kinds, str) else kinds
            return {**inner, "type": [*kinds, "null"]}
        return super().nullable_schema(schema)


def _date_refs(value: Any) -> Any:
    """`value` with each date mark made a reference to `$defs/Date`."""
    if isinstance(value, list):
        return [_date_refs(item) for item in value]
    if not isinstance(value, dict):
        return value
    found = {key: _date_refs(item) for key, item in value.items() if key != _DATE_MARK}
    return {"$ref": "#/$defs/Date", **found} if _DATE_MARK in value else found


def _rules(schema: JsonSchemaValue) -> None:
    """The rules of one record alone (accord.format.rules) that JSON Schema can say."""
    definitions = schema["$defs"]
    signed = [status.value for status in AgreementStatus if status.is_signed]
    definitions["Agreement"]["allOf"] = [{
        "$comment": "signed-missing",
        "if": {"required": ["status"], "properties": {"status": {"enum": signed}}},
        "then": {"required": ["dates"], "properties": {
            "dates": {"required": ["signed"], "properties": {"signed": {"type": "string"}}}}},
    }]
    definitions["Retrospective"]["anyOf"] = [
        {"$comment": "partners-missing", "required": ["agreements"], "properties": {"agreements": {"minItems": 1}}},
        {"required": ["partners"], "properties": {"partners": {"minItems": 1}}},
    ]
    # pydantic also takes the field's own name for the alias `from` (models.Resource: populate_by_name).
    resource = definitions["Resource"]
    resource["properties"]["from_"] = {**resource["properties"]["from"], "deprecated": True,
                                       "description": "the same as `from`; write `from`"}
    resource["not"] = {"required": ["from", "from_"]}


def json_schema() -> dict[str, Any]:
    """JSON Schema of a record (any of the four types, told apart by `type`)."""
    union = Annotated[RecordModel, Field(discriminator="type")]
    schema = TypeAdapter(union).json_schema(by_alias=True, schema_generator=_EditorSchema)
    schema = _date_refs(schema)
    schema["$defs"]["Date"] = dict(DATE)
    _rules(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Accord record (format version 1)",
        "description": "The front matter of an Accord record: an organization, agreement, playbook or "
                       "retrospective. What no single record can show (ids that name no record, parties "
                       "named twice, dates out of order) only `accord validate` checks.",
        **schema,
    }


def schema_json() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False)


__all__ = ["DATE", "EMAIL", "REAL_DATE", "URL", "json_schema", "schema_json"]
