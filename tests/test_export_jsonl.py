"""JSONL export: the original records, one per line, that import into a
fresh collection as the same collected posts."""
from __future__ import annotations

import csv
import json

import pytest
from archive_factory import snowflake, v1_status, v2_page, write_jsonl
from conftest import CORPORA, SAMPLE

from viewer import curation
from viewer.collection import Collection
from viewer.export import collected_ids
from viewer.export.jsonl import PROVENANCE_SUFFIX, export_jsonl
from viewer.importer import import_paths
from viewer.jobs import Cancelled, Job

POST_COLUMNS = ("id created_at author_id author_handle author_name text text_full lang kind retweet_of "
                "quote_of reply_to reply_to_user_id reply_to_handle conversation_id source_app retweet_count "
                "reply_count like_count quote_count place collected deleted media_count").split()


def snapshot(coll: Collection) -> dict:
    """What "the same collected posts" means: every column of every collected
    post, its hashtags, mentions, links and media, and which originals are
    known only through them."""
    db = coll.db
    collected = "SELECT id FROM posts WHERE collected = 1"
    return {
        "posts": {r[0]: r for r in db.execute(
            f"SELECT {', '.join(POST_COLUMNS)} FROM posts WHERE collected = 1").fetchall()},
        "hashtags": set(db.execute(f"SELECT post_id, tag, norm FROM hashtags WHERE post_id IN ({collected})")),
        "mentions": set(db.execute(f"SELECT * FROM mentions WHERE post_id IN ({collected})")),
        "urls": set(db.execute(f"SELECT * FROM urls WHERE post_id IN ({collected})")),
        "media": set(db.execute(f"SELECT post_id, key, type, url, alt_text, width, height FROM media "
                                f"WHERE post_id IN ({collected})")),
        "referenced": {r[0] for r in db.execute("SELECT id FROM posts WHERE collected = 0")},
    }


def round_trip(tmp_path, paths) -> tuple[dict, dict, Collection, Collection]:
    a = Collection.open(tmp_path / "a")
    import_paths(a, paths)
    out = tmp_path / "out.jsonl"
    export_jsonl(a, collected_ids(a), out)
    b = Collection.open(tmp_path / "b")
    report = import_paths(b, [out])
    assert report.failures == []
    return snapshot(a), snapshot(b), a, b


def lines(path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def retweet_page() -> dict:
    """A twarc2 page: a post and a retweet of it, by two accounts, the
    original also in `includes.tweets` with a photo."""
    page = v2_page([(0, "Troops raise the flag over Hamidiyya #FreeMosul")], handle="voice")
    original = page["data"][0]
    original["attachments"] = {"media_keys": ["3_555"]}
    original["entities"] = {"hashtags": [{"start": 39, "end": 49, "tag": "FreeMosul"}]}
    rt_id = str(snowflake(1))
    retweet = {"id": rt_id, "text": "RT @voice: Troops raise the flag over Hamidiyya #FreeMosul",
               "author_id": "2002", "created_at": "2016-10-17T05:01:00.000Z", "conversation_id": rt_id,
               "edit_history_tweet_ids": [rt_id], "lang": "en",
               "referenced_tweets": [{"type": "retweeted", "id": original["id"]}]}
    page["data"] = [retweet]
    page["includes"]["tweets"] = [original]
    page["includes"]["users"].append({"id": "2002", "username": "reporter_mosul", "name": "Reporter"})
    page["includes"]["media"] = [{"media_key": "3_555", "type": "photo", "width": 640, "height": 480,
                                  "url": "https://pbs.example.invalid/media/555.jpg", "alt_text": "a flag"}]
    return page


def test_a_page_tweet_is_written_as_a_one_tweet_page_with_its_author_and_original(tmp_path):
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [write_jsonl(tmp_path / "h.jsonl", [retweet_page()])])
    export_jsonl(coll, collected_ids(coll), tmp_path / "out.jsonl")
    (page,) = lines(tmp_path / "out.jsonl")
    assert [t["id"] for t in page["data"]] == [str(snowflake(1))]
    assert {u["username"] for u in page["includes"]["users"]} == {"voice", "reporter_mosul"}
    assert [t["id"] for t in page["includes"]["tweets"]] == [str(snowflake(0))]
    assert page["includes"]["media"][0]["media_key"] == "3_555"


def test_a_v2_page_round_trips_with_authors_originals_and_media(tmp_path):
    src = write_jsonl(tmp_path / "h.jsonl", [retweet_page()])
    before, after, _, b = round_trip(tmp_path, [src])
    assert after == before
    rt = b.db.execute("SELECT author_handle, text, retweet_of FROM posts WHERE id = ?", [snowflake(1)]).fetchone()
    assert rt == ("reporter_mosul", "RT @voice: Troops raise the flag over Hamidiyya #FreeMosul", snowflake(0))


