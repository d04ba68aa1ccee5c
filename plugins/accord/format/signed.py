"""Signed copies: the file an agreement names as the document that was signed, and the
SHA-256 digest that tells that copy from any other (FORMAT.md, `signed_copy`).

The file is written as a link from the agreement's Markdown file, and must be one of the
agreement's own files as `accord.site.guard.Attachments` reads them (in its own folder,
`agreements/ID/…`, or named after it, `agreements/ID.pdf`): so it is published with the
agreement, and kept out with it wherever the agreement is kept out. Anything else is
refused, whatever the file system would make of it: an absolute path, a drive or an
address, `..`, a name starting with a dot (which MkDocs does not publish), a link
(symlink), a page, a file that another record owns, a name spelt in another case than the
file's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.format.diagnostics import Diagnostic
from accord.format.models import Agreement, AgreementStatus, Confidentiality
from accord.format.paths import MARKDOWN_ENDINGS, owner, owner_keys
from accord.format.records import Record
from accord.format.rules import EVERYTHING, Naming
from accord.format.source import SourceFile, declared_confidentiality, declared_id
from accord.memo import Memo

# The statuses of an agreement in force: the ones whose signed copy is expected, once a
# knowledge base keeps signed copies.
IN_FORCE = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)
# The endings of the files MkDocs writes for pages (`ID/index.html`, `ID.html`): a copy so named
# could be one of them, or be overwritten by one.
PAGE_ENDINGS = (".html", ".htm")


class Refused(ValueError):
    """Why a signed copy's `file` cannot be the agreement's: the message says what to do."""


def own_folder(record_rel_path: str) -> str:
    """The docs-relative folder of the agreement's own files (`agreements/ID`)."""
    return owner(record_rel_path)


def resolve(record_rel_path: str, written: str) -> str:
    """The docs-relative path of the file `written` names, read as a link from the record's
    file at `record_rel_path`; Refused unless it is plainly one of the record's own files."""
    if written != written.strip():
        raise Refused("starts or ends with a space; write the file's name alone")
    if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in written):
        raise Refused("holds a control character; rename the file")
    if "\\" in written:
        raise Refused("holds a backslash; write folders with `/`, as a link")
    if ":" in written:
        raise Refused("holds a colon, so it reads as an address or a drive (`https:`, `C:`), not a file beside "
                      "the agreement; rename the file")
    if "%" in written:
        raise Refused("holds a `%`, which a web server reads as the start of an escape; rename the file")
    if written.startswith(("/", "~")):
        raise Refused("is an absolute path; write it as a link from the agreement's file, e.g. "
                      f"`{_example(record_rel_path)}`")
    parts = written.split("/")
    while parts and parts[0] == ".":
        parts = parts[1:]  # `./ID.pdf`: the same file as `ID.pdf`
    if not parts or "" in parts:
        raise Refused("is not a file's name (an empty folder name, or a `/` at the end)")
    if ".." in parts or "." in parts:
        raise Refused("goes through `..` or `.`; write the path down from the agreement's folder, e.g. "
                      f"`{_example(record_rel_path)}`")
    if any(part.startswith(".") for part in parts):
        raise Refused("has a name starting with a dot, which the site does not publish; rename it")
    if parts[-1].lower().endswith(MARKDOWN_ENDINGS):
        raise Refused("is a Markdown page, not a signed document; name the PDF (or scan) that was signed")
    if parts[-1].lower().endswith(PAGE_ENDINGS):
        raise Refused("is named as a web page (`.html`, `.htm`): the site writes its own pages at such addresses "
                      "(`ID/index.html`), so the file would not be published "
                      "while the page gives its digest; name the signed document as what it is, e.g. "
                      f"`{_example(record_rel_path)}`")
    rel_path = posixpath.join(posixpath.dirname(record_rel_path), *parts)
    if owner(record_rel_path) not in owner_keys(rel_path):
        raise Refused(f"is not a file of this agreement's own, so it would not be published and kept out with it: "
                      f"put it in the agreement's own folder or name it after the agreement, e.g. "
                      f"`{_example(record_rel_path)}`")
    return rel_path


