"""Where the knowledge base is: the nearest `mkdocs.yml` upward, and its `docs_dir`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml while ignoring `!!python/name:` and other custom tags."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`, as MkDocs reads it."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node)
        names, default = items[:-1], items[-1] if items else None
    else:
        return None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return default


_ConfigLoader.add_constructor("!ENV", _env)


@dataclass(frozen=True)
class Project:
    docs_dir: Path
    config_file: Path | None = None
    custom_dir: Path | None = None
    audience: str | None = None  # accord/records' `audience` option in mkdocs.yml
    site_url: str | None = None
    site_name: str | None = None
    exclude_docs: str | None = None  # mkdocs.yml's `exclude_docs`, as written

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
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def locate(start: Path | None = None) -> Project:
    """The knowledge base around `start` (default: the current directory)."""
    start = (start or Path.cwd()).resolve()
    config_file = find_config(start)
    if config_file is None:
        return Project(docs_dir=Path("docs"))
    config = read_config(config_file)
    root = config_file.parent
    docs_dir = root / str(config.get("docs_dir") or "docs")
    theme = config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    site_url = config.get("site_url")
    return Project(
        docs_dir=docs_dir,
        config_file=config_file,
        custom_dir=root / custom if custom else None,
        audience=_records_option(config, "audience"),
        site_url=site_url if isinstance(site_url, str) and site_url.strip() else None,
        site_name=config.get("site_name") if isinstance(config.get("site_name"), str) else None,
        exclude_docs=config.get("exclude_docs") if isinstance(config.get("exclude_docs"), str) else None,
    )


def _records_option(config: dict[str, Any], name: str) -> str | None:
    """An option of the accord/records plugin as written in mkdocs.yml."""
    plugins = config.get("plugins")
    entries = plugins.items() if isinstance(plugins, dict) else (plugins or [])
    for entry in entries:
        if isinstance(entry, tuple):
            key, options = entry
        elif isinstance(entry, dict) and len(entry) == 1:
            key, options = next(iter(entry.items()))
        else:
            continue
        if key == "accord/records" and isinstance(options, dict):
            value = options.get(name)
            return value if isinstance(value, str) else None
    return None
