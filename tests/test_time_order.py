"""The order documents are written in (by time, then id; a post without a
time first), read from SQLite's time index without sorting, and the id
membership test the index commit uses at ten million documents."""
from __future__ import annotations

import numpy as np

from search_factory import post, store
from viewer.collection import Collection
from viewer.index.documents import time_order
from viewer.index.idsets import SLICE, member_mask


def test_every_post_comes_by_time_then_id_with_the_timeless_first(tmp_path):
    coll = Collection.open(tmp_path / "c")
    try:
        posts = [post("later", id=50, at="2016-10-18T00:00"), post("earlier, larger id", id=90, at="2016-10-17T00:00"),
                 post("same time, smaller id", id=10, at="2016-10-18T00:00"), post("no time", id=70),
                 post("no time either", id=60), post("only an original", id=5, collected=False)]
        posts[3].created_at = None
        posts[4].created_at = None
        store(coll, posts)
        assert time_order(coll.db, None).tolist() == [60, 70, 90, 10, 50]
        # Over the count read by one ordered pass of every post.
        many = np.setdiff1d(np.arange(1, 60_001, dtype=np.int64), [70])
        assert time_order(coll.db, many).tolist() == [60, 90, 10, 50]
        assert time_order(coll.db, np.array([10, 50, 70], dtype=np.int64)).tolist() == [70, 10, 50]
        plan = " ".join(r[3] for r in coll.db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM posts WHERE collected = 1 ORDER BY created_ts, id"))
        assert "TEMP B-TREE" not in plan
    finally:
        coll.close()


def test_membership_among_sorted_ids_agrees_with_numpy_over_several_slices():
    rng = np.random.default_rng(15)
    values = rng.integers(0, 4 * SLICE, size=2 * SLICE + 123, dtype=np.int64)
    ids = np.unique(rng.integers(0, 4 * SLICE, size=SLICE // 3, dtype=np.int64))
    assert np.array_equal(member_mask(values, ids), np.isin(values, ids))
    assert not member_mask(values, np.zeros(0, dtype=np.int64)).any()
    assert member_mask(np.zeros(0, dtype=np.int64), ids).shape == (0,)
