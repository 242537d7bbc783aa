"""The real archives in ../shared/corpora, imported end to end into a collection."""
from __future__ import annotations

import pytest
from conftest import CORPORA, needs_corpora

from viewer.collection import Collection
from viewer.importer import import_paths

pytestmark = [needs_corpora, pytest.mark.slow]

# file: (collected "tweets", "referenced only") from the corpus README.
TWARC = {
    "brexit.jsonl": (100, 55), "cashtags.jsonl": (1, 0), "cotweet.jsonl": (1, 0), "counts.jsonl": (0, 0),
    "edited.jsonl": (1, 1), "edited_before.jsonl": (1, 1), "edited_after.jsonl": (1, 1), "empty.json": (0, 0),
    "entities_test.jsonl": (474, 176), "flat.jsonl": (100, 64), "noflat.jsonl": (100, 64),
    "geo_tweets.jsonl": (2, 1), "lists.jsonl": (0, 0), "many_urls.jsonl": (1, 1),
    "media_policy_violation_off.jsonl": (100, 61), "media_tweet.jsonl": (1, 0), "mentions_tweet.jsonl": (1, 1),
    "quoted_edit.jsonl": (1, 2), "streaming_output_with_error.jsonl": (7, 4), "two_tweets.jsonl": (1, 1),
    "users.jsonl": (0, 52), "verified_type.jsonl": (1, 0),
}
NOT_TWEETS = {"counts.jsonl", "lists.jsonl", "users.jsonl", "empty.json"}


def one(coll, sql, args=()):
    return coll.db.execute(sql, args).fetchone()[0]


@pytest.fixture
def fresh(tmp_path):
    made = []

    def make(name="c"):
        c = Collection.open(tmp_path / name)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.mark.parametrize("name", sorted(TWARC))
def test_twarc2_file_gives_its_tweets_and_referenced_originals(fresh, name):
    coll = fresh()
    report = import_paths(coll, [CORPORA / "twarc-csv" / name])
    tweets, referenced = TWARC[name]
    assert one(coll, "SELECT count(*) FROM posts WHERE collected = 1") == tweets
    assert one(coll, "SELECT count(*) FROM posts WHERE collected = 0") == referenced
    if name in NOT_TWEETS or name == "streaming_output_with_error.jsonl":
        assert report.failures, "a response holding no tweets (or an error line) must be reported"
        assert not report.nothing_done


def test_the_x_account_archive_imports_whole(fresh):
    coll = fresh()
    report = import_paths(coll, [CORPORA / "x-account-archive-2026"])
    assert report.added == 2045 + 47
    assert one(coll, "SELECT count(*) FROM posts WHERE collected = 1 AND deleted = 0") == 2045
    assert one(coll, "SELECT count(*) FROM posts WHERE deleted = 1") == 47
    assert one(coll, "SELECT count(DISTINCT author_handle) FROM posts WHERE collected = 1") == 1
    assert one(coll, "SELECT author_handle FROM posts LIMIT 1") == "milahu104"
    assert one(coll, "SELECT count(*) FROM posts WHERE text LIKE '%&gt;%' OR text LIKE '%&amp;%'") == 0
    # Every media file the archive carried is in media/, content-addressed.
    stored = coll.db.execute("SELECT DISTINCT file FROM media WHERE file IS NOT NULL").fetchall()
    carried = {p.read_bytes() for d in ("tweets_media", "deleted_tweets_media")
               for p in (CORPORA / "x-account-archive-2026" / "data" / d).iterdir()}
    assert len(stored) == len(carried)
    assert {(coll.media_dir / f).read_bytes() for (f,) in stored} == carried
    assert one(coll, "SELECT count(*) FROM users WHERE handle = 'milahu104'") == 1


def test_grailbird_folder_and_its_csv_merge_into_the_same_posts(fresh):
    coll = fresh()
    folder = import_paths(coll, [CORPORA / "grailbird-congressedits" / "data"])
    assert folder.added == 2313
    csv = import_paths(coll, [CORPORA / "grailbird-congressedits" / "tweets.csv"])
    assert (csv.added, csv.merged) == (0, 2313)
    assert one(coll, "SELECT count(*) FROM posts WHERE collected = 1") == 2313
    assert one(coll, "SELECT count(*) FROM posts WHERE collected = 1 AND kind = 'retweet'") == 23
    # Each collected post remembers both of its sources.
    assert one(coll, "SELECT count(*) FROM (SELECT r.post_id FROM raw r JOIN posts p ON p.id = r.post_id "
                     "AND p.collected = 1 GROUP BY r.post_id HAVING count(*) = 2)") == 2313


@pytest.mark.parametrize("path, collected", [
    ("v1-tweet-parser/test/tweet_payload_examples/original_format_examples.json", 25),
    ("v1-tweet-parser/test/tweet_payload_examples/broken_and_unsupported_payloads/public_api_sample.json", 20),
    ("v1-python-twitter/testdata/get_search_raw.json", 100),
    ("v1-python-twitter/testdata/get_home_timeline.json", 20),
    ("v1-sfm-timeline/0f81e11d-user_timeline.jsonl", 244),
])
def test_v1_sets_import_with_their_counts(fresh, path, collected):
    coll = fresh()
    import_paths(coll, [CORPORA / path])
    assert one(coll, "SELECT count(*) FROM posts WHERE collected = 1") == collected


def test_v1_ids_come_from_id_str_never_the_rounded_number(fresh):
    import json

    path = (CORPORA / "v1-tweet-parser/test/tweet_payload_examples/broken_and_unsupported_payloads"
            / "public_api_sample.json")
    coll = fresh()
    import_paths(coll, [path])
    truth = {int(json.loads(line)["id_str"]) for line in path.read_text().splitlines() if line.strip()}
    stored = {r[0] for r in coll.db.execute("SELECT id FROM posts WHERE collected = 1")}
    assert stored == truth


def test_the_deliberately_incomplete_v1_records_import_with_what_they_hold(fresh):
    coll = fresh()
    base = CORPORA / "v1-tweet-parser/test/tweet_payload_examples/broken_and_unsupported_payloads"
    report = import_paths(coll, [base / "original_format_missing_user.json",
                                 base / "original_format_missing_quotetweet_field.json"])
    assert report.added == 2
    assert one(coll, "SELECT count(*) FROM posts WHERE collected = 1 AND author_handle IS NULL") == 1
