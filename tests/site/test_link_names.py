"""HiddenTargets.may_name, the quick look before links are cut (accord.site.links): a text
may name a hidden record exactly when one of the hidden records' file names is in it, as
written or with its escapes decoded, found in one pass however many names there are."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.site.links import HiddenTargets, _plain

NAME = st.text(alphabet="ab-.%&#;\\/(é", min_size=1, max_size=6).filter(lambda name: "/" not in name)


@settings(max_examples=300, deadline=None)
@given(names=st.sets(NAME, min_size=1, max_size=8), text=st.text(alphabet="ab-.%&#;\\/(éx2D", max_size=30))
def test_may_name_is_any_hidden_name_in_the_text_or_its_decoded_form(names: set[str], text: str) -> None:
    targets = HiddenTargets([f"agreements/{name}.md" for name in names])
    plain = _plain(text)
    assert targets.may_name(text) == any(name in text or name in plain for name in targets.names)


def test_thousands_of_names_are_looked_for_in_one_pass() -> None:
    names = [f"agr-{number:05d}-{'x' * (number % 7)}" for number in range(5000)]
    targets = HiddenTargets([f"agreements/{name}.md" for name in names])
    row = "<tr><td><a href='agr-99999/'>A title</a></td></tr>" * 20
    assert not targets.may_name(row)
    assert targets.may_name(row + "agreements/agr-04242-xxxxxx/")
    assert targets.may_name("agr&#45;00008-x") and targets.may_name("agr%2D00008-x")
