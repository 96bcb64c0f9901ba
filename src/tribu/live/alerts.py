"""Alert rules over the warehouse, fired once per episode, kept and sent to webhooks.

Rules (docs/alerts.md has each one's defaults; every default can be changed in ``[alerts.<rule>]``
of ``tribu.toml``):

- ``negative_spike`` — a channel's daily count of negative messages (enrichment sentiment
  below ``threshold``, 0.3) is a spike against its trailing ``window`` days
  (:func:`tribu.live.detect.spike_days`: ``z`` 3.0, ``min_count`` 5, ``window`` 28);
- ``member_at_risk`` — a member's messages over the last ``recent`` days (14) are ``ratio``
  (0.5) or less of their own average over the ``baseline`` days before (56), with at least
  ``min_baseline`` (4) messages per period in the baseline (:func:`tribu.live.detect.drop_days`);
- ``unanswered_question`` — a member's message ending in ``?`` (not the brand's, not a bot's)
  with no reply after ``hours`` (24);
- ``brand_post_no_positive`` — a brand post of the last 7 days with no positive reaction (a
  reply of sentiment ≥ 0.6, or a positive emoji with its time) after the community's usual
  time to sentiment × ``factor`` (1.5): the median over its brand posts that got one, or
  ``default_hours`` (6) when fewer than ``min_posts`` (5) did;
- ``creator_disclosure`` — a paid creator post of the lookback window flagged by
  :func:`tribu.creators.disclosure.disclosure_check` (no « Publicité » / « Collaboration
  commerciale », or an altered image without « Image retouchée » / « Image virtuelle »);
- ``handoff_waiting`` — a triage hand-off still ``pending`` after ``minutes`` (60).

An alert's key is ``rule:subject:first day of its episode``: a rule evaluated again (every run of
``tribu alerts check``) does not send an episode twice. Alerts are kept in the live queue file
(table ``alerts``), shown by ``GET /api/v1/live/alerts``, and sent to a Slack incoming webhook
(``{"text": ...}``) and to a generic webhook signed as :mod:`tribu.live.signing` says, each with
bounded retries (3 tries, 0.5 s then 1 s apart by default); a receiver that keeps failing is
logged and the alert stays ``sent = 0``: nothing waits on it.

httpx (already a dependency of the web app) sends the webhooks.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import httpx

from tribu.config import TribuConfig, load_config
from tribu.errors import ConfigError
from tribu.live.detect import drop_days, episodes, spike_days
from tribu.live.signing import sign_tribu
from tribu.metrics._common import POSITIVE_EMOJI

__all__ = [
    "DEFAULTS",
    "Alert",
    "AlertSettings",
    "AlertStore",
    "alert_settings",
    "deliver",
    "evaluate",
]

log = logging.getLogger(__name__)

DEFAULTS: dict[str, dict[str, float]] = {
    "negative_spike": {
        "threshold": 0.3,
        "window": 28,
        "z": 3.0,
        "min_count": 5,
        "rearm": 3,
    },
    "member_at_risk": {
        "recent": 14,
        "baseline": 56,
        "ratio": 0.5,
        "min_baseline": 4,
        "rearm": 14,
    },
    "unanswered_question": {"hours": 24},
    "brand_post_no_positive": {"factor": 1.5, "default_hours": 6, "min_posts": 5},
    "creator_disclosure": {},
    "handoff_waiting": {"minutes": 60},
}


@dataclass(frozen=True)
class AlertSettings:
    rules: Mapping[str, Mapping[str, float]]
    enabled: frozenset[str]
    slack_webhook: str | None = None
    webhook: str | None = None
    webhook_secret: str | None = None
    dashboard_url: str = "http://127.0.0.1:8000"
    tries: int = 3
    backoff: float = 0.5


def alert_settings(
    config: TribuConfig | None = None, env: Mapping[str, str] | None = None
) -> AlertSettings:
    """``[alerts]`` of tribu.toml over the defaults; webhook URLs may come from the
    environment (``TRIBU_ALERTS_SLACK_WEBHOOK``, ``TRIBU_ALERTS_WEBHOOK``) and the generic
    webhook's key only from it (``TRIBU_ALERTS_SECRET``)."""
    loaded = config if config is not None else load_config(None)
    where = f"{loaded.path}: " if loaded.path else ""
    table = loaded.raw.get("alerts", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}[alerts] must be a table.")
    known = {"slack_webhook", "webhook", "dashboard_url", "tries", *DEFAULTS}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(
            f"{where}[alerts] has unknown keys: {', '.join(sorted(unknown))}."
        )
    rules: dict[str, dict[str, float]] = {}
    enabled = set()
    for rule, defaults in DEFAULTS.items():
        given = table.get(rule, {})
        if not isinstance(given, dict):
            raise ConfigError(f"{where}alerts.{rule} must be a table.")
        bad = set(given) - {*defaults, "enabled"}
        if bad:
            raise ConfigError(
                f"{where}alerts.{rule} has unknown keys: {', '.join(sorted(bad))}."
            )
        values = dict(defaults)
        for key, value in given.items():
            if key == "enabled":
                if not isinstance(value, bool):
                    raise ConfigError(
                        f"{where}alerts.{rule}.enabled must be true or false."
                    )
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or value < 0
            ):
                raise ConfigError(f"{where}alerts.{rule}.{key} must be a number ≥ 0.")
            values[key] = float(value)
        rules[rule] = values
        if given.get("enabled", True):
            enabled.add(rule)
    source = os.environ if env is None else env
    tries = table.get("tries", 3)
    if isinstance(tries, bool) or not isinstance(tries, int) or not 1 <= tries <= 10:
        raise ConfigError(f"{where}alerts.tries must be an integer in [1, 10].")
    return AlertSettings(
        rules,
        frozenset(enabled),
        slack_webhook=table.get("slack_webhook")
        or source.get("TRIBU_ALERTS_SLACK_WEBHOOK"),
        webhook=table.get("webhook") or source.get("TRIBU_ALERTS_WEBHOOK"),
        webhook_secret=source.get("TRIBU_ALERTS_SECRET"),
        dashboard_url=str(table.get("dashboard_url", "http://127.0.0.1:8000")).rstrip(
            "/"
        ),
        tries=tries,
    )


