"""Benchmark: `accord validate` against a bare libyaml parse of the same front matter.

    python scripts/bench_validate.py                 # N = 1,000 and 10,000
    python scripts/bench_validate.py --sizes 2000 --repeat 1

For each size a synthetic knowledge base is generated (scripts/gen_corpus.py), then in
one run:
- baseline: `yaml.load(fm, Loader=yaml.CSafeLoader)` over every record's front matter,
  already read and split (the parse alone, the cheapest possible "validation");
- accord: the whole `accord validate DIR` command in a fresh process (start-up, reading,
  splitting, positioned parsing, models, cross-record rules, output).
Both are the best of --repeat runs. Targets at 10,000 records: ratio <= 2, peak
memory < 500 MB. Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from frontmatter.default_handlers import YAMLHandler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate

RATIO_TARGET = 2.0
MEMORY_TARGET_MB = 500


def front_matters(docs: Path) -> list[str]:
    handler = YAMLHandler()
    texts = []
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if handler.detect(text):
            texts.append(handler.split(text)[0])
    return texts


def bare_parse(texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            yaml.load(text, Loader=yaml.CSafeLoader)
        best = min(best, time.perf_counter() - started)
    return best


def accord_validate(docs: Path, repeat: int) -> tuple[float, float]:
    """Best wall time (s) and peak resident memory (MB) of the command."""
    best, peak = float("inf"), 0.0
    for _ in range(repeat):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "accord", "validate", str(docs)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(
                f"accord validate failed on {docs}: {process.stderr.read().decode() if process.stderr else ''}"
            )
        best = min(best, elapsed)
        peak = max(peak, usage.ru_maxrss / 1024)
    return best, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="keep the corpora here (default: a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="accord-bench-") as scratch:
        work = args.work or Path(scratch)
        print(f"{'records':>8} {'bare C parse':>13} {'accord validate':>16} {'ratio':>6} {'peak MB':>8}")
        failed = False
        for size in args.sizes:
            docs = work / f"corpus-{size}-{args.seed}"
            if not docs.is_dir():
                generate(docs, size, seed=args.seed)
            baseline = bare_parse(front_matters(docs), args.repeat)
            validate, peak = accord_validate(docs, args.repeat)
            ratio = validate / baseline
            print(f"{size:>8} {baseline:>12.2f}s {validate:>15.2f}s {ratio:>5.2f}x {peak:>8.0f}")
            if size >= 10000 and (ratio > RATIO_TARGET or peak >= MEMORY_TARGET_MB):
                failed = True
        print(
            f"targets at 10,000 records: ratio <= {RATIO_TARGET}, peak < {MEMORY_TARGET_MB} MB: "
            f"{'MISSED' if failed else 'met'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
