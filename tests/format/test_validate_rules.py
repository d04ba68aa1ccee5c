"""Every rule of FORMAT.md: a bad input, and the exact diagnostic an author sees."""

from __future__ import annotations

import time

import pytest

from conftest import AGREEMENT, ORG_A, KnowledgeBase, json_output, line_of

AG = "agreements/river-mou.md"
RE = "retrospectives/river-retro.md"
ORG = "organizations/city-water.md"


def test_the_base_knowledge_base_is_clean(kb: KnowledgeBase) -> None:
    result = kb.validate()
    assert result.exit_code == 0, result.output
    assert result.diagnostics() == []
    assert result.lines[-1].startswith("0 errors, 0 warnings in 4 records")


# YAML pitfalls -----------------------------------------------------------------------


def test_non_utf8_bytes_are_reported_at_their_line(kb: KnowledgeBase) -> None:
    kb.write(ORG, ORG_A.replace("Authority", "Authorit\xe9").encode("latin-1"))
    line = kb.expect(ORG, line_of(ORG_A, "Authority"), "error", "encoding")
    assert "byte 0xe9 is not valid UTF-8" in line


def test_unclosed_front_matter(kb: KnowledgeBase) -> None:
    kb.write(ORG, "---\nid: city-water\ntype: organization\ntitle: X\n")
    kb.expect(ORG, 1, "error", "frontmatter-unclosed")


def test_yaml_syntax_error_points_at_the_line(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "title: River clean-up MOU", "title: [River clean-up MOU")
    line = kb.expect(AG, line_of(text, "title:"), "error", "yaml-syntax")
    assert f"the list opened with `[` on line {line_of(text, 'title:')} is not closed" in line
    result = kb.validate()
    assert len(result.diagnostics()) == 1, "references to the broken record are not reported again"


