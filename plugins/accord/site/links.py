"""Links between the pages of a site, without MkDocs: the URLs MkDocs (and Zensical, which
copies its rules) gives docs-relative paths, and the cutting of links to records that a
site's audience may not see. Used by `accord render`, which also points links at pages it
writes under another name (`x.markdown` as `x.md`); the plugins use MkDocs' own `Files`
for the URLs and the same cutting. What is a link is read twice: as Python-Markdown makes
links (the element tree), and as accord.format.linkread reads the text, which the search text
reads too, so that a form either of them takes for a link is cut here as well. Every step
costs linear time in the page, whatever its links: a long link, or thousands of them."""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from accord.format import linkread, paths
from accord.format.paths import MARKDOWN_ENDINGS
from accord.format.records import page_url
from accord.site.render import Linker


def file_url(rel_path: str, use_directory_urls: bool = True) -> str:
    """The site URL of a docs-relative path, as MkDocs' `File.url` gives it (`./` for the home page)."""
    if rel_path.lower().endswith(MARKDOWN_ENDINGS):
        return page_url(rel_path, use_directory_urls) or "./"
    return rel_path


def relative_url(url: str, here: str) -> str:
    """`url` relative to the page at `here` (both site URLs), as `mkdocs.utils.get_relative_url`."""
    head, tail = posixpath.split(here)
    other = head if "." in tail else here
    relative = posixpath.relpath("/" + url, "/" + other)
    return relative + "/" if url.endswith("/") and not relative.endswith("/") else relative


def linker(published: Mapping[str, str], page: str, use_directory_urls: bool = True) -> Linker:
    """Relative URLs from the page at `page` to published files. `published` maps the
    docs-relative paths templates name to where the files are published (others: "")."""
    here = file_url(page, use_directory_urls)

    def url(rel_path: str) -> str:
        target = published.get(rel_path)
        if target is None:
            return ""
        return relative_url(file_url(target, use_directory_urls), here)

    return url


