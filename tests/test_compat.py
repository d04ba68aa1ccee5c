"""accord.compat: every touch of another package's internals is there, and holds on the
versions installed (requirements/lock.txt); a release that drops one is named, not silent."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from accord import compat

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "accord"
STDLIB_PRIVATE = {"_exit", "_getframe"}  # os._exit, sys._getframe: documented, and the standard library's


def _own_private_names() -> set[str]:
    """Every `_name` Accord defines itself: functions, classes, attributes, fields."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "compat.py":
            continue  # (what compat sets on other packages' objects is theirs)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[-1])
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return {name for name in names if name.startswith("_")}


def test_no_private_attribute_of_another_package_is_touched_outside_compat() -> None:
    own = _own_private_names() | STDLIB_PRIVATE
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "compat.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and node.attr not in own:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: .{node.attr}")
            if isinstance(node, ast.Attribute) and node.attr == "__class__" and isinstance(node.ctx, ast.Store):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: .__class__ set")
    assert not found, "move these into accord.compat:\n" + "\n".join(found)


def test_the_scan_finds_a_touch_outside_compat(tmp_path: Path) -> None:
    """The scan above can fail: a private attribute Accord does not define is found."""
    own = _own_private_names()
    assert "_wanted_epoch" not in own and "_handlers" not in own and "_schema" not in own
    assert "_entries" in own  # Accord's own (accord.memo)


def test_nothing_the_installed_packages_lack() -> None:
    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers import Observer

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(PACKAGE))
    try:
        observer = Observer()
        observer.schedule(object(), str(PACKAGE), recursive=True)  # type: ignore[arg-type]
        assert compat.check(server, observer) == []
        watches = compat.observer_watches(observer)
        assert watches is not None and [(path, recursive) for _, path, recursive, _ in watches] == [
            (str(PACKAGE), True)]
    finally:
        server.server_close()


def test_a_release_without_them_is_named() -> None:
    class Server:  # another MkDocs: no reload epochs
        builder = None

    class Observer:  # another watchdog: no readable watches
        def is_alive(self) -> bool:
            return False

    said = compat.check(Server(), Observer())
    assert any("_wanted_epoch" in line and "reloads the browsers" in line for line in said)
    assert any("watchdog" in line and "polling" in line for line in said)
    assert compat.keep_browsers(Server()) is False
    assert compat.tags_unreadable(object()) is not None
    assert any("tags plugin" in line and "whole site" in line for line in compat.check(tags=object()))


def test_dirty_builds_are_switched_on_and_off_again() -> None:
    from mkdocs.commands import serve

    real = serve.build
    with compat.dirty_serve_builds() as dirty:
        assert dirty and serve.build is not real
        logger = logging.getLogger("mkdocs.commands.build")
        record = logger.makeRecord(logger.name, logging.WARNING, __file__, 1,
                                   "A 'dirty' build is being performed", (), None)
        assert not all(f.filter(record) for f in logger.filters)  # MkDocs' warning about it is quiet
    assert serve.build is real and not logger.filters


def test_a_page_extension_is_taken_off_only_when_it_was_put_on() -> None:
    class Config:
        def __init__(self) -> None:
            self.markdown_extensions = ["toc"]

    config = Config()
    assert compat.add_page_extension(config, "attr_list") is True
    compat.remove_page_extension(config, "attr_list")
    assert config.markdown_extensions == ["toc"]
    config.markdown_extensions.append("attr_list")
    assert compat.add_page_extension(config, "attr_list") is False


@pytest.mark.parametrize("distribution", ["mkdocs", "mkdocs-material", "watchdog"])
def test_the_versions_read_are_the_versions_locked(distribution: str) -> None:
    lock = (PACKAGE.parents[1] / "requirements" / "lock.txt").read_text(encoding="utf-8")
    assert f"{distribution}=={compat.CHECKED[distribution]}" in lock
