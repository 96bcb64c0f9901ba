"""Shared helpers for benchmarks: run work in a child process and read its peak memory."""

from __future__ import annotations

import json
import multiprocessing as mp
import platform
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _child(work: Callable[..., Any], args: tuple[Any, ...], queue: mp.Queue) -> None:
    started = time.perf_counter()
    value = work(*args)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, value, peak_mb))


def measure_in_child(work: Callable[..., Any], *args: Any) -> tuple[float, Any, float]:
    """Run ``work(*args)`` in a fresh process; return (seconds, its result, peak RSS in MB).

    The peak is the child's own maximum resident set size, so the parent's memory (data
    generation, imports) does not count. ``work`` must be a module-level function.
    """
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(work, args, queue))
    process.start()
    seconds, value, peak_mb = queue.get()
    process.join()
    if process.exitcode:
        raise RuntimeError(f"benchmark child exited with {process.exitcode}")
    return seconds, value, peak_mb


def write_result(topic: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Write ``bench/results/<topic>.json`` with the machine noted, and return the payload."""
    payload = {
        "benchmark": topic,
        "machine": {"cpus": mp.cpu_count(), "python": platform.python_version()},
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **payload,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{topic}.json").write_text(json.dumps(payload, indent=2) + "\n")
    return payload
