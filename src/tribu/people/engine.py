"""Merge suggestions: which members of different communities are one person, and why.

The engine works on :class:`Identity` records (one per member, made from the warehouse's
``identity_keys`` by :mod:`tribu.people.store`, or by the labelled generator of
:mod:`tribu.people.synthetic`). It never compares all pairs:

1. **Blocking.** Members are grouped by each key they hold (hashed e-mail, hashed phone,
   normalised handle, name token, a pair of name tokens, a link shared on a day); only members
   sharing a block are compared. Blocks larger than :data:`MAX_BLOCK` (a common first name,
   a link everybody shared) are skipped: they would make quadratic work for weak evidence.
2. **Vetoes.** Never a bot or brand account (bots are not people: they are never merged,
   with humans nor with each other); never two members of the same community (one person is
   one account per community; also checked for the whole person when merging).
3. **Evidence and confidence.** Each kind of evidence gives a probability that the pair is
   one person (:data:`WEIGHTS`); they combine as independent signals,
   ``confidence = 1 - prod(1 - p)``. Name similarity alone is capped at
   :data:`NAME_ONLY_CAP`, below the auto-merge threshold: a name is never enough.
4. **Decision.** ``confidence >= AUTO_MERGE`` *and* some evidence other than the name:
   merged automatically; ``confidence >= SUGGEST``: a suggestion to accept or reject;
   below: nothing. Auto-merges are applied strongest first, and one that would put two
   members of one community in one person is left as a suggestion.

The thresholds and the precision and recall they give on the labelled set are in
``docs/people.md`` (``make bench`` rewrites ``bench/results/people.json``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from tribu.people.names import name_similarity

__all__ = [
    "AUTO_MERGE",
    "GENERIC_HANDLE",
    "MAX_BLOCK",
    "NAME_ONLY_CAP",
    "POPULAR_LINK",
    "SHORT_PREFIX",
    "SUGGEST",
    "WEIGHTS",
    "Evidence",
    "Identity",
    "Plan",
    "Suggestion",
    "candidate_pairs",
    "identity_from_keys",
    "plan",
    "score_pair",
]

AUTO_MERGE = 0.97
"""Confidence from which a pair is merged without review (with non-name evidence)."""

SUGGEST = 0.4
"""Confidence from which a pair is suggested for review."""

NAME_ONLY_CAP = 0.8
"""Highest confidence a pair can reach on name similarity alone (below AUTO_MERGE)."""

MAX_BLOCK = 60
"""Blocks with more members than this are not compared within (too common to tell)."""

WEIGHTS: dict[str, float] = {
    "email": 0.995,
    "phone": 0.99,
    "handle": 0.8,
    "short_handle": 0.45,
    "name_exact": 0.8,
    "name_close": 0.6,
    "name_partial": 0.35,
    "first_name": 0.3,
    "name_initial": 0.6,
    "handle_name": 0.6,
    "name_skeleton": 0.45,
    "name_shape": 0.6,
    "link_day": 0.4,
}
"""Probability that a pair is one person given each kind of evidence alone.

- ``handle``: the same normalised handle of 6 letters or more (``short_handle`` below);
- ``handle_name``: one member's handle is a handle made of the other's name (``loicp8`` /
  ``Loïc Petit``);
- ``name_exact``: every token equal (two tokens or more); ``name_close``: similarity
  ≥ 0.85; ``name_partial``: similarity ≥ 0.6; ``first_name``: one member shows a single
  name that the other's name holds (``Yasmine`` / ``Yasmine Durand``: never a suggestion
  alone);
- hashed names only: ``name_initial``, the same first name and last initial (``Camille D.``
  / ``Camille Durand``) or initial and last name; ``name_shape``, the same skeleton of every
  token; ``name_skeleton``, the same skeleton of the first name and last initial
  (:func:`tribu.warehouse.identities.skeleton`);
- ``link_day``: each link both shared on the same day (at most three count; never a popular
  link).
