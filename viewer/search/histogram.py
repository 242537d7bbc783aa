"""Posts per hour, day or week: the buckets of a result set's timeline.

Counted from the sorted timestamps of the whole result set (not a page of
it) with one binary search per bucket edge, so a million hits cost the same
as a thousand. Buckets are whole hours, days or ISO weeks (Monday first) of a
time zone, UTC unless one is given; a named zone keeps its days at local
midnight across daylight-saving changes.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Sequence

UNIT_SECONDS = {"hour": 3600, "day": 86400, "week": 7 * 86400}
UNITS = ("hour", "day", "week")
# More buckets than this is a mistake (hours over ten years): the unit is
# made coarser instead.
MAX_BUCKETS = 20_000


@dataclass
class Histogram:
    """``buckets`` are (start, count), start in epoch seconds; together they
    cover [start, end) without gaps, empty buckets included."""

    unit: str
    buckets: list[tuple[int, int]]
    start: int | None
    end: int | None
    zone: str = "UTC"  # whose midnights days (and weeks) start at

    @property
    def total(self) -> int:
        return sum(c for _, c in self.buckets)

    def as_json(self) -> dict:
        return {
            "unit": self.unit,
            "zone": self.zone,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "buckets": [{"start": _iso(s), "count": c} for s, c in self.buckets],
        }


def choose_unit(span: int) -> str:
    """Hours up to four days, days up to about six months, weeks beyond: a
    few dozen to a few hundred bars (the window's rule too)."""
    if span <= 4 * 86400:
        return "hour"
    if span <= 200 * 86400:
        return "day"
    return "week"


def floor(ts: int, unit: str, tz: tzinfo | None = None) -> int:
    """The start of the bucket holding `ts`."""
    if _is_utc(tz):
        step = UNIT_SECONDS[unit]
        if unit == "week":  # 1970-01-05, four days after the epoch, was a Monday
            return (ts - 4 * 86400) // step * step + 4 * 86400
        return ts // step * step
    assert tz is not None  # None is UTC
    local = datetime.fromtimestamp(ts, tz)
    if unit == "hour":
        local = local.replace(minute=0, second=0, microsecond=0)
        return int(local.timestamp())
    day = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if unit == "week":
        day -= timedelta(days=day.weekday())
    return _local_ts(day, tz)


def edges(start: int, end: int, unit: str, tz: tzinfo | None = None) -> list[int]:
    """Bucket boundaries from the bucket holding `start` to the first one at
    or after `end`."""
    first = floor(start, unit, tz)
    out = [first]
    if _is_utc(tz) or unit == "hour":
        # Hours are the same length everywhere (zones shift by whole or half
        # hours; a half-hour zone's hours start at :30 UTC, as floor says).
        step = UNIT_SECONDS[unit]
        n = max(1, -(-(end - first) // step))
        return [first + i * step for i in range(n + 1)]
    assert tz is not None  # None is UTC
    day = datetime.fromtimestamp(first, tz).replace(tzinfo=None)
    step_days = 7 if unit == "week" else 1
    while out[-1] < end or len(out) < 2:
        day += timedelta(days=step_days)
        out.append(_local_ts(day, tz))
    return out


def build(sorted_ts: Sequence[int], unit: str | None = None, start: int | None = None,
          end: int | None = None, tz: tzinfo | None = None) -> Histogram:
    """The histogram of timestamps already sorted ascending. Without start and
    end it spans the timestamps; without a unit it picks one for the span."""
    if start is None or end is None:
        if not sorted_ts:
            return Histogram(unit or "day", [], None, None)
        lo = sorted_ts[0] if start is None else start
        hi = sorted_ts[-1] + 1 if end is None else end
    else:
        lo, hi = start, end
    hi = max(hi, lo + 1)
    unit = unit or choose_unit(hi - lo)
    if unit not in UNIT_SECONDS:
        raise ValueError(f"unknown histogram unit {unit!r}; use hour, day or week")
    while (hi - lo) // UNIT_SECONDS[unit] > MAX_BUCKETS and unit != "week":
        unit = UNITS[UNITS.index(unit) + 1]
    bounds = edges(lo, hi, unit, tz)
    positions = [bisect_left(sorted_ts, b) for b in bounds]
    buckets = [(bounds[i], positions[i + 1] - positions[i]) for i in range(len(bounds) - 1)]
    return Histogram(unit, buckets, bounds[0], bounds[-1], zone_name(tz))


def zone(tz: "str | tzinfo | None") -> tzinfo:
    """A tzinfo for a zone name ("Asia/Baghdad", "UTC") or a tzinfo."""
    if tz is None or tz == "UTC":
        return timezone.utc
    if isinstance(tz, str):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{tz!r} is not a time zone this computer knows") from None
    return tz


def zone_name(tz: tzinfo | None) -> str:
    if _is_utc(tz):
        return "UTC"
    return str(getattr(tz, "key", None) or tz)


def _is_utc(tz: tzinfo | None) -> bool:
    if tz is None or tz is timezone.utc:
        return True
    # A zone that is UTC all year (winter and summer) is bucketed as UTC.
    return all(tz.utcoffset(datetime(2017, month, 1)) == timedelta(0) for month in (1, 7))


def _local_ts(naive_local: datetime, tz: tzinfo) -> int:
    """Epoch seconds of a wall-clock time in `tz` (the earlier one when the
    clock repeats, the moment the clock jumps to when it skips)."""
    return int(naive_local.replace(tzinfo=tz).timestamp())


def _iso(ts: int | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
