"""The kinds of first-party file tribu loads, and the columns each one has.

One :class:`Kind` per file kind: the warehouse table it fills, its key (the columns that make a
row unique, used to upsert), and its :class:`Column` list. Every column is documented in
``docs/first-party.md``; a test checks it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tribu.firstparty._values import (
    parse_choice,
    parse_count,
    parse_currency,
    parse_datetime,
    parse_integer_in,
    parse_list,
    parse_money,
    parse_text,
)

__all__ = ["KINDS", "Column", "Kind"]


@dataclass(frozen=True)
class Column:
    """A column of a first-party file and the warehouse column it fills.

    ``kind`` is the storage type: ``text``, ``time``, ``money``, ``count``, ``integer`` or
    ``list``. ``aliases`` are other header names accepted for it (lower case).
    """

    name: str
    kind: str
    parse: Callable[[Any], Any]
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    """A kind of first-party file: its name on the command line, table, key and columns."""

    name: str
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    money: tuple[str, ...] = ()  # money columns whose rows need a currency
    merge_into: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def column_names(self) -> tuple[str, ...]:
        """The warehouse columns the kind writes."""
        return tuple(column.name for column in self.columns)


def _id(name: str, *aliases: str, required: bool = True) -> Column:
    return Column(name, "text", parse_text, required, aliases)


def _time(name: str, *aliases: str, required: bool = True) -> Column:
    return Column(name, "time", parse_datetime, required, aliases)


def _count(name: str, *aliases: str) -> Column:
    return Column(name, "count", parse_count, False, aliases)


_CURRENCY = Column("currency", "text", parse_currency, False, ("devise",))

KINDS: dict[str, Kind] = {
    "campaigns": Kind(
        "campaigns",
        "campaigns",
        ("campaign_id",),
        (
            _id("campaign_id", "id", "campaign"),
            _id("name", "campaign_name"),
            Column(
                "objective",
                "text",
                parse_choice("reach", "conversion"),
                False,
                ("goal",),
            ),
            _id("community_id", required=False),
            _time("starts", "start", "start_date", "starts_at"),
            _time("ends", "end", "end_date", "ends_at"),
            Column("spend", "money", parse_money, False, ("budget", "cost")),
            _CURRENCY,
            Column("keywords", "list", parse_list, False, ("keyword",)),
            Column(
                "activation_message_ids",
                "list",
                parse_list,
                False,
                ("activation_messages", "activation_links", "activation_message_links"),
            ),
        ),
        money=("spend",),
        # hashtags and links are matched like keywords, so they are stored with them.
        merge_into={"keywords": ("hashtags", "links", "hashtag", "link")},
    ),
    "creators": Kind(
        "creators",
        "creators",
        ("creator_id",),
        (
            _id("creator_id", "id", "creator"),
            _id("handle", "username", "account"),
            _id("platform", "network", required=False),
            _count("followers", "followers_count", "abonnes", "abonnés"),
            _id("promo_code", "code", "discount_code", required=False),
        ),
    ),
    "creator-posts": Kind(
        "creator-posts",
        "creator_posts",
        ("post_id",),
        (
            _id("post_id", "id", "post"),
            _id("creator_id", "creator"),
            _id("campaign_id", "campaign", required=False),
            _time("ts", "date", "posted_at", "published_at"),
            Column("text", "text", parse_text, False, ("caption", "body")),
            _count("likes", "like_count"),
            _count("comments", "comment_count"),
            _count("shares", "share_count", "reposts"),
            _count("saves", "save_count", "bookmarks"),
            _count("views", "view_count", "impressions", "reach", "plays"),
            Column("cost", "money", parse_money, False, ("fee", "price")),
            _CURRENCY,
        ),
        money=("cost",),
    ),
    "customers": Kind(
        "customers",
        "customers",
        ("customer_id",),
        (
            _id("customer_id", "id", "customer"),
            _time(
                "acquired_at", "acquired", "acquisition_date", "created_at", "signup"
            ),
            _id("channel", "source", "acquisition_channel", required=False),
            Column("acquisition_cost", "money", parse_money, False, ("cac", "cost")),
            _CURRENCY,
        ),
        money=("acquisition_cost",),
    ),
    "orders": Kind(
        "orders",
        "orders",
        ("order_id",),
        (
            _id("order_id", "id", "order"),
            _id("customer_id", "customer"),
            _time("ts", "date", "ordered_at", "created_at", "order_date"),
            Column(
                "amount", "money", parse_money, True, ("total", "revenue", "montant")
            ),
            _CURRENCY,
            _id("promo_code", "code", "discount_code", "coupon", required=False),
        ),
        money=("amount",),
    ),
    "nps": Kind(
        "nps",
        "nps",
        ("customer_id", "ts", "channel"),
        (
            _id("customer_id", "customer", "respondent", required=False),
            _time("ts", "date", "answered_at", "submitted_at"),
            Column("score", "integer", parse_integer_in(0, 10), True, ("note", "nps")),
            _id("channel", "source", required=False),
        ),
    ),
    "reviews": Kind(
        "reviews",
        "reviews",
        ("place_id", "ts", "text"),
        (
            _id("place_id", "place", "shop", "store", "location"),
            _time("ts", "date", "reviewed_at", "published_at"),
            Column(
                "rating", "integer", parse_integer_in(1, 5), True, ("stars", "note")
            ),
            Column("text", "text", parse_text, False, ("review", "comment", "body")),
        ),
    ),
    "member-links": Kind(
        "member-links",
        "customers",
        ("customer_id",),
        (
            _id("customer_id", "customer"),
            _id("member_id", "member"),
        ),
    ),
}
