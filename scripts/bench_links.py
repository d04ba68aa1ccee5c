"""Benchmark: links that used to cost more than linear time, timed against the same site without them.

    python scripts/bench_links.py                 # best of 3
    python scripts/bench_links.py --repeat 1

One small knowledge base (two organisations, a public agreement, a retrospective, a
restricted agreement the public site leaves out, and a page of notes that links to it) is
built for the public audience by `mkdocs build` (with the Accord plugins) and written by
`accord render`, each step a fresh process. Then the same site with, in the page of notes:

(a) one absolute link of growing length, `[x](/a/a/…/a)`, of 1, 10 and 50 KB (every
    suffix of it was looked up and walked up: cubic; 10 KB took a build about 20 s);
(b) a growing number of links to the hidden record, `[part N](agreements/zz-secret.md#part-N)`,
    1,000, 3,000 and 6,000 (accord render ran one regular expression per distinct target
    over the whole page: 6,000 took 20 s);

and (c), without a build, the search text (accord.search.text.plain_text) of 1 MB bodies
that used to cost 25-65 times as much as ordinary prose (`*a *a …`, `` `a `a …``).

Runs are taken in turns (the site without, then with) so that a slow spell of the machine
weighs on both; the best of each is kept. Printed: seconds, the ratio to the same site
without the links, and the extra time per KB or per 1,000 links, which stays about
constant when the cost grows linearly. Targets: for (a) and (b), the extra time per unit
at the largest size at most 1.5x that at the middle one (plus 0.5 s for noise), and for
(c) each hostile body within 5x prose. Exit status 1 if one is missed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_build import ACCORD

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ACCORD_AUDIENCE": "public", "SOURCE_DATE_EPOCH": "1795305600"}
SCALING = 1.5
NOISE = 0.5  # seconds (a build of this site varies by about that much between runs)
TEXT_RATIO = 5.0

CONFIG = ACCORD.format(docs="docs").replace("site_name: Benchmark", "site_name: Links benchmark")
RECORDS = {
    "organizations/city-water.md": """\
---
id: city-water
type: organization
title: City Water Authority
confidentiality: public
kind: government
---
Runs the water network.
""",
    "organizations/river-trust.md": """\
---
id: river-trust
type: organization
title: River Trust
confidentiality: public
kind: ngo
---
""",
    "agreements/river-mou.md": """\
---
id: river-mou
type: agreement
title: River clean-up MOU
confidentiality: public
kind: mou
status: active
parties:
  - org: city-water
    role: lead
  - org: river-trust
dates:
  signed: 2026-01-10
  effective: 2026-02-01
  expires: 2030-01-31
---
Body text.
""",
    "retrospectives/river-retro.md": """\
---
id: river-retro
type: retrospective
title: River clean-up, first year
confidentiality: public
held: 2026-10-01
agreements: [river-mou]
lessons:
  - id: volunteers
    title: Volunteers need a named contact
    lesson: Turn-out doubled once one person answered volunteers' questions.
    impact: positive
    topics: [volunteering]
---
""",
    "agreements/zz-secret.md": """\
---
id: zz-secret
type: agreement
title: Zz secret settlement
confidentiality: restricted
kind: mou
status: negotiation
parties:
  - org: city-water
  - org: river-trust
---
Restricted.
""",
}
NOTES = "# Notes\n\nSee [the settlement](agreements/zz-secret.md) and [the MOU](agreements/river-mou.md).\n"


def project(root: Path, extra: str) -> Path:
    for rel, text in RECORDS.items():
        path = root / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Home\n\n[Notes](notes.md)\n", encoding="utf-8")
    (root / "docs" / "notes.md").write_text(NOTES + extra, encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root


def long_link(kilobytes: int) -> str:
    return "\nA [long link](/" + "a/" * (kilobytes * 512 - 1) + "a) here.\n"


def many_links(count: int) -> str:
    return "\n" + "".join(f"- [part {n}](agreements/zz-secret.md#part-{n})\n" for n in range(count))


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, check=False, timeout=3600)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{(result.stdout + result.stderr)[-3000:]}")
    return seconds


def steps(root: Path) -> dict[str, list[str]]:
    return {
        "mkdocs build": [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(root / "site")],
        "accord render": [sys.executable, "-m", "accord", "render", str(root / "plain")],
    }


def measure(base: Path, variant: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Best seconds of each step for the site without and with the links, taken in turns."""
    best: dict[str, tuple[float, float]] = {}
    for _ in range(repeat):
        for name, command in steps(base).items():
            without = timed(command, base)
            with_links = timed(steps(variant)[name], variant)
            old = best.get(name, (without, with_links))
            best[name] = (min(old[0], without), min(old[1], with_links))
    return best


