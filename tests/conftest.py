"""Shared helpers: small knowledge bases written into temporary folders."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from accord.commands.cli import main

REPO = Path(__file__).resolve().parent.parent
DEMO_DOCS = REPO / "docs"

ORG_A = """\
---
id: city-water
type: organization
title: City Water Authority
confidentiality: public
kind: government
---
Runs the water network.
"""

ORG_B = """\
---
id: river-trust
type: organization
title: River Trust
confidentiality: public
kind: ngo
---
"""

AGREEMENT = """\
---
id: river-mou
type: agreement
title: River clean-up MOU
confidentiality: public
kind: mou
status: active
parties:
  - org: city-water
    role: lead
  - org: river-trust
dates:
  signed: 2026-01-10
  effective: 2026-02-01
  expires: 2030-01-31
objectives:
  - id: litter
    statement: Halve litter in the river
    due: 2028-06-30
    owner: river-trust
responsibilities:
  - activity: Monthly clean-up
    responsible: [river-trust]
    accountable: city-water
    consulted: []
    informed: [city-water]
resources:
  - from: city-water
    kind: funding
    amount: 25000
    currency: EUR
---
Body text.
"""

RETRO = """\
---
id: river-retro
type: retrospective
title: River clean-up, first year
confidentiality: public
held: 2026-10-01
agreements: [river-mou]
lessons:
  - id: volunteers
    title: Volunteers need a named contact
    lesson: Turn-out doubled once one person answered volunteers' questions.
    impact: positive
    topics: [volunteering]
---
"""


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


@dataclass
class Validation:
    exit_code: int
    output: str

    @property
    def lines(self) -> list[str]:
        return self.output.splitlines()

    def diagnostics(self) -> list[str]:
        return self.lines[:-1]


class KnowledgeBase:
    """A docs folder in a temporary directory, with the four records above."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs = root / "docs"
        self.write("organizations/city-water.md", ORG_A)
        self.write("organizations/river-trust.md", ORG_B)
        self.write("agreements/river-mou.md", AGREEMENT)
        self.write("retrospectives/river-retro.md", RETRO)

    def write(self, rel_path: str, text: str | bytes) -> Path:
        path = self.docs / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def edit(self, rel_path: str, old: str, new: str) -> str:
        path = self.docs / rel_path
        text = path.read_bytes().decode("utf-8")  # bytes: keep any lone CR as written
        assert old in text, old
        text = text.replace(old, new, 1)
        path.write_bytes(text.encode("utf-8"))
        return text

    def validate(self, *args: str) -> Validation:
        result = CliRunner().invoke(main, ["validate", str(self.docs), *args])
        return Validation(result.exit_code, result.output)

    def expect(self, rel_path: str, line: int, severity: str, code: str) -> str:
        """The one diagnostic at `rel_path:line`, asserting its severity and code."""
        result = self.validate()
        prefix = f"{self.docs / rel_path}:{line}:"
        matching = [d for d in result.diagnostics() if d.startswith(prefix)]
        assert matching, f"nothing at {prefix}\n{result.output}"
        assert f": {severity}: {code}: " in matching[0], result.output
        return matching[0]


def fill_placeholders(path: Path) -> None:
    """Write over what `accord new` left for the author to replace, as an author would."""
    from accord.format import placeholders

    text = path.read_text(encoding="utf-8")
    for number, placeholder in enumerate(sorted(placeholders.FIELDS | placeholders.BODY)):
        text = text.replace(placeholder, f"Written by the author, part {number}.")
    path.write_text(text, encoding="utf-8")


def only_placeholders_left(output: str) -> bool:
    """Whether every diagnostic of a `validate` output is a scaffold placeholder (and there is one)."""
    lines = [line for line in output.splitlines() if ": warning: " in line or ": error: " in line]
    return bool(lines) and all(": warning: scaffold-placeholder: " in line for line in lines)


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase(tmp_path)


def json_output(result: Validation) -> list[dict[str, object]]:
    return json.loads(result.output)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The demo knowledge base with the repository's mkdocs.yml, built once for the whole run
    on the demo's build date (reviews in the next 90 days, one overdue). Read it, never change
    it: every module that asks for `demo` shares it (a module with a `demo` of its own, a copy
    to change, overrides this one)."""
    from sites import DEMO_EPOCH, build, demo_project  # (sites imports this module)

    result = build(demo_project(tmp_path_factory.mktemp("demo")), env=DEMO_EPOCH)
    assert result.returncode == 0, result.log
    return result
