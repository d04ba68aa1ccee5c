"""How the demo site looks: stylesheets that parse, tables that read, a first screen that
answers, focus that shows, and an agreement printed fit to sign.

The stylesheet test reads the built site's files; the rest drive Debian's Chromium through
Playwright (skipped when it is missing, as in tests/test_browser.py).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import tinycss2

from sites import Build, build, demo_project

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}
AGREEMENT = "agreements/northvale-hospital-university-data-sharing/"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = build(demo_project(tmp_path_factory.mktemp("look")), env=EPOCH)
    assert result.returncode == 0, result.log
    return result


# Stylesheets ------------------------------------------------------------------------------

# At-rules whose block holds rules, and those whose block holds declarations.
_RULE_BLOCKS = {"media", "supports", "layer", "container", "document", "scope", "starting-style"}
_DECLARATION_BLOCKS = {"font-face", "page", "property", "counter-style", "font-feature-values", "viewport"}


def _errors_in_tokens(tokens: list | None) -> list[tinycss2.ast.ParseError]:
    found = []
    for token in tokens or ():
        if token.type == "error":
            found.append(token)
        elif token.type in ("() block", "[] block", "{} block", "function"):
            found += _errors_in_tokens(token.arguments if token.type == "function" else token.content)
    return found


def _errors_in_block(content: list, holds: str) -> list[tinycss2.ast.Node]:
    """Parse errors in a block of `holds` ("rules", "declarations" or "both": a style rule,
    which may nest rules)."""
    if holds == "rules":
        items = tinycss2.parse_rule_list(content, skip_comments=True, skip_whitespace=True)
    else:
        items = tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    return _errors_in_items(items, nested=holds == "both")


def _errors_in_items(items: list, *, nested: bool = False) -> list[tinycss2.ast.Node]:
    found: list[tinycss2.ast.Node] = []
    for item in items:
        if item.type == "error":
            found.append(item)
        elif item.type == "declaration":
            found += _errors_in_tokens(item.value)
        elif item.type == "qualified-rule":
            found += _errors_in_tokens(item.prelude)
            found += _errors_in_block(item.content, "both")
        elif item.type == "at-rule":
            found += _errors_in_tokens(item.prelude)
            if item.content is None:
                continue
            name = item.lower_at_keyword
            if name in _RULE_BLOCKS or name.endswith("keyframes"):
                holds = "both" if nested else "rules"
                if name.endswith("keyframes"):
                    holds = "rules"
                found += _errors_in_block(item.content, holds)
            elif name in _DECLARATION_BLOCKS:
                found += _errors_in_block(item.content, "declarations")
            else:
                found += _errors_in_tokens(item.content)
    return found


def stylesheet_errors(css: str) -> list[str]:
    """Every parse error of a stylesheet, as `line:column: message` (CSS Syntax Level 3, as
    a browser reads it: what it drops is what these name)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return [f"{e.source_line}:{e.source_column}: {getattr(e, 'message', e.type)}" for e in _errors_in_items(rules)]


def served_stylesheets(site: Path) -> dict[str, Path]:
    """Every stylesheet the site links from a page (its own and the theme's), and every
    other .css file it serves, by its path in the site."""
    from bs4 import BeautifulSoup

    found: dict[str, Path] = {}
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        here = "/" + page.relative_to(site).as_posix()
        for link in soup.find_all("link", rel="stylesheet"):
            href = urlsplit(urljoin(here, link["href"]))
            if href.netloc:
                continue  # nothing from elsewhere: test_browser proves no request leaves the site
            found[href.path.lstrip("/")] = site / href.path.lstrip("/")
    for css in site.rglob("*.css"):
        found.setdefault(css.relative_to(site).as_posix(), css)
    return found


def test_the_stray_brace_that_dropped_the_dashboard_rule_is_an_error() -> None:
    broken = ".a { color: red; }\n@media screen { .b { color: blue; } }\n}\n.c { display: flex; }\n"
    assert stylesheet_errors(broken) == ["3:1: Unmatched }"]
    assert stylesheet_errors("@media (max-width: 1px) { .a { color: red; } }\n.b:is(p, li) a { x: y; }") == []


def test_every_stylesheet_the_site_serves_parses(demo: Build) -> None:
    sheets = served_stylesheets(demo.site)
    names = set(sheets)
    assert any(n.endswith("accord.css") for n in names)
    assert any("stylesheets/main" in n for n in names) and any("stylesheets/palette" in n for n in names)
    errors = {name: stylesheet_errors(path.read_text(encoding="utf-8")) for name, path in sorted(sheets.items())}
    assert {name: found for name, found in errors.items() if found} == {}
