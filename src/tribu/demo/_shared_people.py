"""Who the demo puts in several of Semelle's communities: the truth ``tribu people`` is held to.

The demo draws every community's members from one pool of distinct invented names, so one
name in two communities is one person (:mod:`tribu.demo._population`). This module counts
them for the manifest: people in several communities, those who wrote in several, and how
many accounts the community-wide active count counts twice or more because of them.
"""

from __future__ import annotations

from collections.abc import Mapping

from tribu.demo._simulate import Community

__all__ = ["shared_people"]

_NOT_PEOPLE = ("brand", "bot")


def shared_people(communities: Mapping[str, Community]) -> dict[str, int]:
    """Counts of the people who are in (and write in) several communities.

    Keys: ``people`` (distinct people over every community), ``in_several_communities``,
    ``active_accounts`` (accounts that wrote, summed over communities), ``active_people``
    (distinct people who wrote), ``active_in_several_communities`` and
    ``duplicate_active_accounts`` (= active_accounts - active_people: by how much the
    community-wide active count falls once everyone is one person).
    """
    places: dict[str, set[str]] = {}
    wrote: dict[str, set[str]] = {}
    for platform, community in communities.items():
        for person in community.people:
            if person.persona not in _NOT_PEOPLE:
                places.setdefault(person.name, set()).add(platform)
        for post in community.posts:
            if post.kind == "message" and post.author.persona not in _NOT_PEOPLE:
                wrote.setdefault(post.author.name, set()).add(platform)
    active_accounts = sum(len(p) for p in wrote.values())
    return {
        "people": len(places),
        "in_several_communities": sum(len(p) > 1 for p in places.values()),
        "active_accounts": active_accounts,
        "active_people": len(wrote),
        "active_in_several_communities": sum(len(p) > 1 for p in wrote.values()),
        "duplicate_active_accounts": active_accounts - len(wrote),
    }
