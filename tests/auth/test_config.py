"""The `auth:`, `scopes:`, `rate_limit:` and `shared:` keys in the compiler: validated with clear
errors, and written into the build as names and paths only, never a secret."""

from __future__ import annotations

from pathlib import Path

from tests.auth.support import compiled
from tests.unit.test_validate import CLIENT, catalog, check, project

SECURE = (
    CLIENT
    + """\
auth:
  tokens:
    - {name: ci, env: CI_TOKEN, scopes: ["*"]}
    - {name: ci, file: secrets/ci.token}
  jwt: {issuer: "https://id.example", audience: "https://mcp.example/mcp", jwks_url: "http://id.example/jwks"}
rate_limit: {calls_per_minute: 120, burst: 10}
"""
)


def validate_client(tmp_path: Path, client: str) -> str:
    root, module = project(tmp_path, {"clients/mobile.yaml": client})
    (root / "tools.yaml").write_text(catalog(module), encoding="utf-8")
    return check(root)


def test_duplicate_token_names_and_a_plain_http_jwks_url_are_errors(tmp_path: Path) -> None:
    out = validate_client(tmp_path, SECURE)
    assert out == (
        'clients/mobile.yaml:13:14: error[E075]: auth token name "ci" is used twice in client '
        '"mobile" — give each token its own name (the principal handlers and spans see).\n'
        "  clients/mobile.yaml:12:14: note: first use.\n"
        'clients/mobile.yaml:14:86: error[E076]: jwt jwks_url "http://id.example/jwks" is plain '
        "http, so its keys can be forged in transit — use https (plain http is accepted for "
        "loopback hosts only).\n"
    )


def test_a_literal_secret_in_the_yaml_is_refused_without_echoing_it(tmp_path: Path) -> None:
    client = CLIENT + 'auth:\n  tokens:\n    - {name: ci, token: "s3cr3t-value-123456"}\n'
    out = validate_client(tmp_path, client)
    assert out == (
        'clients/mobile.yaml:12:18: error[E004]: unknown key "token" in item 1 of "tokens" of '
        '"auth" — remove it; allowed keys are "name", "env", "file", "scopes".\n'
    )


def test_a_token_in_place_of_a_variable_name_is_refused_without_echoing_it(
    tmp_path: Path,
) -> None:
    client = CLIENT + 'auth:\n  tokens:\n    - {name: ci, env: "s3cr3t-value-123456"}\n'
    client += "    - {name: cd}\n"
    out = validate_client(tmp_path, client)
    assert "s3cr3t" not in out
    assert out == (
        'clients/mobile.yaml:12:23: error[E077]: the env of auth token "ci" is not the name of an '
        "environment variable (it is not quoted here: it may be the token itself) — give the "
        "variable's name, e.g. TOOLC_TOKEN_CI, and put the token in the environment.\n"
        'clients/mobile.yaml:13:7: error[E077]: auth token "cd" names no source — give exactly '
        "one: env (a variable's name) or file (a path).\n"
    )


def test_bad_scopes_and_rate_limits_are_refused(tmp_path: Path) -> None:
    root, module = project(tmp_path, {"clients/mobile.yaml": CLIENT})
    text = catalog(module).replace(
        "      add:\n",
        '      add:\n        scopes: ["has space"]\n        rate_limit: {burst: 0}\n',
        1,
    )
    (root / "tools.yaml").write_text(text, encoding="utf-8")
    out = check(root)
    assert out.count("error[") >= 3, out
    assert "scopes" in out and "calls_per_minute" in out and "burst" in out


def test_the_build_holds_variable_names_and_paths_only() -> None:
    build = (compiled() / "generated" / "clients" / "secure" / "build.py").read_text()
    assert '"env": "AUTHTEST_ALICE"' in build and '"file": "ops.token"' in build
    assert "alice-token" not in build and "ops-token" not in build
    assert '"scopes": ["notes:read"]' in build and '"shared": True' in build
    assert '"rate_limit": {"calls_per_minute": 60.0, "burst": 5}' in build
    open_build = (compiled() / "generated" / "clients" / "open" / "build.py").read_text()
    assert "AUTH" not in open_build and "RATE_LIMIT:" not in open_build
