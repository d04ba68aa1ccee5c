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
- pymdownx.b64: every `<img src>` of a page (a Markdown image too) that names a file under
  its `base_path` (or `root_path`; the working folder by default) is embedded in the page
  as a data: URI; with `restrict_path` off, any path.
- Zensical runs some MkDocs plugins as extensions of its own, installed or not:
  `include-markdown` (as snippets with the docs folder as base, unrestricted, URLs on),
  `macros` (Jinja `{% include %}` from the docs folder, `include_yaml`, Python modules),
  `table-reader` (`{{ read_raw("…") }}` of any docs file), `markdown-exec` (runs the code
  of pages) and `markdownextradata` (YAML and JSON files of data folders); and a mapping
  (`pymdownx: {snippets: …}`) names extensions too.
- Plugins and extensions for MkDocs: mkdocs-include-markdown-plugin, mkdocs-macros-plugin,
  mkdocs-table-reader-plugin, markdown-exec, mkdocs-codeinclude-plugin, embed_file;
  markdown-include (`{!file!}`) and mdx_include (`{! file !}`); and what builds other
  projects into the site, whose mkdocs.yml Accord never reads (material/projects, monorepo,
  multirepo).
- mkdocs-material's plugins (Zensical has its own of most): `blog` publishes its index page
  and makes posts of the pages of `post_dir`, and prints its `authors_file`; `meta` reads every
  file named `meta_file` into the metadata of the pages beside it; `social` reads layouts from
  `cards_layout_dir` and draws `background_image` files into its cards; `group` runs the
  plugins it lists (when an environment variable says so). `privacy`, `offline`, `optimize`,
  `tags`, `typeset` and `search` read no file a page names; `info` zips the project for a bug
  report, outside the site.
- Folders whose files a name in a page reads: the theme's `custom_dir` (a page's
  `template:`, a template's `{% include %}`) and pymdownx.emoji's `custom_icons` (an icon
  shortcode inlines its SVG).
- Raw HTML (`<iframe src>`, `<object data>`) includes nothing when the site is built: its
  URLs are links, cut by accord.site.links.

Two rules close them:

1. The configuration (`unsafe_settings`), whatever engine builds the folder: every folder an
   include reads from lies apart from the record area (the record folders, every record's
   file, what a record that is not public owns outside them) and holds no link into it;
   snippets and b64 stay restricted and download nothing; what reads any file a page names is
   not configured at all. An engine that runs without Accord reads the same mkdocs.yml, so it
   can include nothing of a record either. So the configuration is read as the most
   permissive engine reads it: every file of the INHERIT chain, each entry of each (Zensical
   joins the lists MkDocs replaces); a plugin or extension by every name an engine knows it by
   (`material/` and other namespaces, case, `mkdocs-` and `-plugin`, `_` for `-`, Python
   modules and entry points, Zensical's renames of `material.extensions` and `materialx`); a
   `group`'s plugins whatever its `enabled` says; a tagged path resolved as MkDocs resolves it
   (`!relative $config_dir/…`, `!relative $docs_dir/…`) or refused when it cannot be
   (`!relative` alone, a path the environment sets with `!ENV`, any other tag); an `enabled` or
   a restriction set by a tag taken at its worst. A relative path is checked from every folder an engine
   resolves it from: mkdocs.yml's, the working folder, and for `accord render` the folder it
   writes, whose mkdocs.yml its engines read (`base_path: [../../kb/docs]` from there). `accord/
   records` will not build, and `accord render` will not render, a configuration that breaks it.
2. While Accord builds (`Reads`): nothing opens a file of a record outside the audience, a
   file of the record folders the site does not publish, or any record's own file except
   as its page's source. This needs no list, so it also stops what rule 1 cannot name (a
   plugin unknown here), by Python's audit hook on `open`.

Refused, never cut: an include that can reach a record is a property of mkdocs.yml, which
every engine reads; cutting it from Accord's own pages would leave the folder unsafe for
the others. Out of reach of both rules: a read made by another process (a plugin that runs
`git show` or `cat`) or by compiled code that bypasses Python's `open`, and what a server
gives (which is why `url_download` is refused); the site's own Python (hooks) and paths a
page's front matter gives a plugin (`social`'s card layouts) are checked only while Accord
builds (rule 2).
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import yaml
from markdown.util import parseBoolValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from accord.format.models import Confidentiality
from accord.format.paths import display_path, owner, owner_keys
from accord.memo import Memo
from accord.site.config import Tagged, TaggedLoader, extensions, value
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
_OTHER_PROJECTS = ("builds other projects into this site by their own mkdocs.yml, which Accord never reads: one "
                   "whose docs folder is this one (or holds it) publishes every record")

