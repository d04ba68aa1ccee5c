"""Benchmark: one knowledge base published three ways, timed in the same run.

    python scripts/bench_engines.py                 # 2,000 records, best of 3
    python scripts/bench_engines.py --size 500 --repeat 1

For one synthetic knowledge base (scripts/gen_corpus.py), at the internal audience:
(a) `mkdocs build` with the Accord plugins (the baseline),
(b) `accord render` then `mkdocs build --strict` of the plain project (mkdocs-material),
(c) `accord render` then `zensical build` of the same plain project.
Each step is a fresh process; the runs are taken in turns (a, b, c, a, b, c, …) so that a
slow spell of the machine weighs on all alike, and the best of each is kept. Printed:
seconds per step and the ratios of (b) and (c) to (a). No target: these are the figures
for choosing an engine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import ACCORD, ENV, folder_size
from gen_corpus import generate

BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{(result.stdout + result.stderr)[-3000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    zensical = shutil.which("zensical", path=str(BIN)) or shutil.which("zensical")
    if zensical is None:
        raise SystemExit("zensical is not installed (pip install -c requirements/lock.txt -e '.[test]')")
    with tempfile.TemporaryDirectory(prefix="accord-bench-engines-") as tmp:
        root = Path(tmp) / "kb"
        counts = generate(root / "docs", args.size)
        (root / "mkdocs.yml").write_text(ACCORD.format(docs="docs"), encoding="utf-8")
        plain = Path(tmp) / "plain"
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
        render = [sys.executable, "-m", "accord", "render", str(plain), "--audience", "internal"]
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            steps = {
                "plugins": timed([*mkdocs, "--site-dir", str(Path(tmp) / "site-plugins")], root),
                "render": timed(render, root),
                "render + mkdocs": timed([*mkdocs, "--strict", "--site-dir", str(Path(tmp) / "site-mkdocs")], plain),
                "render + zensical": timed([zensical, "build", "--clean"], plain),
            }
            steps["render + mkdocs"] += steps["render"]
            steps["render + zensical"] += steps["render"]
            for name, seconds in steps.items():
                best[name] = min(seconds, best.get(name, seconds))
        print(f"{args.size:,} records ({', '.join(f'{n} {t}' for t, n in counts.items())}), best of {args.repeat}")
        base = best["plugins"]
        for name, seconds in best.items():
            print(f"  {name:<18} {seconds:7.1f} s   {seconds / base:5.2f}x the plugin build")
        print(f"  site sizes: plugins {folder_size(Path(tmp) / 'site-plugins'):.0f} MB, "
              f"render + mkdocs {folder_size(Path(tmp) / 'site-mkdocs'):.0f} MB, "
              f"render + zensical {folder_size(plain / 'site'):.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
