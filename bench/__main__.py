"""Run the benchmarks: ``python -m bench [NAME...]`` (``make bench`` runs them all).

Each ``bench/bench_<topic>.py`` has a ``run() -> dict`` that generates its own data, measures, and
writes ``bench/results/<topic>.json`` (what ran, rows, seconds, rows/s, peak memory). This runner
finds them, runs the ones asked for (all by default) one after the other, and prints a line each.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmark_names() -> list[str]:
    """Topics of every benchmark module, sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    """Run the benchmarks named in ``argv`` (all when empty); return the exit status."""
    names = argv or benchmark_names()
    unknown = sorted(set(names) - set(benchmark_names()))
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {benchmark_names()}")
        return 2
    failed = 0
    for name in names:
        started = time.perf_counter()
        print(f"== bench {name}", flush=True)
        try:
            result = importlib.import_module(f"bench.bench_{name}").run()
        except Exception as exc:  # a failed benchmark must not hide the others
            failed += 1
            print(f"   FAILED: {type(exc).__name__}: {exc}", flush=True)
            continue
        elapsed = time.perf_counter() - started
        print(f"   done in {elapsed:.0f} s: {json.dumps(result, default=str)[:300]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
