"""A team adopts Accord from nothing, as the README says: in a fresh virtual environment it
installs Accord from the Git repository at a release tag (here a local clone, by
`git+file://`), runs `accord init`, and then the knowledge base's own workflows (their shell
steps, in order, as GitHub Actions would run them) and its pre-commit hook work, with no
network but the package registries.

Slow (two installs of Accord and its dependencies, and pre-commit's own): one test walks the
whole path, as a new team would, rather than several that each install again."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from accord import __version__, release
from conftest import REPO

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main",
       "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(command: list[str] | str, cwd: Path, env: dict[str, str], timeout: int = 900,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          shell=isinstance(command, str), executable="/bin/bash" if isinstance(command, str) else None)
    if check:
        assert done.returncode == 0, f"{command}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def release_clone(where: Path) -> Path:
    """This working tree as it is (what CI checked out, or a developer's uncommitted change),
    committed to a repository of its own and tagged as this release."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            target = where / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    env = {**os.environ}
    run([*GIT, "init", "-q"], where, env)
    run([*GIT, "add", "-A"], where, env)
    run([*GIT, "commit", "-q", "-m", "release"], where, env)
    run([*GIT, "tag", "-a", release.tag(), "-m", f"Accord {__version__}"], where, env)
    return where


def steps(workflow: Path, job: str) -> list[dict]:
    return yaml.safe_load(workflow.read_text())["jobs"][job]["steps"]


def run_step(step: dict, cwd: Path, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    """A `run:` step as GitHub Actions runs it (bash -eo pipefail), its `env:` set; an
    expression (`${{ … }}`) takes the value given in `extra` under the variable's name."""
    step_env = dict(env)
    for name, value in (step.get("env") or {}).items():
        step_env[name] = extra[name] if "${{" in str(value) else str(value)
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd,
                          env=step_env, capture_output=True, text=True, timeout=900)


def test_a_new_team_goes_from_nothing_to_a_published_site(tmp_path: Path) -> None:
    source = release_clone(tmp_path / "accord")
    url = source.as_uri()

    # 1. The documented install, in a fresh virtual environment, from the Git repository at the tag.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(venv),
           "NO_MKDOCS_2_WARNING": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONPATH": ""}
    env.pop("ACCORD_AUDIENCE", None)
    # The venv module's own pip (23.2 with Python 3.11.7) cannot read a `git+file:` requirement,
    # which only this test needs (a team's is https); GitHub's runners bring a current pip.
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--upgrade", "pip"], tmp_path, env)
    documented = release.published().pip_install
    assert release.SOURCE in documented and f"@{release.tag()}" in documented
    run(documented.replace(release.SOURCE, url), tmp_path, env)
    assert (venv / "bin" / "accord").is_file() and (venv / "bin" / "mkdocs").is_file()

    # 2. accord init: the knowledge base, with the team's files pointing at where Accord came from.
    created = run(["accord", "init", "kb", "--name", "City Council Partnerships"], tmp_path, env)
    kb = tmp_path / "kb"
    requirement = f"accord-kb @ git+{url}@{release.tag()}"
    assert requirement in created.stdout
    requirements = (kb / "requirements.txt").read_text()
    assert requirement in requirements.splitlines()
    assert re.search(r"^mkdocs-material==\S+$", requirements, re.MULTILINE)  # the dependencies are pinned
    hook = yaml.safe_load((kb / ".pre-commit-config.yaml").read_text())["repos"][0]
    assert hook == {"repo": url, "rev": release.tag(), "hooks": [{"id": "accord-validate"}]}
    readme = (kb / "README.md").read_text()
    assert "GitHub Actions" in readme and "pip install -r requirements.txt" in readme
    run([*GIT, "init", "-q"], kb, env)
    run([*GIT, "add", "-A"], kb, env)
    run([*GIT, "commit", "-q", "-m", "A new knowledge base"], kb, env)

    # 3. The site workflow: the whole history, the pinned install, validate, a strict public build.
    site = kb / ".github" / "workflows" / "site.yml"
    build = steps(site, "build")
    checkout = next(s for s in build if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") and s["with"]["path"] == "site"
               for s in build)
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(site, "deploy"))
    shell = [s for s in build if "run" in s]
    assert [s["run"] for s in shell] == ["pip install -r requirements.txt", "accord validate --format github",
                                         "mkdocs build --strict"]
    for step in shell:
        done = run_step(step, kb, env)
        assert done.returncode == 0, f"{step['run']}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert (kb / "site" / "index.html").is_file()
    assert (kb / "site" / "guide" / "writing-records" / "index.html").is_file()  # the field reference
    assert "example-partnership-mou" in (kb / "site" / "agreements" / "index.html").read_text()
    assert shell[-1]["env"]["ACCORD_AUDIENCE"] == "public"

    # 4. The weekly due job, with `gh` standing in for GitHub's own: nothing overdue, then something.
    due = [s for s in steps(kb / ".github" / "workflows" / "due.yml", "due") if "run" in s]
    assert due[0]["run"] == "pip install -r requirements.txt"
    stub = tmp_path / "bin" / "gh"
    stub.parent.mkdir()
    calls = tmp_path / "gh-calls"
    stub.write_text('#!/bin/bash\necho "$*" >> "$GH_CALLS"\n'
                    'if [ "$1 $2" = "issue list" ]; then cat "$GH_OPEN" 2>/dev/null; fi\n'
                    'for a in "$@"; do [ "$previous" = --body-file ] && cp "$a" "$GH_BODY"; previous=$a; done\n')
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    gh_env = {**env, "PATH": f"{stub.parent}{os.pathsep}{env['PATH']}", "GH_CALLS": str(calls),
              "GH_OPEN": str(tmp_path / "open"), "GH_BODY": str(tmp_path / "body.md")}
    job = due[-1]
    quiet = run_step(job, kb, gh_env, GH_TOKEN="t", GH_REPO="council/partnerships")
    assert quiet.returncode == 0, quiet.stderr
    assert calls.read_text().startswith("issue list") and "issue create" not in calls.read_text()

    agreement = kb / "docs" / "agreements" / "example-partnership-mou.md"
    text = agreement.read_text()
    agreement.write_text(re.sub(r"(\n  review: \[)[0-9-]+(\])", r"\g<1>2020-01-01\2", text, count=1))
    overdue = run_step(job, kb, gh_env, GH_TOKEN="t", GH_REPO="council/partnerships")
    assert overdue.returncode == 3, overdue.stdout + overdue.stderr  # the run fails: GitHub e-mails
    assert "issue create --title Overdue in the partnership knowledge base --body-file due.md" in calls.read_text()
    body = (tmp_path / "body.md").read_text()
    assert "Overdue: 1" in body and "2020-01-01" in body
    (tmp_path / "open").write_text("7\n")
    again = run_step(job, kb, gh_env, GH_TOKEN="t", GH_REPO="council/partnerships")
    assert again.returncode == 3 and "issue edit 7 --body-file due.md" in calls.read_text()
    agreement.write_text(text)
    cleared = run_step(job, kb, gh_env, GH_TOKEN="t", GH_REPO="council/partnerships")
    assert cleared.returncode == 0 and "issue close 7" in calls.read_text()

    # 5. pre-commit, from the repository and tag the knowledge base names: a clean commit passes;
    # a commit that only deletes a partner that an agreement names is stopped.
    hooks_env = {**env, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    pre_commit = [sys.executable, "-m", "pre_commit"]
    run([*pre_commit, "install"], kb, hooks_env)
    checked = run([*pre_commit, "run", "--all-files"], kb, hooks_env)
    assert "accord validate" in checked.stdout and "Passed" in checked.stdout
    run([*GIT, "rm", "-q", "docs/organizations/example-community-trust.md"], kb, hooks_env)
    refused = run([*GIT, "commit", "-m", "Remove the trust"], kb, hooks_env, check=False)
    said = refused.stdout + refused.stderr  # git prints its hook's output on stderr
    assert refused.returncode != 0, said
    assert "Failed" in said and "unknown-id" in said
    assert "example-community-trust`, but no record has that id" in said
    assert run(["git", "log", "--oneline"], kb, env).stdout.count("\n") == 1  # nothing was committed
