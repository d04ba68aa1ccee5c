"""`accord sign`: record an agreement's signed copy, the file and its SHA-256 digest, in the
agreement's front matter.

The author's file is changed only where the field goes: the `signed_copy` lines are added
after `dates` (or at the end of the front matter), or the values of an existing
`signed_copy` replaced in place; every other byte, comments and layout included, stays as
it was. The result is read back before it is written: unless the front matter holds
exactly what it held, with the signed copy set, nothing is written. What cannot be edited
so (a front matter written as one flow mapping, `signed_copy` as a list) is refused, with
the lines to write by hand.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import posixpath
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from accord.commands.project import locate
from accord.format import signed
from accord.format.loading import load
from accord.format.models import Agreement, Confidentiality
from accord.format.paths import display_path, owner_keys
from accord.format.records import Record
from accord.format.schema import check_record
from accord.format.source import HANDLER, SourceFile, construct
from accord.format.suggest import did_you_mean
from accord.site import guard


class SignError(Exception):
    """Why the signed copy was not recorded, and what to do."""


@dataclass(frozen=True)
class Recorded:
    agreement: Path  # the agreement's file
    file: str  # `signed_copy.file`, as written
    sha256: str
    changed: bool  # False: the front matter already said so
    lines: str  # the field as YAML, to paste
    warnings: tuple[str, ...] = ()  # said on the standard error as well (`warn`)


def sign(docs_dir: Path, agreement: str, copy: Path, *, replace: bool = False, write: bool = True,
         warn: Callable[[str], None] | None = None) -> Recorded:
    """Record `copy` as the signed copy of `agreement` (an id, or the path of its file). `warn`
    is told what the author should know (default: printed on the standard error)."""
    result = load(docs_dir)
    record = _agreement(result, agreement, docs_dir)
    rel_copy = _docs_relative(copy, docs_dir)
    if rel_copy is None:
        raise SignError(f"{display_path(copy)} is not in the docs folder ({display_path(docs_dir)}): put the signed "
                        f"copy beside the agreement, e.g. {_beside(record)}, then run this again")
    if signed.own_folder(record.rel_path) not in owner_keys(rel_copy):
        # (said here in the author's terms: the path from the agreement's file would go through `..`)
        raise SignError(f"{display_path(copy)} cannot be the signed copy of `{record.id}`: it is not a file of "
                        f"this agreement's own, so it would not be published and kept out with it; put it in the "
                        f"agreement's own folder or name it after the agreement, e.g. {_beside(record)}, then run "
                        "this again")
    written = posixpath.relpath(rel_copy, posixpath.dirname(record.rel_path) or ".")
    others = [r.rel_path for r in result.records] + [s.rel_path for s in result.failed]
    try:
        found = signed.own_copy(record.rel_path, written, docs_dir, others)
    except signed.Refused as refused:
        raise SignError(f"{display_path(copy)} cannot be the signed copy of `{record.id}`: `{written}` {refused}") \
            from None
    except FileNotFoundError:
        raise SignError(f"there is no file {display_path(copy)}") from None
    path = docs_dir / record.rel_path
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SignError(f"cannot read {display_path(path)} ({exc.strerror}); give it read permission") from None
    edited = edit(raw, written, found.sha256, replace=replace, name=display_path(path), record_id=record.id)
    if edited is not None and write:
        _write(path, raw, edited)
    warnings = _published_elsewhere(record, found.rel_path, docs_dir, copy)
    for warning in warnings:
        (warn or _warn)(warning)
    return Recorded(path, written, found.sha256, edited is not None, _block(written, found.sha256, "\n", 0),
                    tuple(warnings))


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _published_elsewhere(record: Record, rel_copy: str, docs_dir: Path, copy: Path) -> list[str]:
    """What to say if the copy of an agreement that is not public is outside mkdocs.yml's
    `exclude_docs`: an engine that does not run Accord (Zensical, MkDocs without the accord
    plugins) would publish it (accord.site.guard)."""
    if record.confidentiality is Confidentiality.PUBLIC:
        return []
    project = locate(Path(docs_dir).resolve())
    if project.config_file is None or project.docs_dir.resolve() != Path(docs_dir).resolve():
        return []
    lines = (project.exclude_docs or "").splitlines()
    if guard.spec(lines).match_file(rel_copy):
        return []
    config = display_path(project.config_file)
    level = record.confidentiality.value
    return [f"{display_path(copy)} is the signed copy of {'an' if level[0] in 'aeiou' else 'a'} {level} agreement, "
            "and an engine that does not run Accord (Zensical, or MkDocs without the accord plugins) would publish "
            f"it: `exclude_docs` in {config} does not cover `{rel_copy}`; add "
            f"{guard.patterns_for(record, [rel_copy])} to it, or move the agreement and its files under "
            "`agreements/` (`accord validate` says the same)"]


def _agreement(result: Any, wanted: str, docs_dir: Path) -> Record:
    """The agreement named by id, or by the path of its file."""
    as_path = Path(wanted)
    if as_path.suffix and as_path.is_file():
        rel = _docs_relative(as_path, docs_dir)
        for record in result.records:
            if record.rel_path == rel:
                if record.type != "agreement":
                    raise SignError(f"{wanted} is {record.type}, not an agreement")
                return record
        for source in result.failed:
            if source.rel_path == rel:
                return _but_for_its_copy(source, wanted)
        raise SignError(f"{wanted} is not a record of the docs folder ({display_path(docs_dir)})")
    matches = [record for record in result.records if record.id == wanted]
    if len(matches) > 1:
        raise SignError(f"`{wanted}` is the id of {len(matches)} records: fix that first (`accord validate`), or name "
                        "the agreement's file")
    if not matches:
        if len(result.broken.get(wanted, ())) == 1:
            return _but_for_its_copy(result.broken[wanted][0], f"`{wanted}`")
        ids = [record.id for record in result.records if record.type == "agreement"]
        raise SignError(f"no agreement has the id `{wanted}`{did_you_mean(wanted, ids)}")
    if matches[0].type != "agreement":
        raise SignError(f"`{wanted}` is {matches[0].type}, not an agreement")
    return matches[0]


def _but_for_its_copy(source: SourceFile, named: str) -> Record:
    """An agreement whose only errors are in its `signed_copy` (half written: `{file: x.pdf}`),
    to complete it; SignError if it has others."""
    data = source.data
    if isinstance(data, dict) and not source.diagnostics and "signed_copy" in data:
        without = replace(source, data={key: value for key, value in data.items() if key != "signed_copy"})
        model, _ = check_record(without)
        if model is not None and isinstance(model, Agreement):
            return Record(model, source)
    raise SignError(f"{named} has errors: fix them first (`accord validate` shows them)")


def _docs_relative(path: Path, docs_dir: Path) -> str | None:
    """`path` inside the docs folder, docs-relative with `/`; None if outside. Links are not
    followed here: the copy must be the file itself (accord.format.signed refuses a link)."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(docs_dir))
    if relative == os.curdir or relative.startswith(os.pardir) or os.path.isabs(relative):
        return None
    return relative.replace(os.sep, "/")