def _example(record_rel_path: str) -> str:
    """The link a copy named after the agreement would have (`ID.pdf`, or `signed.pdf` in a folder of its own)."""
    folder = own_folder(record_rel_path)
    if folder == posixpath.splitext(record_rel_path)[0]:
        return posixpath.basename(folder) + ".pdf"  # `agreements/ID.md` → `ID.pdf`
    return "signed.pdf"  # `agreements/ID/index.md`: its whole folder is its own


def locate(docs_dir: Path, rel_path: str) -> Path:
    """The file at the docs-relative `rel_path`, if it is a plain file reached through no link
    (symlink) and named exactly so (in this case); Refused or FileNotFoundError otherwise."""
    here = Path(docs_dir)
    parts = rel_path.split("/")
    for number, part in enumerate(parts):
        try:
            names = _names(here)
        except OSError:
            raise FileNotFoundError(rel_path) from None
        if part not in names:
            folded = [name for name in names if name.casefold() == part.casefold()]
            if folded:
                raise Refused(f"is spelt `{part}` where the file system has `{folded[0]}`: a web server tells the "
                              "two apart; write it as the file is named")
            raise FileNotFoundError(rel_path)
        here = here / part
        info = os.lstat(here)
        if stat.S_ISLNK(info.st_mode):
            raise Refused(f"goes through a link (symlink), `{'/'.join(parts[:number + 1])}`, which the site does "
                          "not follow; put the file itself there")
        last = number == len(parts) - 1
        if not last and not stat.S_ISDIR(info.st_mode):
            raise FileNotFoundError(rel_path)
        if last and not stat.S_ISREG(info.st_mode):
            raise Refused("is not a plain file (a folder, a FIFO or a device)")
    return here


# Cleared once it passes 10,000 folders (so at most 10,001 are kept, as before).
_LISTINGS: Memo[str, tuple[int, frozenset[str]]] = Memo(10_001)


def _names(folder: Path) -> frozenset[str]:
    """The names in `folder`, as written (kept while the folder is unchanged: an agreements
    folder of thousands of files is listed once a build, not once an agreement). A folder
    changed in the last two seconds is listed afresh: a file system dates changes coarsely,
    so a second change within its tick would leave the date as it was."""
    key = os.path.abspath(folder)
    changed = os.stat(folder).st_mtime_ns
    kept = _LISTINGS.get(key)
    if kept is not None and kept[0] == changed:
        return kept[1]
    names = frozenset(os.listdir(folder))
    if time.time_ns() - changed > 2_000_000_000:
        _LISTINGS.put(key, (changed, names))
    return names


# Cleared once it passes 10,000 files (so at most 10,001 are kept, as before).
_DIGESTS: Memo[str, tuple[tuple[int, ...], str]] = Memo(10_001)
_USED: set[str] = set()  # the files hashed or looked up since the check began (_kept_digests)


def sha256(path: Path) -> str:
    """The file's SHA-256 digest, in lowercase hexadecimal (kept while the file is unchanged:
    `mkdocs serve` checks the copies at each rebuild)."""
    info = os.stat(path)
    stamp = (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)
    key = os.path.abspath(path)
    _USED.add(key)
    kept = _DIGESTS.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    if time.time_ns() - info.st_mtime_ns > 2_000_000_000:  # (dated past a coarse tick: see _names)
        _DIGESTS.put(key, (stamp, digest.hexdigest()))
    return digest.hexdigest()


# The digests of the signed copies, kept between commands in the knowledge base's cache folder
# (`.accord/` beside mkdocs.yml, as the search index: accord.commands.project.Project.cache_dir),
# each with the stamp of the file it was taken from: every command loads the knowledge base and
# checks the copies, and hashing scans of many megabytes each time would cost every command more
# than all the rest (about 2 ms a megabyte). A file whose time of change, size, inode or time of
# status change differs is hashed again; a cache that cannot be read or written is not used.
DIGEST_CACHE = "signed-copies.json"
_CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


