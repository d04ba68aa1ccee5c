"""Whatever bytes an author saves, the loader answers with diagnostics, never an exception."""

from __future__ import annotations

import time

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.format.diagnostics import CODES
from accord.format.schema import check_record
from accord.format.source import read_source

_settings = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load(raw: bytes) -> None:
    source = read_source(raw, "fuzz.md", "fuzz.md")
    for diagnostic in source.diagnostics:
        assert diagnostic.code in CODES
        assert diagnostic.line >= 1
        assert diagnostic.column >= 1
    if source.data is not None and not source.diagnostics:
        _, problems = check_record(source)
        for diagnostic in problems:
            assert diagnostic.code in CODES
            assert diagnostic.line >= 1


@_settings
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    _load(raw)
    _load(b"---\ntype: agreement\n" + raw + b"\n---\n")


_yaml_text = st.lists(
    st.sampled_from([*"abcdeyno:-[]{}&*!#|>'\"\t\n ,.012?%@`\\", "type: ", "id: ", "\n  ", "<<: ", "&a ", "*a"]),
    max_size=200,
).map("".join)


@_settings
@given(_yaml_text)
def test_random_yaml_like_text(text: str) -> None:
    _load(f"---\ntype: organization\n{text}\n---\nbody\n".encode())


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | st.dates(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=25,
)
_record_keys = st.sampled_from(
    [
        "id",
        "title",
        "kind",
        "status",
        "parties",
        "dates",
        "objectives",
        "responsibilities",
        "resources",
        "held",
        "lessons",
        "tags",
        "related",
        "extra",
        "confidentiality",
        "website",
        "contacts",
        "applies_to",
        "expiers",
    ]
)


@_settings
@given(
    st.sampled_from(["agreement", "organization", "playbook", "retrospective"]),
    st.dictionaries(_record_keys, _values, max_size=10),
)
def test_random_well_formed_yaml_records(record_type: str, data: dict[str, object]) -> None:
    data = {"type": record_type, **data}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    _load(f"---\n{text}---\n".encode())


def test_deep_nesting_is_bounded() -> None:
    deep = "[" * 5000 + "]" * 5000
    started = time.perf_counter()
    _load(f"---\ntype: organization\nid: deep\nextra: {deep}\n---\n".encode())
    assert time.perf_counter() - started < 1.0


def test_large_alias_fan_out_stays_linear() -> None:
    lines = ["---", "type: organization", "id: lol", "title: Lol", "kind: ngo", "extra:", '  a0: &a0 ["lol"]']
    lines += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 20)}]" for i in range(1, 30)]
    started = time.perf_counter()
    source = read_source("\n".join([*lines, "---", ""]).encode(), "lol.md", "lol.md")
    assert time.perf_counter() - started < 1.0
    assert source.diagnostics and {d.code for d in source.diagnostics} == {"yaml-alias"}


def test_python_frontmatter_handler_uses_the_positioned_loader() -> None:
    import frontmatter

    from accord.format.source import HANDLER

    post = frontmatter.loads("---\nid: a\ntype: playbook\ntitle: T\n---\nBody\n", handler=HANDLER)
    assert post.metadata == {"id": "a", "type": "playbook", "title": "T"}
    assert post.content == "Body"
