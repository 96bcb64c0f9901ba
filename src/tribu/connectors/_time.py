"""Turn the timestamps exports write into timezone-aware UTC datetimes.

Connectors meet two shapes: ISO 8601 strings with an offset (DiscordChatExporter writes
``2023-01-06T14:22:25.25+00:00`` or a local offset such as ``+02:00``) and Unix epoch seconds
(Slack's ``"1452837318.000002"`` strings, Reddit's ``created_utc`` numbers). The standard
library parses both quickly (``datetime.fromisoformat`` accepts any fraction length since
Python 3.11), so no third-party date library is needed. Both functions raise ``ValueError``
on input they cannot read; the connector turns that into a quarantined record.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["epoch_to_utc", "iso_to_utc"]

_fromisoformat = datetime.fromisoformat


def iso_to_utc(text: str) -> datetime:
    """Parse an ISO 8601 timestamp into a UTC datetime.

    A timestamp without an offset is taken as UTC (exports that drop the offset write UTC).

    Parameters
    ----------
    text
        For example ``"2023-01-06T14:22:25.25+00:00"`` or ``"2023-01-06T16:22:25+02:00"``.

    Returns
    -------
    datetime
        Timezone-aware, in UTC.

    Raises
    ------
    ValueError
        When ``text`` is not an ISO 8601 timestamp.

    Examples
    --------
    >>> iso_to_utc("2023-01-06T16:22:25.5+02:00").isoformat()
    '2023-01-06T14:22:25.500000+00:00'
    """
    try:
        value = _fromisoformat(text)
    except TypeError as exc:
        raise ValueError(f"expected an ISO 8601 string, got {text!r}") from exc
    zone = value.tzinfo
    if zone is UTC:  # "+00:00" and "Z" parse to the UTC singleton: the common case
        return value
    if zone is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def epoch_to_utc(value: str | int | float) -> datetime:
    """Turn Unix epoch seconds (a number or a numeric string) into a UTC datetime.

    Parameters
    ----------
    value
        Seconds since 1970-01-01 UTC, such as Slack's ``"1452837318.000002"``.

    Raises
    ------
    ValueError
        When ``value`` is not a finite number of seconds in the datetime range.

    Examples
    --------
    >>> epoch_to_utc("1452837318.000002").isoformat()
    '2016-01-15T05:55:18.000002+00:00'
    """
    if isinstance(value, bool):
        raise ValueError(f"expected epoch seconds, got {value!r}")
    if isinstance(value, str):
        seconds, _, fraction = value.strip().partition(".")
        if not seconds.lstrip("-").isdigit() or (fraction and not fraction.isdigit()):
            raise ValueError(f"expected epoch seconds, got {value!r}")
        # Keep the microseconds exact: float("1452837318.000002") would round them.
        micros = int((fraction + "000000")[:6]) if fraction else 0
        whole = int(seconds)
        try:
            stamp = datetime.fromtimestamp(whole, UTC)
        except (OverflowError, OSError) as exc:
            raise ValueError(f"epoch seconds out of range: {value!r}") from exc
        return stamp.replace(microsecond=micros) if whole >= 0 else stamp
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (OverflowError, OSError, TypeError) as exc:
        raise ValueError(f"epoch seconds out of range: {value!r}") from exc
