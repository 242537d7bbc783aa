"""Importing into a collection: merging, re-imports, progress, cancel, bad input."""
from __future__ import annotations

import gc
import gzip
import io
import zipfile

import pytest

from archive_factory import snowflake, v1_status, v2_page, write_jsonl

from viewer import sources
from viewer.importer import import_paths
from viewer.jobs import Job
from viewer.store import decompress


def count(coll, sql, args=()):
    return coll.db.execute(sql, args).fetchone()[0]


def test_every_post_of_a_file_lands_with_its_provenance(collection, tmp_path):
    src = write_jsonl(tmp_path / "stream.jsonl", [v1_status(i) for i in range(30)])
    report = import_paths(collection, [src])
    assert (report.added, report.merged, report.failed) == (30, 0, 0)
    assert count(collection, "SELECT count(*) FROM posts WHERE collected = 1") == 30
    row = collection.db.execute(
        "SELECT r.location, s.path, s.format, s.status FROM raw r JOIN sources s ON s.id = r.source_id "
        "WHERE r.post_id = ?", [snowflake(7)]).fetchone()
    # The specific format the JSON reader found, as the report names it.
    assert row == ("line 8", str(src), "v1.1", "complete")


def test_the_verbatim_record_is_kept(collection, tmp_path):
    status = v1_status(1, text="نص أصلي &amp; كامل")
    src = write_jsonl(tmp_path / "one.jsonl", [status])
    import_paths(collection, [src])
    blob = collection.db.execute("SELECT data FROM raw WHERE post_id = ?", [snowflake(1)]).fetchone()[0]
    assert decompress(blob).decode() == src.read_text(encoding="utf-8").strip()
    # ... while the display text has the entity decoded.
    text = collection.db.execute("SELECT text FROM posts WHERE id = ?", [snowflake(1)]).fetchone()[0]
    assert text == "نص أصلي & كامل"


def test_ids_stay_exact_past_two_to_the_53(collection, tmp_path):
    big = 2**62 + 1
    status = v1_status(1)
    status["id_str"], status["id"] = str(big), float(big)
    import_paths(collection, [write_jsonl(tmp_path / "big.jsonl", [status])])
    assert count(collection, "SELECT count(*) FROM posts WHERE id = ?", [big]) == 1


def test_reimporting_a_file_changes_nothing_and_says_so(collection, tmp_path):
    src = write_jsonl(tmp_path / "stream.jsonl", [v1_status(i) for i in range(10)])
    import_paths(collection, [src])
    revs = collection.db.execute("SELECT id, rev FROM posts ORDER BY id").fetchall()
    again = import_paths(collection, [src])
    assert again.files[0].status == "already imported"
    assert (again.added, again.merged, again.unchanged) == (0, 0, 10)
    assert collection.db.execute("SELECT id, rev FROM posts ORDER BY id").fetchall() == revs
    assert count(collection, "SELECT count(*) FROM sources") == 1


def test_the_same_post_from_two_formats_is_one_row_with_both_sources(collection, tmp_path):
    v1 = write_jsonl(tmp_path / "v1.jsonl", [v1_status(i) for i in range(5)])
    v2 = write_jsonl(tmp_path / "v2.jsonl",
                     [v2_page([(i, f"Update {i} from the front line #Mosul") for i in range(3, 8)])])
    import_paths(collection, [v1])
    report = import_paths(collection, [v2])
    assert (report.added, report.merged) == (3, 2)
    assert count(collection, "SELECT count(*) FROM posts WHERE collected = 1") == 8
    assert count(collection, "SELECT count(*) FROM raw WHERE post_id = ?", [snowflake(4)]) == 2
    # The v2 page carried a reply count the v1.1 record lacked: filled in.
    assert collection.db.execute("SELECT reply_count, like_count FROM posts WHERE id = ?",
                                 [snowflake(4)]).fetchone() == (0, 9)


