"""accord/pages' events for record pages made in worker processes (accord.site.parallel)."""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from accord.site.parallel import Parallel
from accord.site.plugins.pages.additions import made_beside
from accord.site.state import SiteState


class ParallelPages:
    """accord/pages' events for `Parallel` (its plugin class inherits them)."""

    parallel: Parallel
    rows: dict[str, Any]
    config: Any
    state: SiteState
    generated: dict[str, Any]

    @event_priority(-1000)  # last: the navigation as every plugin has left it
    def keep_nav(self, nav: Any, *, config: Any, files: Files) -> None:
        self.parallel.nav = nav

    @event_priority(-1000)  # last: the theme's environment as every plugin has left it
    def fork(self, env: Any, *, config: Any, files: Files) -> None:
        if not self.config.enabled:
            return
        self.parallel.start(env, config, files, self.rows)
        session = self.state.session  # (then, while the workers make the pages:)
        self.parallel.sheets = made_beside(files, config, self.state, self.generated,
                                           session.events if session else {}, session.sheets if session else None)

    @event_priority(100)  # first: the workers stop before anything waits for what they hold (a pipe's end)
    def stop_first(self, *, error: Exception) -> None:
        self.parallel.stop()

    @event_priority(100)
    def on_page_context(self, context: Any, *, page: Page, config: Any, nav: Any) -> None:
        self.parallel.finished(context, page, config)
