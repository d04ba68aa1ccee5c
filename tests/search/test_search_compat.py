"""The Whoosh internals accord.search.scoring reads (accord.compat's Whoosh section) still hold
in the installed whoosh-reloaded: if they did not, every search would quietly fall back to
Whoosh's own, slower scoring."""

from __future__ import annotations

from accord import compat


def test_the_installed_whoosh_has_every_internal_scoring_reads() -> None:
    assert compat.whoosh_unchecked() == []
    assert compat.whoosh_leaf_matcher() is not None