def _beside(record: Record) -> str:
    return posixpath.join(posixpath.dirname(record.source.path), signed._example(record.rel_path))


def _scalar(text: str) -> str:
    """`text` as a YAML scalar that reads back as this text: plain if it can be, else in double quotes."""
    try:
        plain = text == text.strip() and yaml.safe_load(f"key: {text}") == {"key": text} and "#" not in text
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _block(file: str, sha256: str, newline: str, column: int) -> str:
    pad, inner = " " * column, " " * (column + 2)
    return (f"{pad}signed_copy:{newline}{inner}file: {_scalar(file)}{newline}"
            f"{inner}sha256: {_scalar(sha256)}{newline}")


def _hand_written(file: str, sha256: str) -> str:
    return f"write it by hand as:\n{_block(file, sha256, chr(10), 0)}"


def edit(raw: bytes, file: str, sha256: str, *, replace: bool = False, name: str = "the file",
         record_id: str = "ID") -> bytes | None:
    """The agreement's file with `signed_copy` set to `file` and `sha256`, every other byte as it
    was; None if it already says so. SignError where it cannot be done exactly (or, without
    `replace`, where another copy or digest is recorded)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SignError(f"{name} is not UTF-8: save it as UTF-8 first") from None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom):]
    boundaries = list(HANDLER.FM_BOUNDARY.finditer(text))
    if len(boundaries) < 2 or boundaries[0].start() != 0:
        raise SignError(f"{name} has no front matter between `---` lines at its top")
    start, end = boundaries[0].end(), boundaries[1].start()
    fm = text[start:end]
    newline = "\r\n" if "\r\n" in fm else "\n"
    try:
        root = yaml.compose(fm, Loader=yaml.SafeLoader)  # (pure Python: its marks count characters)
    except yaml.YAMLError:
        raise SignError(f"{name}: its front matter cannot be read; fix it first (`accord validate`)") from None
    if not isinstance(root, MappingNode) or root.flow_style:
        raise SignError(f"{name}: its front matter is not written as `key: value` lines; {_hand_written(file, sha256)}")
    before, _ = construct(fm, 0, name)
    entry = next(((key, value) for key, value in root.value
                  if isinstance(key, ScalarNode) and key.value == "signed_copy"), None)
    if entry is None:
        edits = [_insertion(fm, root, file, sha256, newline)]
    else:
        edits = _replacements(fm, entry[0], entry[1], file, sha256, newline, replace, name, record_id)
        if not edits:
            return None
    for position, length, new in sorted(edits, key=lambda e: e[0], reverse=True):
        fm = fm[:position] + new + fm[position + length:]
    after, problems = construct(fm, 0, name)
    expected = dict(before) if isinstance(before, dict) else {}
    kept = expected.get("signed_copy")
    expected["signed_copy"] = {**(kept if isinstance(kept, dict) else {}), "file": file, "sha256": sha256}
    order = [key for key in expected if key != "signed_copy"]
    if problems or not isinstance(after, dict) or after != expected or [
            key for key in after if key != "signed_copy"] != order:
        raise SignError(f"{name}: the field could not be written without changing something else; "
                        f"{_hand_written(file, sha256)}")
    return (bom + text[:start] + fm + text[end:]).encode("utf-8")


def _insertion(fm: str, root: MappingNode, file: str, sha256: str, newline: str) -> tuple[int, int, str]:
    """The new field's lines: after `dates` (written as a block), else at the end of the front matter."""
    column = root.value[0][0].start_mark.column if root.value else 0
    dates = next((value for key, value in root.value if isinstance(key, ScalarNode) and key.value == "dates"), None)
    block = _block(file, sha256, newline, column)
    if isinstance(dates, MappingNode) and not dates.flow_style and dates.value:
        at = _past_comments(fm, _line_end(fm, _last_index(dates)), column)
        return at, 0, block
    if fm and not fm.endswith("\n"):
        return len(fm), 0, newline + block
    return len(fm), 0, block


