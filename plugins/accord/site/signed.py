"""An agreement's signed copy as its page shows it: a link to the file, its kind and size,
and its SHA-256 digest, shortened with the whole of it a click away (accord.format.signed
checks the file; templates/pages/_signed_copy.md.j2 shows it)."""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from accord.format import signed
from accord.format.records import Record


@dataclass(frozen=True)
class ShownCopy:
    href: str  # relative to the page
    name: str  # the file's name
    kind: str  # `PDF`, from its ending ("" if none)
    size: str  # `182 KB`
    sha256: str  # the whole digest, lowercase
    short: str  # its first and last eight digits

    @property
    def typed(self) -> str:
        """The file's name as a shell takes it (in quotes if it holds a space)."""
        return shlex.quote(self.name)

    @property
    def label(self) -> str:
        """The kind and size, as the link's note says them: `PDF, 182 KB`."""
        return f"{self.kind}, {self.size}" if self.kind else self.size


def shown(record: Record, docs_dir: Path | None, linker: Callable[[str], str]) -> ShownCopy | None:
    """The copy to show on the agreement's page, or None: none named, or the file is not the
    one recorded, not the agreement's own or not published with the page (`linker` gives no
    address for it). The digest shown is the file's, checked now, never only what is written."""
    copy = getattr(record.model, "signed_copy", None)
    if copy is None or docs_dir is None:
        return None
    try:
        found = signed.find(record, docs_dir)
    except (signed.Refused, OSError):
        return None
    if found.sha256 != copy.sha256.lower():
        return None
    href = linker(found.rel_path)
    if not href:
        return None
    name = posixpath.basename(found.rel_path)
    ending = posixpath.splitext(name)[1].lstrip(".")
    return ShownCopy(
        # MkDocs gives the address escaped, `accord render` as the path; a name holds no `%` (accord.format.signed).
        href=quote(unquote(href), safe="/"),
        name=name,
        kind=ending.upper() if ending.isalnum() and len(ending) <= 5 else "",
        size=size_text(found.path.stat().st_size),
        sha256=found.sha256,
        short=f"{found.sha256[:8]}…{found.sha256[-8:]}",
    )


def size_text(size: int) -> str:
    """A file's size as people read it: `512 bytes`, `14 KB`, `1.4 MB` (1 KB = 1,024 bytes)."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    amount, unit = size / 1024, "KB"
    for larger in ("MB", "GB"):
        if amount < 1024:
            break
        amount, unit = amount / 1024, larger
    return f"{amount:.1f} {unit}" if amount < 10 else f"{amount:,.0f} {unit}"
