"""Open a JSON file past a UTF-8 byte-order mark.

Some exports (Facebook's among them, once re-saved by an editor) start with a BOM, which strict
JSON parsers reject as an invalid character.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import BinaryIO

__all__ = ["open_json"]


def open_json(path: Path) -> BinaryIO:
    """Open ``path`` in binary mode, positioned after a UTF-8 BOM if there is one."""
    fh = Path(path).open("rb")  # noqa: SIM115 - the caller closes it (a with block)
    if fh.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
        fh.seek(0)
    return fh
