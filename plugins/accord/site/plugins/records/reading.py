"""The records read for a build: loaded once (under `mkdocs serve`, only the files changed
since the last build are read again), with the warnings the site says and the theme's
problems added to what `accord validate` finds."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

from accord.catalogue import Audience
from accord.format.loading import LoadResult, load
from accord.site import includes
from accord.site.state import SiteState
from accord.site.theme import theme_problems

log = get_plugin_logger("accord.site.plugins.records.plugin")  # the plugin's own logger, as before the split

# Warnings a site build does not repeat: a public record naming a hidden one (the site leaves
# the reference out; said here, it would tell the id is a hidden record's), an agreement
# without its signed copy (the author's to do, not a fault of the site: a strict build goes on).
UNSAID = ("public-references-hidden", "no-signed-copy")


def read(config: MkDocsConfig, state: SiteState, walked: Any) -> LoadResult:
    session = state.session
    result = load(Path(config.docs_dir), state.today, walked=walked,
                  cache=session.loaded if session else None, stamps=session.started if session else None,
                  audience=state.audience.value)
    for warning in result.shown(result.warnings)[0]:  # none about a record this site does not publish
        if warning.code not in UNSAID:
            log.warning(warning.format_text())
    custom_dir = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    result.diagnostics += theme_problems(result.records, custom_dir, config.theme.name)
    return result


def guard_reads(config: MkDocsConfig, result: LoadResult, state: SiteState) -> includes.Reads:
    """Until the next build (or the end), nothing reads a hidden record's file (accord.site.includes)."""
    reads = includes.Reads(config.docs_dir, result.records, state.hidden, result.failed)
    reads.name_files = state.audience is Audience.RESTRICTED
    includes.watch(reads)
    return reads


def keep_records(collect: bool) -> None:
    """The records live as long as the build: Python's collector need not go through them
    again each time it looks for garbage among the pages (a quarter of a build's time).
    `collect` first, except under `mkdocs serve`, where each rebuild would pay for it."""
    if collect:
        gc.collect()
    gc.freeze()
