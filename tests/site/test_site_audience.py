"""The audience a site is built for (accord/records): a public or internal build holds no
trace of the records it may not show; an audience set twice never widens; a bad one is a
clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord.catalogue import Audience
from sites import ZERO_CONFIG, Build, build, demo_project, hidden_markers

# The demo's build date: reviews in the next 90 days, and one overdue.
EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22


@pytest.fixture(scope="module")
def public_demo(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = build(demo_project(tmp_path_factory.mktemp("public")), env={**EPOCH, "ACCORD_AUDIENCE": "public"})
    assert result.returncode == 0, result.log
    return result


def test_public_build_holds_no_trace_of_hidden_records(public_demo: Build) -> None:
    markers = hidden_markers(Audience.PUBLIC)
    assert "project-larkspur-settlement-negotiation" in markers
    assert "Larkspur" not in "".join(public_demo.text_files().values())
    for path, text in public_demo.text_files().items():
        for record_id, phrases in markers.items():
            for phrase in phrases:
                escaped = phrase.replace("&", "&amp;").replace("'", "&#39;")
                assert phrase not in text and escaped not in text, f"{record_id}: {phrase!r} in {path}"


def test_internal_build_holds_no_trace_of_the_restricted_record(demo: Build) -> None:
    text = "".join(demo.text_files().values())
    assert "Larkspur" not in text
    assert "project-larkspur" not in text


@pytest.mark.parametrize(("configured", "environment"), [("restricted", "public"), ("public", "restricted")])
def test_an_audience_set_twice_never_widens(tmp_path: Path, configured: str, environment: str) -> None:
    config = ZERO_CONFIG.format(name="T").replace(
        "  - accord/records\n", f"  - accord/records:\n      audience: {configured}\n"
    )
    root = demo_project(tmp_path, config)
    result = build(root, env={**EPOCH, "ACCORD_AUDIENCE": environment}, strict=False)
    assert result.returncode == 0, result.log
    assert "WARNING" in result.log and "building for `public`, the narrower" in result.log
    assert not (result.site / "agreements" / "project-larkspur-settlement-negotiation").exists()
    assert not (result.site / "agreements" / "community-health-workers-moa").exists()  # internal
    assert build(root, env={**EPOCH, "ACCORD_AUDIENCE": environment}).returncode == 1  # strict: a warning fails
    search = subprocess.run([sys.executable, "-m", "accord", "search", "larkspur", "--json"], cwd=root,
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "ACCORD_AUDIENCE": environment})
    assert "the narrower" in search.stderr and "larkspur-settlement" not in search.stdout


def test_a_bad_audience_is_a_clear_error(tmp_path: Path) -> None:
    result = build(demo_project(tmp_path, ZERO_CONFIG.format(name="T")), env={"ACCORD_AUDIENCE": "everyone"})
    assert result.returncode != 0
    assert "ACCORD_AUDIENCE is `everyone`" in result.log
    assert "Traceback" not in result.log
