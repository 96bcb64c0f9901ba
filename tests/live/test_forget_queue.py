"""``tribu forget`` erases the person from the live queue file ``<db>.live.sqlite``.

Queue, by hand: three accepted events (one by the person "zorglubus", one by "wombatine" that
quotes them, one by "quokkaline" alone), one quarantined payload naming the person, and two
alerts (one naming the person, one not). After ``tribu forget --name zorglubus``: the two
events that hold the name go (2 rows), the quarantined payload goes (1), the alert naming
them goes (1); quokkaline's event and the other alert stay; no byte of the queue file or its
write-ahead log holds "zorglubus".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from tribu import cli
from tribu.live.alerts import Alert, AlertStore
from tribu.live.queue import LiveQueue, forget_in_queue, queue_path
from tribu.warehouse.store import open_warehouse


def fill_queue(db: Path) -> None:
    queue = LiveQueue(queue_path(db))
    try:
        assert queue.put("generic", "e1", b'{"author": "zorglubus", "text": "salut"}')
        assert queue.put(
            "generic", "e2", b'{"author": "wombatine", "text": "@Zorglubus oui"}'
        )
        assert queue.put(
            "generic", "e3", b'{"author": "quokkaline", "text": "bonjour"}'
        )
        queue.reject(
            "generic", 400, "bad field", field="ts", body=b'{"author":"zorglubus"}'
        )
    finally:
        queue.close()
    alerts = AlertStore(queue_path(db))
    try:
        fired = alerts.add_new(
            [
                Alert(
                    "k1",
                    "member_at_risk",
                    "m1",
                    "discord:g",
                    "2026-12-01",
                    "zorglubus is quiet",
                ),
                Alert(
                    "k2", "negative_spike", "c1", "discord:g", "2026-12-01", "#general"
                ),
            ]
        )
        assert len(fired) == 2
    finally:
        alerts.close()


def test_forget_erases_the_person_from_the_live_queue(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    fill_queue(db)
    assert b"zorglubus" in queue_path(db).read_bytes() + _wal(db)  # a miss would show
    result = CliRunner().invoke(
        cli.app,
        ["forget", "--name", "zorglubus", "--community", "discord:g", "--db", str(db)],
    )
    assert result.exit_code == 0, result.output
    assert "live.events: 2 row(s)" in result.output
    con = sqlite3.connect(str(queue_path(db)))
    try:
        assert con.execute("SELECT dedup FROM events").fetchall() == [("generic:e3",)]
        assert con.execute("SELECT count(*) FROM rejected").fetchone() == (0,)
        assert con.execute("SELECT key FROM alerts").fetchall() == [("k2",)]
    finally:
        con.close()
    for path in tmp_path.iterdir():
        if path.name.startswith("w.duckdb.live") and path.is_file():
            assert b"zorglubus" not in path.read_bytes().lower(), path.name


def _wal(db: Path) -> bytes:
    wal = queue_path(db).with_name(queue_path(db).name + "-wal")
    return wal.read_bytes() if wal.is_file() else b""


def test_forget_in_queue_without_a_queue_file_does_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    assert forget_in_queue(db, ["zorglubus"]) == {}
    assert not queue_path(db).exists()