# What reads any file a page names, or builds what Accord never checks, by the name mkdocs.yml
# gives it as plugin_keys() reads it (Zensical runs the first four as extensions of its own,
# installed or not).
REFUSED_PLUGINS = {
    "include-markdown": _INCLUDE_MARKDOWN,
    "macros": _MACROS,
    "table-reader": _TABLE_READER,
    "markdown-exec": _MARKDOWN_EXEC,
    "codeinclude": "includes any file a page names in a `<!--codeinclude-->` block",
    "embed-file": "embeds the text of any page of the docs folder a page links to (`![[…]]`, `![](…)`)",
    "projects": _OTHER_PROJECTS,
    "monorepo": _OTHER_PROJECTS,
    "multirepo": "clones repositories (this one among them) and " + _OTHER_PROJECTS,
}
# The same by the module an installed plugin's name stands for (an alias, another namespace).
REFUSED_PLUGIN_MODULES = {
    "mkdocs_include_markdown_plugin": "include-markdown",
    "mkdocs_macros": "macros",
    "mkdocs_table_reader_plugin": "table-reader",
    "markdown_exec": "markdown-exec",
    "codeinclude": "codeinclude",
    "mkdocs_codeinclude_plugin": "codeinclude",
    "mkdocs_embed_file_plugins": "embed-file",
    "material.plugins.projects": "projects",
    "mkdocs_monorepo_plugin": "monorepo",
    "mkdocs_multirepo_plugin": "multirepo",
}
# The same for Markdown extensions, by module as extension_module() reads it.
REFUSED_EXTENSIONS = {
    "markdown_include": "includes any file a page names (`{!file!}`)",
    "mdx_include": "includes any file or URL a page names (`{! file !}`)",
    "zensical.extensions.include_markdown": _INCLUDE_MARKDOWN,
    "zensical.extensions.macros": _MACROS,
    "zensical.extensions.table_reader": _TABLE_READER,
}
SNIPPETS = "pymdownx.snippets"
B64 = "pymdownx.b64"
EXTRA = ("pymdownx.extra", "markdown.extensions.extra")  # options: the configuration of each extension it loads


# ---------------------------------------------------------------------------------------
# The record area


def _owned(rel_path: str, owners: set[str]) -> bool:
    """Whether any name the file could belong to (its own with each ending taken off, each
    folder) is one of `owners` (accord.format.paths.owner_keys)."""
    return any(key in owners for key in owner_keys(rel_path))


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

# Names, as every engine reads them --------------------------------------------------------


# The installed entry points of each group asked for (one or two groups: a small ceiling).
_ENTRY_POINTS: Memo[str, dict[str, str]] = Memo(8)


def _entry_points(group: str) -> dict[str, str]:
    """Installed entry points of a group: name → module."""
    return _ENTRY_POINTS.setdefault(group, lambda: _read_entry_points(group))


def _read_entry_points(group: str) -> dict[str, str]:
    try:
        found = entry_points(group=group)
    except Exception:  # a broken distribution's metadata
        return {}
    return {point.name: point.value.split(":", 1)[0].strip() for point in found}


def extension_module(name: Any) -> str:
    """The module a Markdown extension's name stands for, in lower case: `module:Class` and
    Python-Markdown's entry-point names (`toc`) as their module, and Zensical's renames of
    `material.extensions` and `materialx` (made on the text of mkdocs.yml) as Zensical makes them."""
    module = str(name).split(":", 1)[0].strip()
    module = module.replace("material.extensions", "zensical.extensions").replace("materialx", "zensical.extensions")
    return _entry_points("markdown.extensions").get(module, module).lower()


def plugin_keys(name: Any) -> set[str]:
    """A plugin's name as each engine may read it, in lower case, each part of a namespaced
    name (`material/include-markdown`: Zensical drops `material/`, MkDocs looks the name up in
    the theme's namespace; `/name` skips it) without `mkdocs-`, `-plugin` or MkDocs' instance
    number (`name #2`), `_` as `-`."""
    text = re.sub(r"\s*#\d+\s*$", "", str(name)).strip().lower().replace("_", "-")
    keys = set()
    for part in (p.strip() for p in text.split("/")):
        if part:
            part = part.removeprefix("mkdocs-")
            for suffix in ("-plugins", "-plugin"):
                part = part.removesuffix(suffix)
            keys.add(part)
    return keys


def plugin_modules(name: Any, theme: Any = None) -> set[str]:
    """The modules of the installed plugins a name stands for in MkDocs (as written, and in the
    theme's namespace), in lower case."""
    installed = _entry_points("mkdocs.plugins")
    written = re.sub(r"\s*#\d+\s*$", "", str(name)).strip()
    names = {written.lstrip("/")}
    if "/" not in written:
        names |= {f"{space}/{written}" for space in {str(theme or "material"), "material"}}
    return {installed[n].lower() for n in names if n in installed}


def _refused_extension(module: str) -> str | None:
    return next((why for prefix, why in REFUSED_EXTENSIONS.items() if _is_module(module, prefix)), None)


