"""Identity keys: what merge suggestions compare, kept without the raw names and addresses.

At ingest, each member met gets a few *identity keys* (table ``identity_keys``): normalised
forms of their display name, handle, e-mail and phone. The people layer
(:mod:`tribu.people`) compares members across communities on these keys alone.

In a pseudonymised warehouse (the default) every key is a keyed HMAC (the warehouse's
pseudonym secret, see :mod:`tribu.warehouse._people`), so the table never holds a raw name,
address or number: two members share a key exactly when their normalised values are equal.
With ``--keep-names`` the folded full name is kept too (kind ``name``), so that names can be
compared with a fuzzy measure (typos); the other keys are hashed either way.

Normalisation is fair to French and other non-anglicised names: case and accents are folded
(``Élodie`` = ``elodie``, ``Œ`` = ``oe``), hyphens and apostrophes split tokens
(``Jean-Pierre`` -> ``jean pierre``) but a one-letter elision other than ``d'``/``l'`` joins
(``N'Diaye`` -> ``ndiaye``) and name particles (``de``, ``du``,
``le``, ``van``, ``ben``...) are not tokens of their own. Only the standard library is used
(:mod:`unicodedata` does the folding).

Kinds:

- ``email``, ``phone``;
- ``handle``: a display name without spaces, read as a handle, without separators, case,
  accents or a trailing number (``Camille_D92`` -> ``camilled``); ``short_handle`` under
  6 letters;
- ``handle_exact``: the same with its trailing number, when it has one (``camilled92``);
- ``handle_form``: the handles people make of a two-token name (``camilledurand``,
  ``camilled``, ``camdurand``, ``cdurand``), hashed like handles;
- ``name_token``: each name token;
- ``name_initial``: first token and the last one's initial (``camille d``), and first
  initial and last token (``c durand``);
- ``name_skeleton`` (:func:`skeleton`); ``name_shape``: the skeleton of every token of a
  name of two tokens or more (``loic richard`` and ``loic irchard``: ``lc rchrd``);
- ``name``: the folded tokens with initials (``--keep-names`` only).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

__all__ = [
    "NICKNAMES",
    "PARTICLES",
    "SHORT_HANDLE",
    "email_key",
    "fold",
    "handle_key",
    "identity_keys",
    "name_tokens",
    "phone_key",
    "skeleton",
    "sync_people",
    "write_identity_keys",
]

PARTICLES = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "d",
        "l",
        "van",
        "von",
        "der",
        "den",
        "el",
        "al",
        "ben",
        "bin",
        "di",
        "da",
        "dos",
        "del",
        "y",
    ]
)
"""Name particles that are not compared as tokens of their own."""

SHORT_HANDLE = 6
"""Handles shorter than this (``sam``, ``lulu``) are kept as kind ``short_handle``."""

NICKNAMES: dict[str, str] = {
    "alex": "alexandre",
    "max": "maxime",
    "guigui": "guillaume",
    "guillou": "guillaume",
    "fred": "frederic",
    "nico": "nicolas",
    "val": "valentin",
    "tim": "timothee",
    "ben": "benoit",
    "steph": "stephane",
    "mathou": "mathilde",
    "clem": "clemence",
    "aurel": "aurelien",
    "manu": "emmanuel",
    "seb": "sebastien",
    "flo": "florian",
    "jb": "jean baptiste",
    "pe": "pierre emmanuel",
    "titi": "thierry",
    "doudou": "edouard",
    "cathy": "catherine",
    "isa": "isabelle",
    "vero": "veronique",
}
"""Common French diminutives, read as the first name they stand for (first token only)."""

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l"})
_SEPARATORS = re.compile(r"[^a-z0-9]+")
# An apostrophe after one letter other than the particles d' and l' is part of the name:
# N'Diaye, M'Bappé, O'Brien are one token; d'Artagnan is the particle d and Artagnan.
_ELISION = re.compile(r"\b([a-ce-km-z])['’]")
_PHONE_LIKE = re.compile(r"^(\+|00|0[1-9])[\d\s.\-()]{7,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def fold(text: str) -> str:
    """Lower case without accents or ligatures: ``"Élodie Lœuvre"`` -> ``"elodie loeuvre"``."""
    lowered = text.casefold().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_tokens(name: str, *, initials: bool = False) -> list[str]:
    """Folded tokens of a name, without particles, numbers or (unless asked) initials.

    >>> name_tokens("Jean-Pierre de la Fontaine_92")
    ['jean', 'pierre', 'fontaine']
    >>> name_tokens("Yasmine N'Diaye"), name_tokens("Jeanne d'Arc")
    (['yasmine', 'ndiaye'], ['jeanne', 'arc'])
    >>> name_tokens("Camille D.", initials=True)
    ['camille', 'd']
    """
    words = [w for w in _SEPARATORS.split(_ELISION.sub(r"\1", fold(name))) if w]
    last = len(words) - 1
    return [
        w
        for i, w in enumerate(words)
        if (initials or len(w) > 1)
        and not w.isdigit()
        and (w not in PARTICLES or (initials and len(w) == 1 and i == last))
    ]


def skeleton(tokens: list[str]) -> str:
    """Consonants of the first token, once each in a row, and the last token's initial.

    Typos in vowels, doubled or swapped letters keep it:

    >>> skeleton(["salome", "n"]), skeleton(["slome", "nguyen"])
    ('slm n', 'slm n')
    """
    letters = [c for c in tokens[0] if c not in "aeiouy"]
    squeezed = "".join(
        c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1]
    )
    return squeezed + (f" {tokens[-1][0]}" if len(tokens) > 1 else "")


def handle_key(handle: str) -> str | None:
    """A handle without case, accents, separators or a trailing number (None if < 3 letters).

    >>> handle_key("@Camille_D92")
    'camilled'
    """
    squeezed = _SEPARATORS.sub("", fold(handle)).rstrip("0123456789")
    return squeezed if len(squeezed) >= 3 and not squeezed.isdigit() else None


def email_key(email: str) -> str | None:
    """A lower-cased e-mail address, or None when it is not one."""
    value = email.strip().casefold()
    return value if _EMAIL.match(value) else None


def phone_key(phone: str) -> str | None:
    """International digits of a phone number (French ``06...`` -> ``336...``), or None.

    >>> phone_key("06 12 34 56 78")
    '33612345678'
    """
    text = phone.strip()
    if not text or re.search(r"[a-zA-Z]", text):
        return None
    digits = re.sub(r"\D", "", text)
    if text.startswith("00"):
        digits = digits[2:]
    elif not text.startswith("+") and len(digits) == 10 and digits.startswith("0"):
        digits = "33" + digits[1:]
    return digits if 9 <= len(digits) <= 15 else None


def _canonical(tokens: list[str]) -> list[str]:
    """The first token read through :data:`NICKNAMES` (``fred`` -> ``frederic``)."""
    if tokens and tokens[0] in NICKNAMES:
        return NICKNAMES[tokens[0]].split() + tokens[1:]
    return tokens


def _hashed(secret: bytes, kind: str, value: str) -> str:
    digest = hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:24]


def identity_keys(
    secret: bytes,
    *,
    keep_names: bool,
    member_key: str,
    raw_name: str | None,
    email: str | None = None,
    phone: str | None = None,
) -> list[tuple[str, str]]:
    """The (kind, key) pairs of one member: hashed unless ``keep_names`` (name only).

    A platform key or name that reads as a phone number (WhatsApp) counts as a phone.
    """
    found: dict[tuple[str, str], None] = {}
    emails = [email_key(email)] if email else []
    # A key or name is read as a number only when written as one (+33..., 06...): platform
    # ids made of digits (Discord) are not phones.
    shown = [p for p in (member_key, raw_name) if p and _PHONE_LIKE.match(p.strip())]
    name_is_phone = bool(raw_name and raw_name in shown and phone_key(raw_name))
    phones = [phone_key(p) for p in (phone, *shown) if p]
    for kind, values in (("email", emails), ("phone", phones)):
        for value in values:
            if value:
                found[(kind, _hashed(secret, kind, value))] = None
    name = raw_name or ""
    if name and not name_is_phone:
        # A display name with a space is a name, not a handle: the name evidence covers it.
        handle = None if " " in name.strip() else handle_key(name)
        if handle:
            kind = "handle" if len(handle) >= SHORT_HANDLE else "short_handle"
            found[(kind, _hashed(secret, "handle", handle))] = None
            exact = _SEPARATORS.sub("", fold(name))
            if exact != handle:  # with its number: run_addict42 is not run_addict17
                found[("handle_exact", _hashed(secret, "handle", exact))] = None
        tokens = _canonical(name_tokens(name))
        for token in tokens:
            found[("name_token", _hashed(secret, "name_token", token))] = None
        if len(tokens) >= 2:  # the handles people make of their name
            first, last = tokens[0], tokens[-1]
            for form in {
                first + last,
                first + last[0],
                first[:3] + last,
                first[0] + last,
            }:
                found[("handle_form", _hashed(secret, "handle", form))] = None
        initials = _canonical(name_tokens(name, initials=True))
        if len(initials) >= 2:  # "Camille D." and "Camille Durand" share "camille d"
            short = f"{initials[0]} {initials[-1][0]}"
            found[("name_initial", _hashed(secret, "name_initial", short))] = None
            if len(initials[-1]) > 1:  # "F. Michel" / "Frédéic Michel": "f michel"
                short = f"{initials[0][0]} {initials[-1]}"
                found[("name_initial", _hashed(secret, "name_initial", short))] = None
        if len(tokens) >= 2:  # typo-proof shape of the whole name
            shape = " ".join(skeleton([t]) for t in tokens)
            found[("name_shape", _hashed(secret, "shape", shape))] = None
        if initials and len(initials[0]) > 1:
            found[
                ("name_skeleton", _hashed(secret, "skeleton", skeleton(initials)))
            ] = None
        if keep_names and initials:
            found[("name", " ".join(initials))] = None
    return list(found)


def write_identity_keys(
    con: duckdb.DuckDBPyConnection, keys: Mapping[str, Iterable[tuple[str, str]]]
) -> int:
    """Replace the identity keys of the members in ``keys``; return the rows written."""
    members: list[str] = []
    kinds: list[str] = []
    values: list[str] = []
    for member_id, pairs in keys.items():
        for kind, key in pairs:
            members.append(member_id)
            kinds.append(kind)
            values.append(key)
    if not keys:
        return 0
    ids = pa.table({"member_id": list(keys)})
    rows = pa.table({"member_id": members, "kind": kinds, "key": values})
    con.register("_identity_ids", ids)
    con.register("_identity_rows", rows)
    try:
        con.execute(
            "DELETE FROM identity_keys WHERE member_id IN "
            "(SELECT member_id FROM _identity_ids)"
        )
        con.execute("INSERT INTO identity_keys SELECT * FROM _identity_rows")
    finally:
        con.unregister("_identity_ids")
        con.unregister("_identity_rows")
    return len(members)


def sync_people(con: duckdb.DuckDBPyConnection) -> int:
    """Give every member without a person their own person (``p:<member_id>``).

    Returns how many members were linked. Idempotent.
    """
    row = con.execute(
        "SELECT count(*) FROM members WHERE member_id NOT IN "
        "(SELECT member_id FROM person_links)"
    ).fetchone()
    missing = int(row[0]) if row else 0
    if missing:
        now = datetime.now(UTC)
        con.execute(
            "INSERT INTO people SELECT 'p:' || member_id, ? FROM members "
            "WHERE member_id NOT IN (SELECT member_id FROM person_links) "
            "AND 'p:' || member_id NOT IN (SELECT person_id FROM people)",
            [now],
        )
        con.execute(
            "INSERT INTO person_links SELECT member_id, 'p:' || member_id, NULL "
            "FROM members WHERE member_id NOT IN (SELECT member_id FROM person_links)"
        )
    return missing