def test_a_v1_record_is_written_verbatim(tmp_path):
    records = [v1_status(i) for i in range(3)]
    src = write_jsonl(tmp_path / "s.jsonl", records)
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [src])
    export_jsonl(coll, collected_ids(coll), tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == src.read_text(encoding="utf-8")


def test_originals_known_only_through_a_retweet_travel_inside_it(tmp_path):
    original = v1_status(0, handle="voice")
    src = write_jsonl(tmp_path / "s.jsonl", [v1_status(1, retweeted_status=original)])
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [src])
    res = export_jsonl(coll, [snowflake(0), snowflake(1)], tmp_path / "out.jsonl")
    (line,) = lines(tmp_path / "out.jsonl")
    assert line["retweeted_status"]["id_str"] == str(snowflake(0))
    assert res.posts == 1 and [s["id"] for s in res.skipped] == [str(snowflake(0))]


def test_the_provenance_sidecar_names_each_lines_post_and_source(tmp_path):
    src = write_jsonl(tmp_path / "s.jsonl", [v1_status(i) for i in range(2)])
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [src])
    res = export_jsonl(coll, collected_ids(coll), tmp_path / "out.jsonl")
    side = tmp_path / ("out.jsonl" + PROVENANCE_SUFFIX)
    assert res.files == [str(side)]
    with open(side, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["line"], r["post"], r["location"], r["written_as"]) for r in rows] == [
        ("1", str(snowflake(0)), "line 1", "verbatim"), ("2", str(snowflake(1)), "line 2", "verbatim")]
    assert rows[0]["source"] == str(src) and len(rows[0]["source_sha256"]) == 64


def test_a_cancelled_export_leaves_no_file_and_no_log_entry(tmp_path):
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [write_jsonl(tmp_path / "s.jsonl", [v1_status(0)])])
    job = Job()
    job.cancel()
    with pytest.raises(Cancelled):
        export_jsonl(coll, collected_ids(coll), tmp_path / "out.jsonl", job=job)
    assert not list(tmp_path.glob("*out.jsonl*"))
    assert curation.audit_log(coll, action="export") == []


def test_the_export_lands_in_the_audit_log(tmp_path):
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [write_jsonl(tmp_path / "s.jsonl", [v1_status(0)])])
    export_jsonl(coll, collected_ids(coll), tmp_path / "out.jsonl")
    (entry,) = curation.audit_log(coll, action="export")
    assert (entry["detail"]["format"], entry["detail"]["records"]) == ("jsonl", 1)


@pytest.fixture(scope="module")
def sample_round_trip(tmp_path_factory):
    if not SAMPLE.is_dir():
        pytest.skip("the bundled sample is absent")
    tmp = tmp_path_factory.mktemp("sample")
    paths = [SAMPLE / "account-archive", SAMPLE / "search-harvest.jsonl.gz"]
    before, after, a, b = round_trip(tmp, paths)
    yield before, after, a
    a.close()
    b.close()


def test_the_bundled_sample_reimports_as_the_same_collected_posts(sample_round_trip):
    before, after, _ = sample_round_trip
    assert set(after["posts"]) == set(before["posts"])
    for key in ("hashtags", "mentions", "urls", "media", "referenced"):
        assert after[key] == before[key], key


def test_the_samples_posts_keep_every_field(sample_round_trip):
    """Even an account archive's entry, written as a line of its own, keeps
    that its post was deleted (`deleted_at`) and that a cut "RT @x: …" is a
    retweet."""
    before, after, _ = sample_round_trip
    assert after["posts"] == before["posts"]


@pytest.mark.skipif(not (CORPORA / "twarc-csv" / "brexit.jsonl").exists()
                    or not (CORPORA / "v1-sfm-timeline").is_dir(), reason="the corpora are absent")
def test_a_twarc2_harvest_and_a_v1_harvest_reimport_as_the_same_posts(tmp_path):
    paths = [CORPORA / "twarc-csv" / "brexit.jsonl", CORPORA / "v1-sfm-timeline" / "0f81e11d-user_timeline.jsonl"]
    before, after, _, _ = round_trip(tmp_path, paths)
    assert len(before["posts"]) == 100 + 244
    assert after == before


@pytest.mark.skipif(not (CORPORA / "twarc-csv" / "flat.jsonl").exists(), reason="the corpora are absent")
def test_flattened_twarc2_tweets_reimport_as_the_same_posts(tmp_path):
    before, after, _, _ = round_trip(tmp_path, [CORPORA / "twarc-csv" / "flat.jsonl"])
    assert after == before
