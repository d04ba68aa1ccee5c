"""Includes: the ways a page pulls another file's text into itself, kept away from records.

An include reads a file by the name a page (or mkdocs.yml) gives it, wherever the file is
and whoever may see it; a record's confidentiality means nothing to it. What reads files
so, as the versions installed here do:

- pymdownx.snippets (13.1): `--8<-- "path"` (any run of dashes, single quotes too), a
  block of paths between two `--8<--` lines, line ranges (`path:3:9`, `path:-3:`,
  `path:1:2,5:6`) and sections (`path:name`), the same again inside every included file,
  and `auto_append` files added to every page. A path is looked for under each
  `base_path` (relative to the working folder, absolute, or a single file), kept there by
  `restrict_base_path` (on by default; off, `../` and absolute paths go anywhere), and
  followed through links, symbolic or hard; with `url_download`, any http(s) URL is read.
  `;--8<--` escapes a line; indentation is kept, so a snippet in an indented line lands in a
  code block. The extension reads lines before Markdown does: a snippet line inside a
  fenced block or in raw HTML (`<div markdown>`, md_in_html) is included all the same.
- Zensical runs some MkDocs plugins as extensions of its own, installed or not:
  `include-markdown` (as snippets with the docs folder as base, unrestricted, URLs on),
  `macros` (Jinja `{% include %}` from the docs folder, `include_yaml`, Python modules),
  `table-reader` (`{{ read_raw("…") }}` of any docs file), `markdown-exec` (runs the code
  of pages) and `markdownextradata` (YAML and JSON files of data folders); and a mapping
  (`pymdownx: {snippets: …}`) names extensions too.
- Plugins and extensions for MkDocs: mkdocs-include-markdown-plugin, mkdocs-macros-plugin,
  mkdocs-table-reader-plugin, markdown-exec, mkdocs-codeinclude-plugin, embed_file;
  markdown-include (`{!file!}`) and mdx_include (`{! file !}`).
- Folders whose files a name in a page reads: the theme's `custom_dir` (a page's
  `template:`, a template's `{% include %}`) and pymdownx.emoji's `custom_icons` (an icon
  shortcode inlines its SVG).
- Raw HTML (`<iframe src>`, `<object data>`) includes nothing when the site is built: its
  URLs are links, cut by accord.site.links.

Two rules close them:

1. The configuration (`unsafe_settings`), whatever engine builds the folder: every folder an
   include reads from lies apart from the record area (the record folders, every record's
   file, what a record that is not public owns outside them) and holds no link into it;
   snippets stay restricted and download nothing; what reads any file a page names is not
   configured at all. An engine that runs without Accord reads the same mkdocs.yml, so it
   can include nothing of a record either. `accord/records` will not build, and `accord
   render` will not render, a configuration that breaks it.
2. While Accord builds (`Reads`): nothing opens a file of a record outside the audience, a
   file of the record folders the site does not publish, or any record's own file except
   as its page's source. This needs no list, so it also stops what rule 1 cannot name (a
   plugin unknown here), by Python's audit hook on `open`.

Refused, never cut: an include that can reach a record is a property of mkdocs.yml, which
every engine reads; cutting it from Accord's own pages would leave the folder unsafe for
the others. Out of reach of both rules: a read made by another process (a plugin that runs
`git show` or `cat`) or by compiled code that bypasses Python's `open`, and what a server
gives (which is why `url_download` is refused).
"""

from __future__ import annotations

import os
import posixpath
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown.util import parseBoolValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from accord.format.models import Confidentiality
from accord.format.paths import display_path, owner
from accord.site.config import Tagged, extensions, plugin_name, value
from accord.site.guard import RECORD_FOLDERS, Attachments

log = get_plugin_logger(__name__)

ADVICE = ("to share text between pages, give pymdownx.snippets a folder of its own outside the record folders, "
          "e.g. `base_path: [snippets]`")

_INCLUDE_MARKDOWN = ('includes any file a page names (`{% include-markdown "…" %}`, `{% include "…" %}`), from '
                     "the page's folder, the docs folder or anywhere")
_MACROS = ('makes every page a Jinja template: `{% include "…" %}` reads any file of its include_dir (the docs '
           "folder unless set), `include_yaml` any YAML file, and its modules run Python")
_TABLE_READER = 'reads any file of the docs folder a page names into it (`{{ read_raw("…") }}`, `read_csv`, …)'
_MARKDOWN_EXEC = "runs the code blocks of pages, which can read any file"

