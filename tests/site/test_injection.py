"""Every value is text (issue 20, items 7 and 8): no field value becomes Markdown or HTML
wherever it is shown, and the preview's messages stay text.

Real sites are built from a knowledge base whose every text field of every record type holds
hostile text: line breaks of every kind, Markdown links and images (inline, reference-style
with their definition, autolinks, bare URLs), HTML elements and entities. Each field's text
carries its own marker, so that a link, image, element or attribute made from a value is
found wherever it lands, in every page and in the search index, and each value's words
must still be there as text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.site.spreadsheets import ROW_OF
from accord.site.templating import yaml_scalar
from serving import Serve, fetch
from sites import ZERO_CONFIG, Build, build

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22: one objective overdue, another coming up
MARK = "zzinj"

CONFIG = ZERO_CONFIG.format(name="Injection").replace("  - search\n", "  - search\n  - tags\n") + """\
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.magiclink
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""

# Every text field of every record type, by the record whose page shows it. `{name}` in a
# record below is the field's value, written as YAML by `_scalar`.
FIELDS = {
    "organizations/city-water": ["orgtitle", "orgsummary", "jurisdiction", "contactname", "contactrole"],
    "organizations/river-trust": ["partnertitle", "partnersummary"],
    "agreements/river-mou": ["agreementtitle", "agreementsummary", "signatory", "statement", "metric", "baseline",
                             "target", "activity", "resource", "meetings", "escalation", "reporting"],
    "playbooks/river-playbook": ["playbooktitle", "playbooksummary"],
    "retrospectives/river-retro": ["retrotitle", "retrosummary", "lessontitle", "event", "lesson",
                                   "recommendation"],
}
# Page keys the theme prints: the description as the page's <meta name="description">.
META_FIELDS = {"orgdescription": "organizations/city-water", "subtitle": "organizations/city-water"}
ALL_FIELDS = [name for names in FIELDS.values() for name in names] + list(META_FIELDS)

RECORDS = {
    "organizations/city-water.md": """\
id: city-water
type: organization
title: {orgtitle}
summary: {orgsummary}
description: {orgdescription}
subtitle: {subtitle}
confidentiality: public
tags: [water]
kind: government
jurisdiction: {jurisdiction}
website: https://water.example.org/
contacts:
  - name: {contactname}
    role: {contactrole}
    email: desk@water.example.org
""",
    "organizations/river-trust.md": """\
id: river-trust
type: organization
title: {partnertitle}
summary: {partnersummary}
confidentiality: public
kind: ngo
parent: city-water
""",
    "agreements/river-mou.md": """\
id: river-mou
type: agreement
title: {agreementtitle}
summary: {agreementsummary}
confidentiality: public
tags: [water]
kind: mou
status: active
sector: water
parties:
  - org: city-water
    role: lead
    signatory: {signatory}
  - org: river-trust
dates:
  signed: 2026-01-10
  effective: 2026-02-01
  expires: 2030-01-31
  review: 2026-12-10
objectives:
  - id: litter
    statement: {statement}
    metric: {metric}
    baseline: {baseline}
    target: {target}
    due: 2026-11-01
    owner: river-trust
  - id: report
    statement: Publish the yearly report
    due: 2026-12-01
responsibilities:
  - activity: {activity}
    responsible: [river-trust]
    accountable: city-water
    informed: [city-water]
resources:
  - from: city-water
    kind: funding
    description: {resource}
    amount: 25000
    currency: EUR
governance:
  meetings: {meetings}
  escalation: {escalation}
  reporting: {reporting}
""",
    "playbooks/river-playbook.md": """\
id: river-playbook
type: playbook
title: {playbooktitle}
summary: {playbooksummary}
confidentiality: public
tags: [water]
owner: city-water
applies_to:
  kinds: [mou]
reviewed: 2026-01-05
""",
    "retrospectives/river-retro.md": """\
id: river-retro
type: retrospective
title: {retrotitle}
summary: {retrosummary}
confidentiality: public
held: 2026-10-01
agreements: [river-mou]
phase: implementation
lessons:
  - id: volunteers
    title: {lessontitle}
    event: {event}
    lesson: {lesson}
    recommendation: {recommendation}
    impact: negative
    topics: [volunteering]
""",
}