"""

GENERIC_HANDLE = 3
"""A handle held by more members than this (over every community) is no evidence."""

_NAME_KINDS = frozenset(
    {
        "name_exact",
        "name_close",
        "name_partial",
        "first_name",
        "name_initial",
        "name_shape",
        "name_skeleton",
    }
)

POPULAR_LINK = 5
"""A link shared the same day by more members than this is no evidence (everybody did)."""

SHORT_PREFIX = "s:"
"""Prefix of a handle shorter than 6 letters in :attr:`Identity.handles`."""
_MAX_LINKS = 3


@dataclass(frozen=True, slots=True)
class Identity:
    """What the engine knows of one member (keys hashed, except ``--keep-names`` names)."""

    member_id: str
    community_id: str
    is_bot: bool = False
    name_tokens: tuple[str, ...] = ()
    fuzzy_names: bool = False
    """Whether ``name_tokens`` are plain folded tokens (else hashes: exact matches only)."""
    handles: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()
    """Co-activity keys: a link and the day it was shared."""
    exact_handles: frozenset[str] = frozenset()
    """Handles with their trailing number (``run_addict42``), when they have one."""
    handle_forms: frozenset[str] = frozenset()
    """Handles people make of this member's name (to meet another member's handle)."""
    shapes: frozenset[str] = frozenset()
    """Consonant skeleton of every token (whole-name typo-proof key), hashed or not."""
    skeletons: frozenset[str] = frozenset()
    """Consonant skeleton of the name (typo-proof block), hashed or not."""
    name_initials: frozenset[str] = frozenset()
    """First name token and last initial (``camille d``), hashed or not."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason to think two members are one person."""

    kind: str
    weight: float
    detail: str

    def as_dict(self) -> dict[str, object]:
        """Plain form, for JSON."""
        return {"kind": self.kind, "weight": self.weight, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A pair of members (ordered ids), how sure, and the evidence."""

    member_a: str
    member_b: str
    confidence: float
    evidence: tuple[Evidence, ...]

    @property
    def name_only(self) -> bool:
        """Whether the only evidence is the names."""
        return all(e.kind in _NAME_KINDS for e in self.evidence)

    @property
    def auto(self) -> bool:
        """Whether the pair may be merged without review."""
        return self.confidence >= AUTO_MERGE and not self.name_only


@dataclass
class Plan:
    """The engine's output: pairs to merge now, pairs to review, and what it compared."""

    auto: list[Suggestion] = field(default_factory=list)
    review: list[Suggestion] = field(default_factory=list)
    compared: int = 0
    skipped_blocks: int = 0


def identity_from_keys(
    member_id: str,
    community_id: str,
    keys: Sequence[tuple[str, str]],
    *,
    is_bot: bool = False,
    links: frozenset[str] = frozenset(),
) -> Identity:
    """An :class:`Identity` from a member's (kind, key) rows of ``identity_keys``."""
    by_kind: dict[str, list[str]] = {}
    for kind, key in keys:
        by_kind.setdefault(kind, []).append(key)
    names = by_kind.get("name")
    tokens = tuple(names[0].split()) if names else tuple(by_kind.get("name_token", ()))
    handles = set(by_kind.get("handle", ())) | {
        SHORT_PREFIX + h for h in by_kind.get("short_handle", ())
    }
    return Identity(
        name_initials=frozenset(by_kind.get("name_initial", ())),
        handle_forms=frozenset(by_kind.get("handle_form", ())),
        exact_handles=frozenset(by_kind.get("handle_exact", ())),
        skeletons=frozenset(by_kind.get("name_skeleton", ())),
        shapes=frozenset(by_kind.get("name_shape", ())),
        member_id=member_id,
        community_id=community_id,
        is_bot=is_bot,
        name_tokens=tokens,
        fuzzy_names=bool(names),
        handles=frozenset(handles),
        emails=frozenset(by_kind.get("email", ())),
        phones=frozenset(by_kind.get("phone", ())),
        links=links,
    )


def _blocks(identity: Identity) -> Iterable[str]:
    yield from (f"e:{k}" for k in identity.emails)
    yield from (f"p:{k}" for k in identity.phones)
    yield from (f"h:{k}" for k in identity.handles)
    yield from (f"l:{k}" for k in identity.links)
    yield from (f"i:{k}" for k in identity.name_initials)
    yield from (f"h:{k}" for k in identity.handle_forms)
    yield from (f"x:{k}" for k in identity.exact_handles)
    yield from (f"k:{k}" for k in identity.skeletons)
    yield from (f"s:{k}" for k in identity.shapes)
    tokens = sorted(set(identity.name_tokens))
    yield from (f"t:{t}" for t in tokens)
    yield from (f"tt:{a}|{b}" for a, b in combinations(tokens, 2))


def candidate_pairs(
    identities: Sequence[Identity],
) -> tuple[set[tuple[int, int]], int]:
    """Index pairs sharing a block (different communities, no bots); and blocks skipped."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, identity in enumerate(identities):
        if identity.is_bot:
            continue
        for key in _blocks(identity):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    skipped = 0
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) > MAX_BLOCK:
            skipped += 1
            continue
        for i, j in combinations(members, 2):
            if identities[i].community_id != identities[j].community_id:
                pairs.add((i, j) if i < j else (j, i))
    return pairs, skipped


def _plain(handles: frozenset[str]) -> set[str]:
    return {h.removeprefix(SHORT_PREFIX) for h in handles}


def score_pair(
    a: Identity,
    b: Identity,
    *,
    popular: frozenset[str] = frozenset(),
    generic: frozenset[str] = frozenset(),
) -> Suggestion | None:
    """The evidence and confidence that ``a`` and ``b`` are one person (None if vetoed).

    ``popular`` links (shared by more than :data:`POPULAR_LINK` members) and ``generic``
    handles (held by more than :data:`GENERIC_HANDLE` members: ``run_addict42``,
    ``run_addict17``... once the number is gone) are no evidence, unless the handles are
    the same number and all. When both names are
    handles, the name keys (read from the same handles) are not evidence either.
    """
    if a.is_bot or b.is_bot or a.community_id == b.community_id:
        return None
    evidence: list[Evidence] = []
    if a.emails & b.emails:
        evidence.append(Evidence("email", WEIGHTS["email"], "same e-mail (hashed)"))
    if a.phones & b.phones:
        evidence.append(Evidence("phone", WEIGHTS["phone"], "same phone (hashed)"))
    shared_handles = (a.handles & b.handles) - generic
    if a.exact_handles & b.exact_handles:  # the very same handle, number and all
        shared_handles = a.handles & b.handles
    # Two handle-style names: the name keys were read from the handles themselves.
    names_are_handles = bool(a.handles and b.handles)
    if shared_handles:
        short = all(h.startswith(SHORT_PREFIX) for h in shared_handles)
        kind = "short_handle" if short else "handle"
        evidence.append(Evidence(kind, WEIGHTS[kind], "same handle once normalised"))
    elif (a.handle_forms or b.handle_forms) and (
        (_plain(a.handles) & b.handle_forms) or (_plain(b.handles) & a.handle_forms)
    ):
        evidence.append(
            Evidence(
                "handle_name",
                WEIGHTS["handle_name"],
                "one's handle is made of the other's name",
            )
        )
    fuzzy = a.fuzzy_names and b.fuzzy_names
    if names_are_handles:
        return _confidence(a, b, evidence, popular)
    similarity = name_similarity(a.name_tokens, b.name_tokens, fuzzy=fuzzy)
    tokens = min(len(a.name_tokens), len(b.name_tokens))
    # One name evidence only, the strongest: they all read the same names.
    names: list[Evidence] = []
    if similarity >= 0.999 and tokens >= 2:
        names.append(Evidence("name_exact", WEIGHTS["name_exact"], "same name"))
    elif similarity >= 0.85:
        names.append(
            Evidence(
                "name_close", WEIGHTS["name_close"], f"names {similarity:.2f} alike"
            )
        )
    elif similarity >= 0.6:
        names.append(
            Evidence(
                "name_partial", WEIGHTS["name_partial"], f"names {similarity:.2f} alike"
            )
        )
    elif similarity >= 0.3 and tokens == 1:
        names.append(
            Evidence(
                "first_name",
                WEIGHTS["first_name"],
                "one shows a single name the other's name holds",
            )
        )
    if not fuzzy:  # hashed names: typo-proof keys instead of a fuzzy measure
        if a.name_initials & b.name_initials:
            names.append(
                Evidence(
                    "name_initial",
                    WEIGHTS["name_initial"],
                    "same first name and last initial, or initial and last name (hashed)",
                )
            )
        if a.shapes & b.shapes:
            names.append(
                Evidence(
                    "name_shape",
                    WEIGHTS["name_shape"],
                    "whole names alike but for vowels or a doubled letter (hashed)",
                )
            )
        if a.skeletons & b.skeletons:
            names.append(
                Evidence(
                    "name_skeleton",
                    WEIGHTS["name_skeleton"],
                    "first names alike but for vowels, same last initial (hashed)",
                )
            )
    if names:
        evidence.append(max(names, key=lambda e: e.weight))
    return _confidence(a, b, evidence, popular)


def _confidence(
    a: Identity, b: Identity, evidence: list[Evidence], popular: frozenset[str]
) -> Suggestion | None:
    """Add co-activity to ``evidence`` and combine it into a suggestion (None if empty)."""
    links = len((a.links & b.links) - popular)
    for _ in range(min(links, _MAX_LINKS)):
        evidence.append(
            Evidence("link_day", WEIGHTS["link_day"], "same link shared the same day")
        )
    if not evidence:
        return None
    doubt = 1.0
    for item in evidence:
        doubt *= 1.0 - item.weight
    confidence = 1.0 - doubt
    if all(e.kind in _NAME_KINDS for e in evidence):
        confidence = min(confidence, NAME_ONLY_CAP)
    ids = sorted((a.member_id, b.member_id))
    return Suggestion(ids[0], ids[1], round(confidence, 6), tuple(evidence))


class _Groups:
    """Union-find over member ids that keeps each group's communities (for the veto)."""

    def __init__(self, communities: dict[str, str]) -> None:
        self.parent: dict[str, str] = {}
        self.communities: dict[str, set[str]] = {}
        self._community = communities

    def find(self, member: str) -> str:
        root = self.parent.setdefault(member, member)
        if root != member:
            root = self.parent[member] = self.find(root)
        return root

    def members_communities(self, root: str) -> set[str]:
        return self.communities.setdefault(root, {self._community[root]})

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        ca, cb = self.members_communities(ra), self.members_communities(rb)
        if ca & cb:
            return False
        self.parent[rb] = ra
        self.communities[ra] = ca | cb
        return True


def plan(
    identities: Sequence[Identity],
    *,
    skip: Callable[[str, str], bool] | None = None,
    groups_of: dict[str, str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Suggestions over ``identities``: auto-merges (strongest first) and pairs to review.

    Parameters
    ----------
    identities
        One per member.
    skip
        ``skip(a, b)`` true for pairs not to suggest (rejected before, same person already).
    groups_of
        Member id -> current person id, so that an auto-merge never puts two members of one
        community in one person (members absent are their own person).
    on_progress
        Called with (pairs scored, pairs to score) now and then.
    """
    pairs, skipped = candidate_pairs(identities)
    shared: dict[str, int] = defaultdict(int)
    for identity in identities:
        for link in identity.links:
            shared[link] += 1
    popular = frozenset(k for k, n in shared.items() if n > POPULAR_LINK)
    holders: dict[str, int] = defaultdict(int)
    for identity in identities:
        for handle in identity.handles:
            holders[handle] += 1
    generic = frozenset(k for k, n in holders.items() if n > GENERIC_HANDLE)
    out = Plan(compared=len(pairs), skipped_blocks=skipped)
    scored: list[Suggestion] = []
    total = len(pairs)
    for done, (i, j) in enumerate(sorted(pairs), start=1):
        found = score_pair(
            identities[i], identities[j], popular=popular, generic=generic
        )
        if (
            found is not None
            and found.confidence >= SUGGEST
            and (skip is None or not skip(found.member_a, found.member_b))
        ):
            scored.append(found)
        if on_progress is not None and (done % 50_000 == 0 or done == total):
            on_progress(done, total)
    scored.sort(key=lambda s: (-s.confidence, s.member_a, s.member_b))
    community = {i.member_id: i.community_id for i in identities}
    groups = _Groups(community)
    if groups_of:
        by_person: dict[str, list[str]] = defaultdict(list)
        for member, person in groups_of.items():
            if member in community:
                by_person[person].append(member)
        for members in by_person.values():
            for other in members[1:]:
                groups.union(members[0], other)
    for suggestion in scored:
        if suggestion.auto and groups.union(suggestion.member_a, suggestion.member_b):
            out.auto.append(suggestion)
        else:
            out.review.append(suggestion)
    return out
