"""Measure rows made plain: JSON-safe values (ISO dates, None for NaN) and column types."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

__all__ = ["column_types", "json_value", "records", "to_pandas"]


def json_value(value: Any) -> Any:
    """One value made JSON-safe (ISO dates, None for NaN/NaT, Python numbers).

    Instants keep their offset (``2024-03-01T10:00:00+00:00``); a time without a time zone
    is read as UTC, as every time of the warehouse is.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp too
        if (
            value.tzinfo is None
        ):  # warehouse times are UTC: say so (RFC 3339 wants an offset)
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, np.ndarray):
        return [json_value(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-safe dicts (ISO dates, ``None`` for NaN/NaT)."""
    columns = list(frame.columns)
    return [
        {c: json_value(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def column_types(frame: pd.DataFrame) -> list[dict[str, str]]:
    """Each column's name and JSON type (string, integer, number, boolean, date, datetime)."""
    described = []
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            kind = "boolean"
        elif pd.api.types.is_integer_dtype(dtype):
            kind = "integer"
        elif pd.api.types.is_float_dtype(dtype):
            kind = "number"
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            kind = "datetime"
        else:
            sample = frame[name].dropna()
            first = sample.iloc[0] if len(sample) else None
            if isinstance(first, dt.datetime):
                kind = "datetime"
            elif isinstance(first, dt.date):
                kind = "date"
            elif isinstance(first, bool | np.bool_):
                kind = "boolean"
            elif isinstance(first, list | np.ndarray):
                kind = "array"
            else:
                kind = "string"
        described.append({"name": str(name), "type": kind})
    return described


def to_pandas(expr: ir.Table) -> pd.DataFrame:
    """Run ``expr`` in a stable row order; date columns stay dates (not pandas datetimes).

    Measures promise no row order (DuckDB scans in parallel), so rows are sorted by their
    scalar columns, left to right: pages of the API and CSV downloads come out the same
    on every call. On DuckDB the query runs unordered and the rows are sorted here, as
    DuckDB's ``ORDER BY`` would (ascending, nulls last, NaN after numbers): the unordered
    query is the one the scorecard runs too, so it is answered once
    (:mod:`tribu.warehouse.result_cache`).
    """
    schema = expr.schema()
    scalar = [
        column
        for column, dtype in schema.items()
        if not (dtype.is_array() or dtype.is_map() or dtype.is_struct())
    ]
    backend = expr._find_backend(use_default=True)
    if getattr(backend, "name", None) == "duckdb" and hasattr(
        backend, "_to_duckdb_relation"
    ):
        frame = _duckdb_sorted(backend, expr, scalar)
    else:
        frame = (expr.order_by(scalar) if scalar else expr).to_pandas()
    for column, dtype in schema.items():
        if dtype.is_date() and column in frame:
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _duckdb_sorted(backend: Any, expr: ir.Table, scalar: list[str]) -> pd.DataFrame:
    """``expr`` run on DuckDB, rows sorted by ``scalar``, converted as Ibis's ``execute``."""
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    table = backend._to_duckdb_relation(expr).to_arrow_table()
    if scalar and table.num_rows > 1:
        table = table.sort_by([(column, "ascending") for column in scalar])
    frame = pd.DataFrame(
        {
            name: (
                col.to_pylist()
                if pat.is_nested(col.type)
                or pat.is_dictionary(col.type)
                or col.null_count
                else col.to_pandas()
            )
            for name, col in zip(table.column_names, table.columns, strict=True)
        }
    )
    return DuckDBPandasData.convert_table(frame, expr.schema())
