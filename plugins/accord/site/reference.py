"""Reference tables written from the code itself, so that the documentation cannot drift:
every diagnostic code with its fix (`accord.format.diagnostics.CODES`), and every plugin option
with its default and its description (the plugins' config classes).

A page asks for one with a marker line, `<!-- accord:diagnostic-codes -->` or
`<!-- accord:plugin-options -->`; accord/pages puts the table in its place. So too the
install line (`install`) and the files `accord init` writes for a team's repository
(`workflows`), so that the guide gives exactly what a new knowledge base gets, and every
field of every record type with an example (`record-fields`, from the models' descriptions
and examples, which `accord schema` shows editors too).
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import Enum
from itertools import pairwise
from textwrap import dedent
from typing import Any

import yaml

from accord.format.diagnostics import CODES

MARKER = re.compile(r"^[ \t]*<!--\s*accord:([a-z-]+)\s*-->[ \t]*$", re.MULTILINE)


def table_cell(text: str) -> str:
    """`text` as one cell of a Markdown table: one line, its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def diagnostic_codes() -> str:
    # Two columns, so that it reads on a phone: the code over its severity; what is wrong over
    # how to fix it (the line breaks are Accord's own markup).
    lines = ["| Code | What is wrong, and how to fix it |", "|---|---|"]
    for code, about in CODES.items():
        lines.append(f"| `{code}`<br>{about.severity.value} | {table_cell(about.summary)}<br>"
                     f"**Fix:** {table_cell(about.fix)} |")
    return "\n".join(lines)


