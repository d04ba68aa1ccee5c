"""Checking one record against its model, with diagnostics an author can act on."""

from __future__ import annotations

import json
import re
import types
import typing
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from accord.format.diagnostics import Diagnostic, place
from accord.format.models import MODELS, RecordBase, RecordModel
from accord.format.source import BOOL_WORDS, RECORD_TYPES, SourceFile
from accord.format.suggest import closest, did_you_mean

# Pydantic's error type → Accord's diagnostic code, where the field does not decide.
_CODE_BY_ERROR = {
    "missing": "missing-field",
    "extra_forbidden": "unknown-field",
    "enum": "invalid-choice",
    "literal_error": "invalid-choice",
    "accord_date": "invalid-date",
    "accord_impossible_date": "yaml-date",
    "date_from_datetime_inexact": "invalid-date",
    "accord_url": "invalid-url",
    "accord_email": "invalid-email",
    "too_short": "too-few",
}


MAX_PER_FILE = 50


def json_schema() -> dict[str, Any]:
    """JSON Schema of a record (any of the four types, told apart by `type`)."""
    union = Annotated[RecordModel, Field(discriminator="type")]
    schema = TypeAdapter(union).json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Accord record (format version 1)"
    return schema


def schema_json() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False)


def check_record(source: SourceFile) -> tuple[RecordBase | None, list[Diagnostic]]:
    """The validated model of a record, or None and what is wrong with it."""
    data = source.data
    assert data is not None
    record_type = data.get("type")
    model_class = MODELS.get(record_type) if isinstance(record_type, str) else None
    if model_class is None:
        if "type" not in data:  # `Type:`, `"type ":`, `type<no-break space>:` (accord.format.source)
            key = next((k for k in data if isinstance(k, str) and k.strip().lower() == "type"), None)
            if key is not None:
                return None, [source.diagnostic(
                    "unknown-type", f"the key `{key!s}` is read as another key than `type`; write it `type:`, in "
                    "lower case, with no space or quote around the word", (key,), key=True)]
        shown = record_type if isinstance(record_type, str) else "a list or mapping"
        suggestion = did_you_mean(str(record_type), RECORD_TYPES)
        message = f"`{shown}` is not a record type" + (
            suggestion or f"; write one of {', '.join(RECORD_TYPES)}, as a single word")
        return None, [source.diagnostic("unknown-type", message, ("type",))]
    try:
        return model_class.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    if _as_written(source, data, errors):
        try:
            return model_class.model_validate(data), []
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
    found = [_diagnostic(source, model_class, error) for error in errors[:MAX_PER_FILE]]
    if len(errors) > MAX_PER_FILE:
        line, column = found[-1].line, found[-1].column
        found.append(Diagnostic(source.path, line, column, "more-problems",
                                f"{len(errors) - MAX_PER_FILE} more problems in this file; fix these first"))
    return None, found


def _as_written(source: SourceFile, data: Any, errors: list[ErrorDetails]) -> bool:
    """Numbers and dates written where text is expected, put back as the author wrote them
    (`target: 40` is "40", `1.10` stays "1.10", `012` stays "012"). YAML's yes/no/on/off
    are left to be reported: whether `no` meant "no" or false is the author's to say."""
    changed = False
    for error in errors:
        value = error.get("input")
        if error["type"] != "string_type" or isinstance(value, bool) or not isinstance(value, int | float | date):
            continue
        loc = tuple(error["loc"])
        raw = source.raw_scalar(loc)
        container = data
        for part in loc[:-1]:
            try:
                container = container[part]
            except (KeyError, IndexError, TypeError):
                container = None
                break
        if raw is None or container is None:
            continue
        try:
            container[loc[-1]] = raw
        except (KeyError, IndexError, TypeError):
            continue
        changed = True
    return changed


