"""A site's own page templates (accord.site.templating): an override in the theme's
custom_dir replaces the shipped one, and a broken one is a clear error naming the page."""

from __future__ import annotations

from conftest import KnowledgeBase
from sites import ZERO_CONFIG, build, text_of


def _with_override(kb: KnowledgeBase, template: str, text: str) -> None:
    """The zero-configuration site, with `template` overridden from its custom_dir."""
    (kb.root / "mkdocs.yml").write_text(
        ZERO_CONFIG.format(name="T").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    )
    override = kb.root / "overrides" / "accord" / "pages"
    override.mkdir(parents=True)
    (override / template).write_text(text)


def test_a_site_template_overrides_the_shipped_one(kb: KnowledgeBase) -> None:
    _with_override(kb, "organization.md.j2", '<p class="house-style">{{ m.title }} is a {{ m.kind.value }}</p>\n')
    result = build(kb.root)
    assert result.returncode == 0, result.log
    assert text_of(result.page("organizations/city-water").select_one(".house-style")) == (
        "City Water Authority is a government"
    )


def test_a_broken_template_override_is_a_clear_error(kb: KnowledgeBase) -> None:
    _with_override(kb, "organization.md.j2", "{% if %}\n")
    result = build(kb.root)
    assert result.returncode == 1
    assert "cannot render organizations/city-water.md" in result.log
    assert "Traceback" not in result.log
