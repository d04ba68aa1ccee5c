"""A hidden record's path written where no link syntax reaches it (an indented code block, a
raw HTML block, a comment, a script, a reference definition no reader takes for one) is cut
too, in a public build and in `accord render`'s plain Markdown (accord.site.links'
cut_named_paths, the net under the link cutting). Found by a red team: the plugin build
showed these paths while `accord render` cut them, and render kept two definition forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from engines import accord
from sites import DEMO_EPOCH, build, demo_project

HIDDEN = "community-health-workers-moa"  # an internal agreement of the demo: hidden from the public

NOTES = f"""\
# Leak

<div>
[CHW](../agreements/{HIDDEN}.md)
</div>

    [CHW](../agreements/{HIDDEN}.md)

<!-- [CHW](../agreements/{HIDDEN}.md) -->

<pre>[p](../agreements/{HIDDEN}.md)</pre>

<script>location="../agreements/{HIDDEN}/"</script>

Its address is ../agreements/{HIDDEN}/.

See the [health workers][] agreement.

[health
workers]: ../agreements/{HIDDEN}.md

- > [unused]: ../agreements/{HIDDEN}.md#parties

The public [school meals MOU](../agreements/northvale-school-meals-mou-2025.md) stays, and so does
the word agreements.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = demo_project(tmp_path_factory.mktemp("paths"))
    (root / "docs" / "notes").mkdir()
    (root / "docs" / "notes" / "leak.md").write_text(NOTES, encoding="utf-8")
    return root


def test_a_public_build_shows_no_hidden_path_wherever_it_is_written(project: Path) -> None:
    result = build(project, env={**DEMO_EPOCH, "ACCORD_AUDIENCE": "public"})
    assert result.returncode == 0, result.log
    page = (result.site / "notes" / "leak" / "index.html").read_text(encoding="utf-8")
    assert HIDDEN not in page
    assert "northvale-school-meals-mou-2025/" in page and "the word agreements" in page  # the rest stays
    searched = [p.name for p in (result.site / "search").rglob("*.json") if HIDDEN in p.read_text(encoding="utf-8")]
    assert not searched


def test_accord_render_writes_no_hidden_path_wherever_it_is_written(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    made = accord("render", str(out), "--audience", "public", cwd=project)
    assert made.returncode == 0, made.stdout + made.stderr
    page = (out / "docs" / "notes" / "leak.md").read_text(encoding="utf-8")
    assert HIDDEN not in page
    assert "../agreements/northvale-school-meals-mou-2025.md" in page