def test_a_cut_retweet_text_is_replaced_by_a_full_one_from_a_richer_source(collection, tmp_path):
    cut = v1_status(1, text="RT @voice: Mosul is Iraq in miniature, and today the…")
    cut["truncated"] = True
    full_text = "RT @voice: Mosul is Iraq in miniature, and today the whole country watches its east bank"
    original = v1_status(0, text=full_text[len("RT @voice: "):], handle="voice")
    rich = v1_status(1, text=cut["full_text"], retweeted_status=original)
    import_paths(collection, [write_jsonl(tmp_path / "cut.jsonl", [cut])])
    import_paths(collection, [write_jsonl(tmp_path / "rich.jsonl", [rich])])
    text, kind, rt = collection.db.execute(
        "SELECT text, kind, retweet_of FROM posts WHERE id = ?", [snowflake(1)]).fetchone()
    assert (text, kind, rt) == (full_text, "retweet", snowflake(0))
    # The original is stored too, known only as the retweet's original.
    assert collection.db.execute("SELECT collected FROM posts WHERE id = ?", [snowflake(0)]).fetchone() == (0,)


def test_one_broken_line_is_reported_and_the_rest_import(collection, tmp_path):
    src = write_jsonl(tmp_path / "s.jsonl", [v1_status(i) for i in range(3)],
                      lines=['{"id_str": "1", "text": broken', '{"limit": {"track": 12}}',
                             json_line(v1_status(3))])
    report = import_paths(collection, [src])
    assert report.added == 4
    assert [(f.line, f.entry, f.reason.split(" (")[0]) for f in report.failures] == [(4, None, "not valid JSON")]


def test_a_stream_notice_is_a_notice_not_a_failure(collection, tmp_path):
    src = write_jsonl(tmp_path / "s.jsonl", [v1_status(i) for i in range(2)],
                      lines=['{"limit": {"track": 12}}', '{"delete": {"status": {"id": 1, "id_str": "1"}}}'])
    report = import_paths(collection, [src])
    assert (report.added, report.failed) == (2, 0)
    assert [(n.line, n.reason) for n in report.notices] == [
        (3, "a rate-limit notice from the streaming API"), (4, "a deletion notice from the streaming API")]
    assert report.files[0].notices == 2 and report.files[0].format == "v1.1"


def json_line(d: dict) -> str:
    import json

    return json.dumps(d)