# What reads any file a page names, by the name mkdocs.yml gives it (Zensical runs the first
# four as extensions of its own, installed or not).
REFUSED_PLUGINS = {
    "include-markdown": _INCLUDE_MARKDOWN,
    "macros": _MACROS,
    "table-reader": _TABLE_READER,
    "markdown-exec": _MARKDOWN_EXEC,
    "codeinclude": "includes any file a page names in a `<!--codeinclude-->` block",
    "embed_file": "embeds the text of any page of the docs folder a page links to (`![[…]]`, `![](…)`)",
}
# The same for Markdown extensions, by module (`name` or `name:Class`).
REFUSED_EXTENSIONS = {
    "markdown_include": "includes any file a page names (`{!file!}`)",
    "mdx_include": "includes any file or URL a page names (`{! file !}`)",
    "zensical.extensions.include_markdown": _INCLUDE_MARKDOWN,
    "zensical.extensions.macros": _MACROS,
    "zensical.extensions.table_reader": _TABLE_READER,
}
SNIPPETS = "pymdownx.snippets"


# ---------------------------------------------------------------------------------------
# The record area


def _owned(rel_path: str, owners: set[str]) -> bool:
    path = posixpath.splitext(rel_path)[0]
    while path:
        if path in owners:
            return True
        path = posixpath.dirname(path)
    return False


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class RecordArea:
    """What no include may reach, in any audience: the record folders, every record's file
    (a visible record's too: its front matter would print as text and may name records an
    audience may not see), and what a record that is not public (or cannot be read) owns
    outside the record folders. Paths are real paths (links resolved)."""

    def __init__(self, docs_dir: Path | str, records: Iterable[Any], failed: Iterable[Any] = ()) -> None:
        self.docs = os.path.realpath(docs_dir)
        records, failed = list(records), list(failed)
        self.record_files = {record.rel_path for record in records} | {source.rel_path for source in failed}
        self.owners = {owner(r.rel_path) for r in records if r.confidentiality is not Confidentiality.PUBLIC}
        self.owners |= {owner(source.rel_path) for source in failed}
        self.folders = [os.path.join(self.docs, folder) for folder in RECORD_FOLDERS.values()]
        self.parts = self.folders + [self._real(rel) for rel in sorted(self.record_files | self.owners)]
        self._identities: dict[tuple[int, int], str] | None = None

    def _real(self, rel_path: str) -> str:
        return os.path.join(self.docs, *rel_path.split("/"))

    def rel(self, real: str) -> str | None:
        """The docs-relative path of a real path in the docs folder, else None."""
        if not _within(real, self.docs) or real == self.docs:
            return None
        return Path(os.path.relpath(real, self.docs)).as_posix()

    def holds(self, real: str) -> bool:
        rel = self.rel(real)
        return rel is not None and self._holds(rel)

    def _holds(self, rel: str) -> bool:
        return (rel.split("/", 1)[0] in RECORD_FOLDERS.values() or rel in self.record_files
                or _owned(rel, self.owners))

    def part_within(self, real: str) -> str | None:
        """A part of the area inside the folder `real` (or `real` itself), if there is one."""
        return next((part for part in self.parts if _within(part, real)), None)

    def identities(self) -> dict[tuple[int, int], str]:
        """(device, inode) → docs-relative path, for every file of the area: a hard link
        elsewhere is the same file under another name."""
        if self._identities is None:
            self._identities = _identities(self.docs, self._holds)
        return self._identities


def _identities(docs: str, wanted: Any) -> dict[tuple[int, int], str]:
    """(device, inode) → docs-relative path of every regular file of the docs folder that
    `wanted(docs-relative path)` picks (the docs folder holds no links: accord.format.files).
    One system call per folder: a folder's entries carry their inodes."""
    found: dict[tuple[int, int], str] = {}
    stack = [(docs, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            device = os.stat(folder).st_dev
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, rel + "/"))
            elif entry.is_file(follow_symlinks=False) and wanted(rel):
                found[(device, entry.inode())] = rel
    return found


# ---------------------------------------------------------------------------------------
# Rule 1: the configuration


