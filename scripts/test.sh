#!/usr/bin/env bash
# Install everything and run the whole test suite (lint first, then pytest).
# Used by the README's second command and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

.venv/bin/ruff check
.venv/bin/python -m pytest "$@"
