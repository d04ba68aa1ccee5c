"""The text `accord new` writes for authors to replace (templates/new/). A record that still
holds it would publish it as if it were true: validation warns (`scaffold-placeholder`),
so `accord validate --strict` and `mkdocs build --strict` stop until it is replaced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Values of fields, exactly as the scaffolds write them.
FIELDS = frozenset((
    "One or two sentences: who agrees to do what, and why.",
    "Name, position",
    "How often the partners meet, and who chairs.",
    "Who resolves disagreements.",
    "What is reported, to whom, how often.",
    "What the organisation does, in one sentence.",
    "When to use this playbook, in one sentence.",
    "What was looked back on, in one sentence.",
    "A short title for the lesson",
    "What happened.",
    "What we learned from it.",
    "What to do next time.",
))
# Lines of the body (a checklist item without its box).
BODY = frozenset((
    "Why the partners are working together, and what came before.",
    "What the agreement covers, and what it does not.",
    "What the organisation does, and how we work with it.",
    "The kind of partnership this playbook is for.",
    "First step",
    "Second step",
    "What experience has taught us.",
    "The collaboration, who took part, and how the retrospective was run.",
))


def in_fields(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Where the front matter still holds a scaffold's text: (path, text)."""
    if not path and not _any_in_fields(data):
        return  # the common case, found without making each value's path (0.05 ms a record)
    yield from _in_fields(data, path)


def _any_in_fields(data: Any) -> bool:
    """Whether any text of the front matter is a scaffold's (in_fields, without the paths)."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if value.strip() in FIELDS:
                return True
        elif isinstance(value, dict):
            pending.extend(item for key, item in value.items() if isinstance(key, str))
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _in_fields(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, str):
        if data.strip() in FIELDS:
            yield path, data.strip()
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield from _in_fields(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _in_fields(value, (*path, i))


def in_body(body: str) -> Iterator[tuple[int, str]]:
    """Lines of the body (numbered from 0) that are a scaffold's text."""
    for number, line in enumerate(body.split("\n")):
        text = line.strip().removeprefix("- [ ]").removeprefix("- [x]").strip()
        if text in BODY:
            yield number, text
