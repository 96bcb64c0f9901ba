"""Profile ``tribu analyse`` on a generated DiscordChatExporter file; write a text summary.

``python -m bench.profile_analyse MESSAGES [LABEL]`` writes a file of MESSAGES messages with
:mod:`bench._dce` (reused when present in ``build/prof``), runs :func:`tribu.analyse.analyse`
on a fresh warehouse under :mod:`cProfile` (this process only: enrichment workers are forked
children, their time shows as waiting), and writes the wall seconds per stage and the 40
costliest functions by cumulative and by own time to ``bench/profiles/analyse-<LABEL>.txt``.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import resource
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._dce import write_dce

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / "build" / "prof"


def main(messages: int, label: str) -> Path:
    """Profile one run; return the summary's path."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    file = SCRATCH / f"discord-{messages}.json"
    if not file.exists():
        write_dce(file, messages)
    out = SCRATCH / f"report-{label}.html"
    for stale in SCRATCH.glob(f"report-{label}.*"):
        stale.unlink()
    from tribu.analyse import analyse

    load = os.getloadavg()[0]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    summary = analyse([file], out)
    profiler.disable()
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    text = io.StringIO()
    text.write(
        f"tribu analyse on {messages:,} generated DCE messages ({file.stat().st_size >> 20} MB)\n"
        f"wall {wall:.2f} s; stages {summary.to_dict()['seconds']}; "
        f"peak RSS parent {peak} MB, largest child {children} MB; "
        f"load average at start {load:.2f}\n\n"
    )
    for key in ("cumulative", "tottime"):
        text.write(f"--- top 40 by {key} ---\n")
        pstats.Stats(profiler, stream=text).sort_stats(key).print_stats(40)
    target = ROOT / "bench" / "profiles" / f"analyse-{label}.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    body = text.getvalue().replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "")
    target.write_text(body)
    return target


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    print(main(size, sys.argv[2] if len(sys.argv) > 2 else f"{size // 1000}k"))
