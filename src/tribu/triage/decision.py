"""The triage decision for one message: answer from the FAQ, or hand over to a human.

A pure function of the scores, so the service, ``tribu triage replay`` and the tests share it.
The rules, in the order they are checked (the first that holds gives the reason):

1. ``with_human``: the conversation is already with a human (the bot stays silent);
2. ``asks_for_human``: the person asks for one (:func:`tribu.triage.rules.asks_for_human`);
3. ``negative_sentiment``: tribu's sentiment score is below ``sentiment_threshold`` (0.3);
4. ``complaint``: an angry complaint the sentiment model scored above the threshold
   ("arnaque", "still not received after 3 weeks"; :func:`tribu.triage.rules.complaint_marker`);
5. ``no_faq``: no FAQ is loaded;
6. ``low_confidence``: the best FAQ entry's confidence is below ``confidence_threshold``;

otherwise the decision is ``answer`` with reason ``faq_match``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tribu.triage.retriever import Match
from tribu.triage.settings import TriageSettings

__all__ = ["HANDOFF_REASONS", "Assessment", "decide"]

HANDOFF_REASONS = (
    "with_human",
    "asks_for_human",
    "negative_sentiment",
    "complaint",
    "no_faq",
    "low_confidence",
)


@dataclass(frozen=True)
class Assessment:
    """What the models and rules say about one message."""

    sentiment: float
    asks_for_human: bool
    complaint: str | None
    match: Match | None


def decide(
    assessment: Assessment, settings: TriageSettings, *, with_human: bool = False
) -> tuple[str, str]:
    """``("answer", "faq_match")`` or ``("handoff", reason)`` (see the module docstring)."""
    if with_human:
        return "handoff", "with_human"
    if assessment.asks_for_human:
        return "handoff", "asks_for_human"
    if assessment.sentiment < settings.sentiment_threshold:
        return "handoff", "negative_sentiment"
    if assessment.complaint:
        return "handoff", "complaint"
    if assessment.match is None:
        return "handoff", "no_faq"
    if assessment.match.confidence < settings.confidence_threshold:
        return "handoff", "low_confidence"
    return "answer", "faq_match"