class HiddenTargets:
    """Which link targets lead to records a site's audience may not see, or to the files
    that go with them (`agreements/ID.pdf`, `agreements/ID/annex.pdf`).

    A target is read both ways an engine might: as a path relative to the page's Markdown
    file (`../agreements/x.md`) and as a URL relative to the page's address
    (`../../agreements/x/`, `x.html`); either one naming a hidden record is enough. An
    absolute URL on the site's own address counts as a path from the site's root.
    """

    def __init__(self, hidden: Iterable[str], site_url: str | None = None, visible: Iterable[str] = ()) -> None:
        hidden, visible = list(hidden), list(visible)
        self.keys = {_key(rel_path) for rel_path in hidden}
        # A record's own folder and file stem, whose files are its attachments (not for index pages).
        self.owners = {owner for rel_path in hidden
                       if posixpath.basename(owner := paths.owner(rel_path)).lower() not in ("index", "readme")}
        # The records the site shows: a link to one, or to a file it owns, is kept even inside a
        # hidden record's folder (an amendment filed there is a record of its own); the nearest
        # owner decides, and where both claim one name the hidden record does (guard.Attachments).
        self.shown_keys = {_key(rel_path) for rel_path in visible} - self.keys
        self.shown_owners = {paths.owner(rel_path) for rel_path in visible} - self.owners
        self.names = {key.rsplit("/", 1)[-1] for key in self.keys if key}
        self._names_found = _any_of(self.names)
        site = urlsplit(site_url or "")
        self.site = _host(site) if site.netloc else None
        # How far a path is looked up: a record's key has at most `reach` segments (one more
        # for `/index.md`), an owner at most `owner_depth` and `owner_length` characters. No
        # other suffix or folder of a path can be one, so a link of any length costs linear time.
        all_owners = self.owners | self.shown_owners if self.keys else set()
        self.owner_depth = max((_depth(owner) for owner in all_owners), default=0)
        self.owner_length = max((len(owner) for owner in all_owners), default=0)
        self.reach = max([self.owner_depth, *(_depth(key) + 1 for key in self.keys | self.shown_keys)]) \
            if self.keys else 0

    def may_name(self, text: str) -> bool:
        """Whether a text could link to a hidden record at all (each link names its file or
        folder, however escaped: `\\-`, `&#45;`, `%2D`)."""
        if "" in self.keys:
            return True
        found = self._names_found
        return found is not None and bool(found.search(text) or found.search(_plain(text)))

    def __bool__(self) -> bool:
        return bool(self.keys)

    def hides(self, target: str, page: str) -> bool:
        # Python-Markdown holds a backslash-escaped character as STX code ETX until its last
        # step; in a reference definition it leaves the backslash itself.
        target = _PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), target).replace("\\", "")
        target = unquote(html.unescape(target).strip()).split("#", 1)[0].split("?", 1)[0]
        if self.site is not None and (_SCHEME.match(target) or target.startswith("//")):
            # The site's own address however written: any case, its default port, either
            # scheme of the web, or none (`//host/…`).
            parts = urlsplit(target)
            if parts.scheme.lower() in ("", "http", "https") and _host(parts) == self.site:
                target = parts.path or "/"
        if not target or _SCHEME.match(target) or target.startswith("//"):
            return False
        if target.startswith("/"):  # from the site's root, which may sit below a path (/kb/…)
            # Every suffix of the path, as normpath leaves it: the suffixes of the segments
            # no `..` to their right takes back (and nothing, if the path ends in `.` or `..`).
            parts = target.strip("/").split("/")
            kept = _kept(parts)
            if parts[-1] in ("", ".", "..") and self._names_hidden([]):
                return True
            start = max(0, len(kept) - self.reach)  # longer suffixes are no key and no owner
            for i in range(len(kept)):
                own = self._own_name(kept[i:]) if i >= start else None
                if own is True or (own is None and self._in_owned_folder(kept, i, len(kept) - 1)):
                    return True
            return False
        roots = {posixpath.dirname(page), page_url(page).rstrip("/")}
        return any(self._names_hidden(_segments(posixpath.join(root, target))) for root in roots)

    def _names_hidden(self, segments: list[str]) -> bool:
        """Whether a normalised path (its segments) is a hidden record, or a file of one."""
        own = self._own_name(segments)
        return own if own is not None else self._in_owned_folder(segments, 0, len(segments) - 1)

    def _own_name(self, segments: list[str]) -> bool | None:
        """Whether the path is, by its own name, a hidden record or a file of one (`x.pdf`,
        `x.annex.md`, `x.md.bak`): True; a record the site shows, or one of its files: False;
        neither: None (its folders decide)."""
        if len(segments) > self.reach:
            return None
        path = "/".join(segments)
        key = _key(path)
        if key in self.keys:
            return True
        if key in self.shown_keys:
            return False
        folder, _, name = path.rpartition("/")
        prefix = folder + "/" if folder else ""
        dot = name.rfind(".")
        while dot > 0:  # the name with each of its endings taken off, longest first (paths.owner_keys)
            stem = prefix + name[:dot]
            if stem in self.owners:
                return True
            if stem in self.shown_owners:
                return False
            dot = name.rfind(".", 0, dot)
        return None

    def _in_owned_folder(self, segments: list[str], start: int, stop: int) -> bool:
        """Whether the nearest folder `segments[start:end]` (end ≤ `stop`) that a record owns
        is a hidden record's: only as deep and as long as an owner is."""
        length, found = -1, False
        for end in range(start + 1, min(stop, start + self.owner_depth) + 1):
            length += len(segments[end - 1]) + 1
            if length > self.owner_length:
                break
            folder = "/".join(segments[start:end])
            if folder in self.owners:
                found = True
            elif folder in self.shown_owners:
                found = False  # a deeper folder of a record the site shows
        return found

    def hides_any(self, value: str, page: str) -> bool:
        """Whether an attribute's value (a URL, a srcset, `0; url=…`, `url(…)`, a script) names one."""
        return any(self.hides(token, page) for token in _TOKENS.findall(html.unescape(value)))


_TOKENS = re.compile(r"""[^\s,;'"()=<>`]+""")


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _host(parts: Any) -> tuple[str, int | None] | None:
    """A URL's host and port as a browser compares them (case folded, default port dropped)."""
    try:
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if port == {"http": 80, "https": 443}.get(scheme):
        port = None
    return ((parts.hostname or "").lower(), port) if parts.hostname else None
_PLACEHOLDER = re.compile("\x02([0-9]+)\x03")


