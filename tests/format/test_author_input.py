"""What authors naturally write, and the messages they get when it is wrong (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from accord.commands.cli import main
from conftest import KnowledgeBase, line_of

AG = "agreements/river-mou.md"


def _objectives(kb: KnowledgeBase) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["export", "objectives", "--format", "json", "--docs-dir", str(kb.docs)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["rows"]


# Accepted as written -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1.10", "012", "40", "2.5e3"])
def test_a_bare_number_in_a_text_field_is_kept_as_written(kb: KnowledgeBase, value: str) -> None:
    kb.edit(AG, "    due: 2028-06-30", f"    due: 2028-06-30\n    baseline: 0\n    target: {value}")
    assert kb.validate("--strict").exit_code == 0
    [row] = _objectives(kb)
    assert (row["target"], row["baseline"]) == (value, "0")


def test_a_number_or_date_as_a_title_is_kept_as_written(kb: KnowledgeBase) -> None:
    kb.edit("organizations/city-water.md", "title: City Water Authority", "title: 2026")
    kb.edit(AG, "title: River clean-up MOU", "title: 2027-01-01")
    assert kb.validate("--strict").exit_code == 0


def test_yes_and_no_in_text_fields_stay_refused(kb: KnowledgeBase) -> None:
    """YAML reads `no` as false: whether the author meant the word is theirs to say."""
    text = kb.edit(AG, "    due: 2028-06-30", "    due: 2028-06-30\n    target: no")
    kb.expect(AG, line_of(text, "target: no"), "error", "yaml-boolean")


def test_one_review_date_where_a_list_is_allowed(kb: KnowledgeBase) -> None:
    kb.edit(AG, "  expires: 2030-01-31", "  expires: 2030-01-31\n  review: 2027-07-01")
    assert kb.validate("--strict").exit_code == 0


def test_review_dates_with_commas_are_read_as_a_list_with_a_warning(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  expires: 2030-01-31", "  expires: 2030-01-31\n  review: 2027-07-01, 2028-01-15")
    line = kb.expect(AG, line_of(text, "review:"), "warning", "date-list-commas")
    assert "read as the dates 2027-07-01, 2028-01-15" in line
    assert "`review: [2027-07-01, 2028-01-15]`" in line
    assert kb.validate().exit_code == 0  # a warning: the dates are used
    assert kb.validate("--strict").exit_code == 1


def test_a_tab_inside_a_quoted_value_is_legal(kb: KnowledgeBase) -> None:
    kb.edit(AG, "title: River clean-up MOU", 'title: "River\tclean-up MOU"')
    assert kb.validate("--strict").exit_code == 0


def test_a_tab_in_the_indentation_is_refused_on_its_line(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  - org: river-trust", "\t- org: river-trust")
    line = kb.expect(AG, line_of(text, "\t- org: river-trust"), "error", "yaml-tab")
    assert "indents with spaces" in line


# Messages in plain words ---------------------------------------------------------------


def test_an_unquoted_colon_in_a_value_says_to_quote_it(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "title: River clean-up MOU", "title: MOU: student tutors")
    line = kb.expect(AG, line_of(text, "title: MOU"), "error", "yaml-syntax")
    assert 'put the value in quotes: `title: "MOU: student tutors"`' in line
    assert "mapping values" not in line


def test_a_list_without_its_closing_bracket(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  expires: 2030-01-31", "  expires: 2030-01-31\n  review: [2027-07-01, 2028-01-15")
    line = kb.expect(AG, line_of(text, "review:"), "error", "yaml-syntax")
    assert "the list opened with `[`" in line and "is not closed: end it with `]`" in line


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("  - org: river-trust", "   - org: river-trust", "   - org: river-trust"),
    ("  effective: 2026-02-01", " effective: 2026-02-01", " effective: 2026-02-01"),
    ("    accountable: city-water", "      accountable: city-water", "      accountable: city-water"),
])
def test_wrong_indentation_is_told_as_such(kb: KnowledgeBase, old: str, new: str, needle: str) -> None:
    text = kb.edit(AG, old, new)
    line = kb.expect(AG, line_of(text, needle), "error", "yaml-syntax")
    assert "indented" in line and new.strip() in line  # the line itself is shown
    assert "did not find expected" not in line and "block" not in line


def test_an_unclosed_quote_points_at_where_it_opens(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "title: River clean-up MOU", 'title: "River clean-up MOU')
    line = kb.expect(AG, line_of(text, "title:"), "error", "yaml-syntax")
    assert "quoted text opened on line" in line and "is not closed" in line


def test_a_duplicate_anchor_is_one_plain_sentence(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "kind: mou", "kind: &k mou\nsector: &k health")
    line = kb.expect(AG, line_of(text, "sector:"), "error", "yaml-alias")
    assert "reuses an anchor" in line and "write each value out in full" in line
    assert "occurrence" not in line


def test_an_invalid_date_shows_the_value(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  signed: 2026-01-10", "  signed: 10/01/2026")
    line = kb.expect(AG, line_of(text, "signed:"), "error", "invalid-date")
    assert "`10/01/2026` is not a date; write it as YYYY-MM-DD" in line


def test_a_misspelt_party_is_one_error_not_a_cascade(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  - org: river-trust", "  - org: river-trst")
    result = kb.validate()
    mine = [d for d in result.diagnostics() if "river-mou.md" in d]
    assert len(mine) == 1, result.output
    assert f":{line_of(text, 'river-trst')}:" in mine[0] and "did you mean `river-trust`?" in mine[0]


# Scaffolds -----------------------------------------------------------------------------


def _new(kb: KnowledgeBase, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["new", *args, "--docs-dir", str(kb.docs)])
    return result.exit_code, result.output


def test_placeholder_text_from_accord_new_is_flagged_until_replaced(kb: KnowledgeBase) -> None:
    code, out = _new(kb, "agreement", "river-mou-2", "--title", "River MOU 2", "--party", "city-water",
                     "--party", "river-trust")
    assert code == 0, out
    result = kb.validate("--strict")
    placeholders = [d for d in result.diagnostics() if "scaffold-placeholder" in d]
    assert result.exit_code == 1
    assert any("`summary` still says “One or two sentences" in d for d in placeholders)
    assert any("`signatory` of party #1 (`city-water`) still says “Name, position”" in d for d in placeholders)
    assert any("the body still says “Why the partners are working together" in d for d in placeholders)
    path = kb.docs / "agreements" / "river-mou-2.md"
    text = path.read_text()
    for line in text.splitlines():
        if "One or two sentences" in line:
            text = text.replace(line, "summary: The river clean-up continues.")
    path.write_text(text)
    assert not any("`summary`" in d for d in kb.validate().diagnostics() if "river-mou-2" in d)


def test_every_scaffold_placeholder_is_known_to_validation() -> None:
    """Each text a scaffold writes for the author to replace is in accord.format.placeholders."""
    import re

    from accord.format import placeholders
    from conftest import REPO

    for template in (REPO / "templates" / "new").glob("*.j2"):
        for text in re.findall(r'\{\{ "([^"]+)" \| yaml \}\}', template.read_text()):
            assert text in placeholders.FIELDS, (template.name, text)


PLAYBOOK = """\
---
id: river-playbook
type: playbook
title: River playbook
confidentiality: public
applies_to:
  kinds: [mou]
