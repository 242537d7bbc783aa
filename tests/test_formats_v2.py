"""Twitter API v2 (twarc2): response pages and flattened tweets."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from formats_csv_helpers import CORPORA, collected, detect, parse, posts, problems, referenced_only, users
from viewer.formats.common import loads

TWARC = CORPORA / "twarc-csv"
needs_twarc = pytest.mark.skipif(not TWARC.is_dir(), reason="../shared/corpora/twarc-csv is absent")

# The corpus README's table: file → (tweets, referenced only).
CORPUS_COUNTS = {
    "brexit.jsonl": (100, 55),
    "cashtags.jsonl": (1, 0),
    "cotweet.jsonl": (1, 0),
    "counts.jsonl": (0, 0),
    "edited.jsonl": (1, 1),
    "edited_before.jsonl": (1, 1),
    "edited_after.jsonl": (1, 1),
    "empty.json": (0, 0),
    "entities_test.jsonl": (474, 176),
    "flat.jsonl": (100, 64),
    "noflat.jsonl": (100, 64),
    "geo_tweets.jsonl": (2, 1),
    "lists.jsonl": (0, 0),
    "many_urls.jsonl": (1, 1),
    "media_policy_violation_off.jsonl": (100, 61),
    "media_tweet.jsonl": (1, 0),
    "mentions_tweet.jsonl": (1, 1),
    "quoted_edit.jsonl": (1, 2),
    "streaming_output_with_error.jsonl": (7, 4),
    "two_tweets.jsonl": (1, 1),
    "users.jsonl": (0, 52),
    "verified_type.jsonl": (1, 0),
}


def write_lines(path: Path, *objs) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), encoding="utf-8")
    return path


def one(items, pid):
    found = [p for p in posts(items) if p.id == pid]
    assert found, f"no post {pid}"
    return found[0]


# -- the real corpus --------------------------------------------------------


@needs_twarc
def test_every_corpus_file_is_in_the_table():
    on_disk = {p.name for p in TWARC.iterdir() if p.suffix in (".json", ".jsonl")}
    assert on_disk == set(CORPUS_COUNTS)


@needs_twarc
@pytest.mark.parametrize("name", sorted(CORPUS_COUNTS))
def test_corpus_file_gives_the_readme_counts(name):
    tweets, ref_only = CORPUS_COUNTS[name]
    items = parse(TWARC / name)
    assert len(collected(items)) == tweets
    assert len(referenced_only(items)) == ref_only
    for p in posts(items):
        assert isinstance(p.id, int) and p.raw and p.location.startswith("line ")


@needs_twarc
@pytest.mark.parametrize("name,reason", [
    ("counts.jsonl", "a tweet counts response, not tweets"),
    ("lists.jsonl", "lists: no tweets"),
    ("users.jsonl", "a users lookup: no tweets"),
    ("empty.json", "empty file: no tweets"),
])
def test_files_without_tweets_are_reported_not_raised(name, reason):
    items = parse(TWARC / name)
    assert reason in [p.reason for p in problems(items)]


@needs_twarc
def test_lists_file_reports_each_page():
    items = parse(TWARC / "lists.jsonl")
    assert [(p.location, p.reason) for p in problems(items)] == [
        ("line 1", "lists: no tweets"), ("line 2", "lists: no tweets")]


@needs_twarc
def test_users_lookup_keeps_users_and_pinned_posts():
    items = parse(TWARC / "users.jsonl")
    assert not collected(items)
    assert len({u.id for u in users(items)}) == 91  # 96 entries, 5 of them repeated
    pinned = [p for p in posts(items) if not p.collected]
    assert len(pinned) == 52 and all(p.location.startswith("line 1, includes.tweets[") for p in pinned)
    # the 8 pinned tweets the API could not find are reported beside the data
    assert sum(p.location.startswith("line 1, errors[") for p in problems(items)) == 8


@needs_twarc
def test_streaming_file_with_a_broken_line():
    items = parse(TWARC / "streaming_output_with_error.jsonl")
    probs = problems(items)
    assert [p.location for p in probs] == ["line 8"]
    assert "not valid JSON" in probs[0].reason
    # a filtered-stream page holds one tweet in `data`, not a list
    assert {p.location for p in posts(items) if p.collected} == {f"line {n}, data" for n in range(1, 8)}


@needs_twarc
def test_partial_errors_are_reported_and_the_data_kept():
    items = parse(TWARC / "entities_test.jsonl")
    errs = [p for p in problems(items) if ", errors[" in p.location]
    assert len(errs) == 11
    assert errs[0].location == "line 1, errors[0]"
    assert "Could not find tweet with referenced_tweets.id" in errs[0].reason
    assert len(collected(items)) == 474


@needs_twarc
def test_flat_and_noflat_give_the_same_posts():
    flat, noflat = parse(TWARC / "flat.jsonl"), parse(TWARC / "noflat.jsonl")

    def view(items):
        out = {}
        for p in posts(items):
            if p.id not in out or p.collected:
                out[p.id] = (p.collected, p.text, p.text_full, p.kind, p.author_handle, p.retweet_of, p.quote_of,
                             p.reply_to, p.hashtags, [m.handle for m in p.mentions], [m.key for m in p.media])
        return out

    a, b = view(flat), view(noflat)
    assert set(a) == set(b) and len(a) == 164
    assert a == b
    # raw and location of a flattened line are the line itself
    first = posts(flat)[0]
    assert first.location == "line 1" and loads(first.raw)["id"] == str(first.id)


@needs_twarc
def test_retweet_gets_its_originals_whole_text():
    items = parse(TWARC / "brexit.jsonl")
    rt = one(items, 1440716856763977732)
    orig = one(items, 1440713161355583489)
    assert rt.kind == "retweet" and rt.retweet_of == orig.id and rt.collected
    assert not orig.collected and orig.location == "line 1, includes.tweets[0]"
    assert rt.text == "RT @carolJhedges: " + orig.text
    assert rt.text_full and "#BorisTheLiar" in rt.text and not rt.text.endswith("…")
    assert set(orig.hashtags) <= set(rt.hashtags)
    assert rt.mentions[0].handle == "carolJhedges" and rt.mentions[0].user_id == 711945679
    assert rt.location == "line 1, data[1]"
    assert loads(rt.raw)["id"] == "1440716856763977732"
    # the attached photo's link shows in its display form
    assert orig.text.endswith("pic.twitter.com/IeqDhr3WET") and "t.co/" not in orig.text


@needs_twarc
def test_retweet_of_a_renamed_account_uses_the_current_handle():
    items = parse(TWARC / "entities_test.jsonl")
    rt = one(items, 1574186754151972864)
    # the cut text says "RT @GuessWho9900:", the original's author is now @yi__benevolence
    assert rt.text.startswith("RT @yi__benevolence: @Marcella_IsBack")
    assert rt.text_full and rt.mentions[0].handle == "yi__benevolence"
    assert loads(rt.raw)["text"].startswith("RT @GuessWho9900:")


@needs_twarc
def test_reply_place_and_user_fields():
    items = parse(TWARC / "geo_tweets.jsonl")
    reply = one(items, 1501963039859363843)
    assert reply.kind == "reply" and reply.reply_to == 1501958949863661574
    assert reply.reply_to_user_id == 2919151 and reply.reply_to_handle == "j2bryson"
    assert reply.place == "Berlin, Germany"
    assert reply.created_at.isoformat() == "2022-03-10T16:47:48+00:00"
    assert reply.source_app == "Twitter Web App" and reply.lang == "en"
    assert [u.expanded for u in reply.urls] == ["https://twarc-project.readthedocs.io/en/latest/twarc2_en_us/"]
    assert "https://twarc-project.readthedocs.io/en/latest/twarc2_en_us/" in reply.text
    igor = [u for u in users(items) if u.handle == "IgorBrigadir"][0]
    assert igor.id == 495430242 and igor.followers_count is not None and igor.created_at is not None


@needs_twarc
def test_media_from_includes():
    items = parse(TWARC / "media_tweet.jsonl")
    (p,) = collected(items).values()
    (m,) = p.media
    assert m.key == "1558552952549277696" and m.type == "video"
    assert m.url.startswith("https://pbs.twimg.com/ext_tw_video_thumb/") and (m.width, m.height) == (1280, 720)
    assert p.text == "She's GOING with it! 🐍 pic.twitter.com/uXqSAGWkWJ"


@needs_twarc
def test_earlier_version_of_an_edited_post_is_referenced_only():
    items = parse(TWARC / "edited.jsonl")
    assert set(collected(items)) == {1576994789110992896}
    assert referenced_only(items) == {1576994746135764992}
    # the collected post also sits in includes.tweets: stored once, as collected
    assert [p.collected for p in posts(items) if p.id == 1576994789110992896] == [True]


# -- pages written here -----------------------------------------------------

USER = {"id": "2244994945", "username": "mosul_watch", "name": "Mosul Watch", "description": "News & more https://t.co/bio",
        "entities": {"description": {"urls": [{"url": "https://t.co/bio", "expanded_url": "https://example.org/"}]}},
        "public_metrics": {"followers_count": 10, "following_count": 2, "tweet_count": 300, "listed_count": 1},
        "verified": False, "created_at": "2014-01-01T00:00:00.000Z", "location": "Nineveh",
        "profile_image_url": "https://pbs.twimg.com/profile_images/1/x_normal.jpg"}


def tweet(tid, text, **kw):
    t = {"id": str(tid), "text": text, "author_id": "2244994945", "created_at": "2016-10-17T05:12:00.000Z",
         "edit_history_tweet_ids": [str(tid)], "lang": "ar", "conversation_id": str(tid),
         "public_metrics": {"retweet_count": 3, "reply_count": 1, "like_count": 9, "quote_count": 0}}
    t.update(kw)
    return t


def test_long_post_uses_note_tweet(tmp_path):
    long_text = "بدأت معركة تحرير الموصل " * 20 + "#تحرير_الموصل"
    t = tweet(790000000000000001, long_text[:270] + "… https://t.co/self",
              entities={"urls": [{"url": "https://t.co/self",
                                  "expanded_url": "https://twitter.com/i/web/status/790000000000000001",
                                  "display_url": "twitter.com/i/web/status/7…"}]},
              note_tweet={"text": long_text, "entities": {"hashtags": [{"start": 0, "end": 5, "tag": "تحرير_الموصل"}]}})
    items = parse(write_lines(tmp_path / "long.jsonl", {"data": [t], "includes": {"users": [USER]}}), expect="json")
    (p,) = posts(items)
    assert p.text == long_text and p.text_full and p.hashtags == ["تحرير_الموصل"]


def test_long_post_without_note_tweet_is_marked_cut(tmp_path):
    t = tweet(790000000000000002, "a long post that goes on and on… https://t.co/self",
              entities={"urls": [{"url": "https://t.co/self",
                                  "expanded_url": "https://twitter.com/i/web/status/790000000000000002"}]})
    (p,) = posts(parse(write_lines(tmp_path / "cut.jsonl", {"data": [t]})))
    assert not p.text_full


def test_retweet_without_its_original_keeps_the_cut_text(tmp_path):
    t = tweet(790000000000000003, "RT @someone: the start of a long post that Twitter cut at one hundred and forty…",
              referenced_tweets=[{"type": "retweeted", "id": "780000000000000001"}])
    (p,) = posts(parse(write_lines(tmp_path / "rt.jsonl", {"data": [t], "includes": {"users": [USER]}})))
    assert p.kind == "retweet" and p.retweet_of == 780000000000000001
    assert not p.text_full and p.text.startswith("RT @someone: ")


def test_entities_are_decoded_and_links_expanded(tmp_path):
    t = tweet(790000000000000004, "Q&amp;A on #Mosul &gt; https://t.co/abc @civil_aid https://t.co/pic",
              entities={"urls": [{"url": "https://t.co/abc", "expanded_url": "https://example.org/qa",
                                  "display_url": "example.org/qa"},
                                 {"url": "https://t.co/pic", "expanded_url": "https://twitter.com/x/status/1/photo/1",
                                  "display_url": "pic.twitter.com/pic", "media_key": "3_1111"}],
                        "hashtags": [{"tag": "Mosul"}],
                        "mentions": [{"username": "civil_aid"}]},
              attachments={"media_keys": ["3_1111", "16_2222"]})
    page = {"data": [t], "includes": {
        "users": [USER, {"id": "99", "username": "civil_aid", "name": "Civil Aid"}],
        "media": [{"media_key": "3_1111", "type": "photo", "url": "https://pbs.twimg.com/media/A.jpg",
                   "alt_text": "a convoy", "width": 10, "height": 20}]}}
    (p,) = posts(parse(write_lines(tmp_path / "ents.jsonl", page)))
    assert p.text == "Q&A on #Mosul > https://example.org/qa @civil_aid pic.twitter.com/pic"
    assert p.hashtags == ["Mosul"]
    assert [(m.handle, m.user_id) for m in p.mentions] == [("civil_aid", 99)]  # id found by username
    assert [(u.url, u.expanded) for u in p.urls] == [("https://t.co/abc", "https://example.org/qa")]
    photo, gif = p.media
    assert (photo.key, photo.type, photo.url, photo.alt_text, photo.width) == (
        "1111", "photo", "https://pbs.twimg.com/media/A.jpg", "a convoy", 10)
    # a key the includes lack still lands, its type read from the key
    assert (gif.key, gif.type, gif.url) == ("2222", "animated_gif", None)
    assert (p.author_handle, p.author_name, p.lang) == ("mosul_watch", "Mosul Watch", "ar")
    assert (p.retweet_count, p.reply_count, p.like_count, p.quote_count) == (3, 1, 9, 0)
    (u, _) = users(parse(tmp_path / "ents.jsonl"))
    assert u.bio == "News & more https://example.org/" and u.location == "Nineveh"


def test_quote_and_reply_kinds(tmp_path):
    quote_reply = tweet(790000000000000005, "look", in_reply_to_user_id="5",
                        referenced_tweets=[{"type": "replied_to", "id": "780000000000000002"},
                                           {"type": "quoted", "id": "780000000000000003"}])
    page = {"data": [quote_reply], "includes": {"users": [USER, {"id": "5", "username": "asker"}],
                                               "tweets": [tweet(780000000000000003, "the quoted post", author_id="5")]}}
    items = parse(write_lines(tmp_path / "q.jsonl", page))
    p = one(items, 790000000000000005)
    assert p.kind == "quote" and p.quote_of == 780000000000000003 and p.reply_to == 780000000000000002
    assert (p.reply_to_user_id, p.reply_to_handle) == (5, "asker")
    q = one(items, 780000000000000003)
    assert not q.collected and q.author_handle == "asker" and q.location == "line 1, includes.tweets[0]"


def test_a_broken_tweet_does_not_stop_the_page(tmp_path):
    page = {"data": [tweet(790000000000000006, "fine"), {"text": "no id here"}, "junk",
                     tweet(790000000000000007, "also fine")],
            "includes": {"users": [USER]},
            "errors": [{"title": "Not Found Error", "detail": "Could not find user 7."}]}
    items = parse(write_lines(tmp_path / "broken.jsonl", page, {"not": "a page"}, page))
    assert set(collected(items)) == {790000000000000006, 790000000000000007}
    locs = {(p.location, p.reason.split(":")[0]) for p in problems(items)}
    assert ("line 1, data[1]", "a tweet without a usable id") in locs
    assert ("line 1, data[2]", "not a tweet (a JSON str)") in locs
    assert ("line 1, errors[0]", "an API error beside the data") in locs
    assert any(p.location == "line 2" for p in problems(items))
    assert any(p.location == "line 3, data[1]" for p in problems(items))


def test_pages_of_other_things(tmp_path):
    items = parse(write_lines(
        tmp_path / "other.jsonl",
        {"data": [{"start": "2021-10-16T18:00:00.000Z", "end": "2021-10-16T19:00:00.000Z", "tweet_count": 3}],
         "meta": {"total_tweet_count": 3}},
        {"meta": {"result_count": 0}},
        {"data": [{"id": "1", "name": "Spaces", "state": "live"}]},
        {"data": []},
    ))
    assert not posts(items)
    assert [(p.location, p.reason) for p in problems(items)] == [
        ("line 1", "a tweet counts response, not tweets"),
        ("line 2", "an empty result page: no tweets"),
        ("line 3", "not tweets: 1 object(s) with keys id, name, state"),
        ("line 4", "an empty result page: no tweets"),
    ]


def test_ids_stay_exact(tmp_path):
    big = 1999999999999999999  # past 2**53: a float would round it
    (p,) = posts(parse(write_lines(tmp_path / "big.jsonl", {"data": [tweet(big, "x", author_id=str(big - 1))]})))
    assert p.id == big and p.author_id == big - 1 and p.conversation_id == big


def test_flattened_line_with_inline_original(tmp_path):
    orig = tweet(780000000000000009, "الموصل حرة #FreeMosul", author_id="5",
                 author={"id": "5", "username": "origin", "name": "Origin"},
                 entities={"hashtags": [{"tag": "FreeMosul"}]},
                 attachments={"media_keys": ["3_77"], "media": [{"media_key": "3_77", "type": "photo",
                                                                  "url": "https://pbs.twimg.com/media/B.jpg"}]})
    flat = tweet(790000000000000010, "RT @origin: الموصل حرة…",
                 referenced_tweets=[{"type": "retweeted", **orig}],
                 author=USER, __twarc={"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0"})
    path = write_lines(tmp_path / "flat.jsonl", flat)
    _, fmt = detect(path)
    assert fmt.name == "json"
    items = parse(path)
    rt, o = posts(items)
    assert rt.collected and rt.location == "line 1" and rt.raw == path.read_bytes().strip()
    assert rt.text == "RT @origin: الموصل حرة #FreeMosul" and rt.text_full and rt.hashtags == ["FreeMosul"]
    assert not o.collected and o.location == "line 1, referenced_tweets[0]" and o.media[0].key == "77"
    assert {u.handle for u in users(items)} == {"mosul_watch", "origin"}


def test_other_flattened_objects(tmp_path):
    tw = {"__twarc": {"url": "https://api.twitter.com/2/users/by", "version": "2.14.0"}}
    pinned = tweet(780000000000000010, "pinned post")
    items = parse(write_lines(
        tmp_path / "flat_other.jsonl",
        {**USER, "pinned_tweet_id": pinned["id"], "pinned_tweet": pinned, **tw},
        {"start": "2021-10-16T18:00:00.000Z", "end": "2021-10-16T19:00:00.000Z", "tweet_count": 3, **tw},
        {"id": "1354802865349435396", "name": "a list", "owner_id": "1", "member_count": 3, **tw},
    ))
    assert [(p.location, p.reason) for p in problems(items)] == [
        ("line 1", "a user, not a tweet"),
        ("line 2", "a tweet counts response, not tweets"),
        ("line 3", "lists: no tweets"),
    ]
    (p,) = posts(items)
    assert p.id == 780000000000000010 and not p.collected and p.location == "line 1, pinned_tweet"
    assert [u.handle for u in users(items)] == ["mosul_watch"]


def test_an_account_repeated_unchanged_page_after_page_is_read_once_and_again_when_it_changes(tmp_path):
    author = {"id": "2244994945", "username": "reporter_mosul", "name": "Reporter",
              "public_metrics": {"followers_count": 10}}
    changed = {**author, "public_metrics": {"followers_count": 11}}

    def page(tid: str, who: dict) -> dict:
        return {"data": [{"id": tid, "text": f"bridge {tid}", "author_id": who["id"]}],
                "includes": {"users": [who]}}

    path = write_lines(tmp_path / "pages.jsonl", page("11", author), page("12", author), page("13", author),
                       page("14", changed), page("15", author))
    found = users(parse(path))
    assert [u.followers_count for u in found] == [10, 11, 10]
    assert {p.author_handle for p in posts(parse(path))} == {"reporter_mosul"}
