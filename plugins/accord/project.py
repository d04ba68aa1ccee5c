"""Where the knowledge base is: the nearest `mkdocs.yml` upward, and its `docs_dir`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml while ignoring `!!python/name:` and other custom tags."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Project:
    docs_dir: Path
    config_file: Path | None = None
    custom_dir: Path | None = None


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
    return Project(docs_dir=docs_dir, config_file=config_file, custom_dir=root / custom if custom else None)
