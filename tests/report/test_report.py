"""The HTML report: self-contained, escaped, in the community's language, with a summary."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.report.fixture_warehouse import HOSTILE_IMG, HOSTILE_SCRIPT
from tribu.report import write_report
from tribu.report.build import json_for_script, scorecard_items
from tribu.report.data import Filters, MeasureData
from tribu.report.labels import LABELS, labels, pick_lang
from tribu.report.summary import (
    compared_weeks,
    percent_phrase,
    share_words,
    summary_sentences,
)


@pytest.fixture(scope="module")
def report_html(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = write_report(fixture_db, tmp_path_factory.mktemp("out") / "r.html")
    return out.read_text(encoding="utf-8")


def test_report_is_self_contained(report_html: str) -> None:
    # no script, style or image is fetched from anywhere: everything is inline
    assert not re.search(r"<script[^>]+src=", report_html)
    assert not re.search(r"<link[^>]+href=", report_html)
    assert "Plotly" in report_html and len(report_html) > 1_000_000  # plotly.js inlined


def test_report_defaults_to_french_for_a_french_warehouse(report_html: str) -> None:
    # 18 of 21 messages are French
    assert '<html lang="fr">' in report_html
    assert LABELS["fr"]["summary"] in report_html


def test_report_escapes_member_text(report_html: str) -> None:
    assert HOSTILE_SCRIPT not in report_html
    assert HOSTILE_IMG not in report_html
    assert "javascript:alert" not in report_html.replace("[x](javascript:alert(1))", "")


def test_report_embeds_the_activity_numbers(report_html: str) -> None:
    # every channel's daily counts: 3+4+2+3+4+2 (c-lune) + 2+1 (c-moon) = 21
    block = re.search(
        r'<script type="application/json" id="figure-activity">(.*?)</script>',
        report_html,
        re.S,
    )
    assert block is not None
    figure = json.loads(block.group(1))
    assert sum(sum(trace["y"]) for trace in figure["data"]) == 21


def test_report_in_english_for_one_community(fixture_db: Path, tmp_path: Path) -> None:
    out = write_report(
        fixture_db, tmp_path / "en.html", lang="en", filters=Filters(community="c-moon")
    )
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "What changed" in page


def test_json_for_script_cannot_close_the_block() -> None:
    text = json_for_script({"x": "</script><script>alert(1)</script>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": "</script><script>alert(1)</script>&"}


def test_languages_have_the_same_words() -> None:
    assert LABELS["fr"].keys() == LABELS["en"].keys()


def test_pick_lang() -> None:
    assert pick_lang(None, 0.6) == "fr"
    assert pick_lang(None, 0.4) == "en"
    assert pick_lang(None, None) == "en"
    assert pick_lang("en", 0.9) == "en"


def test_compared_weeks() -> None:
    # Friday 03-22: its week is not over -> compare week of 03-11 with week of 03-04
    assert compared_weeks(dt.date(2024, 3, 22)) == (
        dt.date(2024, 3, 11),
        dt.date(2024, 3, 4),
    )
    # Sunday 03-24 ends the week of 03-18 -> compare it with the week of 03-11
    assert compared_weeks(dt.date(2024, 3, 24)) == (
        dt.date(2024, 3, 18),
        dt.date(2024, 3, 11),
    )


def test_percent_phrase_and_share_words() -> None:
    en = labels("en")
    assert percent_phrase("ER", 1.12, 1.0, en) == "ER up 12 % week on week."
    assert percent_phrase("ER", 0.5, 1.0, en) == "ER down 50 % week on week."
    assert percent_phrase("ER", 1.0, 0.0, en) is None
    assert share_words(-0.34, en) == "a third"
    assert share_words(0.5, labels("fr")) == "la moitié"


def test_summary_says_messages_fell_by_a_third(measure_data: MeasureData) -> None:
    # last day 03-22 -> week of 03-11 (g2 2 + l2 3 + k2 1 = 6 messages)
    # against week of 03-04 (g1 3 + l1 4 + k1 2 = 9): 6/9 - 1 = -33 %
    sentences = summary_sentences(measure_data, Filters(), labels("en"))
    assert "Messages down 33 % week on week." in sentences


def test_summary_names_the_friday_live_that_lost_attendance(
    measure_data: MeasureData,
) -> None:
    # lives ritual (Fri 18:00 UTC = 19:00 Paris): attendance 3 (alice, carol, dave), 2 (alice,
    # bob), 1 (dave): slope -1, mean 2 -> fitted 3 -> 1, a loss of 2/3; the général ritual
    # (2, 1, 3: fitted 1.5 -> 2.5) starts under 2 people and is not named
    sentences = summary_sentences(measure_data, Filters(), labels("en"))
    assert (
        "The Fri at 19:00 ritual in lives (Maison Lune) lost two thirds of its attendance."
        in sentences
    )
    assert not any("général" in sentence for sentence in sentences)


def test_report_scorecard_cards(report_html: str) -> None:
    # the scorecard counts the fixture's 21 messages; cards are labelled in French
    assert re.search(
        r'<div class="label">messages</div><div class="value">21</div>', report_html
    )


def test_a_median_never_reached_says_so() -> None:
    # 4 brand posts, 1 reached: survival never falls to one half, so no KM median exists
    unreached = {"time_to_sentiment": {"posts": 4, "km_median_hours": None}}
    assert scorecard_items(unreached, labels("en")) == [
        ("median time to positive", "not reached (over half never positive)", "")
    ]
    # no brand post at all: nothing to say, a dash
    empty = {"time_to_sentiment": {"posts": 0, "km_median_hours": None}}
    assert scorecard_items(empty, labels("fr")) == [
        ("délai médian jusqu'au positif", "–", "")
    ]


def test_the_tts_card_names_its_signal() -> None:
    # a median of 0.63 h reads 38 min; the note names each community's signal and the posts
    # left out for want of one
    card = {
        "time_to_sentiment": {
            "posts": 10,
            "km_median_hours": 0.63,
            "unmeasured_posts": 3,
            "signals": [
                {"community_id": "d", "signal": "replies", "posts": 6},
                {"community_id": "t", "signal": "replies+reactions", "posts": 4},
                {"community_id": "w", "signal": "none", "posts": 3},
            ],
        }
    }
    names = {"d": "Le Club", "t": "Officiel", "w": "Runners"}
    [(label, value, note)] = scorecard_items(card, labels("en"), names)
    assert (label, value) == ("median time to positive", "38 min")
    assert note == (
        "signal: replies and timed reactions (Officiel) ; replies only (Le Club) ; "
        "3 post(s) left out (no signal): Runners"
    )


def test_duration_words() -> None:
    from tribu.report.build import duration_words

    assert duration_words(0.5) == "30 min"
    assert duration_words(3.75, "fr") == "3,8\u00a0h"  # 3.75 rounds half to even: 3.8
    assert duration_words(72.0) == "3.0\u00a0days"
