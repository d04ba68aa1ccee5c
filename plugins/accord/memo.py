"""The one shape of Accord's module-level caches.

Builds under `mkdocs serve` run again and again in one process, so whatever a module keeps
between builds must be bounded. Every such cache is a `Memo`: a dict with a ceiling, emptied
whole when it is reached (the entries are cheap to make again, and clearing keeps the rule
simple and the memory flat), and, for caches keyed by an object rather than a value, an
`ObjectMemo` that keeps the object alive beside its entry so that its `id` cannot be reused
by another object while the entry stands.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
O = TypeVar("O")  # noqa: E741 - the object an ObjectMemo is keyed by


class Memo(dict[K, V]):
    """A dict of at most `limit` entries, emptied when one more would pass it. A dict itself,
    so that a lookup (`get`, `in`, `[]`) costs what a dict's does: these caches sit in hot
    loops (YAML tag resolution is asked 800,000 times over 10,000 records). Entries are
    added through `put` or `setdefault`, which keep the ceiling."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        if key not in self and len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

    def setdefault(self, key: K, make: Callable[[], V]) -> V:  # type: ignore[override]
        """The entry for `key`, made by `make()` and kept when there is none."""
        if key in self:
            return self[key]
        return self.put(key, make())


class ObjectMemo(Generic[O, V]):
    """A `Memo` keyed by an object's identity, for objects that are not hashable by value
    (models, catalogues). The object is kept with its entry, so its id stays its own."""

    __slots__ = ("_memo",)

    def __init__(self, limit: int) -> None:
        self._memo: Memo[int, tuple[O, V]] = Memo(limit)

    def get(self, obj: O) -> V | None:
        kept = self._memo.get(id(obj))
        return kept[1] if kept is not None and kept[0] is obj else None

    def put(self, obj: O, value: V) -> V:
        self._memo.put(id(obj), (obj, value))
        return value

    def clear(self) -> None:
        self._memo.clear()

    def __len__(self) -> int:
        return len(self._memo)
