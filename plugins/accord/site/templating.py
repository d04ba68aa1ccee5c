"""The Jinja2 templates shipped with Accord, overridable from a site's `custom_dir`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jinja2

_PACKAGE = Path(__file__).resolve().parent.parent  # the accord package


def templates_dir() -> Path:
    """`accord/templates` inside an installed wheel; the repository's `templates/` otherwise."""
    installed = _PACKAGE / "templates"
    return installed if installed.is_dir() else _PACKAGE.parent.parent / "templates"


def environment(custom_dir: Path | None = None, *,
                kind: type[jinja2.Environment] = jinja2.Environment) -> jinja2.Environment:
    """Templates from `custom_dir/accord/` first, then Accord's own; `kind`: the class of
    environment (the pages': accord.site.text.TextEnvironment)."""
    search = [str(custom_dir / "accord")] if custom_dir else []
    search.append(str(templates_dir()))
    env = kind(
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


_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def yaml_scalar(value: Any) -> str:
    """A value written so YAML reads it back exactly: a JSON string is a YAML
    double-quoted string; characters YAML would read as line breaks or refuse are
    escaped too (JSON escapes only the C0 controls)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
