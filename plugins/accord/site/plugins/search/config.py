from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class SearchConfig(Config):
    enabled = opt.Type(bool, default=True)
    """Turn the plugin off (mkdocs-material's search then indexes every page as usual)."""

    # Settings for the site's search index
    exclude_generated = opt.Type(bool, default=True)
    """Keep the generated registers and lesson lists out of the search index: they only
    repeat what the record pages say, and would crowd the results."""
    index_budget_mb = opt.Type(float, default=100.0)
    """The most the site's search index may weigh on disk, in megabytes. The search box
    loads only the parts of it a query needs (a few hundred kilobytes), so the whole of
    every record fits up to tens of thousands of records; past the budget, each record's
    body is cut to its first `body_excerpt` characters, and the build log says so."""
    body_excerpt = opt.Type(int, default=2000)
    """How many characters of each record's body stay searchable in the browser when the
    whole index would weigh more than `index_budget_mb` (`accord search` always has
    them all)."""

    # Settings for lessons to consider
    lessons_to_consider = opt.Type(int, default=5)
    """How many past lessons each agreement page suggests in its "Lessons to consider"
    box, chosen as `accord lessons-for` chooses them (0: no box)."""
