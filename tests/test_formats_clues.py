"""One post builder: entities from the text and the kind from every clue,
the same in every format."""
from __future__ import annotations

import json

from formats_csv_helpers import write_csv
from formats_helpers import jsonl, parse, status, write


def one(path, pid):
    return parse(path).collected[pid]


def test_minimal_v1_status_gets_its_hashtags_and_mentions_from_the_text(tmp_path):
    # A 2009-era status: id, created_at, text, user, and no entities at all.
    rec = {"id": 4000000001, "created_at": "Mon Oct 12 05:12:00 +0000 2009",
           "text": "Flag over Hamidiyya #FreeMosul @civil_aid #تحرير_الموصل $AAPL https://example.org/x",
           "user": {"id": 7, "screen_name": "reporter"}}
    p = one(jsonl(tmp_path / "old.jsonl", [rec]), 4000000001)
    assert p.hashtags == ["FreeMosul", "تحرير_الموصل"]
    assert [m.handle for m in p.mentions] == ["civil_aid"]
    assert p.cashtags == ["AAPL"] and [u.expanded for u in p.urls] == ["https://example.org/x"]


def test_record_entities_win_for_display_form(tmp_path):
    rec = status("4000000002", "#freemosul and #Mosul",
                 entities={"hashtags": [{"text": "freemosul", "indices": [0, 10]}], "user_mentions": [], "urls": []})
    p = one(jsonl(tmp_path / "s.jsonl", [rec]), 4000000002)
    assert p.hashtags == ["freemosul", "Mosul"]


def test_v2_tweet_without_entities_gets_them_from_text(tmp_path):
    page = {"data": [{"id": "4000000003", "text": "We're coming, Mosul #قادمون_يا_نينوى @civil_aid",
                      "author_id": "9", "created_at": "2016-10-17T05:12:00.000Z"}],
            "includes": {"users": [{"id": "9", "username": "reporter", "name": "R"}]}}
    p = one(jsonl(tmp_path / "v2.jsonl", [page]), 4000000003)
    assert p.hashtags == ["قادمون_يا_نينوى"] and [m.handle for m in p.mentions] == ["civil_aid"]


def test_retweeted_original_gets_text_entities_too(tmp_path):
    original = {"id_str": "4000000010", "text": "the original #Mosul", "created_at": "Mon Oct 17 05:00:00 +0000 2016",
                "user": {"id_str": "8", "screen_name": "iraq_thinker"}}
    rt = {"id_str": "4000000011", "text": "RT @iraq_thinker: the original #Mosul",
          "created_at": "Mon Oct 17 05:12:00 +0000 2016", "user": {"id_str": "7", "screen_name": "reporter"},
          "retweeted_status": original}
    parsed = parse(jsonl(tmp_path / "rt.jsonl", [rt]))
    orig = next(p for p in parsed.posts if p.id == 4000000010)
    assert not orig.collected and orig.hashtags == ["Mosul"]
    assert parsed.collected[4000000011].hashtags == ["Mosul"]


def test_csv_entity_column_of_objects_is_read(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["id", "created_at", "text", "hashtags", "mentions"], [
        {"id": "4000000020", "created_at": "2016-10-17 05:12:00", "text": "Liberated #FreeMosul",
         "hashtags": json.dumps([{"start": 11, "end": 21, "tag": "FreeMosul"}]),
         "mentions": json.dumps([{"start": 0, "end": 5, "username": "civil_aid"}])}])
    p = one(path, 4000000020)
    assert p.hashtags == ["FreeMosul"] and [m.handle for m in p.mentions] == ["civil_aid"]


def test_rt_prefix_is_a_retweet_in_a_generic_csv(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["id", "created_at", "text", "screen_name"], [
        {"id": "4000000030", "created_at": "2016-10-17 05:12:00", "text": "RT @iraq_thinker: Mosul is Iraq #Mosul",
         "screen_name": "reporter"}])
    p = one(path, 4000000030)
    assert p.kind == "retweet" and p.retweet_of is None and not p.text_full
    assert [m.handle for m in p.mentions] == ["iraq_thinker"] and p.hashtags == ["Mosul"]


def test_rt_prefix_is_a_retweet_in_snscrape(tmp_path):
    rec = {"_type": "snscrape.modules.twitter.Tweet", "url": "https://twitter.com/reporter/status/4000000040",
           "date": "2016-10-17T05:12:00+00:00", "rawContent": "RT @iraq_thinker: manual retweet", "id": 4000000040,
           "user": {"_type": "snscrape.modules.twitter.User", "username": "reporter", "id": 7}}
    p = one(jsonl(tmp_path / "s.jsonl", [rec]), 4000000040)
    assert p.kind == "retweet" and [m.handle for m in p.mentions] == ["iraq_thinker"]


