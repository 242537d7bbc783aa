"""Never lose a record (issue 12): what one bad record, one damaged byte, an
odd encoding or a hostile container costs — that record, never its neighbours."""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import warnings
import zipfile

import pytest
from archive_factory import snowflake, v1_status, v2_page, write_jsonl
from click.testing import CliRunner

from viewer.cli import _load_commands, cli
from viewer.importer import MAX_REPORTED, import_paths
from viewer.store import MAX_TEXT_CHARS
from viewer.textdecode import MAX_LINE_BYTES

_load_commands()


def ids(coll) -> set[int]:
    return {r[0] for r in coll.db.execute("SELECT id FROM posts WHERE collected = 1")}


def lines_of(records) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in records]


# -- 1. a bad record is a reported failure ----------------------------------------


def test_an_id_past_64_bits_costs_only_its_own_post(collection, tmp_path):
    recs = [v1_status(i) for i in range(5)]
    recs[2]["id"] = 2**70
    recs[2]["id_str"] = str(2**70)
    report = import_paths(collection, [write_jsonl(tmp_path / "a.jsonl", recs)])
    assert ids(collection) == {snowflake(i) for i in (0, 1, 3, 4)}
    [fail] = report.failures
    assert fail.where == "line 3" and "not a whole number from 1 to 2^63-1" in fail.reason


def test_a_count_past_64_bits_is_left_empty_and_the_post_kept(collection, tmp_path):
    recs = [v1_status(i) for i in range(3)]
    recs[1]["retweet_count"] = 2**80
    report = import_paths(collection, [write_jsonl(tmp_path / "a.jsonl", recs)])
    assert ids(collection) == {snowflake(i) for i in range(3)}
    assert report.failed == 0
    assert collection.db.execute("SELECT retweet_count FROM posts WHERE id = ?",
                                 [snowflake(1)]).fetchone()[0] is None


def test_a_lone_surrogate_is_stored_as_a_replacement_character_with_a_notice(collection, tmp_path):
    recs = [v1_status(i) for i in range(3)]
    recs[1]["full_text"] = "before \ud800 after"
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n")  # ensure_ascii keeps "\ud800" escaped
    report = import_paths(collection, [path])
    assert ids(collection) == {snowflake(i) for i in range(3)}
    text = collection.db.execute("SELECT text FROM posts WHERE id = ?", [snowflake(1)]).fetchone()[0]
    assert text == "before \ufffd after"
    assert any("lone surrogate" in n.reason for n in report.notices)


def test_json_nested_100000_deep_is_one_failed_line(collection, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [v1_status(0)], lines=["[" * 100_000 + "]" * 100_000,
                                                                     json.dumps(v1_status(1))])
    report = import_paths(collection, [path])
    assert ids(collection) == {snowflake(0), snowflake(1)}
    [fail] = report.failures
    assert fail.where == "line 2" and "nested too deeply" in fail.reason


def test_an_impossible_time_zone_offset_keeps_the_post(collection, tmp_path):
    recs = [v1_status(i) for i in range(3)]
    recs[1]["created_at"] = "Mon Oct 17 05:12:00 +2500 2016"
    report = import_paths(collection, [write_jsonl(tmp_path / "a.jsonl", recs)])
    assert ids(collection) == {snowflake(i) for i in range(3)}
    assert report.failed == 0


def test_a_wrong_type_deep_in_a_record_costs_nothing_else(collection, tmp_path):
    recs = [v1_status(i) for i in range(3)]
    recs[1]["user"]["entities"] = {"url": {"urls": [{"expanded_url": ["a", "list"], "url": 5}]}}
    recs[1]["entities"]["hashtags"] = [{"text": ["not", "text"]}, 7, None]
    import_paths(collection, [write_jsonl(tmp_path / "a.jsonl", recs)])
    assert ids(collection) == {snowflake(i) for i in range(3)}


def test_a_post_text_over_the_limit_is_refused_with_a_reason(collection, tmp_path):
    recs = [v1_status(i) for i in range(3)]
    recs[1]["full_text"] = "x" * (MAX_TEXT_CHARS + 1)
    report = import_paths(collection, [write_jsonl(tmp_path / "a.jsonl", recs)])
    assert ids(collection) == {snowflake(0), snowflake(2)}
    [fail] = report.failures
    assert f"over the limit of {MAX_TEXT_CHARS:,}" in fail.reason


