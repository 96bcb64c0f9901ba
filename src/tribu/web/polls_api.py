"""The polls API and page: ``/api/v1/polls``, ``/api/v1/polls.csv`` and ``/polls``.

Thin: parse the query, call :func:`tribu.polls.view.polls_view` on the server's snapshot,
render. The JSON route has typed response models (so it is in the OpenAPI schema); each section
downloads as CSV; the page renders the report's "Sondages" section through an autoescaping
template (member text is never inserted as HTML).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from tribu.polls.view import SECTIONS, PollsView, polls_view, records
from tribu.report.labels import labels, pick_lang
from tribu.report.polls_section import polls_section
from tribu.web.api import CSV_ANSWER, CsvResponse, csv_response

__all__ = ["PollsResponse", "polls_router"]


class PollRow(BaseModel):
    """One poll: where, who asked, how many answered, the leading answer."""

    poll_id: str
    community_id: str
    community: str | None
    ts: str | None
    source: str
    question: str
    asked_by_brand: bool
    multiple: bool
    closed: bool | None
    voters: int | None
    active_members: int | None
    participation: float | None
    leader: str | None
    leader_share: float | None


class PollAnswerRow(BaseModel):
    """One answer of a poll: votes, base and share with its Wilson interval."""

    poll_id: str
    community_id: str
    question: str
    multiple: bool
    position: int
    option: str
    votes: int | None
    base: int | None
    share: float | None
    share_low: float | None
    share_high: float | None


class SegmentRow(BaseModel):
    """Answers of one role and audience (voters known only)."""

    option: str
    role: str
    audience: str
    votes: int
    share: float | None
    poll_id: str | None = None
    position: int | None = None
    voters: int | None = None
    survey_id: str | None = None
    question: str | None = None
    responses: int | None = None


class SurveyRow(BaseModel):
    """One questionnaire: its tool, responses and participation."""

    survey_id: str
    source: str | None
    community_id: str | None
    responses: int
    first: str | None
    last: str | None
    members: int
    customers: int
    participation: float | None


class SurveyAnswerRow(BaseModel):
    """One label of a questionnaire's choice question."""

    survey_id: str
    question: str
    kind: str
    option: str | None
    votes: int
    base: int
    share: float | None
    share_low: float | None
    share_high: float | None


class SurveyScoreRow(BaseModel):
    """A scale, NPS or free-text question's summary."""

    survey_id: str
    question: str
    kind: str
    responses: int
    mean: float | None
    nps: float | None
    mean_sentiment: float | None
    negative: int | None


class PollsResponse(BaseModel):
    """``tribu polls --json``."""

    confidence: float
    community: str | None
    polls: list[PollRow]
    poll_results: list[PollAnswerRow]
    poll_segments: list[SegmentRow]
    surveys: list[SurveyRow]
    survey_results: list[SurveyAnswerRow]
    survey_scores: list[SurveyScoreRow]
    survey_segments: list[SegmentRow]


Section = Literal[
    "polls",
    "poll_results",
    "poll_segments",
    "surveys",
    "survey_results",
    "survey_scores",
    "survey_segments",
]
Confidence = Annotated[float, Query(ge=0.5, le=0.999)]
assert set(Section.__args__) == set(SECTIONS)  # type: ignore[attr-defined]


def _view(request: Request, community: str | None, confidence: float) -> PollsView:
    """The polls view of the server's snapshot, computed once per community and confidence."""
    data = request.app.state.snapshots.data
    return data.cached(  # type: ignore[no-any-return]
        ("polls", community, confidence),
        lambda: polls_view(data.tables, confidence=confidence, community=community),
    )


def polls_router() -> APIRouter:
    """The ``/api/v1/polls`` routes and the ``/polls`` page."""
    router = APIRouter()

    @router.get("/api/v1/polls", response_model=PollsResponse, tags=["polls"])
    def polls(
        request: Request, community: str | None = None, confidence: Confidence = 0.95
    ) -> dict[str, Any]:
        """Polls and questionnaires: shares with Wilson intervals, participation, segments."""
        view = _view(request, community, confidence)
        document: dict[str, Any] = {"confidence": confidence, "community": community}
        document.update({name: records(view.sections[name]) for name in SECTIONS})
        return document

    @router.get(
        "/api/v1/polls.csv",
        tags=["polls"],
        response_class=CsvResponse,
        responses=CSV_ANSWER,
    )
    def polls_csv(
        request: Request,
        section: Section = "poll_results",
        community: str | None = None,
        confidence: Confidence = 0.95,
    ) -> Any:
        """One section of the polls view as CSV (default: every poll answer)."""
        view = _view(request, community, confidence)
        frame = view.sections[section]
        return csv_response(records(frame), list(frame.columns), section)

    @router.get("/polls", include_in_schema=False)
    def page(
        request: Request, lang: str | None = None, community: str | None = None
    ) -> Response:
        from tribu.web.pages import render

        data = request.app.state.snapshots.data
        chosen = pick_lang(
            lang if lang in ("fr", "en") else None, data.french_share(None)
        )
        view = _view(request, community or None, 0.95)
        section = polls_section(data.tables, chosen, view=view)
        return render("polls.html", lang=chosen, w=labels(chosen), section=section)

    return router