# Hostile text, MARK standing for the field's own marker. Each piece is something Markdown
# or HTML would make into markup, if it ever read a value.
PIECES = [
    "[click me](javascript:alert('MARK'))",
    "![an image](https://MARK.example/i.png)",
    "[a reference][MARK]\n\n[MARK]: javascript:alert('MARK')",
    "[the definition]\n\n[the definition]: https://MARK.example/ref",
    "<javascript:alert('MARK')>",
    "<https://MARK.example/auto>",
    "https://MARK.example/bare and www.MARK.example",
    "MARK@mail.example",
    "<script>alert('MARK')</script>",
    '<img src="x" onerror="alert(\'MARK\')">',
    '<iframe src="https://MARK.example/frame"></iframe>',
    "<x-MARK>a tag</x-MARK>",
    "&lt;script&gt;MARK&lt;/script&gt; and &amp;lt;",
    "[entity](&#106;avascript:alert('MARK'))",
    "&#60;b&#62;MARK&#60;/b&#62;",
    "*MARKem* and **MARKstrong** and `MARKcode` and ~~MARKdel~~",
    '{ #MARK onclick="alert(\'MARK\')" }',
    "<div markdown=\"1\">[inner](javascript:alert('MARK'))</div>",
    "| MARK | cell |\n|---|---|\n| a | b |",
    "# MARK heading",
    "> MARK quoted",
    "- MARK item",
    "    MARK indented code",
    "```\nMARK fenced\n```",
    "%%{init: {'theme':'dark'}}%% `**MARK**`",
    "Plain words: café, 1.10 & <2> \"quoted\"",
]
SEPARATORS = [" ", "\n", "\n\n", "\n \n", "\n\n\n", "\u2028", "\u2029"]
# The reproduction, and the same in every form of link and tag at once.
REPRODUCTION = "Sum\n\n[click me](javascript:alert(document.domain))"
EVERYTHING = "\n\n".join(PIECES)

# Attributes a value's words may stand in as text (escaped): the page's description, and the
# names the theme gives its links to the previous and next pages.
# What Accord's pictures are drawn with (accord.site.svg): shapes, and text in text nodes.
PICTURE_ELEMENTS = {"svg", "title", "g", "text", "tspan", "rect", "line", "path", "circle"}
TEXT_ATTRIBUTES = {("meta", "content"), ("a", "aria-label")}
# Elements that run, load or embed something, whatever their attributes.
ACTIVE = {"script", "style", "iframe", "frame", "object", "embed", "img", "svg", "math", "form", "input", "button",
          "textarea", "video", "audio", "source", "link", "base", "template"}


def _marker(field: str) -> str:
    return MARK + field


def _scalar(value: str, block: bool, indent: str) -> str:
    """A value as YAML: a literal block (its lines as written), or a double-quoted string
    with escapes (which is how a line separator is written: YAML refuses it as a character)."""
    if block and "\u2028" not in value and "\u2029" not in value:
        inner = indent + "  "
        return "|2-\n" + "\n".join(inner + line if line else "" for line in value.split("\n"))
    return yaml_scalar(value)