def _documented(config: type) -> dict[str, str]:
    """The text written under each option of a config class (attribute docstrings)."""
    tree = ast.parse(dedent(inspect.getsource(config)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    found: dict[str, str] = {}
    for assignment, following in pairwise(body):
        if (isinstance(assignment, ast.Assign) and isinstance(assignment.targets[0], ast.Name)
                and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)):
            found[assignment.targets[0].id] = inspect.cleandoc(following.value.value)
    return found


def _default(option: Any) -> str:
    default = getattr(option, "default", None)
    if default is None:
        return "—"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    return f"`{default}`"


def plugin_options() -> str:
    from accord.compat import config_options
    from accord.site.plugins.pages.config import PagesConfig
    from accord.site.plugins.records.config import RecordsConfig
    from accord.site.plugins.search.config import SearchConfig

    parts = []
    for name, config in (("accord/records", RecordsConfig), ("accord/pages", PagesConfig),
                         ("accord/search", SearchConfig)):
        described = _documented(config)
        parts += [f"### `{name}`", "", "| Option | Default | What it does |", "|---|---|---|"]
        for option_name, option in config_options(config):
            text = described.get(option_name, "")
            first = text.split("\n\n", 1)[0]  # the description, without its example
            parts.append(f"| `{option_name}` | {_default(option)} | {table_cell(first)} |")
        parts.append("")
    return "\n".join(parts).rstrip()


def install() -> str:
    """The line that installs this release of Accord, as every guide gives it."""
    from accord import release

    return f"```sh\n{release.published().pip_install}\n```"


def workflows() -> str:
    """The files `accord init` writes to set up a team's repository, each as it writes them."""
    from accord import release
    from accord.commands.init import TEAM_FILES, team_files

    parts = []
    for name, text in team_files(release.published()).items():
        language = "text" if name.endswith(".txt") else "yaml"
        fence = "````" if "```" in text else "```"
        parts += [f"**`{name}`**: {TEAM_FILES[name]}", "", f"{fence}{language}", text.rstrip("\n"), fence, ""]
    return "\n".join(parts).rstrip()


def code(text: str) -> str:
    """`text` as a Markdown code span, whatever backticks it holds: fenced by more backticks
    than its longest run, with a space inside where it starts or ends with one."""
    if not text:
        return ""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def yaml_inline(value: Any, flow: bool = False) -> str:
    """`value` written as YAML on one line, after `key: ` (`flow`: inside brackets or braces), as
    an author would: lists and mappings in brackets and braces, text unquoted unless YAML would
    read it as something else."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return yaml_inline(value.value, flow)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_inline(item, True) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_inline(str(key), True)}: {yaml_inline(item, True)}"
                               for key, item in value.items()) + "}"
    text = str(value)
    written = f"[{text}]" if flow else f"key: {text}"
    try:
        plain = (text == text.strip() and text.isprintable()
                 and yaml.safe_load(written) == ([text] if flow else {"key": text}))
    except yaml.YAMLError:
        plain = False
    if plain:
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # YAML reads JSON's strings, but not every character raw
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"
                   for c in quoted)


def _inner(annotation: Any) -> tuple[Any, bool]:
    """The type inside `X | None`, `list[X]`, `Annotated[X, …]`, and whether it was a list."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _inner(args[0]) if len(args) == 1 else (annotation, False)
    if origin is list:
        return _inner(typing.get_args(annotation)[0])[0], True
    return annotation, False


def _is_model(kind: Any) -> bool:
    from pydantic import BaseModel

    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _label(model: type) -> str:
    """A model's name as words: `AppliesTo` is "Applies to"."""
    return re.sub(r"(?<!^)([A-Z])", r" \1", model.__name__).capitalize()


_NUMBERS = {1: "one", 2: "two", 3: "three"}


def _required(info: Any) -> str:
    least = next((rule.min_length for rule in info.metadata if hasattr(rule, "min_length")), None)
    if not info.is_required():
        return "optional"
    return f"required, {_NUMBERS.get(least, str(least))} or more" if least else "required"


def _meaning(info: Any, kind: Any, many: bool) -> str:
    meaning = info.description or ""
    if isinstance(kind, type) and issubclass(kind, Enum):
        values = [code(member.value) + (" (default)" if info.default is member else "") for member in kind]
        meaning += f"; {'each ' if many else ''}one of {', '.join(values)}"
    elif _is_model(kind):
        meaning += f"; {'each ' if many else ''}with the fields of *{_label(kind)}* below"
    return meaning


def field_row(name: str, required: str, example: Any, meaning: str) -> str:
    """One row of a table of fields, in two columns so that it reads on a phone: the field
    and whether it is required; what it means, and under it an example as `name: value` in
    YAML, in a code span (the line breaks are Accord's own markup, not a value's)."""
    field = f"{table_cell(code(name))}<br>{table_cell(required)}"
    about = f"{table_cell(meaning)}<br>{table_cell(code(f'{name}: {yaml_inline(example)}'))}"
    return f"| {field} | {about} |"


def _rows(model: type, names: list[str]) -> list[str]:
    rows = []
    for name in names:
        info = model.model_fields[name]  # type: ignore[attr-defined]
        kind, many = _inner(info.annotation)
        example = info.examples[0] if info.examples else None
        rows.append(field_row(info.alias or name, _required(info), example, _meaning(info, kind, many)))
    return rows


_HEAD = ["| Field | What it holds, and an example |", "|---|---|"]


def _about(model: type) -> list[str]:
    return [inspect.cleandoc(model.__doc__), ""] if model.__doc__ else []


def record_fields() -> str:
    """Every field of every record type, and of the items nested in them: whether it is
    required, an example as YAML, and what it means (the values a choice takes listed)."""
    from accord.format.models import MODELS, RecordBase

    common = list(RecordBase.model_fields)
    types_ = list(MODELS)
    described = MODELS[types_[0]].model_fields["type"].description
    type_row = field_row("type", "required", "agreement" if "agreement" in MODELS else types_[0],
                         f"{described}; one of {', '.join(code(name) for name in types_)}")
    parts = ["### Every record", "", *_about(RecordBase), *_HEAD, *_rows(RecordBase, common[:1]), type_row,
             *_rows(RecordBase, common[1:]), ""]
    for record_type, model in MODELS.items():
        own = [name for name in model.model_fields if name not in common and name != "type"]
        title = {"organization": "Organisation"}.get(record_type, record_type.capitalize())
        parts += [f"### {title} ({code(f'type: {record_type}')})", "", *_about(model), *_HEAD, *_rows(model, own), ""]
        for name in own:
            info = model.model_fields[name]
            kind, many = _inner(info.annotation)
            if _is_model(kind):
                where = f"each item of {code(info.alias or name)}" if many else code(info.alias or name)
                parts += [f"#### {_label(kind)} ({where})", "", *_about(kind), *_HEAD,
                          *_rows(kind, list(kind.model_fields)), ""]
    return "\n".join(parts).rstrip()


TABLES: dict[str, Callable[[], str]] = {"diagnostic-codes": diagnostic_codes, "plugin-options": plugin_options,
                                        "install": install, "workflows": workflows, "record-fields": record_fields}


def expand(markdown: str) -> str:
    """Each marker line replaced by its table; unknown markers are left as they are."""
    def table(match: re.Match[str]) -> str:
        make = TABLES.get(match.group(1))
        return make() if make else match.group(0)

    return MARKER.sub(table, markdown) if "accord:" in markdown else markdown
