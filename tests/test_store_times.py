"""A post's time is stored in one form, whatever the archive wrote: UTC to
the second, ending in Z (the form searches and exports compare as text)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from search_factory import post, store
from viewer.collection import Collection


def _stored(tmp_path, created_at: datetime) -> tuple[str, int]:
    coll = Collection.open(tmp_path / "c")
    try:
        p = post("a post")
        p.created_at = created_at
        (pid,) = store(coll, [p])
        return coll.db.execute("SELECT created_at, created_ts FROM posts WHERE id = ?", [pid]).fetchone()
    finally:
        coll.close()


def test_a_utc_time_with_milliseconds_is_stored_to_the_second(tmp_path):
    at = datetime(2016, 10, 17, 5, 12, 0, 999_000, tzinfo=timezone.utc)
    assert _stored(tmp_path, at) == ("2016-10-17T05:12:00Z", 1476681120)


def test_a_time_in_another_zone_is_stored_as_utc(tmp_path):
    at = datetime(2016, 10, 17, 8, 12, 0, tzinfo=timezone(timedelta(hours=3)))  # Baghdad
    assert _stored(tmp_path, at) == ("2016-10-17T05:12:00Z", 1476681120)