---
No checklist here.
"""


def test_from_playbook_takes_at_least_its_confidentiality_and_no_empty_checklist(kb: KnowledgeBase) -> None:
    kb.write("playbooks/river-playbook.md", PLAYBOOK)
    code, out = _new(kb, "agreement", "river-mou-3", "--title", "River MOU 3", "--party", "city-water",
                     "--party", "river-trust", "--from-playbook", "river-playbook")
    assert code == 0, out
    text = (kb.docs / "agreements" / "river-mou-3.md").read_text()
    assert "confidentiality: internal" in text  # a public playbook: the agreement still starts internal
    assert "<!--" not in text  # a playbook without a checklist leaves no empty comment


def test_from_a_playbook_with_errors_says_so(kb: KnowledgeBase) -> None:
    kb.write("playbooks/river-playbook.md", PLAYBOOK.replace("kinds: [mou]", "kinds: [mouu]"))
    code, out = _new(kb, "agreement", "river-mou-4", "--title", "River MOU 4", "--party", "city-water",
                     "--party", "river-trust", "--from-playbook", "river-playbook")
    assert code != 0
    assert "`river-playbook` has errors" in out and "accord validate" in out
    assert not (Path(kb.docs) / "agreements" / "river-mou-4.md").exists()


# Leftovers of the last review ------------------------------------------------------------


def test_init_name_is_literal_text_on_the_home_page(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "kb"), "--name", "River *Partners* [x](http://e) <b>"])
    assert result.exit_code == 0, result.output
    first = (tmp_path / "kb" / "docs" / "index.md").read_text().splitlines()[0]
    assert first == r"# River \*Partners\* \[x\]\(http://e\) &lt;b&gt;"


def test_due_names_nobody_for_an_objective_whose_owner_is_hidden(kb: KnowledgeBase) -> None:
    """The owner is outside the audience: the lead is not named in its place."""
    kb.edit("organizations/river-trust.md", "confidentiality: public", "confidentiality: internal")
    kb.edit(AG, "    due: 2028-06-30", "    due: 2026-01-01")  # overdue, so listed whatever today is
    result = CliRunner().invoke(main, ["due", "--format", "json", "--audience", "public", "--docs-dir", str(kb.docs)])
    assert result.exit_code == 3, result.output
    [objective] = [i for i in json.loads(result.stdout)["overdue"] if i["what"] == "objective"]
    assert objective["responsible"] == []
    text = CliRunner().invoke(main, ["due", "--audience", "public", "--docs-dir", str(kb.docs)]).stdout
    assert "no owner named" in text and "City Water" not in text.split("Halve litter", 1)[1].split("\n")[0]


@pytest.mark.parametrize(("written", "fix"), [
    ("31/12/2027", ": `2027-12-31`"), ("2027-1-4", ": `2027-01-04`"), ("31.12.2027", ": `2027-12-31`"),
    ("Dec 31, 2027", ": `2027-12-31`"), ("10/01/2026", " (`2026-01-10` or `2026-10-01`?)"), ("next week", ""),
])
def test_a_date_written_otherwise_gets_the_date_it_means(kb: KnowledgeBase, written: str, fix: str) -> None:
    """Issue 21: the message finishes the job where the date is clear, and asks where day and month could swap."""
    text = kb.edit(AG, "  signed: 2026-01-10", f"  signed: {written}")
    line = kb.expect(AG, line_of(text, "signed:"), "error", "invalid-date")
    assert line.endswith(f"`{written}` is not a date; write it as YYYY-MM-DD{fix}") or \
        f"`{written}` is not a date; write it as YYYY-MM-DD{fix}" in line, line
    if not fix:
        assert "YYYY-MM-DD (" not in line and "YYYY-MM-DD:" not in line


# Search corrects typos, not words --------------------------------------------------------


def test_search_corrects_a_typo_but_never_a_real_word(kb: KnowledgeBase) -> None:
    """Issue 21: "damp and mold" was searched as "damp and hold" (a word of the knowledge base one
    letter away). A word of the language is left as written; a typo is still corrected."""
    from accord.search.index import SearchIndex
    from accord.search.query import search

    kb.edit("retrospectives/river-retro.md", "    lesson: Turn-out doubled",
            "    event: Reporting templates differed, and nobody would hold the list.\n    lesson: Turn-out doubled")
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    ix.refresh()
    real = search(ix, "damp and mold")
    assert real.corrections == {} and real.searched == "damp and mold"
    assert real.unknown == ["damp", "mold"]
    typo = search(ix, "reportng templats")
    assert typo.corrections == {"reportng": "reporting"}  # (`templats` finds `templates` by its stem)
    assert typo.results and typo.results[0].id == "river-retro#volunteers"


# Items of a list, as an author counts them -------------------------------------------------

ROWS = """\
responsibilities:
  - activity: Monthly clean-up
    responsible: [river-trust]
    accountable: city-water
  - activity: "Recruit `wardens`\\nfor the river"
    responsible: [river-trust, River Trust]
    colour: blue
