"""Write ``docs/metrics.md`` from the registered measures' docstrings.

Run ``python -m tribu.metrics.docs`` (or ``make docs``) after adding or changing a measure. The
measures of every family are loaded first: ``tribu.metrics`` and, when they are installed,
``tribu.business`` and ``tribu.creators``, which register theirs in the same registry. The
docstrings are the single source: definition, grain, unit, parameters, caveats and a worked
example; the settings table is read from the function signatures, so defaults cannot drift.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

from tribu.metrics._registry import MEASURES, Measure

__all__ = ["FAMILY_PACKAGES", "load_measures", "main", "render"]

# Packages whose import registers measures, in the order their families are documented.
FAMILY_PACKAGES: tuple[str, ...] = (
    "tribu.metrics",
    "tribu.business",
    "tribu.creators",
    "tribu.listening.measures",
    "tribu.polls",
)

INTRO = """\
# Measures

Every number tribu shows is one of the measures below: a pure function from the canonical
tables (see [schema.md](schema.md)) to a table, written with Ibis so that the same code runs on
the embedded DuckDB warehouse and on Spark (`--engine spark`). This page is generated from the
measures' docstrings by `python -m tribu.metrics.docs`; a test fails when a measure has no
entry here.

## Conventions

- **Times** are UTC in the warehouse. Days and weeks of the series are UTC days and weeks
  starting on Monday. Rituals are read in the display time zone (`--tz`, default
  `Europe/Paris`).
- **Brand post**: a top-level message (not a reply, not inside someone else's thread) whose
  author has `members.is_brand`.
- **People**: members who are neither brand accounts nor bots. Activity, roles and UGC count
  people; bots never count anywhere; the brand account counts in community size.
- **Reply**: a message whose `reply_to_id` is the parent, or which sits in the parent's thread
  (`thread_id`).
- **Window end**: each community's observation ends at its last message; posts close to it are
  *censored* in time to sentiment, and "now" for newcomers and members at risk is that moment.
- **Signal of time to sentiment**: what a community's export can show of a positive reaction:
  replies (reply links or threads) and reactions *with a time*. DiscordChatExporter and Slack
  exports give reactions no time, so there TTS rests on replies only; Telegram's newer
  exports carry both; WhatsApp text exports carry neither, so a WhatsApp group has no TTS (its
  brand posts are left out and counted apart, not called "never positive"). The report and
  the dashboard name the signal under the median.
- **Campaign-related message**: inside the campaign's window and community, it is an
  activation message, a reply to one, or contains one of the campaign's keywords (hashtags and
  links included; case-insensitive substring). Semantic closeness to activation posts
  (embeddings) is **not available yet**: it will be a setting `similarity_threshold` on
  `ugc_ratio` once `tribu enrich --embeddings` is common; until then only keywords and replies
  count.
