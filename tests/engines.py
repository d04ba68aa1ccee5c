"""What the engine tests share: the demo's build date, `accord` run as a command, and a
Zensical build of a project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sites import Build

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
ZENSICAL = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")


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
