"""The queue's group commit: concurrent puts each get their own answer, stored once."""

from __future__ import annotations

import threading
from pathlib import Path

from tribu.live.queue import LiveQueue


def test_concurrent_puts_are_stored_once_with_their_own_answer(tmp_path: Path) -> None:
    queue = LiveQueue(tmp_path / "q.sqlite")
    answers: dict[tuple[int, int], bool] = {}

    def sender(k: int) -> None:
        # every thread sends the same 50 ids: each id is fresh for exactly one thread
        for i in range(50):
            answers[(k, i)] = queue.put("generic", f"id-{i}", b"{}")

    threads = [threading.Thread(target=sender, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(50):
        assert sum(answers[(k, i)] for k in range(6)) == 1
    assert queue.counters() == {"generic.received": 50, "generic.duplicate": 250}
    seqs = [p.seq for p in queue.pending(1000)]
    assert len(seqs) == 50 and seqs == sorted(seqs)  # arrival order (gaps allowed)
    queue.close()


def test_applied_bodies_are_emptied(tmp_path: Path) -> None:
    queue = LiveQueue(tmp_path / "q.sqlite")
    queue.put("slack", "Ev1", b'{"user": "U0ALICE", "text": "real name here"}')
    [event] = queue.pending()
    queue.mark_applied([event.seq])
    assert queue.pending() == []
    queue.close()
    import sqlite3

    con = sqlite3.connect(tmp_path / "q.sqlite")
    assert con.execute("SELECT body, dedup FROM events").fetchall() == [
        (b"", "slack:Ev1")
    ]
    con.close()
    # a replay is still recognised after the body is gone
    again = LiveQueue(tmp_path / "q.sqlite")
    assert again.put("slack", "Ev1", b"{}") is False
    again.close()
