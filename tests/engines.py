"""What the engine tests share: the demo's build date, `accord` run as a command, a
ProperDocs and a Zensical build of a project, a knowledge base from `accord init` with
hidden records, and a site's pages read alike whatever engine built them."""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sites import Build, text_of

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
ZENSICAL = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")
PROPERDOCS = shutil.which("properdocs", path=str(Path(sys.executable).parent)) or shutil.which("properdocs")


def accord(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`accord` run as a user runs it, on the demo's build date (a hang fails after `timeout` s)."""
    return subprocess.run([sys.executable, "-m", "accord", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False, env={**os.environ, **EPOCH})


def quick_accord(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`accord` for a command that answers at once: a hang fails after 120 s."""
    return accord(*args, cwd=cwd, timeout=120)


def zensical(root: Path) -> Build:
    if ZENSICAL is None:
        pytest.fail("zensical is not installed: the test command installs it (pyproject's test extra)")
    result = subprocess.run([ZENSICAL, "build", "--clean"], cwd=root, capture_output=True, text=True, timeout=600,
                            check=False, env={**os.environ, **EPOCH, "NO_COLOR": "1"})
    return Build(result.returncode, result.stdout + result.stderr, root / "site")


def properdocs(root: Path, *, env: dict[str, str] | None = None, site: Path | None = None) -> Build:
    """`properdocs build --strict` of the project in `root` as it is, mkdocs.yml and all: the
    one step a team takes to move from MkDocs (sites.build) to ProperDocs."""
    if PROPERDOCS is None:
        pytest.fail("properdocs is not installed: the test command installs it (pyproject's test extra)")
    site = site or root / "site"
    result = subprocess.run([PROPERDOCS, "build", "--strict", "--site-dir", str(site)], cwd=root, capture_output=True,
                            text=True, timeout=600, check=False, env={**os.environ, **(env or {})})
    return Build(result.returncode, result.stdout + result.stderr, site)


# A knowledge base from `accord init`, with a record above each narrower audience --------------


INTERNAL_ORG = """\
---
id: zz-internal-trust
type: organization
title: Zzinternal Widget Trust
kind: ngo
confidentiality: internal
---
Zzinternal body text.
"""
RESTRICTED_MOU = """\
---
id: zz-restricted-settlement
type: agreement
title: Zzrestricted settlement terms
kind: mou
status: negotiation
confidentiality: restricted
parties:
  - org: example-city-council
  - org: zz-internal-trust
---
Zzrestricted body text.
"""
SECRETS = ("Zzinternal", "Zzrestricted", "zz-internal-trust", "zz-restricted-settlement")


# A site's pages, whatever engine built it ---------------------------------------------------


def page_key(path: str) -> str:
    """A page's address whatever the URL style: `a/b/index.html`, `a/b.html` → `a/b/`."""
    if path.endswith("index.html"):
        return path[: -len("index.html")]
    return path[: -len(".html")] + "/" if path.endswith(".html") else path


def pages(site: Path) -> dict[str, str]:
    """Page address → file, for every page but the engine's own (search, 404)."""
    skip = ("search/", "assets/", "404.html", "search.html")
    files = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    return {page_key(f): f for f in files if not f.startswith(skip) and f not in skip}


def article(site: Path, page: str) -> BeautifulSoup:
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    return soup.find("article") or soup


def target(page: str, href: str) -> str:
    """The address a link on `page` leads to."""
    path, _, fragment = href.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) + ("/" if path.endswith("/") else "")
    return page_key(resolved.lstrip("./") if resolved != "." else "") + (f"#{fragment}" if fragment else "")


def key_content(site: Path, page: str) -> dict[str, object]:
    found = article(site, page)
    return {
        "raci": [[text_of(cell) for cell in row.find_all(["th", "td"])]
                 for table in found.select("table.accord-raci") for row in table.find_all("tr")],
        "lessons": sorted(h.get("id") for h in found.select(".accord-lesson-title")),
        "links": sorted((text_of(a), target(page, a.get("href", "")))
                        for ul in found.select("ul.accord-links") for a in ul.find_all("a")),
        "parties": [text_of(item) for item in found.select("ul.accord-parties li")],
        "register": [text_of(cell) for cell in found.select("[data-accord-register] td")],
    }


def init_kb(folder: Path) -> Path:
    """A knowledge base made by `accord init` in `folder`/kb, holding an internal and a restricted record."""
    result = accord("init", "kb", "--name", "Engines test", cwd=folder)
    assert result.returncode == 0, result.stderr
    root = folder / "kb"
    (root / "docs" / "organizations" / "zz-internal-trust.md").write_text(INTERNAL_ORG)
    (root / "docs" / "agreements" / "zz-restricted-settlement.md").write_text(RESTRICTED_MOU)
    assert accord("validate", "--strict", cwd=root).returncode == 0
    return root
