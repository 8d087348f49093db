"""`${NAME}` references: the compiler's syntax check (E097) and the runtime's resolution agree."""

from __future__ import annotations

import pytest

from toolc.generator.upstreams.lang import env_ref_problem, env_refs
from toolc.runtime.upstream.env import MissingVariable, resolve


@pytest.mark.parametrize(
    ("text", "env", "want"),
    [
        ("plain", {}, "plain"),
        ("${A}", {"A": "1"}, "1"),
        ("Bearer ${TOKEN}", {"TOKEN": "t"}, "Bearer t"),
        ("${A}-${B_2}", {"A": "x", "B_2": "y"}, "x-y"),
        ("costs $$5", {}, "costs $5"),
        ("$${A}", {"A": "no"}, "${A}"),
    ],
)
def test_resolve(text: str, env: dict[str, str], want: str) -> None:
    assert env_ref_problem(text) is None
    assert resolve(text, env) == want


def test_missing_variable_names_it() -> None:
    with pytest.raises(MissingVariable) as caught:
        resolve("x ${NOT_SET_HERE} y", {})
    assert caught.value.name == "NOT_SET_HERE"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("${A", "unclosed"),
        ("${1A}", "not an environment variable name"),
        ("${A B}", "not an environment variable name"),
        ("$HOME", 'starts no "${NAME}"'),
        ("${}", "not an environment variable name"),
    ],
)
def test_malformed_references(text: str, problem: str) -> None:
    found = env_ref_problem(text)
    assert found is not None and problem in found


def test_env_refs_lists_names_in_order() -> None:
    assert env_refs("${B} ${A} $${C}") == ("B", "A")
