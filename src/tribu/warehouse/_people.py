"""Canonical ids of people: keyed-HMAC pseudonyms, cached per member, and brand flags.

A person's platform key (``member_key``) never reaches the warehouse unless the user asked
for ``--keep-names``. Instead::

    digest    = HMAC-SHA256(secret, f"{platform}:{community_key}:{member_key}")
    member_id = "m_" + hex(digest)[:16]
    name      = "member-" + hex(digest)[:6]

The secret is made once per warehouse (:func:`tribu.warehouse.store.pseudonym_secret`), so the
same person gets the same pseudonym in every export loaded into one warehouse, and a different
one in another warehouse. Brand accounts are recognised *before* hashing, on the raw key or the
raw display name, from ``tribu.toml``.

The standard library's :mod:`hmac` is used: it is the reference implementation, in C.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from tribu.config import TribuConfig

__all__ = ["Person", "People", "pseudonym_digest"]


def pseudonym_digest(secret: bytes, community_id: str, member_key: str) -> str:
    """Hex HMAC-SHA256 of ``f"{community_id}:{member_key}"`` (community_id is ``platform:key``)."""
    message = f"{community_id}:{member_key}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


@dataclass(slots=True)
class Person:
    """A member's canonical id, shown name and brand flag, as first met in a run."""

    member_id: str
    display_name: str
    is_brand: bool


class People:
    """Turns (community, member key) into canonical member ids, caching each person.

    Parameters
    ----------
    secret
        The warehouse's HMAC key.
    keep_names
        Keep platform keys and real display names instead of pseudonyms.
    config
        Where brand accounts are listed.
    """

    def __init__(self, secret: bytes, *, keep_names: bool, config: TribuConfig) -> None:
        self.secret = secret
        self.keep_names = keep_names
        self.config = config
        # community_id -> member_key -> member_id (the hot path: one dict look-up).
        self.ids: dict[str, dict[str, str]] = {}
        self._brands: dict[str, frozenset[str]] = {}
        # member_id -> (member key, raw name, e-mail, phone): what identity keys are made
        # of at the end of the run (tribu.warehouse.identities); never written raw.
        self.traits: dict[str, tuple[str, str | None, str | None, str | None]] = {}

    def community_ids(self, community_id: str) -> dict[str, str]:
        """The member-key -> member-id cache of one community (filled by :meth:`member_id`)."""
        cache = self.ids.get(community_id)
        if cache is None:
            cache = self.ids[community_id] = {}
        return cache

    def member_id(self, community_id: str, member_key: str) -> str:
        """The canonical id of a member (cached)."""
        cache = self.community_ids(community_id)
        found = cache.get(member_key)
        if found is None:
            if self.keep_names:
                found = f"{community_id}/{member_key}"
            else:
                found = (
                    "m_" + pseudonym_digest(self.secret, community_id, member_key)[:16]
                )
            cache[member_key] = found
        return found

    def display_name(
        self, community_id: str, member_key: str, raw_name: str | None
    ) -> str:
        """The name shown for a member: the real one with keep_names, else a pseudonym."""
        if self.keep_names:
            return raw_name if raw_name else member_key
        member_id = self.member_id(community_id, member_key)
        return "member-" + member_id[2:8]

    def note_contact(
        self, member_id: str, email: str | None, phone: str | None
    ) -> None:
        """Remember a member's e-mail and phone where the export carries them (Slack)."""
        if not (email or phone):
            return
        key, name, _, _ = self.traits.get(member_id, (member_id, None, None, None))
        self.traits[member_id] = (key, name, email, phone)

    def note_name(self, member_id: str, member_key: str, raw_name: str) -> None:
        """Remember a member's raw name if none was known yet (for identity keys)."""
        known = self.traits.get(member_id)
        if known is None:
            self.traits[member_id] = (member_key, raw_name, None, None)
        elif not known[1]:
            self.traits[member_id] = (known[0], raw_name, known[2], known[3])

    def set_community_name(self, community_id: str, name: str | None) -> None:
        """Remember a community's name, for brand accounts matched by community name."""
        self._brands[community_id] = self.config.brand_accounts(community_id, name)

    def is_brand(
        self, community_id: str, member_key: str, raw_name: str | None
    ) -> bool:
        """Whether tribu.toml lists this account (by raw key or raw name) as the brand's."""
        brands = self._brands.get(community_id)
        if brands is None:
            brands = self._brands[community_id] = self.config.brand_accounts(
                community_id, None
            )
        return bool(brands) and (member_key in brands or raw_name in brands)

    def person(
        self, community_id: str, member_key: str, raw_name: str | None
    ) -> Person:
        """Id, shown name and brand flag of a member."""
        member_id = self.member_id(community_id, member_key)
        known = self.traits.get(member_id)
        if known is None or (raw_name and not known[1]):
            self.traits[member_id] = (member_key, raw_name, None, None)
        return Person(
            member_id,
            self.display_name(community_id, member_key, raw_name),
            self.is_brand(community_id, member_key, raw_name),
        )
