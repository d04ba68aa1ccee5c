"""Checking one record against its model, with diagnostics an author can act on."""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from accord.format.diagnostics import Diagnostic, place
from accord.format.models import MODELS, RecordBase
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
    if kind in _NUMBER_ERRORS:
        return source.diagnostic(code, _number_problem(source, loc, where, kind, value), loc)
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


_NUMBER_ERRORS = frozenset(("float_type", "float_parsing", "int_type", "int_parsing", "finite_number",
                            "greater_than_equal"))


def _number_problem(source: SourceFile, loc: tuple[Any, ...], where: str, kind: str, value: Any) -> str:
    """What is wrong with a number (`amount`), and the number to write: `£45,000` is 45000 in
    GBP, `"45000"` is text for being in quotes, `45k` is 45000."""
    field = _field_name(loc)
    if kind == "greater_than_equal":
        return f"{where} is {value}; an amount is 0 or more"
    if kind == "finite_number":
        return f"{where} is `{source.raw_scalar(loc) or value}`; write a number"
    if isinstance(value, bool):
        word = source.raw_scalar(loc) or str(value).lower()
        return f"{where} is `{word}`, which YAML reads as a boolean; write a number"
    if not isinstance(value, str):
        return f"{where} must be a number, not {_kind_of(value)}"
    shown = value if len(value) <= 40 else value[:39] + "…"
    money = _money(value) if len(value) <= 60 else None
    if money is None:
        return (f"{where}: `{shown}` is not a number; write digits alone, with no currency sign or separators "
                f"(`{field}: 45000`), and the currency in `currency`")
    readings, sign, codes = money
    if not sign and value.strip() in readings and not source.plain(loc):
        return f"{where}: `{shown}` is in quotes, which makes it text; write the number without quotes: " \
               f"`{field}: {value.strip()}`"
    number = f"write `{field}: {readings[0]}`" if len(readings) == 1 else \
        f"write `{field}: {readings[0]}`, or `{field}: {readings[1]}` if the `.` is a decimal point"
    message = f"{where}: `{shown}` is not a number; {number}"
    if not codes:
        return message
    container = _container(source.data, loc[:-1])
    currency = container.get("currency") if isinstance(container, dict) else None
    if isinstance(currency, str) and currency.strip():
        if codes is _DOLLARS:
            return message  # (a dollar of another country may be meant: `currency` says which)
        if currency.strip().upper() in codes:
            return message + f"; `currency` already says `{currency.strip()}`"
        said = f"the amount says `{codes[0]}`" if sign.upper() == codes[0] else \
            f"`{sign}` means `{codes[0]}`" if len(codes) == 1 else f"`{sign}` means {_listed(codes)}"
        return message + f"; but {said} and `currency` says `{currency}`: correct the one that is wrong"
    then = "; put" if len(readings) > 1 else " and put"
    if len(codes) == 1:
        return message + f"{then} `{codes[0]}` in `currency`"
    return message + f"{then} its code in `currency` ({_listed(codes)}?)"


def _listed(codes: tuple[str, ...]) -> str:
    quoted = [f"`{code}`" for code in codes[:4]]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(codes) <= 4 else ", ".join(quoted) + "…"


def _container(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# Currency signs and names → the ISO 4217 codes they can mean (the likeliest first).
_DOLLARS = ("USD", "CAD", "AUD", "NZD", "HKD", "SGD")
_CURRENCY_SIGNS: dict[str, tuple[str, ...]] = {
    "£": ("GBP",), "€": ("EUR",), "¥": ("JPY", "CNY"), "$": _DOLLARS, "us$": ("USD",), "a$": ("AUD",),
    "au$": ("AUD",), "c$": ("CAD",), "ca$": ("CAD",), "nz$": ("NZD",), "hk$": ("HKD",), "s$": ("SGD",),
    "r$": ("BRL",), "mex$": ("MXN",), "₹": ("INR",), "₩": ("KRW",), "₽": ("RUB",), "₺": ("TRY",), "₪": ("ILS",),
    "₦": ("NGN",), "₱": ("PHP",), "₫": ("VND",), "₴": ("UAH",), "₵": ("GHS",), "฿": ("THB",), "₡": ("CRC",),
    "₲": ("PYG",), "₸": ("KZT",), "₼": ("AZN",), "₾": ("GEL",), "zł": ("PLN",), "kč": ("CZK",), "ksh": ("KES",),
    "kr": ("SEK", "NOK", "DKK", "ISK"), "rs": ("INR", "PKR", "LKR", "NPR"), "rm": ("MYR",), "rp": ("IDR",),
    "fr": ("CHF",), "euro": ("EUR",), "euros": ("EUR",), "pound": ("GBP",), "pounds": ("GBP",),
    "sterling": ("GBP",), "dollar": _DOLLARS, "dollars": _DOLLARS, "yen": ("JPY",), "yuan": ("CNY",),
    "rmb": ("CNY",), "rupees": ("INR", "PKR", "LKR", "NPR"),
}
_CODES = frozenset(code for codes in _CURRENCY_SIGNS.values() for code in codes)
_SCALES = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6, "bn": 9, "billion": 9}
_GROUP = "[ \u00a0\u2009\u202f'’]"  # spaces (no-break, thin) and apostrophes between groups of three digits
_MONEY = re.compile(
    r"(?P<before>[^\d\s.,-]{1,4}\.?)?\s*(?P<digits>\d[\d.,]*(?:" + _GROUP + r"\d{3}(?:[.,]\d+)?)*)"
    r"\s*(?:(?P<scale>thousand|million|billion|mn|bn|k|m)(?![a-z]))?\.?\s*(?P<after>[^\d\s.,]{1,8})?", re.IGNORECASE)


