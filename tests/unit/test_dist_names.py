"""`toolc dist`'s install names and its import rewrite (generator/dist/rename.py)."""

from __future__ import annotations

import pytest

from toolc.generator.dist.plan import import_name, normalize_name
from toolc.generator.dist.rename import RenameError, rename_imports


def test_names() -> None:
    assert normalize_name("BMAD_claude.code--x") == "bmad-claude-code-x"
    assert import_name("notes-server", "claude-code") == "notes_server_claude_code"


def test_rename_imports() -> None:
    source = (
        b"from handlers.platform import memory as h0\n"
        b"from ..models import x\n"
        b"import handlers.store as s, json\n"
        b"def f() -> None:\n"
        b"    from handlers import (\n"
        b"        a,\n"
        b"        b,\n"
        b"    )\n"
        b"import handlersx\n"
    )
    out = rename_imports(source, "m.py", {"handlers": "bmad_handlers"}).decode()
    assert out == (
        "from bmad_handlers.platform import memory as h0\n"
        "from ..models import x\n"
        "import bmad_handlers.store as s, json\n"
        "def f() -> None:\n"
        "    from bmad_handlers import a, b\n"
        "import handlersx\n"
    )
    with pytest.raises(RenameError, match="binds the name"):
        rename_imports(b"import handlers.store\n", "m.py", {"handlers": "bmad_handlers"})
