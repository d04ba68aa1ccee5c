"""The files of a docs folder, walked as MkDocs walks it (linked folders followed), with
every file that no engine can safely read reported instead of read:

- a link (symlink) that leaves the docs folder (MkDocs would publish `/etc/os-release`), leads
  nowhere, or leads to another file of the docs folder (published again under a new name);
- a linked folder that leads back into a folder already walked (MkDocs would walk for ever);
- anything that is not a regular file or folder (a FIFO would block the read);
- a name that is not UTF-8 (it cannot be written into a URL, an index or a report);
- a folder that cannot be read, and a Markdown file too large to be a page.

MkDocs walks dot folders too (and leaves their files out later), so loops are looked for
there as well; the other checks apply only to what would be published.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from accord.format.diagnostics import Diagnostic
from accord.format.paths import MARKDOWN_ENDINGS, display_path

MAX_FILE = 16 * 1024 * 1024  # a Markdown page larger than this is refused, never read whole


@dataclass
class Walk:
    markdown: list[Path] = field(default_factory=list)  # the Markdown files safe to read
    problems: list[Diagnostic] = field(default_factory=list)


def walk(docs_dir: Path) -> Walk:
    docs_dir = Path(docs_dir)
    result = Walk()
    try:
        root = os.path.realpath(docs_dir)
        root_stat = os.stat(root)
    except OSError as exc:
        result.problems.append(_problem(docs_dir, "unreadable", f"cannot read the docs folder: {exc.strerror}"))
        return result
    seen = {(root_stat.st_dev, root_stat.st_ino): docs_dir}

    def visit(folder: Path, hidden: bool) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            result.problems.append(_problem(folder, "unreadable", f"cannot read the folder: {exc.strerror}; "
                                            "give it read permission, or move it out of the docs folder"))
            return
        for entry in entries:
            path = Path(entry.path)
            quiet = hidden or entry.name.startswith(".")
            if not quiet and not utf8_name(entry.name):
                result.problems.append(_problem(path, "file-name", "the file name is not valid UTF-8, so it cannot "
                                                "be published or indexed; rename it"))
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(path)
                    if not os.path.exists(target):  # checked before leaves(), for its own message
                        if not quiet:
                            result.problems.append(_problem(path, "link-dangling", "a link that leads nowhere; "
                                                            "delete it, or make it point at a file in the docs folder"))
                        continue
                    if os.path.commonpath([root, target]) != root and not quiet:
                        result.problems.append(_problem(path, "link-outside", f"a link to {target}, outside the docs "
                                                        "folder, which MkDocs would publish; copy the file in instead"))
                        continue
                    if not quiet:
                        here = os.path.realpath(folder)
                        if os.path.isdir(target) and os.path.commonpath([here, target]) == target:
                            result.problems.append(_problem(path, "link-loop", f"a link back to "
                                                            f"{display_path(Path(target))}, a folder it is in: MkDocs "
                                                            "would walk it for ever; delete the link"))
                        else:
                            # Inside docs, a link publishes a file or folder a second time under another
                            # name, out of reach of the audience rules that hold for the original.
                            result.problems.append(_problem(path, "link-inside", f"a link to "
                                                            f"{display_path(Path(target))}, which would be published "
                                                            "a second time under this name, whoever may see the "
                                                            "original; link to its page instead"))
                        continue
                info = entry.stat()  # follows the link
            except (OSError, ValueError) as exc:
                result.problems.append(_problem(path, "unreadable", f"cannot read it: {getattr(exc, 'strerror', exc)}"))
                continue
            if stat.S_ISDIR(info.st_mode):
                key = (info.st_dev, info.st_ino)
                if key in seen:
                    result.problems.append(_problem(path, "link-loop", f"a link back to {display_path(seen[key])}, "
                                                    "already in the docs folder: MkDocs would walk it for ever; "
                                                    "delete the link"))
                    continue
                seen[key] = path
                visit(path, quiet)
            elif quiet:
                continue
            elif not stat.S_ISREG(info.st_mode):
                result.problems.append(_problem(path, "not-a-file", "not a regular file (a FIFO, socket or device), "
                                                "which would block the build; remove it"))
            elif entry.name.lower().endswith(MARKDOWN_ENDINGS):
                if info.st_size > MAX_FILE:
                    size, limit = info.st_size // (1024 * 1024), MAX_FILE // (1024 * 1024)
                    result.problems.append(_problem(path, "file-size", f"{size} MB, more than a page can be "
                                                    f"({limit} MB); split it, or keep the data in a file beside it"))
                    continue
                result.markdown.append(path)

    visit(docs_dir, False)
    return result


def utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def leaves(root: str, path: str) -> bool:
    """Whether a link at `path` leads outside the folder `root` (a real path), or nowhere."""
    target = os.path.realpath(path)
    return not os.path.exists(target) or os.path.commonpath([root, target]) != root


def _problem(path: Path, code: str, message: str) -> Diagnostic:
    shown = os.fsencode(display_path(path)).decode("utf-8", errors="backslashreplace")  # bad\xff.md
    return Diagnostic(shown, 1, 1, code, message)


def write_whole(path: Path, text: str, *, newline: str | None = None) -> None:
    """Write `text` to `path` whole or not at all (a reader, or a build that fails midway,
    never leaves half a file): into a file beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8", newline=newline)
    partial.replace(path)