def _refused_plugin_module(module: str) -> str | None:
    return next((key for prefix, key in REFUSED_PLUGIN_MODULES.items() if _is_module(module.lower(), prefix)), None)


# What mkdocs.yml configures ---------------------------------------------------------------


@dataclass
class Settings:
    """What one reading of the configuration sets that reads files by name (one file of the
    INHERIT chain as written, the chain as MkDocs or Zensical merges it, or MkDocs' own)."""

    config_file: Path | None  # the file its problems are shown in
    extensions: list[tuple[str, Any]] = field(default_factory=list)  # (name as written, options)
    plugins: list[tuple[str, Any]] = field(default_factory=list)  # (name as written, options)
    custom_dir: Any = None
    snippets: list[Any] = field(default_factory=list)  # MkDocs' own snippet preprocessors, however configured
    modules: set[str] = field(default_factory=set)  # the modules of what MkDocs' Markdown runs
    plugin_modules: set[str] = field(default_factory=set)  # the modules of the plugins MkDocs loaded
    theme: Any = "material"

    @classmethod
    def from_yaml(cls, config: Mapping[str, Any], config_file: Path | None) -> Settings:
        """mkdocs.yml (or one file of its chain) as written, every tag kept."""
        listed = [found for entry in extensions(dict(config)) for name, options in _entries(entry)
                  for found in _hoisted(name, options)]
        theme = config.get("theme")
        custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
        theme_name = theme.get("name") if isinstance(theme, dict) else theme
        return cls(config_file, listed, _plugin_entries(config.get("plugins")), custom_dir, theme=theme_name)

    @classmethod
    def from_mkdocs(cls, config: Any) -> Settings:
        """MkDocs' own configuration, and what the Markdown it makes pages with runs."""
        listed = []
        for entry in config.markdown_extensions:
            if isinstance(entry, str):
                listed += _hoisted(entry, config.mdx_configs.get(entry) or {})
        plugins, modules = [], set()
        for name, plugin in config.plugins.items():
            plugins.append((name, _plugin_options(plugin)))
            modules.add(type(plugin).__module__.lower())
            inner = getattr(plugin, "plugins", None)  # the plugins a material/group loaded
            if isinstance(inner, dict):
                for inner_name, inner_plugin in inner.items():
                    plugins.append((str(inner_name), _plugin_options(inner_plugin)))
                    modules.add(type(inner_plugin).__module__.lower())
        config_file = Path(config.config_file_path) if config.config_file_path else None
        custom_dir = config.theme.custom_dir  # made absolute by MkDocs: shown as written, where it can be
        if custom_dir and config_file and Path(custom_dir).is_relative_to(config_file.parent):
            custom_dir = Path(custom_dir).relative_to(config_file.parent).as_posix()
        found = cls(config_file, listed, plugins, custom_dir, plugin_modules=modules, theme=config.theme.name)
        found.snippets, found.modules = _markdown_of(config)
        return found


def _entries(entry: Any) -> list[tuple[str, Any]]:
    """(name, options) of a list entry: a name, or a mapping of one (or, wrongly, more) names."""
    if isinstance(entry, dict):
        return [(str(name), options) for name, options in entry.items()]
    return [(str(entry), {})] if isinstance(entry, str) else []


def _plugin_entries(plugins: Any) -> list[tuple[str, Any]]:
    if isinstance(plugins, dict):
        return [(str(name), options) for name, options in plugins.items()]
    if isinstance(plugins, list):
        return [found for entry in plugins for found in _entries(entry)]
    return []


def _plugin_options(plugin: Any) -> dict[str, Any]:
    return dict(plugin.config) if isinstance(getattr(plugin, "config", None), Mapping) else {}


def _hoisted(name: str, options: Any) -> list[tuple[str, Any]]:
    """An extension, and what it names itself: Zensical's mapping forms (`pymdownx: {snippets:
    …}`, `zensical: {extensions: {macros: …}}`) and the extensions `extra` loads with the
    options given it (`pymdownx.extra: {pymdownx.superfences: …}`)."""
    module = extension_module(name)
    if module in ("pymdownx", "zensical") and isinstance(options, dict):
        found = []
        for sub, inner in options.items():
            nested = (module, str(sub)) in (("pymdownx", "blocks"), ("zensical", "extensions"))
            if nested and isinstance(inner, dict):
                found += [(f"{module}.{sub}.{key}", conf or {}) for key, conf in inner.items()]
            else:
                found.append((f"{module}.{sub}", inner or {}))
        return found
    if module in EXTRA and isinstance(options, Mapping):
        return [(name, {}), *(found for sub, inner in options.items() for found in _hoisted(str(sub), inner or {}))]
    return [(name, options if options is not None else {})]


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
    return snippets, {type(p).__module__.lower() for p in processors}