def _any_of(words: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern that finds any of `words` in a text, as `any(word in text ...)` would, in
    one pass: the words as a tree of their common beginnings, so that at each place in the
    text the engine follows one branch (with each word its own alternative it tried them
    all, one after another: 2.9 s of a 10,000-record rebuild went to register rows)."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}
    return re.compile(_branches(tree)) if tree else None


def _branches(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [re.escape(character) + _branches(rest) for character, rest in sorted(node.items()) if character]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


def _plain(text: str) -> str:
    """A text with its escapes, entities and percent escapes decoded (for a quick look)."""
    return unquote(html.unescape(text.replace("\\", "")))


def _depth(path: str) -> int:
    return path.count("/") + 1 if path else 0


def _segments(path: str) -> list[str]:
    """A path's segments as `posixpath.normpath` leaves them, from the root (`..` stops there)."""
    path = posixpath.normpath("/" + path).lstrip("/")
    return path.split("/") if path else []


def _kept(parts: list[str]) -> list[str]:
    """The segments of `parts` that remain once `.`, empty segments and each `..` with the
    segment it takes back are gone. Whether a segment remains depends only on those to its
    right, so the segments of any suffix of `parts` that remain are a suffix of these."""
    kept: list[str] = []
    pending = 0
    for part in reversed(parts):
        if part == "..":
            pending += 1
        elif part in ("", "."):
            continue
        elif pending:
            pending -= 1
        else:
            kept.append(part)
    kept.reverse()
    return kept


def _key(path: str) -> str:
    """A page however it is named: `a/b.md`, `a/b.markdown`, `a/b/`, `a/b.html`, `a/b/index.html` → `a/b`."""
    path = posixpath.normpath("/" + path).lstrip("/")
    stem, ending = posixpath.splitext(path)
    if ending.lower() in (*MARKDOWN_ENDINGS, ".html", ".htm"):
        path = stem
    if path.endswith(("/index", "/README")) or path in ("index", "README"):
        path = posixpath.dirname(path)
    return path


# Any attribute of raw HTML, whatever its name (accord.format.linkread.ATTRIBUTE), in any text:
# a URL can hide in `href`, `srcset`, `ping`, `content="0; url=…"`, `style="background: url(…)"` or a script.
_ATTRIBUTE = linkread.ATTRIBUTE


class _Cutter(Treeprocessor):
    """After the inline patterns have made every link and image (inline, reference-style,
    autolink, however written) and before MkDocs resolves them: those that lead to a hidden
    record keep their text and lose their target; so do raw HTML's URLs."""

    def __init__(self, md: Markdown, extension: HiddenLinks) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        targets, page = self.extension.targets, self.extension.page
        if not targets:
            return
        for parent in list(root.iter()):
            for index, child in reversed(list(enumerate(parent))):
                named = [name for name, value in child.attrib.items() if targets.hides_any(value, page)]
                if not named:
                    continue
                self.extension.cut += [child.attrib[name] for name in named]
                if (child.tag, named) in (("a", ["href"]), ("img", ["src"])):
                    _unwrap(parent, index, child)  # keeps what a reader reads of it
                else:
                    for name in named:
                        del child.attrib[name]
        stash = self.md.htmlStash.rawHtmlBlocks
        for number, block in enumerate(stash):
            if isinstance(block, str):
                stash[number] = cut_attributes(block, page, targets, self.extension.cut)


def cut_attributes(text: str, page: str, targets: HiddenTargets, cut: list[str] | None = None) -> str:
    """Raw HTML (or any text) with every attribute value that names a hidden record replaced by `#`."""

    def replace(match: re.Match[str]) -> str:
        value = match.group(2).strip("\"'")
        if not targets.hides_any(value, page):
            return match.group(0)
        if cut is not None:
            cut.append(html.unescape(value))
        return f'{match.group(1)}"#"'

    return _ATTRIBUTE.sub(replace, text)


# A path or address as it may stand anywhere in a page's text: what no link syntax, tag or
# quote delimits, with a `/` in it. A bare file name (`zzsecret.md` in code) is an author's
# prose and stays; a path is an address, which in an attribute or a link is cut as such.
_PATH_WORD = re.compile(r"""[^\s,;'"()<>=`\[\]{}|*]*/[^\s,;'"()<>=`\[\]{}|*]*""")


def cut_named_paths(text: str, page: str, targets: HiddenTargets) -> str:
    """Text (a page's HTML, or the Markdown `accord render` writes) with every path or address
    (`../agreements/x.md`, `/agreements/x/`, `https://site/agreements/x/`) that leads to a
    hidden record replaced by `#`, wherever it stands: in prose, in code of
    any kind, in raw HTML blocks and comments, in a script, in a reference definition no
    reader takes for one. The forms a reader takes for links are cut as links first (the
    text kept, the target gone); this is the net under them, so that no way of writing a
    hidden record's path in a page the audience sees shows it."""
    if not targets or not targets.may_name(text):
        return text

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        core = word.rstrip(".:!?")  # a sentence's own stop is not part of the path
        if not core or not targets.hides(core, page):
            return word
        return "#" + word[len(core):]

    return _PATH_WORD.sub(replace, text)


def _unwrap(parent: etree.Element, index: int, child: etree.Element) -> None:
    """Replace `child` by what a reader reads of it: a link by its content, an image by its alt text."""
    if child.tag == "img":
        span = etree.Element("span")
        span.text = child.get("alt", "")
        span.tail = child.tail
        parent[index] = span
        return
    span = etree.Element("span")
    span.text, span.tail = child.text, child.tail
    span.extend(list(child))
    parent[index] = span


class HiddenLinks(Extension):
    """Python-Markdown extension: links and images that lead to hidden records are cut.
    Set `targets` (once per build) and `page` (the docs-relative page being rendered)."""

    def __init__(self, targets: HiddenTargets | None = None) -> None:
        super().__init__()
        self.targets = targets or HiddenTargets(())
        self.page = ""
        self.cut: list[str] = []  # the targets cut, as written

    def extendMarkdown(self, md: Markdown) -> None:
        # After `inline` (20), which makes the links, and `attr_list` (8), which can add
        # attributes to them; before MkDocs' `relpath` (0), which would resolve them.
        md.treeprocessors.register(_Cutter(md, self), "accord_hidden_links", 7)


_CHECK_EXTENSIONS = ("tables", "attr_list", "md_in_html", "footnotes", "def_list", "abbr", "admonition")


def unlink_hidden(markdown: str, src_uri: str, targets: HiddenTargets) -> str:
    """A page's Markdown with every link and image that leads to a hidden record cut, for an
    engine that runs no Accord (accord render). The links are found as Python-Markdown finds
    them; each target is then replaced by `#` wherever it is written, so the text stays and
    the target is gone."""
    return relink(markdown, src_uri, targets)


def relink(markdown: str, src_uri: str, targets: HiddenTargets, renamed: Collection[str] = ()) -> str:
    """A page's Markdown for an engine that runs no Accord (accord render): every link and
    image that leads to a hidden record cut (unlink_hidden), and every link to a page that
    is published under another name (`renamed`: docs-relative paths of `.markdown` pages,
    written as `.md`) pointing at that name, as MkDocs would have resolved it."""
    cutting = bool(targets) and targets.may_name(markdown)
    endings = {posixpath.splitext(path)[1][1:].lower() for path in renamed}
    plain = _plain(markdown).lower() if endings else ""
    renaming = any(ending in plain for ending in endings)
    if not cutting and not renaming:
        return markdown
    extension = HiddenLinks(targets if cutting else HiddenTargets(()))
    extension.page = src_uri
    collector = _Renamed(set(renamed) if renaming else set(), src_uri)
    try:
        Markdown(extensions=[*_CHECK_EXTENSIONS, extension, collector]).convert(markdown)
    except Exception:  # a page Markdown cannot read is refused, not published
        raise ValueError(f"{src_uri}: the page's Markdown cannot be read to check its links") from None
    wanted: dict[str, Callable[[str], str]] = {}
    for target in collector.found:
        wanted.setdefault(_canonical(target), _respelled)
    for target in extension.cut:
        wanted[_canonical(_PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), target))] = _cut
    found = _hidden_destinations(markdown, src_uri, targets) if cutting else []
    wanted.update((key, _cut) for _, _, key in found)
    wanted.pop("", None)
    markdown = rewrite_destinations(markdown, wanted, [span for span in found if span[2]])
    if renaming:  # `{ href="x.markdown" }`: an attribute list sets a link's target too (raw HTML is left as written)
        markdown = _ATTRIBUTE_LIST.sub(
            lambda block: _LINK_ATTRIBUTE.sub(lambda m: _renamed_attribute(m, collector), block.group(0)), markdown)
    if not cutting:
        return markdown
    # Raw HTML and `{ attr="…" }` blocks however their values are spelt (`&#112;`…), in the source itself.
    markdown = cut_bracketed(cut_attributes(markdown, src_uri, targets), src_uri, targets)
    return cut_named_paths(defuse_bare_urls(markdown, src_uri, targets), src_uri, targets)


