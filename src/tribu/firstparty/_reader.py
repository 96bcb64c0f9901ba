"""Read a first-party CSV or JSONL file into numbered rows of raw cells.

CSV: UTF-8 (a byte-order mark is accepted), first line is the header, the delimiter is found
from the header among ``,`` ``;`` and tab (spreadsheets set to French often write ``;``).
JSONL: one JSON object per line; blank lines are skipped. Row numbers are the ones a person sees:
in a CSV the header is row 1 and the first record row 2; in JSONL a row is its line number.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tribu.errors import InputError

__all__ = ["read_rows"]


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(row_number, {column: raw value})`` for each record of a CSV or JSONL file."""
    if not path.is_file():
        raise InputError(path, None, "no such file.")
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        yield from _jsonl_rows(path)
    elif suffix in {".csv", ".tsv", ".txt"}:
        yield from _csv_rows(path)
    else:
        raise InputError(
            path, None, f"unknown file type {suffix!r}; give a .csv or a .jsonl file."
        )


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header_line = handle.readline()
            if not header_line.strip():
                raise InputError(path, "row 1", "the header row is empty.")
            delimiter = max(",;\t", key=header_line.count)
            handle.seek(0)
            if handle.read(1) != "\ufeff":
                handle.seek(0)
            reader = csv.reader(handle, delimiter=delimiter)
            header = [name.strip().lower() for name in next(reader)]
            duplicates = {name for name in header if header.count(name) > 1}
            if duplicates:
                raise InputError(
                    path, "row 1", f"column {sorted(duplicates)[0]!r} appears twice."
                )
            for cells in reader:
                row = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > len(header):
                    raise InputError(
                        path,
                        f"row {row}",
                        f"{len(cells)} cells for {len(header)} columns; is a value "
                        f"holding an unquoted {delimiter!r}?",
                    )
                yield row, dict(zip(header, cells, strict=False))
    except UnicodeDecodeError as exc:
        raise InputError(
            path, None, f"not UTF-8 text ({exc.reason}); save the file as UTF-8."
        ) from exc
    except csv.Error as exc:
        raise InputError(path, None, f"not a readable CSV file ({exc}).") from exc


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        path, f"row {number}", f"not valid JSON ({exc.msg})."
                    ) from None
                if not isinstance(record, dict):
                    raise InputError(
                        path,
                        f"row {number}",
                        f"expected a JSON object, got {type(record).__name__}.",
                    )
                yield number, {str(k).strip().lower(): v for k, v in record.items()}
    except UnicodeDecodeError as exc:
        raise InputError(
            path, None, f"not UTF-8 text ({exc.reason}); save the file as UTF-8."
        ) from exc
