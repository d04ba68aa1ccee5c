"""`mkdocs serve` while records are broken: the preview never hangs (issue 13).

The server is started for real on a loopback port and its pages fetched over HTTP, as a
browser would, each within a few seconds.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest

import serving
from conftest import KnowledgeBase
from serving import Serve, fetch, until
from sites import ZERO_CONFIG, build

BROKEN = ("status: active", "status: activ")
AG = "agreements/river-mou.md"
serve = serving.serve  # `mkdocs serve` of this module's project (below)


@pytest.fixture
def project(kb: KnowledgeBase) -> KnowledgeBase:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Preview"))
    kb.write("index.md", "# River partnerships\n\nThe home page.\n")
    return kb




def test_serve_starts_with_a_broken_record_and_shows_what_is_wrong(project: KnowledgeBase,
                                                                     serve: Callable[[], Serve]) -> None:
    project.edit(AG, *BROKEN)
    server = serve()
    page = fetch(server.url + "agreements/river-mou/")
    assert "This record has errors" in page and "invalid-choice" in page and "did you mean <code>active</code>?" in page
    assert "docs/agreements/river-mou.md" in page and "<td>7:9</td>" in page  # file and line
    home = fetch(server.url)
    assert "accord-preview-banner" in home and "1 error" in home
    problems = fetch(server.url + "accord-problems/")
    assert "invalid-choice" in problems and "agreements/river-mou/" in problems
    # The other records are served as usual.
    assert "City Water Authority" in fetch(server.url + "organizations/city-water/")
    # Fixed: the record's page comes back, and the banner goes.
    project.edit(AG, BROKEN[1], BROKEN[0])
    until(lambda: "River clean-up MOU" in fetch(server.url + "agreements/river-mou/")
          and "This record has errors" not in fetch(server.url + "agreements/river-mou/"))
    assert "accord-preview-banner" not in fetch(server.url)


def test_a_record_broken_mid_session_keeps_the_site_answering(project: KnowledgeBase,
                                                              serve: Callable[[], Serve]) -> None:
    server = serve()
    assert "River clean-up MOU" in fetch(server.url + "agreements/river-mou/")
    project.edit(AG, "title: River clean-up MOU", "title: MOU: river clean-up")
    until(lambda: "accord-preview-banner" in fetch(server.url))
    started = time.monotonic()
    page = fetch(server.url + "agreements/river-mou/")
    assert time.monotonic() - started < 5
    assert "put the value in quotes" in page
    assert "City Water Authority" in fetch(server.url + "organizations/city-water/")


def test_build_still_fails_on_errors(project: KnowledgeBase) -> None:
    project.edit(AG, *BROKEN)
    result = build(project.root)
    assert result.returncode == 1 and "invalid-choice" in result.log


def test_the_preview_shows_nothing_of_a_broken_record_outside_the_audience(project: KnowledgeBase,
                                                                           serve: Callable[[], Serve]) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - accord/records\n",
                                                 "  - accord/records:\n      audience: public\n"))
    project.edit(AG, "confidentiality: public", "confidentiality: restricted")
    project.edit(AG, "title: River clean-up MOU", "title: Codename Zephyrine: ceiling 650000")
    server = serve()
    home = fetch(server.url)
    # Not even a count: no banner, no page of problems, no page of the record (issue 20).
    assert "accord-preview-banner" not in home and "Zephyrine" not in home and "river-mou" not in home
    for address in ("accord-problems/", "agreements/river-mou/"):
        with pytest.raises(urllib.error.HTTPError):
            fetch(server.url + address)


def test_a_broken_record_is_never_served_as_its_raw_text(project: KnowledgeBase, serve: Callable[[], Serve]) -> None:
    """Its front matter unreadable, its id unknown: still not published as a plain page."""
    project.write("agreements/garbled.md",
                  "---\ntype: agreement\nid: [unclosed\nsummary: Zephyrine secret\n---\nText\n")
    server = serve()
    page = fetch(server.url + "agreements/garbled/")
    assert "This record has errors" in page and "Zephyrine" not in page


def test_in_the_browser_the_banner_shows_and_the_fixed_page_comes_back(project: KnowledgeBase,
                                                                       serve: Callable[[], Serve]) -> None:
    """As an author sees it in Chromium beside the editor: the banner and the problem, then,
    after the fix is saved, live reload brings the record's page back."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    from browsers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (scripts/test.sh installs it)")
    project.edit(AG, *BROKEN)
    server = serve()
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(server.url + "organizations/city-water/")
        banner = page.locator(".accord-preview-banner")
        assert banner.is_visible() and "1 error" in banner.inner_text()
        banner.locator("a").click()
        page.wait_for_url("**/accord-problems/")
        page.locator("article h2 a", has_text="docs/agreements/river-mou.md").click()
        page.wait_for_url("**/agreements/river-mou/")
        assert page.get_by_text("This record has errors").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "preview-broken-record.png"))
        project.edit(AG, BROKEN[1], BROKEN[0])  # saved in the editor: live reload does the rest
        page.locator("h1", has_text="River clean-up MOU").wait_for(timeout=30_000)
        assert page.locator(".accord-preview-banner").count() == 0
        page.screenshot(path=str(ARTIFACTS / "preview-fixed-record.png"))
        browser.close()
