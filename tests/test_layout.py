"""The shape the code keeps (issue 24): the MkDocs plugins stay thin adapters, and no function
grows past what a reader holds in view. A module or function over the line fails here, named."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "plugins" / "accord"
PLUGIN_MODULE_LINES = 150
FUNCTION_LINES = 60


def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", node.end_lineno - node.lineno + 1)
            for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_plugin_module_is_over_150_lines() -> None:
    long = {str(path.relative_to(ROOT)): n for path in (PACKAGE / "site" / "plugins").rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > PLUGIN_MODULE_LINES}
    assert not long, f"plugin modules over {PLUGIN_MODULE_LINES} lines (move the work out of the adapter): {long}"


def test_no_function_is_over_60_lines() -> None:
    long = [f"{where} ({n} lines)" for folder in (PACKAGE, ROOT / "scripts")
            for path in sorted(folder.rglob("*.py")) for where, n in _functions(path) if n > FUNCTION_LINES]
    assert not long, f"functions over {FUNCTION_LINES} lines (split them into named steps):\n" + "\n".join(long)


def test_the_plain_build_never_makes_a_serve_session() -> None:
    """The serve session exists only under `mkdocs serve`: the records plugin makes it in
    on_startup for the `serve` command and for no other."""
    from accord.site.plugins.records.plugin import RecordsPlugin

    built = RecordsPlugin()
    built.on_startup(command="build", dirty=False)
    assert built.state.session is None
    served = RecordsPlugin()
    served.on_startup(command="serve", dirty=False)
    assert served.state.session is not None


def test_the_plugins_that_keep_something_between_serve_builds_survive_them() -> None:
    """MkDocs makes a plugin anew for every `mkdocs serve` build unless it defines
    on_startup: accord/records keeps the serve session, accord/search its advisor and the
    records' documents (without them a save's rebuild took 2.4 s instead of 1.3 at 2,000
    records, the same pages made)."""
    from mkdocs.config import config_options
    from mkdocs.config.defaults import MkDocsConfig

    from accord.site.plugins.records.plugin import RecordsPlugin
    from accord.site.plugins.search.plugin import SearchPlugin

    option = config_options.Plugins(theme_key="theme")
    option.current_config = MkDocsConfig()
    option.current_config["theme"] = {"name": "mkdocs"}  # type: ignore[index]
    option.pre_validation(option.current_config, "plugins")
    first = option.validate(["accord/records", "accord/pages", "accord/search"])
    again = option.validate(["accord/records", "accord/pages", "accord/search"])
    for name, cls in (("accord/records", RecordsPlugin), ("accord/search", SearchPlugin)):
        assert isinstance(first[name], cls) and again[name] is first[name], name
