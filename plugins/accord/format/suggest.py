"""“Did you mean …?”: the closest known name to a misspelt one."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

_CUTOFF = 75.0


def closest(word: str, choices: Iterable[str], cutoff: float = _CUTOFF) -> str | None:
    """The choice nearest to `word`, or None when nothing is close enough."""
    match = process.extractOne(
        word, list(choices), scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=cutoff
    )
    return match[0] if match else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean `x`?` or the empty string."""
    match = closest(word, choices)
    return f"; did you mean `{match}`?" if match else ""


def nearest(word: str, choices: Iterable[str], limit: int = 3, cutoff: float = 60.0) -> list[str]:
    """Up to `limit` choices near `word`, nearest first (for a list of suggestions)."""
    found = process.extract(
        word, list(dict.fromkeys(choices)), scorer=fuzz.WRatio, processor=utils.default_process,
        score_cutoff=cutoff, limit=limit,
    )
    return [match[0] for match in found]