@dataclass
class Settings:
    """What mkdocs.yml configures that reads files by name, as both engines read it."""

    config_file: Path | None
    extensions: list[tuple[str, Any]] = field(default_factory=list)  # (module, options)
    plugins: list[tuple[str, Any]] = field(default_factory=list)  # (name, options)
    custom_dir: str | None = None
    snippets: list[Any] = field(default_factory=list)  # MkDocs' own snippet preprocessors, however configured
    modules: set[str] = field(default_factory=set)  # the modules of what MkDocs' Markdown runs

    @classmethod
    def from_yaml(cls, config: Mapping[str, Any], config_file: Path | None) -> Settings:
        """mkdocs.yml as accord.site.config reads it (for `accord render`)."""
        listed = []
        for entry in extensions(dict(config)):
            name, options = (next(iter(entry.items())) if isinstance(entry, dict) else (entry, {}))
            listed += _hoisted(str(name), _resolved(options))
        plugins = config.get("plugins")
        entries = [{k: v} for k, v in plugins.items()] if isinstance(plugins, dict) else list(plugins or [])
        named = [(str(plugin_name(e)), _resolved(next(iter(e.values())) if isinstance(e, dict) else {}))
                 for e in entries if plugin_name(e)]
        theme = _resolved(config.get("theme"))
        custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
        return cls(config_file, listed, named, custom_dir if isinstance(custom_dir, str) else None)

    @classmethod
    def from_mkdocs(cls, config: Any) -> Settings:
        """MkDocs' own configuration, and what the Markdown it makes pages with runs."""
        listed = []
        for entry in config.markdown_extensions:
            if isinstance(entry, str):
                listed += _hoisted(entry, config.mdx_configs.get(entry) or {})
        plugins = [(name, dict(plugin.config) if isinstance(getattr(plugin, "config", None), Mapping) else {})
                   for name, plugin in config.plugins.items()]
        config_file = Path(config.config_file_path) if config.config_file_path else None
        custom_dir = config.theme.custom_dir  # made absolute by MkDocs: shown as written, where it can be
        if custom_dir and config_file and Path(custom_dir).is_relative_to(config_file.parent):
            custom_dir = Path(custom_dir).relative_to(config_file.parent).as_posix()
        found = cls(config_file, listed, plugins, custom_dir)
        found.snippets, found.modules = _markdown_of(config)
        return found


def _hoisted(name: str, options: Any) -> list[tuple[str, Any]]:
    """An extension's module, and Zensical's mapping forms (`pymdownx: {snippets: …}`,
    `zensical: {extensions: {macros: …}}`) as the extensions they name."""
    module = name.split(":", 1)[0].strip()
    if module in ("pymdownx", "zensical") and isinstance(options, dict):
        found = []
        for sub, inner in options.items():
            nested = (module, sub) in (("pymdownx", "blocks"), ("zensical", "extensions"))
            if nested and isinstance(inner, dict):
                found += [(f"{module}.{sub}.{key}", conf or {}) for key, conf in inner.items()]
            else:
                found.append((f"{module}.{sub}", inner or {}))
        return found
    return [(module, options if isinstance(options, Mapping) else {})]


def _resolved(item: Any) -> Any:
    """Options with `!ENV` resolved as MkDocs would; other tags kept (a `!!python/name:`)."""
    if isinstance(item, Tagged):
        return value(item) if item.tag == "!ENV" else item
    if isinstance(item, dict):
        return {key: _resolved(inner) for key, inner in item.items()}
    if isinstance(item, list):
        return [_resolved(inner) for inner in item]
    return item


def _markdown_of(config: Any) -> tuple[list[Any], set[str]]:
    """The snippet preprocessors (any subclass, however registered) and the modules of every
    processor of a Markdown made as MkDocs makes one for each page."""
    import markdown
    from pymdownx.snippets import SnippetPreprocessor  # (pymdown-extensions comes with mkdocs-material)

    try:
        md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    except Exception:  # MkDocs reports an extension it cannot load, page by page
        return [], set()
    processors = [*md.preprocessors, *md.parser.blockprocessors, *md.inlinePatterns, *md.treeprocessors,
                  *md.postprocessors, *md.registeredExtensions]
    snippets = [p for p in md.preprocessors if isinstance(p, SnippetPreprocessor)]
    return snippets, {type(p).__module__ for p in processors}


