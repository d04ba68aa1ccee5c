"""Benchmark: what the record pages' history from Git (accord/pages `history`) costs a build.

    python scripts/bench_history.py                 # the demo and 2,000 records, best of 3
    python scripts/bench_history.py --sizes 2000 --repeat 5

Each knowledge base is committed into a temporary Git repository in a few commits (all of
it; then a status changed in some agreements, a target in others, the kind of some
organisations, so that pages have versions to compare), and built by fresh `mkdocs build`
processes with `history: true` and `history: false`, in turns (on, off, on, off, …) so that a
slow spell of the machine weighs on both alike. The best of each is compared. Target: history
costs at most 20% of the build. Exit status 1 if it costs more.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import ACCORD, mkdocs_builds
from gen_corpus import generate

REPO = Path(__file__).resolve().parent.parent
TARGET = 1.20
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_CONFIG_NOSYSTEM": "1"}
EDITS = (  # (files, pattern, replacement, message): each a commit over every seventh file it finds
    ("agreements", r'^status: "?draft"?$', "status: negotiation", "Negotiate some agreements"),
    ("agreements", r'^(\s+target: "?)([0-9]+)', r"\g<1>\g<2>0", "Raise some targets"),
    ("organizations", r'^kind: "?ngo"?$', "kind: community", "Reclassify some partners"),
)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=root,
                   env=GIT_ENV, check=True, capture_output=True)


def commit_history(root: Path) -> int:
    """The docs committed whole, then edited in a few commits; the number of files edited."""
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "The knowledge base")
    edited = 0
    for folder, pattern, replacement, message in EDITS:
        found = [path for path in sorted((root / "docs" / folder).rglob("*.md"))
                 if re.search(pattern, path.read_text(encoding="utf-8"), flags=re.MULTILINE)]
        for path in found[::7]:
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE), encoding="utf-8")
            edited += 1
        git(root, "commit", "-qam", message, "--allow-empty")
    return edited


def project(root: Path, docs: Path | None, size: int) -> tuple[Path, Path, int]:
    """Two projects over one repository: history on (its mkdocs.yml) and off (a second file)."""
    if docs is not None:
        shutil.copytree(docs, root / "docs")
    else:
        generate(root / "docs", size, seed=0)
    config = ACCORD.format(docs="docs")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / ".gitignore").write_text("site/\nsite-off/\n", encoding="utf-8")
    edited = commit_history(root)
    off = root / "off"
    off.mkdir()
    (off / "mkdocs.yml").write_text(config.replace("docs_dir: docs", f"docs_dir: {root / 'docs'}").replace(
        "  - accord/pages\n", "  - accord/pages:\n      history: false\n"), encoding="utf-8")
    return root, off, edited


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000], help="generated knowledge bases' sizes")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each, the best kept")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo knowledge base")
    args = parser.parse_args()
    cases: list[tuple[str, Path | None, int]] = [] if args.no_demo else [("demo", REPO / "docs", 0)]
    cases += [(f"{size:,} records", None, size) for size in args.sizes]
    worst = 0.0
    print(f"{'knowledge base':<16} {'edited':>7} {'history off':>12} {'history on':>11} {'ratio':>6}")
    for name, docs, size in cases:
        with tempfile.TemporaryDirectory(prefix="accord-bench-history-") as temp:
            on, off, edited = project(Path(temp) / "kb", docs, size)
            best = mkdocs_builds({"on": on, "off": off}, args.repeat)
            ratio = best["on"].seconds / best["off"].seconds
            worst = max(worst, ratio)
            print(f"{name:<16} {edited:>7} {best['off'].seconds:>11.2f}s {best['on'].seconds:>10.2f}s {ratio:>6.3f}",
                  flush=True)
    print(f"history costs {100 * (worst - 1):+.1f}% of the build at worst (target: at most +{100 * (TARGET - 1):.0f}%)")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
