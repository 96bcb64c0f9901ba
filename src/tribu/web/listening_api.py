"""The listening API and pages: ``/api/v1/listening/...`` and ``/listening``.

Thin: parse the query, call :mod:`tribu.listening.view` on the server's snapshot (a read-only
DuckDB cursor), render. JSON routes have typed response models (so they are in the OpenAPI
schema), topics download as CSV, and a topic's messages come a page at a time. The pages render
with autoescaping templates (``listening.html``, ``topic.html``); member text is never inserted
as HTML, and the chart is drawn by the same ``firstparty.js`` as the business pages.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel

from tribu.listening.store import has_tables
from tribu.listening.view import (
    ListeningError,
    csv_rows,
    listening_view,
    topic_messages,
)
from tribu.report.conversations import WORDS, connection_of, conversations
from tribu.report.filters import Filters
from tribu.report.labels import labels, pick_lang
from tribu.web._schema import ERROR_REF
from tribu.web.api import CSV_ANSWER, CsvResponse, csv_response

__all__ = ["ListeningResponse", "TopicMessagesResponse", "listening_router"]


class SeriesPoint(BaseModel):
    """Messages of a topic in one period."""

    period_start: str
    messages: int


class Place(BaseModel):
    """A community or channel where a topic lives, with its messages there."""

    community_id: str
    name: str
    messages: int
    channel_id: str | None = None


class Example(BaseModel):
    """A message close to the topic's centre (author pseudonymised)."""

    message_id: str
    author_id: str
    ts: str
    channel_id: str
    text: str


class Topic(BaseModel):
    """One conversation topic in the period shown."""

    topic_id: int
    label: str
    terms: list[str]
    status: str
    emergence: float
    trend: str
    messages: int
    share: float
    baseline_mean: float
    mean_sentiment: float | None
    negative_share: float
    negative_burst: bool
    first_seen: str | None
    new: bool
    series: list[SeriesPoint]
    communities: list[Place]
    channels: list[Place]
    examples: list[Example]


class Affinity(BaseModel):
    """A domain, hashtag or account, its messages in scope and its lift."""

    item: str
    messages: int
    lift: float


class TermTrend(BaseModel):
    """A brand or product term of tribu.toml, trended."""

    term: str
    messages: int
    series: list[SeriesPoint]
    emergence: float
    status: str


class ListeningResponse(BaseModel):
    """``tribu listen --json`` for the query's scope."""

    period: dict[str, str]
    scope: dict[str, str | None]
    messages: int
    clustered_share: float
    baseline_periods: int
    topics: list[Topic]
    affinities: dict[str, list[Affinity]]
    terms: list[TermTrend]


class TopicMessage(BaseModel):
    """One message of a topic."""

    message_id: str
    author_id: str
    ts: str
    channel_id: str
    sentiment: float | None
    text: str


class TopicMessagesResponse(BaseModel):
    """One page of a topic's messages, newest first."""

    topic_id: int
    page: int
    per_page: int
    total: int
    messages: list[TopicMessage]


def _view(request: Request, **query: Any) -> dict[str, Any]:
    """The listening view; no topics yet, or none in the scope asked, is a 404."""
    con = connection_of(request.app.state.snapshots.data)
    try:
        return listening_view(con, **query)
    except ListeningError as exc:
        raise HTTPException(404, str(exc)) from exc
    finally:
        con.close()


def _messages(
    request: Request, topic_id: int, page: int, per_page: int
) -> dict[str, Any]:
    con = connection_of(request.app.state.snapshots.data)
    try:
        if (
            not has_tables(con)
            or not con.execute(
                "SELECT count(*) FROM topics WHERE topic_id = ?", [topic_id]
            ).fetchone()[0]
        ):
            raise HTTPException(404, f"No topic {topic_id}: run 'tribu listen' first.")
        return topic_messages(con, topic_id, page=page, per_page=per_page)
    finally:
        con.close()


# Closed lists as enums (a regex pattern with "$" lets a client send "week\n").
Period = Literal["week", "month"]
_NO_TOPICS: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "No topics yet ('tribu listen' not run), or none in the scope asked.",
        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
    }
}
Lang = Literal["fr", "en"] | None


def listening_router() -> APIRouter:
    """The ``/api/v1/listening`` routes and the ``/listening`` pages."""
    router = APIRouter()

    @router.get(
        "/api/v1/listening",
        response_model=ListeningResponse,
        tags=["listening"],
        responses=_NO_TOPICS,
    )
    def listening(
        request: Request,
        period: Period = "week",
        community: str | None = None,
        channel: str | None = None,
        lang: Lang = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 10,
    ) -> dict[str, Any]:
        """Conversation topics of the latest period in scope (as ``tribu listen --json``)."""
        return _view(
            request,
            period=period,
            community=community,
            channel=channel,
            lang=lang,
            limit=limit,
        )

    @router.get(
        "/api/v1/listening/topics.csv",
        tags=["listening"],
        response_class=CsvResponse,
        responses={**CSV_ANSWER, **_NO_TOPICS},
    )
    def topics_csv(
        request: Request,
        period: Period = "week",
        community: str | None = None,
        channel: str | None = None,
        lang: Lang = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> Any:
        """The topics of the latest period as CSV (one row per topic)."""
        rows = csv_rows(
            _view(
                request,
                period=period,
                community=community,
                channel=channel,
                lang=lang,
                limit=limit,
            )
        )
        columns = list(rows[0]) if rows else ["topic_id"]
        return csv_response(rows, columns, "topics")

    @router.get(
        "/api/v1/listening/topics/{topic_id}/messages",
        response_model=TopicMessagesResponse,
        tags=["listening"],
    )
    def messages(
        request: Request,
        topic_id: int,
        page: Annotated[int, Query(ge=1)] = 1,
        per_page: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        """One page of a topic's messages, newest first."""
        return _messages(request, topic_id, page, per_page)

    @router.get("/listening", include_in_schema=False)
    def page(
        request: Request,
        lang: str | None = None,
        community: str | None = None,
        period: str = "week",
    ) -> Response:
        from tribu.web.pages import render

        data = request.app.state.snapshots.data
        chosen = pick_lang(
            lang if lang in ("fr", "en") else None, data.french_share(None)
        )
        con = connection_of(data)
        try:
            section = conversations(
                con,
                chosen,
                Filters(community=community or None),
                period=period if period in ("week", "month") else "week",
                limit=15,
            )
        finally:
            con.close()
        return render("listening.html", lang=chosen, w=labels(chosen), section=section)

    @router.get("/listening/topics/{topic_id}", include_in_schema=False)
    def topic_page(
        request: Request, topic_id: int, page: int = 1, lang: str | None = None
    ) -> Response:
        from tribu.web.pages import render

        data = request.app.state.snapshots.data
        chosen = pick_lang(
            lang if lang in ("fr", "en") else None, data.french_share(None)
        )
        result = _messages(request, topic_id, max(page, 1), 50)
        con = connection_of(data)
        try:
            label = con.execute(
                "SELECT label FROM topics WHERE topic_id = ?", [topic_id]
            ).fetchone()[0]
        finally:
            con.close()
        pages = max(1, -(-result["total"] // result["per_page"]))
        return render(
            "topic.html",
            lang=chosen,
            w=labels(chosen),
            lw=WORDS[chosen],
            label=label,
            result=result,
            pages=pages,
        )

    return router