def _hidden_destinations(markdown: str, src_uri: str, targets: HiddenTargets) -> list[tuple[int, int, str]]:
    """Where the link reader (accord.format.linkread, which the search text reads too) finds a
    destination that leads to a hidden record: (start, end, its `_canonical` key). Besides
    the links Python-Markdown makes, those it does not and a reader or another engine would
    (a definition no link uses, a link whose `[` is escaped or in a code span, `[r]:target`)."""
    found = []
    for link in linkread.read(markdown):
        if link.form in _DESTINATION_FORMS:
            found += [(target.start, target.end, _canonical(target.value)) for target in link.targets
                      if targets.hides(target.value, src_uri)]
    return found


def defuse_bare_urls(markdown: str, src_uri: str, targets: HiddenTargets) -> str:
    """A web address written as prose that leads to a hidden record stays text (prose is the
    author's), but no autolinker of the engine that builds the page makes it a link again:
    its `://` (or `www.`) is written as character references, which a reader sees unchanged."""
    if not targets or not targets.may_name(markdown):
        return markdown

    def defuse(url: str, target: str) -> str:
        if not targets.hides(target, src_uri) and not (
                url.lower().startswith("www.") and targets.hides("//" + target, src_uri)):
            return url
        return url.replace("://", ":&#47;&#47;", 1) if "://" in url else url.replace(".", "&#46;", 1)

    return _replaced(markdown, ((link.start, link.end, defuse(markdown[link.start:link.end], link.target))
                                for link in linkread.bare_urls(markdown)))