def test_rt_prefix_is_a_retweet_in_v2(tmp_path):
    page = {"data": [{"id": "4000000050", "text": "RT @iraq_thinker: old style", "author_id": "9"}]}
    assert one(jsonl(tmp_path / "v2.jsonl", [page]), 4000000050).kind == "retweet"


def test_tags_csv_reads_its_entities_column(tmp_path):
    ents = {"hashtags": [{"text": "FreeMosul", "indices": [20, 30]}], "symbols": [],
            "user_mentions": [{"screen_name": "iraq_thinker", "id_str": "8", "indices": [3, 16]}],
            "urls": [{"url": "https://t.co/abc", "expanded_url": "https://example.org/live", "indices": [31, 47]}]}
    header = ["id_str", "from_user", "text", "created_at", "time", "from_user_id_str", "in_reply_to_status_id_str",
              "entities_str"]
    path = write_csv(tmp_path / "tags.csv", header, [
        {"id_str": "4000000060", "from_user": "reporter", "text": "RT @iraq_thinker: up #FreeMosul https://t.co/abc",
         "created_at": "Mon Oct 17 05:12:00 +0000 2016", "time": "2016-10-17T05:12:00Z", "from_user_id_str": "7",
         "in_reply_to_status_id_str": "NA", "entities_str": json.dumps(ents)}])
    p = one(path, 4000000060)
    assert p.kind == "retweet" and p.author_handle == "reporter" and p.author_id == 7
    assert p.text == "RT @iraq_thinker: up #FreeMosul https://example.org/live"
    assert p.mentions[0].user_id == 8 and p.hashtags == ["FreeMosul"]


def test_rtweet_csv_reads_links_and_original(tmp_path):
    header = ["user_id", "status_id", "created_at", "screen_name", "text", "is_quote", "is_retweet",
              "reply_to_status_id", "quoted_status_id", "retweet_status_id", "retweet_text", "retweet_screen_name",
              "retweet_user_id", "retweet_created_at", "hashtags", "mentions_screen_name", "mentions_user_id"]
    row = {"user_id": "x7", "status_id": "x4000000070", "created_at": "2016-10-17 05:12:00",
           "screen_name": "reporter", "text": "RT @iraq_thinker: Mosul is Iraq in miniat…", "is_quote": "FALSE",
           "is_retweet": "TRUE", "retweet_status_id": "x4000000071",
           "retweet_text": "Mosul is Iraq in miniature #Mosul", "retweet_screen_name": "iraq_thinker",
           "retweet_user_id": "x8", "retweet_created_at": "2016-10-17 05:00:00", "hashtags": "Mosul",
           "mentions_screen_name": "iraq_thinker", "mentions_user_id": "x8"}
    parsed = parse(write_csv(tmp_path / "r.csv", header, [row]))
    p = parsed.collected[4000000070]
    assert p.kind == "retweet" and p.retweet_of == 4000000071 and p.author_id == 7
    assert p.text == "RT @iraq_thinker: Mosul is Iraq in miniature #Mosul" and p.text_full
    orig = next(x for x in parsed.posts if x.id == 4000000071)
    assert not orig.collected and orig.author_handle == "iraq_thinker" and orig.author_id == 8


def test_quote_and_reply_clues_in_a_generic_csv(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["id", "created_at", "text", "quoted_status_id", "in_reply_to_status_id"], [
        {"id": "4000000080", "created_at": "2016-10-17", "text": "look", "quoted_status_id": "1",
         "in_reply_to_status_id": ""},
        {"id": "4000000081", "created_at": "2016-10-17", "text": "@x yes", "quoted_status_id": "",
         "in_reply_to_status_id": "2"}])
    parsed = parse(path)
    assert parsed.collected[4000000080].kind == "quote" and parsed.collected[4000000081].kind == "reply"


def test_x_archive_entry_without_entities_gets_them(tmp_path):
    entry = {"tweet": {"id_str": "4000000090", "full_text": "#FreeMosul at last", "created_at":
                       "Mon Oct 17 05:12:00 +0000 2016"}}
    path = write(tmp_path / "data" / "tweets.js", "window.YTD.tweets.part0 = " + json.dumps([entry]))
    assert one(path, 4000000090).hashtags == ["FreeMosul"]
