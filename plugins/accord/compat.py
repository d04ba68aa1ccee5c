"""Every touch of another package's internals, in one place.

Accord leans on a few things MkDocs, ProperDocs, mkdocs-material, watchdog and Whoosh do not
promise: private attributes and functions that a release may rename without notice. Each such
touch is a function here, and nowhere else in Accord reaches past another package's public
surface. `check()` compares what is installed with the versions these were read from, and says
plainly what has changed, so a new release fails loudly at the start of a build instead of
quietly half-working.

Nothing here imports MkDocs, material, watchdog or Whoosh at module level: `accord search` and
`accord validate` import this module without paying for them.
"""
from __future__ import annotations
