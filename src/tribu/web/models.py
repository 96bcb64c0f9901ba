"""Typed shapes of the JSON API (pydantic), so its OpenAPI schema says what comes back.

Each registered measure gets its own row model, made from the measure's Ibis schema when the
app starts (:func:`measure_row_model`): a measure registered tomorrow is typed in the schema
without a change here.
"""

from __future__ import annotations

import datetime as dt
from types import GenericAlias
from typing import Any, Literal

import ibis.expr.datatypes as dtypes
from pydantic import BaseModel, Field, create_model

__all__ = [
    "BusinessResponse",
    "CreatorsResponse",
    "FirstPartySection",
    "Campaign",
    "Channel",
    "ChartResponse",
    "Column",
    "ColumnType",
    "Community",
    "ErrorBody",
    "ErrorResponse",
    "FilterValues",
    "FiltersResponse",
    "MeasureColumn",
    "MeasureInfo",
    "MeasureRows",
    "MemberResponse",
    "MemberWeek",
    "StatusResponse",
    "SummaryResponse",
    "TokenInfo",
    "measure_row_model",
    "measure_rows_model",
]


class ErrorBody(BaseModel):
    """What went wrong."""

    status: int
    title: str
    detail: str


class ErrorResponse(BaseModel):
    """The one error shape of the API."""

    error: ErrorBody


ColumnType = Literal[
    "string", "integer", "number", "boolean", "date", "datetime", "array"
]
"""JSON type of a column in answers (``date``: ``YYYY-MM-DD``; ``datetime``: with its offset)."""


class Column(BaseModel):
    """A column of rows in an answer, with its JSON type."""

    name: str
    type: ColumnType


class MeasureColumn(BaseModel):
    """A column of a measure, with its Ibis type name (``date``, ``timestamp('UTC', 6)``...)."""

    name: str
    type: str


class MeasureInfo(BaseModel):
    """A registered measure."""

    name: str
    family: str
    summary: str
    tables: list[str]
    settings: dict[str, str] = Field(
        description="Each setting's default, as Python repr."
    )
    columns: list[MeasureColumn] = Field(
        description="Each column's name and type (Ibis type name)."
    )
    url: str
    csv_url: str


class FilterValues(BaseModel):
    """The filters of a request, as received (``null``: not set)."""

    community: str | None
    channel: str | None
    campaign: str | None
    since: dt.date | None
    until: dt.date | None


class MeasureRows(BaseModel):
    """Rows of a measure after filtering (generic form; each measure has a typed one too)."""

    measure: str
    filters: FilterValues
    applied: dict[str, str] = Field(
        description="Filters that applied, with the measure column each used."
    )
    columns: list[Column]
    total: int = Field(description="Rows matching the filters, before limit/offset.")
    offset: int
    limit: int
    rows: list[dict[str, Any]]


class Community(BaseModel):
    """A community."""

    community_id: str
    platform: str | None = None
    name: str | None = None


class Channel(BaseModel):
    """A channel."""

    channel_id: str
    community_id: str | None = None
    name: str | None = None


class Campaign(BaseModel):
    """A campaign."""

    campaign_id: str
    name: str | None = None
    community_id: str | None = None
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None
    spend: float | None = None
    currency: str | None = None


class FiltersResponse(BaseModel):
    """What the filters can be set to."""

    communities: list[Community]
    channels: list[Channel]
    campaigns: list[Campaign]
    first_day: dt.date | None
    last_day: dt.date | None


class ChartResponse(BaseModel):
    """A dashboard chart: the Plotly figure and the table rows shown under it."""

    chart: str
    title: str
    measure: str
    rows: int
    figure: dict[str, Any]
    table: list[dict[str, Any]]
    notes: list[str] = []  # said under the chart: signals, series left out, coverage
    csv_url: str


class SummaryResponse(BaseModel):
    """The written summary (what changed against the previous week)."""

    lang: str
    sentences: list[str]


class MemberWeek(BaseModel):
    """One week of a member's activity."""

    week: dt.date
    messages: int
    mean_sentiment: float | None


class MemberResponse(BaseModel):
    """A member (pseudonym): profile, roles, weekly activity and sentiment."""

    member_id: str
    community_id: str | None
    display_name: str | None
    platform_roles: list[str]
    joined_at: dt.datetime | None
    roles: dict[str, Any] = Field(
        description="The member's row of the member_roles measure."
    )
    weekly: list[MemberWeek]


class StatusResponse(BaseModel):
    """Which snapshot of the warehouse the server is answering from."""

    snapshot: int
    warehouse: str
    measures: int


class TokenInfo(BaseModel):
    """A token's public record (never the token itself)."""

    token_id: str
    role: Literal["viewer", "admin"]
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def _python_type(dtype: dtypes.DataType) -> Any:
    """The Python type of a column of Ibis type ``dtype`` (JSON schema: date, date-time...).

    A timestamp is an instant: its values carry their UTC offset (:func:`tribu.report.rows.
    json_value`); a calendar day, week or month is a ``date``.
    """
    if dtype.is_boolean():
        return bool
    if dtype.is_integer():
        return int
    if dtype.is_floating() or dtype.is_decimal():
        return float
    if dtype.is_timestamp():
        return dt.datetime
    if dtype.is_date():
        return dt.date
    if dtype.is_string():
        return str
    if dtype.is_array():
        return list[Any]
    return Any


def _model_name(measure: str) -> str:
    return "".join(part.capitalize() for part in measure.split("_"))


def measure_row_model(measure: str, schema: Any) -> type[BaseModel]:
    """A pydantic model of one row of ``measure``, from its Ibis ``schema``.

    Every column is in every row (required), its value ``null`` when missing.
    """
    fields: dict[str, Any] = {
        name: (_python_type(dtype) | None, ...) for name, dtype in schema.items()
    }
    return create_model(f"{_model_name(measure)}Row", **fields)


def measure_rows_model(measure: str, row: type[BaseModel]) -> type[BaseModel]:
    """The typed answer of ``GET /api/v1/measures/{measure}``."""
    # list[row], spelt out: row is a model made at run time, so no static type form.
    rows_type: Any = GenericAlias(list, (row,))
    return create_model(
        f"{_model_name(measure)}Rows", __base__=MeasureRows, rows=(rows_type, ...)
    )


class FirstPartySection(BaseModel):
    """One table of the business or creators page, raw (numbers unformatted)."""

    columns: list[Column]
    rows: list[dict[str, Any]]
    csv_url: str


class BusinessResponse(BaseModel):
    """The business page's numbers (``tribu business``), over all first-party data."""

    available: bool = Field(description="False when customers or orders are empty.")
    currency: str | None = None
    margin: float | None = None
    nps_rating_correlation: dict[str, Any] | None = Field(
        default=None, description="n, rho, p_value and the verdict in words."
    )
    predictive_notes: list[str] = Field(default_factory=list)
    sections: dict[str, FirstPartySection] = Field(default_factory=dict)


class CreatorsResponse(BaseModel):
    """The creators page's numbers (``tribu creators``); ``disclosure`` lists flagged posts."""

    available: bool = Field(
        description="False when creators or creator_posts are empty."
    )
    currency: str | None = None
    recommendations: list[dict[str, Any]] = Field(default_factory=list)
    sections: dict[str, FirstPartySection] = Field(default_factory=dict)
