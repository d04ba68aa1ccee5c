"""The one shape of Accord's module-level caches.

Builds under `mkdocs serve` run again and again in one process, so whatever a module keeps
between builds must be bounded. Every such cache is a `Memo`: a dict with a ceiling, emptied
whole when it is reached (the entries are cheap to make again, and clearing keeps the rule
simple and the memory flat), and, for caches keyed by an object rather than a value, an
`ObjectMemo` that keeps the object alive beside its entry so that its `id` cannot be reused
by another object while the entry stands.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
O = TypeVar("O")  # noqa: E741 - the object an ObjectMemo is keyed by


class Memo(Generic[K, V]):
    """A dict of at most `limit` entries, emptied when one more would pass it."""

    __slots__ = ("_entries", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: dict[K, V] = {}

    def get(self, key: K, default: V | None = None) -> V | None:
        return self._entries.get(key, default)

    def put(self, key: K, value: V) -> V:
        if key not in self._entries and len(self._entries) >= self.limit:
            self._entries.clear()
        self._entries[key] = value
        return value

    def setdefault(self, key: K, make: Callable[[], V]) -> V:
        """The entry for `key`, made by `make()` and kept when there is none."""
        if key in self._entries:
            return self._entries[key]
        return self.put(key, make())

    def clear(self) -> None:
        self._entries.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __getitem__(self, key: K) -> V:
        return self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[K]:
        return iter(self._entries)


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