def _replaced(markdown: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """`markdown` with each (start, end) replaced by its text (in order, none overlapping)."""
    out, position = [], 0
    for start, end, text in spans:
        out += [markdown[position:start], text]
        position = end
    out.append(markdown[position:])
    return "".join(out)


class _Renamed(Extension):
    """Python-Markdown extension: collects the link and image targets (as Markdown read
    them) that lead to a page published under another name."""

    def __init__(self, renamed: set[str], page: str) -> None:
        super().__init__()
        self.renamed, self.page = renamed, page
        self.found: list[str] = []

    def extendMarkdown(self, md: Markdown) -> None:
        collector = self

        class Collect(Treeprocessor):
            def run(self, root: etree.Element) -> None:
                for element in root.iter():
                    for name in ("href", "src"):
                        value = element.get(name)
                        if value is not None and collector.leads_to_renamed(value):
                            collector.found.append(value)

        md.treeprocessors.register(Collect(md), "accord_renamed_links", 6)  # after the cutter (7)

    def leads_to_renamed(self, value: str) -> bool:
        if not self.renamed:
            return False
        value = _PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), value).replace("\\", "")
        path = unquote(html.unescape(value).strip()).split("#", 1)[0].split("?", 1)[0]
        if not path or path.startswith("/") or _SCHEME.match(path):
            return False
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.page), path)) in self.renamed


def _cut(written: str) -> str:
    return "#"


def _respelled(written: str) -> str:
    """A link to a `.markdown` page (however spelt) as a link to the `.md` it is written as."""
    decoded = _UNIT.sub(_decoded, written)
    cut = min((i for i in (decoded.find("#"), decoded.find("?")) if i >= 0), default=len(decoded))
    path, rest = decoded[:cut], decoded[cut:]
    stem, ending = posixpath.splitext(path)
    if ending.lower() in MARKDOWN_ENDINGS:
        path = stem + ".md"
    return quote(path + rest, safe="/#?:@!$&'*+,;=-._~")


_ATTRIBUTE_LIST = re.compile(r"\{:?[ \t]*[^{}\n]*\}")
_LINK_ATTRIBUTE = re.compile(r"(?<![\w-])((?:href|src)[ \t]*=[ \t]*)(\"[^\"]*\"|'[^']*'|[^\s\"'}]+)", re.IGNORECASE)


def _renamed_attribute(match: re.Match[str], collector: _Renamed) -> str:
    """`href="x.markdown"` in an attribute list: pointed at `x.md` as well."""
    name, value = match.group(1), match.group(2)
    quoted = value[:1] if value[:1] in "\"'" else ""
    bare = value[1:-1] if quoted else value
    if not collector.leads_to_renamed(bare):
        return match.group(0)
    return f'{name}"{_respelled(html.unescape(bare))}"'


