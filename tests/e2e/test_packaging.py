"""The wheel carries the package and its templates, and works outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ORG_A, ORG_B, REPO


def test_wheel_ships_templates_and_works_outside_the_repository(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(dist.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for template in ("agreement", "organization", "playbook", "retrospective"):
        assert f"accord/templates/new/{template}.md.j2" in names
    assert "accord/commands/cli.py" in names
    assert "accord/templates/pages/writing-records.md.j2" in names  # the authors' guide every site gets
    assert "accord/templates/init/github/workflows/site.yml.j2" in names
    assert "accord/lock.txt" in names  # what `accord init` pins a team's install to

    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "docs" / "organizations").mkdir(parents=True)
    (elsewhere / "docs" / "organizations" / "city-water.md").write_text(ORG_A)
    (elsewhere / "docs" / "organizations" / "river-trust.md").write_text(ORG_B)
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import accord.site.templating as t, sys; print(t.templates_dir()); sys.argv[0] = 'accord'; "
            "import accord.commands.cli")
    where = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True,
                           check=True)
    assert where.stdout.strip() == str(target / "accord" / "templates")
    created = subprocess.run(
        [sys.executable, "-m", "accord", "new", "agreement", "water-mou", "--party", "city-water", "--party",
         "river-trust"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert created.returncode == 0, created.stderr
    assert (elsewhere / "docs" / "agreements" / "water-mou.md").is_file()
    # A knowledge base of one's own, from the installed wheel: init, then a strict build.
    initialised = subprocess.run([sys.executable, "-m", "accord", "init", "kb", "--name", "Elsewhere"],
                                 cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert initialised.returncode == 0, initialised.stderr
    assert (tmp_path / "kb" / ".gitignore").is_file()
    assert (tmp_path / "kb" / ".github" / "workflows" / "due.yml").is_file()
    assert "\nmkdocs==" in (tmp_path / "kb" / "requirements.txt").read_text()  # pinned from the shipped lock
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=tmp_path / "kb",
                           env={**env, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True, timeout=300,
                           check=False)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "kb" / "site" / "agreements" / "example-partnership-mou" / "index.html").is_file()
