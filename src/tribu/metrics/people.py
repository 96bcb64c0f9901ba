"""Community-wide counts of people: one person counted once across the brand's communities.

Per-community measures count a community's members, as they always did. Over several
communities, a person with a Discord and a Slack account is two members but one person: the
measures here count people, through the identity link ``person_links`` (see
``docs/people.md``). A member the link does not know yet counts as their own person.
"""

from __future__ import annotations

import ibis.expr.types as ir

from tribu.metrics._common import people_authored
from tribu.metrics._registry import register

__all__ = ["active_people"]


@register("activity")
def active_people(
    messages: ir.Table, members: ir.Table, person_links: ir.Table
) -> ir.Table:
    """Active members and active people over every community in the tables.

    Definition: ``active_members`` = distinct authors of at least one message (neither brand
    nor bot), each community's account counted apart; ``active_people`` = distinct persons
    behind those authors (``person_links.person_id``; a member without a link is its own
    person). ``active_members - active_people`` is how many accounts were counted twice or
    more before members were merged into people.

    Grain: one row for the tables given (filter them first for a period or a community; over
    one community the two counts are equal, since a person has one account per community).
    Unit: people.

    Columns: active_members, active_people.

    Examples
    --------
    Members d1 (discord) and s1 (slack) are linked to person p1; w1 (whatsapp) has no link.
    d1 writes 2 messages, s1 1, w1 1: active_members = 3 (d1, s1, w1), active_people = 2
    (p1, and w1 as its own person).
    """
    authored = people_authored(messages, members)
    links = person_links.select(
        link_member=person_links.member_id, person_id=person_links.person_id
    )
    joined = authored.left_join(links, authored.author_id == links.link_member)
    person = joined.person_id.fill_null("p:" + joined.author_id)
    return joined.aggregate(
        active_members=joined.author_id.nunique().cast("int64"),
        active_people=person.nunique().cast("int64"),
    )