@dataclass
class Alert:
    """One episode of one rule on one subject, with its evidence."""

    key: str
    rule: str
    subject: str  # a channel id, a member id, a message id
    community_id: str | None
    day: str  # the episode's first day (ISO date)
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    link: str = ""


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _series(
    rows: list[tuple[str, str | None, date, int]], start: date, end: date
) -> dict[tuple[str, str | None], list[float]]:
    index = {d: i for i, d in enumerate(_days(start, end))}
    out: dict[tuple[str, str | None], list[float]] = {}
    for subject, cid, day, n in rows:
        series = out.setdefault((subject, cid), [0.0] * len(index))
        if day in index:
            series[index[day]] = float(n)
    return out


def evaluate(
    con: duckdb.DuckDBPyConnection,
    settings: AlertSettings,
    *,
    today: date | None = None,
    lookback: int = 30,
    journal: Path | None = None,
    now: datetime | None = None,
) -> list[Alert]:
    """Every alert episode that opened in the ``lookback`` days up to ``today`` (default:
    the day of the latest message). ``journal`` is the triage journal (hand-offs waiting are
    measured against ``now``, the wall clock by default)."""
    con.execute("SET TimeZone = 'UTC'")
    last = con.execute("SELECT max(ts)::DATE FROM messages").fetchone()
    end = today or (last[0] if last and last[0] else datetime.now(UTC).date())
    alerts: list[Alert] = []
    if "negative_spike" in settings.enabled:
        alerts += _negative_spike(con, settings, end, lookback)
    if "member_at_risk" in settings.enabled:
        alerts += _member_at_risk(con, settings, end, lookback)
    if "unanswered_question" in settings.enabled:
        alerts += _unanswered(con, settings, end)
    if "brand_post_no_positive" in settings.enabled:
        alerts += _no_positive(con, settings, end)
    if "creator_disclosure" in settings.enabled:
        alerts += _disclosure(con, end, lookback)
    if (
        "handoff_waiting" in settings.enabled
        and journal is not None
        and journal.exists()
    ):
        alerts += _handoffs(journal, settings, now or datetime.now(UTC))
    for a in alerts:
        a.link = _link(settings, a)
    return alerts


def _link(settings: AlertSettings, a: Alert) -> str:
    base = settings.dashboard_url
    if a.rule == "handoff_waiting":
        return f"{base}/triage/{quote(a.subject, safe='')}"
    if a.rule == "member_at_risk":
        return f"{base}/members/{quote(a.subject, safe='')}"
    community = f"?community={quote(a.community_id, safe='')}" if a.community_id else ""
    return f"{base}/{community}"


