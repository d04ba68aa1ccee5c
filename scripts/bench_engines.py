"""Benchmark: one knowledge base published by each engine, against plain mkdocs-material,
in the same run.

    python scripts/bench_engines.py                           # 2,000 and 10,000 records, best of 3
    python scripts/bench_engines.py --sizes 200 --repeat 1    # a quick check that it works

For each size, one synthetic knowledge base (scripts/gen_corpus.py), at the internal
audience, built by
- plain mkdocs-material: the search plugin, every file a page, `nav: [index.md]`
  (bench_build's PLAIN: the baseline of every ratio);
- (a) `mkdocs build` with the Accord plugins (bench_build's ACCORD);
- (b) `properdocs build` of the same project: the plugins unchanged;
- `accord render` alone, then (c) `accord render` + `mkdocs build --strict` of the plain
  project (mkdocs-material) and (d) `accord render` + `zensical build` of it.
Each step is a fresh process; the runs are taken in turns (plain, a, b, render, c, d,
plain, …) so that a slow spell of the machine weighs on all alike, and the fastest run of
each is kept. One table: seconds, peak memory (all the step's processes together, the
build's forked workers too: bench_build.measure; a render + build is the larger of its
two), site size, and the ratios of time and memory to plain mkdocs-material. No target: these are
the figures for choosing an engine (bench_build.py holds the plugin build's targets).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import ACCORD, PLAIN, Result, measure
from gen_corpus import generate

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed (pip install -c requirements/lock.txt -e '.[test]')")
    return found


def then(first: Result, second: Result) -> Result:
    """Two steps run one after the other (a render, then an engine's build)."""
    return Result(first.seconds + second.seconds, max(first.peak_mb, second.peak_mb), second.site_mb)


def one_size(work: Path, size: int, repeat: int) -> tuple[dict[str, Result], dict[str, int]]:
    """The best of `repeat` runs of each engine on a knowledge base of `size` records."""
    root = work / f"kb-{size}"
    counts = generate(root / "docs", size)
    (root / "mkdocs.yml").write_text(ACCORD.format(docs="docs"), encoding="utf-8")
    baseline = work / f"plain-{size}"
    baseline.mkdir()
    (baseline / "mkdocs.yml").write_text(PLAIN.format(docs=root / "docs"), encoding="utf-8")
    plain = work / f"render-{size}"
    python, zensical, properdocs = sys.executable, tool("zensical"), tool("properdocs")
    mkdocs = [python, "-m", "mkdocs", "build", "--quiet", "--site-dir"]
    site = {name: work / f"site-{name}-{size}" for name in ("plain", "mkdocs", "properdocs", "render")}
    best: dict[str, Result] = {}
    for _ in range(repeat):
        render = measure([python, "-m", "accord", "render", str(plain), "--audience", "internal"], root, plain)
        runs = {
            "plain mkdocs-material": measure([*mkdocs, str(site["plain"])], baseline, site["plain"]),
            "(a) mkdocs + plugins": measure([*mkdocs, str(site["mkdocs"])], root, site["mkdocs"]),
            "(b) properdocs + plugins": measure([properdocs, "build", "--quiet", "-f", "mkdocs.yml", "--site-dir",
                                                  str(site["properdocs"])], root, site["properdocs"]),
            "accord render alone": render,
            "(c) render + mkdocs": then(render, measure([*mkdocs, str(site["render"]), "--strict"], plain,
                                                         site["render"])),
            "(d) render + zensical": then(render, measure([zensical, "build", "--clean"], plain, plain / "site")),
        }
        for name, result in runs.items():
            if name not in best or result.seconds < best[name].seconds:
                best[name] = result
    return best, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each engine; the fastest counts")
    args = parser.parse_args()
    print(f"{'records':>8} {'engine':<26} {'seconds':>8} {'peak MB':>8} {'site MB':>8} {'time ratio':>10} "
          f"{'mem ratio':>9}", flush=True)
    with tempfile.TemporaryDirectory(prefix="accord-bench-engines-") as tmp:
        for size in args.sizes:
            best, counts = one_size(Path(tmp), size, args.repeat)
            base = best["plain mkdocs-material"]
            for name, result in best.items():
                print(f"{size:>8} {name:<26} {result.seconds:>8.1f} {result.peak_mb:>8.0f} {result.site_mb:>8.1f} "
                      f"{result.seconds / base.seconds:>9.2f}x {result.peak_mb / base.peak_mb:>8.2f}x", flush=True)
            print(f"{'':>8} ({', '.join(f'{n} {t}' for t, n in counts.items())}; best of {args.repeat})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