"""


def test_a_list_item_is_named_as_an_author_counts_it(kb: KnowledgeBase) -> None:
    """Issue 21: `responsibilities[1]` is the second row; it is named from 1, by what identifies it,
    its text shown as text on the message's one line."""
    old = ("responsibilities:\n  - activity: Monthly clean-up\n    responsible: [river-trust]\n"
           "    accountable: city-water\n    consulted: []\n    informed: [city-water]\n")
    text = kb.edit(AG, old, ROWS)
    lines = [d for d in kb.validate().diagnostics() if "river-mou.md" in d]
    row = "responsibility #2 (“Recruit 'wardens' for the river”)"
    assert any(d.endswith(f"raci-accountable: {row} needs exactly one accountable party: add `accountable:` "
                          "with its id") for d in lines), lines
    assert any(f":{line_of(text, 'colour')}:" in d and f"unknown field `colour` of {row}" in d for d in lines), lines
    assert any(f"`responsible` #2 of {row} is `River Trust`, not a slug" in d for d in lines), lines
    assert not any("[0]" in d or "[1]" in d for d in lines), lines


@pytest.mark.parametrize(("old", "new", "where"), [
    ("  - org: river-trust", "  - org: river-trust\n    role: host",
     "`host` is not a valid `role` of party #2 (`river-trust`)"),
    ("    due: 2028-06-30", "    due: 2031-06-30", "objective #1 (`litter`) is due 2031-06-30"),
    ("    statement: Halve litter in the river", "    statement: ''",
     "`statement` of objective #1 (`litter`) is empty"),
    ("    kind: funding", "    kind: funding\n    description: Skips and grabbers\n    amount_eur: 4",
     "unknown field `amount_eur` of resource #1 (“Skips and grabbers”)"),
])
def test_every_message_counts_items_from_one(kb: KnowledgeBase, old: str, new: str, where: str) -> None:
    kb.edit(AG, old, new)
    lines = [d for d in kb.validate().diagnostics() if "river-mou.md" in d]
    assert len(lines) == 1, lines
    assert where in lines[0], lines


