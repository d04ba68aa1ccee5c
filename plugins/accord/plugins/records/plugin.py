"""`accord/records`: load and validate the knowledge base once per build; own the catalogue."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files

from accord.catalogue import Audience, Catalogue
from accord.diagnostics import count
from accord.loading import build_date, load
from accord.plugins.records.config import AUDIENCES, RecordsConfig

log = get_plugin_logger(__name__)


class RecordsPlugin(BasePlugin[RecordsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None
        self.audience = Audience.INTERNAL
        self.today = date.today()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that the instance survives `mkdocs serve` rebuilds; state is reset in on_config."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.catalogue = None
        self.audience = resolve_audience(self.config.audience)
        self.today = build_date()
        return config

    @event_priority(100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Priority 100: run first, so every other plugin sees the validated catalogue
        and none of the files of records outside the audience."""
        if not self.config.enabled:
            return None
        result = load(Path(config.docs_dir), self.today)
        for warning in result.warnings:
            log.warning(warning.format_text())
        errors, _ = count(result.diagnostics)
        if errors:
            listing = "\n".join(d.format_text() for d in result.errors)
            raise PluginError(
                f"{errors} error{'s' if errors != 1 else ''} in the knowledge base; fix them (`accord validate` "
                f"shows the same list):\n{listing}"
            )
        self.catalogue = Catalogue.build(result.records, self.audience)
        hidden = {r.rel_path for r in result.records if r.id not in self.catalogue.records}
        for file in list(files):
            if file.src_uri in hidden:
                files.remove(file)
        log.info(f"{len(self.catalogue.records)} records for the {self.audience.value} audience "
                 f"({len(hidden)} left out)")
        return files


def resolve_audience(configured: str | None) -> Audience:
    value = configured or os.environ.get("ACCORD_AUDIENCE", "").strip() or Audience.INTERNAL.value
    if value not in AUDIENCES:
        raise PluginError(f"ACCORD_AUDIENCE is `{value}`; use one of: {', '.join(AUDIENCES)}")
    return Audience(value)
