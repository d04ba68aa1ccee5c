"""One link reader (accord.format.linkread), and the two that read links through it.

Every link form Markdown, another engine or a reader of the text takes for a link is a row
of FORMS. Each row runs through the reader (the form and the target it finds), through the
cutting of links to hidden records as pages get it (Python-Markdown with HiddenLinks, after
cut_bracketed) and as `accord render` writes it (relink), and through the search text
(plain_text): the hidden target's URL is gone from both cuttings, and the search text keeps
the words a reader reads but not the target. A red team once used a form one of them read
and the other did not; a form added to the reader reaches all three.

HiddenTargets, which decides what is hidden, has its own tests below.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

import markdown as python_markdown
import pytest

from accord.format import linkread
from accord.search.text import plain_text
from accord.site.links import HiddenLinks, HiddenTargets, cut_bracketed, relink

HIDDEN = "agreements/zz-larkspur.md"
SITE = "https://kb.example.org/"
PAGE = "notes.md"
T = "agreements/zz-larkspur.md"  # the hidden record's file, relative to the page


@dataclass(frozen=True)
class Form:
    name: str
    markdown: str
    form: str  # the reader's form of the link that names the hidden record
    target: str  # the target it finds, as written
    words: tuple[str, ...]  # what the search text keeps of it
    prose: bool = False  # an address in prose: it stays text, but no autolinker makes it a link


FORMS = [
    Form("inline", f"Read [the draft]({T}) now.", linkread.INLINE, T, ("Read the draft now",)),
    Form("inline, title", f'[the draft]({T} "The title")', linkread.INLINE, T, ("the draft",)),
    Form("inline, title in parentheses", f"[the draft]({T} (The title))", linkread.INLINE, T, ("the draft",)),
    Form("inline, <target> with spaces", f"[the draft](<{T}#part one>)", linkread.INLINE, f"{T}#part one",
         ("the draft",)),
    Form("inline, fragment and query", f"[part](./{T}?q=1#terms)", linkread.INLINE, f"./{T}?q=1#terms", ("part",)),
    Form("inline, nested brackets", f"[see [this] deal]({T})", linkread.INLINE, T, ("see [this] deal",)),
    Form("inline, parentheses in the target", "[annex](agreements/zz-larkspur/annex_(1).pdf)", linkread.INLINE,
         "agreements/zz-larkspur/annex_(1).pdf", ("annex",)),
    Form("inline, parentheses in a folder", "[minutes](agreements/zz-larkspur/minutes_(1)/)", linkread.INLINE,
         "agreements/zz-larkspur/minutes_(1)/", ("minutes",)),
    Form("inline, over lines", f'[multi\nline](\n{T}\n"a title")', linkread.INLINE, T, ("multi line",)),
    Form("inline, escaped in the target", "[escaped](agreements/zz\\-larkspur.md)", linkread.INLINE,
         "agreements/zz\\-larkspur.md", ("escaped",)),
    Form("inline, percent-encoded", "[encoded](agreements/zz%2Dlarkspur.md)", linkread.INLINE,
         "agreements/zz%2Dlarkspur.md", ("encoded",)),
    Form("inline, entity", "[entity](agreements/zz&#45;larkspur.md)", linkread.INLINE,
         "agreements/zz&#45;larkspur.md", ("entity",)),
    Form("inline, folder URL", "[folder](agreements/zz-larkspur/)", linkread.INLINE, "agreements/zz-larkspur/",
         ("folder",)),
    Form("inline, absolute URL", "[absolute](/agreements/zz-larkspur/)", linkread.INLINE,
         "/agreements/zz-larkspur/", ("absolute",)),
    Form("inline, the site's own address", f"[site]({SITE}agreements/zz-larkspur/)", linkread.INLINE,
         f"{SITE}agreements/zz-larkspur/", ("site",)),
    Form("inline, a file the record owns", "[signed](agreements/zz-larkspur.pdf)", linkread.INLINE,
         "agreements/zz-larkspur.pdf", ("signed",)),
    Form("image", f"![an image]({T})", linkread.IMAGE, T, ("an image",)),
    Form("image, <target>", f"![an image](<{T}>)", linkread.IMAGE, T, ("an image",)),
    Form("reference, full", f'See [the deal][lark].\n\n[lark]: {T} "The settlement"\n', linkread.DEFINITION, T,
         ("See the deal",)),
    Form("reference, collapsed", f"See [lark][].\n\n[lark]: {T}\n", linkread.DEFINITION, T, ("See lark",)),
    Form("reference, shortcut", f"See [lark].\n\n[lark]: {T}\n", linkread.DEFINITION, T, ("See [lark]",)),
    Form("definition, <target>", f"See [lark].\n\n[lark]: <{T}>\n", linkread.DEFINITION, T, ("See [lark]",)),
    Form("definition, target on the next line", f"See [lark].\n\n[lark]:\n    {T}\n", linkread.DEFINITION, T,
         ("See [lark]",)),
    Form("definition, in a quote", f"> Quoted: [lark]\n>\n> [lark]: {T}\n", linkread.DEFINITION, T,
         ("Quoted: [lark]",)),
    Form("definition, in a list", f"- A list item links [lark].\n\n    [lark]: {T}\n", linkread.DEFINITION, T,
         ("A list item links [lark]",)),
    Form("definition, no space", f"See [lark].\n\n[lark]:{T}\n", linkread.DEFINITION, T, ("See [lark]",)),
    Form("definition, unused", f"Words.\n\n[lark]: {T}\n", linkread.DEFINITION, T, ("Words",)),
    Form("<address>", f"See <{SITE}agreements/zz-larkspur/>.", linkread.ANGLE, f"{SITE}agreements/zz-larkspur/",
         ("See",)),
    Form("<path>", f"See <{T}>.", linkread.ANGLE, T, ("See",)),
    Form("bare address", f"See {SITE}agreements/zz-larkspur/.", linkread.BARE, f"{SITE}agreements/zz-larkspur/",
         ("See",), prose=True),
    Form("raw HTML href", f'<a href="{T}">raw html</a>', linkread.TAG, T, ("raw html",)),
    Form("raw HTML, > in a quoted value", f'<a title="x>y" href="{T}">quoted</a>', linkread.TAG, T, ("quoted",)),
    Form("raw HTML over lines", f'<a class="ref"\nhref="{T}">split</a>', linkread.TAG, T, ("split",)),
    Form("raw HTML entity", '<a href="agreements/&#122;z-larkspur.md">entity</a>', linkread.TAG,
         "agreements/&#122;z-larkspur.md", ("entity",)),
    Form("raw HTML img", f'<img alt="a map" src="{T}"> after', linkread.TAG, T, ("after",)),
    Form("raw HTML ping", '<a href="#" ping="../agreements/zz-larkspur/">ping</a>', linkread.TAG,
         "../agreements/zz-larkspur/", ("ping",)),
    Form("raw HTML style", f'<span style="background: url({T})">styled</span>', linkread.TAG,
         f"background: url({T})", ("styled",)),
    Form("raw HTML srcset", '<img srcset="a.png 1x, agreements/zz-larkspur.pdf 2x"> after', linkread.TAG,
         "a.png 1x, agreements/zz-larkspur.pdf 2x", ("after",)),
    Form("raw HTML refresh", '<meta http-equiv="refresh" content="0; url=agreements/zz-larkspur/">',
         linkread.TAG, "0; url=agreements/zz-larkspur/", ()),
    Form("attr_list href", f'[attr](#ok){{ href="{T}" }}', linkread.ATTRIBUTES, T, ("attr",)),
    Form("attr_list src", f'![attr image](x.png){{ src="{T}" }}', linkread.ATTRIBUTES, T, ("attr image",)),
    Form("footnote", f"Text[^1].\n\n[^1]: See [the note]({T}).\n", linkread.INLINE, T, ("Text",)),
    # Where Python-Markdown makes no link, a page shows the text as written; the search text
    # always dropped it as a link: the cutting interpretation wins, the target goes.
    Form("in a code span", f"Code `[code]({T})` here.", linkread.INLINE, T, ("Code code here",)),
    Form("in a fenced block", f"Before.\n\n```\n[fenced]({T})\n```\n\nAfter.\n", linkread.INLINE, T,
         ("Before", "After")),
    Form("after an escaped [", f"An \\[escaped]({T}) one.", linkread.INLINE, T, ("escaped",)),
    Form("without its [", f"[a\n\nb]({T}) c", linkread.INLINE, T, ("b", "c")),
]


def _targets() -> HiddenTargets:
    return HiddenTargets([HIDDEN], SITE, ["agreements/moa.md", PAGE])


def _names_it(text: str) -> bool:
    """Whether a text names the hidden record, however spelt."""
    plain = unquote(html.unescape(html.unescape(text).replace("\\", ""))).lower()
    return "larkspur" in plain or "zz-lark" in plain


def _page_html(source: str, targets: HiddenTargets) -> str:
    """The page as the plugins make it: cut_bracketed on its Markdown (accord/records'
    on_page_markdown), then Python-Markdown with HiddenLinks (added in on_config)."""
    extension = HiddenLinks(targets)
    extension.page = PAGE
    md = python_markdown.Markdown(extensions=["attr_list", "md_in_html", "footnotes", "fenced_code", extension])
    return md.convert(cut_bracketed(source, PAGE, targets))


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
def test_the_reader_finds_the_target(form: Form) -> None:
    found = [(link.form, target.value) for link in linkread.read(form.markdown) for target in link.targets]
    assert (form.form, form.target) in found, found


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
def test_accord_render_cuts_it(form: Form) -> None:
    written = relink(form.markdown, PAGE, _targets())
    if form.prose:  # still the author's words, but no engine's autolinker can make a link of it
        assert form.target not in written and "&#" in written
    else:
        assert not _names_it(written), written


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
def test_a_page_cuts_it(form: Form) -> None:
    page = _page_html(form.markdown, _targets())
    if form.prose:  # Python-Markdown makes no link of an address in prose: it stays the author's words
        assert not re.search(r"""(?i)\s(?:href|src)=["'][^"']*larkspur""", page), page
    else:
        assert not _names_it(page), page


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
def test_the_search_text_keeps_the_words_and_drops_the_target(form: Form) -> None:
    text = plain_text(form.markdown)
    assert not _names_it(text), text
    for words in form.words:
        assert words in text, (words, text)


def test_the_table_holds_every_form_of_the_reader() -> None:
    forms = {form.form for form in FORMS}
    assert forms == {linkread.INLINE, linkread.IMAGE, linkread.DEFINITION, linkread.ANGLE, linkread.BARE,
                     linkread.TAG, linkread.ATTRIBUTES}
    # Forms without a target of their own: a reference use, a footnote's line.
    found = {link.form for form in FORMS for link in linkread.read(form.markdown)}
    assert {linkread.REFERENCE, linkread.FOOTNOTE} <= found


def test_a_link_the_audience_may_see_is_left_alone() -> None:
    text = "[the moa](agreements/moa.md), <agreements/moa.md>, [r] and `[code](agreements/moa.md)`\n\n" \
           "[r]: agreements/moa.md\n"
    assert relink(text, PAGE, _targets()) == text
    assert cut_bracketed(text, PAGE, _targets()) == text
    assert 'href="agreements/moa.md"' in _page_html(text, _targets())


def test_code_is_what_a_page_shows_as_written() -> None:
    text = "a `x` b ``y ` z`` c\n\n```py\n[f](x)\n```\n\n~~~\nopen to the end"
    spans = [text[start:end] for start, end in linkread.code(text)]
    assert spans == ["`x`", "``y ` z``", "```py\n[f](x)\n```", "~~~\nopen to the end"]


def test_the_words_of_each_form() -> None:
    assert linkread.words("[a [b] c](x.md 'y') ![alt](i.png) [t][r] [r][] <a href='x'>h</a>") == \
        "a [b] c alt t r  h "
    assert linkread.words("go https://a.example/x_(1)/y then") == "go   then"


# HiddenTargets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "page", "hidden"), [
    ("agreements/zz-larkspur.md", "notes.md", True),  # a path from the page's file
    ("zz-larkspur.md", "agreements/moa.md", True),
    ("../zz-larkspur/", "agreements/moa.md", True),  # a URL from the page's address (agreements/moa/)
    ("agreements/zz-larkspur.html", "notes.md", True),
    ("agreements/zz-larkspur/index.html", "notes.md", True),
    ("../../../agreements/zz-larkspur.md", "notes.md", True),  # `..` stops at the root
    ("agreements/zz-larkspur.md#terms?x", "notes.md", True),
    ("agreements/zz\\-larkspur.md", "notes.md", True),  # escaped, entity, percent escape
    ("agreements/zz&#45;larkspur.md", "notes.md", True),
    ("agreements/zz%2Dlarkspur.md", "notes.md", True),
    ("agreements/zz-larkspur.pdf", "notes.md", True),  # its files: by name, and in its folder
    ("agreements/zz-larkspur.annex.md", "notes.md", True),
    ("agreements/zz-larkspur/annex(1).pdf", "notes.md", True),
    ("/agreements/zz-larkspur/", "notes.md", True),  # from the site's root, which may sit below a path
    ("/kb/agreements/zz-larkspur/", "notes.md", True),
    ("https://KB.example.org:443/agreements/zz-larkspur/", "notes.md", True),  # the site, however written
    ("http://kb.example.org/agreements/zz-larkspur/", "notes.md", True),
    ("//kb.example.org/agreements/zz-larkspur/", "notes.md", True),
    ("https://other.example.org/agreements/zz-larkspur/", "notes.md", False),  # another site
    ("mailto:x@agreements/zz-larkspur.md", "notes.md", False),
    ("agreements/zz-larkspur/amendment.md", "notes.md", False),  # a record the site shows, in its folder
    ("agreements/zz-larkspur/amendment.pdf", "notes.md", False),  # and that record's file
    ("agreements/moa.md", "notes.md", False),
    ("agreements/", "notes.md", False),
    ("", "notes.md", False),
])
def test_hidden_targets_hides(target: str, page: str, hidden: bool) -> None:
    targets = HiddenTargets([HIDDEN], SITE, ["agreements/moa.md", "agreements/zz-larkspur/amendment.md"])
    assert targets.hides(target, page) is hidden


