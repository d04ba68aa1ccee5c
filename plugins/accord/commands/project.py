"""Where the knowledge base is: the nearest `mkdocs.yml` upward, and its `docs_dir`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.site import config

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


@dataclass(frozen=True)
class Project:
    docs_dir: Path
    config_file: Path | None = None
    custom_dir: Path | None = None
    audience: str | None = None  # accord/records' `audience` option in mkdocs.yml
    site_url: str | None = None
    site_name: str | None = None
    exclude_docs: str | None = None  # mkdocs.yml's `exclude_docs`, as written
    theme: str | None = None  # the theme's name

    @property
    def root(self) -> Path:
        """The knowledge base's folder: where mkdocs.yml is, else the docs folder's parent."""
        return self.config_file.parent if self.config_file else self.docs_dir.resolve().parent

    @property
    def cache_dir(self) -> Path:
        """Where derived data (the search index) is kept; ignored by git."""
        return self.root / ".accord"


def find_config(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml with what it inherits; {} when it cannot be read (MkDocs will say why)."""
    try:
        return config.read(config_file)
    except config.ConfigError:
        return {}


def locate(start: Path | None = None) -> Project:
    """The knowledge base around `start` (default: the current directory)."""
    start = (start or Path.cwd()).resolve()
    config_file = find_config(start)
    if config_file is None:
        return Project(docs_dir=Path("docs"))
    settings = read_config(config_file)
    root = config_file.parent
    docs_dir = root / (config.text(settings, "docs_dir") or "docs")
    theme = config.value(settings.get("theme"))
    custom = config.value(theme.get("custom_dir")) if isinstance(theme, dict) else None
    site_url = config.text(settings, "site_url")
    audience = config.plugin_options(settings, "accord/records").get("audience")
    return Project(
        docs_dir=docs_dir,
        config_file=config_file,
        custom_dir=root / custom if isinstance(custom, str) and custom else None,
        audience=audience if isinstance(audience, str) else None,
        site_url=site_url if site_url and site_url.strip() else None,
        site_name=config.text(settings, "site_name"),
        exclude_docs=config.text(settings, "exclude_docs"),
        theme=(config.value(theme.get("name")) if isinstance(theme, dict) else config.value(theme)) or None,
    )