# One unit of a link destination as the source may spell it: a backslash escape, an entity,
# a run of percent escapes or of white space (decoded: `\-`, `&#45;`, `%2D` are each `-`).
_UNIT = re.compile(r"\\([\s\S])|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?"
                   r"|(?:%[0-9A-Fa-f]{2})+|\s+")
# Where a destination stands: after `(`, `<` or a space, before `)`, `>`, a space or the end.
_STARTS, _ENDS = "(<", ")>"
# A run that could be one: no delimiter inside (so each character is tried once).
_DESTINATION = re.compile(r"(?<=[(<\s])[^()<>\s]+(?![^)>\s])")
_DELIMITERS = re.compile(r"[()<>\s]")


def _decoded(match: re.Match[str]) -> str:
    text = match.group(0)
    if text[0] == "\\":
        return match.group(1)
    if text[0] == "&":
        return html.unescape(text)
    if text[0] == "%":
        return unquote(text)
    return " "


def _canonical(text: str) -> str:
    """A destination however it is spelt: escapes, entities and percent escapes decoded,
    white space as one space, in lower case (`X\\.md`, `x&#46;md` and `x%2Emd` are `x.md`)."""
    return _UNIT.sub(_decoded, text).lower().strip()


def rewrite_destinations(markdown: str, wanted: Mapping[str, Callable[[str], str]],
                         found: Iterable[tuple[int, int, str]] = ()) -> str:
    """Every place in `markdown` where a destination stands (after `(`, `<` or a space, and
    before `)`, `>`, a space or the end of a line) that is, once decoded (`_canonical`), a
    key of `wanted`, replaced by what `wanted[key]` makes of it as written. Never inside
    another destination (`moa.md` is not found in `skills-moa.md`). One pass over the
    text, whatever the number of keys: the runs between delimiters are looked up in a set,
    and keys that hold a delimiter themselves (`<a b.md>`, `a(1).md`) are found by one
    Aho-Corasick automaton over the decoded text. `found`: (start, end, key) of destinations
    already found where they stand (accord.format.linkread), replaced as well."""
    if not wanted:
        return markdown
    plain = {key for key in wanted if not _DELIMITERS.search(key)}
    spans: list[tuple[int, int, str]] = list(found)
    if plain:
        shortest = min(len(key) for key in plain) if all(key.isascii() for key in plain) else 1
        for match in _DESTINATION.finditer(markdown):
            if match.end() - match.start() >= shortest and (key := _canonical(match.group())) in plain:
                spans.append((match.start(), match.end(), key))
    if len(plain) < len(wanted):
        spans += _spans_with_delimiters(markdown, [key for key in wanted if key not in plain])
    spans.sort(key=lambda span: (span[0], -span[1]))
    out, position = [], 0
    for start, end, key in spans:
        if start < position:
            continue  # inside a longer destination already replaced
        out += [markdown[position:start], wanted[key](markdown[start:end])]
        position = end
    out.append(markdown[position:])
    return "".join(out)


def _spans_with_delimiters(markdown: str, keys: list[str]) -> list[tuple[int, int, str]]:
    """Where the keys stand in `markdown`, found in one pass over its decoded text."""
    chars, starts, ends, first = _decoded_text(markdown)
    goto, key_at, fail, output = _automaton(keys)
    spans = []
    node = 0
    for index, char in enumerate(chars):
        while node and char not in goto[node]:
            node = fail[node]
        node = goto[node].get(char, 0)
        if not first[index + 1]:
            continue  # a key ends only where a unit of the source ends
        end = ends[index]
        if end < len(markdown) and markdown[end] not in _ENDS and not markdown[end].isspace():
            continue
        found = node if key_at[node] is not None else output[node]
        while found:
            key = key_at[found]
            assert key is not None
            begin = index - len(key) + 1
            start = starts[begin]
            if first[begin] and start > 0 and (markdown[start - 1] in _STARTS or markdown[start - 1].isspace()):
                spans.append((start, end, key))
            found = output[found]
    return spans


