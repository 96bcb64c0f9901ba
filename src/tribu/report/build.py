"""Write the self-contained HTML report: ``tribu report --out report.html``.

One file, every script and style inlined (Plotly's JavaScript comes from the ``plotly`` Python
package), so it opens offline, from an e-mail attachment. The page is rendered by Jinja2 with
autoescaping on; member text reaches it only as escaped HTML or as JSON inside a
``<script type="application/json">`` block whose ``<``, ``>`` and ``&`` are written as
``\\u003c``-style escapes, so no message can close the block or open a tag.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import plotly.offline

from tribu.report.chart_parts import names_by_key
from tribu.report.charts import CHARTS, Chart, build_chart
from tribu.report.data import Filters, MeasureData, open_tables
from tribu.report.firstparty import FirstPartyPage, firstparty_page
from tribu.report.firstparty_columns import number
from tribu.report.labels import SCORECARD_CARDS, labels, pick_lang
from tribu.report.summary import summary_sentences
from tribu.warehouse.derived import record_derived_file

__all__ = [
    "duration_words",
    "firstparty_pages",
    "json_for_script",
    "num_filter",
    "render_report",
    "scorecard_items",
    "write_report",
]


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def num_filter(value: Any, decimals: int = 0, lang: str = "en") -> str:
    """Jinja filter ``num``: a number for reading (French spacing in fr), ``–`` when missing."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return number(float(value), decimals, lang)


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tribu.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_for_script"] = json_for_script
    env.filters["num"] = num_filter
    return env


