"""Typed shapes of the JSON API (pydantic), so its OpenAPI schema says what comes back.

Each registered measure gets its own row model, made from the measure's Ibis schema when the
app starts (:func:`measure_row_model`): a measure registered tomorrow is typed in the schema
without a change here.
"""

from __future__ import annotations

import datetime as dt
from types import GenericAlias
from typing import Any

import ibis.expr.datatypes as dtypes
from pydantic import BaseModel, Field, create_model

__all__ = [
    "BusinessResponse",
    "CreatorsResponse",
    "FirstPartySection",
    "Campaign",
    "Channel",
    "ChartResponse",
    "Community",
    "ErrorBody",
    "ErrorResponse",
    "FiltersResponse",
    "MeasureInfo",
    "MeasureRows",
    "MemberResponse",
    "MemberWeek",
    "StatusResponse",
    "SummaryResponse",
    "TokenInfo",
    "measure_row_model",
]


class ErrorBody(BaseModel):
    """What went wrong."""

    status: int
    title: str
    detail: str


class ErrorResponse(BaseModel):
    """The one error shape of the API."""

    error: ErrorBody


class MeasureInfo(BaseModel):
    """A registered measure."""

    name: str
    family: str
    summary: str
    tables: list[str]
    settings: dict[str, Any]
    columns: list[dict[str, str]] = Field(
        description="Each column's name and type (Ibis type name)."
    )
    url: str
    csv_url: str


class MeasureRows(BaseModel):
    """Rows of a measure after filtering (generic form; each measure has a typed one too)."""

    measure: str
    filters: dict[str, str | None]
    applied: dict[str, str] = Field(
        description="Filters that applied, with the measure column each used."
    )
    columns: list[dict[str, str]]
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
    role: str
    name: str
    created_at: str
    revoked_at: str | None


def _python_type(dtype: dtypes.DataType) -> Any:
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
    """A pydantic model of one row of ``measure``, from its Ibis ``schema``."""
    fields: dict[str, Any] = {
        name: (_python_type(dtype) | None, None) for name, dtype in schema.items()
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

    columns: list[dict[str, str]]
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
