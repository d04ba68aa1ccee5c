"""Signed copies (issue 23, item 1): an agreement names the file that was signed and its SHA-256
digest; `accord validate` checks that the file is the agreement's own, there and unchanged;
`accord sign` records it without touching anything else in the author's file; the page links
it with its size, digest and signing date, and a public build carries no trace of an internal
agreement's copy."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import subprocess
import sys
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


# Red team, issue 23 second pass ---------------------------------------------------------------

PLAIN_CONFIG = "site_name: Plain\nexclude_docs: |\n{lines}theme:\n  name: material\nplugins:\n  - search\n"
GUARD = "  /agreements/\n  /organizations/\n  /playbooks/\n  /retrospectives/\n"
ROOT_SECRET = INTERNAL.replace("id: river-secret-sla", "id: secret-deal")


def _guarded(kb: KnowledgeBase, *extra: str) -> None:
    """mkdocs.yml with the guard and the author's own `extra` lines, and the same without Accord (plain.yml)."""
    lines = GUARD + "".join(f"  {line}\n" for line in extra)
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Signed").replace(GUARD, lines), encoding="utf-8")
    (kb.root / "plain.yml").write_text(PLAIN_CONFIG.format(lines=lines), encoding="utf-8")


def test_the_copy_of_a_record_kept_out_by_the_author_s_own_pattern_is_checked_against_exclude_docs(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    """`/secret-deal.md` (what the guard's advice used to suggest) and `/archive/*.md` keep the
    records out, not their PDFs: `accord sign` and `accord validate` say so, with the lines that
    keep every file of the record out; with them, MkDocs without Accord publishes neither."""
    _guarded(kb, "/secret-deal.md", "/archive/*.md")
    kb.write("secret-deal.md", ROOT_SECRET)
    kb.write("secret-deal.pdf", SECRET_PDF)
    kb.write("archive/archived-deal.md", ROOT_SECRET.replace("id: secret-deal", "id: archived-deal"))
    kb.write("archive/archived-deal.pdf", SECRET_PDF)
    for copy in ("secret-deal.pdf", "archive/archived-deal.pdf"):
        code, output = sign(kb, copy.rsplit("/", 1)[-1][:-4], str(kb.docs / copy))
        assert code == 0 and "Warning:" in output and "would publish it" in output, output
        assert "the signed copy of an internal agreement" in output
        assert f"`/{copy[:-4]}.*`" in output, output
    lines = [line for line in kb.validate().lines if "unguarded-record" in line]
    assert len(lines) == 2, lines
    assert "the signed copy `archive/archived-deal.pdf`" in lines[0] and "`/archive/archived-deal.*`" in lines[0]
    assert "the signed copy `secret-deal.pdf`" in lines[1] and "add `/secret-deal.*` to `exclude_docs`" in lines[1]
    built = build(kb.root)  # Accord refused it already (named to the restricted audience only)
    assert built.returncode != 0 and "Files that an engine without Accord would publish" in built.log
    _guarded(kb, "/secret-deal.*", "/archive/archived-deal.*")
    assert "unguarded-record" not in kb.validate().output
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "plain.yml", "-d", str(tmp_path / "plain")],
                           cwd=kb.root, capture_output=True, text=True, check=False,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert plain.returncode == 0, plain.stderr
    assert [p for p in (tmp_path / "plain").rglob("*") if "deal" in p.name] == []


def test_a_record_at_the_docs_root_is_advised_a_pattern_for_all_its_files(kb: KnowledgeBase) -> None:
    _guarded(kb)
    kb.write("secret-deal.md", ROOT_SECRET)
    kb.write("secret-deal/annex.pdf", SECRET_PDF)
    [line] = [line for line in kb.validate().lines if "unguarded-record" in line]
    assert "(and the file `secret-deal/annex.pdf`)" in line and "`/secret-deal.*` and `/secret-deal/`" in line
    _guarded(kb, "/secret-deal.*", "/secret-deal/")
    assert "unguarded-record" not in kb.validate().output


def test_sign_says_nothing_of_exclude_docs_for_a_public_agreement_or_a_guarded_copy(kb: KnowledgeBase) -> None:
    _guarded(kb)
    kb.write("agreements/river-mou.pdf", PDF)
    kb.write("agreements/river-secret-sla.md", INTERNAL)
    kb.write("agreements/river-secret-sla.pdf", SECRET_PDF)
    for agreement in ("river-mou", "river-secret-sla"):
        code, output = sign(kb, agreement, str(kb.docs / f"agreements/{agreement}.pdf"))
        assert code == 0 and "Warning" not in output, output