def scorecard_items(
    card: dict[str, Any], w: dict[str, str], names: dict[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """The scorecard's headline numbers (:data:`SCORECARD_CARDS`) as (label, value, note).

    A number the scorecard does not have (an older or newer scorecard) is skipped. A
    Kaplan–Meier median that does not exist (more than half the brand posts never drew a
    positive reply) says so instead of showing a dash. The median's note names the signal
    it rests on, per community (``names``: community id -> name), and the posts left out
    because their export shows no signal; the other notes are empty.
    """
    items = []
    for path in SCORECARD_CARDS:
        section, _, key = path.partition(".")
        holder = card.get(section)
        if isinstance(holder, dict) and key in holder:
            shown = _shown(key, holder[key], w["lang"])
            note = ""
            if key == "km_median_hours":
                if holder[key] is None and holder.get("posts"):
                    shown = w["tts_not_reached"]
                note = tts_card_note(holder, w, names or {})
            items.append((w[f"card:{path}"], shown, note))
    return items


def tts_card_note(tts: dict[str, Any], w: dict[str, str], names: dict[str, str]) -> str:
    """'signal : réponses et réactions horodatées (Semelle Officiel) ; …' for the TTS card."""
    grouped: dict[str, list[str]] = {}
    for row in tts.get("signals") or []:
        community = str(row.get("community_id"))
        grouped.setdefault(str(row.get("signal")), []).append(
            names.get(community, community)
        )
    parts = [
        f"{w[f'signal:{signal}'].split(' (')[0]} ({', '.join(grouped[signal])})"
        for signal in ("replies+reactions", "replies", "reactions")
        if signal in grouped
    ]
    colon = "\u00a0:" if w["lang"] == "fr" else ":"
    note = f"{w['tts_signal_short']}{colon} " + " ; ".join(parts) if parts else ""
    left_out = int(tts.get("unmeasured_posts") or 0)
    if left_out:
        unmeasured = w["tts_unmeasured"].format(n=left_out)
        where = ", ".join(grouped.get("none", []))
        note += (
            (" ; " if note else "") + unmeasured + (f"{colon} {where}" if where else "")
        )
    return note


def _shown(key: str, value: Any, lang: str = "en") -> str:
    """A number for reading: percentages for rates, shares and ratios; French spacing in fr."""
    if value is None:
        return "–"
    if key == "km_median_hours" and isinstance(value, int | float):
        return duration_words(float(value), lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if any(word in key for word in ("rate", "ratio", "share")):
            text = f"{value * 100:,.1f} %"
        else:
            text = f"{value:,.2f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        return str(value)
    if lang == "fr":  # 42 060 and 2,2 %
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def duration_words(hours: float, lang: str = "en") -> str:
    """'38 min' under an hour, '3.7 h' (fr: '3,7 h') under two days, else '2.5 days'."""
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        text = f"{hours:.1f}\u00a0h"
    else:
        text = f"{hours / 24:.1f}\u00a0" + ("jours" if lang == "fr" else "days")
    return text.replace(".", ",") if lang == "fr" else text


def firstparty_pages(data: MeasureData, words: dict[str, str]) -> list[FirstPartyPage]:
    """The business and creators sections, for the warehouses that have their tables filled.

    They cover the whole first-party data: the community filters do not apply to them.
    """
    pages = [firstparty_page(data, kind, words) for kind in ("business", "creators")]
    return [page for page in pages if page.available]


def _conversations(data: MeasureData, lang: str, filters: Filters) -> Any:
    """The Conversations section (tribu listen's topics), or None if it cannot be read."""
    from tribu.report.conversations import connection_of, conversations

    try:
        con = connection_of(data)
    except Exception:  # noqa: BLE001 - a warehouse on another engine: no section
        return None
    try:
        return conversations(con, lang, filters)
    finally:
        con.close()


def _polls(data: MeasureData, lang: str, filters: Filters) -> Any:
    """The "Sondages" section, or None when the warehouse has no poll tables."""
    from tribu.report.polls_section import polls_section

    if "polls" not in data.tables or "survey_responses" not in data.tables:
        return None
    section = polls_section(data.tables, lang, community=filters.community)
    return None if section.empty else section


def render_report(
    data: MeasureData, *, lang: str | None = None, filters: Filters | None = None
) -> str:
    """The report's HTML for the measures in ``data``, narrowed to ``filters``."""
    filters = filters or Filters()
    lang = pick_lang(lang, data.french_share(filters.community))
    words = labels(lang)
    charts: list[Chart] = [build_chart(name, data, filters, words) for name in CHARTS]
    first, last = data.period()
    try:
        card = data.scorecard(filters)
    except (
        Exception
    ) as exc:  # the scorecard is optional: say so rather than fail the report
        card = {"scorecard": f"unavailable ({type(exc).__name__})"}
    return (
        _environment()
        .get_template("report.html")
        .render(
            lang=lang,
            w=words,
            filters=filters.as_dict(),
            generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            period=(first, last),
            summary=summary_sentences(data, filters, words),
            scorecard=scorecard_items(
                card, words, names_by_key(data.communities(), "community_id")
            ),
            charts=charts,
            firstparty=firstparty_pages(data, words),
            conversations=_conversations(data, lang, filters),
            polls=_polls(data, lang, filters),
            plotly_js=plotly.offline.get_plotlyjs(),
        )
    )


def write_report(
    db: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    lang: str | None = None,
    filters: Filters | None = None,
) -> Path:
    """Write the report of warehouse ``db`` to ``out_path``; return the path written.

    Parameters
    ----------
    db
        The warehouse file.
    out_path
        The HTML file to write (its folder is created if needed).
    lang
        ``"fr"`` or ``"en"``; None picks French when most messages are French.
    filters
        Community, channel, campaign and period to narrow the report to.

    The report's path is recorded beside the warehouse (``<db>.written.json``): a report can
    name people, and ``tribu forget`` lists the reports still on disk.
    """
    data = MeasureData(open_tables(db))
    try:
        page = render_report(data, lang=lang, filters=filters)
    finally:
        next(iter(data.tables.values())).get_backend().disconnect()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    # A report can name people: recorded, so that `tribu forget` lists it.
    record_derived_file(db, out, "report")
    return out
