"""Ingest benchmark: DiscordChatExporter and Telegram exports of 1,000,000 messages, end to end.

Generates (streaming writes, realistic fields) a DiscordChatExporter JSON channel and a Telegram
Desktop ``result.json`` of 1,000,000 messages each, plus a 5,000,000-message Discord file, then
ingests each one through :func:`tribu.warehouse.ingest.ingest_paths` into a fresh DuckDB file in
a child process, recording messages per second (wall clock and CPU time: the machine may be
shared), and the child's peak RSS. The 5M run shows whether memory stays flat in file size.

A last run feeds pre-built records through a fake connector, to measure the warehouse side
(staging and merge) alone: it must not be the bottleneck.

Run: ``python -m bench ingest`` (or ``python bench/bench_ingest.py [messages]`` for a
smaller trial). Writes ``bench/results/ingest.json``.
"""

# JSON templates read best with %-formatting (no doubled braces).
# ruff: noqa: UP031

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._measure import measure_in_child, write_result

MESSAGES = 1_000_000
BIG = 5_000_000
AUTHORS = 5_000
BAR_MSG_PER_S = 100_000
BAR_PEAK_MB = 1_500
START = datetime(2026, 1, 1, tzinfo=UTC)

TEXTS = [
    "Bonjour à tous ! Le drop de printemps arrive vendredi 🎉",
    "Quelqu'un a testé la taille 42 ? Elles taillent petit ?",
    "Trop hâte du live de vendredi soir",
    "Is the new colourway vegan leather too?",
    "Merci pour la livraison super rapide, je les adore",
    'Ma commande est bloquée depuis 10 jours, "en préparation"… 😡',
    "Where can I find the size guide? \\ thanks",
    "Le service client m'a répondu en 2h, top",
    "Les semelles recyclées c'est vraiment du caoutchouc naturel ?",
    "See you at the AMA tomorrow!",
]
EMOJIS = ["👍", "❤️", "😂", "🔥", "👟"]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def write_discord(path: Path, messages: int) -> int:
    """Write a DiscordChatExporter JSON channel of ``messages`` messages; return its bytes.

    Laid out as DiscordChatExporter writes it: indented by two spaces, one field a line.
    """
    texts = [json.dumps(t, ensure_ascii=False) for t in TEXTS]
    guild, channel = "81384788765712384", "1012224565567721552"
    with path.open("w", encoding="utf-8", buffering=1 << 20) as fh:
        fh.write(
            '{\n  "guild": {\n    "id": "%s",\n    "name": "Semelle",\n'
            '    "iconUrl": "https://cdn.discordapp.com/x.png"\n  },\n'
            '  "channel": {\n    "id": "%s",\n    "type": "GuildTextChat",\n'
            '    "categoryId": "1",\n    "category": "Text Channels",\n'
            '    "name": "général",\n    "topic": null\n  },\n'
            '  "dateRange": {\n    "after": null,\n    "before": null\n  },\n'
            '  "exportedAt": "2026-06-30T00:00:00+00:00",\n  "messages": ['
            % (guild, channel)
        )
        base_id = 1_100_000_000_000_000_000
        for i in range(messages):
            author = i * 7919 % AUTHORS
            moment = START + timedelta(seconds=i * 3)
            reactions = "[]"
            if i % 3 == 0:
                reactions = (
                    '[\n        {\n          "emoji": {\n            "id": "",\n'
                    '            "name": "%s",\n            "code": "x",\n'
                    '            "isAnimated": false,\n'
                    '            "imageUrl": "https://twemoji/x.svg"\n          },\n'
                    '          "count": %d\n        }\n      ]'
                    % (EMOJIS[i % 5], 1 + i % 4)
                )
            reference = ""
            if i % 5 == 0 and i:
                reference = (
                    ',\n      "reference": {\n        "messageId": "%d",\n'
                    '        "channelId": "%s",\n        "guildId": "%s"\n      }'
                    % (base_id + i - 1, channel, guild)
                )
            fh.write(
                '%s\n    {\n      "id": "%d",\n      "type": "Default",\n'
                '      "timestamp": "%s",\n      "timestampEdited": %s,\n'
                '      "callEndedTimestamp": null,\n      "isPinned": false,\n'
                '      "content": %s,\n      "author": {\n        "id": "%d",\n'
                '        "name": "user%d",\n        "discriminator": "0000",\n'
                '        "nickname": "Membre %d",\n        "color": null,\n'
                '        "isBot": %s,\n        "roles": [],\n'
                '        "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png"\n'
                '      },\n      "attachments": [],\n      "embeds": [],\n'
                '      "stickers": [],\n      "reactions": %s,\n      "mentions": [],\n'
                '      "inlineEmojis": []%s\n    }'
                % (
                    "," if i else "",
                    base_id + i,
                    _iso(moment),
                    '"%s"' % _iso(moment + timedelta(minutes=5))
                    if i % 50 == 0
                    else "null",
                    texts[i % len(texts)],
                    900_000_000_000_000_000 + author,
                    author,
                    author,
                    "true" if author == 0 else "false",
                    reactions,
                    reference,
                )
            )
        fh.write('\n  ],\n  "messageCount": %d\n}\n' % messages)
    return path.stat().st_size


