"""What Accord's search takes from mkdocs-material's and gives back: the theme's entries for
the pages that are not records', the registers offered when no record answers, and each
page's search box pointed at Accord's worker."""

from __future__ import annotations

import json
import re
from typing import Any

from mkdocs.structure.files import Files

from accord.search import static

_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL)
_THEME_WORKER = re.compile(r"assets/javascripts/workers/search\.[\w.-]*\.js$")

# The registers a question no record answers is pointed to, where the site has them.
REGISTERS = (("agreements/index.md", "Agreements"), ("organizations/index.md", "Organisations"),
             ("lessons/index.md", "Lessons"))


def registers(files: Files) -> list[dict[str, str]]:
    found = []
    for src_uri, title in REGISTERS:
        file = files.get_file_from_path(src_uri)
        if file is not None and not file.inclusion.is_excluded():
            found.append({"title": title, "location": file.url})
    return found


def theme_pages(theme_index: dict[str, Any]) -> list[static.Doc]:
    """The theme's entries for the pages that are not records', taken out of its index (its
    file keeps only its settings, which the theme hands to the worker)."""
    pages = static.page_docs(theme_index.get("docs", []))
    theme_index["docs"] = []
    return pages


def point_to_worker(output: str, worker: str) -> str:
    """The page, its search box pointed at Accord's worker (the theme names its worker in the
    page's `__config`)."""
    def replace(match: re.Match[str]) -> str:
        try:
            app = json.loads(match.group(2))
        except ValueError:
            return match.group(0)
        if not isinstance(app, dict) or not isinstance(app.get("search"), str):
            return match.group(0)
        app["search"] = _THEME_WORKER.sub(worker, app["search"])
        text = json.dumps(app, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        return match.group(1) + text + match.group(3)

    return _CONFIG.sub(replace, output, count=1)