def _money(text: str) -> tuple[list[str], str, tuple[str, ...]] | None:
    """An amount written as people write money: its readings as a plain number (two where a `.`
    could separate thousands or decimals: `€45.000`), the sign or code written, and the currency
    codes that can mean. None where it is not clear (`about 45000`, `45-50k`, two signs)."""
    if re.fullmatch(r"\d+(?:\.\d+)?[eE]\+?\d{1,2}", text.strip()):  # `1e5`, which YAML 1.1 reads as text
        return [_scaled(text.strip().lower().split("e")[0], int(text.strip().lower().split("e")[1]))], "", ()
    match = _MONEY.fullmatch(text.strip())
    if match is None:
        return None
    before, after = (match.group("before") or "").rstrip("."), match.group("after") or ""
    if before and after:
        return None
    sign = before or after
    codes: tuple[str, ...] = ()
    if sign:
        codes = _CURRENCY_SIGNS.get(sign.lower(), ())
        if not codes and (re.fullmatch("[A-Z]{3}", sign) or sign.upper() in _CODES):
            codes = (sign.upper(),)  # an ISO 4217 code, written before or after
        if not codes:
            return None
    digits = re.sub(_GROUP, "", match.group("digits"))
    if re.search(_GROUP + r"(?!\d{3}(?!\d))", match.group("digits")):
        return None
    readings = _plain_numbers(digits)
    scale = match.group("scale")
    if scale:
        power = _SCALES[scale.lower()]
        readings = [_scaled(reading, power) for reading in readings]
    return (readings, sign, codes) if readings else None


def _plain_numbers(digits: str) -> list[str]:
    """`45,000` → 45000, `45.000,50` → 45000.50, `45,5` → 45.5, `1.234.567` → 1234567; `45.000`
    → 45000 or 45.000 (either separator); [] where the separators are not in thousands."""
    if re.fullmatch(r"\d+", digits):
        return [digits.lstrip("0") or "0"]
    marks = [c for c in digits if c in ".,"]
    last = digits.rfind(marks[-1])
    whole, decimals = digits[:last], digits[last + 1:]
    if len(set(marks)) == 2:  # `45.000,50`, `45,000.50`: the last mark is the decimal one
        thousands = marks[0]
        if marks.count(marks[-1]) > 1 or not re.fullmatch(r"\d{1,3}(?:" + re.escape(thousands) + r"\d{3})+", whole):
            return []
        return [_joined(whole.replace(thousands, ""), decimals)]
    if not re.fullmatch(r"\d+", decimals):
        return []
    if len(marks) > 1:  # `1,234,567`, `1.234.567`: thousands
        return [digits.replace(marks[0], "")] if re.fullmatch(
            r"\d{1,3}(?:" + re.escape(marks[0]) + r"\d{3})+", digits) else []
    if len(decimals) != 3:  # `45,5`, `45.50`: a decimal mark
        return [_joined(whole, decimals)]
    if marks[0] == ",":  # `45,000`: a comma before three digits separates thousands
        return [(whole + decimals).lstrip("0") or "0"]
    return [(whole + decimals).lstrip("0") or "0", _joined(whole, decimals.rstrip("0"))]  # `45.000`: either


def _joined(whole: str, decimals: str) -> str:
    return f"{whole.lstrip('0') or '0'}.{decimals}" if decimals else whole.lstrip("0") or "0"


def _scaled(number: str, power: int) -> str:
    whole, _, decimals = number.partition(".")
    decimals = decimals.ljust(power, "0")
    shifted = (whole + decimals[:power]).lstrip("0") or "0"
    rest = decimals[power:].rstrip("0")
    return f"{shifted}.{rest}" if rest else shifted


def _pattern_problem(loc: tuple[Any, ...], value: Any, where: str) -> tuple[str, str]:
    if _field_name(loc) == "currency":
        return "invalid-currency", f"`{value}` is not an ISO 4217 currency code; use three capitals such as EUR"
    if _field_name(loc) == "lessons_applied":
        return "unknown-lesson", f"`{value}` is not a lesson address; write RETROSPECTIVE-ID#LESSON-ID"
    if _field_name(loc) == "sha256":
        return "invalid-value", (f"{where} is not a SHA-256 digest: write its 64 hexadecimal digits alone (no "
                                 "`sha256:` before them, no file name after); `accord sign` records it")
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


__all__ = ["check_record", "closest"]