def test_a_copy_named_with_the_id_of_a_record_its_readers_do_not_see_is_a_warning(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-secret-sla.md", INTERNAL)
    name = "river-mou.river-secret-sla.pdf"
    kb.write(f"agreements/{name}", PDF)
    text = with_copy(kb, name)
    line = kb.expect(AG, line_of(text, "file:"), "warning", "signed-copy-name-hidden")
    assert f"`{name}` holds `river-secret-sla`, the id of an internal record, but this agreement is public" in line
    assert "rename the file" in line
    assert f"accord sign river-mou {kb.docs / 'agreements/river-mou.pdf'} --replace" in line
    kb.edit("agreements/river-secret-sla.md", "confidentiality: internal", "confidentiality: public")
    assert "signed-copy-name-hidden" not in kb.validate().output  # its readers see that record too


def test_an_id_only_inside_a_visible_one_or_a_longer_word_is_not_a_hidden_name(kb: KnowledgeBase) -> None:
    kb.write("agreements/river.md", INTERNAL.replace("id: river-secret-sla", "id: river"))
    kb.write("agreements/river-mou/riverside.pdf", PDF)
    with_copy(kb, "river-mou/riverside.pdf")
    assert "signed-copy-name-hidden" not in kb.validate().output


@pytest.mark.parametrize("name", ["river-mou/index.html", "river-mou.html", "river-mou/annex.HTM"])
def test_a_copy_named_as_a_web_page_is_refused(kb: KnowledgeBase, name: str) -> None:
    kb.write(f"agreements/{name}", PDF)
    text = with_copy(kb, name.split("/", 1)[-1] if name.startswith("river-mou.") else name)
    line = kb.expect(AG, line_of(text, "file:"), "error", "signed-copy-path")
    assert "web page" in line and "would not be published" in line
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements" / name), "--replace")
    assert code == 1 and "web page" in output


def test_sign_refuses_a_read_only_agreement(kb: KnowledgeBase) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    path = kb.docs / AG
    before = path.read_bytes()
    os.chmod(path, 0o444)
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/river-mou.pdf"))
    assert code == 1 and "is read-only" in output and str(path) in output and "chmod u+w" in output, output
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.parametrize(("error", "advice"), [(errno.EPERM, "chattr -i"), (errno.EACCES, "chmod u+w")])
def test_sign_says_which_file_it_cannot_write_and_what_to_do(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch,
                                                              error: int, advice: str) -> None:
    kb.write("agreements/river-mou.pdf", PDF)
    path = kb.docs / AG
    before = path.read_bytes()

    def refused(*args: object) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, "replace", refused)
    code, output = sign(kb, "river-mou", str(kb.docs / "agreements/river-mou.pdf"))
    assert code == 1 and f"cannot write {path} ({os.strerror(error)})" in output and advice in output, output
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".accord-sign")] == []


def test_sign_keeps_a_line_of_dates_commented_out_in_dates() -> None:
    text = textwrap.dedent(AGREEMENT).replace("  expires: 2030-01-31\n",
                                              "  expires: 2030-01-31\n  # review: 2027-01-01\n# the objectives\n")
    edited = edit(text.encode(), "river-mou.pdf", DIGEST)
    assert edited is not None
    added = f"signed_copy:\n  file: river-mou.pdf\n  sha256: {DIGEST}\n"
    assert edited.decode() == text.replace("  # review: 2027-01-01\n", "  # review: 2027-01-01\n" + added)


def test_sign_says_what_is_wrong_with_a_copy_elsewhere_in_the_author_s_terms(kb: KnowledgeBase) -> None:
    kb.write("assets/river-mou.pdf", PDF)
    code, output = sign(kb, "river-mou", str(kb.docs / "assets/river-mou.pdf"))
    assert code == 1 and "not a file of this agreement's own" in output, output
    assert ".." not in output.replace(str(kb.root), "") and str(kb.docs / "agreements/river-mou.pdf") in output


def test_the_digests_are_kept_between_commands_while_the_copy_is_unchanged(kb: KnowledgeBase,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command checks the copies: a scan of many megabytes is hashed once, not each time."""
    from accord.format import signed

    copy = kb.write("agreements/river-mou.pdf", PDF)
    os.utime(copy, ns=(1_700_000_000_000_000_000,) * 2)  # (older than a file system's tick)
    with_copy(kb, "river-mou.pdf")
    assert kb.validate("--strict").exit_code == 0
    cache = kb.root / ".accord" / "signed-copies.json"
    assert DIGEST in cache.read_text()
    signed._DIGESTS.clear()  # (a new command)

    def not_again(*args: object) -> None:
        raise AssertionError("hashed again")

    monkeypatch.setattr(signed.hashlib, "sha256", not_again)
    assert kb.validate("--strict").exit_code == 0
    monkeypatch.undo()
    copy.write_bytes(PDF + b"changed\n")
    os.utime(copy, ns=(1_700_000_000_000_000_000,) * 2)  # the same time of change: its size and ctime tell
    assert "signed-copy-changed" in kb.validate().output
    assert hashlib.sha256(PDF + b"changed\n").hexdigest() in cache.read_text()
