"""Links between the pages of a site, without MkDocs: the URLs MkDocs (and Zensical, which
copies its rules) gives docs-relative paths, and the cutting of links to records that a
site's audience may not see. Used by `accord render`; the plugins use MkDocs' own `Files`
for the URLs and the same cutting."""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from accord.format import paths
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

    def __init__(self, hidden: Iterable[str], site_url: str | None = None) -> None:
        hidden = list(hidden)
        self.keys = {_key(rel_path) for rel_path in hidden}
        # A record's own folder and file stem, whose files are its attachments (not for index pages).
        self.owners = {owner for rel_path in hidden
                       if posixpath.basename(owner := paths.owner(rel_path)).lower() not in ("index", "readme")}
        self.names = {key.rsplit("/", 1)[-1] for key in self.keys if key}
        site = urlsplit(site_url or "")
        self.site = (site.scheme, site.netloc) if site.netloc else None

    def may_name(self, text: str) -> bool:
        """Whether a text could link to a hidden record at all (each link names its file or
        folder, however escaped: `\\-`, `&#45;`, `%2D`)."""
        if "" in self.keys:
            return True
        plain = unquote(html.unescape(text.replace("\\", "")))
        return any(name in text or name in plain for name in self.names)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def hides(self, target: str, page: str) -> bool:
        # Python-Markdown holds a backslash-escaped character as STX code ETX until its last
        # step; in a reference definition it leaves the backslash itself.
        target = _PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), target).replace("\\", "")
        target = unquote(html.unescape(target).strip()).split("#", 1)[0].split("?", 1)[0]
        if self.site is not None and _SCHEME.match(target):
            parts = urlsplit(target)
            if (parts.scheme, parts.netloc) == self.site:
                target = parts.path or "/"
        if not target or _SCHEME.match(target) or target.startswith("//"):
            return False
        if target.startswith("/"):  # from the site's root, which may sit below a path (/kb/…)
            parts_ = target.strip("/").split("/")
            return any(self._names_hidden("/".join(parts_[i:])) for i in range(len(parts_)))
        roots = {posixpath.dirname(page), page_url(page).rstrip("/")}
        return any(self._names_hidden(posixpath.join(root, target)) for root in roots)

    def _names_hidden(self, path: str) -> bool:
        path = posixpath.normpath("/" + path).lstrip("/")
        if _key(path) in self.keys or posixpath.splitext(path)[0] in self.owners:
            return True
        folder = posixpath.dirname(path)
        while folder:  # a file in a hidden record's own folder
            if folder in self.owners:
                return True
            folder = posixpath.dirname(folder)
        return False

    def hides_any(self, value: str, page: str) -> bool:
        """Whether an attribute's value (a URL, a srcset, `0; url=…`, `url(…)`, a script) names one."""
        return any(self.hides(token, page) for token in _TOKENS.findall(html.unescape(value)))


_TOKENS = re.compile(r"""[^\s,;'"()=<>`]+""")


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PLACEHOLDER = re.compile("\x02([0-9]+)\x03")


def _key(path: str) -> str:
    """A page however it is named: `a/b.md`, `a/b.markdown`, `a/b/`, `a/b.html`, `a/b/index.html` → `a/b`."""
    path = posixpath.normpath("/" + path).lstrip("/")
    stem, ending = posixpath.splitext(path)
    if ending.lower() in (*MARKDOWN_ENDINGS, ".html", ".htm"):
        path = stem
    if path.endswith(("/index", "/README")) or path in ("index", "README"):
        path = posixpath.dirname(path)
    return path


# Any attribute of raw HTML, whatever its name: a URL can hide in `href`, `srcset`, `ping`,
# `content="0; url=…"`, `style="background: url(…)"` or a script.
_ATTRIBUTE = re.compile(r"""(\s[^\s"'>/=]+\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")


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
    if not targets or not targets.may_name(markdown):
        return markdown
    extension = HiddenLinks(targets)
    extension.page = src_uri
    try:
        Markdown(extensions=[*_CHECK_EXTENSIONS, extension]).convert(markdown)
    except Exception:  # a page Markdown cannot read is refused, not published
        raise ValueError(f"{src_uri}: the page's Markdown cannot be read to check its links") from None
    for target in sorted({_PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), t) for t in extension.cut},
                         key=len, reverse=True):
        markdown = _written(target).sub("#", markdown)
    # Raw HTML and `{ attr="…" }` blocks however their values are spelt (`&#112;`…), in the source itself.
    return cut_bracketed(cut_attributes(markdown, src_uri, targets), src_uri, targets)


def _written(target: str) -> re.Pattern[str]:
    """A link destination as the source may spell it (any punctuation backslash-escaped, or
    an entity), and only where a destination stands: after `(`, `<` or the space of a
    reference definition, before `)`, `>`, a space, a title or the end of the line; never
    inside another destination (`moa.md` is not cut out of `skills-moa.md`)."""
    parts = []
    for char in target:
        if char in _PUNCTUATION:
            parts.append(f"(?:\\\\?{re.escape(char)}|&#0*{ord(char)};|&#x0*{ord(char):x};)")
        else:
            parts.append(re.escape(char))
    return re.compile(r"(?<=[(<\s])" + "".join(parts) + r"(?=[)>\s]|$)", re.MULTILINE | re.IGNORECASE)


_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


_BRACKETED = re.compile(r"<([^<>\s]+)>")


def cut_bracketed(markdown: str, src_uri: str, targets: HiddenTargets) -> str:
    """`<../agreements/x.md>`: text to Python-Markdown, which makes autolinks only of URLs
    with a scheme, but a link to Zensical and to readers: its target goes too."""
    if not targets or not targets.may_name(markdown):
        return markdown
    return _BRACKETED.sub(lambda m: "<#>" if targets.hides(m.group(1), src_uri) else m.group(0), markdown)


def without_hidden(nav: Any, hidden: set[str]) -> Any:
    """An explicit `nav` without the entries of records left out of this site."""
    if isinstance(nav, list):
        kept = [without_hidden(item, hidden) for item in nav]
        return [item for item in kept if item is not None]
    if isinstance(nav, dict):
        kept = {title: without_hidden(value, hidden) for title, value in nav.items()}
        kept = {title: value for title, value in kept.items() if value is not None and value != []}
        return kept or None
    if isinstance(nav, str) and "://" not in nav and nav_path(nav) in hidden:
        return None
    return nav


def nav_path(entry: str) -> str:
    """The docs-relative path a `nav` entry names, however it is written (`/a/b.md`, `./a/b.md`, `a//b.md`)."""
    return posixpath.normpath("/" + unquote(entry.strip())).lstrip("/")
