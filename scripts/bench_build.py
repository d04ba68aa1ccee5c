"""Benchmark: building the site with the Accord plugins against a plain mkdocs-material build.

    python scripts/bench_build.py                    # 2,000 and 10,000 records
    python scripts/bench_build.py --sizes 2000 --no-serve

For each size, one synthetic knowledge base (scripts/gen_corpus.py) is built in one run by
(a) plain mkdocs-material with the search plugin and `nav: [index.md]` (the navigation
    cut to the home page, so the build stays linear), and
(b) the Accord plugins with zero configuration:
    `plugins: [search, accord/records, accord/pages, accord/search]`.
Each build is a fresh `mkdocs build` process, taken in turns, the fastest of --repeat
kept; the script prints wall time, peak memory (all the build's processes together: its
forked workers count for what they add, PSS sampled every 20 ms; and the largest one
process), site size and the ratios; then, under `mkdocs serve`, five saves of one record
with a new title: each rebuild, and each time from saving to the new title being served on
its page and in the register, the slowest of the five counting. Targets: (b) <= 1.5x (a)
in time at both sizes, peak memory <= 2x (a), (b)'s time per record at 10,000 within 1.2x
of that at 2,000, and save to served within 2 s at 2,000 and 5 s at 10,000 (every save).
Exit status 1 if a target is missed.
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
    peak_mb: float  # the most memory its processes held at once (PSS, summed over them, sampled)
    site_mb: float
    largest_mb: float = 0.0  # the largest one process held (its peak RSS, from the kernel)


def folder_size(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _processes(pid: int) -> list[int]:
    """`pid` and every process it started, as Linux lists them."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                waiting += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    """The process's proportional share of memory: a page it shares with N others counts 1/N,
    so forked workers are counted for what they add, never twice."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure(command: list[str], cwd: Path, site: Path | None = None) -> Result:
    """One run of `command`: wall seconds; the peak of the memory all its processes hold
    together (the build and any worker it forks: PSS summed, sampled every 20 ms), and the
    largest one process held (os.wait4's peak RSS, which counts only the largest); the size
    of the site it wrote. A failure ends the benchmark."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], sum(_pss_kb(pid) for pid in _processes(process.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""  # (never a full pipe)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed in {cwd}:\n{error[-3000:]}")
    largest = usage.ru_maxrss / 1024
    return Result(seconds, max(peak[0] / 1024, 0.0) or largest, folder_size(site) if site else 0.0, largest)


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
    return measure([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)], project, site)


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


def serve_rebuild(project: Path, record: Path, saves: int = 5) -> tuple[float, list[float], list[float]]:
    """Under `mkdocs serve`: seconds of the first build; then, for each of `saves` saves of
    one record with a new title, the rebuild's seconds and the time from saving the file to
    the new title being served both on the record's page and on a page that depends on it
    (the agreements register)."""
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
    text = record.read_text(encoding="utf-8")
    try:
        if not ready.wait(1800):
            raise SystemExit("mkdocs serve did not finish its first build")
        rebuilds, served = [], []
        for _ in range(saves):
            ready.clear()
            time.sleep(2)  # let the watcher settle, and the last save's index be written
            served.append(_save_and_wait(f"http://127.0.0.1:{port}/", record, text))
            ready.wait(60)
            rebuilds.append(built[-1])
        return built[0], rebuilds, served
    finally:
        record.write_text(text, encoding="utf-8")
        process.terminate()
        process.wait(timeout=60)


def _save_and_wait(base: str, record: Path, text: str) -> float:
    """Save the record with a new title; seconds until its page and the register show it."""
    marker = f"Edited {time.time_ns()}"
    edited = re.sub(r'^title: (["\']?)(.*?)\1[ \t]*$', rf"title: \g<1>\g<2> {marker}\g<1>", text, count=1,
                    flags=re.MULTILINE)
    assert edited != text, "no title line to edit"
    saved = time.perf_counter()
    record.write_text(edited, encoding="utf-8")
    page, register = base + f"agreements/{record.stem}/", base + "agreements/"
    # (a long register holds its first rows, the rest in a file beside it: accord.site.paging)
    while not (_served(page, marker) and (_served(register, marker) or _served(register + "index.rows.json", marker))):
        if time.perf_counter() - saved > 1800:
            raise SystemExit("mkdocs serve did not serve the change")
        time.sleep(0.05)
    return time.perf_counter() - saved


def say_serve(size: int, first: float, rebuilds: list[float], served: list[float]) -> bool:
    """Print the serve figures; whether the target was missed (the worst save counts)."""
    target = SERVED.get(size)
    print(f"{size:>8} serve: first build {first:.1f}s; {len(served)} saves: rebuild "
          f"{', '.join(f'{t:.1f}' for t in rebuilds)} s; save to served (the page and the register) "
          f"{', '.join(f'{t:.1f}' for t in served)} s, worst {max(served):.1f}s"
          + (f" (target {target:g}s)" if target else ""), flush=True)
    return target is not None and max(served) > target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="keep the corpora and sites here (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=2, help="builds of each kind; the fastest counts")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve rebuild measurement")
    parser.add_argument("--serve-only", action="store_true", help="only the mkdocs serve measurement")
    parser.add_argument("--saves", type=int, default=5, help="saves under mkdocs serve; the slowest counts")
    args = parser.parse_args()

    failed = False
    per_record: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="accord-bench-build-") as scratch:
        work = args.work or Path(scratch)
        header = (f"{'records':>8} {'build':<9} {'seconds':>8} {'peak MB':>8} {'largest':>8} {'site MB':>8} "
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
                failed |= say_serve(size, *serve_rebuild(work / f"accord-{size}", record, args.saves))
                continue
            results = mkdocs_builds(projects, args.repeat)
            plain, accord = results["plain"], results["accord"]
            time_ratio, memory_ratio = accord.seconds / plain.seconds, accord.peak_mb / plain.peak_mb
            for name, result in (("(a)plain", plain), ("(b)accord", accord)):
                print(f"{size:>8} {name:<9} {result.seconds:>8.1f} {result.peak_mb:>8.0f} {result.largest_mb:>8.0f} "
                      f"{result.site_mb:>8.1f} {result.seconds / plain.seconds:>9.2f}x "
                      f"{result.peak_mb / plain.peak_mb:>8.2f}x", flush=True)
            failed |= time_ratio > TIME_RATIO or memory_ratio > MEMORY_RATIO
            per_record[size] = accord.seconds / size
            if not args.no_serve:
                record = next((docs / "agreements").glob("*.md"))
                failed |= say_serve(size, *serve_rebuild(work / f"accord-{size}", record, args.saves))
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