# The INHERIT chain, as each engine reads it -----------------------------------------------




def _as_zensical_reads(text: str) -> str:
    """Zensical renames these on the text of each file of the chain before it reads it."""
    return text.replace("material.extensions", "zensical.extensions").replace("materialx", "zensical.extensions")


def readings(config_file: Path | None) -> list[Settings]:
    """Every reading of mkdocs.yml an engine may make: each file of its INHERIT chain on its
    own (MkDocs replaces a list a parent sets, Zensical joins them: either way each entry of
    each file may be the one that runs), as written and as Zensical renames it, and the whole
    chain merged as Zensical merges it."""
    if config_file is None:
        return []
    found: list[Settings] = []
    chain: list[dict[str, Any]] = []  # Zensical's reading, mkdocs.yml first
    queue, seen = [config_file], set()
    while queue:
        path = queue.pop(0)
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        variants = list(dict.fromkeys((text, _as_zensical_reads(text))))
        for index, variant in enumerate(variants):
            try:
                data = yaml.load(variant, Loader=TaggedLoader)  # (a SafeLoader: tags become Tagged)
            except yaml.YAMLError:
                continue
            if not isinstance(data, dict):
                continue
            found.append(Settings.from_yaml(data, path))
            if index == len(variants) - 1:
                chain.append(data)
            parent = value(data.get("INHERIT"))
            if isinstance(parent, str) and parent:
                queue.append(path.parent / parent)
    if len(chain) > 1:
        merged: dict[str, Any] = {}
        for data in reversed(chain):
            merged = _joined(merged, {k: v for k, v in data.items() if k != "INHERIT"})
        found.append(Settings.from_yaml(merged, config_file))
    return found


