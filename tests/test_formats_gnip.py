"""Gnip Activity Streams: every page shape, system messages as notices, and
twitterdev's real examples."""
from __future__ import annotations

import gzip
import json
from collections import Counter

from formats_helpers import fetched, jsonl, needs_testdata, parse, write


def activity(aid: str, body: str, **extra) -> dict:
    a = {"id": f"tag:search.twitter.com,2005:{aid}", "objectType": "activity", "verb": "post",
         "postedTime": "2016-10-17T05:12:00.000Z", "body": body, "link": f"http://twitter.com/reporter/statuses/{aid}",
         "actor": {"objectType": "person", "id": "id:twitter.com:7", "preferredUsername": "reporter",
                   "displayName": "Reporter", "summary": "Front line", "followersCount": 10, "friendsCount": 2,
                   "statusesCount": 300, "postedTime": "2013-01-01T00:00:00.000Z"},
         "generator": {"displayName": "Twitter for Android"}, "twitter_lang": "en",
         "twitter_entities": {"hashtags": [], "user_mentions": [], "urls": [], "symbols": []}}
    a.update(extra)
    return a


A1 = activity("5000000001", "Flag over Hamidiyya #FreeMosul")
A2 = activity("5000000002", "@civil_aid how many left?",
              inReplyTo={"link": "http://twitter.com/civil_aid/statuses/5000000000"})


def test_one_activity_per_line(tmp_path):
    parsed = parse(jsonl(tmp_path / "g.json", [A1, A2]))
    assert parsed.formats == {"g.json": "json"}
    p, r = parsed.collected[5000000001], parsed.collected[5000000002]
    assert p.kind == "post" and p.hashtags == ["FreeMosul"] and p.author_handle == "reporter" and p.author_id == 7
    assert p.source_app == "Twitter for Android" and p.lang == "en"
    assert p.created_at.isoformat().startswith("2016-10-17")
    assert r.kind == "reply" and r.reply_to == 5000000000 and r.reply_to_handle == "civil_aid"


def test_search_api_results_page(tmp_path):
    page = {"results": [A1, A2], "next": "abc", "requestParameters": {"maxResults": 100}}
    parsed = parse(jsonl(tmp_path / "page.json", [page]))
    assert set(parsed.collected) == {5000000001, 5000000002} and not parsed.problems
    assert parsed.collected[5000000002].location == "line 1, results[1]"


def test_activities_page_pretty_printed(tmp_path):
    parsed = parse(write(tmp_path / "page.json", json.dumps({"activities": [A1, A2]}, indent=2)))
    assert set(parsed.collected) == {5000000001, 5000000002}


def test_gzipped_stream(tmp_path):
    path = tmp_path / "g.json.gz"
    path.write_bytes(gzip.compress(("\n".join(json.dumps(a) for a in [A1, A2]) + "\n").encode()))
    assert set(parse(path).collected) == {5000000001, 5000000002}


def test_system_message_is_a_notice_not_a_failure(tmp_path):
    info = {"info": {"message": "Replay Request Completed", "sent": "2016-10-18T00:00:00Z", "activity_count": 2}}
    parsed = parse(jsonl(tmp_path / "g.json", [A1, A2, info]))
    assert len(parsed.collected) == 2
    [notice] = parsed.problems
    assert notice.notice and "Replay Request Completed" in notice.reason and "2 activities" in notice.reason


def test_share_is_a_retweet_with_its_original_stored_as_referenced(tmp_path):
    original = activity("5000000003", "Mosul is Iraq in miniature #Mosul",
                        actor={"id": "id:twitter.com:8", "preferredUsername": "iraq_thinker"})
    share = activity("5000000004", "RT @iraq_thinker: Mosul is Iraq in min…", verb="share", object=original)
    parsed = parse(jsonl(tmp_path / "g.json", [share]))
    rt = parsed.collected[5000000004]
    assert rt.kind == "retweet" and rt.retweet_of == 5000000003 and rt.text_full
    assert rt.text == "RT @iraq_thinker: Mosul is Iraq in miniature #Mosul" and rt.hashtags == ["Mosul"]
    [orig] = [p for p in parsed.posts if p.id == 5000000003]
    assert not orig.collected and orig.author_handle == "iraq_thinker"


def test_long_object_text_wins(tmp_path):
    long = activity("5000000005", "cut at 140 chars…", long_object={"body": "the whole long text #FreeMosul",
                                                                    "twitter_entities": {"hashtags": []}})
    p = parse(jsonl(tmp_path / "g.json", [long])).collected[5000000005]
    assert p.text == "the whole long text #FreeMosul" and p.hashtags == ["FreeMosul"]


def test_quote_and_unwound_urls(tmp_path):
    quoted = activity("5000000006", "the quoted one")
    q = activity("5000000007", "look https://t.co/abc", twitter_quoted_status=quoted,
                 twitter_entities={"urls": [{"url": "https://t.co/abc", "expanded_url": None}]},
                 gnip={"urls": [{"url": "https://t.co/abc", "expanded_url": "https://example.org/story"}]})
    p = parse(jsonl(tmp_path / "g.json", [q])).collected[5000000007]
    assert p.kind == "quote" and p.quote_of == 5000000006
    assert p.text == "look https://example.org/story"


@needs_testdata("gnip-tweet-parser")
def test_twitterdev_examples_give_their_posts_and_kinds():
    # Counted over the raw JSON (README in the data folder): 25 activities,
    # 3 shares, 8 quotes, 3 replies that quote nothing, 4 originals carried
    # only inside others.
    parsed = parse(fetched("gnip-tweet-parser") / "activity_streams_examples.json")
    assert len(parsed.collected) == 25 and not parsed.problems
    assert Counter(p.kind for p in parsed.collected.values()) == Counter(
        {"post": 11, "quote": 8, "retweet": 3, "reply": 3})
    assert len({p.id for p in parsed.posts} - set(parsed.collected)) == 4
