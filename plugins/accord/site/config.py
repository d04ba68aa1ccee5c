"""mkdocs.yml as MkDocs reads it, without MkDocs: `INHERIT` merged in, `!ENV` resolved on
demand, and every other tag (`!!python/name:…`) kept as written so that `accord render`
can write the configuration back for another engine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ConfigError(Exception):
    """mkdocs.yml (or a file it inherits) cannot be read."""


@dataclass(frozen=True)
class Tagged:
    """A YAML value with an explicit tag (`!ENV [A, b]`, `!!python/name:x`), kept as written."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    pass


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


_Loader.add_multi_constructor("!", _tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)
TaggedLoader = _Loader  # YAML with every tag kept as written (`!ENV`, `!relative`, `!!python/name:…`)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(Tagged, _represent_tagged)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


def read(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The configuration in `path`, with the file it names in `INHERIT` merged under it (as
    MkDocs merges: mappings key by key, anything else replaced)."""
    resolved = path.resolve()
    if resolved in _seen:
        raise ConfigError(f"{path}: INHERIT goes round in a circle")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        return {}
    parent = data.pop("INHERIT", None)
    if parent is None:
        return data
    parent_path = path.parent / str(value(parent))
    return merge(read(parent_path, (*_seen, resolved)), data)


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, item in over.items():
        if isinstance(item, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], item)
        else:
            merged[key] = item
    return merged


def value(item: Any) -> Any:
    """A value as MkDocs would see it: `!ENV` resolved from the environment (or its default),
    other tagged values None."""
    if not isinstance(item, Tagged):
        return item
    if item.tag != "!ENV":
        return None
    names = item.value if isinstance(item.value, list) else [item.value]
    # As MkDocs reads it: the last of two or more is the default; one alone is a variable.
    names, default = (names[:-1], names[-1]) if len(names) > 1 else (names, None)
    for name in names:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return default


def plugin_name(entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return None


def plugin_options(config: dict[str, Any], name: str) -> dict[str, Any]:
    """A plugin's options as written in mkdocs.yml, `!ENV` resolved ({} when it has none)."""
    plugins = config.get("plugins")
    entries = [{k: v} for k, v in plugins.items()] if isinstance(plugins, dict) else (plugins or [])
    for entry in entries:
        if isinstance(entry, dict) and plugin_name(entry) == name:
            options = next(iter(entry.values()))
            return {k: value(v) for k, v in options.items()} if isinstance(options, dict) else {}
    return {}


def text(config: dict[str, Any], key: str) -> str | None:
    """A text setting (`site_url`, `exclude_docs`…), `!ENV` resolved; None unless text."""
    item = value(config.get(key))
    return item if isinstance(item, str) else None


def extensions(config: dict[str, Any]) -> list[Any]:
    """`markdown_extensions` as a list of names and one-key mappings, whichever form
    mkdocs.yml uses (a list, or a mapping of names to their options)."""
    given = config.get("markdown_extensions") or []
    if isinstance(given, dict):
        return [{name: options} if options else name for name, options in given.items()]
    return list(given) if isinstance(given, list) else []