# -- 2. read everything readable ----------------------------------------------------


def test_a_damaged_json_array_keeps_every_intact_object(collection, tmp_path):
    text = json.dumps([v1_status(i) for i in range(10)])
    at = text.index("Update 4 from")
    (tmp_path / "a.json").write_text(text[:at] + "\x00" + text[at + 1:])
    report = import_paths(collection, [tmp_path / "a.json"])
    assert ids(collection) == {snowflake(i) for i in range(10) if i != 4}
    assert report.failed == 1 and "damaged JSON" in report.failures[0].reason


def test_a_cut_off_v1_search_response_keeps_the_statuses_before_the_cut(collection, tmp_path):
    text = json.dumps({"statuses": [v1_status(i) for i in range(6)], "search_metadata": {"count": 6}})
    at = text.index("Update 5 from")
    (tmp_path / "search.json").write_text(text[:at])
    report = import_paths(collection, [tmp_path / "search.json"])
    assert ids(collection) == {snowflake(i) for i in range(5)}
    assert any("damaged JSON" in f.reason for f in report.failures)


def test_a_damaged_v2_page_keeps_its_other_tweets_and_users(collection, tmp_path):
    text = json.dumps(v2_page([(i, f"post number {i}") for i in range(6)]))
    at = text.index('"post number 2"')
    (tmp_path / "page.json").write_text(text[:at] + "?" + text[at + 1:])
    import_paths(collection, [tmp_path / "page.json"])
    assert ids(collection) == {snowflake(i) for i in range(6) if i != 2}
    handles = {r[0] for r in collection.db.execute("SELECT author_handle FROM posts")}
    assert handles == {"reporter_mosul"}  # the page's includes.users were read after the damage


def test_a_tweet_that_breaks_the_v2_parser_costs_only_that_tweet(collection, tmp_path):
    page = v2_page([(i, f"post {i}") for i in range(4)])
    page["data"][1]["entities"] = {"urls": "not a list", "mentions": {"a": 1}, "hashtags": [None, 3]}
    page["data"][1]["public_metrics"] = ["x"]
    import_paths(collection, [write_jsonl(tmp_path / "p.jsonl", [page])])
    assert {snowflake(0), snowflake(2), snowflake(3)} <= ids(collection)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_json_lines_in_any_unicode_encoding_with_a_bom(collection, tmp_path, encoding):
    path = tmp_path / "a.jsonl"
    data = "\n".join(lines_of([v1_status(i, text=f"الموصل {i}") for i in range(4)])).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    report = import_paths(collection, [path])
    assert ids(collection) == {snowflake(i) for i in range(4)}
    assert collection.db.execute("SELECT text FROM posts WHERE id = ?", [snowflake(2)]).fetchone()[0] == "الموصل 2"
    assert report.failed == 0


def test_a_utf16_account_archive_tweets_js(collection, tmp_path):
    entries = [{"tweet": {"id_str": str(snowflake(i)), "id": str(snowflake(i)), "full_text": f"post {i}",
                          "created_at": "Mon Oct 17 05:12:00 +0000 2016", "entities": {}}} for i in range(3)]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tweets.js").write_bytes(
        ("window.YTD.tweets.part0 = " + json.dumps(entries)).encode("utf-16"))
    import_paths(collection, [tmp_path / "data" / "tweets.js"])
    assert ids(collection) == {snowflake(i) for i in range(3)}


def test_a_utf16_grailbird_month(collection, tmp_path):
    month = [v1_status(i) | {"created_at": "2016-10-17 05:12:00 +0000"} for i in range(3)]
    path = tmp_path / "2016_10.js"
    path.write_bytes(("Grailbird.data.tweets_2016_10 =\n" + json.dumps(month)).encode("utf-16"))
    import_paths(collection, [path])
    assert ids(collection) == {snowflake(i) for i in range(3)}


