"""write: only what changed, atomically; stale files deleted; nothing outside generated/."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolc.generator.emit import OutputFile
from toolc.generator.write import read_tree, write


def _files(**texts: str) -> list[OutputFile]:
    return [
        OutputFile(path=f"generated/{k.replace('__', '/')}.py", text=v) for k, v in texts.items()
    ]


def test_writes_changed_deletes_stale_and_skips_unchanged(tmp_path: Path) -> None:
    first = write(tmp_path, _files(a="A\n", sub__b="B\n"))
    assert first.changed == ("generated/a.py", "generated/sub/b.py")
    stamp = (tmp_path / "generated/a.py").stat().st_mtime_ns
    (tmp_path / "generated/old.py").write_text("old\n")
    (tmp_path / "generated/__pycache__").mkdir()
    (tmp_path / "generated/__pycache__/a.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "keep.txt").write_text("mine\n")
    second = write(tmp_path, _files(a="A\n", c="C\n"))
    assert second.changed == ("generated/c.py",)
    assert second.deleted == ("generated/old.py", "generated/sub/b.py")
    assert (tmp_path / "generated/a.py").stat().st_mtime_ns == stamp
    assert not (tmp_path / "generated/sub").exists()
    assert (tmp_path / "generated/__pycache__/a.cpython-311.pyc").exists()
    assert (tmp_path / "keep.txt").read_text() == "mine\n"
    assert not list((tmp_path / "generated").glob(".*.tmp"))


def test_check_reports_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    write(tmp_path, _files(a="one\n", gone="x\n"))
    result = write(tmp_path, _files(a="two\n"), check=True)
    assert result.stale
    assert "-one\n+two\n" in result.diff
    assert "--- a/generated/gone.py\n+++ /dev/null\n" in result.diff
    assert read_tree(tmp_path) == {"generated/a.py": "one\n", "generated/gone.py": "x\n"}
    assert not write(tmp_path, _files(a="one\n", gone="x\n"), check=True).stale


@pytest.mark.parametrize("path", ["tools.yaml", "generated/../x.py", "/etc/x", "gen/x.py"])
def test_refuses_paths_outside_generated(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError):
        write(tmp_path, [OutputFile(path=path, text="x")])
    assert not (tmp_path / "x.py").exists()


def test_refuses_to_write_through_a_folder_linked_out_of_generated(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    (root / "generated").mkdir(parents=True)
    (root / "generated" / "clients").symlink_to(outside, target_is_directory=True)
    files = [OutputFile(path="generated/clients/a.py", text="x = 1\n")]
    with pytest.raises(ValueError, match="link out of generated/"):
        write(root, files)
    assert list(outside.iterdir()) == []