def cache_file(docs_dir: Path) -> Path:
    """Where the digests are kept: `.accord/signed-copies.json` in the knowledge base's folder
    (the nearest mkdocs.yml's, else the docs folder's parent)."""
    docs = Path(os.path.abspath(docs_dir))
    root = next((folder for folder in docs.parents if any((folder / name).is_file() for name in _CONFIG_NAMES)),
                docs.parent)
    return root / ".accord" / DIGEST_CACHE


@contextlib.contextmanager
def _kept_digests(docs_dir: Path, wanted: bool) -> Iterator[None]:
    """The digests kept on disk, read into `_DIGESTS` before the copies are checked, and those
    taken while they were written back after (only those: a copy no longer named is dropped)."""
    if not wanted:
        yield
        return
    path = cache_file(docs_dir)
    kept: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        kept = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(kept, dict):
        for key, entry in kept.items():
            if (isinstance(entry, list) and len(entry) == 5 and all(isinstance(n, int) for n in entry[:4])
                    and isinstance(entry[4], str) and key not in _DIGESTS):
                _DIGESTS.put(key, (tuple(entry[:4]), entry[4]))
    _USED.clear()
    yield
    now = {key: [*_DIGESTS[key][0], _DIGESTS[key][1]] for key in sorted(_USED) if key in _DIGESTS}
    if now == kept:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{DIGEST_CACHE}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(now, out)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


@dataclass(frozen=True)
class Copy:
    """A signed copy found where its agreement says, with the digest it has now."""

    rel_path: str  # docs-relative
    path: Path
    sha256: str


def find(record: Record, docs_dir: Path, others: Iterable[str] = ()) -> Copy:
    """The agreement's signed copy (it must name one); Refused or FileNotFoundError if it
    cannot be. `others`: the docs-relative paths of the other record files, none of which may
    own the file (an amendment filed in the agreement's folder owns `ID/amendment-1.pdf`)."""
    copy = record.agreement.signed_copy
    assert copy is not None
    return own_copy(record.rel_path, copy.file, docs_dir, others)


def own_copy(record_rel_path: str, written: str, docs_dir: Path, others: Iterable[str] = ()) -> Copy:
    """The file `written` names from the record at `record_rel_path`, if it is the record's own (see `find`)."""
    rel_path = resolve(record_rel_path, written)
    mine = owner(record_rel_path)
    owners = {owner(other) for other in others if other != record_rel_path}
    for key in owner_keys(rel_path):
        if key == mine:
            break
        if key in owners:
            raise Refused("is a file of another record filed in this agreement's folder (it goes out and stays out "
                          "with that record); name this agreement's own copy, or move the file")
    path = locate(docs_dir, rel_path)
    return Copy(rel_path, path, sha256(path))


def check(records: list[Record], docs_dir: Path, others: Iterable[SourceFile] = (),
          naming: Naming = EVERYTHING) -> list[Diagnostic]:
    """Each agreement's signed copy: there, its own, and the copy recorded (errors); and, in a
    knowledge base that keeps signed copies, each agreement in force without one (a warning).
    `others`: the records with errors (their files own theirs too); `naming`: the records a
    load's audience may see, the only ones that tell whether the knowledge base keeps copies."""
    agreements = [record for record in records if isinstance(record.model, Agreement)]
    paths = [record.rel_path for record in records] + [source.rel_path for source in others]
    found: list[Diagnostic] = []
    with _kept_digests(docs_dir, any(record.agreement.signed_copy is not None for record in agreements)):
        for record in agreements:
            if record.agreement.signed_copy is not None:
                found += _problems(record, docs_dir, paths)
    if naming.ids is None:  # (`accord validate`: said to an audience, it would tell what it may not see)
        found += _names_hidden(agreements, records, others)
    keeps_copies = any(record.agreement.signed_copy is not None for record in agreements
                       if naming.may_show(record.source.path))
    if keeps_copies:
        found += _without_copy(agreements)
    return found


