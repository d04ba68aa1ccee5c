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
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Literal, NamedTuple

from accord.format.diagnostics import Diagnostic
from accord.format.paths import MARKDOWN_ENDINGS, display_path

MAX_FILE = 16 * 1024 * 1024  # a Markdown page larger than this is refused, never read whole


@dataclass
class Walk:
    markdown: list[Path] = field(default_factory=list)  # the Markdown files safe to read
    problems: list[Diagnostic] = field(default_factory=list)


def walk(docs_dir: Path) -> Walk:
    """The docs folder as validate and the build read it: its Markdown files, and every
    file refused, as a problem (links refused, dot folders walked quietly for loops)."""
    docs_dir = Path(docs_dir)
    walked = tree(docs_dir)
    return Walk([Path(path) for path, _ in walked.files.values()],
                [_problem(Path(item.path), item.code, item.message) for item in walked.refused])


# The one walk of a docs folder ----------------------------------------------------------------
#
# Three readers walk the docs folder, and each has its reason to see it differently:
# - validate and the build (`walk`, hidden="quiet", links="refuse"): every link is refused, as
#   MkDocs would publish what it leads to; dot folders are walked quietly, only for loops
#   (MkDocs walks them too, and a loop there would hang it);
# - the search index (accord.search.reading.scan, hidden="skip", links="inside"): it indexes
#   what can be read safely, whether or not validate would refuse the knowledge base, so a
#   link that stays in the docs folder is followed (what it leads to is indexed under the
#   link's name), and dot folders, never published, are not entered;
# - `mkdocs serve`'s change stamps (every_file=True, links="unfollowed"): every file, not only
#   Markdown, each with its stat and no judgement; a linked folder is stamped, not walked.

Hidden = Literal["skip", "quiet", "include"]
Links = Literal["refuse", "inside", "unfollowed"]


# A file the walk found: a Markdown file safe to read (or, with every_file, any file), as (path,
# stat): the path is the folder given joined with the names below it, the stat the file's own
# (a link followed). A plain tuple: a named one costs the search's scan a twentieth more.
Found = tuple[str, os.stat_result]


@dataclass(frozen=True)
class Refused:
    """What the walk did not take, and why (validate reports these; the search passes over
    them but for folders it could not read, whose records it keeps)."""

    path: str
    rel_path: str  # docs-relative; a folder's ends with `/`, the docs folder's own is ""
    code: str
    message: str
    folder: bool = False  # a folder that could not be read (its stat or its listing)
    reason: str = ""  # the system's own words, for a folder that could not be read


def tree(docs_dir: Path | str, *, hidden: Hidden = "quiet", links: Links = "refuse",
         every_file: bool = False) -> Walked:
    """Walk the docs folder once: what it holds, depth first, each folder's names in order,
    linked folders followed (once each: a link back into a folder already walked is refused
    as a loop).

    `hidden`: names starting with a dot are `skip`ped (never entered), walked `quiet`ly (for
    loops only: nothing in them is kept or refused but a loop), or `include`d like any other.
    `links`: a link is `refuse`d (unless in a quiet dot folder: followed there, for loops),
    followed when it stays `inside` the docs folder (refused when it leaves it or leads
    nowhere), or `unfollowed`: not judged at all, a linked folder not entered.
    `every_file`: keep every file that is not a folder, with its stat and no judgement
    (name, size, kind; a file whose stat fails is passed over); else only the Markdown files
    safe to read, refusing the rest.

    Only what is needed is stat'ed: each folder (for loops; not when links are unfollowed) and
    each Markdown file (or, with every_file, each file); the others are told apart by the
    kind the folder's listing gives."""
    top = os.fspath(docs_dir)
    try:
        root = os.path.realpath(top)
        root_stat = os.stat(root)
    except OSError as exc:
        return Walked({}, [Refused(top, "", "unreadable", f"cannot read the docs folder: {exc.strerror}", True,
                                   exc.strerror or "")])
    walker = _Walker(root, hidden, links, every_file)
    walker.seen[(root_stat.st_dev, root_stat.st_ino)] = top
    walker.visit(top, "", False)
    return walker.walked


