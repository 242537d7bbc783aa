"""Reading a batch's texts for near-copy clustering: by one scan down the
posts table when the batch's posts lie together, by lookups when another
harvest of the same weeks lies between them (its ids interleave with the
first one's), so that a second harvest never reads every post of the first."""
from __future__ import annotations

from typing import Any

from search_factory import post, store
from viewer.collection import Collection
from viewer.patterns.text_clusters import SCAN_GAP, _texts


class _Counting:
    """The connection, counting the rows a query hands out."""

    def __init__(self, conn: Any):
        self.conn = conn
        self.rows = 0
        self.plans: list[str] = []

    def execute(self, sql: str, args: list[Any]) -> Any:
        self.plans.append(" ".join(r[3] for r in self.conn.execute(f"EXPLAIN QUERY PLAN {sql}", args)))
        for row in self.conn.execute(sql, args):
            self.rows += 1
            yield row


def _collection(tmp_path, ids: list[int]) -> Collection:
    coll = Collection.open(tmp_path / "c")
    store(coll, [post(f"first harvest post number {i}", id=i) for i in ids])
    return coll


def test_a_batch_lying_together_is_read_by_one_scan(tmp_path):
    coll = _collection(tmp_path, list(range(1, 3001)))
    try:
        batch = list(range(1001, 2001))
        conn = _Counting(coll.db.conn)
        pids, texts = _texts(conn, batch)
        assert pids == batch
        assert texts[0] == "first harvest post number 1001"
        assert conn.rows <= len(batch) + SCAN_GAP
    finally:
        coll.close()


def test_a_batch_between_another_harvests_posts_reads_little_more_than_itself(tmp_path):
    # Four posts of the first harvest between two of the second, as when
    # a collection holds several harvests of the same weeks.
    coll = _collection(tmp_path, [i for i in range(1, 20_001) if i % 5])
    try:
        second = list(range(5_005, 10_005, 5))
        store(coll, [post(f"second harvest post {i}", id=i) for i in second])
        conn = _Counting(coll.db.conn)
        pids, texts = _texts(conn, second)
        assert pids == second
        assert texts == [f"second harvest post {i}" for i in second]
        # Every row of the first harvest between them would be 4,000 more.
        assert conn.rows <= len(second) + 3 * SCAN_GAP
        # Each lookup goes by id: through the time index, a query of
        # hundreds of ids would walk every post of the collection.
        assert len(conn.plans) > 1
        assert not any("idx_posts_collected_created_ts" in plan for plan in conn.plans), conn.plans
    finally:
        coll.close()
