"""The role lists: one measure per role, each the flagged rows of the roles table.

``power_users``, ``moderators``, ``newcomers`` and ``members_at_risk`` skip betweenness (pure
Ibis, fast); ``relays`` needs it (see :mod:`tribu.metrics.roles`).
"""

from __future__ import annotations

import ibis.expr.types as ir

from tribu.metrics._registry import register
from tribu.metrics.roles import ROLE_DEFAULTS, member_roles, role_table

__all__ = ["members_at_risk", "moderators", "newcomers", "power_users", "relays"]


def _flagged(flag: str, roles: ir.Table) -> ir.Table:
    return roles.filter(roles[flag]).drop("is_person")


def _default_roles(
    messages: ir.Table, members: ir.Table, member_events: ir.Table, **settings: object
) -> ir.Table:
    return role_table(messages, members, member_events, **{**ROLE_DEFAULTS, **settings})  # type: ignore[arg-type]


@register("roles")
def power_users(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    *,
    power_share: float = 0.05,
    min_messages: int = 5,
    min_top_week_share: float = 0.75,
) -> ir.Table:
    """Members with sustained top activity (the ``is_power_user`` rows of :func:`member_roles`).

    Grain: one row per power user. Parameters as in :func:`member_roles`.
    Columns: those of :func:`member_roles` but betweenness and is_relay.

    Examples
    --------
    Ten weeks with messages; Alice and Bob were each the week's most active person (top
    5 % of 1-4 active people: one, ties kept) in 3 of them: power users once
    ``min_top_week_share`` is 0.3 (3 >= 0.3 x 10), with 9 and 8 messages (>= 5); at the
    default 0.75 they would need 8 weeks on top.
    """
    return _flagged(
        "is_power_user",
        _default_roles(
            messages,
            members,
            member_events,
            power_share=power_share,
            min_messages=min_messages,
            min_top_week_share=min_top_week_share,
        ),
    )


@register("roles")
def moderators(
    messages: ir.Table, members: ir.Table, member_events: ir.Table
) -> ir.Table:
    """Members holding a moderator-like platform role (mod, admin, owner, staff, animat...).

    Grain: one row per moderator (brand accounts included when they hold such a role).
    Columns: those of :func:`member_roles` but betweenness and is_relay.

    Examples
    --------
    Roles ``["Moderator"]`` and ``["admin"]`` both count; ``[]`` does not.
    """
    return _flagged(
        "is_moderator",
        _default_roles(
            messages,
            members,
            member_events,
        ),
    )


@register("roles")
def newcomers(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    *,
    newcomer_days: int = 30,
) -> ir.Table:
    """People who joined within ``newcomer_days`` before the community's last message.

    Grain: one row per newcomer (members who have left are not newcomers).
    Columns: those of :func:`member_roles` but betweenness and is_relay.

    Examples
    --------
    Last message 10 April; Erin joined 1 April (9 days): newcomer. Dave joined 16 March but
    left on 20 March: not.
    """
    return _flagged(
        "is_newcomer",
        _default_roles(
            messages,
            members,
            member_events,
            newcomer_days=newcomer_days,
        ),
    )


@register("roles")
def members_at_risk(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    *,
    at_risk_days: int = 28,
    min_previous_messages: int = 3,
) -> ir.Table:
    """People whose activity fell by half or more against their previous period.

    Definition: ``recent_messages <= previous_messages / 2`` with ``previous_messages >=
    min_previous_messages``, the two periods being the ``at_risk_days`` before the community's
    last message and the ``at_risk_days`` before that.
    Grain: one row per member at risk.
    Columns: those of :func:`member_roles` but betweenness and is_relay.

    Examples
    --------
    4 messages then 1: at risk. 4 then 3: not. 2 then 0: too few to judge (fewer than 3).
    """
    return _flagged(
        "is_at_risk",
        _default_roles(
            messages,
            members,
            member_events,
            at_risk_days=at_risk_days,
            min_previous_messages=min_previous_messages,
        ),
    )


@register("roles")
def relays(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    *,
    relay_share: float = 0.1,
    exact_max_nodes: int = 1000,
    samples: int = 64,
) -> ir.Table:
    """Members who bridge otherwise separate groups (the ``is_relay`` rows of member_roles).

    Definition: top ``relay_share`` of people by betweenness in the reply/mention graph, with
    betweenness > 0. Grain: one row per relay. Parameters as in :func:`member_roles`.
    Columns: those of :func:`member_roles`.

    Examples
    --------
    Betweenness: brand 9/15, Carol 8/15, Erin 5/15, others 0; six people -> ceil(0.6) = 1
    relay: Carol (the brand is never labelled).
    """
    roles = member_roles(
        messages,
        members,
        member_events,
        relay_share=relay_share,
        exact_max_nodes=exact_max_nodes,
        samples=samples,
    )
    return roles.filter(roles.is_relay)