def series(title: str, unit: str, per: int, sizes: list[int], make: dict[int, Path], base: Path,
           repeat: int) -> bool:
    """Each size measured; the extra time and (ratio - 1) per `per` units, about constant when linear."""
    print(f"\n{title}")
    extra: dict[str, dict[int, float]] = {}
    label = f"{per:,} {unit}s" if per > 1 else unit
    for size in sizes:
        for name, (without, with_links) in measure(base, make[size], repeat).items():
            extra.setdefault(name, {})[size] = with_links - without
            ratio = with_links / without
            print(f"  {name:<14} {size:>6,} {unit}s: {with_links:6.2f} s vs {without:5.2f} s without = {ratio:5.2f}x; "
                  f"per {label}: +{(ratio - 1) / size * per:6.3f}x, +{(with_links - without) / size * per:6.3f} s")
    ok = True
    for name, by_size in extra.items():
        middle, largest = sizes[-2], sizes[-1]
        allowed = max(by_size[middle], 0.0) / middle * largest * SCALING + NOISE
        if by_size[largest] > allowed:
            ok = False
            print(f"  MISSED: {name} at {largest:,} {unit}s took {by_size[largest]:.2f} s more than without "
                  f"(linear from {middle:,}: at most {allowed:.2f} s)")
    return ok


def search_text(repeat: int) -> bool:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
    from accord.search.text import plain_text

    size = 1_000_000
    guide = Path(__file__).resolve().parent.parent / "templates" / "pages" / "writing-records.md.j2"
    prose_source = guide.read_text()
    bodies = {"prose": prose_source, "*a *a": "*a ", "`a `a": "`a ", "_a _a": "_a ", "~~a ~~a": "~~a ",
              "**a **a": "**a ", "[ [ [": "[", "<a <a": "<a "}

    def seconds(text: str) -> float:
        best = float("inf")
        for _ in range(repeat):
            plain_text.cache_clear()
            started = time.perf_counter()
            plain_text(text)
            best = min(best, time.perf_counter() - started)
        return best

    print(f"\n(c) search text of a 1 MB body (accord.search.text.plain_text), best of {repeat}")
    base = seconds((prose_source * (size // len(prose_source) + 1))[:size])
    ok = True
    for name, unit in bodies.items():
        taken = seconds((unit * (size // len(unit) + 1))[:size])
        print(f"  {name:<10} {taken:6.3f} s  {taken / base:5.1f}x prose")
        ok &= taken / base <= TEXT_RATIO
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lengths", default="1,10,50", help="KB of the long link")
    parser.add_argument("--counts", default="1000,3000,6000", help="links to the hidden record")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="accord-bench-links-") as tmp:
        folder = Path(tmp)
        base = project(folder / "base", "")
        lengths = [int(size) for size in args.lengths.split(",")]
        counts = [int(size) for size in args.counts.split(",")]
        longs = {kb: project(folder / f"long-{kb}", long_link(kb)) for kb in lengths}
        manys = {n: project(folder / f"many-{n}", many_links(n)) for n in counts}
        print(f"A five-record site built for the public audience; best of {args.repeat}")
        ok &= series("(a) one absolute link of growing length", "KB", 1, lengths, longs, base, args.repeat)
        ok &= series("(b) links to a hidden record", "link", 1000, counts, manys, base, args.repeat)
    ok &= search_text(args.repeat)
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
