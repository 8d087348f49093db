"""Wire-level pieces on their own: param_rule key derivation, fixed legacy arguments, number
errors, and MISSING (the e2e behaviour is in tests/e2e/test_wire_names.py)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

from toolc import MISSING, Missing
from toolc.generator.ir import ClientProfile, ParamRule, Span
from toolc.generator.param_keys import client_keys
from toolc.runtime.validation import InvalidArguments, check_fixed, validate

SPAN = Span("tools.yaml", 1, 1)
ANTHROPIC = r"^[a-zA-Z0-9_.-]{1,64}$"


def _profile(rule: ParamRule) -> ClientProfile:
    return ClientProfile(
        name="c", path="clients/c.yaml", max_tools=None, select_tools=None, select_tags=None,
        param_rule=rule, span=SPAN,
    )  # fmt: skip


def test_auto_keeps_conforming_keys_and_derives_the_others() -> None:
    rule = ParamRule(pattern=ANTHROPIC, max_length=64, auto=True, span=SPAN)
    keys = [(k, SPAN, "") for k in ("from", "x-request-id", "filter[id]", "a b", "p" * 70)]
    mapping, diags = client_keys(_profile(rule), 'tool "t"', keys)
    assert diags == []
    assert mapping == {"filter[id]": "filter_id", "a b": "a_b", "p" * 70: "p" * 64}


def test_explicit_renames_apply_and_are_checked() -> None:
    rule = ParamRule(pattern=r"^[a-z]+$", rename=(("filter[id]", "filterid"), ("a", "b-c")))
    mapping, diags = client_keys(
        _profile(rule), 'tool "t"', [("filter[id]", SPAN, ""), ("a", SPAN, "")]
    )
    assert mapping == {"filter[id]": "filterid", "a": "b-c"}
    assert [d.code for d in diags] == ["E034"]
    assert '"b-c"' in diags[0].message


def test_a_fixed_argument_is_added_or_must_match() -> None:
    assert check_fixed({"id": 1}, {"state": "closed"}, "w", "close") == {"id": 1, "state": "closed"}
    assert check_fixed({"state": "closed"}, {"state": "closed"}, "w", "close") == {
        "state": "closed"
    }
    with pytest.raises(InvalidArguments) as err:
        check_fixed({"state": "open"}, {"state": "closed"}, 'tool "t"', "close")
    assert err.value.message == (
        'invalid arguments for tool "t": "state": "close" fixes it to "closed" — omit it or call '
        "the operation itself"
    )


class _Numbers(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int | float = Field(..., ge=1)


def test_numbers_keep_their_wire_type_and_fail_with_one_message() -> None:
    assert type(validate(_Numbers, {"n": 42}, "w")[0].n) is int  # type: ignore[attr-defined]
    assert type(validate(_Numbers, {"n": 4.5}, "w")[0].n) is float  # type: ignore[attr-defined]
    with pytest.raises(InvalidArguments) as err:
        validate(_Numbers, {"n": "4"}, 'tool "t"')
    assert err.value.message == (
        'invalid arguments for tool "t": "n": Input should be a valid number'
    )


def test_missing_is_a_falsy_singleton() -> None:
    assert not MISSING and MISSING is Missing.MISSING and repr(MISSING) == "MISSING"