def test_bom_and_crlf_are_handled(collection, tmp_path):
    path = tmp_path / "crlf.jsonl"
    write_jsonl(path, [v1_status(i) for i in range(4)], newline="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = import_paths(collection, [path])
    assert (report.added, report.failed) == (4, 0)


def test_a_compressed_file_imports_like_the_plain_one(collection, tmp_path):
    plain = write_jsonl(tmp_path / "s.jsonl", [v1_status(i) for i in range(6)])
    gz = tmp_path / "s.jsonl.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    report = import_paths(collection, [gz])
    assert report.added == 6


def test_an_unrecognised_file_named_by_the_user_is_a_failure_and_nothing_is_done(collection, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("just some words, not an archive\n")
    report = import_paths(collection, [notes, tmp_path / "missing.jsonl"])
    assert report.nothing_done
    assert {f.reason for f in report.failures} == {"not a tweet archive this program recognises",
                                                    "no such file or folder"}


def test_a_truncated_gzip_keeps_what_was_read_and_reports_the_rest(collection, tmp_path):
    data = gzip.compress(b"\n".join(json_line(v1_status(i)).encode() for i in range(2000)))
    gz = tmp_path / "cut.jsonl.gz"
    gz.write_bytes(data[: len(data) // 2])
    report = import_paths(collection, [gz])
    assert 0 < report.added < 2000
    assert any("truncated/corrupt at byte" in f.reason for f in report.failures)


def test_progress_is_reported_up_to_the_total(collection, tmp_path):
    src = write_jsonl(tmp_path / "s.jsonl", [v1_status(i) for i in range(50)])
    seen = []
    import_paths(collection, [src], job=Job(seen.append))
    assert seen[-1].done == seen[-1].total == src.stat().st_size
    assert seen[-1].posts == 50


def test_a_cancelled_import_keeps_whole_posts_and_importing_again_finishes_it(collection, tmp_path, monkeypatch):
    import viewer.importer as importer

    monkeypatch.setattr(importer, "BATCH_POSTS", 100)
    src = write_jsonl(tmp_path / "s.jsonl", [v1_status(i) for i in range(1000)])
    job = Job()
    written = []

    def on_progress(p):
        written.append(p.posts)
        if p.posts >= 300:
            job.cancel()

    job._on_progress = on_progress
    first = import_paths(collection, [src], job=job)
    assert first.cancelled
    partial = count(collection, "SELECT count(*) FROM posts")
    assert 300 <= partial < 1000
    # Every stored post is whole: its verbatim record and hashtag came with it.
    assert count(collection, "SELECT count(*) FROM posts p WHERE NOT EXISTS "
                             "(SELECT 1 FROM raw r WHERE r.post_id = p.id)") == 0
    assert count(collection, "SELECT count(*) FROM hashtags") == partial
    second = import_paths(collection, [src])
    assert second.files[0].status == "resumed"
    assert count(collection, "SELECT count(*) FROM posts") == 1000
    assert collection.db.execute("SELECT added, status FROM sources").fetchall() == [(1000, "complete")]


# -- hostile archives -------------------------------------------------------------

def _zip_with(tmp_path, entries: dict[str, bytes], links: dict[str, str] | None = None):
    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)  # a symlink entry
            z.writestr(info, target)
    return path


def test_zip_entries_that_climb_out_are_refused_and_nothing_is_written_outside(collection, tmp_path):
    good = json_line(v1_status(1)).encode()
    z = _zip_with(tmp_path, {
        "data/ok.jsonl": good,
        "../../evil.jsonl": good,
        "/etc/evil.jsonl": good,
        "a/../../evil2.jsonl": good,
    }, links={"data/link.jsonl": "/etc/passwd"})
    before = set(p for p in tmp_path.parent.rglob("*") if "collection" not in p.parts)
    report = import_paths(collection, [z])
    assert report.added == 1
    refused = {f.file.split("!", 1)[1] for f in report.failures}
    assert refused == {"../../evil.jsonl", "/etc/evil.jsonl", "a/../../evil2.jsonl", "data/link.jsonl"}
    after = set(p for p in tmp_path.parent.rglob("*") if "collection" not in p.parts)
    # New paths only: the folder is shared with the worker's other tests, and
    # one of their collections closing meanwhile removes its -wal and -shm.
    assert after - before == set()


# The bomb tests lower the size from which the ratio counts (16 MB in use) so
# a few megabytes make a bomb: the same check, without writing and reading
# hundreds of megabytes.
SMALL_FLOOR = 256 * 1024


def test_a_zip_bomb_is_refused_not_unpacked(collection, tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "RATIO_FLOOR", SMALL_FLOOR)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("data/tweets.jsonl", json_line(v1_status(1)) + "\n")
        with z.open("data/zeros.jsonl", "w") as f:
            chunk = b" " * (1 << 20)
            for _ in range(4):  # 4 MB of blanks, a few KB compressed: past 200×
                f.write(chunk)
    report = import_paths(collection, [path])
    assert report.added == 1
    assert any("zip bomb" in f.reason for f in report.failures)


def test_a_gzip_bomb_stops_at_the_ratio_limit(collection, tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "RATIO_FLOOR", SMALL_FLOOR)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as g:
        g.write((json_line(v1_status(1)) + "\n").encode())
        chunk = b"\n" * (1 << 20)
        for _ in range(4):
            g.write(chunk)
    bomb = tmp_path / "bomb.jsonl.gz"
    bomb.write_bytes(buf.getvalue())
    report = import_paths(collection, [bomb])
    assert report.added == 1
    assert any("zip bomb" in f.reason for f in report.failures)


def test_a_corrupt_zip_is_reported_and_the_other_paths_import(collection, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    good = write_jsonl(tmp_path / "good.jsonl", [v1_status(1)])
    report = import_paths(collection, [bad, good])
    assert report.added == 1
    assert report.failures and report.failures[0].file == str(bad)


def test_a_timeline_events_file_in_a_folder_is_passed_over_quietly(collection, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    write_jsonl(folder / "posts.jsonl", [v1_status(1)])
    (folder / "events.json").write_text('[{"date": "2016-10-17", "title": "Offensive begins", "text": "…"}]')
    report = import_paths(collection, [folder])
    assert (report.added, report.failed) == (1, 0)
    assert any(path.endswith("events.json") for path, _ in report.skipped)


def test_the_bundled_sample_merges_its_two_formats(collection):
    from conftest import SAMPLE

    report = import_paths(collection, [SAMPLE])
    assert report.merged == 300
    assert count(collection, "SELECT count(*) FROM posts WHERE collected = 1") == 6166  # 6,108 + 58 campaign posts
    assert count(collection, "SELECT count(DISTINCT sha256) FROM media WHERE file IS NOT NULL") == 67  # 61 + 6 re-posts
    # The two API errors the harvest itself carries, about originals Twitter
    # could not find, are notices: nothing failed.
    assert not report.failures
    assert [f.reason.split(":")[0] for f in report.notices] == ["an API error beside the data"] * 2


def test_a_second_source_that_only_adds_hashtags_marks_the_post_for_reindexing(collection, tmp_path):
    from viewer.store import Store
    from viewer.model import Post
    from datetime import datetime, timezone

    store = Store(collection.db, collection.media_dir)
    when = datetime(2016, 10, 17, tzinfo=timezone.utc)
    first = store.start_source(0, "a", "a", "sha-a", "json", 1)
    store.write_batch(first, [Post(id=1, created_at=when, text="Free Mosul")], [], [])
    second = store.start_source(0, "b", "b", "sha-b", "json", 1)
    res = store.write_batch(second, [Post(id=1, created_at=when, text="Free Mosul", hashtags=["FreeMosul"])], [], [])
    assert res.merged == [1] and res.changed == [1]
    assert count(collection, "SELECT rev FROM posts WHERE id = 1") == 2
    assert count(collection, "SELECT count(*) FROM hashtags WHERE post_id = 1") == 1


def test_an_account_archives_empty_file_is_a_notice_not_a_failure(collection, tmp_path):
    import json

    data = tmp_path / "archive" / "data"
    data.mkdir(parents=True)
    entry = {"tweet": {"id_str": "20", "full_text": "one post", "created_at": "Mon Oct 17 05:12:00 +0000 2016"}}
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps([entry]))
    (data / "deleted-tweets.js").write_text("window.YTD.deleted_tweets.part0 = []")
    report = import_paths(collection, [tmp_path / "archive"])
    assert (report.added, report.failed) == (1, 0)
    assert [(n.file.endswith("deleted-tweets.js"), n.reason) for n in report.notices] == [
        (True, "no tweets in this file")]
    assert {f.format for f in report.files} == {"x-archive"}


def test_an_import_leaves_the_garbage_collector_as_it_found_it(collection, tmp_path):
    # The import collects less often while it runs; the window's process
    # (which goes on after it) gets its own settings back, even on failure.
    before = gc.get_threshold()
    import_paths(collection, [write_jsonl(tmp_path / "a.jsonl", [v1_status(i) for i in range(5)])])
    import_paths(collection, [tmp_path / "missing.jsonl"])
    assert gc.get_threshold() == before


def test_an_account_seen_several_times_in_one_batch_keeps_each_fields_latest_known_value(collection):
    from viewer.model import User
    from viewer.store import Store

    store = Store(collection.db, collection.media_dir)
    source = store.start_source(0, "a", "a", "sha-users", "json", 1)
    store.write_batch(source, [], [User(7, "old_name", name="Old", bio="first bio", followers_count=1)], [])
    store.write_batch(source, [], [
        User(7, "reporter_mosul", name="Reporter", followers_count=10),
        User(8, "other", location="Erbil"),
        User(7, None, bio="second bio", followers_count=12),
        User(7, "Reporter_Mosul"),
    ], [])
    rows = collection.db.execute("SELECT id, handle, handle_norm, name, bio, location, followers_count "
                                 "FROM users ORDER BY id").fetchall()
    assert rows == [(7, "Reporter_Mosul", "reporter_mosul", "Reporter", "second bio", None, 12),
                    (8, "other", "other", None, None, "Erbil", None)]


def test_an_account_repeated_batch_after_batch_is_written_once_and_its_changes_still_land(collection):
    from viewer.model import User
    from viewer.store import Store

    store = Store(collection.db, collection.media_dir)
    source = store.start_source(0, "a", "a", "sha-repeat", "json", 1)
    statements: list[str] = []
    collection.db.conn.set_trace_callback(statements.append)
    try:
        for _ in range(3):
            store.write_batch(source, [], [User(7, "reporter", name="Reporter", followers_count=10)], [])
        store.write_batch(source, [], [User(7, "reporter", followers_count=11)], [])
        store.write_batch(source, [], [User(7, None, bio="a bio", followers_count=11)], [])
    finally:
        collection.db.conn.set_trace_callback(None)
    upserts = [s for s in statements if s.startswith("INSERT INTO users")]
    assert len(upserts) == 3  # the first record, the new follower count, the new bio
    assert collection.db.execute("SELECT handle, name, bio, followers_count FROM users").fetchall() == [
        ("reporter", "Reporter", "a bio", 11)]


def test_the_wait_before_a_batchs_write_comes_right_before_its_transaction(collection):
    # The importer waits there for the clustering of the batch before: the
    # batch's rows are made meanwhile, and no statement of it runs first.
    from datetime import datetime, timezone

    from viewer.model import Post
    from viewer.store import Store

    store = Store(collection.db, collection.media_dir)
    source = store.start_source(0, "a", "a", "sha-wait", "json", 1)
    statements: list[str] = []
    waited_at: list[int] = []
    store.before_write = lambda: waited_at.append(len(statements))
    collection.db.conn.set_trace_callback(statements.append)
    try:
        store.write_batch(source, [Post(id=1, created_at=datetime(2016, 10, 17, tzinfo=timezone.utc),
                                        text="Free Mosul")], [], [])
    finally:
        collection.db.conn.set_trace_callback(None)
    assert waited_at == [0]
    assert statements[0] == "BEGIN IMMEDIATE"


def test_a_failed_wait_before_a_batchs_write_stops_it_and_writes_nothing(collection):
    # Not a fault of the batch's records: never retried one record at a time.
    from datetime import datetime, timezone

    from viewer.model import Post
    from viewer.store import Store

    store = Store(collection.db, collection.media_dir)
    source = store.start_source(0, "a", "a", "sha-wait-fails", "json", 1)

    def broken_wait() -> None:
        raise ValueError("the clustering of the batch before failed")

    store.before_write = broken_wait
    with pytest.raises(RuntimeError, match="ValueError before the batch's write"):
        store.write_batch(source, [Post(id=1, created_at=datetime(2016, 10, 17, tzinfo=timezone.utc),
                                        text="Free Mosul")], [], [])
    assert count(collection, "SELECT count(*) FROM posts") == 0
    assert count(collection, "SELECT count(*) FROM problems") == 0
