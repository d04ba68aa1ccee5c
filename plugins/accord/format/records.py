"""A validated record, and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from posixpath import splitext

from accord.format.diagnostics import Diagnostic
from accord.format.models import Agreement, Confidentiality, Lesson, Organization, Playbook, RecordBase, Retrospective
from accord.format.source import KeyPath, SourceFile
from accord.memo import ObjectMemo


@dataclass
class Record:
    model: RecordBase
    source: SourceFile

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def type(self) -> str:
        return self.model.type  # type: ignore[attr-defined,no-any-return]

    @property
    def title(self) -> str:
        return self.model.title

    @property
    def confidentiality(self) -> Confidentiality:
        return self.model.confidentiality

    @property
    def rel_path(self) -> str:
        """Path inside the docs folder, with forward slashes (`agreements/x.md`)."""
        return self.source.rel_path

    @property
    def url(self) -> str:
        return page_url(self.source.rel_path)

    @property
    def body(self) -> str:
        return self.source.body

    def diagnostic(self, code: str, message: str, loc: KeyPath = (), *, key: bool = False) -> Diagnostic:
        return self.source.diagnostic(code, message, loc, key=key)

    # Typed views, for code that already knows the type.
    @property
    def agreement(self) -> Agreement:
        assert isinstance(self.model, Agreement)
        return self.model

    @property
    def organization(self) -> Organization:
        assert isinstance(self.model, Organization)
        return self.model

    @property
    def playbook(self) -> Playbook:
        assert isinstance(self.model, Playbook)
        return self.model

    @property
    def retrospective(self) -> Retrospective:
        assert isinstance(self.model, Retrospective)
        return self.model


@dataclass(frozen=True)
class LessonRef:
    """A lesson, with the retrospective it belongs to."""

    record: Record
    lesson: Lesson
    index: int

    @cached_property
    def address(self) -> str:
        return f"{self.record.id}#{self.lesson.id}"

    @property
    def url(self) -> str:
        return f"{self.record.url}#{self.lesson.id}"


def page_url(rel_path: str, use_directory_urls: bool = True) -> str:
    """The site URL MkDocs gives a docs-relative Markdown path (`a/b.md` → `a/b/`)."""
    stem, _ = splitext(rel_path)
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index") or stem == "README" or stem.endswith("/README"):
        stem = stem.rsplit("/", 1)[0] if "/" in stem else ""
    return f"{stem}/" if stem else ""


@dataclass(frozen=True)
class Reference:
    """One id a record names in a field that points at another record."""

    loc: KeyPath  # where in the front matter
    target: str  # record id (for a lesson address, the retrospective's id)
    expected: str | None  # the record type it must have; None: any
    field: str  # the field's name, as shown to people
    lesson: str | None = None  # the lesson id, for a lesson address


# Cleared once it passes 100,000 models (so at most 100,001 are kept, as before).
_REFERENCES: ObjectMemo[RecordBase, list[Reference]] = ObjectMemo(100_001)


def references(model: RecordBase) -> list[Reference]:
    """Every reference to another record, in the order the fields are written (kept per
    model: validation and the catalogue both ask, and `mkdocs serve` keeps unchanged models)."""
    kept = _REFERENCES.get(model)
    if kept is not None:
        return kept
    return _REFERENCES.put(model, _references(model))


def _references(model: RecordBase) -> list[Reference]:
    refs = [Reference(("related", i), target, None, "related") for i, target in enumerate(model.related)]
    if isinstance(model, Organization) and model.parent:
        refs.append(Reference(("parent",), model.parent, "organization", "parent"))
    elif isinstance(model, Agreement):
        refs += [
            Reference(("parties", i, "org"), p.org, "organization", "parties") for i, p in enumerate(model.parties)
        ]
        for name in ("amends", "supersedes"):
            target = getattr(model, name)
            if target:
                refs.append(Reference((name,), target, "agreement", name))
        for i, address in enumerate(model.lessons_applied):
            retrospective, _, lesson = address.partition("#")
            refs.append(Reference(("lessons_applied", i), retrospective, "retrospective", "lessons_applied", lesson))
    elif isinstance(model, Playbook) and model.owner:
        refs.append(Reference(("owner",), model.owner, "organization", "owner"))
    elif isinstance(model, Retrospective):
        refs += [Reference(("agreements", i), a, "agreement", "agreements") for i, a in enumerate(model.agreements)]
        refs += [Reference(("partners", i), p, "organization", "partners") for i, p in enumerate(model.partners)]
    return refs
