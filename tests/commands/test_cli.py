"""The `accord` command as an author uses it: exit codes, default folder, new, schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from accord.commands.cli import main
from conftest import DEMO_DOCS, KnowledgeBase, fill_placeholders, only_placeholders_left


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command, in a real process, as a terminal would run it."""
    return subprocess.run(
        [sys.executable, "-m", "accord", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def test_demo_knowledge_base_validates_clean_even_strict() -> None:
    result = run("validate", str(DEMO_DOCS), "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("0 errors, 0 warnings in ")
    assert result.stderr == ""


def test_default_folder_is_docs_dir_of_nearest_mkdocs_yml(kb: KnowledgeBase) -> None:
    (kb.root / "content").mkdir()
    kb.docs.rename(kb.root / "content" / "records")
    (kb.root / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: content/records\nmarkdown_extensions:\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    )
    nested = kb.root / "content" / "records" / "agreements"
    result = run("validate", cwd=nested)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in 4 records" in result.stdout


def test_default_folder_without_mkdocs_yml_is_docs(kb: KnowledgeBase) -> None:
    result = run("validate", cwd=kb.root)
    assert result.returncode == 0
    assert "in 4 records (docs," in result.stdout


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "no docs folder at" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    assert run("validate", "--frmat", "json").returncode == 2


def test_errors_exit_1_and_never_a_traceback(kb: KnowledgeBase) -> None:
    kb.write("agreements/garbage.md", b"---\ntype: agreement\n\xff\xfe\x00[{\n---\n")
    kb.write("agreements/worse.md", "---\ntype: agreement\nid: [a, {b: c}]\nparties: 7\ndates: [1, 2]\n---\n")
    kb.write("agreements/empty.md", "---\ntype: agreement\n---\n")
    result = run("validate", str(kb.docs))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "garbage.md:3:1: error: encoding:" in result.stdout
    assert "worse.md:3:5: error: invalid-value: `id` must be text, not a list" in result.stdout
    assert "empty.md:2:1: error: missing-field: `id` is required" in result.stdout


def test_json_output_is_a_list(kb: KnowledgeBase) -> None:
    result = CliRunner().invoke(main, ["validate", str(kb.docs), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == []


# accord new ---------------------------------------------------------------------------


def new(kb: KnowledgeBase, *args: str) -> subprocess.CompletedProcess[str]:
    return run("new", *args, "--docs-dir", str(kb.docs))


def test_new_agreement_is_valid_and_in_the_right_folder(kb: KnowledgeBase) -> None:
    result = new(
        kb,
        "agreement",
        "harbour-mou",
        "--title",
        'Harbour: "clean water" MOU',
        "--party",
        "city-water",
        "--party",
        "river-trust",
    )
    assert result.returncode == 0, result.stderr
    path = kb.docs / "agreements" / "harbour-mou.md"
    assert f"Created {path}" in result.stdout
    text = path.read_text()
    assert 'title: "Harbour: \\"clean water\\" MOU"' in text
    assert "status: draft" in text
    assert run("validate", str(kb.docs)).returncode == 0  # valid from the first save
    strict = run("validate", str(kb.docs), "--strict")
    assert strict.returncode == 1 and only_placeholders_left(strict.stdout)  # until its placeholders are replaced
    fill_placeholders(path)
    assert run("validate", str(kb.docs), "--strict").returncode == 0


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (("organization", "harbour-board", "--kind", "government"), "organizations"),
        (("playbook", "harbour-playbook"), "playbooks"),
        (("retrospective", "harbour-retro", "--agreement", "river-mou"), "retrospectives"),
        (("retrospective", "harbour-talks", "--party", "river-trust"), "retrospectives"),
    ],
)
def test_new_records_of_every_type_validate(kb: KnowledgeBase, args: tuple[str, ...], kind: str) -> None:
    result = new(kb, *args)
    assert result.returncode == 0, result.stderr
    assert (kb.docs / kind / f"{args[1]}.md").is_file()
    assert run("validate", str(kb.docs)).returncode == 0
    fill_placeholders(kb.docs / kind / f"{args[1]}.md")
    check = run("validate", str(kb.docs), "--strict")
    assert check.returncode == 0, check.stdout


def test_new_refuses_to_overwrite(kb: KnowledgeBase) -> None:
    path = kb.docs / "organizations" / "city-water.md"
    before = path.read_text()
    result = new(kb, "organization", "city-water", "--kind", "ngo")
    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert path.read_text() == before


def test_new_refuses_an_id_used_elsewhere(kb: KnowledgeBase) -> None:
    result = new(kb, "playbook", "river-mou")
    assert result.returncode == 2
    assert "already used by" in result.stderr
    assert not (kb.docs / "playbooks" / "river-mou.md").exists()


@pytest.mark.parametrize("bad", ["Harbour MOU", "harbour_mou", "harbour-", "x" * 81])
def test_new_validates_the_id(kb: KnowledgeBase, bad: str) -> None:
    result = new(kb, "playbook", bad)
    assert result.returncode == 2
    assert "is not a valid id" in result.stderr


def test_new_agreement_checks_its_parties(kb: KnowledgeBase) -> None:
    result = new(kb, "agreement", "x-mou", "--party", "city-watr", "--party", "river-trust")
    assert result.returncode == 2
    assert "did you mean `city-water`?" in result.stderr
    result = new(kb, "agreement", "x-mou", "--party", "city-water")
    assert result.returncode == 2
    assert "at least two parties" in result.stderr
    assert not (kb.docs / "agreements" / "x-mou.md").exists()


def test_new_organisation_needs_a_kind(kb: KnowledgeBase) -> None:
    result = new(kb, "organization", "harbour-board", "--kind", "goverment")
    assert result.returncode == 2
    assert "did you mean `government`?" in result.stderr


def test_new_uses_a_site_template_override(kb: KnowledgeBase) -> None:
    override = kb.root / "overrides" / "accord" / "new"
    override.mkdir(parents=True)
    (override / "playbook.md.j2").write_text(
        "---\nid: {{ id }}\ntype: playbook\ntitle: {{ title | yaml }}\n---\nHouse style playbook.\n"
    )
    (kb.root / "mkdocs.yml").write_text("site_name: T\ntheme:\n  name: material\n  custom_dir: overrides\n")
    result = run("new", "playbook", "house-style", cwd=kb.root)
    assert result.returncode == 0, result.stderr
    assert "House style playbook." in (kb.docs / "playbooks" / "house-style.md").read_text()


def test_a_broken_override_writes_nothing(kb: KnowledgeBase) -> None:
    override = kb.root / "overrides" / "accord" / "new"
    override.mkdir(parents=True)
    (override / "playbook.md.j2").write_text("---\nid: {{ id }}\ntype: playbook\n---\n")
    (kb.root / "mkdocs.yml").write_text("site_name: T\ntheme:\n  name: material\n  custom_dir: overrides\n")
    result = run("new", "playbook", "house-style", cwd=kb.root)
    assert result.returncode == 2
    assert "gives an invalid record" in result.stderr
    assert "missing-field" in result.stderr
    assert not (kb.docs / "playbooks" / "house-style.md").exists()


# accord schema -------------------------------------------------------------------------


def test_schema_describes_every_record_type() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["discriminator"]["propertyName"] == "type"
    names = set(schema["$defs"])
    assert {"Agreement", "Organization", "Playbook", "Retrospective", "Responsibility", "Lesson"} <= names
    agreement = schema["$defs"]["Agreement"]
    assert agreement["additionalProperties"] is False
    assert set(agreement["required"]) >= {"id", "type", "title", "kind", "status", "parties"}
    assert "from" in schema["$defs"]["Resource"]["properties"]
    status = json.dumps(schema["$defs"]["AgreementStatus"])
    assert '"superseded"' in status


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert "accord" in result.stdout


def test_help_lists_the_commands() -> None:
    result = run("--help", cwd=Path(os.sep))
    for command in ("validate", "new", "schema"):
        assert command in result.stdout
