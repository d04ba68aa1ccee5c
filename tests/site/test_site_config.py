"""mkdocs.yml as authors write it (accord.site.config; hardening, issue 11): `!ENV` with one
name, a disabled accord/pages, Markdown extensions written as a mapping (kept by `accord
render`, and built)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engines import quick_accord as accord
from sites import build, demo_project

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22


def test_env_with_one_name_is_a_variable_as_mkdocs_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.site.config import Tagged, value

    monkeypatch.setenv("ACCORD_TEST_AUDIENCE", "public")
    assert value(Tagged("!ENV", ["ACCORD_TEST_AUDIENCE"])) == "public"
    assert value(Tagged("!ENV", ["ACCORD_TEST_UNSET"])) is None
    assert value(Tagged("!ENV", ["ACCORD_TEST_UNSET", "internal"])) == "internal"


def test_a_disabled_pages_plugin_builds(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - accord/pages\n", "  - accord/pages:\n      enabled: false\n"))
    result = build(root, env=EPOCH, strict=False)
    assert result.returncode == 0 and "Traceback" not in result.log, result.log


def test_render_keeps_extension_options_written_as_a_mapping(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    config = root / "mkdocs.yml"
    text = config.read_text()
    start = text.index("markdown_extensions:")
    config.write_text(text[:start] + """markdown_extensions:
  admonition: {}
  attr_list: {}
  tables: {}
  pymdownx.tasklist:
    custom_checkbox: true
  toc:
    permalink: true
  pymdownx.superfences:
    custom_fences:
      - name: mermaid
        class: mermaid
        format: !!python/name:pymdownx.superfences.fence_code_format
""")
    assert build(root, env=EPOCH).returncode == 0
    out = tmp_path / "plain"
    assert accord("render", str(out), cwd=root).returncode == 0
    written = (out / "mkdocs.yml").read_text()
    assert "permalink: true" in written and "custom_checkbox: true" in written and "name: mermaid" in written
    assert (out / "docs" / "assets" / "accord" / "mermaid.min.js").is_file()
    assert build(out, env=EPOCH).returncode == 0
