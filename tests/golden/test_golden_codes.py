"""Every registered diagnostic code is shown by at least one golden case's expected stderr."""

from __future__ import annotations

import re
from pathlib import Path

from toolc.generator.diagnostics import CODES

HERE = Path(__file__).resolve().parent


def test_every_code_has_a_golden_case() -> None:
    shown: set[str] = set()
    compat = HERE.parent / "compat"  # the compatibility gate's codes show in its own goldens
    found = [*HERE.glob("*/expected/stderr.txt"), *compat.glob("**/expected*.txt")]
    for stderr in found:
        shown.update(re.findall(r"(?:error|warning)\[([EW]\d{3})\]", stderr.read_text("utf-8")))
    assert sorted(set(CODES) - shown) == []
