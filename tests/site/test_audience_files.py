"""Hardening, third round (issue 20): what an audience may see is decided per file, for
a record's folder, its broken copies and every confidentiality however it is written; the
messages it is given name nothing it may not see; and the preview rebuilds only for what
the site is made of.

Leaks are looked for in a public build (every file, gzip included), in `accord render`,
and in a public preview under a real `mkdocs serve`, crawled over HTTP."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import serving
from accord.format.loading import load
from accord.format.source import declared_confidentiality, read_source
from accord.site.guard import hidden_files
from conftest import KnowledgeBase
from serving import Serve, _port
from sites import ZERO_CONFIG, build

CANARY = "qqcanary"
PUBLIC_CONFIG = ZERO_CONFIG.replace("  - accord/records\n", "  - accord/records:\n      audience: public\n")


@pytest.fixture
def project(kb: KnowledgeBase) -> KnowledgeBase:
    (kb.root / "mkdocs.yml").write_text(PUBLIC_CONFIG.format(name="Public"))
    kb.write("index.md", "# River partnerships\n\nThe home page.\n")
    return kb


serve = serving.serve  # `mkdocs serve` of this module's (public) project


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            raw = response.read()
    except urllib.error.HTTPError:
        return None
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace")


def crawl(base: str, also: tuple[str, ...] = ()) -> dict[str, str]:
    """Every page of a served site a reader can reach from its home page, its sitemap and
    search index, and the addresses in `also` (those that answer)."""
    seen: dict[str, str] = {}
    queue = ["", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json", "search/accord/index.json", *also]
    while queue and len(seen) < 300:
        address = queue.pop()
        if address in seen:
            continue
        text = _get(base + address)
        if text is None:
            continue
        seen[address] = text
        for link in re.findall(r'(?:href|src)="([^"#?]+)', text) + re.findall(r"<loc>([^<]+)</loc>", text):
            url = urllib.request.urljoin(base + address, link)
            if url.startswith(base) and not url.endswith((".js", ".css", ".png", ".svg", ".woff2")):
                queue.append(url[len(base):])
        for shard in re.findall(r'"(words/[^"]+\.json|docs/[^"]+\.json)"', text):
            queue.append("search/accord/" + shard)
    return seen


def no_canary(pages: dict[str, str], *canaries: str) -> None:
    for canary in canaries or (CANARY,):
        found = [address for address, text in pages.items() if canary.lower() in text.lower()]
        assert not found, f"{canary} served at {found}"


def site_text(root: Path) -> dict[str, str]:
    found = {}
    for path in root.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            found[str(path.relative_to(root))] = raw.decode("utf-8", errors="replace")
    return found


def render(root: Path, out: Path, audience: str = "public") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "accord", "render", str(out), "--audience", audience], cwd=root,
                          capture_output=True, text=True, timeout=300, check=False)


ORG_FOLDER_INDEX = f"""\
---
id: qq-holding
type: organization
title: QQ Holding {CANARY}
kind: business
confidentiality: internal
---
Holding company.
"""


# 1. A record filed as its folder's index page owns the folder.

def test_a_record_filed_as_a_folders_index_owns_the_folder(project: KnowledgeBase, tmp_path: Path,
                                                           serve: Callable[[], Serve]) -> None:
    project.write("organizations/qq-holding/index.md", ORG_FOLDER_INDEX)
    project.write("organizations/qq-holding/board-minutes.md", f"# Board minutes\n\n{CANARY} minutes.\n")
    project.write("organizations/qq-holding/annex/plan.md", f"# Plan\n\n{CANARY} plan.\n")
    project.write("organizations/qq-holding/budget.csv", f"line,{CANARY}\n")
    result = build(project.root, strict=False)
    assert result.returncode == 0, result.log
    assert not [p for p, text in site_text(result.site).items() if CANARY in text.lower()]
    rendered = render(project.root, tmp_path / "plain")
    assert rendered.returncode == 0, rendered.stderr
    assert not [p for p, text in site_text(tmp_path / "plain").items() if CANARY in text.lower()]
    server = serve()
    no_canary(crawl(server.url, ("organizations/qq-holding/board-minutes/", "organizations/qq-holding/",
                                 "organizations/qq-holding/budget.csv", "organizations/qq-holding/annex/plan/")))


def test_for_an_audience_that_sees_it_the_folder_goes_out_with_the_record(project: KnowledgeBase) -> None:
    project.write("organizations/qq-holding/index.md", ORG_FOLDER_INDEX)
    project.write("organizations/qq-holding/board-minutes.md", f"# Board minutes\n\n{CANARY} minutes.\n")
    (project.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Internal"))
    result = build(project.root, strict=False)
    assert result.returncode == 0, result.log
    assert CANARY in (result.site / "organizations/qq-holding/board-minutes/index.html").read_text().lower()


# 3. Hidden per file, never per id. 4. A broken record's files are hidden.

def test_a_public_record_that_repeats_a_hidden_ones_id_does_not_unhide_it(project: KnowledgeBase,
                                                                        serve: Callable[[], Serve]) -> None:
    project.write("agreements/river-secret.md", f"""\
        ---
        id: river-secret
        type: agreement
        title: River secret {CANARY}
        kind: mou
        status: draft
        confidentiality: restricted
        parties: [{{org: city-water}}, {{org: river-trust}}]
        ---
        The {CANARY} body.
        """)
    project.write("organizations/river-secret.md",
                  "---\nid: river-secret\ntype: organization\ntitle: River Secret Ltd\nkind: business\n"
                  "confidentiality: public\n---\n")
    server = serve()
    pages = crawl(server.url, ("agreements/river-secret/", "organizations/river-secret/", "accord-problems/"))
    no_canary(pages)
    assert "agreements/river-secret" not in "".join(pages.values())
    result = build(project.root, strict=False)  # a duplicate id stops the build, naming no hidden file
    assert result.returncode != 0 and "duplicate-id" in result.log
    assert CANARY not in result.log.lower() and "agreements/river-secret" not in result.log


def test_a_broken_hidden_records_files_are_not_served(project: KnowledgeBase, serve: Callable[[], Serve]) -> None:
    project.write("agreements/secret-deal.md", f"""\
        ---
        id: secret-deal
        type: agreement
        title: Secret deal {CANARY}
        kind: mou
        status: sigend
        confidentiality: restricted
        parties: [{{org: city-water}}, {{org: river-trust}}]
        ---
        """)
    project.write("agreements/secret-deal/minutes.md", f"# Minutes\n\n{CANARY} minutes.\n")
    project.write("agreements/secret-deal.pdf", f"%PDF {CANARY}")
    server = serve()
    no_canary(crawl(server.url, ("agreements/secret-deal/minutes/", "agreements/secret-deal.pdf",
                                 "agreements/secret-deal/", "accord-problems/")))
    result = build(project.root, strict=False)
    assert result.returncode != 0 and CANARY not in result.log.lower() and "secret-deal" not in result.log
    assert not result.site.exists() or not [p for p, t in site_text(result.site).items() if CANARY in t.lower()]


# 5. Confidentiality read exactly, or the narrowest.

FORMS = {
    "repeated": "confidentiality: restricted\nconfidentiality: public",
    "repeated in another case": "confidentiality: restricted\nConfidentiality: public",
    "a tag": "confidentiality: !!str restricted",
    "the next line": "confidentiality:\n  restricted",
    "an anchor": "confidentiality: &level restricted",
    "a flow mapping": "extra: {confidentiality: public}\nconfidentiality: restricted",
    "a folded block": "confidentiality: >-\n  restricted",
    "quoted key": '"confidentiality": restricted',
}
BROKEN_NEIGHBOURS = {
    "valid YAML, a wrong status": "status: sigend",
    "YAML that does not parse": 'status: "signed',
    "a tab": "status:\tsigned",
}


def _record(form: str, neighbour: str) -> str:
    return (f"---\nid: {CANARY}-deal\ntype: agreement\ntitle: Deal {CANARY}\nkind: mou\n{neighbour}\n{form}\n"
            f"parties: [{{org: city-water}}, {{org: river-trust}}]\n---\nThe {CANARY} body.\n")


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
@pytest.mark.parametrize("neighbour", BROKEN_NEIGHBOURS.values(), ids=BROKEN_NEIGHBOURS.keys())
def test_a_confidentiality_that_cannot_be_read_exactly_is_the_narrowest(form: str, neighbour: str) -> None:
    source = read_source(_record(form, neighbour).encode(), "docs/agreements/x.md", "agreements/x.md")
    assert declared_confidentiality(source) == "restricted"


def test_a_plain_confidentiality_is_read_as_written() -> None:
    for level in ("public", "internal", "restricted"):
        source = read_source(_record(f"confidentiality: {level}", "status: sigend").encode(), "x.md", "x.md")
        assert declared_confidentiality(source) == level
    unparsed = read_source(_record("confidentiality: public", 'status: "signed').encode(), "x.md", "x.md")
    assert declared_confidentiality(unparsed) == "internal"  # YAML unread: never public


_LEVEL = st.sampled_from(["restricted", "'restricted'", '"restricted"', "!!str restricted", "&a restricted",
                          "RESTRICTED", ">-\n  restricted", "|\n  restricted", "\n  restricted", "[restricted]"])
_WIDER = st.sampled_from(["public", "internal", "'public'", "Public", "!!str public"])
_KEY = st.sampled_from(["confidentiality", "'confidentiality'", '"confidentiality"', '"confidentialit\\x79"',
                        "Confidentiality", "confidentiality "])
_NEIGHBOUR = st.sampled_from(["status: sigend", 'status: "signed', "status: signed\n  oops: [", "status:\tsigned",
                              "status: signed", "summary: {unclosed", "extra: {confidentiality: public}"])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=_KEY, level=_LEVEL, wider=st.lists(st.tuples(_KEY, _WIDER), max_size=2), neighbour=_NEIGHBOUR,
       wider_first=st.booleans())
def test_no_spelling_of_restricted_is_shown_to_a_narrower_audience(tmp_path_factory: pytest.TempPathFactory,
                                                                   key: str, level: str,
                                                                   wider: list[tuple[str, str]], neighbour: str,
                                                                   wider_first: bool) -> None:
    """Generated spellings around a restricted record: the load that the build and the
    preview make for a public or internal audience never shows it, its path or its problems."""
    lines = [f"{k}: {w}" for k, w in wider]
    restricted = f"{key}: {level}"
    fields = [*lines, restricted] if wider_first else [restricted, *lines]
    docs = tmp_path_factory.mktemp("kb") / "docs"
    (docs / "agreements").mkdir(parents=True)
    (docs / "organizations").mkdir()
    for org in ("city-water", "river-trust"):
        (docs / "organizations" / f"{org}.md").write_text(
            f"---\nid: {org}\ntype: organization\ntitle: {org}\nkind: ngo\nconfidentiality: public\n---\n")
    (docs / "agreements" / "deal.md").write_text(_record("\n".join(fields), neighbour))
    for audience in ("public", "internal"):
        result = load(docs, audience=audience)
        written = [r for r in result.records if r.rel_path == "agreements/deal.md"]
        if written and written[0].confidentiality.value == "restricted":
            pass  # valid and read as restricted: the catalogue leaves it out
        elif written:
            continue  # valid YAML whose value really is wider (a quoted key spelt otherwise, say)
        shown, _ = result.shown(result.diagnostics)
        assert not [d for d in shown if d.path.endswith("deal.md")], (audience, fields, neighbour)
        from accord.catalogue import Catalogue

        catalogue = Catalogue.build(result.records, audience)
        assert "agreements/deal.md" in hidden_files(result.records, catalogue.records, result.failed)


def test_the_public_preview_shows_no_spelling_of_restricted(project: KnowledgeBase,
                                                            serve: Callable[[], Serve]) -> None:
    for number, form in enumerate(FORMS.values()):
        for neighbour_number, neighbour in enumerate(BROKEN_NEIGHBOURS.values()):
            text = _record(form, neighbour).replace(f"{CANARY}-deal", f"{CANARY}-deal-{number}-{neighbour_number}")
            project.write(f"agreements/form-{number}-{neighbour_number}.md", text)
    server = serve()
    pages = crawl(server.url, ("accord-problems/", *(f"agreements/form-{n}-{m}/" for n in range(len(FORMS))
                                                      for m in range(len(BROKEN_NEIGHBOURS)))))
    no_canary(pages)
    assert not any("form-" in text for text in pages.values())
    result = build(project.root, strict=False)
    assert result.returncode != 0 and CANARY not in result.log.lower() and "form-" not in result.log


# 6. Suggestions and messages name only what the audience may see.

SECRET_ORG = """\
---
id: zephyrsecret-holdings
type: organization
title: Zephyr Secret Holdings
kind: business
confidentiality: restricted
---
"""


def _typo_project(project: KnowledgeBase) -> None:
    project.write("organizations/zephyrsecret-holdings.md", SECRET_ORG)
    project.write("agreements/zephyrsecret-mou.md", """\
        ---
        id: zephyrsecret-mou
        type: agreement
        title: Zephyr secret MOU
        kind: mou
        status: draft
        confidentiality: restricted
        parties: [{org: city-water}, {org: zephyrsecret-holdings}]
        ---
        """)
    project.write("retrospectives/zephyrsecret-retro.md", """\
        ---
        id: zephyrsecret-retro
        type: retrospective
        title: Zephyr secret retro
        confidentiality: restricted
        held: 2026-01-01
        partners: [city-water]
        lessons:
          - {id: zephyrsecret-lesson, title: Zephyr lesson, lesson: Zephyr text}
        ---
        """)
    # A public agreement: a party misspelt near a restricted organisation, a party that is a
    # restricted agreement, a lesson misspelt in a restricted retrospective.
    project.edit("agreements/river-mou.md", "  - org: river-trust\n",
                 "  - org: river-trust\n  - org: zephyrsecret-holding\n  - org: zephyrsecret-mou\n")
    project.edit("agreements/river-mou.md", "kind: mou\n",
                 "kind: mou\nlessons_applied: ['zephyrsecret-retro#zephyrsecret-lesso']\n")
    # A public organisation repeating a restricted one's id (its path must not be named).
    project.write("organizations/zephyrsecret-dup.md", SECRET_ORG.replace("zephyrsecret-holdings", "zephyr-dup"))
    project.write("organizations/zephyr-copy.md", "---\nid: zephyr-dup\ntype: organization\ntitle: Copy\n"
                  "kind: ngo\nconfidentiality: public\n---\n")


def test_suggestions_and_messages_name_no_hidden_record(project: KnowledgeBase, serve: Callable[[], Serve]) -> None:
    _typo_project(project)
    full = project.validate().output
    assert "did you mean `zephyrsecret-holdings`" in full  # validate sees everything
    server = serve()
    pages = crawl(server.url, ("accord-problems/", "agreements/river-mou/"))
    problems = pages["accord-problems/"]
    assert "unknown-id" in problems and "zephyrsecret-holding" in problems  # the author's own typo
    assert "duplicate-id" in problems and "zephyr-dup" in problems  # the public record's own id
    for word in ("zephyrsecret-holdings", "zephyrsecret-dup.md", "zephyrsecret-lesson", "Zephyr Secret",
                 "is an agreement", "restricted"):
        assert word not in problems, word
    count = re.search(r"<strong>(\d+) errors?</strong>", pages[""])
    assert count is not None and f"{count.group(1)} error" in problems  # the banner counts only those shown
    result = build(project.root, strict=False)
    assert result.returncode != 0 and "zephyrsecret-holding" in result.log
    for word in ("zephyrsecret-holdings", "zephyrsecret-dup.md", "zephyrsecret-lesson", "Zephyr Secret"):
        assert word not in result.log, word


@pytest.mark.parametrize("command", [["export", "agreements", "--format", "csv"], ["due", "--within", "3650d"]])
def test_commands_for_an_audience_print_no_hidden_path_or_value(project: KnowledgeBase,
                                                                command: list[str]) -> None:
    _typo_project(project)
    result = subprocess.run([sys.executable, "-m", "accord", *command, "--audience", "public",
                             "--docs-dir", str(project.docs)], cwd=project.root, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 1, result.stderr
    assert "zephyrsecret-holding" in result.stderr  # the public record's own typo
    for word in ("zephyrsecret-holdings", "zephyrsecret-dup.md", "zephyrsecret-lesson", "Zephyr Secret",
                 "is an agreement"):
        assert word not in result.stderr + result.stdout, word


def test_only_hidden_errors_give_a_generic_line_and_no_count(project: KnowledgeBase) -> None:
    project.write("organizations/zephyrsecret-holdings.md", SECRET_ORG.replace("kind: business", "kind: busines"))
    result = subprocess.run([sys.executable, "-m", "accord", "export", "agreements", "--audience", "public",
                             "--docs-dir", str(project.docs)], cwd=project.root, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 1
    assert "zephyr" not in result.stderr.lower() and not re.search(r"\d+ errors?", result.stderr)
    assert "accord validate" in result.stderr


# 9. The preview rebuilds for what the site is made of, nothing else.

def test_a_log_written_beside_mkdocs_yml_rebuilds_nothing(project: KnowledgeBase) -> None:
    log = project.root / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{_port()}"],
                                  cwd=project.root, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while "Serving on" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.3)
            (project.root / "notes.txt").write_text("beside mkdocs.yml")
            (project.root / ".mkdocs.yml.swp").write_text("an editor's swap file")
            time.sleep(8)
            quiet = log.read_text()
            project.edit("agreements/river-mou.md", "title: River clean-up MOU", "title: River clean-up MOU 2")
            deadline = time.monotonic() + 30
            while log.read_text().count("Documentation built") < 2 and time.monotonic() < deadline:
                time.sleep(0.3)
            after = log.read_text()
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert quiet.count("Documentation built") == 1, quiet
    assert after.count("Documentation built") == 2, after  # a record saved still rebuilds


def test_front_matter_only_yaml_reads_is_never_published(project: KnowledgeBase) -> None:
    """A record's type and confidentiality in forms only YAML recognises, in front matter
    that cannot be read: MkDocs would print it all as text, so the build stops."""
    project.write("agreements/typed.md", f'---\nid: typed\ntype: !!str agreement\nconfidentiality: !!str restricted\n'
                                         f'title: {CANARY}\nsummary: "unclosed\n---\n{CANARY} body\n')
    project.write("notes/folded.md", f'---\ntitle: {CANARY}\nconfidentiality: >-\n  restricted\nsummary: "x\n---\n')
    result = build(project.root, strict=False)
    assert result.returncode != 0 and CANARY not in result.log.lower()
    assert not result.site.exists() or not [p for p, t in site_text(result.site).items() if CANARY in t.lower()]


def test_a_hidden_records_folder_outside_exclude_docs_is_refused(project: KnowledgeBase) -> None:
    """Kept out by the author's own pattern for the record alone: another engine would still
    publish the folder it owns, so the build stops and says which files."""
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  /retrospectives/\n",
                                                 "  /retrospectives/\n  /notes/qq-holding.md\n"))
    project.write("notes/qq-holding.md", ORG_FOLDER_INDEX)
    project.write("notes/qq-holding/minutes.md", f"# Minutes\n\n{CANARY}\n")
    result = build(project.root, strict=False)
    assert result.returncode != 0 and "ACCORD_AUDIENCE=restricted" in result.log and "qq-holding" not in result.log
    (project.root / "mkdocs.yml").write_text(config.read_text().replace("      audience: public\n", "")
                                             .replace("  - accord/records:\n", "  - accord/records\n"))
    result = build(project.root, strict=False, env={"ACCORD_AUDIENCE": "restricted"})  # named to restricted only
    assert result.returncode != 0 and "notes/qq-holding/minutes.md: a file of a record that is not public" in result.log


# Red-team variants found after the first fixes.

HIDDEN_AGREEMENT = f"""\
---
id: secret-canary
type: agreement
title: Title {CANARY}
kind: mou
status: draft
confidentiality: restricted
parties: [{{org: city-water}}, {{org: river-trust}}]
---
{CANARY} body
"""


@pytest.mark.parametrize("written", ["type: [agreement]", "type:\n  - agreement", "type: {agreement: yes}",
                                     '"type ": agreement', "type\u00a0: agreement", "TYPE : agreement"])
def test_a_type_written_in_any_form_is_still_a_record(project: KnowledgeBase, written: str) -> None:
    """Not a page to publish: its confidentiality (here the default, internal) would go unread."""
    project.write("agreements/typed.md", HIDDEN_AGREEMENT.replace("type: agreement", written)
                  .replace("confidentiality: restricted\n", ""))
    result = build(project.root, strict=False)
    assert result.returncode != 0 and CANARY not in result.log.lower()
    assert "typed.md" in project.validate().output and "unknown-type" in project.validate().output


def test_copies_and_annexes_named_after_a_hidden_record_go_with_it(project: KnowledgeBase, tmp_path: Path) -> None:
    project.write("agreements/secret-canary.md", HIDDEN_AGREEMENT)
    for name in ("secret-canary.md.bak", "secret-canary.annex.md", "secret-canary.v2.pdf", "secret-canary.md~"):
        project.write(f"agreements/{name}", f"# Copy\n\n{CANARY} copy\n")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  /retrospectives/\n", "  /retrospectives/\n  /notes/secret.md\n"))
    project.write("notes/secret.md", HIDDEN_AGREEMENT.replace("secret-canary", "secret"))
    project.write("notes/secret.md.orig", f"{CANARY} original\n")
    result = build(project.root, strict=False)
    # The copy beside a record filed outside the record folders: refused (another engine would publish it).
    assert result.returncode != 0 and "ACCORD_AUDIENCE=restricted" in result.log and "secret.md.orig" not in result.log
    (project.docs / "notes/secret.md.orig").unlink()
    result = build(project.root, strict=False)
    assert result.returncode == 0, result.log
    assert not [p for p, t in site_text(result.site).items() if CANARY in t.lower()]
    assert "secret-canary" not in result.log
    rendered = render(project.root, tmp_path / "plain")
    assert rendered.returncode == 0 and "secret-canary" not in rendered.stderr
    assert not [p for p, t in site_text(tmp_path / "plain").items() if CANARY in t.lower()]


def test_a_record_in_a_dot_file_taken_back_by_exclude_docs_is_refused(project: KnowledgeBase) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  /retrospectives/\n", "  /retrospectives/\n  !/notes/.*\n"))
    project.write("notes/.secret.md", HIDDEN_AGREEMENT)
    result = build(project.root, strict=False)
    assert result.returncode != 0 and "whose names start with a dot" in result.log and ".secret" not in result.log
    assert CANARY not in result.log.lower()


@pytest.mark.parametrize("form", ["&k confidentiality: public\n*k : restricted",
                                  "confidentiality: !restricted public",
                                  "? [confidentiality]\n: restricted\nconfidentiality: public",
                                  "<<: {confidentiality: restricted}"])
def test_yaml_features_that_read_otherwise_are_taken_as_restricted(form: str) -> None:
    text = HIDDEN_AGREEMENT.replace("confidentiality: restricted", form)
    source = read_source(text.encode(), "docs/agreements/x.md", "agreements/x.md")
    assert declared_confidentiality(source) == "restricted"


def test_navigation_entries_into_a_hidden_records_folder_are_dropped(project: KnowledgeBase, tmp_path: Path) -> None:
    project.write("agreements/secret-canary.md", HIDDEN_AGREEMENT)
    project.write("agreements/secret-canary/minutes.md", f"# Minutes\n\n{CANARY}\n")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text() + "nav:\n  - index.md\n  - agreements/river-mou.md\n"
                      "  - agreements/secret-canary/index.md#parties\n  - agreements/secret-canary/\n"
                      "  - Minutes: agreements/secret-canary/minutes.md\n  - agreements/secret-canary.pdf\n")
    result = build(project.root, strict=False)
    assert result.returncode == 0, result.log
    assert not [p for p, t in site_text(result.site).items() if "secret-canary" in t or CANARY in t.lower()]
    assert "secret-canary" not in result.log
    rendered = render(project.root, tmp_path / "plain")
    assert rendered.returncode == 0, rendered.stderr
    assert "secret-canary" not in (tmp_path / "plain" / "mkdocs.yml").read_text()


def test_a_link_problem_in_a_hidden_records_folder_is_not_named(project: KnowledgeBase) -> None:
    project.write("agreements/secret-canary.md", HIDDEN_AGREEMENT)
    (project.docs / "agreements/secret-canary").mkdir()
    (project.docs / "agreements/secret-canary/scan.pdf").symlink_to("/etc/hostname")
    (project.docs / "agreements/secret-canary.pdf").symlink_to("/nowhere/at/all")
    result = build(project.root, strict=False)
    assert result.returncode != 0 and "secret-canary" not in result.log
    assert "errors this audience may not be shown" in result.log
    export = subprocess.run([sys.executable, "-m", "accord", "export", "agreements", "--audience", "public",
                             "--docs-dir", str(project.docs)], cwd=project.root, capture_output=True, text=True,
                            timeout=120, check=False)
    assert export.returncode == 1 and "secret-canary" not in export.stderr
    assert "secret-canary" in project.validate().output  # validate names it


def test_links_to_the_sites_own_address_are_cut_however_written(project: KnowledgeBase, tmp_path: Path) -> None:
    project.write("agreements/secret-canary.md", HIDDEN_AGREEMENT)
    config = project.root / "mkdocs.yml"
    config.write_text("site_url: https://kb.example.org/\n" + config.read_text())
    forms = ["https://kb.example.org:443/agreements/secret-canary/", "HTTPS://KB.EXAMPLE.ORG/agreements/secret-canary/",
             "//kb.example.org/agreements/secret-canary/", "http://kb.example.org/agreements/secret-canary/"]
    project.write("notes.md", "# Notes\n\n" + "\n".join(f"[{n}]({form})" for n, form in enumerate(forms)) + "\n")
    project.edit("organizations/city-water.md", "kind: government\n",
                 "kind: government\nwebsite: https://KB.example.org/agreements/secret-canary/\n")
    result = build(project.root, strict=False)
    assert result.returncode == 0, result.log
    # The targets are gone; the text stays, as the author wrote it in a public record.
    targets = re.compile(r"""(?:href|src)\s*=\s*["'][^"']*secret-canary""", re.IGNORECASE)
    assert not [p for p, t in site_text(result.site).items() if p.endswith(".html") and targets.search(t)]
    rendered = render(project.root, tmp_path / "plain")
    assert rendered.returncode == 0, rendered.stderr
    written = site_text(tmp_path / "plain" / "docs")
    assert not [p for p, t in written.items() if targets.search(t) or re.search(r"\]\([^)]*secret-canary", t)]


def test_a_zensical_toml_beside_mkdocs_yml_is_refused(project: KnowledgeBase) -> None:
    """Zensical would read it instead of mkdocs.yml, whose guard Accord checks."""
    (project.root / "zensical.toml").write_text('[project]\nsite_name = "Other"\n')
    result = build(project.root, strict=False)
    assert result.returncode != 0 and "zensical.toml: Zensical reads this file instead of mkdocs.yml" in result.log


# Review findings.

def _amendment(project: KnowledgeBase, extra: str = "") -> None:
    """A public amendment filed in its restricted parent's folder: a record of its own."""
    project.write("agreements/secret-canary.md", HIDDEN_AGREEMENT)
    project.write("agreements/secret-canary/amendment-1.md", f"""\
        ---
        id: public-amendment
        type: agreement
        title: Public amendment
        kind: mou
        status: draft
        confidentiality: public
        parties: [{{org: city-water}}, {{org: river-trust}}{extra}]
        ---
        """)


def test_a_visible_record_in_a_hidden_records_folder_keeps_its_links(project: KnowledgeBase) -> None:
    _amendment(project)
    project.write("notes.md", "# Notes\n\n[amendment](agreements/secret-canary/amendment-1.md)\n"
                  "[annex](agreements/secret-canary.annex.md) [copy](agreements/secret-canary.v2.pdf)\n")
    result = build(project.root, strict=False)
    assert result.returncode == 0, result.log
    register = (result.site / "agreements/index.html").read_text()
    assert 'href="secret-canary/amendment-1/"' in register
    notes = (result.site / "notes/index.html").read_text()
    assert "amendment-1/" in notes and "secret-canary.annex" not in notes and "secret-canary.v2" not in notes
    assert not [p for p, t in site_text(result.site).items() if CANARY in t.lower()]


def test_a_visible_records_errors_in_a_hidden_records_folder_are_shown(project: KnowledgeBase) -> None:
    _amendment(project, ", {org: river-trusst}")
    result = build(project.root, strict=False)
    assert result.returncode != 0 and "amendment-1.md" in result.log and "did you mean `river-trust`" in result.log
    assert CANARY not in result.log.lower()


def test_an_ordinary_pages_problems_are_named_to_every_audience(project: KnowledgeBase) -> None:
    project.write("about.md", "---\ntitle: [About\n---\n# About\n")
    result = build(project.root, strict=False)
    assert result.returncode != 0 and "docs/about.md:2" in result.log


def test_a_record_whose_front_matter_never_closes_is_taken_as_restricted(project: KnowledgeBase) -> None:
    project.write("agreements/secret-canary.md", HIDDEN_AGREEMENT.replace(f"---\n{CANARY} body", f"{CANARY} body"))
    (project.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Internal"))
    result = build(project.root, strict=False)
    assert result.returncode != 0 and "secret-canary" not in result.log
    assert "frontmatter-unclosed" in project.validate().output


def test_a_superseded_agreements_warning_names_no_hidden_successor(project: KnowledgeBase) -> None:
    project.write("agreements/secret-canary.md",
                  HIDDEN_AGREEMENT.replace("kind: mou\n", "kind: mou\nsupersedes: river-mou\n"))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project.root,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode != 0, "the warning still fails a strict build"
    assert "A newer agreement supersedes this agreement" in result.stderr and "secret-canary" not in result.stderr


def test_a_type_of_several_words_naming_a_record_type_is_a_record(project: KnowledgeBase) -> None:
    project.write("agreements/multiword.md", HIDDEN_AGREEMENT.replace("type: agreement", "type: data sharing agreement")
                  .replace("confidentiality: restricted\n", ""))
    result = build(project.root, strict=False)
    assert result.returncode != 0 and CANARY not in result.log.lower()
    assert "unknown-type" in project.validate().output


def test_a_web_address_in_prose_to_a_hidden_page_is_not_made_a_link_by_another_engine(
        project: KnowledgeBase, tmp_path: Path) -> None:
    """The text stays (prose is the author's); the rendered project's autolinker (magiclink)
    makes no link of it, where the plugin build cuts the one it makes."""
    project.write("agreements/secret-canary.md", HIDDEN_AGREEMENT)
    config = project.root / "mkdocs.yml"
    config.write_text("site_url: https://kb.example.org/\n" + config.read_text()
                      + "markdown_extensions:\n  - pymdownx.magiclink\n")
    project.write("notes.md", "# Notes\n\nSee <span>https://kb.example.org/agreements/secret-canary/</span> and "
                  "https://kb.example.org/agreements/river-mou/.\n")
    targets = re.compile(r"""href\s*=\s*["'][^"']*secret-canary""", re.IGNORECASE)
    result = build(project.root, strict=False)
    assert result.returncode == 0, result.log
    notes = (result.site / "notes/index.html").read_text()
    assert not targets.search(notes) and "river-mou/" in notes
    rendered = render(project.root, tmp_path / "plain")
    assert rendered.returncode == 0, rendered.stderr
    plain = build(tmp_path / "plain", strict=False)  # MkDocs without Accord, with magiclink
    assert plain.returncode == 0, plain.log
    page = (plain.site / "notes.html").read_text()
    assert not targets.search(page) and "kb.example.org/agreements/secret-canary/" in page
    assert 'href="https://kb.example.org/agreements/river-mou/"' in page
