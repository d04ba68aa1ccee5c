"""Slow inputs (issue 20, items 10-12): input whose cost grew faster than its size. Each test
reproduces one class on a real site; the speed itself is shown by scripts/bench_links.py
(a ratio against the same site without the input), never by a timed test: the timeouts
here only stop a hang."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.format import cost
from accord.format.loading import load
from accord.format.records import page_url
from accord.site import links
from accord.site.links import HiddenTargets, rewrite_destinations, unlink_hidden
from conftest import ORG_B, KnowledgeBase, line_of
from sites import ZERO_CONFIG

SECRET = (ORG_B.replace("river-trust", "zzsecret").replace("River Trust", "Zz Secret Board")
          .replace("confidentiality: public", "confidentiality: restricted"))
ORG = "organizations/city-water.md"
ZENSICAL = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1795305600", "NO_COLOR": "1"}


def run(command: list[str], cwd: Path, timeout: int = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """A command as a user runs it; the timeout only stops a hang (the old code took hours on some of these)."""
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
                          env={**ENV, **env})


def mkdocs(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(root / "site"), *args], root, **env)


def accord(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "accord", *args], root, **env)


def zensical(root: Path) -> subprocess.CompletedProcess[str]:
    if ZENSICAL is None:
        pytest.fail("zensical is not installed: the test command installs it (pyproject's test extra)")
    return run([ZENSICAL, "build", "--clean"], root)


def site(kb: KnowledgeBase) -> KnowledgeBase:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Slow inputs"))
    kb.write("organizations/zzsecret.md", SECRET)
    return kb


# 10. One long link ---------------------------------------------------------------------------


class _Before(HiddenTargets):
    """HiddenTargets.hides as it was (every suffix joined and walked up: cubic), for comparison."""

    def hides(self, target: str, page: str) -> bool:
        import html
        from urllib.parse import unquote, urlsplit

        target = links._PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), target).replace("\\", "")
        target = unquote(html.unescape(target).strip()).split("#", 1)[0].split("?", 1)[0]
        if self.site is not None and (links._SCHEME.match(target) or target.startswith("//")):
            parts = urlsplit(target)  # (the site's address compared as links does: not what is measured here)
            if parts.scheme.lower() in ("", "http", "https") and links._host(parts) == self.site:
                target = parts.path or "/"
        if not target or links._SCHEME.match(target) or target.startswith("//"):
            return False
        if target.startswith("/"):
            parts_ = target.strip("/").split("/")
            return any(self._before("/".join(parts_[i:])) for i in range(len(parts_)))
        roots = {posixpath.dirname(page), page_url(page).rstrip("/")}
        return any(self._before(posixpath.join(root, target)) for root in roots)

    def _before(self, path: str) -> bool:
        path = posixpath.normpath("/" + path).lstrip("/")
        if links._key(path) in self.keys or posixpath.splitext(path)[0] in self.owners:
            return True
        folder = posixpath.dirname(path)
        while folder:
            if folder in self.owners:
                return True
            folder = posixpath.dirname(folder)
        return False


SEGMENTS = ["a", "b", "..", ".", "", "agreements", "x.md", "x", "index.html", "x.pdf", "index.md", "README.md",
            "x.html", "kb", "y", "X.MD", "x%2Emd", "organizations"]
HIDDEN_SETS = [["agreements/x.md"], ["index.md"], ["agreements/x/index.md"], ["a/b/x.md", "agreements/x.md"],
               ["x.md"], ["a/README.md", "b/y.markdown"], ["organizations/x/index.md", "agreements/index.md"]]
PAGES = ["notes.md", "a/b.md", "agreements/y.md", "index.md", "a/index.md", "organizations/x/index.md"]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hidden=st.sampled_from(HIDDEN_SETS), page=st.sampled_from(PAGES),
       segments=st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=8),
       form=st.sampled_from(["relative", "absolute", "site", "folder", "fragment"]))
def test_hides_answers_as_before_for_every_path(hidden: list[str], page: str, segments: list[str], form: str) -> None:
    target = "/".join(segments)
    target = {"relative": target, "absolute": "/" + target, "site": "https://s.example.org/kb/" + target,
              "folder": target + "/", "fragment": "/" + target + "#part?x"}[form]
    now, before = HiddenTargets(hidden, "https://s.example.org/kb/"), _Before(hidden, "https://s.example.org/kb/")
    assert now.hides(target, page) == before.hides(target, page), (hidden, target, page)


class _Counting(set):  # type: ignore[type-arg]
    looked_up = 0

    def __contains__(self, item: object) -> bool:
        _Counting.looked_up += 1
        return super().__contains__(item)


def _lookups(target: str) -> int:
    targets = HiddenTargets(["agreements/zz-secret.md", "organizations/x/index.md"])
    targets.keys, targets.owners = _Counting(targets.keys), _Counting(targets.owners)
    _Counting.looked_up = 0
    assert not targets.hides(target, "notes.md")
    return _Counting.looked_up


@pytest.mark.parametrize("form", ["/{}", "{}", "../{}", "/kb/{}/x.md", "https://example.org/{}"])
def test_a_link_is_looked_up_as_often_as_it_has_segments_not_more(form: str) -> None:
    """The work grows with the link's length (each suffix was walked up, each step joined
    again: 1,000 segments took 250,000 lookups and cubic time)."""
    short, long = (_lookups(form.format("/".join(["a"] * n))) for n in (250, 1000))
    assert long <= 4 * short + 8, (short, long)


def test_one_long_link_builds_and_renders(kb: KnowledgeBase, tmp_path: Path) -> None:
    site(kb)
    long = "/" + "a/" * 25_000 + "a"  # 50 KB (10 KB took a build 20 s, 50 KB would take hours)
    kb.edit(ORG, "Runs the water network.",
            f"Runs the water network with [the board](zzsecret.md) and [a long way]({long}), and "
            f"[another](../{long[1:]}) and <a href=\"{long}\">raw</a>.")
    built = mkdocs(kb.root, "--strict", ACCORD_AUDIENCE="public")
    assert built.returncode == 0, built.stderr[-3000:]
    page = (kb.root / "site" / "organizations" / "city-water" / "index.html").read_text()
    assert "zzsecret" not in page and "with <span>the board</span> and" in page and long in page
    out = tmp_path / "plain"
    rendered = accord(kb.root, "render", str(out), "--audience", "public")
    assert rendered.returncode == 0, rendered.stderr
    written = (out / "docs" / "organizations" / "city-water.md").read_text()
    assert "[the board](#)" in written and f"[a long way]({long})" in written and "zzsecret" not in written


# 11. Many links to a hidden record -------------------------------------------------------------


def _many_links(count: int) -> str:
    forms = ["[part {n}](zzsecret.md#part-{n})", "[part {n}][ref-{n}]", "[part {n}](<zzsecret.md#part {n}>)",
             "[part {n}](zzsecret\\.md#p{n} \"title\")", "![part {n}](zzsecret%2Emd#i{n})",
             "[part {n}](./zzsecret.md?q={n})"]
    lines = [f"- {forms[n % len(forms)].format(n=n)}" for n in range(count)]
    lines += ["", *(f"[ref-{n}]: zzsecret.md#r{n}" for n in range(count) if n % len(forms) == 1)]
    return "\n".join(lines) + "\n"


def test_render_cuts_thousands_of_links_to_a_hidden_record(kb: KnowledgeBase, tmp_path: Path) -> None:
    """3,000 distinct links to one hidden record, in every form (20 s for 6,000 before)."""
    site(kb)
    text = kb.edit(ORG, "Runs the water network.", "Runs the water network.\n\n" + _many_links(3000)
                   + "\nA [public link](river-trust.md) and `zzsecret.md` in code.\n")
    assert text.lower().count("zzsecret") > 3000
    out = tmp_path / "plain"
    rendered = accord(kb.root, "render", str(out), "--audience", "public")
    assert rendered.returncode == 0, rendered.stderr
    written = (out / "docs" / "organizations" / "city-water.md").read_text()
    assert "`zzsecret.md` in code" in written  # prose, kept
    assert "zzsecret" not in written.replace("`zzsecret.md` in code", "").lower()
    assert "- [part 2999](#)" in written and "- [part 2996](<#>)" in written and "[ref-2995]: #" in written
    assert "[public link](river-trust.md)" in written
    built = mkdocs(kb.root, ACCORD_AUDIENCE="public")
    assert built.returncode == 0, built.stderr[-3000:]
    page = (kb.root / "site" / "organizations" / "city-water" / "index.html").read_text()
    assert "zzsecret.md#" not in page.lower() and "part 2999" in page


def test_cutting_links_compiles_no_pattern_for_each_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """One pass over the page, whatever the number of targets: it used to compile and run one
    regular expression per distinct target, over the whole page."""
    targets = HiddenTargets(["agreements/zz-secret.md"])
    compiled: list[str] = []
    real = re.compile

    def counting(pattern: object, flags: int = 0) -> re.Pattern[str]:
        compiled.append(str(pattern))
        return real(pattern, flags)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(re, "compile", counting)
    counts = []
    for count in (10, 10, 1000):  # (the first time, Markdown's extensions are imported and compile theirs)
        compiled.clear()
        page = "".join(f"- [p{n}](agreements/zz-secret.md#part-{n}) and [q](<agreements/zz-secret.md#q {n}>)\n"
                       for n in range(count))
        assert "zz-secret" not in unlink_hidden(page, "notes.md", targets)
        counts.append(len(compiled))
    assert counts[1] == counts[2], counts


def test_destinations_are_found_however_spelt_and_only_where_one_stands() -> None:
    wanted = {"a b.md": lambda written: "#", "b.md": lambda written: "#", "x(1).md": lambda written: "#",
              "moa.md": lambda written: "#"}
    text = ("[1](<a b.md>) [2](<a\tb.md>) [3](b.md) [4](B\\.MD) [5](b&#46;md \"t\") [6](x\\(1\\).md) [7](x(1).md)\n"
            "[8](skills-moa.md) [9](moa.md) `b.md` [10](<a  b.md>)\n[r]: b.md\n")
    assert rewrite_destinations(text, wanted) == (
        "[1](<#>) [2](<#>) [3](#) [4](#) [5](# \"t\") [6](#) [7](#)\n"
        "[8](skills-moa.md) [9](#) `b.md` [10](<#>)\n[r]: #\n")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="*_`~ a\n", max_size=80))
def test_the_emphasis_pattern_never_reads_past_its_own_marker(text: str) -> None:
    """Why the search text costs linear time: the text between two markers never holds the
    marker itself, so each character is read once for each kind of marker (`*a *a *a …`
    was read up to 500 times, 25-65 times the time of prose: scripts/bench_links.py)."""
    from accord.search.text import _EMPHASIS

    for match in _EMPHASIS.finditer(text):
        assert match.group(1) not in match.group(2), (text, match.group(0))


def _search_text_of(body: str) -> str:
    from accord.search.text import plain_text

    return plain_text(body)


@pytest.mark.parametrize("unit", ["*a ", "`a ", "_a ", "~~a ", "**a ", "``a ", "*a*b ", "`a` "])
def test_search_text_of_a_body_full_of_markers(unit: str) -> None:
    """2 MB of them: the words come out, the markers go where they pair (a hang guard, not a timing)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        text = pool.apply_async(_search_text_of, (unit * (2_000_000 // len(unit)),)).get(timeout=120)
    assert "a" in text and len(text) > 500_000


# Python-Markdown's own cost: a paragraph or a page that would stall the build ---------------


def _errors(output: str, code: str = "markdown-cost") -> list[str]:
    return [line for line in output.splitlines() if f": error: {code}:" in line]


def test_markdown_that_would_stall_a_build_is_refused_with_its_line(kb: KnowledgeBase, tmp_path: Path) -> None:
    """450 KB of code spans (100 s of `mkdocs build`), 20 KB of `[` (minutes), and tags left
    open across a page (`x <a y`, 45 s for 16,000): refused by validate, the build and render,
    each naming its file and line, at once."""
    site(kb)
    record = kb.edit(ORG, "Runs the water network.", "Runs the water network.\n\n" + "`a` " * 112_500 + "\n\nEnd.")
    kb.write("notes.md", "# Notes\n\nFirst.\n\n" + "[" * 20_000 + "\n\nLast.\n")
    kb.write("tags.md", "# Tags\n\n" + "x <a y\n\n" * 20_000)
    kb.write("fine.md", "# Fine\n\n" + "A paragraph with a [link](notes.md) and `code`.\n\n" * 2_000)
    result = accord(kb.root, "validate", timeout=120)
    assert result.returncode == 1
    errors = _errors(result.stdout)
    assert len(errors) == 3, result.stdout
    assert errors[0].startswith("docs/notes.md:5:1: error: markdown-cost: a paragraph Markdown would take about ")
    assert "its `[` make Markdown read" in errors[0]
    assert errors[1].startswith(f"docs/{ORG}:{line_of(record, '`a` `a`')}:1: error: markdown-cost: a paragraph")
    assert "pieces of inline markup in 450,000 characters" in errors[1]
    assert errors[2].startswith("docs/tags.md:3:1: error: markdown-cost: the page's Markdown would take about ")
    assert "20,000 HTML tags or code fences never closed" in errors[2]
    built = mkdocs(kb.root, timeout=120)
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert _errors(built.stderr) == errors
    rendered = accord(kb.root, "render", str(tmp_path / "plain"), timeout=120)
    assert rendered.returncode == 1 and _errors(rendered.stderr) == errors
    assert not (tmp_path / "plain").exists()


def test_a_record_whose_page_would_stall_is_not_made(kb: KnowledgeBase) -> None:
    """Under `mkdocs serve` (which keeps serving with errors) a broken record's page shows its
    problems instead: so does one that Markdown could not read in time."""
    kb.edit(ORG, "Runs the water network.", "[" * 10_000)
    result = load(kb.docs)
    assert [d.code for d in result.errors] == ["markdown-cost"]
    assert "city-water" not in {record.id for record in result.records}
    assert [source.rel_path for source in result.failed] == [ORG]


def test_an_ordinary_page_that_would_stall_is_not_converted_by_the_preview(kb: KnowledgeBase) -> None:
    """Neither is an ordinary page's: the preview lists it with the broken files it does not
    convert, rather than stall on it."""
    kb.write("notes.md", "# Notes\n\n" + "[" * 10_000 + "\n")
    result = load(kb.docs)
    assert [d.code for d in result.errors] == ["markdown-cost"]
    assert [source.rel_path for source in result.failed] == ["notes.md"]


LONG_SECTION = """\
## Section {n}

The partners met on {n} occasions to review the [work plan](../agreements/river-mou.md) and the
`budget-{n}.xlsx` figures. *Emphasis* on **outcomes**, a footnote-like aside (see below), an
entity &amp; an escape \\* and a <abbr title="memorandum">MOU</abbr> tag; [another link][ref-{n}].

| Item | Owner | Due | Notes |
|------|-------|-----|-------|
""" + "".join(f"| [Task {{n}}.{row}](#section-{{n}}) | `owner` | 2027-0{row % 9 + 1}-01 | *ok* |\n"
              for row in range(40)) + """
- [Minutes {n}](../agreements/river-mou.md#minutes) with `notes`
- **Actions**: follow up with the *river trust*
- [ ] a checklist item

```python
data = [[{n}, 2], [3, 4]]  # brackets [ in code [ are not links
```

<table><tr><td>Raw</td><td>HTML {n}</td></tr></table>

> A quote with a [link](https://example.org/{n}) and `code`.

[ref-{n}]: https://example.org/ref/{n}
"""


def test_a_long_realistic_record_still_builds(kb: KnowledgeBase) -> None:
    site(kb)
    body = "\n".join(LONG_SECTION.format(n=n) for n in range(150))
    assert len(body) > 400_000
    kb.edit("agreements/river-mou.md", "Body text.", "Body text.\n\n" + body)
    assert cost.estimate(body).seconds < cost.PARAGRAPH_SECONDS / 4
    result = accord(kb.root, "validate", "--strict")
    assert result.returncode == 0, result.stdout
    built = mkdocs(kb.root, "--strict")
    assert built.returncode == 0, built.stderr[-3000:]
    page = (kb.root / "site" / "agreements" / "river-mou" / "index.html").read_text()
    assert "Section 149" in page and "Task 149.39" in page


@pytest.mark.parametrize(("text", "stalls"), [
    # A table is read row by row; two lines that only look like one are a paragraph.
    ("| a | b |\n|---|---|\n" + "| [ | x |\n" * 3000, False),
    ("a|b\n-\n" + "[[[[\n" * 3000, True),
    # A list is read item by item, but a marker further in belongs to its item.
    ("- x\n" + "- [[[[ [[[[\n" * 2000, False),
    ("- x\n" + "     - [[[[ [[[[\n" * 2000, True),
    # A raw HTML block hides its Markdown up to its closing tag, not after it.
    ("<div>\n" + "[[[[\n" * 3000 + "</div>\n", False),
    ("<div>x</div>\n" + "[[[[\n" * 3000, True),
    ("<div markdown>\n" + "[[[[\n" * 3000 + "</div>\n", True),
    # A fenced code block is code only when it closes.
    ("```\n" + "[[[[\n" * 3000 + "```\n", False),
    ("```\n" + "[[[[\n" * 3000, True),
    ("````\n" + "[[[[\n" * 3000 + "`````\n", True),
    # Quotes are read as their content; headings split a paragraph.
    ("> [[[[ [[[[\n" * 2000, True),
    ("# [[[[ [[[[\n" * 3000, False),
])
def test_the_estimate_reads_a_page_as_markdown_does(text: str, stalls: bool) -> None:
    estimate = cost.estimate(text)
    assert (estimate.seconds > cost.PARAGRAPH_SECONDS) is stalls, estimate


# 12. Zensical's search limit, and links to `.markdown` pages ---------------------------------


def test_render_keeps_every_section_within_the_engines_search_limit(kb: KnowledgeBase, tmp_path: Path) -> None:
    """Zensical refuses a field of more tokens than its index holds for a site's number of
    items (16,384 at 40,000 items): the render leaves the end of a longer section out of its
    search, and the page stays searchable by its beginning."""
    site(kb)
    kb.write("handbook.md", "# Handbook\n\n" + "".join(f"## Topic {n}\n\nx\n\n" for n in range(40_000)))
    words = " ".join(f"zzword{n}" for n in range(20_000))
    text = kb.edit(ORG, "Runs the water network.",
                   "Runs the water network.\n\n## History\n\nZzbeginning of it.\n\n" + words + "\n\nZzend.\n")
    out = tmp_path / "plain"
    rendered = accord(kb.root, "render", str(out))
    assert rendered.returncode == 0, rendered.stderr
    assert (f"accord: docs/{ORG}:{line_of(text, 'zzword0 ')}: a section of about 20,00" in rendered.stderr
            and "split it with headings" in rendered.stderr), rendered.stderr
    assert "md_in_html" in (out / "mkdocs.yml").read_text()
    built = zensical(out)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    items = json.loads((out / "site" / "search.json").read_text())["items"]
    searched = " ".join(item["text"] for item in items if item["location"].startswith("organizations/city-water"))
    assert "Zzbeginning" in searched and "zzword19999" not in searched and "Zzend" not in searched
    assert "zzword19999" in (out / "site" / "organizations" / "city-water.html").read_text()
    # Without the fence around its end, the same page is refused.
    page = out / "docs" / ORG
    page.write_text(page.read_text().replace("<div data-search-exclude markdown>", ""))
    refused = zensical(out)
    assert refused.returncode != 0 and "exceeds the search index limit" in refused.stdout + refused.stderr


def test_the_search_limit_follows_the_number_of_items() -> None:
    from accord.commands.search_limit import search_limit

    assert search_limit(["# A\n\ntext"] * 10) >= 2**20  # a small site: no limit in practice
    pages = ["# Handbook\n" + "## Topic\n" * 17_177]  # 17,178 items: Zensical's maximum 32,768
    assert search_limit(pages) <= 32_768 // 2


def test_links_to_a_markdown_page_follow_it_to_md(kb: KnowledgeBase, tmp_path: Path) -> None:
    """`accord render` writes `x.markdown` as `x.md`: every link to it, in every form Markdown
    reads, from records and pages alike, follows (MkDocs resolved them in the plugin build)."""
    site(kb)
    trust = kb.docs / "organizations" / "river-trust.md"
    trust.rename(trust.with_suffix(".markdown"))
    kb.write("guide/notes.markdown", "# Notes\n\nBack to [the trust](../organizations/river-trust.markdown#top).\n")
    forms = ("[inline](river-trust.markdown) [fragment](river-trust.markdown#top) [ref][trust] "
             "[angle](<river-trust.markdown>) [escaped](river-trust\\.markdown) [encoded](river-trust%2Emarkdown) "
             "[titled](river-trust.markdown \"The trust\") [attr](#){ href=\"river-trust.markdown\" } "
             "[notes](../guide/notes.markdown) "
             "[public](../agreements/river-mou.md) [hidden](zzsecret.md)\n\n[trust]: river-trust.markdown\n")
    kb.edit(ORG, "Runs the water network.", "Runs the water network.\n\n" + forms)
    kb.write("guide/index.md", "# Guide\n\n[Notes](notes.markdown), [the trust](../organizations/river-trust.markdown)"
                               " and `notes.markdown` in code.\n")
    config = ZERO_CONFIG.format(name="Slow inputs") + "markdown_extensions:\n  - attr_list\n"
    (kb.root / "mkdocs.yml").write_text(config)
    out = tmp_path / "plain"
    rendered = accord(kb.root, "render", str(out), "--audience", "public")
    assert rendered.returncode == 0, rendered.stderr
    written = {path.relative_to(out / "docs").as_posix(): path.read_text() for path in (out / "docs").rglob("*.md")}
    assert "organizations/river-trust.md" in written and "guide/notes.md" in written
    assert [rel for rel, text in written.items() if ".markdown" in text.replace("`notes.markdown`", "")] == []
    assert "[fragment](river-trust.md#top)" in written[ORG] and "[trust]: river-trust.md" in written[ORG]
    assert "[hidden](#)" in written[ORG] and "[public](../agreements/river-mou.md)" in written[ORG]
    assert "Back to [the trust](../organizations/river-trust.md#top)" in written["guide/notes.md"]
    strict = mkdocs(out, "--strict")  # a link to a page that is not there is a warning: --strict stops
    assert strict.returncode == 0, strict.stderr[-3000:]
    built = zensical(out)
    assert built.returncode == 0, built.stdout[-2000:]
    page = (out / "site" / "organizations" / "city-water.html").read_text()
    hrefs = re.findall(r'href="(river-trust[^"]*|\.\./guide/notes[^"]*)"', page)
    assert len(hrefs) >= 9 and all(h.split("#")[0] in ("river-trust.html", "../guide/notes.html") for h in hrefs), hrefs


def test_the_preview_serves_at_once_beside_a_page_that_would_stall(kb: KnowledgeBase) -> None:
    """A real `mkdocs serve`: the home page answers within seconds, and the costly page's
    address shows its problem instead of its (unconverted) text."""
    from serving import Serve, fetch
    from sites import ZERO_CONFIG

    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Preview"))
    kb.write("index.md", "# Home\n")
    kb.write("notes.md", "# Notes\n\n" + "x <a y " * 16_000 + "\n")
    server = Serve(kb.root)
    try:
        started = time.monotonic()
        server.started()
        home = fetch(server.url, timeout=10)
        assert time.monotonic() - started < 30 and "accord-preview-banner" in home
        assert "markdown-cost" in fetch(server.url + "notes/", timeout=10)
    finally:
        server.stop()
