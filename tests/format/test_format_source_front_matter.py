"""accord.format.source: front matter the parser does not see (hardening, issue 11, item 1).
A file that holds a record's fields is read as the record it is, or refused; it is never an
ordinary page that would publish them. An ordinary page, or prose or a code block that looks
like front matter, stays ordinary. Leaks are checked in a public build, in every file, gzip
included."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.format.source import read_source
from engines import quick_accord as accord
from sites import build, demo_project

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
CANARY = "zzcanary"
HIDDEN = f"""\
---
id: {CANARY}-deal
type: agreement
title: Zzcanary settlement
kind: mou
status: draft
confidentiality: restricted
parties:
  - org: northvale-university
  - org: northvale-hospital-trust
---
The {CANARY} body.
"""


def public_build(root: Path) -> tuple[int, str, str]:
    """A public build; its log, and the text of every file it wrote (gzip decompressed)."""
    result = build(root, env={**EPOCH, "ACCORD_AUDIENCE": "public"}, strict=False)
    return result.returncode, result.log, "".join(result.text_files().values()) if result.site.exists() else ""


PREFIXES = ["\n", "  \n", "\r\n", "\ufeff\ufeff", "<!-- draft -->\n", "# notes\n", "\n\n\n", " ", "\t\n"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=4).map("".join),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
)
def test_a_hidden_record_behind_any_prefix_is_a_record_or_an_error(prefix: str, ending: str, bom: bool) -> None:
    text = ("\ufeff" if bom else "") + prefix + HIDDEN.replace("\n", ending)
    source = read_source(text.encode("utf-8"), "x.md", "agreements/x.md")
    # Never an ordinary page: either read as the restricted record it is, or refused.
    assert source.is_record
    if not source.diagnostics:
        assert source.data is not None and source.data["confidentiality"] == "restricted"


def test_record_fields_outside_front_matter_are_refused_and_never_published(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    docs = root / "docs"
    variants = {
        "agreements/blank-line.md": "\n" + HIDDEN,
        "agreements/comment.md": "<!-- note -->\n" + HIDDEN,
        "agreements/no-dashes.md": HIDDEN.replace("---\n", ""),
        "agreements/crlf.md": ("\n" + HIDDEN).replace("\n", "\r\n"),
        "agreements/second-block.md": "---\ntitle: Notes\n---\n\n" + HIDDEN,
    }
    for number, (rel, text) in enumerate(variants.items()):
        (docs / rel).write_text(text.replace(f"{CANARY}-deal", f"{CANARY}-deal-{number}"), newline="")
    result = accord("validate", "--strict", cwd=root)
    assert result.returncode == 1
    for rel in variants:
        assert f"docs/{rel}:" in result.stdout and "frontmatter-misplaced" in result.stdout, rel
    code, log, text = public_build(root)
    # Refused, and the public build names none of them (issue 20): validate lists them.
    assert code != 0 and "errors this audience may not be shown: run `accord validate`" in log
    assert "frontmatter-misplaced" not in log and CANARY not in log.lower()
    assert CANARY not in text.lower()


@pytest.mark.parametrize("text", [
    "---\ntype:agreement\nconfidentiality:restricted\n---\n\nbody\n",  # a YAML string, not a mapping
    "  ---\n  type: agreement\n  confidentiality: restricted\n  ---\n\nbody\n",  # indented
    "\t---\n\ttype: agreement\n\tconfidentiality: restricted\n\t---\n",  # indented with tabs
    '+++\ntype = "agreement"\nconfidentiality = "restricted"\n+++\n\nbody\n',  # TOML
    "---\n- type: agreement\n  confidentiality: restricted\n---\n",  # a list
    "---\ntype:\u00a0agreement\nconfidentiality:\u00a0restricted\n---\n",  # no-break spaces
    "---\ntype: agreement\nconfidentiality: restricted\n",  # never closed, type aside
    "---\ntitle: Notes\nconfidentiality: internal\n---\n",  # no record type at all
    "---\ntype: contract\ntitle: Secret\nconfidentiality: restricted\n---\n",  # not a record type
    "---\ntyp: agreement\nconfidentiality: restricted\n---\n",  # `type` misspelt
])
def test_front_matter_that_would_print_or_go_unhonoured_is_refused(text: str) -> None:
    source = read_source(text.encode(), "s.md", "agreements/s.md")
    assert source.is_record and {d.code for d in source.diagnostics} <= {
        "frontmatter-misplaced", "confidentiality-without-type", "frontmatter-unclosed", "unknown-type"}
    assert source.diagnostics


def test_public_or_plain_pages_stay_ordinary() -> None:
    for text in ("---\ntitle: About\nconfidentiality: public\n---\nHello\n",
                 "---\nSome words between rules\n---\n\nText.\n",
                 "# Guide\n\n    confidentiality: public\n"):
        source = read_source(text.encode(), "p.md", "p.md")
        assert not source.is_record and not source.diagnostics, text


def test_examples_in_code_blocks_are_not_front_matter() -> None:
    page = "# Guide\n\n```yaml\n---\ntype: agreement\nconfidentiality: public\n---\n```\n\n    type: agreement\n"
    source = read_source(page.encode(), "guide.md", "guide.md")
    assert not source.is_record and not source.diagnostics


@pytest.mark.parametrize("text", ["A page.\n\n---\n\nMore text after a rule.\n", "Type: the kind of thing.\n"])
def test_ordinary_pages_stay_ordinary(text: str) -> None:
    source = read_source(text.encode(), "page.md", "page.md")
    assert not source.is_record and not source.diagnostics


# Found by a fresh-eyes review ------------------------------------------------------------------


def test_prose_that_mentions_confidentiality_is_left_alone(tmp_path: Path) -> None:
    for text in ("# Handling\n\nConfidentiality: internal by default, restricted when a party asks.\n",
                 "# Plain\n\n    confidentiality: restricted\n",
                 "# Kinds\n\nType: agreement or organisation, as the case may be.\n"):
        source = read_source(text.encode(), "guide/x.md", "guide/x.md")
        assert not source.diagnostics, text
    miscased = read_source(b"---\ntitle: Notes\nConfidentiality: restricted\n---\n# Board\n", "n.md", "n.md")
    assert [d.code for d in miscased.diagnostics] == ["confidentiality-without-type"]