# Curly quotes are text to YAML -------------------------------------------------------------


@pytest.mark.parametrize(("title", "inside"), [
    ("“Flood wardens”", "Flood wardens"), ("‘Flood wardens’", "Flood wardens"),
    ("“Flood ‘wardens’”", "Flood ‘wardens’"), ("“Flood wardens’", "Flood wardens"),
])
def test_a_value_pasted_in_curly_quotes_says_they_are_text(kb: KnowledgeBase, title: str, inside: str) -> None:
    """Issue 21: YAML keeps curly quotes as part of the text, and the page would show them: a warning
    says so, with the value in straight quotes either way (as quotes, or to keep them)."""
    text = kb.edit(AG, "title: River clean-up MOU", f"title: {title}")
    line = kb.expect(AG, line_of(text, "title:"), "warning", "curly-quotes")
    assert "curly quotes, which YAML does not read as quotes: they are kept as part of the text" in line
    assert line.endswith(f'write straight ones: `title: "{inside}"`; to keep them, `title: "{title}"`'), line
    kb.edit(AG, f"title: {title}", f'title: "{title}"')  # in straight quotes: kept on purpose
    assert kb.validate("--strict").exit_code == 0
    kb.edit(AG, "    statement: Halve litter in the river", "    statement: “Halve litter”")
    line = kb.expect(AG, line_of(text, "statement:"), "warning", "curly-quotes")
    assert "`statement` of objective #1 (`litter`) is in curly quotes" in line
    assert line.endswith('straight ones: `statement: "Halve litter"`; to keep them, `statement: "“Halve litter”"`')


def test_curly_quotes_around_a_colon_say_why_the_yaml_breaks(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "title: River clean-up MOU", "title: “MOU: tutors”")
    line = kb.expect(AG, line_of(text, "title:"), "error", "yaml-syntax")
    assert "its curly quotes are not quotes to YAML but part of the text" in line
    assert line.endswith('if you meant them as quotes, write straight ones: `title: "MOU: tutors"`; to keep them '
                         'in the text, `title: "“MOU: tutors”"`'), line


# A front matter never closed ----------------------------------------------------------------


@pytest.mark.parametrize(("broken", "last"), [("organizations/river-trust.md", 6), (AG, 31)])
def test_a_front_matter_never_closed_is_the_one_error(kb: KnowledgeBase, broken: str, last: int) -> None:
    """Issue 21: its id is still read, so what names it is not reported unknown (an error in
    another file, listed first); the message says where to close it."""
    path = kb.docs / broken
    text = path.read_text()
    head, body = text[4:].split("---\n", 1)
    path.write_text("---\n" + head + "\nThe page's text.\n" + body)
    result = kb.validate()
    assert result.exit_code == 1
    assert result.diagnostics() == [f"{path}:1:1: error: frontmatter-unclosed: the front matter starting here has "
                                    f"no closing `---` line; end it with a line `---` after line {last}, where its "
                                    "fields end"], result.output


def test_a_record_whose_id_cannot_be_read_is_named_as_the_file_to_fix_first(kb: KnowledgeBase) -> None:
    kb.edit("organizations/river-trust.md", "---\nid: river-trust", "\n---\nid: river-trust")  # misplaced
    lines = kb.validate().diagnostics()
    text = (kb.docs / AG).read_text()
    assert f"{kb.docs / AG}:{line_of(text, '- org: river-trust')}:10: error: unknown-id: `parties` names " \
           f"`river-trust`, likely the record in {kb.docs / 'organizations/river-trust.md'}, which could not be " \
           "read: fix that file first" in lines, lines


