"""Benchmark: the registers at scale, as a staff member meets them in Chromium.

    python scripts/bench_registers.py                  # 2,000 and 10,000 records
    python scripts/bench_registers.py --sizes 2000 --repeat 3

For each size, one synthetic knowledge base (scripts/gen_corpus.py) is built with the Accord
plugins (bench_build.py's configuration), served from localhost, and each register
(agreements, organisations, playbooks, retrospectives, responsibilities, lessons) is opened
in Chromium (offline flags, a 1440 px window) to measure:
- the HTML the page weighs (bytes of its own document, uncompressed);
- its first screen: first contentful paint, from navigation start;
- for a long register (accord.site.paging: the first rows in the page, every row in a file
  beside it), when every row has been loaded and can be filtered, from navigation start;
- filtering: the time from a keystroke in its filter box to the rows being laid out again
  (the `input` handler and the layout it forces), the worst of a few keystrokes, over every row.
Targets (issue 22): first screen within 1 s, at most 500 KB of HTML per page, filtering within
100 ms of a keystroke. Each figure is the best of --repeat page loads. Exit status 1 if a
target is missed.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench_build import ACCORD, ENV
from gen_corpus import generate

REGISTERS = ("agreements/", "organizations/", "playbooks/", "retrospectives/", "responsibilities/", "lessons/")
FIRST_SCREEN_S, HTML_KB, FILTER_MS = 1.0, 500, 100
KEYS = "heal"  # a word typed one key at a time


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingTCPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a page closed while a file was still being sent (the next load's, not a result)


def build(root: Path, size: int) -> Path:
    docs = root / "docs"
    generate(docs, size, seed=1)
    (root / "mkdocs.yml").write_text(ACCORD.format(docs=docs))
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "site")], cwd=root, env=ENV,
                   check=True, capture_output=True)
    return root / "site"


def measure(site: Path, repeat: int) -> list[tuple[str, int, float, float | None, float | None]]:
    from playwright.sync_api import sync_playwright

    from browsers import CHROMIUM_ARGS

    handler = functools.partial(_Quiet, directory=str(site))
    with _Server(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        rows = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                         args=CHROMIUM_ARGS)
            for register in REGISTERS:
                page_file = site / register / "index.html"
                if not page_file.is_file():
                    continue
                size = page_file.stat().st_size
                paints, filters, loads = [], [], []
                for _ in range(repeat):
                    context = browser.new_context(viewport={"width": 1440, "height": 900})
                    page = context.new_page()
                    page.goto(base + register, wait_until="load")
                    paints.append(page.evaluate(
                        "(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime"))
                    if page.query_selector("[data-accord-rows]") is not None:
                        page.wait_for_selector("[data-accord-loaded]", state="attached", timeout=60_000)
                        loads.append(page.evaluate("performance.now()"))
                    box = page.query_selector("input.accord-filter")
                    if box is not None:
                        worst = page.evaluate("""(keys) => {
                            const box = document.querySelector('input.accord-filter');
                            let worst = 0;
                            for (const key of keys) {
                              const start = performance.now();
                              box.value += key;
                              box.dispatchEvent(new Event('input', {bubbles: true}));
                              document.body.getBoundingClientRect(); void document.body.offsetHeight;
                              worst = Math.max(worst, performance.now() - start);
                            }
                            return worst;
                        }""", KEYS)
                        filters.append(worst)
                    context.close()
                rows.append((register, size, min(paints) / 1000, min(filters) if filters else None,
                             min(loads) / 1000 if loads else None))
            browser.close()
        httpd.shutdown()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    missed = False
    print(f"{'records':>8}  {'register':<18} {'HTML KB':>8} {'first screen':>13} {'all rows':>9} {'filter ms':>10}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            site = build(Path(folder), size)
            for register, weight, paint, filtering, loaded in measure(site, args.repeat):
                kb = weight / 1024
                over = kb > HTML_KB or paint > FIRST_SCREEN_S or (filtering or 0) > FILTER_MS
                missed |= over
                shown = "—" if filtering is None else f"{filtering:.0f}"
                every = "—" if loaded is None else f"{loaded:.2f}s"
                print(f"{size:>8}  {register:<18} {kb:>8.0f} {paint:>12.2f}s {every:>9} {shown:>10}"
                      f"{'  MISSED' if over else ''}")
    print(f"targets: first screen <= {FIRST_SCREEN_S:g} s, HTML <= {HTML_KB} KB a page, filtering <= {FILTER_MS} ms: "
          + ("MISSED" if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
