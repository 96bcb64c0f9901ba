"""``tribu triage replay``: what the bot would have done with a community's past questions.

The questions are the members' messages (not the brand's, not bots') that ask something: they
hold a question mark, or start with a question word (``comment``, ``quand``, ``est-ce que``,
``how``, ``when``, ``can i``...). Each goes through the same scores and rules as a live message
(:func:`tribu.triage.decision.decide`), without conversation state (no ``with_human``). The
result is the share the bot would answer, the share handed over by reason, and examples.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tribu.triage.decision import decide
from tribu.triage.retriever import normalise
from tribu.triage.service import FaqIndex, TriageService
from tribu.warehouse.store import open_warehouse

__all__ = ["ReplayResult", "is_question", "replay"]

_QUESTION_START = re.compile(
    r"^(comment|quand|pourquoi|ou |est-ce|est ce|quel|quelle|quels|quelles|combien|"
    r"vous (avez|faites|livrez|vendez|acceptez)|on peut|je peux|il y a|y a|"
    r"how|when|why|where|what|which|can i|can you|do you|does|is there|are there|"
    r"will|should|could)\b"
)


def is_question(text: str) -> bool:
    """A question mark, or a question word first (French or English)."""
    folded = normalise(text)
    return "?" in folded or _QUESTION_START.match(folded) is not None


@dataclass
class ReplayResult:
    """Shares and examples of a replay."""

    messages: int
    questions: int
    faq_version: int | None
    decisions: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` shape."""
        n = max(self.questions, 1)
        return {
            "messages": self.messages,
            "questions": self.questions,
            "faq_version": self.faq_version,
            "answered_share": round(self.decisions["answer"] / n, 4),
            "handoff_share": round(self.decisions["handoff"] / n, 4),
            "handoff_by_reason": {
                reason: round(count / n, 4)
                for reason, count in self.reasons.most_common()
            },
            "examples": self.examples,
        }


def replay(
    db: str | os.PathLike[str] | None,
    service: TriageService,
    *,
    community: str | None = None,
    limit: int | None = None,
    examples: int = 3,
) -> ReplayResult:
    """Replay the past questions of warehouse ``db`` (or one community of it)."""
    con = open_warehouse(db, read_only=True)
    try:
        sql = (
            "SELECT m.text FROM messages m JOIN members p ON p.member_id = m.author_id "
            "WHERE m.text IS NOT NULL AND length(trim(m.text)) > 0 "
            "AND NOT coalesce(p.is_brand, false) AND NOT coalesce(p.is_bot, false)"
        )
        params: list[Any] = []
        if community is not None:
            sql += " AND m.community_id = ?"
            params.append(community)
        sql += " ORDER BY m.ts, m.message_id"
        texts = [row[0] for row in con.execute(sql, params).fetchall()]
    finally:
        con.close()
    questions = [t for t in texts if is_question(t)]
    if limit is not None:
        questions = questions[:limit]
    index: FaqIndex | None = service.faq_index()
    result = ReplayResult(len(texts), len(questions), index.version if index else None)
    batch = 2000
    for start in range(0, len(questions), batch):
        chunk = [
            q[: service.settings.max_text_chars]
            for q in questions[start : start + batch]
        ]
        assessments, _ = service.assess(chunk)
        for text, assessment in zip(chunk, assessments, strict=True):
            decision, reason = decide(assessment, service.settings)
            result.decisions[decision] += 1
            if decision == "handoff":
                result.reasons[reason] += 1
            key = reason
            shown = result.examples.setdefault(key, [])
            if len(shown) < examples:
                match = assessment.match
                shown.append(
                    {
                        "text": text,
                        "faq_id": match.faq_id if match else None,
                        "confidence": round(match.confidence, 3) if match else None,
                        "sentiment": round(assessment.sentiment, 3),
                    }
                )
    return result
