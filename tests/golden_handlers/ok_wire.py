"""Handlers of the ok_wire golden case (the same as tests/fixtures/wire_build)."""

from __future__ import annotations

from typing import Any

from toolc import MISSING, Missing


def _seen(**kwargs: Any) -> dict[str, Any]:
    values = {k: "MISSING" if v is MISSING else v for k, v in kwargs.items()}
    return {"values": values, "types": {k: type(v).__name__ for k, v in kwargs.items()}}


def send(
    from_: str,
    class_: str | None,
    x_request_id: str | None,
    user_name: str | None,
    filter_id: int | None,
    p_model_config: str | None,
    json_: int | float | None,
    recipient: str | None,
) -> dict[str, Any]:
    return _seen(
        from_=from_,
        class_=class_,
        x_request_id=x_request_id,
        user_name=user_name,
        filter_id=filter_id,
        p_model_config=p_model_config,
        json_=json_,
        recipient=recipient,
    )


def update(
    id: int, state: str | None, assignee: str | Missing | None, note: str | None
) -> dict[str, Any]:
    return _seen(id=id, state=state, assignee=assignee, note=note)


def echo(msg: str | None, **extra: Any) -> dict[str, Any]:
    return _seen(msg=msg, **extra)