def write_telegram(path: Path, messages: int) -> int:
    """Write a Telegram Desktop ``result.json`` of one supergroup; return its bytes."""
    texts = [json.dumps(t, ensure_ascii=False) for t in TEXTS]
    with path.open("w", encoding="utf-8", buffering=1 << 20) as fh:
        fh.write(
            '{\n "name": "Semelle Club",\n "type": "public_supergroup",\n'
            ' "id": 1234567890,\n "messages": [\n'
        )
        for i in range(messages):
            author = i * 7919 % AUTHORS
            moment = START + timedelta(seconds=i * 3)
            text = texts[i % len(texts)]
            reply = (
                ',\n   "reply_to_message_id": %d' % (i - 1) if i % 5 == 0 and i else ""
            )
            fh.write(
                '%s  {\n   "id": %d,\n   "type": "message",\n   "date": "%s",\n'
                '   "date_unixtime": "%d",\n   "from": "Membre %d",\n'
                '   "from_id": "user%d"%s,\n   "text": %s,\n'
                '   "text_entities": [{"type": "plain", "text": %s}]\n  }'
                % (
                    ",\n" if i else "",
                    i + 1,
                    moment.replace(tzinfo=None).isoformat(),
                    int(moment.timestamp()),
                    author,
                    100_000 + author,
                    reply,
                    text,
                    text,
                )
            )
        fh.write("\n ]\n}\n")
    return path.stat().st_size


def _ingest(path: str, db: str) -> dict[str, Any]:
    """Child process: ingest one file into a fresh warehouse; return counts and CPU time."""
    from tribu.warehouse.ingest import ingest_paths

    summary = ingest_paths([path], db=db)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # A big file is staged in two shards, the second by a worker process: its CPU time
    # and its peak memory count too (the peaks are added: both run at the same time).
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    [community] = summary.communities
    return {
        "messages": community.messages,
        "members": community.members,
        "reactions": community.reactions,
        "quarantined": summary.quarantined,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "worker_cpu_seconds": worker.ru_utime + worker.ru_stime,
        "worker_peak_mb": worker.ru_maxrss / 1024,
    }


def _read_only(path: str, platform: str) -> dict[str, Any]:
    """Child process: only the connector reading the file (no warehouse), for attribution."""
    import importlib

    module = importlib.import_module(f"tribu.connectors.{platform}")
    started = resource.getrusage(resource.RUSAGE_SELF)
    records = sum(1 for _ in module.read(Path(path)))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - started.ru_utime - started.ru_stime
    return {"records": records, "cpu_seconds": cpu}


def _ingest_prebuilt(messages: int, db: str) -> dict[str, Any]:
    """Child process: the warehouse side alone, fed pre-built records by a fake connector."""
    import types

    from tribu.connectors import _detect
    from tribu.connectors._records import Channel, Community, Message, Reaction
    from tribu.warehouse.ingest import ingest_paths

    records: list[Any] = [
        Community("g", "discord", "Semelle"),
        Channel("g", "c", "général"),
    ]
    for i in range(messages):
        key = str(1_100_000_000_000_000_000 + i)
        records.append(
            Message(
                "g", "c", key, str(i * 7919 % AUTHORS), START + timedelta(seconds=3 * i),
                TEXTS[i % len(TEXTS)], author_name="Membre",
                reply_to_key=str(1_100_000_000_000_000_000 + i - 1) if i % 5 == 0 else None,
                reaction_count=1 if i % 3 == 0 else 0,
            )
        )  # fmt: skip
        if i % 3 == 0:
            records.append(Reaction("g", key, EMOJIS[i % 5], 1))
    fake = types.ModuleType("bench_fake_connector")
    fake.name = "discord"  # type: ignore[attr-defined]
    fake.detect = lambda path: True  # type: ignore[attr-defined]
    fake.read = lambda path: iter(records)  # type: ignore[attr-defined]
    sys.modules["bench_fake_connector"] = fake
    _detect.CONNECTOR_MODULES = ("bench_fake_connector",)  # type: ignore[misc]
    marker = Path(db).with_suffix(".txt")
    marker.write_text("prebuilt")
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    ingest_paths([marker], db=db)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"ingest_seconds": seconds, "ingest_cpu_seconds": cpu}