def test_a_line_of_text_in_the_front_matter_says_it_may_be_the_page(kb: KnowledgeBase) -> None:
    """The closing `---` left out, and a rule (`---`) further down taken for it."""
    text = kb.edit("organizations/river-trust.md", "kind: ngo\n---\n", "kind: ngo\nThe trust's work.\n\n---\nMore\n")
    line = kb.expect("organizations/river-trust.md", line_of(text, "The trust's"), "error", "yaml-syntax")
    assert line.endswith("is not a `key: value` line: `The trust's work.`; write the field's name, a colon and a "
                         "space before its value, or, if the front matter ends before this line (the page's text), "
                         "close it with a line `---` above it"), line


# Amounts written as money ------------------------------------------------------------------


@pytest.mark.parametrize(("written", "fix"), [
    ("£45,000", "write `amount: 45000` and put `GBP` in `currency`"),
    ("45 000 €", "write `amount: 45000` and put `EUR` in `currency`"),
    ("EUR 45,000.50", "write `amount: 45000.50` and put `EUR` in `currency`"),
    ("45.000,50 EUR", "write `amount: 45000.50` and put `EUR` in `currency`"),
    ("US$ 1,250,000", "write `amount: 1250000` and put `USD` in `currency`"),
    ("£45k", "write `amount: 45000` and put `GBP` in `currency`"),
    ("1.5m euros", "write `amount: 1500000` and put `EUR` in `currency`"),
    ("$45,000", "write `amount: 45000` and put its code in `currency` (`USD`, `CAD`, `AUD`, `NZD`…?)"),
    ("¥45000", "write `amount: 45000` and put its code in `currency` (`JPY` or `CNY`?)"),
    ("€45.000", "write `amount: 45000`, or `amount: 45` if the `.` is a decimal point; put `EUR` in `currency`"),
    ("45,000", "write `amount: 45000`"),
    ("about 45000", "write digits alone, with no currency sign or separators (`amount: 45000`), and the currency in "
                    "`currency`"),
    ("45 00", "write digits alone, with no currency sign or separators (`amount: 45000`), and the currency in "
              "`currency`"),
])
def test_an_amount_written_as_money_gets_the_number_to_write(kb: KnowledgeBase, written: str, fix: str) -> None:
    """Issue 21: `amount` is a number; written as money, the message gives the number and its currency."""
    text = kb.edit(AG, "    amount: 25000\n    currency: EUR\n", f"    amount: {written}\n")
    line = kb.expect(AG, line_of(text, "amount:"), "error", "invalid-value")
    assert line.endswith(f": `amount` of resource #1 (`city-water`): `{written}` is not a number; {fix}"), line
    assert "input should" not in line


@pytest.mark.parametrize(("written", "currency", "said"), [
    ("£45,000", "EUR", "; but `£` means `GBP` and `currency` says `EUR`: correct the one that is wrong"),
    ("45,000 GBP", "EUR", "; but the amount says `GBP` and `currency` says `EUR`: correct the one that is wrong"),
    ("£45,000", "GBP", "; `currency` already says `GBP`"),
    ("$45,000", "CAD", ""),  # (a dollar: the currency says which)
])
def test_an_amount_in_one_currency_and_a_currency_field_in_another(kb: KnowledgeBase, written: str,
                                                                   currency: str, said: str) -> None:
    text = kb.edit(AG, "    amount: 25000\n    currency: EUR", f"    amount: {written}\n    currency: {currency}")
    line = kb.expect(AG, line_of(text, "amount:"), "error", "invalid-value")
    assert line.endswith(f"`{written}` is not a number; write `amount: 45000`{said}"), line


def test_a_number_in_quotes_is_reported_not_taken(kb: KnowledgeBase) -> None:
    """`amount: "45000"` is text: it is reported (with the fix), the model is not changed behind the author's back."""
    text = kb.edit(AG, "    amount: 25000", '    amount: "45000"')
    line = kb.expect(AG, line_of(text, "amount:"), "error", "invalid-value")
    assert line.endswith("`45000` is in quotes, which makes it text; write the number without quotes: "
                         "`amount: 45000`"), line
    assert kb.validate().exit_code == 1


@pytest.mark.parametrize(("written", "said"), [
    ("-5", "is -5; an amount is 0 or more"), ("yes", "is `yes`, which YAML reads as a boolean; write a number"),
    (".inf", "is `.inf`; write a number"), ("[1, 2]", "must be a number, not a list"),
])
def test_other_amounts_that_are_no_number(kb: KnowledgeBase, written: str, said: str) -> None:
    text = kb.edit(AG, "    amount: 25000", f"    amount: {written}")
    line = kb.expect(AG, line_of(text, "amount:"), "error", "invalid-value")
    assert line.endswith(f"`amount` of resource #1 (`city-water`) {said}"), line
