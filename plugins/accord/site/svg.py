"""Accord's pictures, drawn at build time as inline SVG: the agreements register's timeline
and an organisation's partner network.

No script draws them, so a page without an author's diagram loads no diagram library. They
read on a phone as on a desk: horizontal positions are percentages of the picture's width
(which follows the column), while text keeps its size in pixels, each label above its bar or
beside its node. Colours come from the theme (`currentColor` and its CSS variables, set in
accord.css), so light and dark mode and print follow the palette. Each picture is an image
with a title for screen readers, beside the table that holds the same facts.

Every value is text: escaped with markupsafe, in text nodes and attributes alike.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

FONT = 14  # px: a label's size (at least 12 px, readable on a phone)
LINE = 18  # px between a label's lines
LABEL_WIDTH = 40  # characters a label's line holds: about 300 px at 14 px, a phone's column
LABEL_LINES = 3  # a longer title ends in "…" (the table beside holds it whole)


def wrap(text: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> list[str]:
    """A label's lines: at most `lines` of `width` characters, the last cut with "…"."""
    words = " ".join(str(text).split())
    found = textwrap.wrap(words, width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(found) > lines:
        found = found[:lines]
        found[-1] = found[-1][: width - 1].rstrip() + "…"
    return found


def _pc(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") + "%"


def _text_lines(lines: Sequence[str], x: int | str, y: int, css: str, extra: str = "") -> str:
    """`<text>` with one `<tspan>` per line, the first line's baseline at `y`."""
    spans = "".join(f'<tspan x="{x}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text class="{css}" x="{x}" y="{y}" font-size="{FONT}" fill="currentColor"{extra}>{spans}</text>'


# ---------------------------------------------------------------------------------------
# The timeline


@dataclass(frozen=True)
class Term:
    """One agreement's bar: from `start` (effective) to `end` (expires)."""

    id: str
    title: str
    status: str  # the agreement's status (draft … superseded)
    start: date
    end: date


# Statuses by how their bars are drawn: in force, in preparation, ended.
_BAR_GROUP = {"signed": "in-force", "active": "in-force", "draft": "preparing", "negotiation": "preparing",
              "expired": "ended", "terminated": "ended", "superseded": "ended"}
_AXIS = 26  # px: the row of years on top
_FOOT = 24  # px: the row for "Today" below
_SECTION = 30  # px: a status's heading row
_BAR = 12  # px: a bar's height
_GAP = 14  # px after a bar
_MIN_YEARS = 2  # a window spans at least this many years, however short the terms


def window(terms: Sequence[Term], today: date) -> tuple[date, date]:
    """The years the timeline shows: every term, except that an outlier far in the past or
    the future (one agreement running to 2045 among terms of two or three years) is cut at
    a break, so that it does not squash the rest. Whole years, today among them."""
    starts = sorted(t.start for t in terms)
    ends = sorted(t.end for t in terms)
    n = len(terms)
    early, late = starts[(n - 1) - 3 * (n - 1) // 4], ends[3 * (n - 1) // 4]  # quartiles, alike at both ends
    margin = max(timedelta(days=730), (late - early) / 2)
    first = max(starts[0], early - margin)
    last = min(ends[-1], late + margin)
    first, last = min(first, today), max(last, today)
    lo, hi = date(first.year, 1, 1), date(last.year + 1, 1, 1)
    while hi.year - lo.year < _MIN_YEARS:
        hi = date(hi.year + 1, 1, 1)
    return lo, hi


def timeline(groups: Sequence[tuple[str, Sequence[Term]]], today: date) -> Markup:
    """The agreements' terms as bars by status, each label above its bar; rows carry the
    agreement's id (`data-accord-id`) so that accord.js can hide those the register's
    filters hide, and close the gaps."""
    terms = [term for _, group in groups for term in group]
    if not terms:
        return Markup("")
    lo, hi = window(terms, today)
    span = (hi - lo).days

    def x(day: date) -> float:
        return min(max((day - lo).days / span * 100, 0.0), 100.0)

    rows: list[str] = []
    y = _AXIS
    for status, group in groups:
        rows.append(f'<g class="accord-tl-section" data-h="{_SECTION}" transform="translate(0 {y})">'
                    f'<text class="accord-tl-heading" x="0" y="{_SECTION - 9}" font-size="{FONT}" font-weight="bold" '
                    f'fill="currentColor">{escape(status.capitalize())}</text></g>')
        y += _SECTION
        for term in group:
            height = _term_height(term)
            rows.append(f'<g class="accord-tl-row" data-accord-id="{escape(term.id)}" data-h="{height}" '
                        f'transform="translate(0 {y})">{_term(term, lo, hi, x)}</g>')
            y += height
    years = hi.year - lo.year
    desk, phone = math.ceil(years / 12), math.ceil(years / 5)
    axis = []
    for year in range(lo.year, hi.year + 1):
        at = _pc(x(date(year, 1, 1)))
        axis.append(f'<line class="accord-tl-grid" x1="{at}" x2="{at}" y1="{_AXIS - 6}" y2="100%" '
                    f'stroke="currentColor" stroke-opacity=".15"/>')
        if year < hi.year and (year - lo.year) % desk == 0:
            minor = " accord-tl-year--minor" if (year - lo.year) % phone else ""
            middle = _pc((x(date(year, 1, 1)) + x(date(year + 1, 1, 1))) / 2)
            axis.append(f'<text class="accord-tl-year{minor}" x="{middle}" y="{_AXIS - 10}" font-size="13" '
                        f'text-anchor="middle" fill="currentColor">{year}</text>')
    marks = ""
    if lo <= today < hi:
        at = x(today)
        anchor = "end" if at > 50 else "start"
        marks = (f'<line class="accord-tl-today" x1="{_pc(at)}" x2="{_pc(at)}" y1="{_AXIS - 6}" y2="100%" '
                 f'stroke="currentColor" stroke-dasharray="4 3"/>'
                 f'<text class="accord-tl-today-label" x="{_pc(at)}" y="100%" dy="-6" dx="{-4 if at > 50 else 4}" '
                 f'font-size="13" text-anchor="{anchor}" fill="currentColor">Today, {today.isoformat()}</text>')
    height = y + _FOOT
    count = len(terms)
    title = (f"Timeline of {count} agreement{'s' if count != 1 else ''}, {lo.year} to {hi.year - 1}: "
             "each bar runs from the date an agreement takes effect to the date it expires; "
             "the table below lists the same dates.")
    return Markup(
        f'<figure class="accord-diagram accord-tl" data-accord-timeline>'
        f'<svg class="accord-tl-svg" role="img" aria-labelledby="accord-timeline-title" width="100%" '
        f'height="{height}" data-foot="{_FOOT}" overflow="visible" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="accord-timeline-title">{escape(title)}</title>'
        + "".join(axis) + marks + '<g class="accord-tl-rows">' + "".join(rows) + "</g></svg></figure>"
    )


def _label(term: Term) -> tuple[list[str], str]:
    """A bar's title lines, and its years ("2026 – 2045"; _term marks a cut with an arrow)."""
    years = str(term.start.year) if term.start.year == term.end.year else f"{term.start.year} – {term.end.year}"
    return wrap(term.title), years


def _term_height(term: Term) -> int:
    lines, _ = _label(term)
    return len(lines) * LINE + 6 + _BAR + _GAP


def _term(term: Term, lo: date, hi: date, x: Callable[[date], float]) -> str:
    lines, years = _label(term)
    start, end = x(term.start), x(term.end)
    cut_before, cut_after = term.start < lo, term.end > hi
    width = max(end - start, 0.6)
    text_y = FONT
    bar_y = len(lines) * LINE + 4
    group = _BAR_GROUP.get(term.status, "ended")
    suffix = f'{"← " if cut_before else ""}{years}{" →" if cut_after else ""}'
    spans = "".join(f'<tspan x="0" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    label = (f'<text class="accord-tl-label" x="0" y="{text_y}" font-size="{FONT}" fill="currentColor">{spans}'
             f'<tspan class="accord-tl-years" dx="8" font-size="13" fill-opacity=".75">{escape(suffix)}</tspan></text>')
    bar = (f'<rect class="accord-tl-bar accord-tl-bar--{group}" x="{_pc(start)}" y="{bar_y}" width="{_pc(width)}" '
           f'height="{_BAR}" rx="3" fill="currentColor" fill-opacity=".6"/>')
    breaks = ""
    if cut_after:  # a break: the bar goes on past the window's end
        breaks += (f'<svg x="{_pc(100)}" y="{bar_y - 3}" width="1" height="{_BAR + 6}" overflow="visible">'
                   f'<path class="accord-tl-break" d="M-9 {_BAR + 6} L-5 0 M-4 {_BAR + 6} L0 0" '
                   f'stroke="currentColor" stroke-width="2" fill="none"/></svg>')
    if cut_before:
        breaks += (f'<svg x="0" y="{bar_y - 3}" width="1" height="{_BAR + 6}" overflow="visible">'
                   f'<path class="accord-tl-break" d="M0 {_BAR + 6} L4 0 M5 {_BAR + 6} L9 0" '
                   f'stroke="currentColor" stroke-width="2" fill="none"/></svg>')
    return label + bar + breaks


# ---------------------------------------------------------------------------------------
# The partner network


@dataclass(frozen=True)
class Partner:
    title: str
    shared: int  # agreements shared with the organisation


_NODE = 12  # px: the radius of a partner's circle, which holds the number of shared agreements
_TRUNK = 10  # px from the left: the line the partners branch from
_NAME_X = 2 * _TRUNK + 3 * _NODE + 8  # px: where a partner's name starts
_NAME_WIDTH = 36  # characters of a partner's name per line (its column is narrower than the timeline's)


def network(name: str, partners: Sequence[Partner]) -> Markup:
    """The organisation on top, each partner on a branch below it, most shared first; the
    number in a partner's circle (and the branch's weight) is how many agreements they share."""
    if not partners:
        return Markup("")
    head = wrap(name, LABEL_WIDTH + 4)
    y = len(head) * LINE + 10
    parts = [_text_lines(head, 0, FONT + 2, "accord-net-self", ' font-weight="bold"')]
    trunk_top = y - 6
    branches: list[str] = []
    for partner in partners:
        lines = wrap(partner.title, _NAME_WIDTH)
        height = max(len(lines) * LINE + 12, 2 * _NODE + 12)
        middle = y + height // 2 - 2
        cx = 2 * _TRUNK + 2 * _NODE
        branches.append(
            f'<g class="accord-net-partner">'
            f'<line class="accord-net-edge" x1="{_TRUNK}" y1="{middle}" x2="{cx - _NODE}" y2="{middle}" '
            f'stroke="currentColor" stroke-width="{min(1.5 + partner.shared, 6)}"/>'
            f'<circle class="accord-net-node" cx="{cx}" cy="{middle}" r="{_NODE}" fill="none" '
            f'stroke="currentColor" stroke-width="2"/>'
            f'<text class="accord-net-count" x="{cx}" y="{middle + 4}" font-size="12" font-weight="bold" '
            f'text-anchor="middle" fill="currentColor">{partner.shared}</text>'
            + _text_lines(lines, _NAME_X, middle + 5 - (len(lines) - 1) * LINE // 2, "accord-net-name")
            + "</g>")
        last_middle = middle
        y += height
    parts.append(f'<line class="accord-net-trunk" x1="{_TRUNK}" y1="{trunk_top}" x2="{_TRUNK}" y2="{last_middle}" '
                 f'stroke="currentColor" stroke-width="2"/>')
    count = len(partners)
    title = (f"Partnership network of {' '.join(name.split())}: {count} partner{'s' if count != 1 else ''} "
             "through shared agreements, each with the number of agreements shared; "
             "the table below names them.")
    return Markup(
        '<figure class="accord-diagram accord-net">'
        f'<svg class="accord-net-svg" role="img" aria-labelledby="accord-network-title" width="100%" '
        f'height="{y + 4}" overflow="visible" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="accord-network-title">{escape(title)}</title>'
        + "".join(parts) + "".join(branches) + "</svg></figure>"
    )
