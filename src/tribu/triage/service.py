"""The triage service: decide on incoming messages, keep the human queue, send webhooks.

:class:`TriageService` is what the web routes and ``tribu triage replay`` call. It holds the
current FAQ's retriever (rebuilt when ``tribu faq load`` stores a new version) and writes every
decision, handoff and state change to the journal (:class:`~tribu.triage.store.TriageStore`)
in one transaction before returning, so whatever it acknowledged is on disk.

Handoff states: ``pending`` (in the queue) → ``open`` (an agent claimed it) → ``resolved``; or
``returned`` (given back to the bot) from ``pending`` or ``open``. While a conversation has a
pending or open handoff, its new messages join that handoff's history and the bot stays silent
(reason ``with_human``); resolving or returning the handoff gives the conversation back to the
bot.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from tribu.triage import _models
from tribu.triage.batcher import MessageBatcher
from tribu.triage.decision import Assessment, decide
from tribu.triage.retriever import FaqRetriever
from tribu.triage.rules import asks_for_human, complaint_marker
from tribu.triage.settings import TriageSettings
from tribu.triage.store import (
    ConflictError,
    StoredDecision,
    TriageStore,
    decision_of,
    event_body,
    new_id,
    now,
)

__all__ = ["FaqIndex", "IncomingMessage", "TriageService"]


@dataclass(frozen=True)
class IncomingMessage:
    """A message a community bot forwards to the triage."""

    conversation_id: str
    platform: str
    text: str
    channel: str | None = None
    author: str | None = None
    lang: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class FaqIndex:
    """One FAQ version, indexed."""

    version: int
    retriever: FaqRetriever
    answers: dict[tuple[str, str], str]


class TriageService:
    """Decisions, the human queue and webhook events over one journal."""

    def __init__(
        self,
        store: TriageStore,
        settings: TriageSettings | None = None,
        *,
        on_event: Any = None,
    ) -> None:
        self.store = store
        self.settings = settings or TriageSettings()
        self._index: FaqIndex | None = None
        self._index_lock = threading.Lock()
        self._on_event = on_event  # called after a commit that queued webhook events
        self._batcher: MessageBatcher[IncomingMessage, StoredDecision] | None = None
        self._batcher_lock = threading.Lock()

    def warm(self) -> None:
        """Load the text models and index the FAQ now, not on the first message."""
        _models.warm()
        self.faq_index()

    def submit(self, message: IncomingMessage) -> Future[StoredDecision]:
        """Queue ``message`` for the next batch (:mod:`tribu.triage.batcher`).

        The future holds the decision once it is committed to the journal. What the server
        calls: messages arriving together are decided together.
        """
        with self._batcher_lock:
            if self._batcher is None:
                self._batcher = MessageBatcher(self.handle_many)
            batcher = self._batcher
        return batcher.submit(message)

    def close(self) -> None:
        """Decide the queued messages, stop the batch worker, close the journal."""
        with self._batcher_lock:
            batcher, self._batcher = self._batcher, None
        if batcher is not None:
            batcher.close()
        self.store.close()

    # -- FAQ --------------------------------------------------------------------------------

    def faq_index(self) -> FaqIndex | None:
        """The latest FAQ version, indexed (rebuilt when a new version is loaded)."""
        version = self.store.faq_version()
        if version is None:
            return None
        current = self._index
        if current is not None and current.version == version:
            return current
        with self._index_lock:
            if self._index is None or self._index.version != version:
                self._index = build_index(self.store, version)
            return self._index

    # -- decisions --------------------------------------------------------------------------

    def assess(self, texts: list[str]) -> tuple[list[Assessment], FaqIndex | None]:
        """Scores and rules for a batch of texts (no state, nothing stored)."""
        index = self.faq_index()
        sentiments = _models.sentiment(texts)
        matches = index.retriever.match_many(texts) if index else [None] * len(texts)
        return [
            Assessment(
                sentiment=float(s),
                asks_for_human=asks_for_human(t),
                complaint=complaint_marker(t),
                match=m,
            )
            for t, s, m in zip(texts, sentiments, matches, strict=True)
        ], index

    def handle(self, message: IncomingMessage) -> StoredDecision:
        """Decide on ``message``, record it (and any handoff), return the decision."""
        return self.handle_many([message])[0]

    def handle_many(self, messages: Sequence[IncomingMessage]) -> list[StoredDecision]:
        """Decide on ``messages`` in order; record them all in one transaction.

        The models score the whole batch at once and the journal is fsynced once for it,
        which is what lets the server keep up under load (:mod:`tribu.triage.batcher`).
        Messages are decided one after the other inside the transaction, so a message sees
        the handoff an earlier one of the same batch opened, and a retried ``message_id``
        gets the first decision back even within a batch.
        """
        if not messages:
            return []
        cap = self.settings.max_text_chars
        stripped = [m.text.strip() for m in messages]
        texts = [t[:cap] for t in stripped]
        assessments, index = self.assess(texts)
        langs = [(m.lang or "").lower() for m in messages]
        unknown = [i for i, lang in enumerate(langs) if not lang]
        if unknown:
            found = _models.detect_language([texts[i] for i in unknown])
            for i, lang in zip(unknown, found, strict=True):
                langs[i] = lang
        decided: list[StoredDecision] = []
        queued = False
        with self.store.transaction() as con:
            for message, text, full, assessment, lang in zip(
                messages, texts, stripped, assessments, langs, strict=True
            ):
                stored, event = self._record(
                    con, message, text, len(full) > cap, assessment, lang, index
                )
                decided.append(stored)
                queued = queued or event
        if queued:
            self._notify()
        return decided

    def _record(
        self,
        con: sqlite3.Connection,
        message: IncomingMessage,
        text: str,
        truncated: bool,
        assessment: Assessment,
        lang: str,
        index: FaqIndex | None,
    ) -> tuple[StoredDecision, bool]:
        """Decide on one assessed message and write it; (decision, webhook queued)."""
        key = f"{message.platform}:{message.message_id}" if message.message_id else None
        if key is not None:
            earlier = self.store.decision_for_key(con, key)
            if earlier is not None:
                return earlier, False
        holding = self.store.conversation_handoff(
            con, message.platform, message.conversation_id
        )
        decision, reason = decide(
            assessment, self.settings, with_human=holding is not None
        )
        match = assessment.match
        faq_id = answer = answer_lang = None
        if decision == "answer" and match is not None and index is not None:
            faq_id = match.faq_id
            answer_lang, answer = _answer(index, match.faq_id or "", lang, match.lang)
        stamp = now()
        decision_id = new_id("d")
        handoff_id = holding
        queued = False
        if decision == "handoff" and holding is None:
            handoff_id = new_id("h")
            handoff = {
                "handoff_id": handoff_id,
                "platform": message.platform,
                "conversation_id": message.conversation_id,
                "channel": message.channel,
                "author": message.author,
                "decision_id": decision_id,
                "created_at": stamp,
                "reason": reason,
                "sentiment": assessment.sentiment,
                "text": text,
                "status": "pending",
                "agent": None,
            }
            con.execute(
                "INSERT INTO handoffs VALUES (:handoff_id, :platform, "
                ":conversation_id, :channel, :author, :decision_id, :created_at, "
                ":reason, :sentiment, :text, :status, NULL, NULL, NULL)",
                handoff,
            )
            con.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?) ON CONFLICT "
                "(platform, conversation_id) DO UPDATE SET handoff_id = "
                "excluded.handoff_id, updated_at = excluded.updated_at",
                (message.platform, message.conversation_id, handoff_id, stamp),
            )
            queued = self._queue(con, "handoff.created", handoff)
        if handoff_id is not None:
            con.execute(
                "INSERT INTO handoff_events (handoff_id, ts, kind, actor, text) "
                "VALUES (?, ?, 'message', ?, ?)",
                (handoff_id, stamp, message.author, text),
            )
        row = {
            "decision_id": decision_id,
            "received_at": stamp,
            "message_key": key,
            "platform": message.platform,
            "conversation_id": message.conversation_id,
            "channel": message.channel,
            "author": message.author,
            "text": text,
            "truncated": int(truncated),
            "lang": lang,
            "decision": decision,
            "reason": reason,
            "faq_id": faq_id,
            "answer": answer,
            "answer_lang": answer_lang,
            "confidence": None if match is None else round(match.confidence, 4),
            "sentiment": round(assessment.sentiment, 4),
            "faq_version": None if index is None else index.version,
            "handoff_id": handoff_id,
        }
        con.execute(_INSERT_DECISION, row)
        return decision_of(row), queued

    # -- the human queue --------------------------------------------------------------------

    def claim(self, handoff_id: str, agent: str) -> dict[str, Any]:
        """pending → open, by ``agent`` (409 if already claimed or closed)."""
        return self._move(handoff_id, agent, ("pending",), "open", "handoff.claimed")

    def resolve(self, handoff_id: str, agent: str) -> dict[str, Any]:
        """pending/open → resolved; the conversation goes back to the bot."""
        return self._move(
            handoff_id, agent, ("pending", "open"), "resolved", "handoff.resolved"
        )

    def return_to_bot(self, handoff_id: str, agent: str) -> dict[str, Any]:
        """pending/open → returned: the bot answers this conversation again."""
        return self._move(
            handoff_id, agent, ("pending", "open"), "returned", "handoff.returned"
        )

    def reply(self, handoff_id: str, agent: str, text: str) -> dict[str, Any]:
        """Record an agent's reply on an open handoff (sent on as ``handoff.replied``)."""
        handoff = self.store.handoff(handoff_id)
        with self.store.transaction() as con:
            status = con.execute(
                "SELECT status FROM handoffs WHERE handoff_id = ?", (handoff_id,)
            ).fetchone()[0]
            if status != "open":
                raise ConflictError(
                    f"Handoff {handoff_id} is {status}: claim it before replying."
                )
            con.execute(
                "INSERT INTO handoff_events (handoff_id, ts, kind, actor, text) "
                "VALUES (?, ?, 'reply', ?, ?)",
                (handoff_id, now(), agent, text),
            )
            queued = self._queue(con, "handoff.replied", handoff, reply=text)
        if queued:
            self._notify()
        return self.store.handoff(handoff_id)

    def _move(
        self,
        handoff_id: str,
        agent: str,
        allowed: tuple[str, ...],
        target: str,
        event: str,
    ) -> dict[str, Any]:
        self.store.handoff(handoff_id)  # NotFoundError first
        stamp = now()
        with self.store.transaction() as con:
            row = dict(
                con.execute(
                    "SELECT * FROM handoffs WHERE handoff_id = ?", (handoff_id,)
                ).fetchone()
            )
            if row["status"] not in allowed:
                who = f" by {row['agent']}" if row["agent"] else ""
                raise ConflictError(
                    f"Handoff {handoff_id} is already {row['status']}{who}; "
                    f"it can be {target} only from {' or '.join(allowed)}."
                )
            if target == "open":
                con.execute(
                    "UPDATE handoffs SET status = 'open', agent = ?, claimed_at = ? "
                    "WHERE handoff_id = ?",
                    (agent, stamp, handoff_id),
                )
            else:
                con.execute(
                    "UPDATE handoffs SET status = ?, closed_at = ?, "
                    "agent = coalesce(agent, ?) WHERE handoff_id = ?",
                    (target, stamp, agent, handoff_id),
                )
                con.execute(
                    "DELETE FROM conversations WHERE handoff_id = ?", (handoff_id,)
                )
            con.execute(
                "INSERT INTO handoff_events (handoff_id, ts, kind, actor, text) "
                "VALUES (?, ?, ?, ?, NULL)",
                (handoff_id, stamp, target, agent),
            )
            row.update(status=target, agent=row["agent"] or agent)
            queued = self._queue(con, event, row)
        if queued:
            self._notify()
        return self.store.handoff(handoff_id)

    # -- webhooks ---------------------------------------------------------------------------

    def _queue(
        self, con: Any, event: str, handoff: dict[str, Any], **extra: Any
    ) -> bool:
        if self.settings.webhook is None:
            return False
        delivery_id = new_id("w")
        con.execute(
            "INSERT INTO webhook_outbox (delivery_id, event, body, created_at, "
            "next_attempt_at) VALUES (?, ?, ?, ?, 0)",
            (
                delivery_id,
                event,
                event_body(event, handoff, delivery_id=delivery_id, **extra),
                now(),
            ),
        )
        return True

    def _notify(self) -> None:
        if self._on_event is not None:
            self._on_event()


