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
    lesson_boost = opt.Type(float, default=2.0)
    """Boost of lesson entries relative to other entries (1: no boost)."""
    index_budget_mb = opt.Type(float, default=5.0)
    """The most the site's search index may weigh, in megabytes. Each record's entry has
    its title, parties and facts; summaries, lesson texts and the start of each body are
    added as far as this allows. mkdocs-material's search worker takes about a second per
    megabyte before the first result: at 10,000 records the whole of every record does
    not fit, and `accord search` searches the full text."""
    body_excerpt = opt.Type(int, default=300)
    """How many characters of a record's own text go into its entry (0: none). Whole
    bodies are searched with `accord search`; a browser index of whole bodies grows past
    what a browser can load at a few thousand records."""

    # Settings for lessons to consider
    lessons_to_consider = opt.Type(int, default=5)
    """How many past lessons each agreement page suggests in its "Lessons to consider"
    box, chosen as `accord lessons-for` chooses them (0: no box)."""