def _negative_spike(
    con: duckdb.DuckDBPyConnection, s: AlertSettings, end: date, lookback: int
) -> list[Alert]:
    p = s.rules["negative_spike"]
    start = end - timedelta(days=int(p["window"]) + lookback)
    rows = con.execute(
        """
        SELECT m.channel_id, m.community_id, m.ts::DATE, count(*)
        FROM messages m JOIN enrichment e USING (message_id)
        WHERE e.sentiment < ? AND m.ts::DATE BETWEEN ? AND ?
        GROUP BY ALL
        """,
        [p["threshold"], start, end],
    ).fetchall()
    days = _days(start, end)
    out = []
    for (channel, cid), counts in _series(rows, start, end).items():
        flags = spike_days(
            counts, window=int(p["window"]), z=p["z"], min_count=p["min_count"]
        )
        for i in episodes(flags, rearm=int(p["rearm"])):
            if days[i] > end - timedelta(days=lookback):
                out.append(
                    Alert(
                        f"negative_spike:{channel}:{days[i]}",
                        "negative_spike",
                        channel,
                        cid,
                        days[i].isoformat(),
                        f"{int(counts[i])} negative messages in {channel} on {days[i]}",
                        {
                            "negative_messages": int(counts[i]),
                            "threshold": p["threshold"],
                        },
                    )
                )
    return out


def _member_at_risk(
    con: duckdb.DuckDBPyConnection, s: AlertSettings, end: date, lookback: int
) -> list[Alert]:
    p = s.rules["member_at_risk"]
    start = end - timedelta(days=int(p["recent"] + p["baseline"]) + lookback)
    rows = con.execute(
        """
        SELECT m.author_id, m.community_id, m.ts::DATE, count(*)
        FROM messages m JOIN members u ON u.member_id = m.author_id
        WHERE NOT u.is_brand AND NOT u.is_bot AND m.ts::DATE BETWEEN ? AND ?
        GROUP BY ALL
        """,
        [start, end],
    ).fetchall()
    days = _days(start, end)
    out = []
    for (member, cid), counts in _series(rows, start, end).items():
        flags = drop_days(
            counts,
            recent=int(p["recent"]),
            baseline=int(p["baseline"]),
            ratio=p["ratio"],
            min_baseline=p["min_baseline"],
        )
        for i in episodes(flags, rearm=int(p["rearm"])):
            if days[i] > end - timedelta(days=lookback):
                out.append(
                    Alert(
                        f"member_at_risk:{member}:{days[i]}",
                        "member_at_risk",
                        member,
                        cid,
                        days[i].isoformat(),
                        f"{member}'s activity fell by half or more (as of {days[i]})",
                        {
                            "recent_days": int(p["recent"]),
                            "baseline_days": int(p["baseline"]),
                        },
                    )
                )
    return out


def _unanswered(
    con: duckdb.DuckDBPyConnection, s: AlertSettings, end: date
) -> list[Alert]:
    hours = s.rules["unanswered_question"]["hours"]
    # "now" is the latest message up to the end of ``end`` (a past day replays as it was)
    now = con.execute(
        "SELECT max(ts) FROM messages WHERE ts < ?::DATE + INTERVAL 1 DAY", [end]
    ).fetchone()
    if not now or now[0] is None:
        return []
    rows = con.execute(
        """
        SELECT q.message_id, q.community_id, q.ts FROM messages q
        JOIN members u ON u.member_id = q.author_id
        WHERE NOT u.is_brand AND NOT u.is_bot AND rtrim(q.text) LIKE '%?'
          AND q.ts <= ?::TIMESTAMPTZ - to_seconds(? * 3600)
          AND q.ts > ?::TIMESTAMPTZ - INTERVAL 30 DAY
          AND NOT EXISTS (
              SELECT 1 FROM messages r WHERE r.reply_to_id = q.message_id
                 AND r.author_id <> q.author_id AND r.ts <= ?::TIMESTAMPTZ)
        """,
        [now[0], hours, now[0], now[0]],
    ).fetchall()
    return [
        Alert(
            f"unanswered_question:{mid}:{ts.date()}",
            "unanswered_question",
            mid,
            cid,
            ts.date().isoformat(),
            f"a question has had no answer for {hours:g} h or more",
            {"asked_at": ts.isoformat(), "hours": hours},
        )
        for mid, cid, ts in rows
    ]


