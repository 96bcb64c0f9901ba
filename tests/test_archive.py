"""The safe zip reader refuses path escapes and zip bombs and reads nothing to disk."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tribu.connectors._archive import SafeZip
from tribu.errors import InputError, UnsafeArchiveError


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_reads_members_in_memory(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "ok.zip", {"a/users.json": b"[]", "a/general/x.json": b"{}"}
    )
    with SafeZip(archive) as zf:
        assert zf.names() == ["a/users.json", "a/general/x.json"]
        assert zf.read("a/users.json") == b"[]"


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "a/../../evil", "C:/x"])
def test_refuses_paths_that_escape(tmp_path: Path, name: str) -> None:
    archive = _zip(tmp_path / "bad.zip", {name: b"x"})
    with pytest.raises(UnsafeArchiveError, match="escapes"):
        SafeZip(archive)


def test_refuses_archives_expanding_past_the_limit(tmp_path: Path) -> None:
    # 3 members of 1,000 bytes = 3,000 bytes declared, over a 2,500-byte limit.
    archive = _zip(tmp_path / "big.zip", {f"m{i}": b"x" * 1000 for i in range(3)})
    with pytest.raises(UnsafeArchiveError, match="past the limit"):
        SafeZip(archive, max_total_bytes=2500)


def test_refuses_a_zip_bomb_ratio(tmp_path: Path) -> None:
    # 50 MB of zeros deflates to ~50 KB: a ratio near 1000, far above the 200 allowed.
    archive = _zip(tmp_path / "bomb.zip", {"zeros": b"\0" * 50_000_000})
    with pytest.raises(UnsafeArchiveError, match="ratio"):
        SafeZip(archive)


def test_garbage_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "garbage.zip"
    path.write_bytes(b"\x00\x01not a zip")
    with pytest.raises(InputError, match="garbage.zip"):
        SafeZip(path)
