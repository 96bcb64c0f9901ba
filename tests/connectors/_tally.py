"""Count what a connector yielded, by kind: the numbers the real-sample tests check."""

from __future__ import annotations

from collections.abc import Iterable

from tribu.connectors._records import (
    Community,
    MemberEvent,
    Message,
    Quarantined,
    Reaction,
    Record,
    SystemNotice,
)


def tally(records: Iterable[Record]) -> dict[str, int]:
    """Messages, distinct authors, replies, reactions (summed counts), joins, leaves..."""
    rows = list(records)
    messages = [r for r in rows if isinstance(r, Message)]
    return {
        "communities": sum(isinstance(r, Community) for r in rows),
        "messages": len(messages),
        "authors": len({(m.community_key, m.author_key) for m in messages}),
        "replies": sum(m.reply_to_key is not None for m in messages),
        "reactions": sum(r.count for r in rows if isinstance(r, Reaction)),
        "joins": sum(isinstance(r, MemberEvent) and r.kind == "join" for r in rows),
        "leaves": sum(isinstance(r, MemberEvent) and r.kind == "leave" for r in rows),
        "notices": sum(isinstance(r, SystemNotice) for r in rows),
        "attachments": sum(m.attachment_count for m in messages),
        "quarantined": sum(isinstance(r, Quarantined) for r in rows),
    }
