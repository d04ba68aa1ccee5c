"""The site state: what accord/records publishes once per build for the other plugins.

accord/records loads and validates the knowledge base and fills a `SiteState`; accord/pages
and accord/search read it (accord.site.plugins.shared.site_state), and read nothing else of
one another. Fields are filled in the order the plugins' events run: `catalogue`, `hidden`
and `targets` in accord/records' on_files (first, priority 100); `advice` by accord/search's
on_files, into the same dict accord/pages' renderer holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from accord.catalogue import Audience, Catalogue
from accord.search.advice import LessonsToConsider
from accord.site.links import HiddenTargets

if TYPE_CHECKING:
    from accord.site.serve.session import Session


@dataclass
class SiteState:
    audience: Audience = Audience.INTERNAL
    today: date = field(default_factory=date.today)
    catalogue: Catalogue | None = None  # the records this audience may see, validated
    hidden: set[str] = field(default_factory=set)  # docs-relative paths of records left out
    unseen_names: frozenset[str] = frozenset()  # their ids, titles, file names (accord.site.changes)
    targets: HiddenTargets = field(default_factory=lambda: HiddenTargets(()))  # where links are cut
    # Agreement id → lessons to consider (accord.search.advice), filled by accord/search and
    # shown by accord/pages: one dict, shared, so neither plugin depends on the other.
    advice: LessonsToConsider = field(default_factory=LessonsToConsider)
    session: Session | None = None  # only under `mkdocs serve` (accord.site.serve)

    def begin(self) -> None:
        """A new build: what the last one found is dropped (the session and the advice dict
        stay); the records plugin then sets the audience and the date."""
        self.catalogue, self.hidden, self.unseen_names = None, set(), frozenset()
        self.targets = HiddenTargets(())
        self.advice.clear()
