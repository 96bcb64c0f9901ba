"""``tribu forget`` erases the person from the triage journal (and its warehouse copies).

Journal, by hand (Semelle FAQ, webhook configured but never sent, so events stay queued):

* ``u1001`` (the person) asks for a human in conversation ``discord:c-a``, mentioning their
  order "zorglub-4471": handoff H1; an agent claims it and replies "je regarde zorglub".
* ``u1001`` asks an FAQ question signed "quokka" in ``discord:c-b``: answered, no handoff.
* ``u2002`` asks for a human in ``discord:c-c``: handoff H2, text "real person please, u1001
  took my order".
* ``u1001`` writes "je confirme wombat" in ``discord:c-c``: joins H2's history (``with_human``).
* ``u3003`` is answered in ``discord:c-d`` (nothing to do with the person).

After ``tribu forget --name u1001 --community discord:g``: 3 decisions of u1001 gone (5 -> 2),
H1 gone with its 3 events (message, claim, reply) and its conversation, u1001's
message in H2's history gone, H2 kept with "u1001" replaced by "[erased]", the webhook events of
H1 gone; no table and no byte of the journal file holds "u1001", "zorglub", "quokka" or
"wombat". The warehouse copies (``tribu triage sync`` before the erasure) lose u1001's rows.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from tests.triage.conftest import SEMELLE_FAQ
from tribu import cli
from tribu.triage.faq_file import read_faq_file
from tribu.triage.service import IncomingMessage, TriageService
from tribu.triage.settings import TriageSettings, WebhookSettings
from tribu.triage.store import TriageStore, journal_path
from tribu.triage.warehouse_sync import sync_warehouse
from tribu.warehouse.store import open_warehouse

SECRETS = ("u1001", "zorglub", "quokka", "wombat")


def message(author: str, conversation: str, text: str) -> IncomingMessage:
    return IncomingMessage(
        conversation_id=f"discord:{conversation}",
        platform="discord",
        text=text,
        author=author,
        lang="fr",
    )


def journal_text(store: TriageStore) -> str:
    """Every row of every journal table, as one string."""
    tables = [
        r["name"]
        for r in store.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    return "\n".join(
        repr(store.rows(f"SELECT * FROM {table}"))  # noqa: S608 - table names from SQLite
        for table in tables
    )


def test_forget_erases_the_person_from_the_journal(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    store = TriageStore(journal_path(db))
    store.load_faq(read_faq_file(SEMELLE_FAQ))
    hook = WebhookSettings(url="http://127.0.0.1:9/never", secret="s")
    service = TriageService(store, TriageSettings(webhook=hook))
    h1 = service.handle(
        message(
            "u1001", "c-a", "un conseiller svp, ma commande zorglub-4471 est perdue"
        )
    )
    assert h1.decision == "handoff" and h1.handoff_id
    service.claim(h1.handoff_id, "agent-anna")
    service.reply(h1.handoff_id, "agent-anna", "Bonjour, je regarde zorglub")
    faq = service.handle(message("u1001", "c-b", "Vous livrez en Belgique ? quokka"))
    assert faq.decision == "answer"
    h2 = service.handle(
        message("u2002", "c-c", "real person please, u1001 took my order")
    )
    joined = service.handle(message("u1001", "c-c", "je confirme wombat"))
    assert (joined.reason, joined.handoff_id) == ("with_human", h2.handoff_id)
    other = service.handle(message("u3003", "c-d", "Combien coûte la livraison ?"))
    assert other.decision == "answer"
    sync_warehouse(db, store)
    text = journal_text(store)
    assert all(s in text for s in SECRETS)  # the test would catch a miss
    outbox_before = store.rows("SELECT count(*) AS n FROM webhook_outbox")[0]["n"]
    assert outbox_before == 4  # H1 created, claimed, replied; H2 created
    store.close()

    result = CliRunner().invoke(
        cli.app,
        ["forget", "--name", "u1001", "--community", "discord:g", "--db", str(db)],
    )
    assert result.exit_code == 0, result.output
    assert "triage.triage_log: 3 row(s)" in result.output

    store = TriageStore(journal_path(db))
    try:
        text = journal_text(store)
        assert not [s for s in SECRETS if s in text]
        assert [
            (r["author"], r["conversation_id"])
            for r in store.rows(
                "SELECT author, conversation_id FROM triage_log ORDER BY received_at"
            )
        ] == [("u2002", "discord:c-c"), ("u3003", "discord:c-d")]
        handoffs = store.rows("SELECT handoff_id, text, status FROM handoffs")
        assert handoffs == [
            {
                "handoff_id": h2.handoff_id,
                "text": "real person please, [erased] took my order",
                "status": "pending",
            }
        ]
        # H2's history: its first message only (u1001's "je confirme" is gone)
        assert [
            (e["kind"], e["actor"]) for e in store.handoff(h2.handoff_id)["events"]
        ] == [("message", "u2002")]
        # the one queued event left is H2's creation
        assert [r["event"] for r in store.rows("SELECT event FROM webhook_outbox")] == [
            "handoff.created"
        ]
        assert store.rows("SELECT count(*) AS n FROM conversations")[0]["n"] == 1
    finally:
        store.close()
    for path in tmp_path.iterdir():  # the journal, its WAL, the warehouse: no byte left
        if path.name.startswith("w.duckdb") and path.is_file():
            data = path.read_bytes()
            assert not [s for s in SECRETS if s.encode() in data], path.name
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT author FROM triage_log ORDER BY ts").fetchall() == [
            ("u2002",),
            ("u3003",),
        ]
        assert con.execute("SELECT author, text FROM handoffs").fetchall() == [
            ("u2002", "real person please, [erased] took my order")
        ]
    finally:
        con.close()


def test_forget_without_a_journal_creates_none(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    CliRunner().invoke(
        cli.app,
        ["forget", "--name", "u1001", "--community", "discord:g", "--db", str(db)],
    )
    assert not journal_path(db).exists()
