"""Judged evaluation of search on the demo: `accord search`, the Accord site's search box, and
a plain mkdocs-material site of the same files.

    python scripts/eval_search.py            # the table and the questions still failing
    python scripts/eval_search.py --questions other.yaml   # another set, in the same form

The questions and their relevant records are tests/data/search_questions.yaml, written
before search was tuned; tests/search/test_search_judged.py holds the floors (MRR@10 at least
0.95 for `accord search`, 0.93 for the search box, and the box 0.15 above plain
material). Both sites are built in a temporary folder and asked in Chromium through the
worker their search box talks to.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from judged_search import PLAIN_CONFIG, QUESTIONS_FILE, accord_search, questions, score, search_box, table
from sites import build, demo_project


def main() -> int:
    import argparse

    from playwright.sync_api import sync_playwright

    from browsers import CHROMIUM, CHROMIUM_ARGS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=QUESTIONS_FILE,
                        help="questions and their relevant records (default: the judged set of the tests)")
    judged = questions(parser.parse_args().questions)

    with tempfile.TemporaryDirectory(prefix="accord-eval-search-") as scratch, sync_playwright() as playwright:
        work = Path(scratch)
        sites = {}
        for name, config in (("accord", None), ("plain", PLAIN_CONFIG)):
            built = build(demo_project(work / name, config), strict=False)
            if built.returncode:
                print(built.log, file=sys.stderr)
                return 1
            sites[name] = built.site
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        scores = [
            score("`accord search`", accord_search(), judged),
            score("the Accord site's search box", search_box(browser, sites["accord"]), judged),
            score("a plain mkdocs-material site", search_box(browser, sites["plain"]), judged),
        ]
        browser.close()
    print(table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