def _decoded_text(markdown: str) -> tuple[list[str], list[int], list[int], list[bool]]:
    """The decoded text (in lower case), each character with the span of the source unit it
    comes from and whether it is its unit's first (one more True at the end)."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    first: list[bool] = []  # the first character of its unit

    def add(decoded: str, start: int, end: int) -> None:
        for number, char in enumerate(decoded):
            chars.append(char)
            starts.append(start)
            ends.append(end)
            first.append(number == 0)

    position = 0
    for match in _UNIT.finditer(markdown):
        for index in range(position, match.start()):
            add(markdown[index].lower(), index, index + 1)
        add(_decoded(match).lower(), match.start(), match.end())
        position = match.end()
    for index in range(position, len(markdown)):
        add(markdown[index].lower(), index, index + 1)
    first.append(True)
    return chars, starts, ends, first


def _automaton(keys: list[str]) -> tuple[list[dict[str, int]], list[str | None], list[int], list[int]]:
    """Aho-Corasick: a trie of the keys, each node with its longest proper suffix in the trie
    (`fail`) and the nearest such suffix that is a key (`output`)."""
    goto: list[dict[str, int]] = [{}]
    key_at: list[str | None] = [None]
    for key in keys:
        node = 0
        for char in key:
            if char not in goto[node]:
                goto[node][char] = len(goto)
                goto.append({})
                key_at.append(None)
            node = goto[node][char]
        key_at[node] = key
    fail, output = [0] * len(goto), [0] * len(goto)
    queue = deque(goto[0].values())
    while queue:
        node = queue.popleft()
        for char, child in goto[node].items():
            queue.append(child)
            back = fail[node]
            while back and char not in goto[back]:
                back = fail[back]
            fail[child] = goto[back].get(char, 0) if node else 0
            output[child] = fail[child] if key_at[fail[child]] is not None else output[fail[child]]
    return goto, key_at, fail, output


def cut_bracketed(markdown: str, src_uri: str, targets: HiddenTargets) -> str:
    """The link forms Python-Markdown leaves as text, which a page shows as they are written
    and the search text reads as links (accord.format.linkread), cut in a page's Markdown:
    `<../agreements/x.md>` (Markdown makes autolinks only of URLs with a scheme, but it is a
    link to Zensical and to readers) and a link or definition in code, after an escaped `[`
    or without its `[`. The links Markdown makes are cut as it makes them (HiddenLinks)."""
    if not targets or not targets.may_name(markdown):
        return markdown
    spans = [(link.start, link.end, "<#>") for link in linkread.angles(markdown)
             if targets.hides(link.target, src_uri)]
    written = [link for link in linkread.read(markdown) if link.form in _DESTINATION_FORMS]
    spans += [(target.start, target.end, "#") for link in linkread.unlinked(markdown, written)
              for target in link.targets if targets.hides(target.value, src_uri)]
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans):
        if not kept or span[0] >= kept[-1][1]:  # (a target inside a `<…>` already cut)
            kept.append(span)
    return _replaced(markdown, kept)


# The forms whose target is a destination as Markdown writes one (after `(`, `<`, `]:`).
_DESTINATION_FORMS = (linkread.INLINE, linkread.IMAGE, linkread.DEFINITION)


def without_hidden(nav: Any, hidden: set[str], owned: Callable[[str], bool] | None = None) -> Any:
    """An explicit `nav` without the entries of records left out of this site, nor of the
    files they own (`owned`: guard.Attachments.owned_by_hidden), however an entry names them
    (`agreements/x/`, `agreements/x/index.md#parties`, `agreements/x/minutes.md`)."""
    if isinstance(nav, list):
        kept = [without_hidden(item, hidden, owned) for item in nav]
        return [item for item in kept if item is not None]
    if isinstance(nav, dict):
        kept = {title: without_hidden(value, hidden, owned) for title, value in nav.items()}
        kept = {title: value for title, value in kept.items() if value is not None and value != []}
        return kept or None
    if isinstance(nav, str) and "://" not in nav and not nav.strip().startswith("//"):
        path = nav_path(nav)
        if path in hidden or (owned is not None and path and owned(path)):
            return None
    return nav


def nav_path(entry: str) -> str:
    """The docs-relative path a `nav` entry names, however it is written (`/a/b.md`, `./a/b.md`,
    `a//b.md`, `a/b.md#part`, `a/b/`)."""
    entry = entry.strip().split("#", 1)[0].split("?", 1)[0]
    return posixpath.normpath("/" + unquote(entry)).lstrip("/")