class Checker:
    """Rule 1 for one knowledge base: the problems of a configuration, one line each, naming
    the setting (and its line in mkdocs.yml where it can be found) and what to do."""

    def __init__(self, settings: Settings, area: RecordArea) -> None:
        self.settings, self.area = settings, area
        self.config_dir = settings.config_file.parent if settings.config_file else Path.cwd()
        self.name = settings.config_file.name if settings.config_file else "mkdocs.yml"
        self.seen: set[tuple[str, str]] = set()
        try:
            self.lines = settings.config_file.read_text(encoding="utf-8").splitlines() if settings.config_file else []
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def problems(self) -> list[str]:
        found: list[str] = []
        for module, options in self.settings.extensions:
            refused = next((why for prefix, why in REFUSED_EXTENSIONS.items() if _is_module(module, prefix)), None)
            if refused:
                found.append(self._refused(module, refused))
            elif module == SNIPPETS:
                found += self._snippets(options, tokens=(SNIPPETS,))
            elif module == "zensical.extensions.markdownextradata":
                found += self._data(options, tokens=("markdownextradata",))
            elif module == "pymdownx.emoji":
                icons = (options.get("options") or {}).get("custom_icons") if isinstance(options, Mapping) else None
                found += self._folders(_listed(icons), "pymdownx.emoji's custom_icons folder",
                                       "an icon shortcode inlines any SVG file in it", ("custom_icons",))
            elif module == "pymdownx.superfences" and isinstance(options, Mapping) and any(
                    _runs_markdown_exec(fence) for fence in options.get("custom_fences") or []):
                found.append(self._refused("a pymdownx.superfences fence of markdown-exec", _MARKDOWN_EXEC,
                                           ("markdown_exec",)))
        for processor in self.settings.snippets:  # however MkDocs' Markdown came to run them
            module = type(processor).__module__
            found += self._snippets({"base_path": processor.base_path,
                                     "restrict_base_path": processor.restrict_base_path,
                                     "url_download": processor.url_download,
                                     "auto_append": processor.auto_append},
                                    tokens=(SNIPPETS,), what=SNIPPETS if module == SNIPPETS else f"{module} (snippets)")
        for module in sorted(self.settings.modules):
            refused = next((why for prefix, why in REFUSED_EXTENSIONS.items() if _is_module(module, prefix)), None)
            if refused:
                found.append(self._refused(module, refused))
        for name, options in self.settings.plugins:
            if name in REFUSED_PLUGINS and _enabled(options):
                found.append(self._refused(f"the {name} plugin", REFUSED_PLUGINS[name], (name,)))
            elif name == "markdownextradata" and _enabled(options):
                found += self._data(options, tokens=("markdownextradata",))
        if self.settings.custom_dir:
            found += self._folders([self.settings.custom_dir], "the theme's custom_dir",
                                   "a page's `template:` or a template's `{% include %}` reads any file in it",
                                   ("custom_dir",))
        return list(dict.fromkeys(found))  # the same problem found twice (by name and in MkDocs' Markdown): once

    # Each kind of setting ---------------------------------------------------------------

    def _snippets(self, options: Any, tokens: tuple[str, ...], what: str = SNIPPETS) -> list[str]:
        options = options if isinstance(options, Mapping) else {}
        found = []
        if not _true(options.get("restrict_base_path", True)):
            found.append(f"{self._where(*tokens, 'restrict_base_path')}{what}' restrict_base_path is off: `--8<--` "
                         "paths may leave base_path (`../`, absolute paths) and reach the record folders; "
                         "remove the setting (it is on by default)")
        if _true(options.get("url_download", False)):
            found.append(f"{self._where(*tokens, 'url_download')}{what}' url_download is on: a page may include "
                         "whatever a URL serves, this knowledge base's own records among them (from its repository "
                         "or its internal site), and no engine can tell which; turn it off, and keep shared "
                         "snippets in their folder")
        bases = _listed(options.get("base_path", ["."]))
        found += self._folders(bases, f"{what}' base_path", "a page's `--8<--` could include any file in it",
                               (*tokens, "base_path"))
        for entry in _listed(options.get("auto_append")):
            for base in (place for b in bases for place in self._places(b)):
                target = os.path.realpath(os.path.join(base, entry)) if os.path.isdir(base) else None
                if target is not None and self.area.holds(target):
                    found.append(f"{self._where(*tokens, 'auto_append')}{what}' auto_append names "
                                 f"{self._shown(target)}, a file of the record folders or a record's own: it would "
                                 "be added to every page; remove it")
                    break
        return found

    def _data(self, options: Any, tokens: tuple[str, ...]) -> list[str]:
        data = options.get("data") if isinstance(options, Mapping) else None
        docs = os.path.relpath(self.area.docs, self.config_dir)
        folders = [d.strip() for d in data.split(",") if d.strip()] if isinstance(data, str) \
            else ["_data", os.path.join(docs, "_data")]
        return self._folders(folders, "markdownextradata's data folder",
                             "its YAML and JSON files become variables any page can print", (*tokens, "data"))

    def _folders(self, folders: list[str], what: str, because: str, tokens: tuple[str, ...]) -> list[str]:
        found = []
        for folder in folders:
            for place in self._places(folder):
                if (what, os.path.realpath(place)) in self.seen:
                    break  # (the same folder as configured and as MkDocs' Markdown holds it)
                self.seen.add((what, os.path.realpath(place)))
                reached = self._reaches(place)
                if reached:
                    reason, linked = reached
                    advice = "remove the link, and copy there only what every reader may see" if linked \
                        else self._advice(what)
                    found.append(f"{self._where(*tokens)}{what} `{folder}` {reason}: {because}, a record's file "
                                 "among them, whatever its confidentiality, in this build and in any engine's "
                                 f"without Accord; {advice}")
                    break
        return found

    def _refused(self, what: str, why: str, tokens: tuple[str, ...] | None = None) -> str:
        return (f"{self._where(*(tokens or (what,)))}{what} {why}: Accord cannot tell a record's file from any "
                f"other there, and an engine without Accord would publish it; take it out of {self.name}; {ADVICE}")

    # Helpers ---------------------------------------------------------------------------

    def _reaches(self, place: str) -> tuple[str, bool] | None:
        """Why a folder (or file) an include reads from reaches the record area, and whether
        through a link in it; None when it does not."""
        real = os.path.realpath(place)
        if not os.path.exists(real):
            return None
        if self.area.holds(real):
            return "is in the record area (the record folders, or a record's own file or folder)", False
        part = self.area.part_within(real)
        if part is not None:
            kind = ("the record folder" if part in self.area.folders
                    else "the record file" if self.area.rel(part) in self.area.record_files else "the record's folder")
            return f"holds {kind} {self._shown(part)}", False
        if os.path.isdir(real):
            link = self._link_into(real)
            if link is not None:
                return f"holds {self._shown(link[0])}, {link[1]}", True
        else:
            try:
                info = os.stat(real)
            except OSError:
                return None
            twin = self.area.identities().get((info.st_dev, info.st_ino))
            if twin is not None:
                return f"is another name (a hard link) for {twin}", False
        return None

    def _link_into(self, root: str) -> tuple[str, str] | None:
        """A link under `root` into the record area: (the link, what it is)."""
        seen: set[tuple[int, int]] = set()
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError:
                continue
            for entry in entries:
                try:
                    info = os.stat(entry.path)  # through links
                except OSError:
                    continue
                key = (info.st_dev, info.st_ino)
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if self.area.holds(target) or self.area.part_within(target) is not None:
                        return entry.path, f"a link to {self._shown(target)}"
                if stat.S_ISDIR(info.st_mode):
                    if key not in seen:
                        seen.add(key)
                        stack.append(entry.path)
                elif stat.S_ISREG(info.st_mode) and key in self.area.identities():
                    return entry.path, f"another name (a hard link) for {self.area.identities()[key]}"
        return None

    def _places(self, folder: Any) -> list[str]:
        """Where a configured path is, for each engine: relative to the folder of mkdocs.yml
        (where engines are run) and to the working folder (where this one runs)."""
        text = os.fspath(folder) if isinstance(folder, (str, os.PathLike)) else None
        if not text:
            return []
        if os.path.isabs(text):
            return [os.path.abspath(text)]
        return list(dict.fromkeys(os.path.abspath(os.path.join(base, text)) for base in (self.config_dir, Path.cwd())))

    def _shown(self, path: str) -> str:
        rel = self.area.rel(os.path.realpath(path))
        return f"docs/{rel}" if rel and not os.path.islink(path) else display_path(Path(path))

    def _where(self, *tokens: str) -> str:
        """`mkdocs.yml:LINE: ` at the first line naming the setting (each token after the
        last), or the file's name alone."""
        number, found = 0, False
        for token in tokens:
            # (`pymdownx.snippets` may be written `pymdownx:` then `snippets:`, Zensical's mapping form)
            hit = next((i for name in dict.fromkeys((token, token.rsplit(".", 1)[-1]))
                        for i in range(number, len(self.lines)) if name in self.lines[i]), None)
            if hit is None:
                break
            number, found = hit, True
        return f"{self.name}:{number + 1}: " if found else f"{self.name}: "

    @staticmethod
    def _advice(what: str) -> str:
        if "custom_dir" in what:
            return "keep theme overrides in a folder of their own (`custom_dir: overrides`)"
        if "base_path" in what:
            return "give snippets a folder of their own outside the record folders, e.g. `base_path: [snippets]`"
        return "give it a folder of its own outside the record folders, with no link into them"