_INSERT_DECISION = (
    "INSERT INTO triage_log VALUES (:decision_id, :received_at, :message_key, :platform, "
    ":conversation_id, :channel, :author, :text, :truncated, :lang, :decision, :reason, "
    ":faq_id, :answer, :answer_lang, :confidence, :sentiment, :faq_version, :handoff_id)"
)

_RETRIEVERS: dict[tuple[tuple[str, str, str], ...], FaqRetriever] = {}
_RETRIEVERS_LOCK = threading.Lock()


def build_index(store: TriageStore, version: int) -> FaqIndex:
    """Index FAQ ``version`` of the journal (the same phrasings are indexed once per process)."""
    phrasings = tuple(store.faq_phrasings(version))
    with _RETRIEVERS_LOCK:
        retriever = _RETRIEVERS.get(phrasings)
        if retriever is None:
            retriever = FaqRetriever().fit(phrasings)
            if len(_RETRIEVERS) >= 4:
                _RETRIEVERS.pop(next(iter(_RETRIEVERS)))
            _RETRIEVERS[phrasings] = retriever
    answers = {
        (e["faq_id"], e["lang"]): e["answer"] for e in store.faq_entries(version)
    }
    return FaqIndex(version, retriever, answers)


def _answer(
    index: FaqIndex, faq_id: str, lang: str, matched_lang: str | None
) -> tuple[str, str]:
    """(language, answer): the message's language if the entry has it, else the closest."""
    available = {k[1]: v for k, v in index.answers.items() if k[0] == faq_id}
    for choice in (lang, matched_lang, "en", "fr", *sorted(available)):
        if choice in available:
            return choice, available[choice]
    raise KeyError(faq_id)  # pragma: no cover - an entry always has an answer
