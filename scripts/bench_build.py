"""Benchmark: building the site with the Accord plugins against a plain mkdocs-material build.

    python scripts/bench_build.py                    # 2,000 and 10,000 records
    python scripts/bench_build.py --sizes 2000 --no-serve

For each size, one synthetic knowledge base (scripts/gen_corpus.py) is built in one run by
(a) plain mkdocs-material with the search plugin and `nav: [index.md]` (the navigation
    cut to the home page, so the build stays linear), and
(b) the Accord plugins with zero configuration:
    `plugins: [search, accord/records, accord/pages, accord/search]`.
Each build is a fresh `mkdocs build` process; the script prints wall time, peak memory,
site size and the ratios; then, under `mkdocs serve`, the rebuild after one record's
title changes and the time from saving it to the new title being served on its page and
in the register. Targets: (b) <= 1.5x (a) in time at both sizes, peak memory <= 2x (a),
(b)'s time per record at 10,000 within 1.2x of that at 2,000, and save to served within
2 s at 2,000 and 5 s at 10,000. Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate

TIME_RATIO = 1.5
MEMORY_RATIO = 2.0
SCALING = 1.2
SERVED = {2000: 2.0, 10000: 5.0}  # seconds from saving a record to the page and its register being served
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

PLAIN = """\
site_name: Benchmark
docs_dir: {docs}
theme:
  name: material
plugins:
  - search
nav:
  - index.md
"""

ACCORD = """\
site_name: Benchmark
docs_dir: {docs}
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
class Result:
    seconds: float
    peak_mb: float
    site_mb: float


def folder_size(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def mkdocs_builds(projects: dict[str, Path], repeat: int) -> dict[str, Result]:
    """The best of `repeat` builds of each project, taken in turns (a, b, a, b, …) so that a
    slow spell of the machine weighs on both alike."""
    best: dict[str, Result] = {}
    for _ in range(repeat):
        for name, project in projects.items():
            result = _build_once(project)
            if name not in best or result.seconds < best[name].seconds:
                best[name] = result
    return best


def _build_once(project: Path) -> Result:
    site = project / "site"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
                               cwd=project, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"mkdocs build failed in {project}:\n{error[-3000:]}")
    return Result(seconds, usage.ru_maxrss / 1024, folder_size(site))


def _served(url: str, marker: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return marker in response.read().decode("utf-8", errors="replace")
    except OSError:
        return False


def timed_build(project: Path) -> float:
    """Seconds of one `mkdocs build` of `project` into its `site/` (a failure ends the run)."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", "site"], cwd=project,
                            env=ENV, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"mkdocs build failed in {project}:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def serve_rebuild(project: Path, record: Path) -> tuple[float, float, float]:
    """Under `mkdocs serve`: seconds of the first build; of the rebuild after one record's
    title changes; and from saving the file to the new title being served both on the
    record's page and on a page that depends on it (the agreements register)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    built: list[float] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            match = re.search(r"Documentation built in ([\d.]+) seconds", line)
            if match:
                built.append(float(match.group(1)))
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    base = f"http://127.0.0.1:{port}/"
    page = base + f"agreements/{record.stem}/"
    text = record.read_text(encoding="utf-8")
    try:
        if not ready.wait(1800):
            raise SystemExit("mkdocs serve did not finish its first build")
        first = built[0]
        ready.clear()
        time.sleep(2)  # let the watcher settle
        marker = f"Edited {time.time_ns()}"
        saved = time.perf_counter()
        edited = re.sub(r'^title: (["\']?)(.*?)\1[ \t]*$', rf"title: \g<1>\g<2> {marker}\g<1>", text, count=1,
                        flags=re.MULTILINE)
        assert edited != text, "no title line to edit"
        record.write_text(edited, encoding="utf-8")
        while not (_served(page, marker) and _served(base + "agreements/", marker)):
            if time.perf_counter() - saved > 1800:
                raise SystemExit("mkdocs serve did not serve the change")
            time.sleep(0.05)
        served = time.perf_counter() - saved
        ready.wait(60)
        return first, built[-1], served
    finally:
        record.write_text(text, encoding="utf-8")
        process.terminate()
        process.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="keep the corpora and sites here (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=2, help="builds of each kind; the fastest counts")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve rebuild measurement")
    parser.add_argument("--serve-only", action="store_true", help="only the mkdocs serve measurement")
    args = parser.parse_args()

    failed = False
    per_record: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="accord-bench-build-") as scratch:
        work = args.work or Path(scratch)
        header = (f"{'records':>8} {'build':<8} {'seconds':>8} {'peak MB':>8} {'site MB':>8} "
                  f"{'time ratio':>10} {'mem ratio':>9}")
        print(header)
        for size in args.sizes:
            docs = work / f"corpus-{size}-{args.seed}"
            if not docs.is_dir():
                generate(docs, size, seed=args.seed)
            projects = {}
            for name, config in (("plain", PLAIN), ("accord", ACCORD)):
                projects[name] = work / f"{name}-{size}"
                projects[name].mkdir(exist_ok=True)
                (projects[name] / "mkdocs.yml").write_text(config.format(docs=docs), encoding="utf-8")
            if args.serve_only:
                record = next((docs / "agreements").glob("*.md"))
                first, rebuild, served = serve_rebuild(work / f"accord-{size}", record)
                print(f"{size:>8} serve: first build {first:.1f}s, rebuild after one record changed {rebuild:.1f}s, "
                      f"save to served {served:.1f}s (target {SERVED.get(size, float('nan')):g}s)", flush=True)
                failed |= size in SERVED and served > SERVED[size]
                continue
            results = mkdocs_builds(projects, args.repeat)
            plain, accord = results["plain"], results["accord"]
            time_ratio, memory_ratio = accord.seconds / plain.seconds, accord.peak_mb / plain.peak_mb
            print(f"{size:>8} {'(a)plain':<8} {plain.seconds:>8.1f} {plain.peak_mb:>8.0f} {plain.site_mb:>8.1f}")
            print(f"{size:>8} {'(b)accord':<8} {accord.seconds:>8.1f} {accord.peak_mb:>8.0f} {accord.site_mb:>8.1f} "
                  f"{time_ratio:>9.2f}x {memory_ratio:>8.2f}x", flush=True)
            failed |= time_ratio > TIME_RATIO or memory_ratio > MEMORY_RATIO
            per_record[size] = accord.seconds / size
            if not args.no_serve:
                record = next((docs / "agreements").glob("*.md"))
                first, rebuild, served = serve_rebuild(work / f"accord-{size}", record)
                print(f"{size:>8} serve: first build {first:.1f}s, rebuild after one record changed {rebuild:.1f}s, "
                      f"save to served (the page and the register) {served:.1f}s (target {SERVED[size]:g}s)"
                      if size in SERVED else
                      f"{size:>8} serve: first build {first:.1f}s, rebuild after one record changed {rebuild:.1f}s, "
                      f"save to served {served:.1f}s", flush=True)
                failed |= size in SERVED and served > SERVED[size]
        if len(per_record) > 1:
            small, large = min(per_record), max(per_record)
            scaling = per_record[large] / per_record[small]
            print(f"time per record: {per_record[small] * 1000:.2f} ms at {small}, "
                  f"{per_record[large] * 1000:.2f} ms at {large} ({scaling:.2f}x)")
            failed |= scaling > SCALING
    print(f"targets: time <= {TIME_RATIO}x, memory <= {MEMORY_RATIO}x, per-record scaling <= {SCALING}x: "
          f"{'MISSED' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
