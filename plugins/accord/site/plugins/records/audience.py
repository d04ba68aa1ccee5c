"""The site's files for its audience: records outside it, and the files they own, go before
any other plugin sees them; what only the guard's patterns left out comes back in."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files

from accord.catalogue import Audience, Catalogue
from accord.format.vocabulary import UnknownAudience, chosen_audience
from accord.site.changes import unseen_names
from accord.site.guard import Attachments, hidden_files
from accord.site.links import HiddenTargets, without_hidden
from accord.site.plugins.records.refusals import take_back
from accord.site.state import SiteState

log = get_plugin_logger("accord.site.plugins.records.plugin")  # the plugin's own logger, as before the split


def resolve_audience(configured: str | None) -> Audience:
    """The plugin's `audience`, else ACCORD_AUDIENCE, else internal; the narrower if both are set."""
    try:
        return Audience(chosen_audience(configured, warn=log.warning))
    except UnknownAudience as exc:
        raise PluginError(exc.variable_message if exc.environment else str(exc)) from None


def keep_to_audience(files: Files, config: MkDocsConfig, result: Any, state: SiteState,
                     problem_pages: set[str]) -> None:
    """Fill the state's catalogue, hidden files and link targets from `result`, and leave in
    `files` (and the author's nav) only what the audience may see."""
    state.catalogue = catalogue = Catalogue.build(result.records, state.audience)
    # Per file: a record file is published only if it is the very record the catalogue holds.
    hidden = hidden_files(result.records, catalogue.records, result.failed)
    state.hidden = hidden - problem_pages  # (a broken record's problems stand at its address)
    state.unseen_names = unseen_names(result.records, result.failed, hidden)
    visible = [r.rel_path for r in result.records if r.rel_path not in hidden]
    state.targets = HiddenTargets(state.hidden, config.site_url, visible)
    attachments = Attachments(visible, hidden)
    shown = set(visible)
    for file in list(files):
        if file.generated_by or file.src_uri in shown:
            continue  # (a broken record's problems page, in the preview, stands in its place)
        if file.src_uri in hidden or attachments.owned_by_hidden(file.src_uri):
            files.remove(file)  # a hidden record, or a file it owns, wherever the author filed it
    take_back(files, config, attachments, state.audience.value)
    if config.nav:
        config.nav = without_hidden(config.nav, state.hidden, Attachments(visible, state.hidden).owned_by_hidden)
    # (how many were left out is not said: a count is a trace of them)
    log.info(f"{len(catalogue.records)} records for the {state.audience.value} audience")
