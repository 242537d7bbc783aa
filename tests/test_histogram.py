"""Posts per hour, day or week: whole buckets of a time zone, every post in
exactly one, empty buckets kept."""
from __future__ import annotations

from datetime import datetime, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

from viewer.search.histogram import build, choose_unit, floor

UTC = timezone.utc


def ts(iso: str, tz=UTC) -> int:
    return int(datetime.fromisoformat(iso).replace(tzinfo=tz).timestamp())


def test_the_unit_follows_the_span():
    assert choose_unit(2 * 86400) == "hour"
    assert choose_unit(60 * 86400) == "day"
    assert choose_unit(300 * 86400) == "week"


def test_every_timestamp_lands_in_exactly_one_bucket():
    times = sorted([ts("2016-10-17T05:12:00"), ts("2016-10-17T23:59:59"), ts("2016-10-18T00:00:00"),
                    ts("2016-10-20T09:00:00")])
    h = build(times, "day")
    assert h.buckets == [(ts("2016-10-17T00:00:00"), 2), (ts("2016-10-18T00:00:00"), 1),
                         (ts("2016-10-19T00:00:00"), 0), (ts("2016-10-20T00:00:00"), 1)]
    assert (h.start, h.end) == (ts("2016-10-17T00:00:00"), ts("2016-10-21T00:00:00"))


def test_weeks_start_on_monday():
    # 2016-10-19 was a Wednesday; its week began on Monday the 17th.
    assert floor(ts("2016-10-19T12:00:00"), "week") == ts("2016-10-17T00:00:00")
    assert floor(ts("2016-10-17T00:00:00"), "week") == ts("2016-10-17T00:00:00")


def test_days_of_a_named_zone_start_at_its_midnight():
    baghdad = ZoneInfo("Asia/Baghdad")  # UTC+3
    times = [ts("2016-10-17T22:00:00")]  # already the 18th in Baghdad
    h = build(times, "day", tz=baghdad)
    assert h.buckets == [(ts("2016-10-18T00:00:00", baghdad), 1)]


def test_a_daylight_saving_day_is_25_hours_long():
    london = ZoneInfo("Europe/London")  # clocks went back on 30 October 2016
    start, end = ts("2016-10-29T12:00:00"), ts("2016-10-31T12:00:00")
    h = build([start], "day", start, end, tz=london)
    lengths = [b[0] - a[0] for a, b in pairwise(h.buckets)] + [h.end - h.buckets[-1][0]]
    assert lengths == [86400, 90000, 86400]


def test_a_chosen_span_keeps_its_empty_buckets():
    start = ts("2017-01-01T00:00:00")
    h = build([], "hour", start, start + 3 * 3600)
    assert h.buckets == [(start, 0), (start + 3600, 0), (start + 7200, 0)]


def test_no_timestamps_and_no_span_give_no_buckets():
    h = build([])
    assert h.buckets == [] and h.start is None


def test_a_unit_far_too_fine_for_the_span_is_made_coarser():
    h = build([ts("2000-01-01T00:00:00"), ts("2017-01-01T00:00:00")], "hour")
    assert h.unit != "hour"
    assert h.total == 2
