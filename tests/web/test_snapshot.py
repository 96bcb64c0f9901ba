"""The server keeps answering while another process writes the warehouse (no lock errors)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from fastapi.testclient import TestClient

from tests.report.fixture_warehouse import build_fixture_warehouse
from tribu.warehouse.forget import forget_member
from tribu.warehouse.store import open_warehouse
from tribu.web.app import create_app
from tribu.web.auth import TokenStore
from tribu.web.snapshot import SnapshotManager, writer_holds_lock

# An ingest-like writer: 8 rounds of open (read-write), insert 5 messages in a transaction,
# hold the file a moment, close. Any lock conflict makes it exit non-zero.
WRITER = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from tribu.warehouse.store import open_warehouse, transaction
    db = sys.argv[1]
    for round_ in range(8):
        con = open_warehouse(db)
        with transaction(con):
            for i in range(5):
                con.execute(
                    "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts,"
                    " text) VALUES (?, 'c-moon', 'ch-chat', 'm-erin', ?, 'new')",
                    [f"w{round_}-{i}", dt.datetime(2024, 3, 13, 12, tzinfo=dt.UTC)],
                )
        time.sleep(0.15)
        con.close()
        time.sleep(0.1)
    print("writer done")
    """
)


def test_server_answers_while_a_writer_ingests(tmp_path: Path) -> None:
    db = build_fixture_warehouse(tmp_path / "busy.duckdb")
    tokens = TokenStore(tmp_path / "tokens.json")
    _, secret = tokens.create("viewer")
    app = create_app(db, tokens=tokens, refresh_interval=0.1)
    headers = {"Authorization": f"Bearer {secret}"}
    with TestClient(app) as client:  # starts the snapshot watcher
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        statuses, snapshots = [], set()
        while writer.poll() is None:
            r = client.get(
                "/api/v1/measures/daily_activity?community=c-moon", headers=headers
            )
            statuses.append(r.status_code)
            snapshots.add(
                client.get("/api/v1/status", headers=headers).json()["snapshot"]
            )
        out, err = writer.communicate()
        assert writer.returncode == 0, err
        assert "writer done" in out
        assert statuses and set(statuses) == {200}
        # once the writer is gone, the next refresh (made, then warmed, then swapped in)
        # shows its 8 x 5 = 40 messages on 03-13
        deadline = time.monotonic() + 90
        rows: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            body = client.get(
                "/api/v1/measures/daily_activity?community=c-moon", headers=headers
            ).json()
            rows = [r for r in body["rows"] if r["day"] == "2024-03-13"]
            if rows and rows[0]["messages"] == 40:
                break
            time.sleep(0.1)
        assert rows and rows[0]["messages"] == 40
        assert max(snapshots) >= 1


def test_writer_lock_is_seen_without_taking_it(tmp_path: Path) -> None:
    db = build_fixture_warehouse(tmp_path / "lock.duckdb")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True);"
            " time.sleep(3)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert writer_holds_lock(db)
    finally:
        holder.wait()
    assert not writer_holds_lock(db)


def test_an_erasure_deletes_every_older_snapshot(tmp_path: Path) -> None:
    db = build_fixture_warehouse(tmp_path / "w.duckdb")
    folder = tmp_path / "snaps"
    manager = SnapshotManager(db, folder=folder)
    try:
        first = manager.current
        # An ordinary write: the previous copy stays one more look, for requests in flight.
        con = open_warehouse(db)
        con.execute("INSERT INTO faq VALUES (1, 'f-new', 'fr', 'q ?', 'r.', 1)")
        con.close()
        assert manager.refresh()
        second = manager.current
        assert first.path.exists() and second.path.exists()
        assert (first.generation, second.generation) == (0, 0)
        # tribu forget rewrites the file with a new generation: no older copy survives.
        assert forget_member("m-bob", db=db).found
        assert manager.refresh()
        assert manager.current.generation == 1
        assert not first.path.exists() and not second.path.exists()
        assert [p.name for p in folder.iterdir()] == [manager.current.path.name]
    finally:
        manager.close()
