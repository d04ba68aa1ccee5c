from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class SearchConfig(Config):
    enabled = opt.Type(bool, default=True)
    """Turn the plugin off (mkdocs-material's search then indexes pages as usual)."""

    # Settings for the site's search index
    exclude_generated = opt.Type(bool, default=True)
    """Keep the generated registers and lesson lists out of the search index: they only
    repeat what the record pages say, and would crowd the results."""
    record_tags = opt.Type(bool, default=True)
    """Add each record's parties, kind, status and tags to its entries in the index, so
    that searching for a partner's name finds the agreements it signed."""
    lesson_boost = opt.Type(float, default=2.0)
    """Boost of lesson entries relative to other sections (1: no boost)."""
