"""`accord init`: a new knowledge base, ready to serve, from the templates in `templates/init/`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import jinja2

from accord import release
from accord.format.paths import display_path
from accord.site.guard import guard_block
from accord.site.templating import environment, templates_dir

INIT = "init"
# Template files and folders named without their dot (a wheel keeps them so): written with it.
RENAMED = {"gitignore": ".gitignore", "github": ".github", "pre-commit-config.yaml": ".pre-commit-config.yaml"}
DUE_TITLE = "Overdue in the partnership knowledge base"


class InitError(Exception):
    """`accord init` cannot go on; the message says why and what to do."""


@dataclass
class Created:
    folder: Path
    origin: release.Origin
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # already there: left as they were


def plan(folder: Path) -> list[tuple[str, Path]]:
    """(template name, file to write) for every file of a new knowledge base."""
    root = templates_dir() / INIT
    found = []
    for template in sorted(root.rglob("*.j2")):
        relative = template.relative_to(root).as_posix()
        target = relative.removesuffix(".j2")
        first, *rest = target.split("/")  # only at the top: docs/github/ stays as it is
        parts = [RENAMED.get(first, first), *rest]
        found.append((f"{INIT}/{relative}", folder.joinpath(*parts)))
    return found


def create(folder: Path, name: str | None, today: date, force: bool = False,
           origin: release.Origin | None = None, team_only: bool = False) -> Created:
    """Write a new knowledge base into `folder`; never overwrites a file. Its requirements,
    workflows and pre-commit configuration install Accord from `origin` (default: where the
    running Accord was installed from, else the project's repository at this release's tag)."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{display_path(folder)} is a file; give a folder for the new knowledge base")
    if folder.is_dir() and any(folder.iterdir()) and not (force or team_only):
        raise InitError(f"{display_path(folder)} is not empty; choose a new folder, or add --force to add the "
                        "files that are missing (existing files are never overwritten)")
    if name and re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", name):
        raise InitError("the name holds a control character (such as an escape sequence); type the name as plain text")
    site_name = " ".join((name or "").split()) or _title(folder)  # one line, whatever was typed
    origin = origin or release.installed()
    context = {
        **_team_context(origin),
        "upgrade": release.Origin(origin.repository, "vNEW"),
        "home": release.SOURCE,
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
        if team_only and target.relative_to(folder).as_posix() not in TEAM_FILES:
            continue
        try:
            rendered.append((target, env.get_template(template).render(context)))
        except jinja2.TemplateError as exc:
            raise InitError(f"the template {template} cannot be rendered: {exc}") from None
    created = Created(folder, origin)
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


# The files that set up a team's repository, and what each is for (the guide shows them).
TEAM_FILES = {
    "requirements.txt": "Accord and every package it needs, pinned: what CI and every author install.",
    ".pre-commit-config.yaml": "Runs `accord validate` before each commit, deletions included "
                               "(`pip install pre-commit && pre-commit install`, once per clone).",
    ".github/workflows/site.yml": "Validates every push and pull request (errors as annotations on the lines at "
                                  "fault), builds the public edition with the pinned Accord from the whole "
                                  "history, and publishes it to GitHub Pages from `main` (Settings → Pages → "
                                  "Source: GitHub Actions).",
    ".github/workflows/due.yml": "Every Monday: when something is overdue, a failing run and an issue listing "
                                 "it, kept up to date and closed when nothing is.",
}


def team_files(origin: release.Origin) -> dict[str, str]:
    """The text `accord init` writes to each of TEAM_FILES, for `origin`."""
    env = environment()
    context = _team_context(origin)
    wanted = {target.relative_to(Path(".")).as_posix(): template for template, target in plan(Path("."))}
    return {name: env.get_template(wanted[name]).render(context) for name in TEAM_FILES}


def _team_context(origin: release.Origin) -> dict[str, object]:
    return {"origin": origin, "requirements": release.requirements(origin).rstrip("\n"), "due_title": DUE_TITLE}


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
