"""`mkdocs serve` after a save: only the pages the change reaches are made again
(accord.site.serve), and the site served is then the same, file for file, as a whole
`mkdocs build` of the same sources. No page is left stale."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sites import build, demo_project

# The demo (tags plugin and all), with its records out of the navigation, as on any large site.
CONFIG = (Path(__file__).resolve().parents[2] / "mkdocs.yml").read_text(encoding="utf-8")
CONFIG = CONFIG.replace("  - accord/pages\n", "  - accord/pages:\n      nav_records_max: 0\n")
assert "nav_records_max" in CONFIG and "tags" in CONFIG

# Each edit is made to the sources as the previous one left them.
EDITS = [
    ("an organisation's name, which its agreements, partners and registers show",
     "organizations/northvale-university.md", "title: University of Northvale", "title: Northvale State University"),
    ("an agreement's title", "agreements/northvale-digital-skills-moa.md",
     "title: Memorandum of agreement on the Northvale digital skills bootcamps (2023–2025)",
     "title: Digital skills bootcamps agreement"),
    ("a lesson, which lesson pages and the agreements it is advice for show",
     "retrospectives/hospital-data-sharing-retrospective-2026.md",
     "title: Access to hospital data took eleven weeks longer than planned",
     "title: Hospital data arrived eleven weeks late"),
    ("a playbook's title", "playbooks/health-data-sharing-playbook.md", None, None),
    ("an agreement's kind, which decides where its lessons are shown",
     "agreements/northvale-school-meals-mou-2025.md", "kind: mou", "kind: grant"),
    ("a lesson topic renamed, whose page must go", "retrospectives/riverside-flood-grant-midterm-retrospective.md",
     "stakeholder-engagement, volunteering]", "stakeholder-engagement, volunteer-recruitment]"),
    ("an amendment's title, which its original's lineage shows",
     "agreements/riverside-flood-resilience-grant-amendment-1.md", "sensor procurement and budget reallocation",
     "sensors and budget"),
    ("a record now hidden from the audience (a whole build: its page must go)",
     "organizations/kestrel-data-systems.md", "confidentiality: public", "confidentiality: restricted"),
    ("a mistake (every page shows the banner)", "agreements/cobalt-bed-management-sla.md", "title: ", "title: [oops "),
    ("the mistake fixed", "agreements/cobalt-bed-management-sla.md", "title: [oops ", "title: "),
]
WHOLE = ("hidden", "mistake")  # edits that make the whole site again


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Serve:
    """`mkdocs serve` of `root`, its site folder found in its own temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, _free_port()
        self.tmp = root / "tmp"
        self.tmp.mkdir()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-v", "-a", f"127.0.0.1:{self.port}"], cwd=root,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(self.tmp)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for(self, pattern: str, after: int, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if re.search(pattern, line):
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"mkdocs serve never said {pattern!r}:\n{''.join(self.lines[-40:])}")

    def settled(self, after: int) -> list[str]:
        """After a build: the browsers reloaded and the search index written."""
        self.wait_for(r"Reloading browsers|Serving on", after)
        self.wait_for(r"search index written", after)
        return self.lines[after:]

    @property
    def site(self) -> Path:
        (site,) = self.tmp.glob("mkdocs_*")
        return site

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.suffix != ".gz"}


def _same_as_whole_build(served: Path, docs: Path, work: Path, port: int) -> None:
    reference = work / "reference"
    if reference.exists():
        shutil.rmtree(reference)
    shutil.copytree(docs, reference / "docs")
    config = re.sub(r"^site_name:", f"site_url: http://127.0.0.1:{port}/\nsite_name:", CONFIG, count=1,
                    flags=re.MULTILINE)
    (reference / "mkdocs.yml").write_text(config, encoding="utf-8")
    whole = build(reference, strict=False)
    assert whole.returncode == 0, whole.log
    expected, got = _files(whole.site), _files(served)
    assert sorted(got) == sorted(expected)
    stale = [name for name in expected if got[name] != expected[name]]
    assert not stale, f"pages not the same as a whole build's: {stale}"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX")
def test_a_saved_record_refreshes_exactly_the_pages_it_reaches(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "kb", CONFIG)
    serve = Serve(root)
    try:
        serve.settled(0)
        for what, path, before, after in EDITS:
            source = root / "docs" / path
            text = source.read_text(encoding="utf-8")
            if before is None:
                before = re.search(r"^title: .*$", text, re.MULTILINE).group(0)  # type: ignore[union-attr]
                after = before + " (second edition)"
            assert before in text, (what, before)
            mark = len(serve.lines)
            time.sleep(0.05)
            source.write_text(text.replace(before, after or "", 1), encoding="utf-8")
            said = "".join(serve.settled(mark))
            made = re.search(r"(\d+) of (\d+) pages out of date, made again", said)
            if not any(word in what for word in WHOLE):
                assert made, f"{what}: not a refresh of the pages it reaches:\n{said}"
                assert int(made.group(1)) < int(made.group(2)), what
            if "oops" in (after or ""):
                assert "error in the knowledge base" in said, said
                continue  # `mkdocs build` fails on it: nothing to compare with
            _same_as_whole_build(serve.site, root / "docs", tmp_path, serve.port)
    finally:
        serve.stop()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX")
def test_an_editors_save_is_one_refresh_and_its_swap_file_no_build(tmp_path: Path) -> None:
    """An editor saves by writing a temporary file and renaming it over the record, and
    keeps a hidden swap file beside it, written now and then. The save is one refresh of
    the pages it reaches; the swap file changes no page and makes no build (it used to make
    the whole site again: minutes at 10,000 records)."""
    root = demo_project(tmp_path / "kb", CONFIG)
    serve = Serve(root)
    try:
        serve.settled(0)
        source = root / "docs" / "agreements" / "northvale-digital-skills-moa.md"
        text = source.read_text(encoding="utf-8")
        mark = len(serve.lines)
        temporary = source.with_name(source.name + ".tmp~")
        temporary.write_text(text.replace("title: Memorandum", "title: Saved memorandum", 1), encoding="utf-8")
        os.replace(temporary, source)
        serve.wait_for(r"pages out of date, made again", mark)
        serve.settled(mark)
        assert "Saved memorandum" in (serve.site / "agreements" / source.stem / "index.html").read_text()
        mark = len(serve.lines)
        swap = source.with_name(f".{source.name}.swp")
        for n in range(3):
            swap.write_bytes(b"swap %d" % n)
            time.sleep(0.5)
        serve.wait_for(r"Detected file changes", mark)
        time.sleep(2)
        said = "".join(serve.lines[mark:])
        assert "Building documentation" not in said, said
    finally:
        serve.stop()
