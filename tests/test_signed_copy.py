"""Signed copies (issue 23, item 1): an agreement names the file that was signed and its SHA-256
digest; `accord validate` checks that the file is the agreement's own, there and unchanged;
`accord sign` records it without touching anything else in the author's file; the page links
it with its size, digest and signing date, and a public build carries no trace of an internal
agreement's copy."""

from __future__ import annotations

import hashlib
import os
import textwrap
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from accord.commands.cli import main
from accord.commands.sign import SignError, edit
from conftest import AGREEMENT, KnowledgeBase, line_of
from sites import ZERO_CONFIG, build

AG = "agreements/river-mou.md"
PDF = b"%PDF-1.4\n% the signed copy\n%%EOF\n"
DIGEST = hashlib.sha256(PDF).hexdigest()


def sign(kb: KnowledgeBase, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["sign", *args, "--docs-dir", str(kb.docs)])
    return result.exit_code, result.output


def with_copy(kb: KnowledgeBase, file: str, digest: str = DIGEST, rel_path: str = AG) -> str:
    """The agreement at `rel_path` naming `file` as its signed copy, written under its dates."""
    text = (kb.docs / rel_path).read_text(encoding="utf-8")
    assert "dates:\n" in text
    copy = f'signed_copy:\n  file: "{file}"\n  sha256: {digest}\n'
    return kb.edit(rel_path, "dates:\n", copy + "dates:\n")


# accord validate ------------------------------------------------------------------------------