def write_knowledge_base(root: Path, values: dict[str, str], *, block: bool = False, crlf: bool = False) -> None:
    """The knowledge base with `values` in its fields (CRLF: every line ends so)."""
    docs = root / "docs"
    for rel, template in RECORDS.items():
        text = template
        for field, value in values.items():
            placeholder = "{" + field + "}"
            if placeholder in text:
                line = next(line for line in text.splitlines() if placeholder in line)
                indent = line[: len(line) - len(line.lstrip(" -"))].replace("-", " ")
                text = text.replace(placeholder, _scalar(value, block, indent))
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        page = "---\n" + text + "---\nThe body.\n"
        path.write_bytes(page.replace("\n", "\r\n" if crlf else "\n").encode("utf-8"))
    (docs / "index.md").write_text("# Home\n\n<!-- accord:dashboard -->\n", encoding="utf-8")
    (docs / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")


def _words(text: str) -> str:
    return " ".join(text.split())


def _markup_from_values(soup: BeautifulSoup, where: str) -> list[str]:
    """Elements and attributes that a value made: a tag named with a marker, an active
    element holding one, an attribute (href, src, on…, id…) holding one."""
    found = []
    for tag in soup.find_all(True):
        if MARK in tag.name:
            found.append(f"{where}: element <{tag.name}>")
        picture = tag.name == "svg" and tag.find_parent("figure", class_="accord-diagram") is not None
        if tag.name in ACTIVE and MARK in tag.get_text() and not picture:
            found.append(f"{where}: <{tag.name}> holding {tag.get_text()[:80]!r}")
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if MARK in text and (tag.name, name) not in TEXT_ATTRIBUTES:
                found.append(f"{where}: <{tag.name} {name}={text[:80]!r}>")
    return found


def _strings(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def _calendar_lines(ics: str) -> list[str]:
    """The calendar's properties, unfolded, and each description's lines."""
    lines = []
    for line in ics.replace("\r\n ", "").split("\r\n"):
        if line.startswith("DESCRIPTION:"):
            lines += line[len("DESCRIPTION:"):].split("\\n")
        elif line.startswith("SUMMARY:"):
            lines.append(line)
    return lines


# The registers' JSON files (accord.site.spreadsheets): data, not pages or search indexes.
SPREADSHEETS = {f"{kind}.json" for kind in ROW_OF}


def assert_values_are_text(site: Path, values: dict[str, str], *, plain: bool = False) -> None:
    """Nothing in the built site (every page, the search index, the diagrams, the
    calendar) was made from a value, and each value's words are shown as text on its
    record's page. `plain`: a site built without Accord's plugins (from `accord render`)."""
    found: list[str] = []
    pages: dict[str, BeautifulSoup] = {}
    for path in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        rel = path.relative_to(site).as_posix()
        pages[rel] = soup
        found += _markup_from_values(soup, rel)
        for diagram in soup.select("figure.accord-diagram svg"):
            # Accord's pictures (accord.site.svg) hold values as text alone.
            found += [f"{rel}: <{tag.name}> in a picture" for tag in diagram.find_all(True)
                      if tag.name not in PICTURE_ELEMENTS]
    for path in sorted(site.rglob("*.json")):  # the search indexes
        rel = path.relative_to(site).as_posix()
        if path.name in SPREADSHEETS:
            # A register's data for a spreadsheet (accord export): values as text by JSON's
            # rules, written with < > & escaped, so that no file the site serves holds markup.
            if "<" in path.read_text(encoding="utf-8"):
                found.append(f"{rel}: a '<' as it is in a register's JSON")
            continue
        for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            if MARK in text and "<" in text:
                found += _markup_from_values(BeautifulSoup(text, "html.parser"), rel)
    calendar = site / "calendar.ics"
    if calendar.exists():
        for line in _calendar_lines(calendar.read_bytes().decode("utf-8")):
            if MARK in line and not re.match(r"(SUMMARY:)?(Review|Expires|Objective due|Agreement|Responsible): ",
                                             line):
                found.append(f"calendar.ics: a line made by a value: {line!r}")
    assert found == [], "\n".join(found)

    ending = ".html" if plain else "/index.html"
    for record, fields in FIELDS.items():
        soup = pages[record + ending]
        shown = _words(soup.select_one("article").get_text())
        for field in fields:
            assert _words(values[field]) in shown, f"{field}: {_words(values[field])!r} not shown in {record}"
    org = pages["organizations/city-water" + ending]
    assert _words(org.select_one('meta[name="description"]')["content"]) == _words(values["orgdescription"])


def _build(root: Path) -> Build:
    result = build(root, env=EPOCH)  # --strict: a value made into a link to nowhere would warn
    assert result.returncode == 0, result.log
    return result


def _values(value: Callable[[str], str]) -> dict[str, str]:
    return {field: value(_marker(field)) for field in ALL_FIELDS}


# Item 7: the reproduction, in every field it names and everywhere it spreads ----------


def test_a_blank_line_in_a_value_makes_no_link_anywhere(tmp_path: Path) -> None:
    values = _values(lambda mark: f"{mark} " + REPRODUCTION)
    write_knowledge_base(tmp_path, values)
    result = _build(tmp_path)
    for path, text in result.text_files().items():
        if path.suffix == ".html":
            links = BeautifulSoup(text, "html.parser").select('a[href^="javascript"]')
            assert links == [], f"{path}: {links}"
    shown = "Sum [click me](javascript:alert(document.domain))"
    # Where the issue saw it spread: registers, the dashboard, the responsibilities overview,
    # the due page; the value is there as the words the author wrote.
    for url, field in [("agreements", "agreementtitle"), ("organizations", "orgtitle"), ("", "statement"),
                       ("", "agreementtitle"), ("responsibilities", "activity"), ("due", "statement"),
                       ("lessons", "recommendation"), ("playbooks", "playbooktitle")]:
        words = _words(result.page(url).select_one("article").get_text())
        assert f"{_marker(field)} {shown}" in words, (url, field)
    summary = result.page("agreements/river-mou").select_one(".accord-summary")
    assert summary.get_text() == f"{_marker('agreementsummary')} {shown}" and summary.find("a") is None
    assert_values_are_text(result.site, values)


def test_every_field_of_every_record_type_is_text_whatever_it_holds(tmp_path: Path) -> None:
    """Each field holds every hostile piece at once, between blank lines: the explicit example."""
    values = _values(lambda mark: f"{mark} " + EVERYTHING.replace("MARK", mark))
    write_knowledge_base(tmp_path, values, block=True)
    result = _build(tmp_path)
    assert_values_are_text(result.site, values)
    # The lesson's heading is Markdown: its words are all there, and its anchor is its id.
    heading = result.page("retrospectives/river-retro").select_one("h2#volunteers")
    assert _words(values["lessontitle"]) in _words(heading.get_text())


def test_accord_render_writes_values_as_text_for_any_engine(tmp_path: Path) -> None:
    """The plain project `accord render` writes, built by MkDocs without Accord's plugins."""
    values = _values(lambda mark: f"{mark} " + EVERYTHING.replace("MARK", mark))
    write_knowledge_base(tmp_path / "kb", values)
    out = tmp_path / "plain"
    rendered = subprocess.run([sys.executable, "-m", "accord", "render", str(out)], cwd=tmp_path / "kb",
                              capture_output=True, text=True, timeout=120, check=False, env={**os.environ, **EPOCH})
    assert rendered.returncode == 0, rendered.stderr
    for path in (out / "docs").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert "ACCORD0" not in text, path  # no placeholder left behind
    result = build(out, env=EPOCH)
    assert result.returncode == 0, result.log
    assert_values_are_text(result.site, values, plain=True)
    zensical = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")
    assert zensical is not None, "zensical is not installed: the test command installs it (pyproject's test extra)"
    built = subprocess.run([zensical, "build", "--clean"], cwd=out, capture_output=True, text=True, timeout=600,
                           check=False, env={**os.environ, **EPOCH, "NO_COLOR": "1"})
    assert built.returncode == 0, built.stdout + built.stderr
    assert_values_are_text(out / "site", values, plain=True)


@pytest.mark.parametrize("crlf", [False, True])
def test_line_breaks_of_every_kind_become_spaces(tmp_path: Path, crlf: bool) -> None:
    """Written as a literal block in a file with CRLF or LF line ends, or with the line and
    paragraph separators YAML reads from escapes: one line of text on every page."""
    separators = "\n \n".join(["first", "second\u2028third", "fourth\u2029[x](javascript:alert('MARK'))"])
    values = _values(lambda mark: f"{mark} " + separators.replace("MARK", mark))
    write_knowledge_base(tmp_path, values, block=True, crlf=crlf)
    result = _build(tmp_path)
    assert_values_are_text(result.site, values)
    mark = _marker("agreementsummary")
    summary = result.page("agreements/river-mou").select_one(".accord-summary").get_text()
    assert summary == f"{mark} first second third fourth [x](javascript:alert('{mark}'))"


OVERRIDE = """\
{% import "pages/_macros.md.j2" as ui %}
<div class="overridden">
<p class="joined">{{ [m.title, m.summary] | join(" · ") }} {{ [ui.chip("chip"), m.summary] | join(" ") }}</p>
<p class="escaped">{{ m.summary | e }} {{ m.summary | forceescape }}</p>
<p class="concatenated">{{ ui.chip("chip") ~ m.summary }} {{ m.summary ~ "." }}</p>
<p class="filtered">{{ m.summary | replace("Sum", "Summary") }} {{ m.summary | wordwrap(12, false) }}</p>
</div>

{{ body }}
"""


def test_a_site_s_own_templates_show_values_as_text_whatever_their_filters(tmp_path: Path) -> None:
    """A template overridden in the theme's custom_dir joins, escapes and concatenates values:
    they are still one line of text."""
    values = _values(lambda mark: f"{mark} " + REPRODUCTION)
    write_knowledge_base(tmp_path, values)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (tmp_path / "overrides" / "accord" / "pages").mkdir(parents=True)
    (tmp_path / "overrides" / "accord" / "pages" / "playbook.md.j2").write_text(OVERRIDE)
    result = _build(tmp_path)
    page = result.page("playbooks/river-playbook")
    assert page.select_one(".overridden") is not None
    assert page.select('a[href^="javascript"]') == []
    shown = "Sum [click me](javascript:alert(document.domain))"
    for paragraph in page.select(".overridden p"):
        assert paragraph.find("a") is None and shown in _words(paragraph.get_text()), paragraph


def test_a_carriage_return_in_a_value_is_refused_with_a_fix(tmp_path: Path) -> None:
    """A lone CR can only be written as an escape, which is refused; the site is not built."""
    values = _values(lambda mark: f"{mark} words")
    values["agreementsummary"] = "Sum\r\r[click me](javascript:alert(1))"
    write_knowledge_base(tmp_path, values)
    validate = subprocess.run([sys.executable, "-m", "accord", "validate"], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60, check=False)
    assert validate.returncode == 1 and "error: control-character:" in validate.stdout
    assert build(tmp_path, env=EPOCH).returncode == 1


def test_a_folded_title_ending_in_a_line_break_is_a_title(tmp_path: Path) -> None:
    values = _values(lambda mark: f"{mark} words")
    write_knowledge_base(tmp_path, values)
    record = tmp_path / "docs" / "agreements" / "river-mou.md"
    text = record.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    record.write_text(text.replace(title, "title: >\n  River clean-up\n  memorandum\n"))
    validate = subprocess.run([sys.executable, "-m", "accord", "validate", "--strict"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, check=False)
    assert validate.returncode == 0, validate.stdout
    result = _build(tmp_path)
    page = result.page("agreements/river-mou")
    assert page.select_one("article h1").get_text() == "River clean-up memorandum"
    assert page.title.get_text().startswith("River clean-up memorandum - ")
    register = result.page("agreements").select_one("table.accord-sortable tbody a")
    assert register.get_text() == "River clean-up memorandum"
    calendar = (result.site / "calendar.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "SUMMARY:Review: River clean-up memorandum\r\n" in calendar


# The property: any mix of line breaks, links, images, tags and entities, in every field ------

_piece = st.sampled_from(PIECES)
_value = st.tuples(_piece, st.lists(st.tuples(st.sampled_from(SEPARATORS), _piece), max_size=3))


def _joined(parts: tuple[str, list[tuple[str, str]]]) -> str:
    first, rest = parts
    return first + "".join(separator + piece for separator, piece in rest)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.fixed_dictionaries({field: _value.map(_joined) for field in ALL_FIELDS}),
       block=st.booleans(), crlf=st.booleans())
def test_no_value_ever_becomes_markup(values: dict[str, str], block: bool, crlf: bool) -> None:
    marked = {field: f"{_marker(field)} " + value.replace("MARK", _marker(field)) for field, value in values.items()}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_knowledge_base(root, marked, block=block, crlf=crlf)
        result = _build(root)
        assert_values_are_text(result.site, marked)


# Item 8: the preview's messages -------------------------------------------------------------

BROKEN_STATUSES = {
    "backticks": "a` [x](javascript:alert('zzinjbackticks')) `b",
    "html": "<img src=x onerror=alert('zzinjhtml')> &lt;b&gt; &#106;avascript:zzinjhtml",
    "pipes": "a | [p](javascript:zzinjpipes) | b",
    "breaks": "a\n\n[y](javascript:alert('zzinjbreaks'))\n| c |",
    "fence": "``[z](javascript:zzinjfence)`` ` <https://zzinjfence.example>",
}


@pytest.fixture
def broken_preview(tmp_path: Path) -> Iterator[Serve]:
    """`mkdocs serve` of a knowledge base with a record broken by each hostile status."""
    write_knowledge_base(tmp_path, _values(lambda mark: f"{mark} words"))
    agreements = tmp_path / "docs" / "agreements"
    valid = (agreements / "river-mou.md").read_text()
    for name, status in BROKEN_STATUSES.items():
        (agreements / f"{name}.md").write_text(valid.replace("id: river-mou", f"id: broken-{name}")
                                               .replace("status: active", f"status: {yaml_scalar(status)}"))
    # A file's name is the author's too.
    (agreements / "x` [n](javascript:alert('zzinjname')) `.md").write_text(
        "---\nid: named\ntype: agreement\nconfidentiality: public\n---\n")
    server = Serve(tmp_path)
    server.started()
    yield server
    server.stop()


def test_preview_messages_are_text_and_their_names_look_like_code(broken_preview: Serve) -> None:
    server = broken_preview
    problems = BeautifulSoup(fetch(server.url + "accord-problems/"), "html.parser")
    article = problems.select_one("article")
    # (The file's name is in its page's address and its heading's anchor, as any file's is.)
    assert [found for found in _markup_from_values(article, "problems page") if "zzinjname" not in found] == []
    assert article.select('a[href^="javascript"]') == []
    # Each broken record has its heading, linked to its page, and a row per problem.
    headings = {h.select_one("code").get_text(): h for h in article.select("h2")}
    for name in BROKEN_STATUSES:
        assert f"docs/agreements/{name}.md" in headings, list(headings)
    named = headings["docs/agreements/x` [n](javascript:alert('zzinjname')) `.md"]
    assert named.select_one("a > code") is not None
    assert "This record has errors" in fetch(server.url + named.select_one("a")["href"].removeprefix("../"))
    messages = [_words(row.get_text(" ")) for row in article.select("table tbody tr")]
    assert any("[x](javascript:alert('zzinjbackticks'))" in m for m in messages), messages
    assert any("<img src=x onerror=alert('zzinjhtml')> &lt;b&gt; &#106;avascript:zzinjhtml" in m for m in messages)
    assert any("a\\n\\n[y](javascript:alert('zzinjbreaks'))\\n| c |" in m for m in messages), messages
    # The names in a message still look like code: <code> elements the preview made itself.
    codes = [code.get_text() for code in article.select("td code")]
    assert "status" in codes and "invalid-choice" in codes
    for name in BROKEN_STATUSES:
        page = BeautifulSoup(fetch(server.url + f"agreements/{name}/"), "html.parser").select_one("article")
        assert "This record has errors" in page.get_text()
        assert _markup_from_values(page, name) == [] and page.select('a[href^="javascript"]') == [], name
        if name != "fence":  # (a value's own backticks may shift which words show as code: text all the same)
            assert "status" in [code.get_text() for code in page.select("td code")], name
        assert page.select_one("p code").get_text() == f"docs/agreements/{name}.md"