- **Betweenness** (relays) is the one step computed outside the engine: the reply/mention edge
  list is executed and betweenness computed in Python: exact up to 1,000 members in a
  community (NetworkX up to 300, a vectorised Brandes on SciPy sparse matrices above, equal to
  NetworkX's values), else estimated from 64 sampled sources (pivots) with a fixed seed.
- **Engines**: DuckDB and Spark give the same numbers (checked by
  `tests/metrics/test_spark_parity.py`, floating point to a relative tolerance of 1e-9).

Run any of them from Python:

```python
from tribu.metrics import compute
from tribu.warehouse.engines import ibis_tables

tables = ibis_tables("tribu.duckdb")            # or engine="spark"
compute("engagement_rate_per_community", tables, window_days=7).to_pandas()
```

## Commands

```
tribu kpis    [--db PATH] [--engine duckdb|spark] [--community ID] [--channel ID]
              [--campaign ID] [--since DATE] [--until DATE] [--tz ZONE]
              [--json] [--csv PATH] [--relays/--no-relays]
tribu roles   [--db PATH] [--engine ...] [--community ID] [--since DATE] [--until DATE]
              [--role moderator|power_user|newcomer|at_risk|relay] [--limit N]
              [--json] [--csv PATH]
tribu rituals [--db PATH] [--engine ...] [--community ID] [--channel ID]
              [--since DATE] [--until DATE] [--tz ZONE] [--json] [--csv PATH]
```

- `tribu kpis` prints the community scorecard as Rich tables: community totals, engagement and
  sentiment, activity, campaigns, roles (with the top power users and relays) and rituals.
  `--json` prints the scorecard as one JSON document instead; `--csv PATH` also writes it as a
  long CSV with columns `section,item,key,value` (`item` is the row number inside lists such
  as `campaigns` or `rituals`). When more than half the brand posts never draw a positive
  reply, the Kaplan–Meier median time to sentiment does not exist: the table and the report say
  "not reached" (the JSON holds `null`, next to `share_never_reached`). Text cells starting
  with `= + - @` get a leading apostrophe so
  a spreadsheet never runs member text as a formula (every CSV tribu writes does this).
- `tribu roles` lists members holding at least one role (or only `--role`), with their
  betweenness; `tribu rituals` lists the rituals found. Their `--csv PATH` writes the rows as
  printed, one column per field.
- `--since` / `--until` take ISO dates (`2026-03-01`) or date-times (`2026-03-01T09:00`), in
  UTC; a bare `--until` date includes that whole day. The period cuts messages and reactions;
  members and their join/leave history are kept whole, so community sizes stay right.
- `--engine spark` runs the same measures on Spark (session time zone UTC): on `local[2]` by
  default, or on the master given by `--spark-master`, `$TRIBU_SPARK_MASTER` or `[spark]` in
  `tribu.toml` (see [scale.md](scale.md)). Over a lake (`--db LAKE_DIR`, written by
  `tribu ingest --lake`) Spark reads its Parquet directly; over a DuckDB file the tables are
  exported to Parquet next to it (`<db>.parquet/<table>/`), refreshed whenever the warehouse
  file changed. Needs the `spark` extra (`pip install 'tribu[spark]'`) and Java 17. Starting
  Spark takes ~20 seconds.
- `--tz` is the display time zone for rituals (IANA name, default `Europe/Paris`).

## The scorecard

`tribu.metrics.scorecard.scorecard(tables, *, community=None, channel=None, campaign=None,
since=None, until=None, tz="Europe/Paris", with_relays=True, top=5) -> dict` returns plain
Python values (times as ISO 8601 strings), used by `tribu kpis`, the report and the dashboard:

- `filters`: the filters applied (`since`/`until` as UTC ISO strings).
- `totals`: `messages`, `members` (people), `active_members` (accounts: a person in two
  communities counts twice), `active_people` (community-wide: each person once, through the
  identity link of `tribu people`, see docs/people.md), `brand_posts`, `new_members`
  (joined in the period).
- `engagement`: `median_engagement_rate` over all brand posts, `by_community`, `weekly`.
- `time_to_sentiment`: `posts` (brand posts measured), `km_median_hours`,
  `share_never_reached`, `by_community`, `signals` (per community: `community_id`, `signal`,
  `posts`; see `time_to_sentiment_signals`) and `unmeasured_posts` (brand posts of
  communities whose export shows no signal, left out of the median and the share). The
  signal is read from the whole warehouse, so a quiet period is censored, never unmeasured.
- `activity`: `daily_active_members_mean`, `weekly_active_members_mean`, the
  `weekly_active_members` series, `questions`, `unanswered_questions`,
  `median_hours_to_first_response`, `conversations`.
- `sentiment`: `messages_with_sentiment`, `mean_sentiment`.
- `campaigns`: one dict per campaign with the UGC ratio and cost per engagement columns.
- `roles`: counts of `moderators`, `power_users`, `newcomers`, `members_at_risk`, `relays`;
  lists `top_power_users`, `top_relays`, `members_at_risk_list`.
- `rituals`: the rows of `rituals` plus `weekday_name`.
"""


def load_measures() -> dict[str, Measure]:
    """Import every family package that exists, so that all measures are registered."""
    for package in FAMILY_PACKAGES:
        try:
            importlib.import_module(package)
        except ModuleNotFoundError as exc:
            if exc.name != package:
                raise
    return MEASURES


def _markdown(doc: str) -> str:
    """Numpy-style docstring -> Markdown.

    Section underlines become bold headings ("Examples" reads "Worked example"); entries of a
    "Parameters" section become bullets (``- `name`: description``).
    """
    lines = doc.splitlines()
    out: list[str] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and following.strip() and set(following.strip()) == {"-"}:
            section = line.strip()
            title = "Worked example" if section == "Examples" else section
            out.extend([f"**{title}**", ""])
            i += 2
            continue
        if section == "Parameters" and line.strip():
            if line.startswith((" ", "\t")):
                out[-1] = f"{out[-1]} {line.strip()}"
            else:
                names = ", ".join(
                    f"`{n.strip()}`" for n in line.split(":")[0].split(",")
                )
                out.append(f"- {names}:")
            i += 1
            continue
        if section == "Parameters" and not line.strip():
            section = ""
        out.append(line)
        i += 1
    return "\n".join(out).strip()


def _setting(value: object) -> str:
    return f"`{value!r}`"


def render(measures: dict[str, Measure] | None = None) -> str:
    """The whole ``docs/metrics.md`` text."""
    measures = load_measures() if measures is None else measures
    families: dict[str, list[Measure]] = {}
    for m in measures.values():
        families.setdefault(m.family, []).append(m)
    parts = [INTRO]
    parts.append("## Index\n")
    for family in families:
        names = ", ".join(f"[`{m.name}`](#{m.name})" for m in families[family])
        parts.append(f"- **{family}**: {names}")
    parts.append("")
    for family, items in families.items():
        parts.append(f"## Family: {family}\n")
        for m in items:
            doc = inspect.getdoc(m.function) or ""
            parts.append(f"### `{m.name}`\n")
            parts.append(f"*Reads*: {', '.join(f'`{t}`' for t in m.tables)}.  ")
            parts.append(f"*Defined in*: `{m.function.__module__}`.\n")
            if m.settings:
                parts.append("| setting | default |")
                parts.append("|---|---|")
                for name, default in m.settings.items():
                    parts.append(f"| `{name}` | {_setting(default)} |")
                parts.append("")
            parts.append(_markdown(doc))
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the page (default ``docs/metrics.md``, or the path given)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("docs/metrics.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"Wrote {target} ({len(MEASURES)} measures).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
