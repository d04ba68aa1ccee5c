"""Every touch of another package's internals, in one place.

Accord leans on a few things MkDocs, ProperDocs, mkdocs-material, watchdog and Whoosh do not
promise: private attributes and functions that a release may rename without notice. Each such
touch is a function here, and nowhere else in Accord reaches past another package's public
surface. Each has a fallback when a release no longer has what it touches (a whole rebuild, a
slower search); `check()`, run when `mkdocs serve` starts, and `whoosh_unchecked()` say which
touch no longer holds, in a sentence naming the package, its version and what Accord does
instead, so a new release is noticed rather than quietly half-working. tests/test_compat.py
and tests/search/test_search_compat.py hold the installed versions to them.

Nothing here imports MkDocs, material, watchdog or Whoosh at module level: `accord search` and
`accord validate` import this module without paying for them.
"""
from __future__ import annotations

import contextlib
import importlib.metadata
import logging
from collections.abc import Callable, Iterator
from typing import Any

# The releases these touches were read from (and that requirements/lock.txt installs). Another
# release is not refused: `check` says which touch no longer holds, and what Accord does instead.
CHECKED = {"mkdocs": "1.6.1", "properdocs": "1.6", "mkdocs-material": "9.8.2", "watchdog": "7.1.1"}


def installed(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


# ---------------------------------------------------------------------------------------
# MkDocs and ProperDocs (the same code: ProperDocs is a fork of MkDocs 1.x)

def _serve_module() -> Any:
    try:
        from mkdocs.commands import serve
    except ImportError:
        return None
    return serve


class _Quiet(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation and links inaccurate: not so
    under Accord's serve session, which makes a change that could into a whole build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


@contextlib.contextmanager
def dirty_serve_builds() -> Iterator[bool]:
    """Within: `mkdocs serve`'s builder makes MkDocs' dirty build (it calls the module
    function `mkdocs.commands.serve.build`, which has no option for it). Yields whether it
    could (another server, or another MkDocs, builds whole)."""
    serve = _serve_module()
    real = getattr(serve, "build", None)
    if real is None:
        yield False
        return

    def build(config: Any, *, serve_url: str | None = None, dirty: bool = False) -> None:
        real(config, serve_url=serve_url, dirty=True)

    quiet = _Quiet()
    # The build module's own logger: `mkdocs.commands.build`, or under ProperDocs (which
    # answers imports of mkdocs.* with its own modules) `properdocs.commands.build`.
    logger = logging.getLogger(getattr(real, "__module__", None) or "mkdocs.commands.build")
    serve.build = build
    logger.addFilter(quiet)
    try:
        yield True
    finally:
        serve.build = real
        logger.removeFilter(quiet)


def keep_browsers(server: Any) -> bool:
    """Tell MkDocs' LiveReloadServer that the build it asked for brought nothing new, so
    that it does not reload the browsers (its `_wanted_epoch` / `_visible_epoch`). Whether
    it could."""
    if hasattr(server, "_wanted_epoch") and hasattr(server, "_visible_epoch"):
        server._wanted_epoch = server._visible_epoch
        return True
    return False


def wrap_builder(server: Any, wrapper: Callable[[Callable[[], Any]], Callable[[], Any]]) -> None:
    """Put `wrapper(builder)` in place of the LiveReloadServer's builder (a public attribute
    MkDocs documents for `on_serve`)."""
    server.builder = wrapper(server.builder)


def observer_watches(observer: Any) -> list[tuple[Any, str, bool, list[Any]]] | None:
    """The watches of MkDocs' observer, not yet started, as (watch, path, recursive,
    handlers) (watchdog's `_watches` and `_handlers`); None where they cannot be read. A
    watched file (mkdocs.yml) is watched through its folder: its own path is `raw_path`."""
    handlers = getattr(observer, "_handlers", None)
    watches = getattr(observer, "_watches", None)
    if not isinstance(handlers, dict) or not isinstance(watches, set) or observer.is_alive():
        return None
    found = []
    for watch in list(watches):
        path = watch.raw_path if getattr(watch, "is_file", False) and getattr(watch, "raw_path", "") else watch.path
        found.append((watch, path, bool(watch.is_recursive), list(handlers.get(watch, ()))))
    return found


def replace_observer(server: Any, observer: Any) -> None:
    """Put `observer` in place of the LiveReloadServer's file observer (its `observer`
    attribute, which `on_serve` may replace before the server starts watching)."""
    server.observer = observer


def config_options(config_class: type) -> list[tuple[str, Any]]:
    """A plugin's config class's options, in order (MkDocs keeps them in `_schema`)."""
    return list(config_class._schema)  # type: ignore[attr-defined]


def mark_modified(file: Any, modified: bool) -> None:
    """Whether a dirty build makes the file's page again: MkDocs asks `file.is_modified()`."""
    file.is_modified = (lambda answer=modified: answer)


def recast_page(page: Any, cls: type, again: tuple[str, ...] = ()) -> None:
    """Make a MkDocs page an instance of `cls`, a subclass of its own class whose descriptors
    keep some of its attributes another way (accord/pages keeps record pages' text compressed),
    and set each attribute named in `again` anew through them (MkDocs keeps a page's
    `markdown` and `content` as plain instance attributes)."""
    page.__class__ = cls
    for name in again:
        setattr(page, name, page.__dict__.get(name))


def page_populator() -> Callable[[Any, Any, Any], None] | None:
    """MkDocs' own reading and converting of one page (`mkdocs.commands.build._populate_page`:
    on_pre_page, the source, on_page_markdown, the Markdown, on_page_content), for a record
    page made in a worker process (accord.site.plugins.pages.parallel); None if this release
    has no such function (then record pages are made one after another, as MkDocs does)."""
    try:
        from mkdocs.commands import build
    except ImportError:
        return None
    populate = getattr(build, "_populate_page", None)
    return populate if callable(populate) else None


def set_current_page(config: Any, page: Any) -> None:
    """The page MkDocs' config says is being made (`config._current_page`, which MkDocs sets
    around each page and some plugins and log messages read)."""
    config._current_page = page


def add_page_extension(config: Any, name: str) -> bool:
    """Turn on the Markdown extension `name` for the page being converted (MkDocs makes one
    Markdown instance per page from `markdown_extensions`, after on_page_markdown): whether
    it was added (the site did not have it on), and so must be taken off after the page."""
    if name in config.markdown_extensions:
        return False
    config.markdown_extensions.append(name)
    return True


def remove_page_extension(config: Any, name: str) -> None:
    if name in config.markdown_extensions:
        config.markdown_extensions.remove(name)


# ---------------------------------------------------------------------------------------
# mkdocs-material

class TagsMappings:
    """mkdocs-material's tags plugin's record of which page has which tags (`mappings`: its
    `data` keyed by page URL, and `add(page, markdown)`), and its `filter(file)`."""

    def __init__(self, plugin: Any) -> None:
        self.plugin = plugin
        self.kept: dict[str, Any] = plugin.mappings.data

    @staticmethod
    def readable(plugin: Any) -> bool:
        mappings = getattr(plugin, "mappings", None)
        return isinstance(getattr(mappings, "data", None), dict) and callable(getattr(plugin, "filter", None)) \
            and callable(getattr(mappings, "add", None))

    def wanted(self, file: Any) -> bool:
        return bool(self.plugin.filter(file))

    def add(self, page: Any, markdown: str) -> bool:
        return self.plugin.mappings.add(page, markdown) is not None


# ---------------------------------------------------------------------------------------
# What is installed, against what these were read from

def check(server: Any = None, observer: Any = None, tags: Any = None) -> list[str]:
    """What no longer holds in the installed packages, one sentence each naming the
    package, its version and what Accord does without it. `server`, `observer`: MkDocs'
    LiveReloadServer and its observer, when serving; `tags`: mkdocs-material's tags plugin."""
    said = [line for line in [tags_unreadable(tags)] if line]
    mkdocs = "properdocs" if installed("properdocs") else "mkdocs"
    version = installed(mkdocs) or installed("mkdocs") or "?"
    if getattr(_serve_module(), "build", None) is None:
        said.append(f"{mkdocs} {version} has no mkdocs.commands.serve.build (Accord read {CHECKED['mkdocs']}): "
                    "each save under `mkdocs serve` makes the whole site again")
    if page_populator() is None:
        said.append(f"{mkdocs} {version} has no mkdocs.commands.build._populate_page (Accord read "
                    f"{CHECKED['mkdocs']}): `mkdocs build` makes record pages one after another, on one core")
    if server is not None and not (hasattr(server, "_wanted_epoch") and hasattr(server, "_visible_epoch")):
        said.append(f"{mkdocs} {version}'s LiveReloadServer has no _wanted_epoch/_visible_epoch (Accord read "
                    f"{CHECKED['mkdocs']}): a save that changes nothing reloads the browsers")
    if observer is not None and observer_watches(observer) is None:
        said.append(f"watchdog {installed('watchdog') or '?'}'s observer has no _watches/_handlers (Accord read "
                    f"{CHECKED['watchdog']}): saves are seen by MkDocs' polling, up to a second late")
    return said


def tags_unreadable(plugin: Any) -> str | None:
    """Said when mkdocs-material's tags plugin is on but its mappings cannot be read."""
    if plugin is None or TagsMappings.readable(plugin):
        return None
    return (f"mkdocs-material {installed('mkdocs-material') or '?'}'s tags plugin has no mappings.data/add "
            f"(Accord read {CHECKED['mkdocs-material']}): each save under `mkdocs serve` makes the whole site again")


# ---------------------------------------------------------------------------------------
# Whoosh (whoosh-reloaded): the postings and field lengths accord.search.scoring reads a
# block at a time into numpy (a query of common words scored by Whoosh one posting at a
# time takes a second on 10,000 records). Whoosh is imported inside these functions only:
# `accord validate` imports this module without it.

WHOOSH_CHECKED = "2.7.5"  # the whoosh-reloaded release these touches were read from


def whoosh_leaf_matcher() -> type | None:
    """The matcher class of Whoosh 2.7's default codec (whoosh.codec.whoosh3.W3LeafMatcher),
    whose blocks `whoosh_blocks` reads; None in a Whoosh without it (then Whoosh scores)."""
    try:
        from whoosh.codec.whoosh3 import W3LeafMatcher
    except ImportError:  # pragma: no cover - another Whoosh
        return None
    return W3LeafMatcher


def whoosh_segment_terms(reader: Any) -> Any | None:
    """A segment reader's term table (its `_terms`), which answers `(field, term) in` and
    makes matchers; None for a reader without one (the EmptyReader of an empty index)."""
    return getattr(reader, "_terms", None)


def whoosh_term_matcher(reader: Any, field: str, term: bytes) -> Any:
    """The raw postings matcher of `term` in `field` of one segment (no scorer, no deletions)."""
    return reader._terms.matcher(field, term, reader.schema[field].format)


def whoosh_blocks(matcher: Any) -> Iterator[tuple[Any, Any, int, bool]]:
    """The blocks of a W3LeafMatcher's postings, each as stored: the document numbers (bytes
    when `byteids`, else deltas), the weights (None: all 1; a float: all that; else one
    each), and the block's length. The matcher is spent after."""
    while not matcher._atend:
        matcher._read_data()
        encoded, weight, _ = matcher._data
        yield encoded, weight, matcher._blocklength, matcher._byteids
        matcher._next_block()


def whoosh_length_bytes(reader: Any, field: str) -> bytes:
    """Every document's length in `field` in one segment, one quantised byte each, read
    straight from the lengths column's file (Whoosh reads them one document at a time)."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    column = reader._perdoc.column_reader(_lenfield(field), LENGTHS_COLUMN)
    return column._dbfile.get(column._basepos, column._count)


def whoosh_field_b(weighting: Any, field: str) -> float:
    """BM25F's `B` for `field` (its `_field_B`, set by `text_B=`), else its default `B`."""
    return weighting._field_B.get(field, weighting.B)


def whoosh_unchecked() -> list[str]:
    """What no longer holds in the installed Whoosh, one sentence each (empty when all the
    touches above still hold). Builds a one-document index in memory (a few milliseconds)."""
    version = installed("whoosh-reloaded") or installed("whoosh") or "?"
    missing = _whoosh_missing()
    if not missing:
        return []
    return [f"whoosh-reloaded {version} has no {', '.join(missing)} (Accord read {WHOOSH_CHECKED}): searches are "
            "scored by Whoosh itself, the same scores, several times slower"]


def _whoosh_missing() -> list[str]:
    matcher_class = whoosh_leaf_matcher()
    if matcher_class is None:
        return ["whoosh.codec.whoosh3.W3LeafMatcher"]
    try:
        from whoosh import fields, scoring
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.filedb.filestore import RamStorage
    except ImportError as exc:
        return [str(exc)]
    ix = RamStorage().create_index(fields.Schema(text=fields.TEXT()))
    with ix.writer() as writer:
        writer.add_document(text="word")
    missing = [name for name in ("_field_B", "B") if not hasattr(scoring.BM25F(), name)]
    with ix.searcher() as searcher:
        reader = searcher.reader()
        missing += [name for name in ("_terms", "_perdoc") if not hasattr(reader, name)]
        if "_terms" in missing:
            return missing
        matcher = whoosh_term_matcher(reader, "text", b"word")
        missing += [name for name in ("_atend", "_read_data", "_data", "_blocklength", "_byteids", "_next_block")
                    if not hasattr(matcher, name)]
        if "_perdoc" not in missing:
            column = reader._perdoc.column_reader(_lenfield("text"), LENGTHS_COLUMN)
            missing += [name for name in ("_dbfile", "_basepos", "_count") if not hasattr(column, name)]
    return missing