def test_hidden_targets_without_a_site_url_reads_no_address_as_its_own() -> None:
    assert not HiddenTargets([HIDDEN]).hides(f"{SITE}agreements/zz-larkspur/", PAGE)
    assert HiddenTargets([HIDDEN]).hides("/agreements/zz-larkspur/", PAGE)


def test_hidden_targets_attribute_values() -> None:
    targets = HiddenTargets([HIDDEN], SITE)
    assert targets.hides_any("background: url(agreements/zz-larkspur.md)", PAGE)
    assert targets.hides_any("a.png 1x, agreements/zz-larkspur.pdf 2x", PAGE)
    assert targets.hides_any("0; url=agreements/zz-larkspur/", PAGE)
    assert targets.hides_any("agreements/zz&#45;larkspur.md", PAGE)
    assert not targets.hides_any("a.png 1x, agreements/moa.pdf 2x", PAGE)


def test_hidden_targets_may_name_and_truth() -> None:
    targets = HiddenTargets([HIDDEN])
    assert targets and not HiddenTargets([])
    assert not HiddenTargets([]).hides(HIDDEN, PAGE)
    assert targets.may_name("a [link](agreements/zz-larkspur.md)")
    assert all(targets.may_name(spelt) for spelt in ("zz&#45;larkspur", "zz%2Dlarkspur", "zz\\-larkspur"))
    assert not targets.may_name("nothing of it here")


def test_hidden_targets_a_folder_index_is_its_folder() -> None:
    targets = HiddenTargets(["guide/index.md"])
    assert targets.hides("guide/", PAGE) and targets.hides("guide/index.md", PAGE)
    assert targets.hides("guide/index.html", PAGE) and targets.hides("guide", PAGE)


def test_a_www_address_of_the_site_in_prose_is_no_link_to_an_autolinker() -> None:
    targets = HiddenTargets([HIDDEN], "https://www.kb.example.org/")
    text = "See www.kb.example.org/agreements/zz-larkspur/ too."
    assert [link.target for link in linkread.read(text)] == ["www.kb.example.org/agreements/zz-larkspur/"]
    assert relink(text, PAGE, targets) == "See www&#46;kb.example.org/agreements/zz-larkspur/ too."
    assert plain_text(text) == "See too."


def test_hidden_targets_cost_linear_time_in_a_long_target() -> None:
    targets = HiddenTargets([HIDDEN, "a/b/c/d.md"], SITE, ["agreements/moa.md"])
    long = "/" + "x/" * 200_000 + "agreements/zz-larkspur/"
    assert targets.hides(long, PAGE)
    assert not targets.hides("../" * 100_000 + "agreements/moa.md", PAGE)