def _is_module(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _listed(item: Any) -> list[Any]:
    if item is None:
        return []
    return list(item) if isinstance(item, (list, tuple)) else [item]


def _true(item: Any) -> bool:
    return parseBoolValue(item, preserve_none=True) if isinstance(item, str) else bool(item)


def _enabled(options: Any) -> bool:
    return not isinstance(options, Mapping) or _true(options.get("enabled", True))


def _runs_markdown_exec(fence: Any) -> bool:
    formatter = fence.get("format") if isinstance(fence, Mapping) else None
    if isinstance(formatter, Tagged):  # `!!python/name:markdown_exec.formatter`, as accord render reads it
        name = formatter.tag.rsplit(":", 1)[-1] if "python/name:" in formatter.tag else str(formatter.value)
    else:
        name = getattr(formatter, "__module__", "") or ""
    return _is_module(name, "markdown_exec")


def unsafe_settings(settings: Settings, area: RecordArea) -> list[str]:
    """Rule 1: what in the configuration lets a page include what it must not (one line each)."""
    return Checker(settings, area).problems()


def heading(problems: list[str], name: str = "mkdocs.yml") -> str:
    count = len(problems)
    return (f"{count} setting{'s' if count != 1 else ''} in {name} let{'s' if count == 1 else ''} a page include "
            "files that are not for every reader (a record's own file, or a file of the record folders), in this "
            "build or in an engine that builds the folder without Accord; fix "
            f"{'it' if count == 1 else 'them'}:")


def render_problems(config: Mapping[str, Any], config_file: Path | None, docs_dir: Path, records: Iterable[Any],
                    failed: Iterable[Any] = ()) -> list[str]:
    """`accord render`: rule 1 for the configuration it would write for another engine."""
    return unsafe_settings(Settings.from_yaml(config, config_file), RecordArea(docs_dir, records, failed))


def refuse_unsafe(config: Any, records: Iterable[Any], failed: Iterable[Any] = ()) -> None:
    """`accord/records`: stop the build when the configuration breaks rule 1."""
    settings = Settings.from_mkdocs(config)
    problems = unsafe_settings(settings, RecordArea(config.docs_dir, records, failed))
    if problems:
        name = settings.config_file.name if settings.config_file else "mkdocs.yml"
        raise PluginError(heading(problems, name) + "\n" + "\n".join(problems))


# ---------------------------------------------------------------------------------------
# Rule 2: while Accord builds


class Reads:
    """What may not be read while a build makes its pages, whoever reads it: a file of a
    record outside the audience or with errors, a file such a record owns, a file of the
    record folders the site does not publish, and any record's own file except as the source
    of its own page. Checked by real path and by (device, inode), so that neither a link
    nor a second name gets round it."""

    def __init__(self, docs_dir: Path | str, records: Iterable[Any], hidden: Iterable[str],
                 failed: Iterable[Any] = ()) -> None:
        self.docs = os.path.realpath(docs_dir)
        records = list(records)
        self.hidden = set(hidden) | {source.rel_path for source in failed}
        self.record_files = {record.rel_path for record in records} | self.hidden
        self.attachments = Attachments([rel for rel in self.record_files if rel not in self.hidden], self.hidden)
        self.decided: dict[str, str | None] = {}
        self.known = _identities(self.docs, self._guarded)
        self.page: Any = None  # the page being made (accord/records' on_pre_page to on_page_content)
        self.refused: list[str] = []
        self.busy = False

    def _guarded(self, rel: str) -> bool:
        return rel in self.record_files or self._closed(rel) is not None

    def _closed(self, rel: str) -> str | None:
        """Why the file at `rel` may never be read during this build, or None."""
        if rel not in self.decided:
            reason = None
            if rel in self.hidden or self.attachments.owned_by_hidden(rel):
                reason = "a file of a record this site's audience may not see"
            elif (rel.split("/", 1)[0] in RECORD_FOLDERS.values() and not posixpath.basename(rel).startswith(".")
                  and not self.attachments.published(rel)):
                # (a dot file is never published, and may be a plugin's settings: material/meta's .meta.yml)
                reason = "a file of the record folders that this site does not publish"
            self.decided[rel] = reason
        return self.decided[rel]

    def why_not(self, rel: str) -> str | None:
        reason = self._closed(rel)
        if reason is None and rel in self.record_files and (self.page is None or self.page.file.src_uri != rel):
            reason = "a record's own file, which only its own page reads (its front matter is not for pages)"
        return reason

    def check(self, path: Any) -> None:
        try:
            opened = os.fsdecode(path)
            real = os.path.realpath(opened)
            info = os.stat(real)
        except (OSError, TypeError, ValueError):
            return
        if not stat.S_ISREG(info.st_mode):
            return
        names = []
        if _within(real, self.docs) and real != self.docs:
            names.append(Path(os.path.relpath(real, self.docs)).as_posix())
        twin = self.known.get((info.st_dev, info.st_ino))
        if twin is not None:
            names.append(twin)
        for rel in names:
            reason = self.why_not(rel)
            if reason is not None:
                self._refuse(rel, reason, opened)

    def _refuse(self, rel: str, reason: str, opened: str) -> None:
        reader = _reader()
        if self.page is not None:
            where = self._page_line((opened, rel))
            message = (f"{where}: this page would include {rel}, {reason}; {reader} read it while the page was "
                       "made. Take the include out of the page (link to a page instead)")
        else:
            message = (f"{reader} read {rel} while the site was built, {reason}: take {reader} out of the build, "
                       "or keep it away from the record folders")
        self.refused.append(message)
        raise PluginError(message)

    def _page_line(self, paths: tuple[str, str]) -> str:
        """The page's source, and the first line of it that names the file (as it was opened,
        or as it is in the docs folder: its name, its stem, the folders it is in), if one does."""
        file = self.page.file
        shown = display_path(Path(file.abs_src_path)) if file.abs_src_path else file.src_uri
        source = None
        if file.abs_src_path:  # the author's file, front matter and all (not the Markdown as plugins left it)
            self.busy = True
            try:
                source = Path(file.abs_src_path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                source = None
            finally:
                self.busy = False
        lines = (source or "").splitlines()
        opened, rel = paths
        names = [Path(opened).name, Path(opened).stem, Path(rel).name, Path(rel).stem, *reversed(Path(rel).parts[:-1])]
        for name in dict.fromkeys(names):
            if name:
                number = next((i for i, line in enumerate(lines, start=1) if name in line), None)
                if number is not None:
                    return f"{shown}:{number}"
        return shown

    def finish(self, serving: bool) -> None:
        """After the build: reads refused and passed over by what attempted them (the page
        was made without the file) still fail `mkdocs build`; the preview warns."""
        if not self.refused:
            return
        if serving:
            for message in self.refused:
                log.warning(message)
            return
        raise PluginError("\n".join(dict.fromkeys(self.refused)))


_watching: Reads | None = None
_hooked = False


def watch(reads: Reads) -> None:
    """Rule 2 from now until `stop()`: every `open` of the process is checked."""
    global _watching, _hooked
    _watching = reads
    if not _hooked:
        sys.addaudithook(_audit)  # for the life of the process: audit hooks cannot be taken out
        _hooked = True


def stop() -> None:
    global _watching
    _watching = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "open":
        return
    reads = _watching
    if reads is None or reads.busy or not args:
        return
    path, mode, flags = (*args, None, None)[:3]
    if isinstance(path, int) or not _reading(mode, flags):
        return
    reads.check(path)


def _reading(mode: Any, flags: Any) -> bool:
    if isinstance(mode, str):
        return "r" in mode or "+" in mode
    if isinstance(flags, int):
        return flags & os.O_ACCMODE != os.O_WRONLY
    return True


_PLUMBING = ("io", "_io", "codecs", "os", "pathlib", "posixpath", "genericpath", "shutil", "builtins",
             "fileinput", "tokenize", "linecache", "importlib", "encodings")


def _reader() -> str:
    """The module that asked for the file: the first caller outside Python's own file handling."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module != __name__ and module.split(".")[0] not in _PLUMBING:
            return module or "something"
        frame = frame.f_back  # type: ignore[assignment]
    return "something"

