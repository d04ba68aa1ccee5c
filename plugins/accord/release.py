"""Where Accord comes from and how another repository installs it, pinned.

Accord is not on the package index: a team installs it from its Git repository at a
release tag (`v` and the version, e.g. `v0.2.0`; see CHANGELOG.md). The line that does so is
made here, once, for the README, the guide, the pre-commit snippet and everything `accord
init` writes. `accord init` prefers the line that installed the running Accord (pip records
it, PEP 610), so a team that installs from a mirror or a fork keeps using it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from accord import __version__

DISTRIBUTION = "accord-kb"
# The project's home; pyproject.toml's [project.urls] Source says the same (tested).
SOURCE = "https://github.com/accord-kb/accord"


def tag(version: str = __version__) -> str:
    """The release tag of a version."""
    return f"v{version}"


@dataclass(frozen=True)
class Origin:
    """A Git repository and a revision of it that holds Accord."""

    repository: str  # what `git clone` takes (https://…, file:///…)
    revision: str  # a release tag, or a commit where no release tag was named
    recorded: bool = False  # what pip recorded when it installed the running Accord

    @property
    def on_this_machine(self) -> bool:
        """A repository no CI runner can reach (file://)."""
        return urlsplit(self.repository).scheme == "file"

    @property
    def requirement(self) -> str:
        """The pip requirement (PEP 508) that installs exactly this revision."""
        return f"{DISTRIBUTION} @ git+{self.repository}@{self.revision}"

    @property
    def pip_install(self) -> str:
        return f'pip install "{self.requirement}"'


def published() -> Origin:
    """The project's own repository at the running version's release tag."""
    return Origin(SOURCE, tag())


def installed() -> Origin:
    """The repository and revision the running Accord was installed from, where pip recorded
    a Git URL; the project's own repository at this version's tag otherwise (an editable
    checkout, a wheel, a folder)."""
    return _from_direct_url(_direct_url()) or published()


def _direct_url() -> dict | None:
    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    try:
        found = json.loads(text) if text else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


# What pins a revision: a release tag (v1.2.3, v1.2.3rc1) or a whole commit id. A branch
# (`@main`) moves, so the commit pip installed from it is written instead.
_RELEASE_TAG = re.compile(r"^v\d+\.\d+\.\d+[\w.+-]*$")
_COMMIT = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def _from_direct_url(record: dict | None) -> Origin | None:
    vcs = (record or {}).get("vcs_info")
    if not isinstance(vcs, dict) or vcs.get("vcs") != "git":
        return None
    url = record.get("url")
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme == "ssh" and parts.username == "git" and not parts.password and parts.hostname:
        # A CI runner has no SSH key for the repository: the same path over https.
        url = f"https://{parts.hostname}{parts.path}"
        parts = urlsplit(url)
    if parts.scheme not in ("https", "http", "file") or parts.username or parts.password:
        return None  # nothing a runner cannot fetch, and never a token or a name written into a repository
    requested, commit = vcs.get("requested_revision"), vcs.get("commit_id")
    for revision, pattern in ((requested, _RELEASE_TAG), (commit, _COMMIT)):
        if isinstance(revision, str) and pattern.match(revision):
            return Origin(url, revision, recorded=True)
    return None


@cache
def lock_file() -> Path:
    """The lock Accord is tested with (requirements/lock.txt), inside the wheel or the checkout."""
    package = Path(__file__).resolve().parent
    shipped = package / "lock.txt"
    return shipped if shipped.is_file() else package.parent.parent / "requirements" / "lock.txt"


_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)(\s*;.*)?$")
_VIA = re.compile(r"^#\s+(?:via\s+)?([A-Za-z0-9][A-Za-z0-9._-]*)")


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def runtime_pins(lock: str) -> list[str]:
    """The lines of `lock` (uv's annotated, universal lock) that Accord needs to run: the
    packages its own dependencies reach, following the lock's `# via` notes, without the
    test tools. Each keeps its environment marker."""
    pins: list[tuple[str, str]] = []  # a package may have a line per environment
    parents: dict[str, set[str]] = {}
    current: str | None = None
    for line in lock.splitlines():
        stripped = line.strip()
        pin = _PIN.match(stripped)
        if pin:
            current = _name(pin.group(1))
            pins.append((current, stripped))
            parents.setdefault(current, set())
            continue
        via = _VIA.match(stripped)
        if via and current is not None and via.group(1) != "via":
            parents[current].add(_name(via.group(1)))
    wanted = set(_runtime_dependencies())
    changed = True
    while changed:
        changed = False
        for name, via in parents.items():
            if name not in wanted and via & wanted:
                wanted.add(name)
                changed = True
    return [line for name, line in pins if name in wanted]


def _runtime_dependencies() -> list[str]:
    """The names of Accord's own dependencies, without its extras."""
    names = []
    try:
        required = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        required = _declared()
    for requirement in required:
        if "extra ==" in requirement:
            continue
        found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        if found:
            names.append(_name(found.group(0)))
    return names


def _declared() -> list[str]:
    """pyproject.toml's dependencies, where Accord runs from a checkout that was never installed."""
    import tomllib

    pyproject = Path(__file__).resolve().parent.parent.parent / "pyproject.toml"
    return list(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"])


def requirements(origin: Origin) -> str:
    """A team's requirements.txt: Accord from `origin`, and everything it needs at the
    versions this release was tested with."""
    pins = runtime_pins(lock_file().read_text(encoding="utf-8"))
    return "\n".join([
        f"# Accord {__version__} and everything it needs, at the versions it was tested with.",
        "# Install with: pip install -r requirements.txt",
        "# To upgrade: install the new release (its tag in place of the one below), then",
        "# write this file again with `accord requirements > requirements.txt`.",
        origin.requirement,
        *pins,
    ]) + "\n"
