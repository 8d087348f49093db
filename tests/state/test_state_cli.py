"""`serve --state` / `--workers`: clear one-line errors, `${VAR}` expansion, no password shown."""

from __future__ import annotations

import pytest

from tests.e2e.runtime_support import FIXTURE
from toolc.runtime.__main__ import main
from toolc.runtime.state import StateConfigError, expand_url, health, open_state, redact


def serve(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["serve", "--client", "test", "--generated", str(FIXTURE), "--no-trace", *args])
    return code, capsys.readouterr().err


def test_a_variable_in_the_url_is_read_from_the_environment() -> None:
    env = {"REDIS_PASSWORD": "s3cret", "REDIS_HOST": "cache"}
    url = expand_url("redis://:${REDIS_PASSWORD}@${REDIS_HOST}:6379/0", env)
    assert url == "redis://:s3cret@cache:6379/0"
    assert redact(url) == "redis://:***@cache:6379/0"
    assert redact("redis://app:pw@cache/1") == "redis://app:***@cache/1"
    assert redact("redis://cache:6379") == "redis://cache:6379"


def test_an_unset_variable_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = serve(capsys, "--state", "redis://:${TOOLC_TEST_NOT_SET}@127.0.0.1:1/0")
    assert code == 1
    assert err.strip() == (
        'error: the state URL refers to "${TOOLC_TEST_NOT_SET}", which is not set — export '
        "TOOLC_TEST_NOT_SET or write the URL out"
    )


def test_a_url_that_is_not_redis_is_refused_without_its_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = serve(capsys, "--state", "http://user:hunter2@example.test/")
    assert code == 1
    assert "redis://, rediss:// or unix://" in err and "hunter2" not in err
    assert "Traceback" not in err
    with pytest.raises(StateConfigError):
        expand_url("memcached://x")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--workers", "2"), "error: --workers needs --transport http"),
        (
            ("--workers", "2", "--transport", "http", "--sse-replay-events", "10"),
            "error: --sse-replay-events needs stateful sessions",
        ),
    ],
)
def test_workers_options_that_cannot_work_together(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, err = serve(capsys, *args)
    assert code == 2
    assert err.startswith(message)


@pytest.mark.parametrize("count", ["0", "65", "many"])
def test_a_worker_count_out_of_range_is_refused(
    capsys: pytest.CaptureFixture[str], count: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        serve(capsys, "--transport", "http", "--workers", count)
    assert exit_.value.code == 2
    assert "--workers" in capsys.readouterr().err


def test_redis_ok_is_none_without_state() -> None:
    assert open_state(None) is None
    assert health.redis_ok() is None
    assert open_state("redis://127.0.0.1:1/0") is not None
    assert health.redis_ok() is True  # nothing failed yet
    health.configure(False)