def test_a_utf16_csv(collection, tmp_path):
    rows = ["id,created_at,text,author.username"] + [
        f"{snowflake(i)},2016-10-17T05:0{i}:00.000Z,نص {i},reporter" for i in range(3)]
    (tmp_path / "t.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-16"))
    import_paths(collection, [tmp_path / "t.csv"])
    assert ids(collection) == {snowflake(i) for i in range(3)}


def test_lone_cr_line_ends_are_lines(collection, tmp_path):
    path = tmp_path / "mac.jsonl"
    path.write_bytes("\r".join(lines_of([v1_status(i) for i in range(4)])).encode())
    report = import_paths(collection, [path])
    assert ids(collection) == {snowflake(i) for i in range(4)}
    assert any("(CR)" in n.reason for n in report.notices)


def test_a_junk_first_line_is_looked_past(collection, tmp_path):
    path = tmp_path / "saved.jsonl"
    path.write_text("Saved by harvester 2.1 — 4 records\n" + "\n".join(lines_of([v1_status(i) for i in range(4)])))
    report = import_paths(collection, [path])
    assert ids(collection) == {snowflake(i) for i in range(4)}
    assert report.files[0].format == "v1.1"
    # The line numbers of the records stay those of the file.
    loc = collection.db.execute("SELECT location FROM raw WHERE post_id = ?", [snowflake(0)]).fetchone()[0]
    assert loc == "line 2"


