"""Reference tables written from the code itself, so that the documentation cannot drift:
every diagnostic code with its fix (`accord.format.diagnostics.CODES`), and every plugin option
with its default and its description (the plugins' config classes).

A page asks for one with a marker line, `<!-- accord:diagnostic-codes -->` or
`<!-- accord:plugin-options -->`; accord/pages puts the table in its place. So too the
install line (`install`) and the files `accord init` writes for a team's repository
(`workflows`), so that the guide gives exactly what a new knowledge base gets.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from itertools import pairwise
from textwrap import dedent
from typing import Any

from accord.format.diagnostics import CODES

MARKER = re.compile(r"^[ \t]*<!--\s*accord:([a-z-]+)\s*-->[ \t]*$", re.MULTILINE)


def table_cell(text: str) -> str:
    """`text` as one cell of a Markdown table: one line, its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def diagnostic_codes() -> str:
    lines = ["| Code | Severity | What is wrong | How to fix it |", "|---|---|---|---|"]
    for code, about in CODES.items():
        lines.append(f"| `{code}` | {about.severity.value} | {table_cell(about.summary)} | {table_cell(about.fix)} |")
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
    from accord.site.plugins.pages.config import PagesConfig
    from accord.site.plugins.records.config import RecordsConfig
    from accord.site.plugins.search.config import SearchConfig

    parts = []
    for name, config in (("accord/records", RecordsConfig), ("accord/pages", PagesConfig),
                         ("accord/search", SearchConfig)):
        described = _documented(config)
        parts += [f"### `{name}`", "", "| Option | Default | What it does |", "|---|---|---|"]
        for option_name, option in config._schema:
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


TABLES: dict[str, Callable[[], str]] = {"diagnostic-codes": diagnostic_codes, "plugin-options": plugin_options,
                                        "install": install, "workflows": workflows}


def expand(markdown: str) -> str:
    """Each marker line replaced by its table; unknown markers are left as they are."""
    def table(match: re.Match[str]) -> str:
        make = TABLES.get(match.group(1))
        return make() if make else match.group(0)

    return MARKER.sub(table, markdown) if "accord:" in markdown else markdown
