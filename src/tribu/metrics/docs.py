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
FAMILY_PACKAGES: tuple[str, ...] = ("tribu.metrics", "tribu.business", "tribu.creators")

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

The community scorecard (`tribu kpis`, the report, the dashboard) is
`tribu.metrics.scorecard.scorecard(tables, community=..., channel=..., campaign=...,
since=..., until=..., tz=...)`.
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