def test_the_copy_recorded_validates_clean(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    with_copy(kb, "river-mou.pdf")
    result = kb.validate("--strict")
    assert result.exit_code == 0, result.output
    assert result.lines[-1].startswith("0 errors, 0 warnings")


def test_a_changed_copy_fails_validate_naming_both_digests(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    text = with_copy(kb, "river-mou.pdf")
    kb.write("agreements/river-mou.pdf", PDF + b"changed after signature\n")
    now = hashlib.sha256(PDF + b"changed after signature\n").hexdigest()
    line = kb.expect(AG, line_of(text, "sha256:"), "error", "signed-copy-changed")
    assert DIGEST in line and now in line
    assert "accord sign river-mou" in line and "--replace" in line
    assert kb.validate().exit_code == 1


def test_a_digest_in_capitals_is_the_same_digest(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    with_copy(kb, "river-mou.pdf", DIGEST.upper())
    assert kb.validate("--strict").exit_code == 0


@pytest.mark.parametrize("written", ["", "sha256:" + DIGEST, DIGEST[:40], DIGEST + "  river-mou.pdf", "z" * 64])
def test_a_digest_that_is_not_64_hexadecimal_digits_is_refused(kb: KnowledgeBase, written: str) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    text = with_copy(kb, "river-mou.pdf", f'"{written}"')
    line = kb.expect(AG, line_of(text, "sha256:"), "error", "invalid-value")
    assert "slug" not in line


def test_a_copy_named_without_its_digest_says_how_to_write_both(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "dates:\n", "signed_copy: river-mou.pdf\ndates:\n")
    line = kb.expect(AG, line_of(text, "signed_copy:"), "error", "invalid-value")
    assert "`signed_copy: {file: river-mou.pdf, sha256: …}`" in line and "accord sign" in line


def test_a_missing_file_is_an_error_on_its_line(kb: KnowledgeBase) -> None:
    text = with_copy(kb, "river-mou/signed.pdf")
    line = kb.expect(AG, line_of(text, "file:"), "error", "signed-copy-not-found")
    assert "river-mou/signed.pdf" in line


@pytest.mark.parametrize("written", [
    "/etc/passwd",  # absolute
    "~/river-mou.pdf",
    "../river-mou.pdf",  # out of the agreements folder
    "../../secret.pdf",  # out of the docs folder
    "river-mou/../../organizations/city-water.md",
    "river-mou/../river-mou.pdf",  # `..` however it ends
    "./../river-mou.pdf",
    "C:/river-mou.pdf",  # a drive
    "https://example.org/river-mou.pdf",  # an address
    "file:///etc/passwd",
    "river-mou\\signed.pdf",  # a Windows separator
    "river-mou/%2e%2e/%2e%2e/secret.pdf",  # escapes a server would read as `..`
    "river-mou//signed.pdf",
    "river-mou/",
    ".river-mou.pdf",  # hidden: MkDocs does not publish it
    "river-mou/.signed.pdf",
    "other.pdf",  # beside the agreement, but no file of its own
    "river-mouse.pdf",
    "river-mou.md",  # the page itself
    "river-mou/annex.md",
    " river-mou.pdf",
])
def test_a_path_that_is_not_the_agreement_s_own_file_is_refused(kb: KnowledgeBase, written: str) -> None:
    kb.write("agreements/other.pdf", PDF)
    kb.write("agreements/river-mouse.pdf", PDF)
    kb.write("agreements/river-mou/annex.md", "# Annex\n")
    (kb.root / "secret.pdf").write_bytes(PDF)
    text = with_copy(kb, written.replace("\\", "\\\\"))
    line = kb.expect(AG, line_of(text, "file:"), "error", "signed-copy-path")
    assert "passwd" not in line or "absolute" in line or "address" in line


def test_a_link_to_a_file_elsewhere_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(PDF)
    (kb.docs / "agreements" / "river-mou").mkdir(parents=True)
    (kb.docs / "agreements" / "river-mou" / "signed.pdf").symlink_to(outside)
    text = with_copy(kb, "river-mou/signed.pdf")
    line = kb.expect(AG, line_of(text, "file:"), "error", "signed-copy-path")
    assert "link" in line


def test_a_linked_folder_is_refused_too(kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "signed.pdf").write_bytes(PDF)
    (kb.docs / "agreements" / "river-mou").symlink_to(tmp_path / "elsewhere")
    text = with_copy(kb, "river-mou/signed.pdf")
    kb.expect(AG, line_of(text, "file:"), "error", "signed-copy-path")


def test_a_name_in_another_case_than_the_file_s_is_refused(kb: KnowledgeBase) -> None:
    kb.write("agreements/River-MOU.pdf", PDF)
    text = with_copy(kb, "river-mou.pdf")
    line = kb.expect(AG, line_of(text, "file:"), "error", "signed-copy-path")
    assert "River-MOU.pdf" in line


def test_a_folder_is_not_a_copy(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-mou/signed.pdf/annex.txt", "x")
    text = with_copy(kb, "river-mou/signed.pdf")
    kb.expect(AG, line_of(text, "file:"), "error", "signed-copy-path")


def test_another_record_s_file_in_the_agreement_s_folder_is_refused(kb: KnowledgeBase) -> None:
    amendment = AGREEMENT.replace("id: river-mou", "id: river-mou-amendment-1")
    kb.write("agreements/river-mou/amendment-1.md", amendment)
    kb.write("agreements/river-mou/amendment-1.pdf", PDF)
    text = with_copy(kb, "river-mou/amendment-1.pdf")
    line = kb.expect(AG, line_of(text, "file:"), "error", "signed-copy-path")
    assert "another record" in line


@pytest.mark.parametrize(("record", "file", "copy"), [
    ("agreements/river-mou.md", "river-mou.pdf", "agreements/river-mou.pdf"),
    ("agreements/river-mou.md", "river-mou.signed.pdf", "agreements/river-mou.signed.pdf"),
    ("agreements/river-mou.md", "river-mou/signed copy (final).pdf", "agreements/river-mou/signed copy (final).pdf"),
    ("agreements/river-mou.md", "./river-mou/scans/signed.pdf", "agreements/river-mou/scans/signed.pdf"),
    ("agreements/river-mou/index.md", "signed.pdf", "agreements/river-mou/signed.pdf"),
    ("agreements/river-mou/index.md", "scans/Firmado – versión final.pdf",
     "agreements/river-mou/scans/Firmado – versión final.pdf"),
])
def test_the_agreement_s_own_files_are_accepted(kb: KnowledgeBase, record: str, file: str, copy: str) -> None:
    if record != AG:
        (kb.docs / record).parent.mkdir(parents=True)
        (kb.docs / AG).rename(kb.docs / record)
    kb.write(copy, PDF)
    with_copy(kb, file, rel_path=record)
    result = kb.validate("--strict")
    assert result.exit_code == 0, result.output


SECOND = AGREEMENT.replace("id: river-mou", "id: river-sla").replace("title: River clean-up MOU",
                                                                     "title: River services agreement")


def test_an_agreement_in_force_without_a_copy_is_a_warning_once_the_knowledge_base_keeps_copies(
        kb: KnowledgeBase) -> None:
    kb.write("agreements/river-sla.md", SECOND)
    assert kb.validate("--strict").exit_code == 0  # no agreement names a copy: none is expected
    kb.write("agreements/river-mou.pdf", PDF)
    with_copy(kb, "river-mou.pdf")
    line = kb.expect("agreements/river-sla.md", line_of(SECOND, "status:"), "warning", "no-signed-copy")
    assert "accord sign river-sla" in line
    assert kb.validate().exit_code == 0 and kb.validate("--strict").exit_code == 1
    kb.edit("agreements/river-sla.md", "status: active", "status: expired")  # no longer in force
    assert kb.validate("--strict").exit_code == 0


# The page, and the audiences ----------------------------------------------------------------

INTERNAL = (SECOND.replace("confidentiality: public", "confidentiality: internal")
            .replace("id: river-sla", "id: river-secret-sla").replace("River services agreement", "Secret SLA"))
SECRET_PDF = b"%PDF-1.4\n% CONFIDENTIAL signed terms\n%%EOF\n"
ODD_NAME = "river-mou.<b>&amp; 'x'.pdf"  # a file name is text, never markup


def test_the_page_links_the_copy_and_a_public_build_has_no_trace_of_an_internal_one(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "kb")
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Signed"), encoding="utf-8")
    kb.write(f"agreements/{ODD_NAME}", PDF)
    with_copy(kb, ODD_NAME)
    kb.write("agreements/river-secret-sla.md", INTERNAL)
    kb.write("agreements/river-secret-sla/countersigned.pdf", SECRET_PDF)
    with_copy(kb, "river-secret-sla/countersigned.pdf", hashlib.sha256(SECRET_PDF).hexdigest(),
              "agreements/river-secret-sla.md")
    kb.write("agreements/river-sla.md", SECOND)  # in force, without a copy: validate warns, the build does not

    internal = build(kb.root)
    assert internal.returncode == 0, internal.log
    assert "no-signed-copy" not in internal.log and "river-sla" not in internal.log
    page = internal.page("agreements/river-mou")
    assert row is not None and row.th.get_text() == "Signed copy"
    signed = page.select_one("tr.accord-signed")
    row = signed.select_one(".accord-signed-copy")
    assert row is not None and signed.th.get_text() == "Signed" and "2026-01-10" in signed.td.get_text()
    link = row.select_one("a.accord-signed-copy__file")
    assert link.get_text() == "the signed copy" and link["title"] == ODD_NAME and row.select("b") == []
    assert ODD_NAME in row.select_one("details").get_text()
    target = (internal.site / "agreements" / "river-mou" / unquote(link["href"])).resolve()
    assert target.read_bytes() == PDF
    text = " ".join(row.get_text(" ").split())
    assert text.startswith(f"· the signed copy PDF, {len(PDF)} bytes")
    assert row.select_one("summary code").get_text() == f"{DIGEST[:8]}…{DIGEST[-8:]}"
    assert row.select_one("code.accord-digest__full").get_text().split() == [DIGEST[i:i + 8] for i in range(0, 64, 8)]
    secret = internal.page("agreements/river-secret-sla").select_one(".accord-signed-copy a")
    assert secret["href"] == "countersigned.pdf"
    assert (internal.site / "agreements" / "river-secret-sla" / "countersigned.pdf").read_bytes() == SECRET_PDF
    assert internal.page("agreements/river-sla").select_one(".accord-signed-copy") is None

    public = build(kb.root, env={"ACCORD_AUDIENCE": "public"})
    assert public.returncode == 0, public.log
    assert public.page("agreements/river-mou").select_one(".accord-signed-copy a") is not None
    files = public.text_files()
    assert not [path for path in files if "secret" in str(path) or "countersigned" in str(path)]
    secret_digest = hashlib.sha256(SECRET_PDF).hexdigest()
    assert [path for path, text in files.items()
            if "CONFIDENTIAL" in text or secret_digest in text or secret_digest[:8] in text
            or "countersigned" in text] == []


# accord sign ----------------------------------------------------------------------------------


def test_sign_records_the_copy_under_the_dates_changing_nothing_else(kb: KnowledgeBase) -> None:
    kb.edit(AG, "  expires: 2030-01-31\n", "  expires: 2030-01-31   # renewal is negotiated in 2029\n"
            "# Objectives agreed at the first meeting\n")
    before = (kb.docs / AG).read_bytes()
    kb.write("agreements/river-mou.pdf", PDF)
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/river-mou.pdf"))
    assert code == 0, output
    assert DIGEST in output
    after = (kb.docs / AG).read_bytes()
    added = (f"signed_copy:\n  file: river-mou.pdf\n  sha256: {DIGEST}\n").encode()
    anchor = b"  expires: 2030-01-31   # renewal is negotiated in 2029\n"
    assert after == before.replace(anchor, anchor + added)
    assert kb.validate("--strict").exit_code == 0
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/river-mou.pdf"))  # again: nothing to do
    assert code == 0 and "already records" in output
    assert (kb.docs / AG).read_bytes() == after


def test_sign_takes_the_agreement_s_file_too(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-mou/signed.pdf", PDF)
    code, output = sign(kb, str(kb.docs / AG), str(kb.docs / "agreements/river-mou/signed.pdf"))
    assert code == 0, output
    assert "  file: river-mou/signed.pdf\n" in (kb.docs / AG).read_text()


def test_sign_print_writes_nothing(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    before = (kb.docs / AG).read_bytes()
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/river-mou.pdf"), "--print")
    assert code == 0
    assert output == f"signed_copy:\n  file: river-mou.pdf\n  sha256: {DIGEST}\n"
    assert (kb.docs / AG).read_bytes() == before


def test_sign_refuses_a_file_that_is_not_the_agreement_s_own(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.write("agreements/other.pdf", PDF)
    (tmp_path / "download.pdf").write_bytes(PDF)
    before = (kb.docs / AG).read_bytes()
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/other.pdf"))
    assert code == 1 and "not a file of this agreement's own" in output and "river-mou.pdf" in output
    code, output = sign(kb, "river-mou", str(tmp_path / "download.pdf"))
    assert code == 1 and "not in the docs folder" in output
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/river-mou/none.pdf"))
    assert code == 1 and "no file" in output
    code, output = sign(kb, "river-mu", str(kb.docs / "agreements/other.pdf"))
    assert code == 1 and "did you mean `river-mou`" in output
    code, output = sign(kb, "city-water", str(kb.docs / "agreements/other.pdf"))
    assert code == 1 and "not an agreement" in output
    assert (kb.docs / AG).read_bytes() == before


def test_sign_replaces_a_recorded_copy_only_when_told_and_in_place(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    kb.edit(AG, "dates:\n", f"signed_copy:   # scanned by the legal office\n  file: river-mou.pdf  # the original\n"
                            f"  sha256: '{DIGEST}'\ndates:\n")
    kb.write("agreements/river-mou.pdf", PDF + b"scanned again\n")
    now = hashlib.sha256(PDF + b"scanned again\n").hexdigest()
    before = (kb.docs / AG).read_bytes()
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/river-mou.pdf"))
    assert code == 1 and DIGEST in output and now in output and "--replace" in output
    assert (kb.docs / AG).read_bytes() == before
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/river-mou.pdf"), "--replace")
    assert code == 0, output
    assert (kb.docs / AG).read_bytes() == before.replace(f"'{DIGEST}'".encode(), now.encode())
    assert kb.validate("--strict").exit_code == 0


@pytest.mark.parametrize(("written", "expected"), [
    ("signed_copy:\n", f"signed_copy:\n  file: river-mou.pdf\n  sha256: {DIGEST}\n"),
    ("signed_copy:   # to do\n", f"signed_copy:   # to do\n  file: river-mou.pdf\n  sha256: {DIGEST}\n"),
    ("signed_copy: ~\n", f"signed_copy: {{file: river-mou.pdf, sha256: {DIGEST}}}\n"),
    ("signed_copy: {file: river-mou.pdf}\n", f"signed_copy: {{file: river-mou.pdf, sha256: {DIGEST}}}\n"),
    ("signed_copy:\n  file: river-mou.pdf # here\n",
     f"signed_copy:\n  file: river-mou.pdf # here\n  sha256: {DIGEST}\n"),
])
def test_sign_completes_a_copy_half_written(kb: KnowledgeBase, written: str, expected: str) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    before = kb.edit(AG, "dates:\n", written + "dates:\n")
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/river-mou.pdf"))
    assert code == 0, output
    assert (kb.docs / AG).read_text() == before.replace(written, expected)


def test_sign_keeps_line_endings_and_byte_order_mark() -> None:
    text = "\ufeff" + textwrap.dedent(AGREEMENT).replace("\n", "\r\n")
    edited = edit(text.encode("utf-8"), "river-mou.pdf", DIGEST)
    assert edited is not None
    assert edited.decode("utf-8") == text.replace(
        "  expires: 2030-01-31\r\n", f"  expires: 2030-01-31\r\nsigned_copy:\r\n  file: river-mou.pdf\r\n"
                                     f"  sha256: {DIGEST}\r\n")


@pytest.mark.parametrize("written", [
    "signed_copy: [river-mou.pdf]\n",
    "signed_copy:\n  file: [river-mou.pdf]\n  sha256: x\n",
    "signed_copy: river-mou.pdf\n",
])
def test_sign_refuses_what_it_cannot_rewrite_exactly(written: str) -> None:
    text = textwrap.dedent(AGREEMENT).replace("dates:\n", written + "dates:\n")
    with pytest.raises(SignError, match="write it by hand"):
        edit(text.encode(), "river-mou.pdf", DIGEST, replace=True)


def test_sign_quotes_a_name_yaml_would_read_otherwise() -> None:
    text = textwrap.dedent(AGREEMENT)
    for name in ("yes", "2024.pdf#1", "- x.pdf", "'quoted'.pdf", "x: y.pdf"):
        edited = edit(text.encode(), name, DIGEST)
        assert edited is not None
        from accord.format.source import read_source
        assert read_source(edited, "x.md", "x.md").data["signed_copy"]["file"] == name


def test_sign_writes_the_file_whole(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    os.chmod(kb.docs / AG, 0o640)
    assert sign(kb, "river-mou", str(kb.docs / "agreements/river-mou.pdf"))[0] == 0
    assert (kb.docs / AG).stat().st_mode & 0o777 == 0o640
    assert [p.name for p in (kb.docs / "agreements").iterdir() if p.name.startswith(".")] == []
    assert "the signed copy `archive/archived-deal.pdf`" in lines[0] and "`/archive/archived-deal.*`" in lines[0]
    assert "the signed copy `secret-deal.pdf`" in lines[1] and "add `/secret-deal.*` to `exclude_docs`" in lines[1]