@dataclass
class Walked:
    """What one `tree` walk found, each in walk order."""

    # By docs-relative path, forward slashes (a link's own name, not its target's); the search
    # index keeps this very dict.
    files: dict[str, Found]
    refused: list[Refused]


class _Descend(NamedTuple):
    path: str
    rel_path: str  # ends with `/`
    quiet: bool


_SKIP = None  # nothing to keep for this entry


_name = attrgetter("name")  # a folder's entries are sorted by it (in C: no Python call per entry)


class _Walker:
    """The state of one `tree` walk: its rules, and the folders already walked."""

    def __init__(self, root: str, hidden: Hidden, links: Links, every_file: bool) -> None:
        self.root = root  # the docs folder's real path
        self.hidden, self.links, self.every_file = hidden, links, every_file
        self.seen: dict[tuple[int, int], str] = {}  # folder (device, inode) → where it was first met
        self.walked = Walked({}, [])
        self.files, self.refused = self.walked.files, self.walked.refused

    def visit(self, folder: str, prefix: str, quiet: bool) -> None:
        """Add what `folder` holds to `walked` (kept as it is found: handing each file up
        through a generator per level, and collecting them again, took a fifth of the walk)."""
        try:
            entries = sorted(os.scandir(folder), key=_name)
        except OSError as exc:
            self.refused.append(Refused(folder, prefix, "unreadable", f"cannot read the folder: {exc.strerror}; "
                                        "give it read permission, or move it out of the docs folder", True,
                                        exc.strerror or ""))
            return
        judge, files, refused = self._judge, self.files, self.refused
        pages = not (quiet or self.every_file)
        for entry in entries:
            name = entry.name
            # The common case inline (a few per cent of the search's scan of 10,000 pages): a page
            # that is a plain file (no link), its name plain ASCII and without a dot in front.
            # Anything else, `_judge` judges.
            if pages and name.isascii() and name[0] != "." and name.lower().endswith(MARKDOWN_ENDINGS):
                rel_path = prefix + name
                try:
                    plain = entry.is_file(follow_symlinks=False)
                    info = entry.stat() if plain else None
                except OSError as exc:
                    refused.append(Refused(entry.path, rel_path, "unreadable", f"cannot read it: {exc.strerror}"))
                    continue
                if info is not None:
                    if info.st_size > MAX_FILE:
                        refused.append(_too_large(entry.path, rel_path, info.st_size))
                    else:
                        files[rel_path] = (entry.path, info)
                    continue
            judged = judge(entry, folder, prefix, quiet)
            if judged is _SKIP:
                continue
            if type(judged) is _Descend:
                self.visit(judged.path, judged.rel_path, judged.quiet)
            else:
                refused.append(judged)

    def _judge(self, entry: os.DirEntry[str], folder: str, prefix: str,
               quiet: bool) -> Refused | _Descend | None:
        """Keep `entry` in `files` if it is to be kept; else the folder to enter, or why it is refused."""
        name = entry.name
        if name.startswith("."):
            if self.hidden == "skip":
                return _SKIP
            quiet = quiet or self.hidden == "quiet"
        if self.every_file:
            return self._any(entry, prefix, quiet)
        if not quiet and not utf8_name(name):
            return Refused(entry.path, prefix + name, "file-name", "the file name is not valid UTF-8, so it "
                           "cannot be published or indexed; rename it")
        try:
            if self.links != "unfollowed" and entry.is_symlink():
                judged = self._link(entry, folder, prefix + name, quiet)
                if judged is not True:
                    return judged or _SKIP
            if entry.is_dir():  # follows the link
                return self._folder(entry, prefix, quiet)
            if quiet:
                return _SKIP
            if not entry.is_file():
                return Refused(entry.path, prefix + name, "not-a-file", "not a regular file (a FIFO, socket or "
                               "device), which would block the build; remove it")
            if name.lower().endswith(MARKDOWN_ENDINGS):  # (inline: the walk's one step per page)
                info = entry.stat()  # follows the link
                if info.st_size > MAX_FILE:
                    return _too_large(entry.path, prefix + name, info.st_size)
                self.files[prefix + name] = (entry.path, info)
        except (OSError, ValueError) as exc:
            return Refused(entry.path, prefix + name, "unreadable",
                           f"cannot read it: {getattr(exc, 'strerror', exc)}")
        return _SKIP

    def _any(self, entry: os.DirEntry[str], prefix: str, quiet: bool) -> Refused | _Descend | None:
        """With every_file: a folder to enter, else the file and its stat (none if it cannot be
        had). Links are not judged; a linked folder is entered only when links are followed,
        and then once (a loop is refused)."""
        try:
            if self.links == "unfollowed":
                if entry.is_dir(follow_symlinks=False):
                    return _Descend(entry.path, f"{prefix}{entry.name}/", quiet)
            elif entry.is_dir():
                return self._folder(entry, prefix, quiet)
            self.files[prefix + entry.name] = (entry.path, entry.stat())
        except OSError:
            pass
        return _SKIP

    def _link(self, entry: os.DirEntry[str], folder: str, rel_path: str, quiet: bool) -> Refused | bool:
        """True when the link is to be followed; else why it is refused (or, in a quiet dot
        folder, False: passed over, when it leads nowhere)."""
        path = entry.path
        target = os.path.realpath(path)
        if not os.path.exists(target):  # checked before the rest, for its own message
            return False if quiet else Refused(path, rel_path, "link-dangling", "a link that leads nowhere; "
                                               "delete it, or make it point at a file in the docs folder")
        if quiet:
            return True
        if os.path.commonpath([self.root, target]) != self.root:
            return Refused(path, rel_path, "link-outside", f"a link to {target}, outside the docs folder, which "
                           "MkDocs would publish; copy the file in instead")
        if self.links == "inside":
            return True
        here = os.path.realpath(folder)
        if os.path.isdir(target) and os.path.commonpath([here, target]) == target:
            return Refused(path, rel_path, "link-loop", f"a link back to {display_path(Path(target))}, a folder it is "
                           "in: MkDocs would walk it for ever; delete the link")
        # Inside docs, a link publishes a file or folder a second time under another name, out of
        # reach of the audience rules that hold for the original.
        return Refused(path, rel_path, "link-inside", f"a link to {display_path(Path(target))}, which would be "
                       "published a second time under this name, whoever may see the original; link to its "
                       "page instead")

    def _folder(self, entry: os.DirEntry[str], prefix: str, quiet: bool) -> Refused | _Descend:
        rel_path = f"{prefix}{entry.name}/"
        try:
            info = entry.stat()  # follows the link
        except OSError as exc:
            return Refused(entry.path, rel_path, "unreadable", f"cannot read it: {exc.strerror}", True,
                           exc.strerror or "")
        key = (info.st_dev, info.st_ino)
        if key in self.seen:
            return Refused(entry.path, rel_path, "link-loop", f"a link back to {display_path(Path(self.seen[key]))}, "
                           "already in the docs folder: MkDocs would walk it for ever; delete the link")
        self.seen[key] = entry.path
        return _Descend(entry.path, rel_path, quiet)


def _too_large(path: str, rel_path: str, size: int) -> Refused:
    size, limit = size // (1024 * 1024), MAX_FILE // (1024 * 1024)
    return Refused(path, rel_path, "file-size", f"{size} MB, more than a page can be ({limit} MB); split it, or "
                   "keep the data in a file beside it")


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


def write_whole(path: Path, text: str | bytes, *, newline: str | None = None, shared: bool = False) -> None:
    """Write `text` (or bytes) to `path` whole or not at all (a reader, or a build that fails
    midway, never leaves half a file): into a file beside it, then renamed over it.

    `shared`: several processes may write the same file at once (the search index's cache,
    accord.search.generations): the partial file is then this process's own and hidden (a dot
    name, which the index's seals pass over), and the folder must exist already (one that a
    cleaner has just removed is not made again)."""
    if shared:
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
    if isinstance(text, bytes):
        partial.write_bytes(text)
    else:
        partial.write_text(text, encoding="utf-8", newline=newline)
    partial.replace(path)
