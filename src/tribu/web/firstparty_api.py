"""Typed API of the business and creators pages: ``/api/v1/business``, ``/api/v1/creators``.

The generic ``/api/v1/measures/<name>`` routes give each registered measure alone; these give
what the pages show together, as ``tribu business --json`` and ``tribu creators --json`` do:
the segments (a k-means step after the measures), the NPS ↔ rating correlation and its
verdict, the tier recommendations, and the flagged posts with their handle and text. Each
table is also a CSV download: ``/api/v1/business/<section>.csv``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from tribu.report.data import MeasureData, column_types, records
from tribu.report.firstparty import (
    business_result,
    creators_result,
    firstparty_available,
)
from tribu.web.api import CSV_ANSWER, CsvResponse, csv_response
from tribu.web.models import BusinessResponse, CreatorsResponse

__all__ = ["firstparty_router"]


def _data(request: Request) -> MeasureData:
    data: MeasureData = request.app.state.snapshots.data
    return data


def _sections(kind: str, sections: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {
            "columns": column_types(frame),
            "rows": records(frame),
            "csv_url": f"/api/v1/{kind}/{name}.csv",
        }
        for name, frame in sections.items()
    }


def _result(data: MeasureData, kind: str) -> tuple[Any, str | None]:
    if not firstparty_available(data, kind):
        raise HTTPException(
            404, f"No {kind} data in this warehouse: load it with 'tribu load'."
        )
    return business_result(data) if kind == "business" else creators_result(data)


def firstparty_router() -> APIRouter:
    """The ``/api/v1/business`` and ``/api/v1/creators`` routes (JSON and CSV)."""
    router = APIRouter(prefix="/api/v1")

    @router.get(
        "/business",
        response_model=BusinessResponse,
        tags=["business"],
        operation_id="business",
    )
    def business(request: Request) -> dict[str, Any]:
        """CAC, CLV/CAC, repurchase, NPS and its link to review ratings, segments, members."""
        data = _data(request)
        if not firstparty_available(data, "business"):
            return {"available": False}
        result, unit = business_result(data)
        return {
            "available": True,
            "currency": unit,
            "margin": result.settings["margin"],
            "nps_rating_correlation": result.correlation.__dict__,
            "predictive_notes": list(result.predictive.notes),
            "sections": _sections("business", result.sections),
        }

    @router.get(
        "/creators",
        response_model=CreatorsResponse,
        tags=["creators"],
        operation_id="creators",
    )
    def creators(request: Request) -> dict[str, Any]:
        """Tiers against benchmarks, creators, flagged posts (law n° 2023-451), tier choice."""
        data = _data(request)
        if not firstparty_available(data, "creators"):
            return {"available": False}
        result, unit = creators_result(data)
        return {
            "available": True,
            "currency": unit,
            "recommendations": [r.__dict__ for r in result.recommendations],
            "sections": _sections("creators", result.sections),
        }

    @router.get(
        "/business/{section}.csv",
        tags=["business"],
        response_class=CsvResponse,
        responses=CSV_ANSWER,
        operation_id="business_section_csv",
    )
    def business_csv(request: Request, section: str) -> Any:
        """One table of the business page as CSV."""
        return _section_csv(_data(request), "business", section)

    @router.get(
        "/creators/{section}.csv",
        tags=["creators"],
        response_class=CsvResponse,
        responses=CSV_ANSWER,
        operation_id="creators_section_csv",
    )
    def creators_csv(request: Request, section: str) -> Any:
        """One table of the creators page as CSV."""
        return _section_csv(_data(request), "creators", section)

    return router


def _section_csv(data: MeasureData, kind: str, section: str) -> Any:
    result, _ = _result(data, kind)
    if section not in result.sections:
        known = ", ".join(result.sections)
        raise HTTPException(404, f"No {kind} section {section!r}. Sections: {known}.")
    frame = result.sections[section]
    return csv_response(records(frame), [str(c) for c in frame.columns], section)
