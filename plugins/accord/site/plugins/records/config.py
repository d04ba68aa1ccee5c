from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from accord.format.vocabulary import AUDIENCE_RANK

AUDIENCES = tuple(AUDIENCE_RANK)  # public, internal, restricted


class RecordsConfig(Config):
    enabled = opt.Type(bool, default=True)
    """Turn the plugin off, e.g. `enabled: !ENV [ACCORD_RECORDS, true]`."""

    # Settings for the audience
    audience = opt.Optional(opt.Choice(AUDIENCES))
    """Who the site is for: `public`, `internal` or `restricted`. Unset: the environment
    variable `ACCORD_AUDIENCE`, else `internal`. Records above the audience are left out
    of the site entirely.

        plugins:
          - accord/records:
              audience: public
    """
