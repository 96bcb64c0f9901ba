"""The polls view: every poll and questionnaire measure run once, for the surfaces.

``tribu polls``, the report's "Sondages" section, the dashboard's Polls page and
``/api/v1/polls`` all show :func:`polls_view`: named sections (pandas frames) built from the
measures of :mod:`tribu.polls.measures`, plus one summary row per poll (who asked it, whether
the brand did, participation, the leading answer).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from tribu.metrics._registry import compute
from tribu.polls import measures

__all__ = ["SECTIONS", "PollsView", "plain", "polls_view", "records"]
_REGISTERED = measures.__all__  # importing the module registers the poll measures

SECTIONS = (
    "polls",
    "poll_results",
    "poll_segments",
    "surveys",
    "survey_results",
    "survey_scores",
    "survey_segments",
)
"""Section names of the view, in the order the surfaces show them."""


@dataclass
class PollsView:
    """The sections of the polls view (see :data:`SECTIONS`)."""

    sections: dict[str, pd.DataFrame] = field(default_factory=dict)
    confidence: float = 0.95

    @property
    def empty(self) -> bool:
        """True when the warehouse holds neither polls nor questionnaire responses."""
        return bool(self.sections["polls"].empty and self.sections["surveys"].empty)


def _frame(
    name: str, tables: Mapping[str, ir.Table], **settings: object
) -> pd.DataFrame:
    frame = compute(name, tables, **settings).to_pandas()
    return frame.reset_index(drop=True)


def polls_view(
    tables: Mapping[str, ir.Table],
    *,
    confidence: float = 0.95,
    community: str | None = None,
) -> PollsView:
    """Run the poll measures over ``tables`` (canonical name -> Ibis table).

    Parameters
    ----------
    tables
        From :func:`tribu.warehouse.engines.ibis_tables`.
    confidence
        Coverage of the Wilson intervals (default 0.95).
    community
        Keep one community's polls and the surveys sent to it.
    """
    results = _frame("poll_results", tables, confidence=confidence)
    participation = _frame("poll_participation", tables)
    polls = tables["polls"].to_pandas()
    members = tables["members"].select("member_id", "is_brand").to_pandas()
    communities = tables["communities"].select("community_id", "name").to_pandas()
    polls = polls.merge(
        members.rename(columns={"member_id": "author_id"}), on="author_id", how="left"
    )
    polls["asked_by_brand"] = polls["is_brand"].fillna(False).astype(bool)
    polls = polls.merge(
        communities.rename(columns={"name": "community"}), on="community_id", how="left"
    )
    polls = polls.merge(
        participation[["poll_id", "voters", "active_members", "participation"]],
        on="poll_id",
        how="left",
    )
    leaders = (
        results.dropna(subset=["votes"])
        .sort_values(["poll_id", "votes", "position"], ascending=[True, False, True])
        .drop_duplicates("poll_id")
        .set_index("poll_id")
    )
    polls["leader"] = polls["poll_id"].map(leaders["option"])
    polls["leader_share"] = polls["poll_id"].map(leaders["share"])
    polls = polls.sort_values(["ts", "poll_id"], ascending=[False, True])
    summary = polls[
        [
            "poll_id",
            "community_id",
            "community",
            "ts",
            "source",
            "question",
            "asked_by_brand",
            "multiple",
            "closed",
            "voters",
            "active_members",
            "participation",
            "leader",
            "leader_share",
        ]
    ].reset_index(drop=True)
    responses = tables["survey_responses"].to_pandas()
    surveys = (
        responses.groupby(["survey_id"], dropna=False)
        .agg(
            source=("source", "first"),
            community_id=("community_id", "first"),
            responses=("response_id", "nunique"),
            first=("ts", "min"),
            last=("ts", "max"),
            members=("member_id", "nunique"),
            customers=("customer_id", "nunique"),
        )
        .reset_index()
        if not responses.empty
        else pd.DataFrame(
            columns=[
                "survey_id",
                "source",
                "community_id",
                "responses",
                "first",
                "last",
                "members",
                "customers",
            ]
        )
    )
    sections = {
        "polls": summary,
        "poll_results": results.drop(columns=["ts"]),
        "poll_segments": _frame("poll_votes_by_segment", tables),
        "surveys": surveys,
        "survey_results": _frame("survey_results", tables, confidence=confidence),
        "survey_scores": _frame("survey_scores", tables),
        "survey_segments": _frame("survey_answers_by_segment", tables),
    }
    if community is not None:
        sections = _one_community(sections, community)
    participation_by_survey = _frame("survey_participation", tables)
    if not participation_by_survey.empty and not sections["surveys"].empty:
        mean = participation_by_survey.groupby("survey_id")["participation"].mean()
        sections["surveys"]["participation"] = sections["surveys"]["survey_id"].map(
            mean
        )
    elif "participation" not in sections["surveys"]:
        sections["surveys"]["participation"] = pd.Series(dtype="float64")
    return PollsView(sections, confidence)


def _one_community(
    sections: dict[str, pd.DataFrame], community: str
) -> dict[str, pd.DataFrame]:
    polls = sections["polls"]
    keep = set(polls.loc[polls["community_id"] == community, "poll_id"])
    surveys = sections["surveys"]
    kept_surveys = set(surveys.loc[surveys["community_id"] == community, "survey_id"])
    out = {}
    for name, frame in sections.items():
        if "poll_id" in frame:
            out[name] = frame[frame["poll_id"].isin(keep)].reset_index(drop=True)
        elif "survey_id" in frame:
            out[name] = frame[frame["survey_id"].isin(kept_surveys)].reset_index(
                drop=True
            )
        else:
            out[name] = frame
    return out


def plain(value: Any) -> Any:
    """A cell as JSON-ready Python: ISO dates, None for NaN/NaT, numpy scalars unboxed."""
    if isinstance(value, datetime | date | pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return plain(value.item())
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as JSON-ready dicts (see :func:`plain`)."""
    columns = list(frame.columns)
    return [
        {c: plain(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]