def _problems(record: Record, docs_dir: Path, paths: list[str]) -> Iterator[Diagnostic]:
    copy = record.agreement.signed_copy
    assert copy is not None
    written = copy.file
    try:
        found = find(record, docs_dir, paths)
    except Refused as refused:
        yield record.diagnostic("signed-copy-path", f"`signed_copy.file` `{written}` {refused}",
                                ("signed_copy", "file"))
        return
    except FileNotFoundError:
        where = posixpath.join(posixpath.dirname(record.source.path), written)
        yield record.diagnostic("signed-copy-not-found", f"`signed_copy.file` names `{written}`, but there is no "
                                f"file {where}; add the signed copy there, or correct the name",
                                ("signed_copy", "file"))
        return
    except OSError as exc:
        yield record.diagnostic("signed-copy-not-found", f"`signed_copy.file` `{written}` cannot be read "
                                f"({exc.strerror}); give it read permission", ("signed_copy", "file"))
        return
    recorded = copy.sha256.lower()
    if found.sha256 != recorded:
        where = posixpath.join(posixpath.dirname(record.source.path), written)
        yield record.diagnostic(
            "signed-copy-changed",
            f"{where} is not the signed copy recorded: its SHA-256 is {found.sha256}, but `signed_copy.sha256` "
            f"says {recorded}; put back the copy that was signed, or, if this file is it (scanned again), "
            f"record its digest: `accord sign {record.id} {where} --replace`",
            ("signed_copy", "sha256"))


def _names_hidden(agreements: list[Record], records: list[Record],
                  others: Iterable[SourceFile]) -> Iterator[Diagnostic]:
    """A warning for each signed copy whose file name (or folder) holds the id of a record more
    confidential than its agreement: its readers see the name on the page and in the address."""
    levels: dict[str, int] = {}
    for record in records:
        levels[record.id] = max(levels.get(record.id, 0), record.confidentiality.rank)
    for source in others:
        declared = declared_id(source)
        if declared:
            rank = Confidentiality(declared_confidentiality(source)).rank
            levels[declared] = max(levels.get(declared, 0), rank)
    ordered = sorted(levels.items())
    for record in agreements:
        copy = record.agreement.signed_copy
        if copy is None:
            continue
        rank = record.confidentiality.rank
        name = copy.file.lower()
        within = [(other, level) for other, level in ordered if other in name]  # (few: most names hold one id)
        seen_ids = [other for other, level in within if level <= rank]
        for other, level in within:
            if level <= rank or not _named(name, other, seen_ids):
                continue
            hidden = Confidentiality(next(c.value for c in Confidentiality if c.rank == level))
            example = _example(record.rel_path)
            article = "an" if hidden.value[0] in "aeiou" else "a"
            yield record.diagnostic(
                "signed-copy-name-hidden",
                f"the signed copy's name `{copy.file}` holds `{other}`, the id of {article} {hidden.value} record, "
                f"but this agreement is {record.confidentiality.value}: its readers see the name on the page and in "
                f"the file's address; rename the file (e.g. to `{example}`) and record it: `accord sign {record.id} "
                f"{posixpath.join(posixpath.dirname(record.source.path), example)} --replace`",
                ("signed_copy", "file"))
            break


def _named(name: str, other: str, seen_ids: list[str]) -> bool:
    """Whether `other` is written in `name` as itself: not inside a longer word, nor only as part
    of an id the agreement's readers see anyway (`river` in the agreement's own `river-mou.pdf`)."""
    covered = [(match.start(), match.end()) for seen in seen_ids for match in re.finditer(re.escape(seen), name)]
    for match in re.finditer(re.escape(other), name):
        start, end = match.span()
        if (start and name[start - 1].isalnum()) or (end < len(name) and name[end].isalnum()):
            continue
        if any(a <= start and end <= b for a, b in covered):
            continue
        return True
    return False


def _without_copy(agreements: list[Record]) -> Iterator[Diagnostic]:
    for record in agreements:
        agreement = record.agreement
        if agreement.signed_copy is None and agreement.status in IN_FORCE:
            yield record.diagnostic(
                "no-signed-copy",
                f"status is `{agreement.status.value}`, but the agreement names no signed copy (other agreements "
                f"of this knowledge base do): put it beside the agreement, e.g. {_suggested(record)}, and run "
                f"`accord sign {record.id} FILE`",
                ("status",))


def _suggested(record: Record) -> str:
    return posixpath.join(posixpath.dirname(record.source.path), _example(record.rel_path))