def _past_comments(fm: str, at: int, column: int) -> int:
    """After the comment lines that follow `at` indented under the field that ends there (a line
    of `dates` commented out stays in `dates`, not inside the new block); a blank line or a
    comment at the fields' own column ends them."""
    while at < len(fm):
        end = fm.find("\n", at)
        line = fm[at:] if end < 0 else fm[at:end]
        stripped = line.lstrip(" ")
        if not stripped.startswith("#") or len(line) - len(stripped) <= column:
            break
        at = len(fm) if end < 0 else end + 1
    return at


def _last_index(node: Node) -> int:
    """Where the last character written for `node` ends (a block mapping's own end mark lies
    on the next key, past any comment between)."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        return node.end_mark.index
    children = [child for pair in node.value for child in (pair if isinstance(pair, tuple) else (pair,))]
    return max((_last_index(child) for child in children), default=node.end_mark.index)


def _line_end(fm: str, index: int) -> int:
    """The start of the line after the one holding `index` (its comment, if any, stays on it)."""
    newline = fm.find("\n", max(index - 1, 0))
    return len(fm) if newline < 0 else newline + 1


def _replacements(fm: str, key: ScalarNode, value: Node, file: str, sha256: str, newline: str, replace: bool,
                  name: str, record_id: str) -> list[tuple[int, int, str]]:
    """The edits that set an existing `signed_copy`; [] if it already says so."""
    if isinstance(value, ScalarNode) and value.tag == "tag:yaml.org,2002:null":
        if value.value == "":  # `signed_copy:` with nothing after it (a comment may follow)
            return [(_line_end(fm, key.end_mark.index), 0, "".join(
                f"{' ' * (key.start_mark.column + 2)}{line}{newline}"
                for line in (f"file: {_scalar(file)}", f"sha256: {_scalar(sha256)}")))]
        return [(value.start_mark.index, value.end_mark.index - value.start_mark.index,
                 f"{{file: {_scalar(file)}, sha256: {_scalar(sha256)}}}")]
    if not isinstance(value, MappingNode):
        raise SignError(f"{name}: `signed_copy` is not a mapping; {_hand_written(file, sha256)}")
    fields: dict[str, ScalarNode] = {}
    for item_key, item_value in value.value:
        if isinstance(item_key, ScalarNode) and item_key.value in ("file", "sha256"):
            if not isinstance(item_value, ScalarNode) or item_key.value in fields:
                raise SignError(f"{name}: `signed_copy.{item_key.value}` is written in a form this command does not "
                                f"rewrite; {_hand_written(file, sha256)}")
            fields[item_key.value] = item_value
    now = {field: node.value for field, node in fields.items()}
    if now.get("file") == file and now.get("sha256", "").lower() == sha256:
        return []
    differs = ("file" in now and now["file"] != file) or ("sha256" in now and now["sha256"].lower() != sha256)
    if differs and not replace:
        said = ", ".join(f"`{field}: {now[field]}`" for field in ("file", "sha256") if field in now)
        raise SignError(f"{name} already records a signed copy ({said}), and the file named has SHA-256 {sha256}; "
                        f"if this file is the copy that was signed, run again with --replace "
                        f"(`accord sign {record_id} … --replace`)")
    edits: list[tuple[int, int, str]] = []
    new = {"file": _scalar(file), "sha256": _scalar(sha256)}
    for field, node in fields.items():
        edits.append((node.start_mark.index, node.end_mark.index - node.start_mark.index, new[field]))
    missing = [field for field in ("file", "sha256") if field not in fields]
    if missing and value.flow_style:
        closing = value.end_mark.index - 1  # the `}`
        if fm[closing] != "}":
            raise SignError(f"{name}: `signed_copy` cannot be completed in place; {_hand_written(file, sha256)}")
        separator = ", " if value.value else ""
        edits.append((closing, 0, separator + ", ".join(f"{field}: {new[field]}" for field in missing)))
    elif missing:
        column = value.value[0][0].start_mark.column
        edits.append((_line_end(fm, _last_index(value)), 0,
                      "".join(f"{' ' * column}{field}: {new[field]}{newline}" for field in missing)))
    return edits


def _write(path: Path, raw: bytes, edited: bytes) -> None:
    """Replace the file whole (a reader never sees half of it), unless it changed since it was
    read; refused if the file is read-only (replacing it would go round its permissions)."""
    shown = display_path(path)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise SignError(_cannot_write(shown, path, exc)) from None
    if not mode & 0o222:
        raise SignError(f"{shown} is read-only: it was not changed. Make it writable (`chmod u+w {shown}`) and run "
                        "this again, or print the lines to paste with --print")
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".accord-sign", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(edited)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, mode & 0o7777)
        if path.read_bytes() != raw:
            raise SignError(f"{shown} changed while the signed copy was recorded; run this again")
        os.replace(temporary, path)
    except OSError as exc:
        raise SignError(_cannot_write(shown, path, exc)) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError, OSError):
                os.unlink(temporary)


def _cannot_write(shown: str, path: Path, exc: OSError) -> str:
    """Why `path` could not be written, naming it, and what to do."""
    folder = display_path(path.parent)
    if exc.errno == errno.EPERM:
        how = (f"the file or its folder ({folder}) is locked against changes (immutable or append-only: "
               f"`lsattr {shown}`); unlock it (`chattr -i {shown}`, as its owner or root), or print the lines to "
               "paste with --print")
    elif exc.errno in (errno.EACCES, errno.EROFS):
        how = (f"the file is replaced whole, so its folder ({folder}) must be writable by you"
               f"{' and not on a read-only disk' if exc.errno == errno.EROFS else ''}; give yourself write "
               f"permission there (`chmod u+w {folder}`), or print the lines to paste with --print")
    else:
        how = "free the disk or fix the folder, then run this again, or print the lines to paste with --print"
    return f"cannot write {shown} ({exc.strerror or exc}): it was not changed; {how}"
