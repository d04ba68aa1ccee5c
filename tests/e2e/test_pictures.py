"""Accord's pictures (the register's timeline, an organisation's partner network): drawn at
build time as inline SVG, so that a page without an author's Mermaid diagram loads no
diagram library; the timeline follows the register's filters and reads on a phone, in dark
mode and with one agreement running for decades."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser

import browsers
from accord.site import svg
from browsers import CHROMIUM, _offline, _serve
from sites import build, demo_project

browser = browsers.browser  # a browser for this module's tests (a fixture)
EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
SCRIPT_BUDGET = 600_000  # bytes of script on a page without a diagram (issue 22)
AUTHORS_DIAGRAM = """# How a request flows

``` mermaid
graph LR
  request[Request] --> review[Review] --> signed[Signed]
```
"""
SHOTS = Path(os.environ.get("ACCORD_SHOTS", "/tmp/shots"))

if CHROMIUM is None and os.environ.get("CI") != "true":
    pytest.skip("Chromium is not installed (scripts/test.sh installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = demo_project(tmp_path_factory.mktemp("pictures"))
    (root / "docs" / "guide" / "flow.md").write_text(AUTHORS_DIAGRAM, encoding="utf-8")
    yield from _built_and_served(root)


@pytest.fixture(scope="module")
def init_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A knowledge base as `accord init` makes it, built."""
    where = tmp_path_factory.mktemp("init")
    made = subprocess.run([str(Path(sys.executable).parent / "accord"), "init", "kb", "--name", "Pictures"],
                          cwd=where, capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    yield from _built_and_served(where / "kb")


def _built_and_served(root: Path) -> Iterator[str]:
    """The site of the project in `root`, built and served from localhost, for a fixture."""
    result = build(root, env=EPOCH)
    assert result.returncode == 0, result.log
    base, server = _serve(result.site)
    try:
        yield base
    finally:
        server.shutdown()


def script_bytes(browser: Browser, url: str) -> tuple[int, list[str]]:
    """The bytes of every script the page at `url` fetches (bodies, as served), and their addresses."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    _offline(context, url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + "/")
    page = context.new_page()
    scripts: list[tuple[str, int]] = []

    def seen(response: object) -> None:
        request = response.request  # type: ignore[attr-defined]
        if request.resource_type == "script" or request.url.endswith(".js"):
            scripts.append((request.url, len(response.body())))  # type: ignore[attr-defined]

    page.on("response", seen)
    page.goto(url, wait_until="networkidle")
    context.close()
    return sum(size for _, size in scripts), [address for address, _ in scripts]


@pytest.mark.parametrize("which", ["demo", "init_site"])
def test_a_page_without_a_diagram_loads_little_script(which: str, browser: Browser,
                                                     request: pytest.FixtureRequest) -> None:
    base = request.getfixturevalue(which)
    for path in ("", "agreements/"):
        total, addresses = script_bytes(browser, base + path)
        print(f"{which} {path or 'home'}: {total} bytes of script: {addresses}")
        assert total <= SCRIPT_BUDGET, (path, total, addresses)
        assert not [a for a in addresses if "mermaid" in a]


def test_an_authors_diagram_loads_the_sites_own_mermaid_after_the_content(demo: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    outside = _offline(context, demo)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(demo + "guide/flow/")
    scripts = page.eval_on_selector_all("script[src*=mermaid]",
                                        "ss => ss.map(s => [s.defer, s.closest('article') !== null])")
    assert scripts == [[True, True]]  # deferred, and in the content (where instant navigation runs scripts)
    page.wait_for_function("document.querySelector('div.mermaid') !== null", timeout=20000)
    assert page.locator("div.mermaid").bounding_box()["height"] > 20
    context.close()
    assert outside == [] and errors == []


_VISIBLE_BARS = "[...document.querySelectorAll('[data-accord-timeline] .accord-tl-row')]" \
    ".filter(g => g.getBoundingClientRect().height > 0).map(g => g.dataset.accordId)"
_VISIBLE_ROWS = "[...document.querySelectorAll('[data-accord-register] tr[data-accord-id]')]" \
    ".filter(r => r.offsetParent !== null).map(r => r.dataset.accordId)"


def _timeline_ids(page: object) -> set[str]:
    return set(page.eval_on_selector_all("[data-accord-timeline] .accord-tl-row",  # type: ignore[attr-defined]
                                         "gs => gs.map(g => g.dataset.accordId)"))


@pytest.mark.parametrize("width", [390, 1440])
def test_the_timeline_follows_the_registers_filters(demo: str, browser: Browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(demo + "agreements/?sector=health")
    drawn = _timeline_ids(page)
    bars, rows = page.evaluate(_VISIBLE_BARS), page.evaluate(_VISIBLE_ROWS)
    assert 0 < len(bars) < len(drawn)
    assert sorted(bars) == sorted(r for r in rows if r in drawn)
    # The bars left close up: the picture is no taller than its visible rows need.
    short = page.locator("[data-accord-timeline] > svg").bounding_box()["height"]
    page.select_option("select[data-accord-facet=sector]", "all")
    assert sorted(page.evaluate(_VISIBLE_BARS)) == sorted(drawn)
    assert page.locator("[data-accord-timeline] > svg").bounding_box()["height"] > short
    page.locator("[data-accord-filter]").fill("school meals")
    bars, rows = page.evaluate(_VISIBLE_BARS), page.evaluate(_VISIBLE_ROWS)
    assert len(bars) > 0 and sorted(bars) == sorted(r for r in rows if r in drawn)
    # The timeline's table follows too.
    table = page.eval_on_selector_all("[data-accord-timeline-table] tr[data-accord-id]",
                                      "rs => rs.filter(r => !r.hidden).map(r => r.dataset.accordId)")
    assert sorted(table) == sorted(bars)
    context.close()


@pytest.mark.parametrize(("width", "scheme"), [(390, "dark"), (1440, "light")])
def test_the_pictures_labels_are_readable(demo: str, browser: Browser, width: int, scheme: str) -> None:
    """At least 12 px, in a colour other than the page's background, inside the page's width."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    for path, picture in (("agreements/", "[data-accord-timeline] > svg"),
                          ("organizations/northvale-university/", ".accord-net svg")):
        page.goto(demo + path)
        labels = page.eval_on_selector_all(picture + " text", """ts => ts.map(t => {
            const style = getComputedStyle(t), box = t.getBoundingClientRect()
            return {text: t.textContent, size: parseFloat(style.fontSize), fill: style.fill, right: box.right,
                    display: style.display}
        })""")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        shown = [label for label in labels if label["display"] != "none"]
        assert shown, path
        assert min(label["size"] for label in shown) >= 12, path
        assert not [label for label in shown if label["fill"] in (background, "none", "rgba(0, 0, 0, 0)")], \
            (path, background, shown[:3])
        assert max(label["right"] for label in shown) <= width, path
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(picture).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"i22-pictures-test-{path.split('/')[0]}-{width}-{scheme}.png"))
    context.close()


