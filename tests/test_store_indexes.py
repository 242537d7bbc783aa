"""The posts table's indexes: every post of an import pays one B-tree insert
per index, so a new collection indexes only what a query reads, and the
links most posts lack (retweet, quote, reply) only for the posts that have
them, while the lookups along those links still never read every post."""
from __future__ import annotations

from search_factory import post, store
from viewer.collection import Collection

REPLIES_OF = "SELECT id FROM posts WHERE reply_to = ? ORDER BY created_ts"
RETWEETS_OF = "SELECT id FROM posts WHERE retweet_of IN (?, ?) AND +collected = 1"


def _plan(coll: Collection, sql: str, args: list[int]) -> str:
    return " ".join(r[3] for r in coll.db.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall())


def _collection(tmp_path) -> Collection:
    coll = Collection.open(tmp_path / "c")
    root = post("the bridge is down", id=100)
    replies = [post(f"reply {i}", id=200 + i, reply_to=100, kind="reply") for i in range(3)]
    retweets = [post("RT @reporter: the bridge is down", id=300 + i, retweet_of=100, kind="retweet")
                for i in range(2)]
    plain = [post(f"unrelated post {i}", id=400 + i) for i in range(20)]
    store(coll, [root, *replies, *retweets, *plain])
    return coll


def test_the_replies_and_retweets_of_a_post_are_found_through_an_index(tmp_path):
    coll = _collection(tmp_path)
    try:
        assert "USING INDEX idx_posts_reply_to" in _plan(coll, REPLIES_OF, [100])
        assert "USING INDEX idx_posts_retweet_of" in _plan(coll, RETWEETS_OF, [100, 1])
        assert [r[0] for r in coll.db.execute(REPLIES_OF, [100])] == [200, 201, 202]
        assert sorted(r[0] for r in coll.db.execute(RETWEETS_OF, [100, 1])) == [300, 301]
    finally:
        coll.close()


def test_a_link_index_holds_only_the_posts_that_have_that_link(tmp_path):
    coll = _collection(tmp_path)
    try:
        # 26 posts: 3 replies, 2 retweets, no quote.
        def held(index: str) -> int:
            return coll.db.execute(f"SELECT count(*) FROM posts INDEXED BY {index} "
                                   f"WHERE {index.removeprefix('idx_posts_')} IS NOT NULL").fetchone()[0]

        assert held("idx_posts_reply_to") == 3
        assert held("idx_posts_retweet_of") == 2
        assert held("idx_posts_quote_of") == 0
        index_sql = {name: sql for name, sql in coll.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts'")}
        assert "WHERE reply_to IS NOT NULL" in index_sql["idx_posts_reply_to"]
    finally:
        coll.close()


def test_a_new_collection_has_no_index_that_no_query_reads(tmp_path):
    coll = _collection(tmp_path)
    try:
        names = {r[0] for r in coll.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "idx_posts_conversation_id" not in names
        assert "idx_posts_created_ts" not in names
        assert "idx_hashtags_norm" not in names
        # What the timeline and `stats` read stays.
        assert {"idx_posts_collected_created_ts", "idx_posts_author_handle", "idx_hashtags_norm_tag"} <= names
    finally:
        coll.close()
