"""Validate first-party rows and write them into the warehouse, all or nothing.

Every file of a load is read and checked before anything is written; the write is one
transaction, so a failed load leaves the warehouse as it was. Rows are upserted on the kind's
key: loading the same file twice changes nothing, and a corrected file replaces the rows it
names (only the columns the file has are overwritten).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from tribu.errors import InputError
from tribu.firstparty._kinds import KINDS, Column, Kind
from tribu.firstparty._reader import read_rows
from tribu.firstparty._values import is_blank, parse_list
from tribu.warehouse.store import transaction

__all__ = ["LoadResult", "load_files", "read_file"]

_ARROW_TYPES = {
    "text": pa.string(),
    "time": pa.timestamp("us", tz="UTC"),
    "money": pa.float64(),
    "count": pa.int64(),
    "integer": pa.int64(),
    "list": pa.list_(pa.string()),
}


@dataclass
class LoadResult:
    """What a load did: rows read, rows new to the warehouse, columns it ignored."""

    kind: str
    files: list[str]
    rows: int = 0
    new: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    unknown_members: int = 0  # member-links only: member ids not (yet) in `members`


@dataclass
class _Parsed:
    rows: list[dict[str, Any]]
    origin: list[tuple[str, int]]  # (file, row number) of each row
    present: set[str]
    ignored: set[str]


def _header_names(column: Column) -> tuple[str, ...]:
    return (column.name, *column.aliases)


def _find(raw: dict[str, Any], column: Column) -> tuple[str, Any] | None:
    for name in _header_names(column):
        if name in raw:
            return name, raw[name]
    return None


def read_file(
    kind: Kind, path: Path, *, default_currency: str | None = None
) -> _Parsed:
    """Read and validate one file of ``kind``; raise InputError at the first bad cell."""
    known = {name for column in kind.columns for name in _header_names(column)}
    known |= {name for names in kind.merge_into.values() for name in names}
    parsed = _Parsed([], [], set(), set())
    header_checked = False
    for number, raw in read_rows(path):
        if not header_checked and path.suffix.lower() not in {
            ".jsonl",
            ".ndjson",
            ".json",
        }:
            _check_header(kind, path, raw)
            header_checked = True
        parsed.ignored |= set(raw) - known
        parsed.rows.append(
            _parse_row(kind, path, number, raw, default_currency, parsed)
        )
        parsed.origin.append((str(path), number))
    return parsed


def _check_header(kind: Kind, path: Path, raw: dict[str, Any]) -> None:
    for column in kind.columns:
        if column.required and _find(raw, column) is None:
            names = " or ".join(repr(n) for n in _header_names(column))
            raise InputError(
                path,
                "row 1",
                f"no column {names} (a {kind.name} file needs it); columns found: "
                f"{', '.join(raw) or 'none'}.",
            )


def _parse_row(
    kind: Kind,
    path: Path,
    number: int,
    raw: dict[str, Any],
    default_currency: str | None,
    parsed: _Parsed,
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in kind.columns:
        found = _find(raw, column)
        header = found[0] if found else column.name
        value = found[1] if found else None
        if found:
            parsed.present.add(column.name)
        if is_blank(value):
            if column.required:
                raise InputError(
                    path,
                    f"row {number}, column {header!r}",
                    "empty; a value is required.",
                )
            row[column.name] = None
            continue
        try:
            row[column.name] = column.parse(value)
        except ValueError as exc:
            raise InputError(
                path, f"row {number}, column {header!r}", f"{exc}."
            ) from None
    for target, sources in kind.merge_into.items():
        extra = [
            item
            for s in sources
            if not is_blank(raw.get(s))
            for item in parse_list(raw[s])
        ]
        if extra:
            parsed.present.add(target)
            row[target] = [*(row.get(target) or []), *extra]
    _check_money(kind, path, number, row, default_currency, parsed)
    if kind.name == "campaigns" and row["ends"] < row["starts"]:
        raise InputError(
            path,
            f"row {number}, column 'ends'",
            f"the campaign ends ({row['ends']:%Y-%m-%d}) before it starts "
            f"({row['starts']:%Y-%m-%d}).",
        )
    return row


def _check_money(
    kind: Kind,
    path: Path,
    number: int,
    row: dict[str, Any],
    default_currency: str | None,
    parsed: _Parsed,
) -> None:
    has_money = any(row.get(name) for name in kind.money)
    if not has_money or row.get("currency"):
        return
    if default_currency is None:
        raise InputError(
            path,
            f"row {number}, column 'currency'",
            "an amount without a currency; add a currency column (EUR, USD...) or pass "
            "--currency, or set [currency] reporting in tribu.toml.",
        )
    row["currency"] = default_currency
    parsed.present.add("currency")


def _read_all(
    kind: Kind, paths: Sequence[Path], default_currency: str | None
) -> _Parsed:
    total = _Parsed([], [], set(), set())
    seen: dict[tuple[Any, ...], tuple[str, int]] = {}
    for path in paths:
        part = read_file(kind, path, default_currency=default_currency)
        for row, origin in zip(part.rows, part.origin, strict=True):
            key = tuple(row[name] for name in kind.key)
            if key in seen:
                first = seen[key]
                raise InputError(
                    origin[0],
                    f"row {origin[1]}",
                    f"same {', '.join(kind.key)} as {first[0]} row {first[1]} "
                    f"({', '.join(str(k) for k in key)}); keep one of the two.",
                )
            seen[key] = origin
        total.rows += part.rows
        total.origin += part.origin
        total.present |= part.present
        total.ignored |= part.ignored
    return total


def _arrow(kind: Kind, columns: Iterable[str], rows: list[dict[str, Any]]) -> pa.Table:
    types = {column.name: column.kind for column in kind.columns}
    names = list(columns)
    return pa.table(
        {
            n: pa.array([r.get(n) for r in rows], type=_ARROW_TYPES[types[n]])
            for n in names
        }
    )


def load_files(
    con: duckdb.DuckDBPyConnection,
    kind_name: str,
    paths: Sequence[str | Path],
    *,
    default_currency: str | None = None,
) -> LoadResult:
    """Validate ``paths`` as files of ``kind_name`` and upsert them in one transaction.

    Parameters
    ----------
    con
        An open warehouse (``tribu.warehouse.store.open_warehouse``).
    kind_name
        One of :data:`tribu.firstparty.KINDS` (``orders``, ``creator-posts``...).
    paths
        CSV or JSONL files, all of that kind.
    default_currency
        The currency of amounts whose row has none; without it such a row is an error.
    """
    if kind_name not in KINDS:
        raise InputError(
            paths[0] if paths else kind_name,
            None,
            f"unknown kind {kind_name!r}; use one of {', '.join(KINDS)}.",
        )
    kind = KINDS[kind_name]
    files = [Path(p) for p in paths]
    parsed = _read_all(kind, files, default_currency)
    result = LoadResult(kind.name, [str(p) for p in files], rows=len(parsed.rows))
    result.ignored_columns = sorted(parsed.ignored)
    columns = [c for c in kind.column_names if c in parsed.present or c in kind.key]
    staged = _arrow(kind, columns, parsed.rows)
    with transaction(con):
        con.register("_tribu_staged", staged)
        try:
            if kind.name == "member-links":
                _link_members(con, parsed, result)
            else:
                _upsert(con, kind, columns, result)
        finally:
            con.unregister("_tribu_staged")
    return result


def _key_match(kind: Kind, left: str, right: str) -> str:
    return " AND ".join(
        f"{left}.{k} IS NOT DISTINCT FROM {right}.{k}" for k in kind.key
    )


def _upsert(
    con: duckdb.DuckDBPyConnection, kind: Kind, columns: list[str], result: LoadResult
) -> None:
    table, names = kind.table, ", ".join(columns)
    match = _key_match(kind, "t", "s")
    new = con.execute(
        f"SELECT count(*) FROM _tribu_staged s WHERE NOT EXISTS "
        f"(SELECT 1 FROM {table} t WHERE {match})"
    ).fetchone()
    result.new = int(new[0]) if new else 0
    if kind.table in {
        "nps",
        "reviews",
    }:  # no primary key: replace rows with the same key
        con.execute(
            f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM _tribu_staged s "
            f"WHERE {match})"
        )
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _tribu_staged")
        return
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in kind.key)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    con.execute(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM _tribu_staged "
        f"ON CONFLICT ({', '.join(kind.key)}) {conflict}"
    )


def _link_members(
    con: duckdb.DuckDBPyConnection, parsed: _Parsed, result: LoadResult
) -> None:
    missing = con.execute(
        "SELECT s.customer_id FROM _tribu_staged s ANTI JOIN customers c "
        "ON c.customer_id = s.customer_id LIMIT 1"
    ).fetchone()
    if missing:
        index = next(
            i for i, r in enumerate(parsed.rows) if r["customer_id"] == missing[0]
        )
        path, number = parsed.origin[index]
        raise InputError(
            path,
            f"row {number}, column 'customer_id'",
            f"no customer {missing[0]!r} in the warehouse; load the customers file first.",
        )
    changed = con.execute(
        "SELECT count(*) FROM _tribu_staged s JOIN customers c ON c.customer_id = "
        "s.customer_id WHERE c.member_id IS DISTINCT FROM s.member_id"
    ).fetchone()
    result.new = int(changed[0]) if changed else 0
    unknown = con.execute(
        "SELECT count(*) FROM _tribu_staged s ANTI JOIN members m ON m.member_id = s.member_id"
    ).fetchone()
    result.unknown_members = int(unknown[0]) if unknown else 0
    con.execute(
        "UPDATE customers SET member_id = s.member_id FROM _tribu_staged s "
        "WHERE customers.customer_id = s.customer_id"
    )