def _case(
    name: str, path: Path, size: int, messages: int, work: Path, platform: str | None
) -> dict[str, Any]:
    db = work / f"{name}.duckdb"
    load = os.getloadavg()[0]
    seconds, value, peak_mb = measure_in_child(_ingest, str(path), str(db))
    if value["messages"] != messages:
        raise RuntimeError(
            f"{name}: {value['messages']} messages loaded, not {messages}"
        )
    cpu = value["cpu_seconds"] + value["worker_cpu_seconds"]
    row = {
        "what": name,
        "file_mb": round(size / 1e6, 1),
        "rows": messages,
        "load_average_at_start": round(load, 2),
        "seconds": round(seconds, 2),
        "rows_per_s": round(messages / seconds),
        "cpu_seconds": round(cpu, 2),
        "worker_cpu_seconds": round(value["worker_cpu_seconds"], 2),
        "rows_per_cpu_s": round(messages / cpu),
        "peak_memory_mb": round(peak_mb + value["worker_peak_mb"]),
        "worker_peak_memory_mb": round(value["worker_peak_mb"]),
        "members": value["members"],
        "reactions": value["reactions"],
        "quarantined": value["quarantined"],
    }
    if platform is not None:
        _, read, _ = measure_in_child(_read_only, str(path), platform)
        row["connector_only_cpu_seconds"] = round(read["cpu_seconds"], 2)
        row["connector_share_of_cpu"] = round(read["cpu_seconds"] / cpu, 2)
    print(f"   {json.dumps(row)}", flush=True)
    return row


def run(messages: int = MESSAGES, big: int = BIG) -> dict[str, Any]:
    """Generate the exports, ingest each in a child process, write the results."""
    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="tribu-bench-ingest-"))
    cases = []
    try:
        for name, writer, count, platform in (
            ("discord_dce_json", write_discord, messages, "discord"),
            ("telegram_result_json", write_telegram, messages, "telegram"),
            ("discord_dce_json_big", write_discord, big, None),
        ):
            if count <= 0:
                continue
            path = work / f"{name}.json"
            size = writer(path, count)
            cases.append(_case(name, path, size, count, work, platform))
            path.unlink()
            for leftover in work.glob("*.duckdb*"):
                leftover.unlink()
        seconds, value, peak_mb = measure_in_child(
            _ingest_prebuilt, messages, str(work / "prebuilt.duckdb")
        )
        cases.append(
            {
                "what": "warehouse_side_only_prebuilt_records",
                "rows": messages,
                "seconds": round(value["ingest_seconds"], 2),
                "rows_per_s": round(messages / value["ingest_seconds"]),
                "cpu_seconds": round(value["ingest_cpu_seconds"], 2),
                "rows_per_cpu_s": round(messages / value["ingest_cpu_seconds"]),
                "peak_memory_mb": round(peak_mb),
                "note": "peak includes the pre-built records held in memory by the fake",
            }
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    main = [
        c for c in cases if c["what"] in ("discord_dce_json", "telegram_result_json")
    ]
    result = {
        "what": "tribu ingest end to end (connector + staging + merge) into a fresh DuckDB",
        "rows": sum(c["rows"] for c in main),
        "seconds": round(sum(c["seconds"] for c in main), 2),
        "rows_per_s": round(
            sum(c["rows"] for c in main) / sum(c["seconds"] for c in main)
        ),
        "peak_memory_mb": max(c["peak_memory_mb"] for c in cases[:3])
        if cases
        else None,
        "load_average_at_start": round(load, 2),
        "bar": {"rows_per_s": BAR_MSG_PER_S, "peak_memory_mb": BAR_PEAK_MB},
        "cases": cases,
        "note": (
            "seconds are wall clock on a 2-core machine shared with other jobs (see each "
            "case's load average: above 2, other jobs take cores from the run). Each file is "
            "staged in two shards, one in the ingesting process and one in a worker process "
            "(tribu.warehouse._shards); cpu_seconds count both (all threads), "
            "worker_cpu_seconds the worker alone, and peak_memory_mb adds both processes' "
            "peaks. The connector alone (connector_only_cpu_seconds, one process) is about "
            "half of the CPU; the warehouse side alone is the last case. Peak memory is bounded by "
            "design: Python and libraries, one 50k-record batch per process, and DuckDB's "
            "512 MB merge limit."
        ),
    }
    if messages == MESSAGES and big == BIG:
        write_result("ingest", result)
    return result


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else MESSAGES
    print(
        json.dumps(run(count, int(sys.argv[2]) if len(sys.argv) > 2 else 0), indent=2)
    )
