"""Building real sites in temporary folders, and reading what a reader would see."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from accord.catalogue import Audience
from accord.format.loading import load
from conftest import DEMO_DOCS, REPO

# The demo's build date, 2026-11-22: reviews in the next 90 days, and one overdue.
DEMO_EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}

ZERO_CONFIG = """\
site_name: {name}
exclude_docs: |
  /agreements/
  /organizations/
  /playbooks/
  /retrospectives/
theme:
  name: material
plugins:
  - search
  - accord/records
  - accord/pages
  - accord/search
"""


@dataclass
class Build:
    returncode: int
    log: str
    site: Path

    def page(self, url: str) -> BeautifulSoup:
        path = self.site / url / "index.html" if not url.endswith(".html") else self.site / url
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def text_files(self) -> dict[Path, str]:
        """Every file of the site as text (gzip files decompressed)."""
        found = {}
        for path in self.site.rglob("*"):
            if not path.is_file():
                continue
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            found[path] = raw.decode("utf-8", errors="replace")
        return found

    def search_entries(self) -> dict[str, dict[str, object]]:
        """The search box's entries (accord.search.static), by address."""
        folder = self.site / "search" / "accord"
        entries = {}
        for chunk in sorted(folder.glob("docs/*.json"), key=lambda p: int(p.stem)):
            for location, title, kind, tags, impact, _parent, record, *_ in json.loads(chunk.read_text()):
                entries[location] = {"title": title, "type": kind, "tags": tags, "impact": impact, "record": record}
        return entries

    def search_box(self, word: str) -> list[str]:
        """The addresses the search box finds for one word as written, best first (what its
        worker reads: the word's shard, its stem's postings)."""
        folder = self.site / "search" / "accord"
        meta = json.loads((folder / "index.json").read_text())
        key = next((word[:n] for n in range(min(len(word), 4), -1, -1) if word[:n] in meta["shards"]), None)
        if key is None:
            return []
        name = "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in key) or "_"
        shard = json.loads((folder / "words" / f"{name}.json").read_text())
        if word not in shard["words"]:
            return []
        flat = shard["stems"][shard["words"][word]]
        ranked = sorted(zip(flat[::2], flat[1::2], strict=True), key=lambda pair: (-pair[1], pair[0]))
        locations = list(self.search_entries())
        return [locations[number] for number, _ in ranked]


def build(root: Path, *, env: dict[str, str] | None = None, strict: bool = True) -> Build:
    """`mkdocs build` of the project in `root`, as a user would run it."""
    site = root / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)]
    if strict:
        command.append("--strict")
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    return Build(result.returncode, result.stdout + result.stderr, site)


def demo_project(root: Path, config: str | None = None) -> Path:
    """A copy of the demo knowledge base with the repository's (or the given) mkdocs.yml."""
    shutil.copytree(DEMO_DOCS, root / "docs")
    text = config if config is not None else (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def text_of(element: object) -> str:
    return " ".join(element.get_text(" ").split()) if element is not None else ""  # type: ignore[attr-defined]


def hidden_markers(audience: Audience, docs: Path = DEMO_DOCS) -> dict[str, list[str]]:
    """Phrases that name each record the audience may not see: id, title, file name, summary,
    lesson titles and anchors."""
    markers = {}
    for record in load(docs).records:
        if audience.sees(record.confidentiality):
            continue
        phrases = [record.id, record.title, Path(record.rel_path).stem]
        if record.model.summary:
            phrases.append(record.model.summary[:60])
        if record.type == "retrospective":
            phrases += [lesson.title for lesson in record.retrospective.lessons]
            phrases += [f"#{lesson.id}" for lesson in record.retrospective.lessons]
        markers[record.id] = phrases
    return markers


def leaks(files: dict[Path, str], markers: dict[str, list[str]]) -> list[str]:
    found = []
    for path, text in files.items():
        for record_id, phrases in markers.items():
            for phrase in phrases:
                escaped = phrase.replace("&", "&amp;").replace("'", "&#39;")
                if phrase in text or escaped in text:
                    found.append(f"{record_id}: {phrase!r} in {path}")
    return found
