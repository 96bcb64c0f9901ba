"""Timestamps from exports become timezone-aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tribu.connectors._time import epoch_to_utc, iso_to_utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # DiscordChatExporter writes 1 to 7 fraction digits and the exporter's offset.
        ("2023-01-06T14:22:25.25+00:00", datetime(2023, 1, 6, 14, 22, 25, 250000, UTC)),
        ("2023-01-06T16:22:25+02:00", datetime(2023, 1, 6, 14, 22, 25, tzinfo=UTC)),
        ("2023-01-06T09:22:25-05:00", datetime(2023, 1, 6, 14, 22, 25, tzinfo=UTC)),
        ("2023-01-06T14:22:25Z", datetime(2023, 1, 6, 14, 22, 25, tzinfo=UTC)),
        ("2023-01-06T14:22:25", datetime(2023, 1, 6, 14, 22, 25, tzinfo=UTC)),
    ],
)
def test_iso_to_utc(text: str, expected: datetime) -> None:
    value = iso_to_utc(text)
    assert value == expected
    assert value.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("bad", ["not a date", "", None, 12])
def test_iso_to_utc_refuses(bad: object) -> None:
    with pytest.raises(ValueError):
        iso_to_utc(bad)  # type: ignore[arg-type]


def test_epoch_to_utc_keeps_slack_microseconds() -> None:
    # 1452837318 s = 2016-01-15 05:55:18 UTC; ".000002" must stay 2 µs, not float noise.
    assert epoch_to_utc("1452837318.000002") == datetime(2016, 1, 15, 5, 55, 18, 2, UTC)
    assert epoch_to_utc(1709280000) == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert epoch_to_utc(1410935671.0) == datetime(2014, 9, 17, 6, 34, 31, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["abc", "12.x", True, float("inf"), "1e999"])
def test_epoch_to_utc_refuses(bad: object) -> None:
    with pytest.raises(ValueError):
        epoch_to_utc(bad)  # type: ignore[arg-type]
