"""`accord search` and `accord lessons-for` start fast: what a fresh interpreter has
imported once the command has run (as click's own tests pin what `import click` loads).

Measured on the demo knowledge base: a search whose index is up to date imports neither
MkDocs, nor the theme, nor pydantic (the format's models); one that must index records
first checks them, which needs the models (accord.search.index -> accord.format.schema),
but still neither MkDocs nor the theme."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import KnowledgeBase

# Runs the command in this interpreter, then writes the modules it holds to a file.
SCRIPT = """\
import json, sys
from accord.commands.cli import main
try:
    main(sys.argv[2:], standalone_mode=False)
except SystemExit:
    pass
open(sys.argv[1], "w").write(json.dumps(sorted(sys.modules)))
"""
NEVER = ("mkdocs", "material", "jinja2", "markdown", "pymdownx")
MODELS = ("pydantic", "accord.format.models", "accord.format.schema")


def imported(cwd: Path, tmp_path: Path, *args: str) -> tuple[set[str], str]:
    """The modules loaded by `accord ARGS` run in `cwd`, and what it printed."""
    where = tmp_path / "modules.json"
    ran = subprocess.run([sys.executable, "-c", SCRIPT, str(where), *args], cwd=cwd, capture_output=True, text=True,
                         timeout=120, check=False)
    assert ran.returncode == 0, ran.stderr
    return set(json.loads(where.read_text())), ran.stdout


def among(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m in packages or m.startswith(tuple(f"{p}." for p in packages)))


def test_search_imports_no_mkdocs_nor_theme_and_no_models_once_indexed(kb: KnowledgeBase, tmp_path: Path) -> None:
    first, printed = imported(kb.root, tmp_path, "search", "volunteers")
    assert "Volunteers need a named contact" in printed
    assert among(first, NEVER) == []
    again, printed = imported(kb.root, tmp_path, "search", "volunteers", "--json")
    assert json.loads(printed)["results"]
    assert among(again, NEVER) == []
    assert among(again, MODELS) == []


def test_lessons_for_imports_no_mkdocs_nor_theme_nor_models(kb: KnowledgeBase, tmp_path: Path) -> None:
    draft = kb.root / "draft.md"
    draft.write_text("---\ntype: agreement\nid: new\ntitle: Volunteers again\nkind: mou\n"
                     "parties: [city-water, river-trust]\n---\nVolunteers clean the river.\n", encoding="utf-8")
    imported(kb.root, tmp_path, "search", "river")  # the index, up to date
    modules, printed = imported(kb.root, tmp_path, "lessons-for", str(draft))
    assert "Volunteers need a named contact" in printed
    assert among(modules, NEVER) == []
    assert among(modules, MODELS) == []