@pytest.mark.parametrize("suffix, compress", [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)])
def test_a_cut_compressed_file_imports_up_to_the_cut(collection, tmp_path, suffix, compress):
    n = 3000
    data = compress("\n".join(lines_of([v1_status(i) for i in range(n)])).encode())
    path = tmp_path / f"cut.jsonl{suffix}"
    path.write_bytes(data[: len(data) * 3 // 4])
    report = import_paths(collection, [path])
    got = ids(collection)
    assert got and got <= {snowflake(i) for i in range(n)}
    # Every post before the cut, in order: no gaps.
    assert got == {snowflake(i) for i in range(len(got))}
    assert any("truncated/corrupt at byte" in f.reason for f in report.failures)


def test_a_small_cut_gzip_keeps_its_whole_records(collection, tmp_path):
    data = gzip.compress("\n".join(lines_of([v1_status(i) for i in range(30)])).encode())
    (tmp_path / "small.jsonl.gz").write_bytes(data[:-40])
    report = import_paths(collection, [tmp_path / "small.jsonl.gz"])
    assert len(ids(collection)) >= 25
    assert any("truncated/corrupt at byte" in f.reason for f in report.failures)


def test_a_zip_member_with_a_bad_crc_is_read_and_reported(collection, tmp_path):
    body = "\n".join(lines_of([v1_status(i) for i in range(20)])).encode()
    zpath = tmp_path / "a.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_STORED) as z:
        z.writestr("a.jsonl", body)
    raw = bytearray(zpath.read_bytes())
    at = raw.index(b"Update 19 from")
    raw[at] = ord("X")  # the stored bytes change, the recorded CRC does not
    zpath.write_bytes(bytes(raw))
    report = import_paths(collection, [zpath])
    assert {snowflake(i) for i in range(19)} <= ids(collection)
    assert any("truncated/corrupt" in f.reason and "CRC" in f.reason for f in report.failures)


def test_one_bad_byte_in_an_arabic_csv_costs_nothing_and_is_reported(collection, tmp_path):
    head = "id,created_at,text,author.username\r\n".encode()
    rows = [f"{snowflake(i)},2016-10-17T05:0{i}:00.000Z,الموصل {i},reporter\r\n".encode() for i in range(4)]
    rows[2] = rows[2].replace(b"reporter", b"rep\xe9orter")  # one cp1252 byte in row 3
    (tmp_path / "t.csv").write_bytes(head + b"".join(rows))
    report = import_paths(collection, [tmp_path / "t.csv"])
    texts = {r[0] for r in collection.db.execute("SELECT text FROM posts")}
    assert texts == {f"الموصل {i}" for i in range(4)}
    assert any(n.where == "line 4" and "cp1252" in n.reason for n in report.notices)


# -- 3. bounded memory and time ----------------------------------------------------------


def test_a_fifo_named_on_the_command_line_is_refused_not_waited_on(collection, tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    good = write_jsonl(tmp_path / "good.jsonl", [v1_status(0)])
    report = import_paths(collection, [fifo, good])
    assert ids(collection) == {snowflake(0)}
    assert any("FIFO" in f.reason for f in report.failures)


def test_a_fifo_inside_a_folder_is_reported_and_skipped(collection, tmp_path):
    folder = tmp_path / "harvest"
    folder.mkdir()
    os.mkfifo(folder / "live.jsonl")
    write_jsonl(folder / "good.jsonl", [v1_status(0)])
    report = import_paths(collection, [folder])
    assert ids(collection) == {snowflake(0)}
    assert any(f.file.endswith("live.jsonl") and "FIFO" in f.reason for f in report.failures)


def test_a_line_over_the_record_limit_is_refused_not_cut(collection, tmp_path):
    path = tmp_path / "a.jsonl"
    with open(path, "w") as f:
        f.write(json.dumps(v1_status(0)) + "\n")
        f.write('{"text": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
        f.write(json.dumps(v1_status(1)) + "\n")
    report = import_paths(collection, [path])
    assert ids(collection) == {snowflake(0), snowflake(1)}
    [fail] = report.failures
    assert fail.where == "line 2" and "over the 16 MiB limit" in fail.reason


def test_the_report_lists_the_first_failures_and_counts_all_of_them(tmp_path):
    n = MAX_REPORTED + 500
    src = write_jsonl(tmp_path / "junk.jsonl", [v1_status(0)], lines=[f"junk {i}" for i in range(n)])
    coll_dir = tmp_path / "c"
    out = tmp_path / "failures.jsonl"
    res = CliRunner().invoke(cli, ["import", "--collection", str(coll_dir), "--no-index", "--json",
                                   "--failures-out", str(out), str(src)], catch_exceptions=False)
    assert res.exit_code == 0
    report = json.loads(res.stdout)
    assert len(report["failures"]) == MAX_REPORTED
    assert report["failures_total"] == report["failed"] == n
    assert len(out.read_text().splitlines()) == n
    listed = CliRunner().invoke(cli, ["failures", "--collection", str(coll_dir), "--json"], catch_exceptions=False)
    assert len(json.loads(listed.stdout)) == n


# -- 7. zips and folders tell everything ----------------------------------------------------


def test_every_entry_of_a_repeated_name_in_a_zip_is_read(collection, tmp_path):
    zpath = tmp_path / "a.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(zpath, "w") as z:
            z.writestr("tweets.jsonl", json.dumps(v1_status(0)))
            z.writestr("tweets.jsonl", json.dumps(v1_status(1)))
    report = import_paths(collection, [zpath])
    assert ids(collection) == {snowflake(0), snowflake(1)}
    assert any("another entry named tweets.jsonl" in n.reason for n in report.notices)


def test_a_zip_inside_a_zip_is_imported(collection, tmp_path):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep/b.jsonl", json.dumps(v1_status(1)))
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("a.jsonl", json.dumps(v1_status(0)))
        z.write(inner, "nested/inner.zip")
    report = import_paths(collection, [outer])
    assert ids(collection) == {snowflake(0), snowflake(1)}
    assert any(f.path.endswith("inner.zip!deep/b.jsonl") for f in report.files)


def test_one_missing_path_among_several_still_imports_the_rest(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", [v1_status(0)])
    res = CliRunner().invoke(cli, ["import", "--collection", str(tmp_path / "c"), "--no-index",
                                   str(tmp_path / "gone.jsonl"), str(good)], catch_exceptions=False)
    assert res.exit_code == 0
    assert "1 added" in res.stdout and "no such file or folder" in res.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file and folder whatever its mode")
def test_an_unreadable_folder_is_reported_while_the_rest_imports(collection, tmp_path):
    folder = tmp_path / "harvest"
    (folder / "locked").mkdir(parents=True)
    write_jsonl(folder / "locked" / "x.jsonl", [v1_status(1)])
    write_jsonl(folder / "good.jsonl", [v1_status(0)])
    os.chmod(folder / "locked", 0)
    try:
        report = import_paths(collection, [folder])
    finally:
        os.chmod(folder / "locked", 0o755)
    assert ids(collection) == {snowflake(0)}
    assert any("locked" in f.file and "cannot be read" in f.reason for f in report.failures)
