"""The JSON API under ``/api/v1``: every registered measure, the dashboard's charts, members.

Thin on purpose: each endpoint parses its query, asks :class:`tribu.report.data.MeasureData`
(of the server's current snapshot) and renders JSON or CSV. Every route needs a token (see
:mod:`tribu.web.auth`); the app adds that dependency to the whole router.

Measures are listed from the registry, so a measure registered by any family (community,
business, creators...) gets ``/api/v1/measures/<name>``, a typed row model in the OpenAPI
schema (:func:`typed_openapi`), and ``/api/v1/measures/<name>.csv`` with no change here.
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, StreamingResponse

from tribu.csv_cells import csv_cell
from tribu.errors import ConfigError
from tribu.metrics import MEASURES
from tribu.report.charts import CHARTS, build_chart
from tribu.report.data import (
    Filters,
    MeasureData,
    MeasureUnavailable,
    column_types,
    records,
)
from tribu.report.labels import labels, pick_lang
from tribu.report.summary import summary_sentences
from tribu.web._schema import IsoDate, declare_shared_answers, one_of
from tribu.web.models import (
    ChartResponse,
    FiltersResponse,
    MeasureInfo,
    MeasureRows,
    MemberResponse,
    StatusResponse,
    SummaryResponse,
    measure_row_model,
    measure_rows_model,
)


def _member_roles(data: MeasureData) -> pd.DataFrame:
    """The member_roles measure, or an empty frame while it is not registered."""
    try:
        return data.frame("member_roles")
    except MeasureUnavailable:
        return pd.DataFrame({"member_id": pd.Series(dtype="string")})


__all__ = [
    "CSV_ANSWER",
    "CsvResponse",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "api_router",
    "chart_payload",
    "csv_response",
    "measure_filters",
    "summary_payload",
    "typed_openapi",
]

MAX_LIMIT = 1_000_000
# The largest integer every JSON client reads exactly (2**53 - 1, JavaScript's safe integer).
MAX_OFFSET = 9_007_199_254_740_991

Lang = Literal["fr", "en"]


class CsvResponse(StreamingResponse):
    """A CSV download (``text/csv``, UTF-8), streamed."""

    media_type = "text/csv"


CSV_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The rows as CSV (UTF-8, a header line first).",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}
"""The ``responses`` of a route answering a CSV download."""


def measure_filters(
    community: Annotated[str | None, Query(description="community_id")] = None,
    channel: Annotated[str | None, Query(description="channel_id")] = None,
    campaign: Annotated[str | None, Query(description="campaign_id")] = None,
    since: Annotated[
        IsoDate | None,
        Query(description="first day (UTC), YYYY-MM-DD; not after until"),
    ] = None,
    until: Annotated[
        IsoDate | None, Query(description="last day (UTC, included), YYYY-MM-DD")
    ] = None,
) -> Filters:
    """Read the filter query parameters (a bad date is a 422 with the error shape).

    ``since`` after ``until`` is a 400 (a rule between two parameters, which OpenAPI cannot
    state), as on the command line.
    """
    if since is not None and until is not None and since > until:
        raise ConfigError(
            f"The 'since' parameter must not be after 'until'. "
            f"Got since={since}, until={until}."
        )
    return Filters(
        community=community or None,
        channel=channel or None,
        campaign=campaign or None,
        since=since,
        until=until,
    )


FiltersDep = Annotated[Filters, Depends(measure_filters)]
_CHART_NAME = one_of(CHARTS, "the chart")


def _data(request: Request) -> MeasureData:
    data: MeasureData = request.app.state.snapshots.data
    return data


def _csv_stream(rows: list[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for start in range(0, len(rows), 5000):
        for row in rows[start : start + 5000]:
            writer.writerow([csv_cell(row[c]) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def csv_response(rows: list[dict[str, Any]], columns: list[str], name: str) -> Any:
    """A CSV download of ``rows`` named ``<name>.csv``."""
    return CsvResponse(
        _csv_stream(rows, columns),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _known_measure(data: MeasureData, name: str) -> None:
    if name not in data.measure_names():
        known = ", ".join(data.measure_names())
        raise HTTPException(404, f"No measure named {name!r}. Known measures: {known}.")


def _measure_rows(
    data: MeasureData, name: str, filters: Filters, offset: int, limit: int
) -> dict[str, Any]:
    _known_measure(data, name)
    frame, applied = data.filtered(name, filters)
    page = frame.iloc[offset : offset + limit]
    return {
        "measure": name,
        "filters": filters.as_dict(),
        "applied": applied,
        "columns": column_types(frame),
        "total": len(frame),
        "offset": offset,
        "limit": limit,
        "rows": records(page),
    }


def chart_payload(
    data: MeasureData, chart: str, filters: Filters, lang: str
) -> dict[str, Any]:
    """What ``GET /api/v1/charts/{chart}`` answers (cached per filters and language)."""

    def build() -> dict[str, Any]:
        built = build_chart(chart, data, filters, labels(lang))
        return {
            "chart": built.name,
            "title": built.title,
            "measure": built.measure,
            "rows": built.rows,
            "figure": built.figure,
            "table": built.table,
            "notes": built.notes,
            "csv_url": f"/api/v1/measures/{built.measure}.csv",
        }

    result: dict[str, Any] = data.cached(
        ("chart", chart, tuple(filters.as_dict().items()), lang), build
    )
    return result


def summary_payload(data: MeasureData, filters: Filters, lang: str) -> dict[str, Any]:
    """What ``GET /api/v1/summary`` answers (cached per filters and language)."""
    sentences = data.cached(
        ("summary", tuple(filters.as_dict().items()), lang),
        lambda: summary_sentences(data, filters, labels(lang)),
    )
    return {"lang": lang, "sentences": sentences}


def api_router() -> APIRouter:
    """The ``/api/v1`` routes (each measure's typed schema is added by :func:`typed_openapi`)."""
    router = APIRouter(prefix="/api/v1")

    @router.get(
        "/status",
        response_model=StatusResponse,
        tags=["server"],
        operation_id="server_status",
    )
    def status(request: Request) -> dict[str, Any]:
        """Which snapshot of the warehouse answers (it changes after each ingest)."""
        snapshots = request.app.state.snapshots
        current = snapshots.current
        return {
            "snapshot": current.number,
            "warehouse": str(snapshots.db),
            "measures": len(current.data.measure_names()),
        }

    @router.get(
        "/measures",
        response_model=list[MeasureInfo],
        tags=["measures"],
        operation_id="list_measures",
    )
    def measures(request: Request) -> list[dict[str, Any]]:
        """Every registered measure this warehouse can compute, with its columns."""
        from tribu.metrics import MEASURES

        current = _data(request)
        listing = []
        for name in current.measure_names():
            m = MEASURES[name]
            schema = current.expression(name).schema()
            listing.append(
                {
                    "name": name,
                    "family": m.family,
                    "summary": m.summary,
                    "tables": list(m.tables),
                    "settings": {k: repr(v) for k, v in m.settings.items()},
                    "columns": [{"name": c, "type": str(t)} for c, t in schema.items()],
                    "url": f"/api/v1/measures/{name}",
                    "csv_url": f"/api/v1/measures/{name}.csv",
                }
            )
        return listing

    @router.get(
        "/measures/{name}.csv",
        tags=["measures"],
        response_class=CsvResponse,
        responses=CSV_ANSWER,
        operation_id="measure_csv",
    )
    def measure_csv(request: Request, name: str, filters: FiltersDep) -> Any:
        """Rows of measure ``name`` as CSV, after the filters."""
        current = _data(request)
        _known_measure(current, name)
        frame, _ = current.filtered(name, filters)
        return csv_response(records(frame), [str(c) for c in frame.columns], name)

    @router.get(
        "/measures/{name}",
        response_model=MeasureRows,
        tags=["measures"],
        operation_id="measure_rows",
    )
    def measure_rows(
        request: Request,
        name: str,
        filters: FiltersDep,
        offset: Annotated[
            int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")
        ] = 0,
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description="rows to send at most")
        ] = 10_000,
    ) -> Any:
        """Rows of any registered measure, after the filters it has columns for."""
        return JSONResponse(_measure_rows(_data(request), name, filters, offset, limit))

    @router.get(
        "/filters",
        response_model=FiltersResponse,
        tags=["dashboard"],
        operation_id="filter_options",
    )
    def filter_options(request: Request) -> dict[str, Any]:
        """The communities, channels, campaigns and days the filters can take."""
        current = _data(request)
        first, last = current.period()
        return {
            "communities": records(current.communities()),
            "channels": records(current.channels()),
            "campaigns": records(current.campaigns()),
            "first_day": first,
            "last_day": last,
        }

    @router.get(
        "/scorecard",
        response_model=dict[str, Any],
        tags=["dashboard"],
        operation_id="scorecard",
    )
    def scorecard(request: Request, filters: FiltersDep) -> dict[str, Any]:
        """The community scorecard (``tribu.metrics.scorecard``) for the filters."""
        return _data(request).scorecard(filters)

    @router.get(
        "/summary",
        response_model=SummaryResponse,
        tags=["dashboard"],
        operation_id="summary",
    )
    def summary(
        request: Request,
        filters: FiltersDep,
        lang: Lang | None = None,
    ) -> dict[str, Any]:
        """What changed against the previous week, in words."""
        current = _data(request)
        chosen = pick_lang(lang, current.french_share(filters.community))
        return summary_payload(current, filters, chosen)

    @router.get(
        "/charts",
        response_model=list[str],
        tags=["dashboard"],
        operation_id="list_charts",
    )
    def charts() -> list[str]:
        """The dashboard's charts, by name."""
        return list(CHARTS)

    @router.get(
        "/charts/{chart}",
        response_model=ChartResponse,
        tags=["dashboard"],
        operation_id="chart",
    )
    def chart(
        request: Request,
        chart: Annotated[
            str, Path(description="one of GET /api/v1/charts"), *_CHART_NAME
        ],
        filters: FiltersDep,
        lang: Lang | None = None,
    ) -> Any:
        """One dashboard chart as a Plotly figure, plus the table rows shown under it."""
        current = _data(request)
        chosen = pick_lang(lang, current.french_share(filters.community))
        return JSONResponse(chart_payload(current, chart, filters, chosen))

    # Member ids may hold any character: with --keep-names they are
    # "<community_id>/<platform key>", slashes included. The routes take the rest of the
    # path (``:path``), so "/members/discord:1/alice" and "/members/discord%3A1%2Falice"
    # both reach member "discord:1/alice". The CSV route is declared first: it is the more
    # specific one, and a member whose id itself ends in "/weekly.csv" still gets its
    # profile (see member_csv).

    def member_profile(current: MeasureData, member_id: str) -> dict[str, Any]:
        profile = current.member(member_id)
        if profile is None:
            raise HTTPException(404, f"No member with id {member_id!r}.")
        roles_frame = _member_roles(current)
        mine = roles_frame[roles_frame["member_id"] == member_id]
        return {
            "member_id": member_id,
            "community_id": profile.get("community_id"),
            "display_name": profile.get("display_name"),
            "platform_roles": list(profile.get("roles") or []),
            "joined_at": profile.get("joined_at"),
            "roles": records(mine)[0] if len(mine) else {},
            "weekly": records(current.member_weekly(member_id)),
        }

    @router.get(
        "/members/{member_id:path}/weekly.csv",
        tags=["members"],
        response_class=CsvResponse,
        responses=CSV_ANSWER,
        operation_id="member_weekly_csv",
    )
    def member_csv(request: Request, member_id: str) -> Any:
        """A member's messages and mean sentiment per week, as CSV."""
        current = _data(request)
        if current.member(member_id) is None:
            whole = f"{member_id}/weekly.csv"
            if current.member(whole) is not None:  # an id ending in "/weekly.csv"
                profile = MemberResponse.model_validate(member_profile(current, whole))
                return JSONResponse(profile.model_dump(mode="json"))
            raise HTTPException(404, f"No member with id {member_id!r}.")
        frame = current.member_weekly(member_id)
        return csv_response(records(frame), list(frame.columns), "member_weekly")

    @router.get(
        "/members/{member_id:path}",
        response_model=MemberResponse,
        tags=["members"],
        operation_id="member",
    )
    def member(request: Request, member_id: str) -> dict[str, Any]:
        """A member (pseudonym): profile, measured roles, messages and sentiment per week.

        The id may hold ``/`` (``--keep-names`` warehouses): send it as is, or URL-encoded.
        """
        return member_profile(_data(request), member_id)

    return router


def typed_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI schema, with a typed path and row model for every registered measure.

    Made on first request (a measure's columns are known from its Ibis expression, and some
    expressions take a while to build on a big warehouse), then kept.
    """
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        servers=app.servers,
    )
    generic = schema["paths"]["/api/v1/measures/{name}"]["get"]
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    data: MeasureData = app.state.snapshots.data
    for name in data.measure_names():
        try:
            columns = data.expression(name).schema()
        except Exception:  # a measure that cannot be built here keeps the generic shape
            continue
        rows = measure_rows_model(name, measure_row_model(name, columns))
        body = rows.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components[rows.__name__] = body
        operation = copy.deepcopy(generic)
        operation["parameters"] = [
            p for p in operation.get("parameters", []) if p["name"] != "name"
        ]
        operation["operationId"] = f"measure_{name}"
        operation["summary"] = f"Rows of {name}"
        operation["description"] = MEASURES[name].summary
        operation["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": f"#/components/schemas/{rows.__name__}"
        }
        schema["paths"][f"/api/v1/measures/{name}"] = {"get": operation}
    declare_shared_answers(schema)
    app.openapi_schema = schema
    return schema
