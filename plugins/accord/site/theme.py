"""What a record asks of the theme, checked before the build: a `template` or an `icon` that
the theme does not have makes mkdocs-material stop with a traceback (TemplateNotFound), so
`accord validate` and the build report it on the record's line instead. Templates and icons
are looked for where the theme looks: the site's `custom_dir`, then the theme's own files."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path

from accord.format.diagnostics import Diagnostic
from accord.format.records import Record
from accord.format.suggest import did_you_mean


def _material() -> Path | None:
    spec = importlib.util.find_spec("material")
    if spec is None or not spec.submodule_search_locations:
        return None
    templates = Path(next(iter(spec.submodule_search_locations))) / "templates"
    return templates if templates.is_dir() else None


def theme_problems(records: Iterable[Record], custom_dir: Path | None, theme: str | None) -> list[Diagnostic]:
    """Errors for the records whose `template` or `icon` the theme cannot find (material only:
    another theme's files are its own business)."""
    if theme not in (None, "material"):
        return []
    folders = [folder for folder in (custom_dir, _material()) if folder is not None and folder.is_dir()]
    if len(folders) < (2 if custom_dir is not None and custom_dir.is_dir() else 1):
        return []  # mkdocs-material is not installed here: nothing to check against
    found = []
    for record in records:
        template = record.model.template
        if template and not any((folder / template).is_file() for folder in folders):
            found.append(record.diagnostic(
                "unknown-template", f"the theme has no template `{template}`; name a file of your custom_dir "
                "(theme: custom_dir in mkdocs.yml), or remove `template`", ("template",)))
        icon = record.model.icon
        if icon and not any((folder / ".icons" / f"{icon}.svg").is_file() for folder in folders):
            family = icon.split("/", 1)[0]
            known = [f"{family}/{p.stem}" for folder in folders for p in (folder / ".icons" / family).glob("*.svg")]
            hint = did_you_mean(icon, known)
            found.append(record.diagnostic(
                "unknown-icon", f"the theme has no icon `{icon}`{hint}; use one of mkdocs-material's icons, "
                "e.g. `material/handshake`, or remove `icon`", ("icon",)))
    return found
