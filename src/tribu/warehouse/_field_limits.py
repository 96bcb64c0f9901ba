"""Size and type limits of staged records: what the warehouse can store, checked by batch.

A batch that Arrow refuses (an integer where text is expected, a count past int32, a lone
surrogate: :data:`STAGE_FAULTS`) or that holds a field past its size limit
(:data:`MAX_TEXT_BYTES` for text, :data:`MAX_FIELD_BYTES` for ids, names and the like: an
8 MB id would exhaust DuckDB's memory at merge) is refused here; :mod:`tribu.warehouse._staging`
then writes it again record by record and quarantines the records that still fail.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "MAX_FIELD_BYTES",
    "MAX_TEXT_BYTES",
    "STAGE_FAULTS",
    "FieldTooLong",
    "check_sizes",
    "too_long",
]

MAX_TEXT_BYTES = 1 << 20
"""Longest message or notice text kept (UTF-8 bytes); a longer record is quarantined."""
MAX_FIELD_BYTES = 4096
"""Longest id, name, emoji or kind (UTF-8 bytes); a longer record is quarantined."""
_TEXT_COLUMNS = frozenset({"text", "raw"})


class FieldTooLong(ValueError):
    """A staged field is past its size limit."""


STAGE_FAULTS: tuple[type[Exception], ...] = (
    pa.ArrowException,
    TypeError,
    ValueError,  # UnicodeEncodeError, FieldTooLong
    LookupError,
    AttributeError,
    ArithmeticError,  # OverflowError: an integer past the column's type
)
"""What writing a batch of records may raise on a record's bad field."""


def too_long(key: str) -> bool:
    """Whether an id or name is past :data:`MAX_FIELD_BYTES` (encoded only when it may be)."""
    return len(key) > MAX_FIELD_BYTES // 4 and (
        len(key.encode("utf-8", "replace")) > MAX_FIELD_BYTES
    )


def check_sizes(table: pa.Table) -> None:
    """Raise :class:`FieldTooLong` when a text column (or list of text) holds a field too long."""
    for name, column in zip(table.column_names, table.columns, strict=True):
        values = column
        if pa.types.is_list(column.type):
            values = pc.list_flatten(column)
        elif not pa.types.is_string(column.type):
            continue
        if len(values) == 0:
            continue
        longest = pc.max(pc.binary_length(values)).as_py() or 0
        limit = MAX_TEXT_BYTES if name in _TEXT_COLUMNS else MAX_FIELD_BYTES
        if longest > limit:
            raise FieldTooLong(
                f"'{name}' is {longest} bytes long, past the limit of {limit}"
            )
