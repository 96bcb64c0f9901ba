"""The story the demo tells: rituals, campaigns, roles, languages, tone."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import py3langid

from tribu.demo import DemoFiles

PARIS = ZoneInfo("Europe/Paris")


def _channel(demo: DemoFiles, name: str) -> list[dict]:
    for path in demo.discord:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document["channel"]["name"] == name:
            return document["messages"]
    raise AssertionError(name)


def _paris(message: dict) -> datetime:
    return datetime.fromisoformat(message["timestamp"]).astimezone(PARIS)


def _fridays() -> list[date]:
    # 2026-05-01 is a Friday; the period ends on Saturday 2026-10-31: 27 Fridays.
    return [date(2026, 5, 1) + timedelta(weeks=i) for i in range(27)]


def _lives(demo: DemoFiles) -> list[dict]:
    return [
        m
        for m in _channel(demo, "lives")
        if m["author"]["nickname"] == "Semelle" and "Live du vendredi" in m["content"]
    ]


def test_the_friday_live_is_posted_every_week_at_18_paris(demo: DemoFiles) -> None:
    lives = _lives(demo)
    assert [_paris(m).date() for m in lives] == _fridays()
    # 18:00 Paris is 16:00 UTC in summer time and 17:00 UTC after the 25 October change.
    assert {(_paris(m).hour, _paris(m).minute) for m in lives} == {(18, 0)}
    assert {datetime.fromisoformat(lives[-1]["timestamp"]).astimezone(UTC).hour} == {17}


def test_live_attendance_declines_over_the_last_weeks(demo: DemoFiles) -> None:
    messages = _channel(demo, "lives")
    attendance = []
    for live in _lives(demo):
        start = _paris(live)
        people = {
            m["author"]["id"]
            for m in messages
            if m["author"]["nickname"] not in ("Semelle", "Solène de Semelle")
            and timedelta(0) < _paris(m) - start <= timedelta(minutes=90)
        }
        attendance.append(len(people))
    steady, last = attendance[:20], attendance[-3:]
    assert (
        min(steady) >= 20
    )  # 24 to 30 attendees drawn, a few chatting members add to it
    assert max(last) < min(steady) / 1.5


def test_the_ama_opens_on_the_first_tuesday_at_19_paris(demo: DemoFiles) -> None:
    thread = _channel(demo, "AMA avec l'équipe Semelle")
    openings = [m for m in thread if m["content"].startswith("📣 AMA")]
    first_tuesdays = [date(2026, 5, 5), date(2026, 6, 2), date(2026, 7, 7),
                      date(2026, 8, 4), date(2026, 9, 1), date(2026, 10, 6)]  # fmt: skip
    assert [_paris(m).date() for m in openings] == first_tuesdays
    assert {_paris(m).hour for m in openings} == {19}
    answers = [m for m in thread if m["author"]["nickname"] == "Solène de Semelle"]
    assert all(m["type"] == "Reply" for m in answers)
    created = [m for m in _channel(demo, "général") if m["type"] == "ThreadCreated"]
    assert len(created) == 1


def test_ugc_follows_each_activation_inside_the_campaign_window(
    demo: DemoFiles,
) -> None:
    ugc = _channel(demo, "photos-ugc")
    windows = {
        "#SemelleEte": (date(2026, 6, 5), date(2026, 6, 25)),
        "#SemelleRun": (date(2026, 9, 1), date(2026, 9, 20)),
        "#SecondeVie": (date(2026, 10, 5), date(2026, 10, 25)),
    }
    for hashtag, (starts, ends) in windows.items():
        posts = [m for m in ugc if hashtag in m["content"]]
        assert len(posts) >= 80, hashtag  # 100 drawn, a few fall on nobody present
        assert all(starts <= _paris(m).date() <= ends for m in posts)
        assert all(m["attachments"] for m in posts)


def test_help_questions_are_answered_quickly_late_or_never(demo: DemoFiles) -> None:
    messages = _channel(demo, "entraide")
    by_id = {m["id"]: m for m in messages}
    questions = [
        m for m in messages if m["type"] == "Default" and m["content"].endswith("?")
    ]
    first_answer: dict[str, timedelta] = {}
    for message in messages:
        target = message.get("reference", {}).get("messageId")
        if target in by_id and by_id[target] in questions:
            delay = _paris(message) - _paris(by_id[target])
            first_answer[target] = min(delay, first_answer.get(target, delay))
    quick = sum(d <= timedelta(minutes=30) for d in first_answer.values())
    late = sum(d >= timedelta(hours=24) for d in first_answer.values())
    never = len(questions) - len(first_answer)
    assert quick > late > 0 and never > 0


def test_power_users_write_much_more_than_the_median_member(demo: DemoFiles) -> None:
    manifest = json.loads(demo.manifest.read_text(encoding="utf-8"))
    power = set(manifest["cast"]["discord"]["power"])
    per_author = Counter(
        m["author"]["nickname"]
        for path in demo.discord
        for m in json.loads(path.read_text(encoding="utf-8"))["messages"]
        if m["type"] in ("Default", "Reply")
    )
    ranked = [name for name, _ in per_author.most_common(15)]
    assert power <= set(ranked)


def test_french_is_the_majority_and_english_has_its_corner(demo: DemoFiles) -> None:
    texts = [
        m["content"]
        for path in demo.discord
        for m in json.loads(path.read_text(encoding="utf-8"))["messages"]
        if m["type"] in ("Default", "Reply") and len(m["content"]) > 25
    ]
    sample = random.Random(1).sample(texts, 1500)
    languages = Counter(py3langid.classify(t)[0] for t in sample)
    assert languages["fr"] / len(sample) > 0.6
    assert languages["en"] / len(sample) > 0.08
    corner = [
        m["content"] for m in _channel(demo, "english-corner") if len(m["content"]) > 25
    ]
    english = sum(py3langid.classify(t)[0] == "en" for t in corner[:500])
    assert english / min(len(corner), 500) > 0.8


def test_tone_varies_with_negations_and_elongations(demo: DemoFiles) -> None:
    text = "\n".join(
        m["content"]
        for path in demo.discord
        for m in json.loads(path.read_text(encoding="utf-8"))["messages"]
    ).lower()
    for phrase in (
        "pas terrible",
        "je n'aime pas du tout",
        "trooop",
        "pas mal du tout",
        "🔥",
    ):
        assert phrase in text, phrase


def test_the_sole_peeling_complaint_emerges_in_october(demo: DemoFiles) -> None:
    general = _channel(demo, "général")
    peeling = Counter(
        _paris(m).date() >= date(2026, 10, 10)
        for m in general
        if "loop" in m["content"].lower() and "décoll" in m["content"].lower()
    )
    # 22 days from 10 October against 162 before: the late share must stand out.
    assert peeling[True] > peeling[False]
