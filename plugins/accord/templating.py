"""The Jinja2 templates shipped with Accord, overridable from a site's `custom_dir`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

_PACKAGE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """`accord/templates` inside an installed wheel; the repository's `templates/` otherwise."""
    installed = _PACKAGE / "templates"
    return installed if installed.is_dir() else _PACKAGE.parent.parent / "templates"


def environment(custom_dir: Path | None = None) -> jinja2.Environment:
    """Templates from `custom_dir/accord/` first, then Accord's own."""
    search = [str(custom_dir / "accord")] if custom_dir else []
    search.append(str(templates_dir()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        # Page templates produce HTML: every value is escaped. Scaffolds produce YAML.
        autoescape=lambda name: bool(name) and (name.startswith("pages/") or name.endswith((".html", ".html.j2"))),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yaml"] = yaml_scalar
    return env


def yaml_scalar(value: Any) -> str:
    """A value written so YAML reads it back exactly (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False, default=str)