def _no_positive(
    con: duckdb.DuckDBPyConnection, s: AlertSettings, end: date
) -> list[Alert]:
    p = s.rules["brand_post_no_positive"]
    now = con.execute(
        "SELECT max(ts) FROM messages WHERE ts < ?::DATE + INTERVAL 1 DAY", [end]
    ).fetchone()
    if not now or now[0] is None:
        return []
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _alert_brand AS
        WITH posts AS (
            SELECT m.message_id, m.community_id, m.ts FROM messages m
            JOIN members u ON u.member_id = m.author_id
            WHERE u.is_brand AND m.reply_to_id IS NULL AND m.ts <= ?),
        replies AS (
            SELECT r.reply_to_id AS message_id, min(r.ts) AS ts FROM messages r
            JOIN enrichment e USING (message_id)
            WHERE e.sentiment >= 0.6 AND r.ts <= ? GROUP BY 1),
        emoji AS (
            SELECT message_id, min(ts) AS ts FROM reactions
            WHERE ts IS NOT NULL AND ts <= ? AND list_contains(?, emoji) GROUP BY 1)
        SELECT p.message_id, p.community_id, p.ts,
               least(r.ts, x.ts) AS first_positive
        FROM posts p LEFT JOIN replies r USING (message_id) LEFT JOIN emoji x USING (message_id)
        """,
        [now[0], now[0], now[0], list(POSITIVE_EMOJI)],
    )
    # the community's usual time to sentiment: median over its brand posts that got there
    usual = {
        cid: (float(seconds), int(n))
        for cid, seconds, n in con.execute(
            """
            SELECT community_id, median(epoch(first_positive) - epoch(ts)), count(*)
            FROM _alert_brand WHERE first_positive IS NOT NULL GROUP BY 1
            """
        ).fetchall()
    }
    out = []
    for mid, cid, ts in con.execute(
        """
        SELECT message_id, community_id, ts FROM _alert_brand
        WHERE first_positive IS NULL AND ts > ?::TIMESTAMPTZ - INTERVAL 7 DAY
        """,
        [now[0]],
    ).fetchall():
        seconds, n = usual.get(cid, (0.0, 0))
        wait = (
            seconds * p["factor"] if n >= p["min_posts"] else p["default_hours"] * 3600
        )
        if (now[0] - ts).total_seconds() >= wait:
            out.append(
                Alert(
                    f"brand_post_no_positive:{mid}",
                    "brand_post_no_positive",
                    mid,
                    cid,
                    ts.date().isoformat(),
                    f"a brand post has had no positive reaction for "
                    f"{(now[0] - ts).total_seconds() / 3600:.1f} h "
                    f"(usual: {wait / 3600:.1f} h)",
                    {"posted_at": ts.isoformat(), "wait_hours": round(wait / 3600, 2)},
                )
            )
    con.execute("DROP TABLE IF EXISTS _alert_brand")
    return out


def _disclosure(
    con: duckdb.DuckDBPyConnection, end: date, lookback: int
) -> list[Alert]:
    import ibis

    from tribu.creators.disclosure import disclosure_check

    backend = ibis.duckdb.from_connection(con)
    checked = disclosure_check(backend.table("creator_posts"))
    start = datetime.combine(end - timedelta(days=lookback), datetime.min.time(), UTC)
    rows = (
        checked.filter(checked.flagged & (checked.ts >= start))
        .select(
            "post_id", "creator_id", "ts", "missing_ad_label", "missing_image_label"
        )
        .to_pyarrow()
        .to_pylist()
    )
    return [
        Alert(
            f"creator_disclosure:{r['post_id']}",
            "creator_disclosure",
            str(r["post_id"]),
            None,
            r["ts"].date().isoformat(),
            f"creator post {r['post_id']} lacks "
            + (
                "« Publicité » / « Collaboration commerciale »"
                if r["missing_ad_label"]
                else "« Image retouchée » / « Image virtuelle »"
            ),
            {
                "creator_id": r["creator_id"],
                "missing_ad_label": bool(r["missing_ad_label"]),
                "missing_image_label": bool(r["missing_image_label"]),
            },
        )
        for r in rows
    ]


def _handoffs(journal: Path, s: AlertSettings, now: datetime) -> list[Alert]:
    from tribu.triage.store import TriageStore

    minutes = s.rules["handoff_waiting"]["minutes"]
    store = TriageStore(journal)
    try:
        waiting = store.handoffs("pending", limit=10_000)
    finally:
        store.close()
    out = []
    for h in waiting:
        created = datetime.fromisoformat(str(h["created_at"]))
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        waited = (now - created).total_seconds() / 60
        if waited >= minutes:
            out.append(
                Alert(
                    f"handoff_waiting:{h['handoff_id']}",
                    "handoff_waiting",
                    str(h["handoff_id"]),
                    None,
                    created.date().isoformat(),
                    f"a conversation handed to a human has waited {waited:.0f} min "
                    f"({h['reason']})",
                    {"waited_minutes": round(waited), "reason": h["reason"]},
                )
            )
    return out


class AlertStore:
    """The ``alerts`` table of the live queue file: which episodes were already raised."""

    def __init__(self, path: str | Path) -> None:
        self._con = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS alerts (key TEXT PRIMARY KEY, rule TEXT, "
            "created_at REAL, body TEXT, sent INTEGER NOT NULL DEFAULT 0)"
        )

    def close(self) -> None:
        self._con.close()

    def add_new(self, alerts: list[Alert]) -> list[Alert]:
        """Keep the alerts not raised before; return them (the ones to send)."""
        fresh = []
        for a in alerts:
            cursor = self._con.execute(
                "INSERT OR IGNORE INTO alerts(key, rule, created_at, body) VALUES (?, ?, ?, ?)",
                (a.key, a.rule, time.time(), json.dumps(asdict(a), default=str)),
            )
            if cursor.rowcount == 1:
                fresh.append(a)
        return fresh

    def mark_sent(self, key: str) -> None:
        self._con.execute("UPDATE alerts SET sent = 1 WHERE key = ?", (key,))

    def latest(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = self._con.execute(
            "SELECT body, sent, created_at FROM alerts ORDER BY created_at DESC, key LIMIT ?",
            (limit,),
        ).fetchall()
        return [{**json.loads(b), "sent": bool(s), "created_at": c} for b, s, c in rows]


def _post(
    client: httpx.Client,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    tries: int,
    backoff: float,
    sleep: Callable[[float], None],
) -> bool:
    for attempt in range(tries):
        try:
            r = client.post(url, content=body, headers=headers)
            if r.status_code < 300:
                return True
            log.warning("alert webhook %s answered %s", url, r.status_code)
        except httpx.HTTPError as exc:
            log.warning("alert webhook %s failed: %s", url, exc)
        if attempt + 1 < tries:
            sleep(backoff * 2**attempt)
    return False


def deliver(
    alerts: list[Alert],
    settings: AlertSettings,
    store: AlertStore | None = None,
    *,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Send each alert to the configured webhooks; return how many every webhook took."""
    if not alerts or not (settings.slack_webhook or settings.webhook):
        return 0
    own = client is None
    http = client or httpx.Client(timeout=5)
    sent = 0
    try:
        for a in alerts:
            ok = True
            if settings.slack_webhook:
                text = (
                    f"*tribu alert: {a.rule}* — {a.summary}\n<{a.link}|Open in tribu>"
                )
                ok &= _post(
                    http,
                    settings.slack_webhook,
                    json.dumps({"text": text}).encode(),
                    {"Content-Type": "application/json"},
                    tries=settings.tries,
                    backoff=settings.backoff,
                    sleep=sleep,
                )
            if settings.webhook:
                body = json.dumps({"type": "alert", **asdict(a)}, default=str).encode()
                headers = {"Content-Type": "application/json"}
                if settings.webhook_secret:
                    stamp = str(int(time.time()))
                    headers["X-Tribu-Timestamp"] = stamp
                    headers["X-Tribu-Signature"] = sign_tribu(
                        settings.webhook_secret, stamp, body
                    )
                ok &= _post(
                    http,
                    settings.webhook,
                    body,
                    headers,
                    tries=settings.tries,
                    backoff=settings.backoff,
                    sleep=sleep,
                )
            if ok:
                sent += 1
                if store is not None:
                    store.mark_sent(a.key)
    finally:
        if own:
            http.close()
    return sent
