"""`toolc import --url`: the tools of a live Streamable HTTP server (toolc's own runtime serving
the test fixture) become a draft that compiles; a header's value never lands in the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.runtime_support import http_server
from tests.importer.support import toolc, tree

pytestmark = [pytest.mark.slow]


def test_import_over_http_with_header_proxy_and_stub(tmp_path: Path) -> None:
    with http_server() as url:
        proxy = toolc(
            "import",
            "--url",
            url,
            "--header",
            "X-Api-Key: s3cr3t-value",
            "--handlers",
            "proxy",
            "--upstream-name",
            "fixture",
            "--out",
            str(tmp_path / "proxy"),
        )
        stub = toolc("import", "--url", url, "--out", str(tmp_path / "stub"))
    assert stub.returncode == 0, stub.stderr
    assert proxy.returncode == 0, proxy.stderr
    assert "connected to" in stub.stderr and "tools/list page 1" in stub.stderr
    generated = toolc("generate", "--root", str(tmp_path / "stub"))
    assert generated.returncode == 0 and "error[" not in generated.stderr, generated.stderr
    # the proxy draft names the upstream and reads the header from the environment
    text = (tmp_path / "proxy" / "tools.yaml").read_text()
    assert "upstreams:\n  fixture:\n    url: " + url in text
    assert "X-Api-Key: ${FIXTURE_X_API_KEY}" in text and "upstream: fixture" in text
    assert all(b"s3cr3t" not in body for body in tree(tmp_path / "proxy").values())
    assert "s3cr3t" not in proxy.stderr
    generated = toolc("generate", "--root", str(tmp_path / "proxy"))
    assert generated.returncode == 0 and "error[" not in generated.stderr, generated.stderr


def test_bad_sources_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"tools": 3}')
    out = toolc("import", "--from-json", str(bad), "--out", str(tmp_path / "o"))
    assert out.returncode == 1 and "error[E090]" in out.stderr and "Traceback" not in out.stderr
    missing = toolc(
        "import", "--command", "definitely-not-a-server-xyz", "--out", str(tmp_path / "o")
    )
    assert missing.returncode == 1 and "error[E090]" in missing.stderr
    assert "Traceback" not in missing.stderr
    proxy_json = toolc("import", "--from-json", str(bad), "--handlers", "proxy")
    assert proxy_json.returncode == 1 and "error[E091]" in proxy_json.stderr
    fit = toolc("import", "--from-json", str(bad), "--fit", "cursor")
    assert fit.returncode == 1 and "error[E091]" in fit.stderr
