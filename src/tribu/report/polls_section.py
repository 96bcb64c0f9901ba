"""The "Sondages" section (polls and questionnaires), shared by the report and the dashboard.

Built from :func:`tribu.polls.view.polls_view`; every text here is member text or derived
from it and reaches the page through Jinja's autoescaping only (the template
``polls_section.html``). Shares are drawn as plain CSS bars whose width is a number computed
here, so the section needs no script and works offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir
import pandas as pd

from tribu.report.firstparty_columns import number

if TYPE_CHECKING:
    from tribu.polls.view import PollsView

__all__ = ["WORDS", "PollsSection", "polls_section"]

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Sondages",
        "intro": "Ce que la communauté a répondu : sondages des exports et questionnaires "
        "(Typeform, Google Forms, Tally). Parts des votants avec leur intervalle de "
        "Wilson à {level} ; participation = votants par membre actif de la semaine.",
        "empty": "Aucun sondage ni questionnaire : ingérez un export qui en contient ou "
        "chargez des réponses avec « tribu load survey ».",
        "polls": "Sondages des communautés",
        "surveys": "Questionnaires",
        "asked_by": "posé par la marque",
        "voters": "votants",
        "participation": "participation",
        "option": "Réponse",
        "votes": "Votes",
        "share": "Part",
        "interval": "Intervalle",
        "responses": "réponses",
        "question": "Question",
        "mean": "Moyenne",
        "nps": "NPS",
        "sentiment": "Sentiment moyen",
        "segments": "Par rôle et public",
        "role": "Rôle",
        "audience": "Public",
        "closed": "clos",
        "multiple": "plusieurs réponses possibles",
        "no_votes": "votes non comptés par l'export",
    },
    "en": {
        "title": "Polls and questionnaires",
        "intro": "What the community answered: polls in the exports and questionnaires "
        "(Typeform, Google Forms, Tally). Shares of voters with their {level} Wilson "
        "interval; participation = voters per active member that week.",
        "empty": "No polls nor questionnaires yet: ingest an export holding polls or load "
        "responses with `tribu load survey`.",
        "polls": "Community polls",
        "surveys": "Questionnaires",
        "asked_by": "asked by the brand",
        "voters": "voters",
        "participation": "participation",
        "option": "Answer",
        "votes": "Votes",
        "share": "Share",
        "interval": "Interval",
        "responses": "responses",
        "question": "Question",
        "mean": "Mean",
        "nps": "NPS",
        "sentiment": "Mean sentiment",
        "segments": "By role and audience",
        "role": "Role",
        "audience": "Audience",
        "closed": "closed",
        "multiple": "several answers allowed",
        "no_votes": "votes not counted by the export",
    },
}


@dataclass
class PollsSection:
    """What the template shows: words, one card per poll and per questionnaire."""

    words: dict[str, str]
    polls: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)
    empty: bool = True


def _pct(value: Any, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    return number(float(value) * 100, 0, lang) + "\u00a0%"


def _width(value: Any) -> float:
    """Bar width in percent, a plain number clipped to [0, 100]."""
    if value is None or pd.isna(value):
        return 0.0
    return round(max(0.0, min(1.0, float(value))) * 100, 1)


def _options(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    rows = []
    for r in frame.itertuples(index=False):
        votes = getattr(r, "votes", None)
        rows.append(
            {
                "option": str(r.option),
                "votes": "–" if votes is None or pd.isna(votes) else int(votes),
                "share": _pct(r.share, lang),
                "interval": f"{_pct(r.share_low, lang)} – {_pct(r.share_high, lang)}",
                "width": _width(r.share),
                "low": _width(r.share_low),
                "high": _width(r.share_high),
            }
        )
    return rows


def polls_section(
    tables: Mapping[str, ir.Table],
    lang: str,
    *,
    community: str | None = None,
    limit: int = 12,
    view: PollsView | None = None,
) -> PollsSection:
    """The section for ``tables`` in ``lang`` (``fr`` or ``en``), the ``limit`` latest polls.

    ``view`` is the polls view already computed for ``community`` (the dashboard caches it).
    """
    from tribu.polls.view import polls_view

    w = dict(WORDS.get(lang, WORDS["en"]))
    if view is None:
        view = polls_view(tables, community=community)
    w["intro"] = w["intro"].format(level=_pct(view.confidence, lang))
    section = PollsSection(w, empty=view.empty)
    s = view.sections
    results = s["poll_results"]
    for p in s["polls"].head(limit).itertuples(index=False):
        options = results[results["poll_id"] == p.poll_id].sort_values("position")
        facts = [
            f"{int(p.voters)} {w['voters']}" if not pd.isna(p.voters) else "",
            f"{w['participation']} {number(float(p.participation), 2, lang)}"
            if not pd.isna(p.participation)
            else "",
            w["asked_by"] if p.asked_by_brand else "",
            w["closed"] if p.closed is True else "",
            w["multiple"] if p.multiple else "",
        ]
        section.polls.append(
            {
                "poll_id": str(p.poll_id),
                "question": str(p.question),
                "where": str(p.community or p.community_id),
                "date": pd.Timestamp(p.ts).strftime("%Y-%m-%d")
                if not pd.isna(p.ts)
                else "",
                "source": str(p.source),
                "facts": " · ".join(f for f in facts if f),
                "options": _options(options, lang),
            }
        )
    choice, scores = s["survey_results"], s["survey_scores"]
    for sv in s["surveys"].itertuples(index=False):
        questions = []
        mine = choice[choice["survey_id"] == sv.survey_id]
        for question, rows in mine.groupby("question", sort=False):
            questions.append(
                {
                    "question": str(question),
                    "options": _options(
                        rows.sort_values("votes", ascending=False), lang
                    ),
                }
            )
        score_rows = [
            {
                "question": str(r.question),
                "kind": str(r.kind),
                "responses": int(r.responses),
                "mean": "–" if pd.isna(r.mean) else number(float(r.mean), 2, lang),
                "nps": "–" if pd.isna(r.nps) else number(float(r.nps), 0, lang),
                "sentiment": "–"
                if pd.isna(r.mean_sentiment)
                else number(float(r.mean_sentiment), 2, lang),
            }
            for r in scores[scores["survey_id"] == sv.survey_id].itertuples(index=False)
        ]
        participation = getattr(sv, "participation", None)
        section.surveys.append(
            {
                "survey_id": str(sv.survey_id),
                "source": str(sv.source),
                "facts": " · ".join(
                    f
                    for f in (
                        f"{int(sv.responses)} {w['responses']}",
                        f"{w['participation']} {number(float(participation), 2, lang)}"
                        if participation is not None and not pd.isna(participation)
                        else "",
                    )
                    if f
                ),
                "questions": questions,
                "scores": score_rows,
            }
        )
    return section
