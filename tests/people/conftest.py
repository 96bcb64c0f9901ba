"""A small warehouse built in code for the people layer, and the labelled set builder.

Members (community, shown name, contact) and what the engine must make of them:

- ``d-elodie`` (discord) "Élodie Lefèvre", ``s-elodie`` (slack) "elodie LEFEVRE" with the
  phone 06 11 11 11 11, ``w-elodie`` (whatsapp) shown as "+33 6 11 11 11 11":
  s-elodie ~ w-elodie share a phone (0.99, auto-merged); d-elodie ~ s-elodie have every name
  token equal (name_exact 0.8, name only: capped at 0.8, a suggestion).
- ``d-marc`` (discord) "Marc Dupont" and ``s-marc`` (slack) "Marc Dupont": namesakes, name
  only, so a suggestion at 0.8 at most, never merged automatically.
- ``d-mee6`` / ``s-mee6``: bots named alike: vetoed, never suggested.
- ``s-zoe`` and ``s-zoe2`` (both slack) "Zoé Roux" with the same e-mail: one community,
  vetoed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tribu.people.synthetic import LabelledSet, labelled_identities
from tribu.warehouse.identities import identity_keys, sync_people, write_identity_keys
from tribu.warehouse.store import open_warehouse, pseudonym_secret

MEMBERS = [
    # member_id, community, name, is_bot, email, phone
    ("d-elodie", "discord:semelle", "Élodie Lefèvre", False, None, None),
    ("s-elodie", "slack:semelle", "elodie LEFEVRE", False, None, "06 11 11 11 11"),
    ("w-elodie", "whatsapp:semelle", "+33 6 11 11 11 11", False, None, None),
    ("d-marc", "discord:semelle", "Marc Dupont", False, None, None),
    ("s-marc", "slack:semelle", "Marc Dupont", False, None, None),
    ("d-mee6", "discord:semelle", "MEE6", True, None, None),
    ("s-mee6", "slack:semelle", "MEE6", True, None, None),
    ("s-zoe", "slack:semelle", "Zoé Roux", False, "zoe@example.org", None),
    ("s-zoe2", "slack:semelle", "Zoé Roux", False, "zoe@example.org", None),
]


def build_people_warehouse(path: Path) -> Path:
    """Write the warehouse described in the module docstring; return its path."""
    con = open_warehouse(path)
    try:
        secret = pseudonym_secret(con)
        ts = datetime(2026, 10, 1, 12, tzinfo=UTC)
        for community in ("discord:semelle", "slack:semelle", "whatsapp:semelle"):
            con.execute(
                "INSERT INTO communities VALUES (?, ?, 'Semelle', NULL, ?)",
                [community, community.split(":")[0], ts],
            )
        keys = {}
        for n, (member, community, name, bot, email, phone) in enumerate(MEMBERS):
            con.execute(
                "INSERT INTO members VALUES (?, ?, ?, FALSE, ?, [], NULL)",
                [member, community, f"member-{n}", bot],
            )
            keys[member] = identity_keys(
                secret,
                keep_names=False,
                member_key=member,
                raw_name=name,
                email=email,
                phone=phone,
            )
            con.execute(
                "INSERT INTO messages VALUES (?, ?, ?, ?, ?, 'bonjour', NULL, NULL, "
                "0, 0, [], NULL)",
                [
                    f"{community}/msg-{member}",
                    community,
                    f"{community}/general",
                    member,
                    ts,
                ],
            )
        write_identity_keys(con, keys)
        sync_people(con)
    finally:
        con.close()
    return path


@pytest.fixture
def people_db(tmp_path: Path) -> Path:
    """The small people warehouse (see the module docstring)."""
    return build_people_warehouse(tmp_path / "people.duckdb")


@pytest.fixture(scope="session")
def labelled_set() -> LabelledSet:
    """The labelled generator's set: 500 people over three platforms (names kept)."""
    return labelled_identities(500, seed=19, keep_names=True)
