"""Sloppy and hostile files: a clear diagnostic on the right line, fast, never a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accord.catalogue import Catalogue
from accord.format.loading import load
from conftest import DEMO_DOCS, ORG_A, KnowledgeBase, line_of

ORG = "organizations/city-water.md"


def validate(docs: Path) -> subprocess.CompletedProcess[str]:
    """In a real process, so that a crash in C code shows as one."""
    return subprocess.run(
        [sys.executable, "-m", "accord", "validate", str(docs)], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("value", ["!!float abc", "!!int abc", "!!bool maybe", "!!timestamp abc", "1" * 5000])
def test_unreadable_scalars_are_diagnostics(kb: KnowledgeBase, value: str) -> None:
    text = kb.edit(ORG, "kind: government\n", f"kind: government\njurisdiction: {value}\n")
    kb.write("page.md", f"---\ntitle: {value}\n---\n# A page\n")
    result = validate(kb.docs)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "internal error" not in result.stderr
    assert f"city-water.md:{line_of(text, 'jurisdiction')}:15: error: yaml-syntax:" in result.stdout
    assert "page.md" not in result.stdout


@pytest.mark.parametrize(
    "nesting", ["\n    " + "- " * 100_000 + "x", "[" * 40_000 + "]" * 40_000, "{a: " * 5000 + "}" * 5000]
)
def test_deep_nesting_is_refused_quickly_without_a_crash(kb: KnowledgeBase, nesting: str) -> None:
    kb.write(
        "organizations/deep.md",
        f"---\nid: deep\ntype: organization\ntitle: D\nkind: ngo\nextra:\n  x: {nesting}\n---\n",
    )
    kb.write("page.md", f"---\ntitle: x\nextra: {nesting}\n---\n")
    started = time.perf_counter()
    result = validate(kb.docs)
    assert time.perf_counter() - started < 5
    assert result.returncode == 1, result.stdout + result.stderr  # a segfault would be -11
    assert ": error: yaml-depth: more than 32 levels of nesting" in result.stdout
    assert "page.md" not in result.stdout


def test_thousands_of_unknown_keys_are_capped_and_fast(kb: KnowledgeBase) -> None:
    keys = "".join(f"k{i}: v\n" for i in range(20_000))
    kb.write("organizations/keys.md", f"---\nid: keys\ntype: organization\ntitle: K\nkind: ngo\n{keys}---\n")
    started = time.perf_counter()
    result = kb.validate()
    assert time.perf_counter() - started < 5
    lines = [line for line in result.diagnostics() if "keys.md" in line]
    assert len(lines) == 51
    assert sum("more-problems: 19950 more problems in this file" in line for line in lines) == 1


def test_huge_front_matter_is_refused(kb: KnowledgeBase) -> None:
    extra = "".join(f"  k{i}: value\n" for i in range(40_000))
    kb.write("organizations/big.md", f"---\nid: big\ntype: organization\ntitle: B\nkind: ngo\nextra:\n{extra}---\n")
    kb.expect("organizations/big.md", 1, "error", "yaml-size")


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85", "\r", "\x07"])
def test_invisible_characters_keep_line_numbers_right(kb: KnowledgeBase, char: str) -> None:
    kb.edit(ORG, "kind: government\n", "kind: government\njurisdiction: no\n")
    text = kb.edit(ORG, "title: City Water Authority", f'title: "City Water{char}Authority"')
    line = kb.expect(ORG, line_of(text, "title:"), "error", "yaml-invisible")
    assert f"U+{ord(char):04X}" in line
    assert "\n" not in line


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                                  "\u2069"])
@pytest.mark.parametrize("written", ["raw", "escaped"])
def test_text_direction_controls_are_refused_in_values(kb: KnowledgeBase, char: str, written: str) -> None:
    """A direction override left open in a value turns around what is shown after it on
    every page (another record's dates in the timeline, the reasons of lessons to consider):
    the whole class of embeddings, overrides and isolates is refused, raw or escaped."""
    value = f'"City{char}Water"' if written == "raw" else f'"City\\u{ord(char):04x}Water"'
    text = kb.edit(ORG, "title: City Water Authority", f"title: {value}")
    code = "yaml-invisible" if written == "raw" else "control-character"
    line = kb.expect(ORG, line_of(text, "title:"), "error", code)
    assert f"U+{ord(char):04X}" in line and "text-direction" in line


def test_control_character_is_one_line_at_its_place(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "title: City Water Authority", "title: City\x07Water")
    line = kb.expect(ORG, line_of(text, "title:"), "error", "yaml-invisible")
    assert line.split(":")[2] == "12"


def test_duplicate_id_is_reported_even_when_one_carrier_is_broken(kb: KnowledgeBase) -> None:
    kb.write("organizations/copy.md", ORG_A.replace("title: City Water Authority", "title:"))
    first = kb.expect(ORG, line_of(ORG_A, "id:"), "error", "duplicate-id")
    assert "copy.md" in first
    second = kb.expect("organizations/copy.md", line_of(ORG_A, "id:"), "error", "duplicate-id")
    assert "city-water.md" in second


def test_an_undecodable_body_does_not_cascade(kb: KnowledgeBase) -> None:
    kb.write(ORG, ORG_A.replace("Runs the water network.", "Runs the r\xe9seau.").encode("latin-1"))
    result = kb.validate()
    codes = [line.split(": ")[2] for line in result.diagnostics()]
    assert codes == ["encoding"], result.output


@pytest.mark.parametrize("key", ["1", "null", "2024-01-01", "yes"])
def test_keys_that_are_not_text(kb: KnowledgeBase, key: str) -> None:
    text = kb.edit(ORG, "kind: government\n", f"kind: government\nextra:\n  {key}: x\n")
    line = kb.expect(ORG, line_of(text, f"  {key}: x"), "error", "yaml-key")
    assert f"put it in quotes: '{key}'" in line
    assert line.split(":")[2] == "3"


def test_alias_as_a_key_is_refused(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "kind: government\n", "kind: government\nextra:\n  a: &k jurisdiction\n  *k : x\n")
    kb.expect(ORG, line_of(text, "*k : x"), "error", "yaml-alias")


@pytest.mark.parametrize(("field", "word"), [("description", "no"), ("subtitle", "yes")])
def test_booleans_in_theme_text_fields(kb: KnowledgeBase, field: str, word: str) -> None:
    text = kb.edit(ORG, "kind: government\n", f"kind: government\n{field}: {word}\n")
    line = kb.expect(ORG, line_of(text, f"{field}:"), "error", "yaml-boolean")
    assert f"'{word}'" in line


def test_boolean_word_in_a_choice_names_the_word(kb: KnowledgeBase) -> None:
    text = kb.edit("agreements/river-mou.md", "    role: lead", "    role: on")
    line = kb.expect("agreements/river-mou.md", line_of(text, "role: on"), "error", "yaml-boolean")
    assert "`on`" in line


@pytest.mark.parametrize("opening", ['"type": organization', "Type: organization"])
def test_broken_records_are_not_mistaken_for_pages(kb: KnowledgeBase, opening: str) -> None:
    kb.write("organizations/odd.md", f"---\nid: odd\n{opening}\ntitle: [Odd\nkind: ngo\n---\n")
    assert kb.validate().exit_code == 1
    kb.write("organizations/odd.md", f"---\nid: odd\n{opening}\ntitle: Odd\nkind: ngo\n---\n")
    result = kb.validate()
    assert result.exit_code == (0 if opening.startswith('"') else 1), result.output


def test_whitespace_title_is_empty(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "title: City Water Authority", "title: '   '")
    kb.expect(ORG, line_of(text, "title:"), "error", "missing-field")


def test_infinite_amount_is_refused(kb: KnowledgeBase) -> None:
    text = kb.edit("agreements/river-mou.md", "amount: 25000", "amount: .inf")
    kb.expect("agreements/river-mou.md", line_of(text, "amount:"), "error", "invalid-value")


def test_fifo_named_md_does_not_block(kb: KnowledgeBase) -> None:
    os.mkfifo(kb.docs / "pipe.md")
    started = time.perf_counter()
    result = kb.validate()
    assert result.exit_code == 1 and "pipe.md:1:1: error: not-a-file:" in result.output
    assert time.perf_counter() - started < 5


def test_github_annotations_escape_the_path(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "a,b:c")
    kb.edit(ORG, "kind: government", "kind: gov")
    line = kb.validate("--format", "github").lines[0]
    assert "a%2Cb%3Ac" in line.split("::")[1]


def test_public_catalogue_carries_no_hidden_id_in_its_sources(tmp_path: Path) -> None:
    import shutil

    docs = tmp_path / "docs"
    shutil.copytree(DEMO_DOCS, docs)
    university = docs / "organizations" / "northvale-university.md"
    university.write_text(
        university.read_text().replace(
            "type: organization\n", "type: organization\nrelated: [project-larkspur-settlement-negotiation]\n", 1
        )
    )
    records = load(docs).records
    catalogue = Catalogue.build(records, "public")
    for record in catalogue.records.values():
        assert record.source.data is None
        assert record.source.front_matter == ""
        assert "project-larkspur" not in record.model.model_dump_json()


@pytest.mark.parametrize("record_id", ["no", "yes", "on", "null", "123", "2024-01-01"])
def test_new_accepts_slugs_yaml_would_misread(kb: KnowledgeBase, record_id: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "accord", "new", "organization", record_id, "--kind", "ngo", "--docs-dir", str(kb.docs)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert kb.validate().exit_code == 0


def test_new_refuses_a_title_with_a_control_character(kb: KnowledgeBase) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "accord", "new", "playbook", "p1", "--title", "a\x85b\x1b", "--docs-dir", str(kb.docs)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode != 0 and "control" in (result.stdout + result.stderr)
    assert not (kb.docs / "playbooks" / "p1.md").exists()


@pytest.mark.parametrize("title", ["Café «Ω»", 'He said "no": {{ x }}', "tab\there", "line\u2028sep"])
def test_new_titles_round_trip(kb: KnowledgeBase, title: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "accord", "new", "playbook", "p1", "--title", title, "--docs-dir", str(kb.docs)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    records = {r.id: r for r in load(kb.docs).records}
    assert records["p1"].title == title


def test_new_with_an_empty_title_is_refused(kb: KnowledgeBase) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "accord", "new", "playbook", "p1", "--title", "", "--docs-dir", str(kb.docs)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--title is empty" in result.stderr


# Search text from hostile bodies: no pattern may take quadratic time --------------------------

HOSTILE_BODIES = ["[" * 400_000, "](" * 300_000, "![" * 300_000, "{ #" * 300_000, "{ a=" * 200_000, "`" * 400_000,
                  "<a " * 300_000, '<a"' * 200_000, "x.md " * 200_000, "\n[x]:\n" * 100_000, "*a" * 300_000,
                  "a" * 2_000_000]


def _plain_text_of(case: int) -> int:
    from accord.search.text import plain_text

    return len(plain_text(HOSTILE_BODIES[case]))


@pytest.mark.parametrize("case", range(len(HOSTILE_BODIES)))
def test_search_text_of_a_hostile_body_never_hangs(case: int) -> None:
    """Bodies of repeated brackets, tags, attributes or backticks (MBs of them): each
    pattern of accord.search.text tries every start once. A hang guard, not a timing."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result = pool.apply_async(_plain_text_of, (case,))
        assert result.get(timeout=60) >= 0