def _diagnostic(source: SourceFile, model_class: type[BaseModel], error: ErrorDetails) -> Diagnostic:
    loc = tuple(error["loc"])
    kind = error["type"]
    field = _field_name(loc)
    where = place(loc, source.data)
    value = error.get("input")
    code = _CODE_BY_ERROR.get(kind, "invalid-value")
    message = error["msg"]

    if value is None and kind not in ("extra_forbidden", "missing"):
        return source.diagnostic("missing-field", f"{where} is empty; write a value", loc)
    if isinstance(value, bool) and kind not in ("extra_forbidden", "missing"):
        code, message = _boolean_problem(source, loc, where, value)
        return source.diagnostic(code, message, loc)
    if kind == "extra_forbidden":
        return source.diagnostic(code, _unknown_field(model_class, loc, source.data), loc, key=True)
    if kind == "missing":
        code = {"accountable": "raci-accountable", "responsible": "raci-responsible"}.get(str(field), code)
        message = f"{where} is required"
        parent = loc[:-1]
        if code == "raci-accountable":
            message = (f"{place(parent, source.data)} needs exactly one accountable party: "
                       "add `accountable:` with its id")
        return source.diagnostic(code, message, parent, key=bool(parent))
    if kind in ("enum", "literal_error"):
        expected = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        message = (
            f"`{value}` is not a valid {where}{did_you_mean(str(value), expected)}; use one of: {', '.join(expected)}"
        )
    elif kind == "too_short":
        minimum = error.get("ctx", {}).get("min_length", 1)
        if field == "responsible":
            code, message = "raci-responsible", f"{where} needs at least one party id"
        else:
            message = f"{where} needs at least {minimum} item{'s' if minimum != 1 else ''}"
    elif kind in ("string_pattern_mismatch", "string_too_long"):
        code, message = _pattern_problem(loc, value, where)
    elif kind in ("string_type", "string_too_short", "accord_blank") and (value is None or not str(value).strip()):
        code, message = "missing-field", f"{where} is empty; write a value"
    elif kind == "string_type" and field == "accountable" and isinstance(value, list):
        code, message = "raci-accountable", f"{where} takes exactly one party id, not a list"
    elif kind == "string_type" and isinstance(value, list | dict):
        message = f"{where} must be text, not {_kind_of(value)}"
    elif kind == "string_type":
        message = f"{where} must be text, not {_kind_of(value)}; put the value in quotes"
    elif kind == "string_type" or kind.startswith("accord_") or kind == "date_from_datetime_inexact":
        message = f"{where}: {message}"
    else:
        message = f"{where}: {message[0].lower()}{message[1:]}"
    return source.diagnostic(code, message, loc)


def _pattern_problem(loc: tuple[Any, ...], value: Any, where: str) -> tuple[str, str]:
    if _field_name(loc) == "currency":
        return "invalid-currency", f"`{value}` is not an ISO 4217 currency code; use three capitals such as EUR"
    if _field_name(loc) == "lessons_applied":
        return "unknown-lesson", f"`{value}` is not a lesson address; write RETROSPECTIVE-ID#LESSON-ID"
    suggestion = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")[:80].strip("-")
    hint = f"; for example `{suggestion}`" if suggestion and suggestion != value else ""
    return "invalid-id", (
        f"{where} is `{value}`, not a slug of lowercase letters, digits and single hyphens "
        f"(at most 80 characters){hint}"
    )


def _boolean_problem(source: SourceFile, loc: tuple[Any, ...], where: str, value: bool) -> tuple[str, str]:
    word = source.raw_scalar(loc) or str(value).lower()
    if word.lower() in BOOL_WORDS:
        return "yaml-boolean", (
            f"{where} is `{word}`, which YAML reads as the boolean {str(value).lower()}, not text; "
            f"write it in quotes: '{word}'"
        )
    return "yaml-boolean", f"{where} must be text, not the boolean `{word}`; put it in quotes if you mean the word"


def _kind_of(value: Any) -> str:
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"`{value}`"


def _field_name(loc: tuple[Any, ...]) -> Any:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return None


def _field_names(model_class: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the fields allowed in the mapping at `loc`."""
    current: Any = model_class
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = _by_name(current, part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _by_name(model_class: type[BaseModel], name: str) -> Any:
    for field_name, info in model_class.model_fields.items():
        if name in (field_name, info.alias):
            return info
    return None


def _inner_model(annotation: Any) -> Any:
    """The model inside `X | None`, `list[X]`, `Annotated[X, …]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, Annotated):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if inner is not None:
                return inner
    return None


def _unknown_field(model_class: type[BaseModel], loc: tuple[Any, ...], data: Any) -> str:
    """The message for an unknown key, with the field the author probably meant.

    At the top level, the fields of the record's nested mappings are candidates too:
    `expiers:` written at the top is most likely `expires:` under `dates:`.
    """
    name = str(loc[-1])
    message = f"unknown field {place(loc, data)}"
    known = _field_names(model_class, loc[:-1])
    homes: dict[str, str] = {}
    if len(loc) == 1:
        for field_name, info in model_class.model_fields.items():
            inner = _inner_model(info.annotation)
            if inner is not None and typing.get_origin(info.annotation) is not list:
                for nested in _field_names(inner, ()):
                    homes.setdefault(nested, info.alias or field_name)
    match = closest(name, [*known, *homes])
    if match in known:
        return f"{message}; did you mean `{match}`?"
    if match in homes:
        if match == name:
            return f"{message}; it belongs under `{homes[match]}:`, as `{homes[match]}: {{{match}: …}}`"
        return f"{message}; did you mean `{match}` under `{homes[match]}:`?"
    return f"{message}; custom data goes under `extra:`"


__all__ = ["check_record", "closest", "json_schema", "schema_json"]
