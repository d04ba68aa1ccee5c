"""`accord init`: a new knowledge base, ready to serve, from the templates in `templates/init/`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import jinja2

from accord.format.paths import display_path
from accord.site.guard import guard_block
from accord.site.templating import environment, templates_dir

INIT = "init"
# Template files named without their dot (a wheel keeps them so): written with it.
RENAMED = {"gitignore": ".gitignore"}


class InitError(Exception):
    """`accord init` cannot go on; the message says why and what to do."""


@dataclass
class Created:
    folder: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # already there: left as they were


def plan(folder: Path) -> list[tuple[str, Path]]:
    """(template name, file to write) for every file of a new knowledge base."""
    root = templates_dir() / INIT
    found = []
    for template in sorted(root.rglob("*.j2")):
        relative = template.relative_to(root).as_posix()
        target = relative.removesuffix(".j2")
        parts = target.split("/")
        parts[-1] = RENAMED.get(parts[-1], parts[-1])
        found.append((f"{INIT}/{relative}", folder.joinpath(*parts)))
    return found


def create(folder: Path, name: str | None, today: date, force: bool = False) -> Created:
    """Write a new knowledge base into `folder`; never overwrites a file."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{display_path(folder)} is a file; give a folder for the new knowledge base")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise InitError(f"{display_path(folder)} is not empty; choose a new folder, or add --force to add the "
                        "files that are missing (existing files are never overwritten)")
    if name and re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", name):
        raise InitError("the name holds a control character (such as an escape sequence); type the name as plain text")
    site_name = " ".join((name or "").split()) or _title(folder)  # one line, whatever was typed
    context = {
        "name": site_name,
        "name_md": markdown_text_of(site_name),
        "site_name": theme_text(site_name),
        "exclude_docs": guard_block(),  # what keeps records out of a build without Accord
        "today": today.isoformat(),
        "signed": (today - timedelta(days=30)).isoformat(),
        "expires": (today + timedelta(days=730)).isoformat(),
        "review": (today + timedelta(days=335)).isoformat(),
        "held": (today - timedelta(days=60)).isoformat(),
    }
    env = environment()
    rendered: list[tuple[Path, str]] = []
    for template, target in plan(folder):
        try:
            rendered.append((target, env.get_template(template).render(context)))
        except jinja2.TemplateError as exc:
            raise InitError(f"the template {template} cannot be rendered: {exc}") from None
    created = Created(folder)
    for target, text in rendered:  # all rendered before anything is written
        if target.exists():
            created.kept.append(target)
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InitError(f"cannot make the folder {display_path(target.parent)}: {exc.strerror or exc}"
                            f"{_so_far(created)}") from None
        try:
            with target.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite
                handle.write(text)
        except FileExistsError:
            created.kept.append(target)
            continue
        except OSError as exc:
            raise InitError(f"cannot write {display_path(target)}: {exc.strerror}"
                            f"{_so_far(created)}") from None
        created.written.append(target)
    return created


def _title(folder: Path) -> str:
    words = folder.resolve().name.replace("-", " ").replace("_", " ").strip()
    return f"{words.title()} partnerships" if words else "Partnerships knowledge base"


def _so_far(created: Created) -> str:
    if not created.written:
        return ""
    return f" (written so far: {', '.join(os.path.relpath(p, created.folder) for p in created.written)})"


_ENTITY = re.compile(r"&(?=#?\w+;)")


def theme_text(text: str) -> str:
    """A site name as mkdocs-material prints it: mostly unescaped (in <title>, the header,
    the navigation and attributes), so the characters that would make markup are written as
    entities; `&` stays as typed unless it would start one."""
    text = _ENTITY.sub("&amp;", text)
    for char, entity in (("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        text = text.replace(char, entity)
    return text


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def markdown_text_of(text: str) -> str:
    """`text` as literal Markdown: HTML characters as entities, Markdown's marks escaped
    (a name like `*Riverside* [x](y)` stays those characters, not emphasis and a link)."""
    html = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", html)
