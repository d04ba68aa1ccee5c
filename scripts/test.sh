#!/usr/bin/env bash
# Install everything and run the whole test suite (lint first, then pytest).
# Used by the README's second command and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium, for the browser tests (Playwright drives it; it downloads no browser).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed and cannot be installed here: browser tests will be skipped" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ "${ACCORD_DEPS:-locked}" = newest ]; then
  # The newest releases that pyproject.toml allows, in a venv of their own: drift in a
  # dependency shows up here as a failing run before a new user meets it.
  VENV=.venv-newest
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade --upgrade-strategy eager -e '.[test]'
  "$VENV/bin/python" -m pip list --format=freeze --disable-pip-version-check > "$VENV/installed.txt"
  echo "newest releases: $VENV/installed.txt (compare with requirements/lock.txt)" >&2
else
  # Exactly the versions in requirements/lock.txt (made by `uv pip compile`; see README).
  VENV=.venv
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c requirements/lock.txt -e '.[test]'
fi

"$VENV/bin/ruff" check
"$VENV/bin/python" -m pytest "$@"
