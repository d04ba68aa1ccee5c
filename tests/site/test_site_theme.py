"""accord.site.theme: a record's `icon` and `template` are checked against the theme
(hardening, issue 11): `accord validate` names an unknown one, with the nearest name, and
the build fails with the same code rather than a traceback."""

from __future__ import annotations

from pathlib import Path

from engines import quick_accord as accord
from sites import build, demo_project


def test_unknown_icons_and_templates_are_caught_by_validate(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    record = root / "docs" / "organizations" / "greenway-transit.md"
    record.write_text(record.read_text().replace("title: Greenway Transit Ltd",
                                                 "title: Greenway Transit Ltd\nicon: material/handshak"))
    result = accord("validate", cwd=root)
    assert ("unknown-icon: the theme has no icon `material/handshak`; did you mean `material/handshake`?"
            in result.stdout)
    record.write_text(record.read_text().replace("icon: material/handshak", "template: nonexistent.html"))
    assert "unknown-template" in accord("validate", cwd=root).stdout
    built = build(root, strict=False)
    assert built.returncode == 1 and "unknown-template" in built.log and "Traceback" not in built.log
