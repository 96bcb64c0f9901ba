"""``make fuzz``: thousands of hostile copies of the real samples, ingested one by one.

For every connector, ``--per-connector`` cases (default 300) cycle through its samples and
every mutation that applies (see :mod:`bench._fuzz_inputs`), each with its own seed. Each case
is ingested into a copy of a small warehouse by a worker process (see
:mod:`bench._fuzz_run`); this parent watches it:

- memory: the worker's resident size is read from /proc every 50 ms; past 2 GB the worker is
  killed and the case counted ``memory``. Each case's own peak is the worker's ``VmHWM``,
  reset before the case (``/proc/self/clear_refs``);
- time: a case still running after 60 s is killed and counted ``hang``.

The figures go to ``bench/results/fuzz.json``: cases tried, outcomes by class and connector,
peak memory, slowest case, and every finding (anything but ``ok``, ``quarantine`` and a clean
one-line ``error`` that left the warehouse unchanged). Exit status 1 when there is a finding.

Run: ``python -m bench.fuzz [--per-connector N] [--connectors discord,slack]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import selectors
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench._fuzz_inputs import CONNECTORS, Case, mutations_for, samples

RESULTS = Path(__file__).resolve().parent / "results" / "fuzz.json"
MEMORY_LIMIT = 2 << 30
TIME_LIMIT = 60.0


def plan(connector: str, count: int, seed: int = 0) -> list[Case]:
    """``count`` cases for ``connector``: every (sample, mutation) pair in turn, new seeds."""
    pairs = [(s, m) for s in samples(connector) for m in mutations_for(s)]
    # Interleave so that a short run still sees every mutation and every sample.
    pairs.sort(key=lambda sm: (mutations_for(sm[0]).index(sm[1]), sm[0]))
    return [
        Case(connector, *pairs[i % len(pairs)], seed=seed * 1_000_003 + i)
        for i in range(count)
    ]


# --- the worker ------------------------------------------------------------------------------


def _status(pid: int | str, field: str) -> int:
    """A ``/proc/<pid>/status`` size field, in bytes (0 when gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def worker(folder: Path) -> None:
    """Read cases (JSON lines) on stdin, answer outcomes (JSON lines) on stdout."""
    from bench._fuzz_run import base_warehouse, fingerprint, run_case

    base = base_warehouse(folder / "base")
    base_print = fingerprint(base)
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing else may write to the answer pipe
    for line in sys.stdin:
        case = Case(**json.loads(line))
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM
        outcome = run_case(case, folder / "work", base, base_print).as_dict()
        outcome["peak_bytes"] = _status("self", "VmHWM")
        out.write(json.dumps(outcome) + "\n")
        out.flush()


class _Worker:
    def __init__(self, folder: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.fuzz", "--worker", str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self.selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self.selector.register(self.process.stdout, selectors.EVENT_READ)

    def run(self, case: Case) -> dict[str, Any]:
        """Send one case; its outcome, or ``hang``/``memory``/``crash`` (worker killed)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(
            json.dumps(
                {
                    "connector": case.connector,
                    "sample": case.sample,
                    "mutation": case.mutation,
                    "seed": case.seed,
                }
            )
            + "\n"
        )
        self.process.stdin.flush()
        started = time.monotonic()
        peak = 0
        while True:
            if self.selector.select(timeout=0.05):
                line = self.process.stdout.readline()
                if line:
                    answer: dict[str, Any] = json.loads(line)
                    answer["peak_bytes"] = max(answer.get("peak_bytes", 0), peak)
                    return answer
                return self._dead(case, "crash", "the worker died", started, peak)
            rss = _status(self.process.pid, "VmRSS")
            peak = max(peak, rss)
            if rss > MEMORY_LIMIT:
                return self._dead(
                    case, "memory", f"{rss >> 20} MB resident", started, peak
                )
            if time.monotonic() - started > TIME_LIMIT:
                return self._dead(
                    case, "hang", f"over {TIME_LIMIT:.0f} s", started, peak
                )

    def _dead(
        self, case: Case, kind: str, message: str, started: float, peak: int
    ) -> dict[str, Any]:
        self.process.kill()
        self.process.wait()
        return {
            "case": case.label(),
            "kind": kind,
            "message": message,
            "seconds": round(time.monotonic() - started, 3),
            "peak_bytes": peak,
        }

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-connector", type=int, default=300)
    parser.add_argument("--connectors", default=",".join(CONNECTORS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    connectors = [c for c in args.connectors.split(",") if c]
    started = datetime.now(UTC)
    clock = time.monotonic()
    results: dict[str, Any] = {}
    findings: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="tribu-fuzz-") as tmp:
        folder = Path(tmp)
        runner = _Worker(folder)
        try:
            for connector in connectors:
                tally: Counter[str] = Counter()
                mutations: Counter[str] = Counter()
                peak, slowest, slowest_case = 0, 0.0, ""
                cases = plan(connector, args.per_connector, args.seed)
                for number, case in enumerate(cases, 1):
                    answer = runner.run(case)
                    if answer["kind"] in ("hang", "memory", "crash"):
                        runner = _Worker(folder)
                    tally[answer["kind"]] += 1
                    mutations[case.mutation] += 1
                    peak = max(peak, answer["peak_bytes"])
                    if answer["seconds"] > slowest:
                        slowest, slowest_case = answer["seconds"], answer["case"]
                    if answer["kind"] not in ("ok", "quarantine", "error"):
                        findings.append(answer)
                    if number % 50 == 0:
                        print(
                            f"{connector}: {number}/{len(cases)} {dict(tally)}",
                            flush=True,
                        )
                results[connector] = {
                    "inputs": len(cases),
                    "samples": len(samples(connector)),
                    "outcomes": dict(sorted(tally.items())),
                    "mutations": dict(sorted(mutations.items())),
                    "peak_memory_mb": round(peak / 2**20, 1),
                    "max_seconds": slowest,
                    "slowest": slowest_case,
                }
                print(f"{connector}: {results[connector]}", flush=True)
        finally:
            runner.close()
    totals: Counter[str] = Counter()
    for figures in results.values():
        totals.update(figures["outcomes"])
    report = {
        "what": "hostile copies of the real samples ingested one by one (bench/fuzz.py)",
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - clock, 1),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "system": platform.system(),
        },
        "limits": {"memory_mb": MEMORY_LIMIT >> 20, "seconds_per_input": TIME_LIMIT},
        "inputs": sum(f["inputs"] for f in results.values()),
        "outcomes": dict(sorted(totals.items())),
        "tracebacks": totals["traceback"] + totals["crash"],
        "over_memory": totals["memory"],
        "hangs": totals["hang"],
        "failed_runs_that_changed_the_warehouse": totals["changed"],
        "multiline_errors": totals["multiline"],
        "symlinks_followed": totals["symlink"],
        "peak_memory_mb": max(
            (f["peak_memory_mb"] for f in results.values()), default=0
        ),
        "max_seconds_per_input": max(
            (f["max_seconds"] for f in results.values()), default=0
        ),
        "by_connector": results,
        "findings": findings,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    print(
        f"{report['inputs']} inputs, outcomes {report['outcomes']}; wrote {args.output}"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