def _joined(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Zensical's merge of a file over its parent: mappings key by key, lists joined."""
    merged = dict(base)
    for key, item in over.items():
        if isinstance(item, dict) and isinstance(merged.get(key), dict):
            merged[key] = _joined(merged[key], item)
        elif isinstance(item, list) and isinstance(merged.get(key), list):
            merged[key] = [*merged[key], *item]
        else:
            merged[key] = item
    return merged


# Where a path leads -----------------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    """Where engines resolve the paths of a configuration: from the folder of mkdocs.yml (the
    main one, whichever file of the chain sets the path), the working folder and the docs
    folder; and for `accord render`, from the folder it writes, whose mkdocs.yml and docs/ its
    engines read."""

    config_dir: Path
    docs: Path
    out: Path | None = None

    def anchors(self, relative_to: str) -> list[Path]:
        if relative_to == "docs":
            return [self.docs, *([self.out / "docs"] if self.out else [])]
        return list(dict.fromkeys([self.config_dir, Path.cwd(), *([self.out] if self.out else [])]))


@dataclass(frozen=True)
class _Unresolved:
    """A configured path no one can tell the place of before a page is made."""

    reason: str


def _written(item: Any) -> str:
    if isinstance(item, Tagged):
        shown = f"[{', '.join(map(str, item.value))}]" if isinstance(item.value, list) else item.value
        return f"{item.tag} {shown}" if shown not in (None, "") else item.tag
    kind = type(item).__name__  # MkDocs' `!relative` placeholders: as written, as the file shows them
    if kind in ("RelativeDirPlaceholder", "ConfigDirPlaceholder", "DocsDirPlaceholder"):
        prefix = {"ConfigDirPlaceholder": "$config_dir", "DocsDirPlaceholder": "$docs_dir"}.get(kind)
        return f"!relative {prefix}/{getattr(item, 'suffix', '')}".rstrip("/") if prefix else "!relative"
    try:
        return os.fspath(item) if isinstance(item, os.PathLike) else str(item)
    except Exception:
        return str(type(item).__name__)


class Checker:
    """Rule 1 for one reading of the configuration: its problems, one line each, naming the
    setting (and its line in the file it is in, where it can be found) and what to do."""

    def __init__(self, settings: Settings, area: RecordArea, project: Project) -> None:
        self.settings, self.area, self.project = settings, area, project
        self.name = settings.config_file.name if settings.config_file else "mkdocs.yml"
        self.seen: set[tuple[str, str]] = set()
        try:
            self.lines = settings.config_file.read_text(encoding="utf-8").splitlines() if settings.config_file else []
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def problems(self) -> list[str]:
        found: list[str] = []
        for name, options in self.settings.extensions:
            found += self._extension(name, extension_module(name), options)
        for processor in self.settings.snippets:  # however MkDocs' Markdown came to run them
            module = type(processor).__module__
            found += self._snippets({"base_path": processor.base_path,
                                     "restrict_base_path": processor.restrict_base_path,
                                     "url_download": processor.url_download,
                                     "auto_append": processor.auto_append},
                                    tokens=(SNIPPETS,), what=SNIPPETS if module == SNIPPETS else f"{module} (snippets)")
        for module in sorted(self.settings.modules):
            refused = _refused_extension(module)
            if refused:
                found.append(self._refused(module, refused))
        for name, options in self._plugins(self.settings.plugins):
            found += self._plugin(name, options)
        for module in sorted(self.settings.plugin_modules):
            key = _refused_plugin_module(module)
            if key:
                found.append(self._refused(f"the plugin {module}", REFUSED_PLUGINS[key], (module.split(".")[0],)))
        if self.settings.custom_dir:
            found += self._folders([self.settings.custom_dir], "the theme's custom_dir",
                                   "a page's `template:` or a template's `{% include %}` reads any file in it, a "
                                   "record's file among them", ("custom_dir",))
        return list(dict.fromkeys(found))  # the same problem found twice (by name and in MkDocs' Markdown): once

    def unplaced(self, problem: str) -> tuple[str, bool]:
        """A problem without the place it names, and whether that place has a line."""
        rest = problem[len(self.name) + 1:] if problem.startswith(self.name + ":") else problem
        line = re.match(r"\d+: ", rest)
        text = rest[line.end():] if line else rest.lstrip()
        return text.replace(self.name, "\0"), line is not None

    # Each kind of setting ---------------------------------------------------------------

    def _extension(self, name: str, module: str, options: Any) -> list[str]:
        refused = _refused_extension(module)
        if refused:  # (named by its module, however it is written: the line shows how)
            return [self._refused(module, refused, (name,))]
        if module == SNIPPETS:
            return self._snippets(options, tokens=(name,))
        if module == B64:
            return self._b64(options, tokens=(name,))
        if module == "zensical.extensions.markdownextradata":
            return self._data(options, tokens=(name, "markdownextradata"))
        if module == "pymdownx.emoji":
            icons = options.get("options") if isinstance(options, Mapping) else None
            icons = icons.get("custom_icons") if isinstance(icons, Mapping) else None
            return self._folders(_listed(icons), "pymdownx.emoji's custom_icons folder",
                                 "an icon shortcode inlines any SVG file in it, a record's file among them",
                                 (name, "custom_icons"))
        customs = {"pymdownx.superfences": "custom_fences", "pymdownx.inlinehilite": "custom_inline"}.get(module)
        if customs and isinstance(options, Mapping) and any(
                _runs_markdown_exec(custom) for custom in _listed(options.get(customs))):
            return [self._refused(f"a {module} {customs[:-1].replace('_', ' ')} of markdown-exec", _MARKDOWN_EXEC,
                                  ("markdown_exec",))]
        return []

    def _plugins(self, entries: list[tuple[str, Any]], depth: int = 0) -> Iterator[tuple[str, Any]]:
        """Each plugin, and those a material/group runs (whatever its `enabled`: a group is
        there to turn its plugins on in some environment, and another engine's may be it)."""
        for name, options in entries:
            yield name, options
            if "group" in plugin_keys(name) and isinstance(options, Mapping) and depth < 8:
                yield from self._plugins(_plugin_entries(options.get("plugins")), depth + 1)

    def _plugin(self, name: str, options: Any) -> list[str]:
        if not _enabled(options):
            return []
        keys = plugin_keys(name)
        refused = next((REFUSED_PLUGINS[key] for key in sorted(keys) if key in REFUSED_PLUGINS), None)
        if refused is None:
            refused = next((REFUSED_PLUGINS[key] for key in map(_refused_plugin_module,
                                                                  sorted(plugin_modules(name, self.settings.theme)))
                            if key), None)
        if refused is not None:
            return [self._refused(f"the {name} plugin", refused, (name,))]
        options = options if isinstance(options, Mapping) else {}
        if "markdownextradata" in keys:
            return self._data(options, tokens=(name, "markdownextradata"))
        if "blog" in keys:
            return self._blog(name, options)
        if "meta" in keys:
            return self._meta(name, options)
        if "social" in keys:
            return self._social(name, options)
        return []

    def _snippets(self, options: Any, tokens: tuple[str, ...], what: str = SNIPPETS) -> list[str]:
        options = options if isinstance(options, Mapping) else {}
        found = []
        if _could_be(options.get("restrict_base_path", True), False):
            found.append(f"{self._where(*tokens, 'restrict_base_path')}{what}' restrict_base_path is off (or set by "
                         "the environment): `--8<--` paths may leave base_path (`../`, absolute paths) and reach the "
                         "record folders; remove the setting (it is on by default)")
        if _could_be(options.get("url_download", False), True):
            found.append(f"{self._where(*tokens, 'url_download')}{what}' url_download is on (or set by the "
                         "environment): a page may include whatever a URL serves, this knowledge base's own records "
                         "among them (from its repository or its internal site), and no engine can tell which; turn "
                         "it off, and keep shared snippets in their folder")
        bases = _listed(options.get("base_path", ["."]))
        found += self._folders(bases, f"{what}' base_path",
                               "a page's `--8<--` could include any file in it, a record's file among them",
                               (*tokens, "base_path"))
        for entry in _listed(options.get("auto_append")):
            entry = value(entry)  # (restricted as the snippets a page names: a check to name the file)
            if not isinstance(entry, str) or not entry:
                continue
            places = [p for b in bases for p in self._places(b) if isinstance(p, str)]
            for base in places:
                target = os.path.realpath(os.path.join(base, entry)) if os.path.isdir(base) else None
                if target is not None and self.area.holds(target):
                    found.append(f"{self._where(*tokens, 'auto_append')}{what}' auto_append names "
                                 f"{self._shown(target)}, a file of the record folders or a record's own: it would "
                                 "be added to every page; remove it")
                    break
        return found

    def _b64(self, options: Any, tokens: tuple[str, ...]) -> list[str]:
        options = options if isinstance(options, Mapping) else {}
        found = []
        if _could_be(options.get("restrict_path", True), False):
            found.append(f"{self._where(*tokens, 'restrict_path')}{B64}'s restrict_path is off (or set by the "
                         "environment): a page's image path may leave base_path (`../`, absolute paths) and embed "
                         "any image, a record's among them; remove the setting (it is on by default)")
        setting = "root_path" if options.get("root_path") else "base_path"
        root = options.get("root_path") or options.get("base_path", ".")
        found += self._folders([root], f"{B64}'s {setting}",
                               "any image a page names in it (`![…](path)`, `<img src>`) is embedded in the page as "
                               "a data: URI, a record's attachment among them", (*tokens, setting))
        return found

    def _data(self, options: Any, tokens: tuple[str, ...]) -> list[str]:
        data = options.get("data") if isinstance(options, Mapping) else None
        docs = os.path.relpath(self.area.docs, self.project.config_dir)
        folders = [d.strip() for d in data.split(",") if d.strip()] if isinstance(data, str) \
            else [data] if data is not None else ["_data", os.path.join(docs, "_data")]
        return self._folders(folders, "markdownextradata's data folder",
                             "its YAML and JSON files become variables any page can print, a record's file among "
                             "them", (*tokens, "data"))

    def _blog(self, name: str, options: Mapping[str, Any]) -> list[str]:
        blog = options.get("blog_dir", "blog")

        def named(setting: str, default: str) -> Any:
            item = options.get(setting, default)
            if not isinstance(blog, str):
                return blog  # (where the blog is cannot be told: nor where its files are)
            try:
                return item.format(blog=blog) if isinstance(item, str) else item
            except (KeyError, IndexError, ValueError):
                return item

        found = self._folders([blog], f"the {name} plugin's blog_dir", "its index page is published whatever "
                              "exclude_docs says, and its posts with it", (name, "blog_dir"), relative_to="docs",
                              holding=False)
        return found or [
            *self._folders([named("post_dir", "{blog}/posts")], f"the {name} plugin's post_dir",
                           "every page in it becomes a post, shown with its title and excerpt, a record among them",
                           (name, "post_dir"), relative_to="docs"),
            *self._folders([named("authors_file", "{blog}/.authors.yml")], f"the {name} plugin's authors_file",
                           "what it holds is printed beside posts", (name, "authors_file"), relative_to="docs"),
        ]

    def _meta(self, name: str, options: Mapping[str, Any]) -> list[str]:
        meta_file = options.get("meta_file", ".meta.yml")
        if not isinstance(meta_file, str):
            return [f"{self._where(name, 'meta_file')}the {name} plugin's meta_file `{_written(meta_file)}` is set "
                    "by a value Accord cannot resolve: the plugin reads every file of that name into the pages beside "
                    "it, and Accord cannot tell that no record's file has it; write the name (`.meta.yml`)"]
        for rel in sorted(self.area.identities().values()):
            if posixpath.basename(rel) == meta_file and (rel in self.area.record_files
                                                          or _owned(rel, self.area.owners)):
                kind = ("a record's own file" if rel in self.area.record_files
                        else "a file of a record that is not public")
                return [f"{self._where(name, 'meta_file')}the {name} plugin's meta_file `{meta_file}` is the name of "
                        f"docs/{rel}, {kind}: the plugin reads every file of that name, in any folder, into the "
                        "metadata of the pages beside it, in this build and in any engine's without Accord; keep the "
                        "default (`.meta.yml`), a name no record's file has"]
        return []

    def _social(self, name: str, options: Mapping[str, Any]) -> list[str]:
        layouts = self._folders([options.get("cards_layout_dir", "layouts")], f"the {name} plugin's cards_layout_dir",
                                "a page's `social: cards_layout` reads any layout in it into its card, a record's "
                                "file among them", (name, "cards_layout_dir"))
        card = options.get("cards_layout_options")
        image = card.get("background_image") if isinstance(card, Mapping) else None
        if image is None:
            return layouts
        return [*layouts, *self._folders([image], f"the {name} plugin's background_image",
                                         "it is drawn into every page's card", (name, "background_image"))]

    def _folders(self, folders: list[Any], what: str, because: str, tokens: tuple[str, ...],
                 relative_to: str = "cwd", holding: bool = True) -> list[str]:
        found = []
        for folder in folders:
            for place in self._places(folder, relative_to):
                if isinstance(place, _Unresolved):
                    found.append(f"{self._where(*tokens)}{what} `{_written(folder)}` {place.reason}: {because}, and "
                                 "Accord cannot tell that it stays away from the record folders, in this build or in "
                                 f"another engine's; write a plain path instead ({self._advice(what)})")
                    break
                if (what, os.path.realpath(place)) in self.seen:
                    break  # (the same folder as configured and as MkDocs' Markdown holds it)
                self.seen.add((what, os.path.realpath(place)))
                reached = self._reaches(place, holding)
                if reached:
                    reason, linked = reached
                    advice = "remove the link, and copy there only what every reader may see" if linked \
                        else self._advice(what)
                    seen_from = "" if not self._from_out(folder, place, relative_to) else \
                        f" (as the engines of accord render's folder {display_path(self.project.out)} read it)"
                    found.append(f"{self._where(*tokens)}{what} `{_written(folder)}`{seen_from} {reason}: {because}, "
                                 "whatever its confidentiality, in this build and in any engine's without Accord; "
                                 f"{advice}")
                    break
        return found

    def _from_out(self, folder: Any, place: str, relative_to: str) -> bool:
        """Whether `place` is where the folder leads only from accord render's output."""
        if self.project.out is None:
            return False
        others = [p for p in self._places(folder, relative_to, with_out=False) if isinstance(p, str)]
        return place not in others

    def _refused(self, what: str, why: str, tokens: tuple[str, ...] | None = None) -> str:
        return (f"{self._where(*(tokens or (what,)))}{what} {why}: Accord cannot tell a record's file from any "
                f"other there, and an engine without Accord would publish it; take it out of {self.name}; {ADVICE}")

    # Helpers ---------------------------------------------------------------------------

    def _reaches(self, place: str, holding: bool = True) -> tuple[str, bool] | None:
        """Why a folder (or file) an include reads from reaches the record area, and whether
        through a link in it; None when it does not. `holding`: a folder that holds a part of
        the area reaches it."""
        real = os.path.realpath(place)
        if self.area.holds(real):  # (a file or folder there that is not yet, too)
            return "is in the record area (the record folders, or a record's own file or folder)", False
        if not holding or not os.path.exists(real):
            return None
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

    def _places(self, folder: Any, relative_to: str = "cwd", with_out: bool = True) -> list[str | _Unresolved]:
        """Where a configured path is, for each engine: a relative path from each folder an
        engine resolves it from (Project.anchors); a tagged value as MkDocs resolves it."""
        project = self.project if with_out else Project(self.project.config_dir, self.project.docs)
        if isinstance(folder, Tagged):
            return self._tagged_places(folder, relative_to, project)
        if type(folder).__name__ == "RelativeDirPlaceholder":  # MkDocs' `!relative`, as its configuration holds it
            return [_Unresolved(_EACH_PAGE)]
        if isinstance(folder, os.PathLike):
            try:
                text = os.fspath(folder)  # MkDocs' `!relative $config_dir/…` and `$docs_dir/…`
            except Exception:
                return [_Unresolved("cannot be resolved")]
        else:
            text = folder if isinstance(folder, str) else None
        if not text:
            return []
        if os.path.isabs(text):
            return [os.path.abspath(text)]
        return list(dict.fromkeys(os.path.abspath(os.path.join(base, text)) for base in project.anchors(relative_to)))

    def _tagged_places(self, item: Tagged, relative_to: str, project: Project) -> list[str | _Unresolved]:
        if item.tag == "!ENV":  # (the environment of this build is not that of the next, nor of another engine's)
            return [_Unresolved("is set by the environment of each build (`!ENV`), which may make it any folder")]
        if item.tag == "!relative":
            prefix, _, suffix = str(item.value or "").partition("/")
            if prefix == "$config_dir":
                bases = [project.config_dir, *([project.out] if project.out else [])]
            elif prefix == "$docs_dir":
                bases = project.anchors("docs")
            elif not prefix:
                return [_Unresolved(_EACH_PAGE)]
            else:
                return [_Unresolved(f"names {prefix}, which MkDocs does not know")]
            return list(dict.fromkeys(os.path.abspath(os.path.join(base, suffix)) for base in bases))
        return [_Unresolved(f"is a value tagged {item.tag}, which Accord cannot resolve")]

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
        if B64 in what:
            return "give pymdownx.b64 a folder of images of its own outside the record folders, e.g. `base_path: " \
                   "docs/images`"
        if "base_path" in what:
            return "give snippets a folder of their own outside the record folders, e.g. `base_path: [snippets]`"
        if "plugin's" in what:
            return "give it a folder (or file) of its own outside the record folders"
        return "give it a folder of its own outside the record folders, with no link into them"


_EACH_PAGE = ("is `!relative` alone: the folder of each page in turn, the docs folder and every record folder "
              "among them")


def _is_module(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _listed(item: Any) -> list[Any]:
    if item is None:
        return []
    return list(item) if isinstance(item, (list, tuple)) else [item]


def _true(item: Any) -> bool:
    return parseBoolValue(item, preserve_none=True) if isinstance(item, str) else bool(item)


def _could_be(item: Any, state: bool) -> bool:
    """Whether a switch may be in `state` when an engine builds: as written, or whatever a
    tag (`!ENV`, set by the environment of the build) makes it."""
    return isinstance(item, Tagged) or _true(item) == state


def _enabled(options: Any) -> bool:
    return not isinstance(options, Mapping) or _could_be(options.get("enabled", True), True)


def _callable_name(item: Any) -> str:
    """The dotted name of the function a setting names: `!!python/name:x.y`, Zensical's
    string (`x.y`) or mapping (`{object: x.y}`) forms, or the function MkDocs loaded."""
    if isinstance(item, Tagged):
        return item.tag.rsplit(":", 1)[-1].lower() if "python/" in item.tag else _callable_name(item.value)
    if isinstance(item, str):
        return item.strip().lower()
    if isinstance(item, Mapping):
        return _callable_name(item.get("object", ""))
    return (getattr(item, "__module__", "") or "").lower()


def _runs_markdown_exec(custom: Any) -> bool:
    return isinstance(custom, Mapping) and _is_module(_callable_name(custom.get("format")), "markdown_exec")


def unsafe_settings(readings: Iterable[Settings], area: RecordArea, project: Project) -> list[str]:
    """Rule 1: what in any reading of the configuration lets a page include what it must not
    (one line each; a problem two readings find, once, at the line that names it)."""
    found: dict[str, tuple[str, bool]] = {}
    for reading in readings:
        checker = Checker(reading, area, project)
        for problem in checker.problems():
            key, placed = checker.unplaced(problem)
            if key not in found or (placed and not found[key][1]):
                found[key] = (problem, placed)
    return [problem for problem, _ in found.values()]


def heading(problems: list[str], name: str = "mkdocs.yml") -> str:
    count = len(problems)
    return (f"{count} setting{'s' if count != 1 else ''} in {name} let{'s' if count == 1 else ''} a page include "
            "files that are not for every reader (a record's own file, or a file of the record folders), in this "
            "build or in an engine that builds the folder without Accord; fix "
            f"{'it' if count == 1 else 'them'}:")


def render_problems(config: Mapping[str, Any], config_file: Path | None, docs_dir: Path, records: Iterable[Any],
                    failed: Iterable[Any] = (), out: Path | None = None) -> list[str]:
    """`accord render`: rule 1 for the configuration it would write for another engine into
    `out`, whose engines resolve its relative paths from there, and for the folder it is
    rendered from (every reading of its INHERIT chain)."""
    area = RecordArea(docs_dir, records, failed)
    config_dir = config_file.parent if config_file else Path.cwd()
    project = Project(Path(os.path.abspath(config_dir)), Path(area.docs), Path(os.path.abspath(out)) if out else None)
    return unsafe_settings([Settings.from_yaml(config, config_file), *readings(config_file)], area, project)


def refuse_unsafe(config: Any, records: Iterable[Any], failed: Iterable[Any] = ()) -> None:
    """`accord/records`: stop the build when the configuration breaks rule 1, as MkDocs reads it
    and as any engine may read its files."""
    settings = Settings.from_mkdocs(config)
    area = RecordArea(config.docs_dir, records, failed)
    config_dir = settings.config_file.parent if settings.config_file else Path.cwd()
    problems = unsafe_settings([settings, *readings(settings.config_file)], area,
                               Project(Path(os.path.abspath(config_dir)), Path(area.docs)))
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
        self.name_files = True  # whether a refusal may name the file (accord/records: the restricted audience only)
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
        # The file by name only to an audience that may see every record (`name_files`).
        named = f"{rel}, " if self.name_files else ""
        if self.page is not None:
            where = self._page_line((opened, rel))
            message = (f"{where}: this page would include {named}{reason}; {reader} read it while the page was "
                       "made. Take the include out of the page (link to a page instead)")
        else:
            message = (f"{reader} read {named or 'a file, '}{reason}, while the site was built: take {reader} out of "
                       "the build, or keep it away from the record folders")
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

