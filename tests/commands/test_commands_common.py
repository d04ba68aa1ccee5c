"""The audience of a command (accord.commands.common.audience_of), from the one reader of
ACCORD_AUDIENCE (accord.format.vocabulary.chosen_audience), which the site's build shares."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from accord.commands.common import audience_of
from accord.commands.project import Project
from accord.format.vocabulary import UnknownAudience, chosen_audience


def test_the_narrower_of_mkdocs_yml_and_the_environment_with_a_warning() -> None:
    said: list[str] = []
    assert chosen_audience(None, {}) == "internal"
    assert chosen_audience("public", {}, said.append) == "public"
    assert chosen_audience(None, {"ACCORD_AUDIENCE": " restricted "}, said.append) == "restricted"
    assert said == []
    assert chosen_audience("restricted", {"ACCORD_AUDIENCE": "public"}, said.append) == "public"
    assert said == ["the audience is set twice: `restricted` in mkdocs.yml and `public` in ACCORD_AUDIENCE; "
                    "building for `public`, the narrower (set one of them only)"]


@pytest.mark.parametrize(("configured", "environment", "named"), [
    (None, "everyone", "everyone"), ("public", "everyone", "public"), ("everyone", None, "everyone"),
])
def test_an_unknown_audience_is_refused(configured: str | None, environment: str | None, named: str) -> None:
    with pytest.raises(UnknownAudience) as refused:
        chosen_audience(configured, {"ACCORD_AUDIENCE": environment} if environment else {})
    assert str(refused.value) == (f"unknown audience `{named}` (from mkdocs.yml or ACCORD_AUDIENCE); use public, "
                                  "internal or restricted")
    assert refused.value.environment == environment
    if environment:
        assert refused.value.variable_message == ("ACCORD_AUDIENCE is `everyone`; use one of: public, internal, "
                                                  "restricted")


def test_a_command_takes_the_option_first_and_says_what_is_wrong(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(docs_dir=tmp_path, audience="restricted")
    monkeypatch.setenv("ACCORD_AUDIENCE", "everyone")
    assert audience_of("public", project) == "public"
    with pytest.raises(click.UsageError, match="unknown audience `restricted`"):
        audience_of(None, project)
    monkeypatch.setenv("ACCORD_AUDIENCE", "internal")
    assert audience_of(None, project) == "internal"
