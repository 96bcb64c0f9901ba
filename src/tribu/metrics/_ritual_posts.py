"""The candidate posts of rituals: hosts' opening posts, their slot and their text signature.

Rituals (:mod:`tribu.metrics.rituals`) start from the posts hosts (brand accounts and
moderators) open conversations with: not replies, either top-level in a channel, the first
message of a thread, or a top-level message inside a thread channel (a Discord thread is its
own channel whose messages carry ``thread_id == channel_id``: the AMA opener posted in its
thread is a candidate). Each post gets its slot (weekday and nearest hour in the display time
zone) and two cheap text keys: its leading word and its first hashtag, lower-cased. A slot keeps
only the posts sharing its *signature*, the key found in the most weeks, so a host's everyday
chatter at the same hour neither makes a ritual nor breaks one. Everything is pure Ibis
(regular expressions that DuckDB's RE2 and Spark's Java engine read alike).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tribu.metrics._common import epoch
from tribu.metrics._tz import local_epoch
from tribu.metrics.roles import moderator_ids

__all__ = ["SLOT", "host_posts", "signed_posts"]

SLOT: list[str] = ["community_id", "channel_id", "weekday", "hour"]
SLOT_ROUNDING_S = 1800  # half an hour: a post belongs to the nearest hour's slot

# A hashtag runs to the next space or punctuation mark ("#CafeTribu!" -> "cafetribu").
_HASHTAG = r"#([^\s#.,;:!?()]+)"
_LEADING_WORD = r"^\s*(\S+)"


def host_posts(messages: ir.Table, members: ir.Table, tz: str) -> ir.Table:
    """Hosts' opening posts with ``t`` (epoch s), local day/week, weekday, hour and text keys.

    Columns: those of ``messages`` plus ``t``, ``local_day``, ``local_week``, ``weekday``
    (0 = Monday), ``hour``, ``leading_word`` and ``hashtag`` (null when absent).
    """
    mods = moderator_ids(members)
    hosts = members.filter(
        members.is_brand.fill_null(False) | members.member_id.isin(mods.moderator_id)
    ).select(host_id=members.member_id)
    posts = messages.filter(
        messages.reply_to_id.isnull(),
        messages.thread_id.isnull()
        | (messages.thread_id == messages.message_id)
        | (messages.thread_id == messages.channel_id),
    )
    posts = posts.semi_join(hosts, posts.author_id == hosts.host_id)
    posts = posts.mutate(t=epoch(posts.ts))
    # The time-zone CASE is computed once, in its own column, then read by the others.
    # Slots are nearest hours: the local clock is read 30 minutes ahead, so a host posting at
    # 17:58 one week and 18:02 the next stays in the 18:00 slot (announcements go out a few
    # minutes either side of the hour).
    posts = posts.mutate(local=local_epoch(posts.t, tz) + SLOT_ROUNDING_S)
    posts = posts.mutate(local_day=(posts.local / 86400).floor().cast("int64"))
    text = posts.text.fill_null("").lower()
    word = text.re_extract(_LEADING_WORD, 1)
    tag = text.re_extract(_HASHTAG, 1)
    return posts.mutate(
        # 1970-01-01 was a Thursday: +3 makes Monday 0 and weeks start on Monday.
        weekday=((posts.local_day + 3) % 7).cast("int64"),
        hour=((posts.local - posts.local_day * 86400) / 3600).floor().cast("int64"),
        local_week=((posts.local_day + 3) / 7).floor().cast("int64"),
        leading_word=ibis.ifelse(word == "", ibis.null("string"), word),
        hashtag=ibis.ifelse(tag == "", ibis.null("string"), tag),
    )


def signed_posts(posts: ir.Table, min_text_share: float) -> ir.Table:
    """The posts of each slot that share its signature, when it is shared widely enough.

    The signature of a slot is the leading word or hashtag found in the most distinct weeks
    among the slot's host posts (ties: leading word first, then alphabetical). Its share is
    those weeks over all the weeks with a host post in the slot; a slot below
    ``min_text_share`` keeps no post. With ``min_text_share <= 0`` text is not used and every
    post is kept.

    Window functions only (no aggregate joined back): ``posts`` is referenced once, so the
    engine's plan holds one copy of it (Spark inlines each reference to a common table).

    Columns: ``SLOT`` + ``message_id``, ``author_id``, ``ts``, ``t``, ``local_day``,
    ``local_week``.
    """
    keep = [*SLOT, "message_id", "author_id", "ts", "t", "local_day", "local_week"]
    if min_text_share <= 0:
        return posts.select(*keep)
    kinds = ibis.memtable({"key_kind": ["1 word", "2 hashtag"]})
    keyed = posts.cross_join(kinds)
    keyed = keyed.select(
        *keep,
        "key_kind",
        key=ibis.ifelse(keyed.key_kind == "1 word", keyed.leading_word, keyed.hashtag),
    )
    by_kind = [*SLOT, "key_kind"]
    # Weeks with a host post in the slot: the first post of each week, counted per kind
    # (every post is there once per kind, so both kinds count the same weeks).
    week_first = ibis.row_number().over(
        ibis.window(
            group_by=[*by_kind, "local_week"], order_by=[keyed.t, keyed.message_id]
        )
    )
    keyed = keyed.mutate(week_first=(week_first == 0).cast("int64"))
    keyed = keyed.mutate(
        slot_weeks=keyed.week_first.sum().over(ibis.window(group_by=by_kind))
    )
    keyed = keyed.filter(keyed.key.notnull())
    key_first = ibis.row_number().over(
        ibis.window(
            group_by=[*by_kind, "key", "local_week"],
            order_by=[keyed.t, keyed.message_id],
        )
    )
    keyed = keyed.mutate(key_first=(key_first == 0).cast("int64"))
    keyed = keyed.mutate(
        key_weeks=keyed.key_first.sum().over(ibis.window(group_by=[*by_kind, "key"]))
    )
    best = ibis.dense_rank().over(
        ibis.window(
            group_by=SLOT,
            order_by=[ibis.desc(keyed.key_weeks), keyed.key_kind, keyed.key],
        )
    )
    keyed = keyed.mutate(best=best)
    signed = keyed.filter(
        keyed.best == 0,
        keyed.key_weeks.cast("float64")
        >= min_text_share * keyed.slot_weeks.cast("float64"),
    )
    return signed.select(*keep)
