"""CSV: twarc-csv's columns, the old archive's tweets.csv, and other CSVs."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from formats_csv_helpers import (CORPORA, TWARC_CSV_COLUMNS, collected, detect, parse, posts, problems, users,
                                 write_csv)
from viewer.formats import ParseOptions
from viewer.formats.common import loads

GRAILBIRD = CORPORA / "grailbird-congressedits"
needs_grailbird = pytest.mark.skipif(not (GRAILBIRD / "tweets.csv").is_file(),
                                     reason="../shared/corpora/grailbird-congressedits is absent")

TWARC_META = {"__twarc.retrieved_at": "2021-09-22T16:38:09+00:00", "__twarc.version": "2.14.0",
              "__twarc.url": "https://api.twitter.com/2/tweets/search/recent?query=%23Mosul"}


def twarc_row(tid, text, **kw):
    row = {"id": str(tid), "conversation_id": str(tid), "author_id": "2244994945",
           "created_at": "2016-10-17T05:12:00.000Z", "text": text, "lang": "en", "source": "Twitter Web App",
           "public_metrics.reply_count": 1,
           "public_metrics.retweet_count": 2, "public_metrics.quote_count": 0, "public_metrics.like_count": 5,
           "public_metrics.impression_count": 0, "reply_settings": "everyone", "possibly_sensitive": "False",
           "edit_history_tweet_ids": json.dumps([str(tid)]), "author.id": "2244994945",
           "author.created_at": "2014-01-01T00:00:00.000Z", "author.username": "mosul_watch",
           "author.name": "Mosul Watch", "author.description": "News from Nineveh\\nand beyond",
           "author.location": "Nineveh", "author.protected": "False",
           "author.public_metrics.followers_count": 10, "author.public_metrics.following_count": 2,
           "author.public_metrics.listed_count": 1, "author.public_metrics.tweet_count": 300,
           "author.verified": "False", **TWARC_META}
    row.update(kw)
    return row


TWARC_ROWS = [
    twarc_row(790000000000000001,
              "Flag raised over Hamidiyya &amp; the east\\n\\n#FreeMosul https://t.co/abc https://t.co/pic1",
              **{"entities.hashtags": '["#FreeMosul"]',
                 "entities.urls": '["https://example.org/live", "pic.twitter.com/pic1"]',
                 "attachments.media_keys": '["3_1111"]',
                 "attachments.media": json.dumps([{"media_key": "3_1111", "type": "photo",
                                                    "url": "https://pbs.twimg.com/media/A.jpg", "width": 10,
                                                    "height": 20, "alt_text": "troops"}]),
                 "geo.full_name": "Mosul, Iraq", "geo.place_id": "abc"}),
    # a retweet: twarc-csv put the original's whole text, entities and counts in its row
    twarc_row(790000000000000002, "الموصل هي العراق مصغراً #تحرير_الموصل",
              **{"referenced_tweets.retweeted.id": "780000000000000001", "retweeted_user_id": "44000001",
                 "retweeted_username": "iraq_thinker", "entities.hashtags": '["#تحرير_الموصل"]',
                 "public_metrics.like_count": 900, "lang": "ar"}),
    # a retweet whose original was not in the page: only the cut text
    twarc_row(790000000000000003, "RT @gone: the start of something long that Twitter cut…",
              **{"referenced_tweets.retweeted.id": "780000000000000002", "entities.mentions": '["@gone"]'}),
    twarc_row(790000000000000004, "@civil_aid how many families left today?",
              **{"referenced_tweets.replied_to.id": "780000000000000003", "in_reply_to_user_id": "55",
                 "in_reply_to_username": "civil_aid", "entities.mentions": '["@civil_aid"]',
                 "conversation_id": "780000000000000003"}),
    twarc_row(790000000000000005, "We're coming, Mosul https://t.co/q",
              **{"referenced_tweets.quoted.id": "780000000000000004", "quoted_user_id": "44000001",
                 "quoted_username": "iraq_thinker",
                 "entities.urls": '["https://twitter.com/iraq_thinker/status/780000000000000004"]'}),
]


def write_twarc(path: Path, rows=TWARC_ROWS, **kw) -> Path:
    return write_csv(path, TWARC_CSV_COLUMNS, rows, **kw)


# -- twarc-csv ----------------------------------------------------------------


def test_twarc_csv_rows(tmp_path):
    items = parse(write_twarc(tmp_path / "mosul.csv"), expect="csv")
    got = collected(items)
    assert list(got) == [790000000000000001 + i for i in range(5)]
    p = got[790000000000000001]
    assert p.text == "Flag raised over Hamidiyya & the east\n\n#FreeMosul https://example.org/live pic.twitter.com/pic1"
    assert p.kind == "post" and p.hashtags == ["FreeMosul"] and p.place == "Mosul, Iraq"
    assert [(u.url, u.expanded) for u in p.urls] == [("https://t.co/abc", "https://example.org/live")]
    (m,) = p.media
    assert (m.key, m.type, m.url, m.alt_text, m.width, m.height) == (
        "1111", "photo", "https://pbs.twimg.com/media/A.jpg", "troops", 10, 20)
    assert p.created_at.isoformat() == "2016-10-17T05:12:00+00:00"
    assert (p.author_id, p.author_handle, p.author_name) == (2244994945, "mosul_watch", "Mosul Watch")
    assert (p.retweet_count, p.reply_count, p.like_count, p.quote_count) == (2, 1, 5, 0)
    assert (p.source_app, p.lang, p.conversation_id) == ("Twitter Web App", "en", p.id)
    assert p.location == "line 2"
    assert loads(p.raw)["id"] == "790000000000000001" and loads(p.raw)["author.username"] == "mosul_watch"

    rt = got[790000000000000002]
    assert rt.kind == "retweet" and rt.retweet_of == 780000000000000001
    assert rt.text == "RT @iraq_thinker: الموصل هي العراق مصغراً #تحرير_الموصل" and rt.text_full
    assert rt.mentions[0].handle == "iraq_thinker" and rt.mentions[0].user_id == 44000001
    assert rt.like_count == 0  # the 900 in its row are the original's

    cut = got[790000000000000003]
    assert cut.kind == "retweet" and not cut.text_full and cut.text.startswith("RT @gone: ")

    reply = got[790000000000000004]
    assert (reply.kind, reply.reply_to, reply.reply_to_user_id, reply.reply_to_handle) == (
        "reply", 780000000000000003, 55, "civil_aid")
    assert [m.handle for m in reply.mentions] == ["civil_aid"]

    quote = got[790000000000000005]
    assert quote.kind == "quote" and quote.quote_of == 780000000000000004
    assert quote.text == "We're coming, Mosul https://twitter.com/iraq_thinker/status/780000000000000004"

    author = users(items)[0]
    assert (author.id, author.handle, author.bio, author.followers_count, author.verified) == (
        2244994945, "mosul_watch", "News from Nineveh\nand beyond", 10, False)
    assert len(users(items)) == 1  # the same author on every row is said once
    assert not problems(items)


def test_twarc_csv_in_a_txt_file_is_recognised_and_a_text_file_is_not(tmp_path):
    assert detect(write_twarc(tmp_path / "export.txt"))[1].name == "csv"
    prose = tmp_path / "notes.txt"
    prose.write_text("Notes from the Mosul offensive, day one.\nTroops entered the eastern districts, "
                     "residents said; more later.\n", encoding="utf-8")
    assert detect(prose)[1] is None
    header_only_words = tmp_path / "list.txt"
    header_only_words.write_text("apples, pears\nplums, figs\n", encoding="utf-8")
    assert detect(header_only_words)[1] is None


def test_spreadsheet_mangled_id_is_a_problem_for_that_row_only(tmp_path):
    rows = [TWARC_ROWS[0], twarc_row("7.9E+17", "rounded by a spreadsheet"), TWARC_ROWS[3],
            twarc_row("", "no id at all"), twarc_row("790000000000000009", "bad date", created_at="yesterday-ish")]
    items = parse(write_twarc(tmp_path / "excel.csv", rows))
    assert set(collected(items)) == {790000000000000001, 790000000000000004}
    assert [(p.location, p.reason) for p in problems(items)] == [
        ("line 3", "the id '7.9E+17' was rounded by a spreadsheet (scientific notation or decimals): "
                   "the exact id is lost"),
        ("line 5", "no id"),
        ("line 6", "the date 'yesterday-ish' cannot be read"),
    ]


def test_bom_crlf_and_other_delimiters(tmp_path):
    for name, kw in [("bom.csv", {"bom": True, "lineterminator": "\r\n"}),
                     ("semicolon.csv", {"delimiter": ";"}),
                     ("tabs.tsv", {"delimiter": "\t", "lineterminator": "\r\n"})]:
        items = parse(write_twarc(tmp_path / name, **kw), expect="csv")
        assert list(collected(items)) == [790000000000000001 + i for i in range(5)], name
        assert not problems(items), name


def test_ids_are_exact_integers(tmp_path):
    big = "1999999999999999999"
    (p,) = collected(parse(write_twarc(tmp_path / "big.csv", [twarc_row(big, "x", author_id=big)]))).values()
    assert p.id == int(big) and p.author_id == int(big) and type(p.id) is int


# -- the old archive's tweets.csv --------------------------------------------


@needs_grailbird
def test_archive_tweets_csv():
    items = parse(GRAILBIRD / "tweets.csv", expect="csv")
    got = collected(items)
    assert len(got) == 2313
    assert sum(p.kind == "retweet" for p in got.values()) == 23
    assert sum(p.kind == "reply" for p in got.values()) == 5
    assert not problems(items)
    first = got[1045433493952638976]
    assert first.location == "line 2" and first.created_at.isoformat() == "2018-09-27T22:02:22+00:00"
    assert first.text == ("CongressEdits Wikipedia article edited anonymously from US House of Representatives "
                          "https://en.wikipedia.org/w/index.php?diff=861502063&oldid=853877135 "
                          "pic.twitter.com/oWZYc7aREV")
    assert first.source_app == "anon-wikipedia"
    # the account comes from data/js/user_details.js beside the CSV
    assert (first.author_id, first.author_handle) == (2612261960, "congressedits")
    assert any(u.handle == "congressedits" for u in users(items))
    # &amp; is decoded
    assert got[976861891300556800].text.startswith("Gnomeo & Juliet Wikipedia article")


@needs_grailbird
def test_archive_tweets_csv_text_with_a_newline_and_line_numbers():
    with open(GRAILBIRD / "tweets.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        multi = None
        while True:
            start = reader.line_num + 1
            row = next(reader)
            if "\n" in row[5]:
                multi = (int(row[0]), start, row[5])
                break
    pid, line, text = multi
    got = collected(parse(GRAILBIRD / "tweets.csv"))
    assert got[pid].location == f"line {line}"
    assert "\n" in got[pid].text
    # every row after the one spanning two lines still starts where it says
    after = [p for p in got.values() if int(p.location.split()[1]) > line]
    assert after and all(int(p.location.split()[1]) > line + 1 for p in after)


@needs_grailbird
def test_archive_retweets_point_at_their_originals():
    items = parse(GRAILBIRD / "tweets.csv")
    got = collected(items)
    rts = [p for p in got.values() if p.kind == "retweet"]
    originals = {p.id: p for p in posts(items) if not p.collected}
    assert len(rts) == 23 and len(originals) == 23
    for rt in rts:
        o = originals[rt.retweet_of]
        assert rt.text.startswith(f"RT @{o.author_handle}: ")
        assert rt.text_full == (not rt.text.endswith("…")) == o.text_full
        assert o.created_at is not None and o.author_id is not None


def test_archive_csv_alone_has_no_author(tmp_path):
    path = tmp_path / "tweets.csv"
    header = ["tweet_id", "in_reply_to_status_id", "in_reply_to_user_id", "timestamp", "source", "text",
              "retweeted_status_id", "retweeted_status_user_id", "retweeted_status_timestamp", "expanded_urls"]
    rows = [{"tweet_id": "790000000000000001", "timestamp": "2016-10-17 05:12:00 +0000",
             "source": '<a href="https://mobile.twitter.com" rel="nofollow">Mobile Web</a>',
             "text": "#FreeMosul two links https://t.co/a1 and https://t.co/b2",
             "expanded_urls": "https://example.org/a?x=1,2,https://example.org/b"},
            {"tweet_id": "790000000000000002", "in_reply_to_status_id": "790000000000000001",
             "in_reply_to_user_id": "9", "timestamp": "2016-10-17 06:00:00 +0000",
             "text": "@someone thanks &amp; stay safe"}]
    write_csv(path, header, rows)
    items = parse(path, expect="csv")
    a, b = collected(items).values()
    assert (a.author_id, a.author_handle) == (None, None) and not users(items)
    assert a.text == "#FreeMosul two links https://example.org/a?x=1,2 and https://example.org/b"
    assert a.hashtags == ["FreeMosul"] and a.source_app == "Mobile Web"
    assert b.kind == "reply" and b.reply_to == a.id and b.reply_to_user_id == 9
    assert b.text == "@someone thanks & stay safe" and [m.handle for m in b.mentions] == ["someone"]


# -- other CSVs ---------------------------------------------------------------


def test_generic_csv_with_common_names(tmp_path):
    path = tmp_path / "export.csv"
    write_csv(path, ["Tweet ID", "Date", "Username", "Full Text", "Likes", "Retweets", "Language"], [
        {"Tweet ID": "790000000000000001", "Date": "17/10/2016 05:12", "Username": "@mosul_watch",
         "Full Text": "بدأت عملية #تحرير_الموصل\nمع @iraqi_army", "Likes": "1,204", "Retweets": "3.0",
         "Language": "ar"},
        {"Tweet ID": "'790000000000000002", "Date": "1476681120", "Username": "https://twitter.com/other",
         "Full Text": "epoch seconds and a text-marked id", "Likes": "", "Retweets": "", "Language": ""},
    ])
    items = parse(path, expect="csv")
    a, b = collected(items).values()
    assert a.text == "بدأت عملية #تحرير_الموصل\nمع @iraqi_army" and a.lang == "ar"
    assert a.author_handle == "mosul_watch" and a.hashtags == ["تحرير_الموصل"]
    assert [m.handle for m in a.mentions] == ["iraqi_army"]
    assert (a.like_count, a.retweet_count) == (1204, 3)
    assert a.created_at.isoformat() == "2016-10-17T05:12:00+00:00"
    assert b.id == 790000000000000002 and b.author_handle == "other"
    assert b.created_at.isoformat() == "2016-10-17T05:12:00+00:00"


def test_generic_csv_found_by_content_not_name(tmp_path):
    path = tmp_path / "data.dat"
    write_csv(path, ["status_id", "created_at", "screen_name", "text"],
              [{"status_id": "1", "created_at": "2016-10-17T05:12:00Z", "screen_name": "a", "text": "hi"}])
    assert detect(path)[1].name == "csv"


def test_columns_named_by_the_user(tmp_path):
    path = tmp_path / "custom.csv"
    write_csv(path, ["Post Number", "When", "Message", "Who"],
              [{"Post Number": "790000000000000001", "When": "2017-06-21 18:00", "Message": "al-Nuri mosque",
                "Who": "mosul_watch"}])
    items = parse(path, expect="csv")
    assert posts(items) == []
    (prob,) = problems(items)
    assert prob.location == "the file"
    for word in ("Post Number", "When", "Message", "Who", "--id-column", "--date-column", "--text-column"):
        assert word in prob.reason
    options = ParseOptions(csv_id_column="Post Number", csv_date_column="When", csv_text_column="Message",
                           csv_author_column="Who")
    (p,) = posts(parse(path, options))
    assert (p.id, p.text, p.author_handle) == (790000000000000001, "al-Nuri mosque", "mosul_watch")
    wrong = problems(parse(path, ParseOptions(csv_id_column="Nope", csv_date_column="When",
                                              csv_text_column="Message")))
    assert len(wrong) == 1 and "'Nope'" in wrong[0].reason


def test_broken_rows_are_reported_and_the_rest_import(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(
        "id,created_at,text\n"
        "1,2016-10-17T05:12:00Z,fine\n"
        "2,2016-10-17T05:13:00Z,an, unquoted, comma\n"
        "3,2016-10-17T05:14:00Z,\"a quoted\ntext over two lines\"\n"
        "\n"
        "4\n"
        "5,2016-10-17T05:15:00Z,\"an unclosed quote\n" + "".join(f"{n},2016-10-17,row {n}\n" for n in range(6, 500)),
        encoding="utf-8")
    items = parse(path)
    got = collected(items)
    assert list(got) == [1, 3]
    assert got[3].text == "a quoted\ntext over two lines" and got[3].location == "line 4"
    reasons = [(p.location, p.reason.split(" (")[0]) for p in problems(items)]
    assert reasons == [
        ("line 3", "5 fields where the header has 3"),
        ("line 7", "only 1 fields where the header has 3"),
        ("line 8", "a quoted field runs on from line 8 to line 502"),
    ]


def test_a_huge_field_and_odd_encodings(tmp_path):
    huge = "x" * 2_000_000
    path = tmp_path / "huge.csv"
    write_csv(path, ["id", "date", "text", "notes"],
              [{"id": "1", "date": "2016-10-17", "text": "big notes", "notes": huge},
               {"id": "2", "date": "2016-10-18", "text": "after", "notes": ""}])
    assert list(collected(parse(path))) == [1, 2]

    # "Unicode Text" as a spreadsheet saves it: UTF-16 with a BOM, tab-separated
    u16 = tmp_path / "excel.txt"
    write_csv(u16, ["id", "date", "text"], [{"id": "1", "date": "2016-10-17", "text": "الموصل"}],
              delimiter="\t", encoding="utf-16", lineterminator="\r\n")
    (p,) = posts(parse(u16, expect="csv"))
    assert p.text == "الموصل"

    cp = tmp_path / "windows.csv"
    write_csv(cp, ["id", "date", "text"], [{"id": "1", "date": "2016-10-17", "text": "café – naïve"}],
              encoding="cp1252")
    (p,) = posts(parse(cp, expect="csv"))
    assert p.text == "café – naïve"


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header = tmp_path / "header.csv"
    header.write_text("id,created_at,text\n", encoding="utf-8")
    assert [p.reason for p in problems(parse(header))] == ["a CSV header with no rows: no tweets"]
    src, fmt = detect(empty)
    if fmt is not None:  # another reader may claim an empty file first; either way no crash, no posts
        assert not posts(list(fmt.parse(src, ParseOptions())))


def test_excel_separator_line_and_trailing_delimiters(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("sep=;\r\nid;created_at;text;\r\n1;2016-10-17 05:12;الموصل;\r\n2;2016-10-17 05:13;ok;\r\n",
                    encoding="utf-8")
    items = parse(path, expect="csv")
    assert [(p.id, p.text, p.location) for p in posts(items)] == [(1, "الموصل", "line 3"), (2, "ok", "line 4")]
    assert not problems(items)


def test_csvs_of_other_things_say_what_they_are(tmp_path):
    users_csv = write_csv(tmp_path / "users.csv", ["id", "created_at", "username", "name", "description",
                                                   "public_metrics.followers_count"],
                          [{"id": "1", "created_at": "2014-01-01T00:00:00.000Z", "username": "a"}])
    counts_csv = write_csv(tmp_path / "counts.csv", ["start", "end", "tweet_count"],
                           [{"start": "2021-10-16T18:00:00.000Z", "end": "2021-10-16T19:00:00.000Z",
                             "tweet_count": "3"}])
    assert [p.reason for p in problems(parse(users_csv))] == ["a CSV of users: no tweets"]
    assert [p.reason for p in problems(parse(counts_csv))] == ["a CSV of tweet counts: no tweets"]


def test_a_csv_without_an_id_column_takes_the_id_from_the_tweet_url(tmp_path):
    # snscrape's tweets written out with pandas: `url`, `date`, `rawContent`, `user` as a dict
    path = write_csv(tmp_path / "snscrape.csv", ["url", "date", "rawContent", "user", "likeCount"], [
        {"url": "https://twitter.com/mosul_watch/status/790000000000000001", "date": "2016-10-17 05:12:00+00:00",
         "rawContent": "الموصل", "user": "{'_type': 'snscrape.modules.twitter.User', 'username': 'mosul_watch', "
                                            "'id': 2244994945, 'displayname': 'Mosul Watch'}", "likeCount": "7"},
        {"url": "https://twitter.com/mosul_watch", "date": "2016-10-17 05:13:00+00:00", "rawContent": "x"},
    ])
    items = parse(path, expect="csv")
    (p,) = posts(items)
    assert (p.id, p.author_handle, p.author_id, p.like_count) == (790000000000000001, "mosul_watch", 2244994945, 7)
    (prob,) = problems(items)
    assert prob.location == "line 3" and "no tweet id in the URL" in prob.reason
