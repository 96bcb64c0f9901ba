"""The batcher groups what queued while a batch was being decided, and a bad item fails alone."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from tribu.triage.batcher import MessageBatcher


def test_waiting_items_are_decided_together_in_order() -> None:
    release = threading.Event()
    first_started = threading.Event()
    calls: list[list[int]] = []

    def handle_many(items: Sequence[int]) -> list[int]:
        calls.append(list(items))
        if len(calls) == 1:
            first_started.set()
            release.wait(10)  # while item 0 is decided, 1..5 queue up
        return [i * 10 for i in items]

    batcher: MessageBatcher[int, int] = MessageBatcher(handle_many, max_batch=4)
    futures = [batcher.submit(0)]
    assert first_started.wait(10)
    futures += [batcher.submit(i) for i in range(1, 6)]
    release.set()
    assert [f.result(10) for f in futures] == [0, 10, 20, 30, 40, 50]
    batcher.close()
    # 0 alone (nothing else was waiting), then the 5 that queued, at most 4 a batch
    assert calls == [[0], [1, 2, 3, 4], [5]]
    assert (batcher.batches, batcher.items) == (3, 6)


def test_a_failing_item_fails_alone() -> None:
    gate = threading.Event()

    def handle_many(items: Sequence[str]) -> list[str]:
        gate.wait(10)
        if "bad" in items:
            raise ValueError("bad item")
        return [s.upper() for s in items]

    batcher: MessageBatcher[str, str] = MessageBatcher(handle_many)
    futures = [batcher.submit(s) for s in ("a", "bad", "c")]
    gate.set()
    assert futures[0].result(10) == "A" and futures[2].result(10) == "C"
    with pytest.raises(ValueError, match="bad item"):
        futures[1].result(10)
    batcher.close()
    with pytest.raises(RuntimeError, match="closed"):
        batcher.submit("late")
