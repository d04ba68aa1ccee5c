"""One install line everywhere: the README, the guide, the pre-commit snippet, the changelog
and what `accord init` writes all name the same repository and release tag; `accord init`
takes the line that installed the running Accord; the requirements it writes are pinned to
the lock; `accord new --help` lists the kinds."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from packaging.requirements import Requirement

from accord import __version__, release
from accord.commands.cli import main
from accord.commands.init import TEAM_FILES, create, team_files
from accord.format.models import AgreementKind, OrganizationKind
from accord.format.vocabulary import KIND_NAMES, ORGANIZATION_KINDS
from accord.site.reference import expand
from conftest import REPO

LINE = release.published().pip_install


def test_the_version_is_a_release_with_a_changelog_entry() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(__version__)} \(\d{{4}}-\d{{2}}-\d{{2}}\)$", changelog, re.MULTILINE)
    assert release.tag() == f"v{__version__}"


def test_the_project_names_one_source() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["urls"]["Source"] == release.SOURCE
    assert f'pip install "accord-kb @ git+{release.SOURCE}@v{__version__}"' == LINE


def test_the_readme_the_guide_and_the_pre_commit_snippet_give_the_same_line() -> None:
    readme = (REPO / "README.md").read_text()
    assert LINE.removeprefix("pip install ") in readme
    assert "pip install accord\n" not in readme and "OWNER" not in readme
    guide = expand((REPO / "docs" / "guide" / "maintaining-the-site.md").read_text())
    assert LINE in guide and "OWNER" not in guide
    snippet = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert f"#     - repo: {release.SOURCE}\n#       rev: {release.tag()}\n" in snippet
    assert f"  - repo: {release.SOURCE}\n    rev: {release.tag()}\n" in readme
    # Every file accord init writes for a team, in the guide as it writes them.
    for name, text in team_files(release.published()).items():
        assert text.rstrip("\n") in guide, name


def test_the_hook_runs_on_every_commit_deletions_included() -> None:
    """pre-commit passes no file for a deletion, so a `files:` filter alone would skip a
    commit that only removes a record (test_adoption proves it with a real commit)."""
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]
    assert hook["always_run"] is True and hook["pass_filenames"] is False


def test_init_writes_the_line_that_installed_accord(tmp_path: Path) -> None:
    recorded = {"url": "https://git.example.org/council/accord.git",
                "vcs_info": {"vcs": "git", "requested_revision": "v9.8.7", "commit_id": "ab" * 20}}
    origin = release._from_direct_url(recorded)
    assert origin == release.Origin("https://git.example.org/council/accord.git", "v9.8.7", recorded=True)
    created = create(tmp_path / "kb", "Council", date(2026, 12, 7), origin=origin)
    assert {p.relative_to(tmp_path / "kb").as_posix() for p in created.written} >= set(TEAM_FILES)
    kb = tmp_path / "kb"
    written = (kb / "requirements.txt").read_text()
    assert "accord-kb @ git+https://git.example.org/council/accord.git@v9.8.7\n" in written
    hook = yaml.safe_load((kb / ".pre-commit-config.yaml").read_text())["repos"][0]
    assert (hook["repo"], hook["rev"]) == ("https://git.example.org/council/accord.git", "v9.8.7")


@pytest.mark.parametrize("recorded", [
    {"url": "https://user:token@git.example.org/accord.git", "vcs_info": {"vcs": "git", "commit_id": "a" * 40}},
    {"url": "https://git.example.org/accord.git", "vcs_info": {"vcs": "hg", "commit_id": "a" * 40}},
    {"url": "file:///home/me/accord", "dir_info": {"editable": True}},
    {"url": "https://git.example.org/accord.git", "vcs_info": {"vcs": "git", "requested_revision": "v1; rm -rf /"}},
    None,
])
def test_what_cannot_be_written_into_a_repository_falls_back_to_the_release(recorded: dict | None) -> None:
    """No token from a URL, no revision that would need quoting, nothing but Git."""
    origin = release._from_direct_url(recorded) or release.published()
    assert "token" not in origin.requirement and ";" not in origin.requirement
    if recorded and recorded.get("vcs_info", {}).get("vcs") == "git" and "token" not in recorded["url"]:
        assert origin.revision in ("a" * 40, release.tag())


def test_the_requirements_pin_what_accord_needs_from_the_lock_and_no_test_tool() -> None:
    lock = (REPO / "requirements" / "lock.txt").read_text()
    pins = release.runtime_pins(lock)
    names = {re.match(r"[a-z0-9._-]+", pin).group(0) for pin in pins}
    for needed in ("mkdocs", "mkdocs-material", "pydantic", "pydantic-core", "whoosh-reloaded", "jinja2",
                   "markupsafe", "pyyaml", "click", "numpy", "pymdown-extensions"):
        assert needed in names, needed
    for tool in ("pytest", "hypothesis", "ruff", "playwright", "zensical", "pre-commit", "hatchling"):
        assert tool not in names, tool
    for pin in pins:
        assert pin in lock.splitlines()  # as the lock has it, environment marker included
    numpy = [line for line in lock.splitlines() if line.startswith("numpy==")]
    assert [pin for pin in pins if pin.startswith("numpy==")] == numpy  # one line per environment


def test_the_requirements_command_prints_an_installable_file() -> None:
    result = CliRunner().invoke(main, ["requirements"])
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line and not line.startswith("#")]
    assert lines[0] == release.installed().requirement
    for line in lines:  # each a requirement pip reads
        Requirement(line)


def test_new_help_lists_the_kinds_and_a_natural_word_is_answered() -> None:
    assert set(ORGANIZATION_KINDS) == {k.value for k in OrganizationKind}
    assert set(KIND_NAMES) == {k.value for k in AgreementKind}
    shown = " ".join(CliRunner().invoke(main, ["new", "--help"]).output.split())
    for kind in (*ORGANIZATION_KINDS, *KIND_NAMES):
        assert kind in shown, kind


def test_a_university_is_academic(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    result = CliRunner().invoke(main, ["new", "organization", "uni", "--kind", "university",
                                       "--docs-dir", str(tmp_path / "docs")])
    assert result.exit_code == 2
    assert "a university is `academic`" in result.output
    assert not (tmp_path / "docs" / "organizations" / "uni.md").exists()


@pytest.mark.parametrize(("recorded", "expected"), [
    ({"url": "https://git.example.org/accord.git", "vcs_info": {"vcs": "git", "requested_revision": "main",
                                                                "commit_id": "c" * 40}},
     ("https://git.example.org/accord.git", "c" * 40)),  # a branch moves: the commit it was is pinned
    ({"url": "ssh://git@github.com/council/accord.git", "vcs_info": {"vcs": "git", "requested_revision": "v1.2.3"}},
     ("https://github.com/council/accord.git", "v1.2.3")),  # a runner has no SSH key
    ({"url": "https://TOKEN@github.com/council/accord.git", "vcs_info": {"vcs": "git", "commit_id": "c" * 40}},
     (release.SOURCE, release.tag())),  # never a token written into a repository
])
def test_the_origin_written_is_pinned_and_reachable(recorded: dict, expected: tuple[str, str]) -> None:
    origin = release._from_direct_url(recorded) or release.published()
    assert (origin.repository, origin.revision) == expected
    assert origin.recorded is (expected[0] != release.SOURCE)


def test_team_files_adds_only_the_team_s_files(tmp_path: Path) -> None:
    """An existing knowledge base gets the new files, never the public example records."""
    kb = tmp_path / "kb"
    (kb / "docs" / "agreements").mkdir(parents=True)
    (kb / "requirements.txt").write_text("ours\n")
    result = CliRunner().invoke(main, ["init", "--team-files", str(kb)])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(kb).as_posix() for p in kb.rglob("*") if p.is_file())
    assert written == sorted(TEAM_FILES)
    assert (kb / "requirements.txt").read_text() == "ours\n"  # kept, as every file is
    assert "kept" in result.output and "Wrote 3 files" in result.output


def test_the_zensical_extra_is_offered_where_zensical_is_suggested(tmp_path: Path) -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(dep.startswith("zensical") for dep in extras["zensical"])
    create(tmp_path / "kb", "Council", date(2026, 12, 7), origin=release.published())
    readme = (tmp_path / "kb" / "README.md").read_text()
    assert "zensical build" in readme
    assert f'pip install "accord-kb[zensical] @ git+{release.SOURCE}@{release.tag()}"' in readme
