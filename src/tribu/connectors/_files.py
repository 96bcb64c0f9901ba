"""List the files of an export folder without ever following a symbolic link.

A folder export (Slack, Messenger, a folder of Discord files) is walked here, so a link placed
in it (to ``/etc/passwd``, to another user's folder) is never read as part of the export.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["safe_files"]


def safe_files(folder: Path, pattern: str = "*") -> list[Path]:
    """Files under ``folder`` matching ``pattern``, sorted, never through a symbolic link.

    Links (to files or folders) are left out, so an export folder cannot lead tribu to read
    a file elsewhere on the disk; sub-folders are walked without following links.
    """
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        dirs[:] = [d for d in dirs if not (base / d).is_symlink()]
        for name in files:
            path = base / name
            if not path.is_symlink() and path.match(pattern) and path.is_file():
                found.append(path)
    return sorted(found)