def test_values_in_a_picture_are_text() -> None:
    title = 'Water <script>alert("x")</script> & "Rivers" </text><a href="javascript:x">'
    term = svg.Term("river-mou", title, "active", date(2026, 1, 1), date(2028, 1, 1))
    for drawn in (svg.timeline([("active", [term])], date(2026, 6, 1)),
                  svg.network(title, [svg.Partner(title, 2)])):
        soup = BeautifulSoup(str(drawn), "html.parser")
        assert soup.find("script") is None and soup.find("a") is None
        texts = " ".join(t.get_text() for t in soup.find_all("text"))
        assert '<script>alert("x")</script>' in texts and '&"Rivers"' in texts.replace(" ", "")
        assert "<script>" not in str(drawn) and " & " not in str(drawn)


def test_one_long_agreement_leaves_the_others_readable() -> None:
    terms = [svg.Term(f"a{i}", f"Agreement {i}", "active", date(2024 + i % 3, 1, 1), date(2027 + i % 2, 6, 30))
             for i in range(6)]
    terms.append(svg.Term("long", "Bus rapid transit PPP", "active", date(2026, 1, 1), date(2045, 12, 31)))
    _, hi = svg.window(terms, date(2026, 6, 1))
    assert hi.year <= 2031  # 2045 is cut at a break, not drawn to scale
    soup = BeautifulSoup(str(svg.timeline([("active", terms)], date(2026, 6, 1))), "html.parser")
    widths = {g["data-accord-id"]: float(g.rect["width"].rstrip("%")) for g in soup.select("g.accord-tl-row")}
    assert min(width for key, width in widths.items() if key != "long") > 15  # % of the picture's width
    long = soup.select_one('g[data-accord-id="long"]')
    assert long.select_one(".accord-tl-break") is not None and "2045 →" in long.get_text()


def test_one_agreement_from_long_ago_is_cut_at_a_break_too() -> None:
    terms = [svg.Term("old", "Framework of 1990", "active", date(1990, 1, 1), date(2027, 1, 1)),
             svg.Term("a", "Agreement a", "active", date(2025, 1, 1), date(2028, 1, 1)),
             svg.Term("b", "Agreement b", "expired", date(2024, 1, 1), date(2026, 1, 1))]
    lo, _ = svg.window(terms, date(2026, 6, 1))
    assert lo.year >= 2020
    soup = BeautifulSoup(str(svg.timeline([("active", terms)], date(2026, 6, 1))), "html.parser")
    old = soup.select_one('g[data-accord-id="old"]')
    assert old.select_one(".accord-tl-break") is not None and "← 1990" in old.get_text()