def test_tabs_are_errors(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  - org: river-trust", "\t- org: river-trust")
    line = kb.expect(AG, line_of(text, "- org: river-trust"), "error", "yaml-tab")
    assert line.split(":")[2] == "1"
    assert "replace the tab with spaces" in line


def test_duplicate_keys_are_errors_on_the_second_key(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "kind: mou\n", "kind: mou\ntitle: Another title\n")
    line = kb.expect(AG, line_of(text, "Another title"), "error", "yaml-duplicate-key")
    assert f"first on line {line_of(text, 'title: River')}" in line


@pytest.mark.parametrize("word", ["no", "Yes", "off", "ON"])
def test_yes_no_on_off_where_text_is_expected(kb: KnowledgeBase, word: str) -> None:
    text = kb.edit(ORG, "kind: government\n", f"kind: government\njurisdiction: {word}\n")
    line = kb.expect(ORG, line_of(text, "jurisdiction"), "error", "yaml-boolean")
    assert f"write it in quotes: '{word}'" in line


def test_booleans_in_free_fields_are_fine(kb: KnowledgeBase) -> None:
    kb.edit(ORG, "kind: government\n", "kind: government\nextra:\n  verified: yes\nsearch:\n  exclude: false\n")
    assert kb.validate().exit_code == 0


def test_impossible_dates(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "effective: 2026-02-01", "effective: 2026-02-30")
    line = kb.expect(AG, line_of(text, "effective"), "error", "yaml-date")
    assert "`2026-02-30` is not a real date" in line


def test_impossible_quoted_dates(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "effective: 2026-02-01", "effective: '2025-13-01'")
    kb.expect(AG, line_of(text, "effective"), "error", "yaml-date")


def test_aliases_are_refused(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "    role: lead\n", "    role: lead\n    signatory: &who Jane\n")
    text = kb.edit(AG, "  - org: river-trust\n", "  - org: river-trust\n    signatory: *who\n")
    kb.expect(AG, line_of(text, "signatory: *who"), "error", "yaml-alias")


def test_billion_laughs_is_refused_quickly(kb: KnowledgeBase) -> None:
    laughs = ["---", "id: laughs", "type: organization", "title: Laughs", "kind: ngo", "extra:", '  a0: &a0 ["lol"]']
    laughs += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    kb.write("organizations/laughs.md", "\n".join([*laughs, "---", ""]))
    started = time.perf_counter()
    kb.expect("organizations/laughs.md", 7 + 1, "error", "yaml-alias")
    assert time.perf_counter() - started < 1.0


def test_explicit_tags_are_refused(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "kind: government\n", "kind: government\njurisdiction: !!binary aGVsbG8=\n")
    kb.expect(ORG, line_of(text, "jurisdiction"), "error", "yaml-tag")


# One record --------------------------------------------------------------------------


def test_misspelt_type_suggests_the_right_one(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "type: organization", "type: organisation")
    line = kb.expect(ORG, line_of(text, "type:"), "error", "unknown-type")
    assert "did you mean `organization`?" in line


def test_pages_without_a_type_are_left_alone(kb: KnowledgeBase) -> None:
    kb.write("index.md", "---\ntitle: Home\nhide: [toc]\nstatus: new\n---\n# Home\n")
    kb.write("about.md", "# About\n\nNo front matter at all.\n")
    assert kb.validate().exit_code == 0


def test_front_matter_no_engine_can_read_is_an_error_even_on_an_ordinary_page(kb: KnowledgeBase) -> None:
    """MkDocs prints such front matter as the page's text, with whatever it holds (issue 20:
    a record's type or confidentiality in a form only YAML recognises)."""
    kb.write("broken.md", "---\ntitle: [unclosed\n---\n")
    kb.write("notes/typed.md", '---\ntype: !!str agreement\nconfidentiality: >-\n  restricted\nsummary: "x\n---\n')
    assert kb.validate().exit_code == 1
    kb.expect("broken.md", 2, "error", "yaml-syntax")
    assert f"{kb.docs / 'notes/typed.md'}:" in kb.validate().output


def test_unknown_field_suggests_the_known_one(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  expires: 2030-01-31", "  expiers: 2030-01-31")
    line = kb.expect(AG, line_of(text, "expiers"), "error", "unknown-field")
    assert line.split(":")[2] == "3"  # the key's column
    assert "unknown field `dates.expiers`; did you mean `expires`?" in line


def test_top_level_field_that_belongs_in_a_mapping(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "kind: mou\n", "kind: mou\nexpires: 2030-01-31\n")
    line = kb.expect(AG, line_of(text, "expires: 2030"), "error", "unknown-field")
    assert "unknown field `expires`; it belongs under `dates:`, as `dates: {expires: …}`" in line


def test_misspelt_top_level_field_of_a_nested_mapping(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "kind: mou\n", "kind: mou\nexpiers: 2030-01-31\n")
    line = kb.expect(AG, line_of(text, "expiers:"), "error", "unknown-field")
    assert "did you mean `expires` under `dates:`?" in line


def test_unknown_field_far_from_any_known_one_points_to_extra(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "kind: government\n", "kind: government\nfavourite_colour: blue\n")
    line = kb.expect(ORG, line_of(text, "favourite_colour"), "error", "unknown-field")
    assert "custom data goes under `extra:`" in line


def test_confidentiality_is_a_closed_choice(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "confidentiality: public", "confidentiality: secret")
    line = kb.expect(ORG, line_of(text, "confidentiality:"), "error", "invalid-choice")
    assert "public, internal, restricted" in line


def test_a_retrospective_needs_a_lesson(kb: KnowledgeBase) -> None:
    text = (kb.docs / RE).read_text()
    start = text.index("lessons:")
    text = kb.edit(RE, text[start : text.index("---", start)], "lessons: []\n")
    line = kb.expect(RE, line_of(text, "lessons:"), "error", "too-few")
    assert "`lessons` needs at least 1 item" in line


def test_missing_required_field(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "kind: government\n", "")
    line = kb.expect(ORG, line_of(text, "id: city-water"), "error", "missing-field")
    assert "`kind` is required" in line


def test_missing_field_in_a_list_item_points_at_the_item(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "    statement: Halve litter in the river\n", "")
    line = kb.expect(AG, line_of(text, "- id: litter"), "error", "missing-field")
    assert "`statement` of objective #1 (`litter`) is required" in line


def test_empty_title(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "title: City Water Authority", "title:")
    line = kb.expect(ORG, line_of(text, "title:"), "error", "missing-field")
    assert "`title` is empty" in line


def test_bad_choice_suggests_the_nearest(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "status: active", "status: activ")
    line = kb.expect(AG, line_of(text, "status:"), "error", "invalid-choice")
    assert "did you mean `active`?" in line
    assert "draft, negotiation, signed, active, expired, terminated, superseded" in line


@pytest.mark.parametrize("bad", ["City Water", "city--water", "City-water", "x" * 81])
def test_ids_must_be_slugs(kb: KnowledgeBase, bad: str) -> None:
    text = kb.edit(ORG, "id: city-water", f"id: {bad}")
    kb.expect(ORG, line_of(text, "id:"), "error", "invalid-id")


def test_tags_must_be_slugs(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "kind: government\n", "kind: government\ntags: [Water Supply]\n")
    line = kb.expect(ORG, line_of(text, "tags:"), "error", "invalid-id")
    assert "`water-supply`" in line


def test_dates_must_be_dates(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "    due: 2028-06-30", "    due: next summer")
    kb.expect(AG, line_of(text, "due:"), "error", "invalid-date")


def test_review_takes_one_date_or_a_list(kb: KnowledgeBase) -> None:
    kb.edit(AG, "  expires: 2030-01-31\n", "  expires: 2030-01-31\n  review: 2027-01-01\n")
    assert kb.validate().exit_code == 0
    text = kb.edit(AG, "  review: 2027-01-01", "  review: [2027-01-01, soon]")
    kb.expect(AG, line_of(text, "review:"), "error", "invalid-date")


def test_websites_must_be_http(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "kind: government\n", "kind: government\nwebsite: javascript:alert(1)\n")
    kb.expect(ORG, line_of(text, "website:"), "error", "invalid-url")
    kb.edit(ORG, "website: javascript:alert(1)", "website: https://water.example.org/")
    assert kb.validate().exit_code == 0


def test_currency_must_be_iso_4217(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "currency: EUR", "currency: eur")
    kb.expect(AG, line_of(text, "currency:"), "error", "invalid-currency")


def test_amounts_are_not_negative(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "amount: 25000", "amount: -5")
    kb.expect(AG, line_of(text, "amount:"), "error", "invalid-value")


def test_contact_email(kb: KnowledgeBase) -> None:
    text = kb.edit(
        ORG, "kind: government\n", "kind: government\ncontacts:\n  - name: Ann\n    email: ann.example.org\n"
    )
    kb.expect(ORG, line_of(text, "email:"), "error", "invalid-email")


def test_an_agreement_needs_two_parties(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  - org: river-trust\n", "")
    text = kb.edit(AG, "    responsible: [river-trust]", "    responsible: [city-water]")
    text = kb.edit(AG, "    owner: river-trust\n", "")
    kb.expect(AG, line_of(text, "parties:") + 1, "error", "too-few")


def test_a_party_appears_once(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  - org: river-trust\n", "  - org: river-trust\n  - org: city-water\n")
    line = kb.expect(AG, line_of(text, "  - org: river-trust") + 1, "error", "duplicate-party")
    assert "`city-water` is listed as a party more than once" in line


def test_lesson_ids_are_unique_in_a_retrospective(kb: KnowledgeBase) -> None:
    extra = "  - id: volunteers\n    title: Again\n    lesson: Same id.\n"
    text = kb.edit(RE, "    topics: [volunteering]\n", "    topics: [volunteering]\n" + extra)
    kb.expect(RE, line_of(text, "title: Again") - 1, "error", "duplicate-lesson")


def test_a_retrospective_needs_agreements_or_partners(kb: KnowledgeBase) -> None:
    text = kb.edit(RE, "agreements: [river-mou]", "agreements: []")
    kb.expect(RE, line_of(text, "agreements:"), "error", "partners-missing")
    text = kb.edit(RE, "agreements: []\n", "")
    kb.expect(RE, line_of(text, "id:"), "error", "partners-missing")
    kb.edit(RE, "held: 2026-10-01\n", "held: 2026-10-01\npartners: [river-trust]\n")
    assert kb.validate().exit_code == 0


# RACI --------------------------------------------------------------------------------


def test_raci_row_needs_an_accountable(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "    accountable: city-water\n", "")
    kb.expect(AG, line_of(text, "- activity: Monthly clean-up"), "error", "raci-accountable")


def test_raci_accountable_is_exactly_one(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "accountable: city-water", "accountable: [city-water, river-trust]")
    line = kb.expect(AG, line_of(text, "accountable:"), "error", "raci-accountable")
    assert "exactly one party id" in line


def test_raci_row_needs_a_responsible(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "responsible: [river-trust]", "responsible: []")
    kb.expect(AG, line_of(text, "responsible:"), "error", "raci-responsible")


def test_raci_names_only_parties(kb: KnowledgeBase) -> None:
    kb.write("organizations/harbour.md", ORG_A.replace("city-water", "harbour").replace("City Water", "Harbour"))
    text = kb.edit(AG, "informed: [city-water]", "informed: [city-water, harbour]")
    row = line_of(text, "informed:")
    line = kb.expect(AG, row, "error", "not-a-party")
    assert line.split(":")[2] == str(text.splitlines()[row - 1].index("harbour") + 1)
    assert "informed party `harbour` is not a party to this agreement" in line


def test_objective_owner_and_resource_provider_are_parties(kb: KnowledgeBase) -> None:
    kb.write("organizations/harbour.md", ORG_A.replace("city-water", "harbour").replace("City Water", "Harbour"))
    text = kb.edit(AG, "owner: river-trust", "owner: harbour")
    text = kb.edit(AG, "  - from: city-water", "  - from: harbour")
    kb.expect(AG, line_of(text, "owner: harbour"), "error", "not-a-party")
    kb.expect(AG, line_of(text, "from: harbour"), "error", "not-a-party")


# Dates -------------------------------------------------------------------------------


def test_effective_after_expires(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "expires: 2030-01-31", "expires: 2025-01-31")
    kb.edit(AG, "due: 2028-06-30", "due: 2025-01-01")
    kb.edit(AG, "status: active", "status: expired")
    kb.expect(AG, line_of(text, "expires:"), "error", "date-order")


def test_signed_status_needs_a_signature_date(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  signed: 2026-01-10\n", "")
    line = kb.expect(AG, line_of(text, "status:"), "error", "signed-missing")
    assert "status is `active`" in line
    kb.edit(AG, "status: active", "status: negotiation")
    assert kb.validate().exit_code == 0


def test_active_agreement_past_its_expiry_is_a_warning(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "expires: 2030-01-31", "expires: 2026-03-01")
    kb.edit(AG, "due: 2028-06-30", "due: 2026-02-28")
    kb.expect(AG, line_of(text, "expires:"), "warning", "active-expired")
    assert kb.validate().exit_code == 0
    assert kb.validate("--strict").exit_code == 1


def test_objective_due_after_expiry_is_a_warning(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "due: 2028-06-30", "due: 2031-06-30")
    kb.expect(AG, line_of(text, "due:"), "warning", "due-after-expiry")


# Across records ----------------------------------------------------------------------


def test_duplicate_id_is_reported_at_every_file(kb: KnowledgeBase) -> None:
    kb.write("organizations/copy.md", ORG_A.replace("City Water Authority", "Copy"))
    first = kb.expect(ORG, line_of(ORG_A, "id:"), "error", "duplicate-id")
    second = kb.expect("organizations/copy.md", line_of(ORG_A, "id:"), "error", "duplicate-id")
    assert "copy.md" in first
    assert "city-water.md" in second


def test_unknown_id_suggests_a_close_one(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "  - org: river-trust", "  - org: river-trst")
    line = kb.expect(AG, line_of(text, "river-trst"), "error", "unknown-id")
    assert "did you mean `river-trust`?" in line


def test_reference_of_the_wrong_type(kb: KnowledgeBase) -> None:
    text = kb.edit(RE, "agreements: [river-mou]", "agreements: [river-trust]")
    line = kb.expect(RE, line_of(text, "agreements:"), "error", "wrong-type")
    assert "must name an agreement, but `river-trust` is an organization" in line


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("related", "[nowhere]", "unknown-id"),
        ("amends", "city-water", "wrong-type"),
        ("supersedes", "nowhere", "unknown-id"),
        ("lessons_applied", "[river-retro#nothing]", "unknown-lesson"),
        ("lessons_applied", "[river-mou#volunteers]", "wrong-type"),
        ("lessons_applied", "[river-retro]", "unknown-lesson"),
    ],
)
def test_every_reference_field_is_checked(kb: KnowledgeBase, field: str, value: str, code: str) -> None:
    text = kb.edit(AG, "kind: mou\n", f"kind: mou\n{field}: {value}\n")
    kb.expect(AG, line_of(text, f"{field}:"), "error", code)


def test_parent_and_owner_must_be_organisations(kb: KnowledgeBase) -> None:
    text = kb.edit(ORG, "kind: government\n", "kind: government\nparent: river-mou\n")
    kb.expect(ORG, line_of(text, "parent:"), "error", "wrong-type")
    kb.write("playbooks/p.md", "---\nid: p\ntype: playbook\ntitle: P\nowner: ghost\n---\n")
    kb.expect("playbooks/p.md", 5, "error", "unknown-id")


def test_lessons_applied_to_an_existing_lesson_is_clean(kb: KnowledgeBase) -> None:
    kb.edit(AG, "kind: mou\n", "kind: mou\nlessons_applied: [river-retro#volunteers]\n")
    assert kb.validate().exit_code == 0


def test_supersede_cycles_are_errors(kb: KnowledgeBase) -> None:
    second = AGREEMENT.replace("river-mou", "river-mou-2").replace("kind: mou\n", "kind: mou\nsupersedes: river-mou\n")
    second = second.replace("status: active", "status: superseded")
    kb.write("agreements/river-mou-2.md", second)
    text = kb.edit(AG, "kind: mou\n", "kind: mou\namends: river-mou-2\n")
    kb.edit(AG, "status: active", "status: superseded")
    kb.expect(AG, line_of(text, "amends:"), "error", "chain-cycle")
    kb.expect("agreements/river-mou-2.md", line_of(second, "supersedes:"), "error", "chain-cycle")


def test_superseded_agreement_must_say_so(kb: KnowledgeBase) -> None:
    newer = AGREEMENT.replace("river-mou", "river-mou-2").replace("kind: mou\n", "kind: mou\nsupersedes: river-mou\n")
    kb.write("agreements/river-mou-2.md", newer)
    line = kb.expect(AG, line_of(AGREEMENT, "status:"), "warning", "superseded-status")
    assert "`river-mou-2` supersedes this agreement" in line


def test_public_record_naming_a_hidden_one_is_a_warning(kb: KnowledgeBase) -> None:
    kb.edit(RE, "confidentiality: public", "confidentiality: internal")
    kb.edit(AG, "kind: mou\n", "kind: mou\nrelated: [river-retro]\n")
    edited = (kb.docs / AG).read_text()
    line = kb.expect(AG, line_of(edited, "related:"), "warning", "public-references-hidden")
    assert "`river-retro`, which is internal" in line


# Output ------------------------------------------------------------------------------


def test_json_and_github_formats(kb: KnowledgeBase) -> None:
    text = kb.edit(AG, "status: active", "status: activ")
    as_json = json_output(kb.validate("--format", "json"))
    assert as_json == [
        {
            "path": str(kb.docs / AG),
            "line": line_of(text, "status:"),
            "column": 9,
            "code": "invalid-choice",
            "message": as_json[0]["message"],
            "severity": "error",
        }
    ]
    github = kb.validate("--format", "github")
    assert github.lines[0].startswith(f"::error file={kb.docs / AG},line={line_of(text, 'status:')},col=9,")
    assert github.exit_code == 1


def test_summary_line_counts(kb: KnowledgeBase) -> None:
    kb.edit(AG, "status: active", "status: activ")
    kb.edit(RE, "impact: positive", "impact: good")
    result = kb.validate()
    assert result.exit_code == 1
    assert result.lines[-1].startswith("2 errors, 0 warnings in 4 records")


@pytest.mark.parametrize("field", ["kind:", "tags:", "contacts:"])
def test_empty_values_say_they_are_empty(kb: KnowledgeBase, field: str) -> None:
    text = kb.edit(ORG, "kind: government\n", "" if field == "kind:" else "kind: government\n")
    text = kb.edit(ORG, "confidentiality: public\n", f"confidentiality: public\n{field}\n")
    line = kb.expect(ORG, line_of(text, field), "error", "missing-field")
    assert f"`{field[:-1]}` is empty; write a value" in line
