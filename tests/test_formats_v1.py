"""The Twitter API v1.1 status, read from JSON lines, arrays and responses
through the registry, as the importer reads it."""
from __future__ import annotations

import json
from datetime import datetime, timezone


from formats_helpers import CORPORA, jsonl, needs, parse, status, user, write
from viewer.formats import by_name, object_format_for
from viewer.formats.common import dump
from viewer.formats.v1 import parse_status
from viewer.model import Post, User

TP = CORPORA / "v1-tweet-parser" / "test" / "tweet_payload_examples"
PT = CORPORA / "v1-python-twitter" / "testdata"
SFM = CORPORA / "v1-sfm-timeline" / "0f81e11d-user_timeline.jsonl"


# --- the real corpora ---------------------------------------------------------

@needs("v1-tweet-parser")
def test_gnip_original_format_gives_25_posts_with_their_kinds():
    got = parse(TP / "original_format_examples.json")
    assert got.formats == {"original_format_examples.json": "json"}
    assert got.problems == []
    posts = got.collected
    assert len(posts) == 25
    assert got.kinds()["retweet"] == 3
    assert got.kinds()["quote"] == 8
    # Four replies; one of them also quotes, and is counted as a quote.
    assert sum(1 for p in posts.values() if p.reply_to) == 4
    assert got.kinds()["reply"] == 3
    assert all(p.author_handle == "RobotPrincessFi" for p in posts.values())


@needs("v1-tweet-parser")
def test_gnip_truncated_posts_take_extended_tweet_full_text():
    got = parse(TP / "original_format_examples.json")
    lines = [json.loads(line) for line in (TP / "original_format_examples.json").read_text().splitlines()]
    truncated = [o for o in lines if o.get("truncated")]
    assert len(truncated) == 5
    for o in truncated:
        post = got.collected[int(o["id_str"])]
        assert post.text_full
        assert "…" not in post.text
        assert len(post.text) > len(o["text"]) - 30
    g = got.collected[867472736871866368]
    assert g.text.startswith("@notFromShrek @ericmbudd G) 140 chars & replies. Here, have some emoji nonsense:")
    assert g.text.endswith("🍾🍽")
    assert "&amp;" not in g.text


@needs("v1-tweet-parser")
def test_gnip_retweet_text_is_the_originals_full_text():
    got = parse(TP / "original_format_examples.json")
    rt = got.collected[867475059358683136]
    assert rt.kind == "retweet" and rt.retweet_of == 867471562613575680
    assert rt.text_full
    original = next(p for p in got.posts if p.id == 867471562613575680 and not p.collected)
    assert rt.text == "RT @RobotPrincessFi: " + original.text
    # The cut text's own "…/i/web/status/…" link is not one of the retweet's links.
    assert all("/i/web/status/" not in (u.expanded or "") for u in rt.urls)


@needs("v1-tweet-parser")
def test_public_api_ids_come_from_id_str_not_the_rounded_number():
    path = TP / "broken_and_unsupported_payloads" / "public_api_sample.json"
    got = parse(path)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(got.collected) == 20
    assert set(got.collected) == {int(o["id_str"]) for o in lines}
    assert sum(1 for o in lines if o["id"] != int(o["id_str"])) == 19
    for p in got.posts:
        assert str(p.id) in p.raw.decode()


@needs("v1-tweet-parser")
def test_public_api_truncated_without_a_full_form_is_marked_cut():
    got = parse(TP / "broken_and_unsupported_payloads" / "public_api_sample.json")
    cut = got.collected[867472736871866368]
    assert cut.text_full is False
    assert cut.text.startswith("@notFromShrek @ericmbudd G) 140 chars & replies.")


@needs("v1-tweet-parser")
def test_broken_payloads_import_what_they_hold():
    d = TP / "broken_and_unsupported_payloads"
    no_user = parse(d / "original_format_missing_user.json")
    assert no_user.problems == []
    (post,) = no_user.collected.values()
    assert post.id == 867833721579122688
    assert post.author_id is None and post.author_handle is None and post.author_name is None
    assert len(post.media) == 2

    quote = parse(d / "original_format_missing_quotetweet_field.json")
    assert quote.problems == []
    (post,) = quote.collected.values()
    assert post.kind == "quote" and post.quote_of == 861652051016663040
    embedded = [p for p in quote.posts if not p.collected]
    assert [p.id for p in embedded] == [861652051016663040]
    assert embedded[0].author_id is None  # its quoted_status has no user


@needs("v1-python-twitter")
def test_search_response_gives_100_posts():
    got = parse(PT / "get_search_raw.json")
    assert got.problems == []
    assert len(got.collected) == 100
    assert got.kinds()["retweet"] == 74
    # 15 carry is_quote_status: 9 quotes, and 6 retweets of quotes.
    assert got.quoting() == 15
    assert got.kinds()["quote"] == 9
    assert sum(1 for p in got.collected.values() if p.lang == "ar") == 6
    locations = {p.location for p in got.collected.values()}
    assert "line 1, statuses[0]" in locations  # one line, no newline


@needs("v1-python-twitter")
def test_home_timeline_array_gives_20_posts():
    got = parse(PT / "get_home_timeline.json")
    assert got.problems == []
    assert len(got.collected) == 20
    assert got.kinds()["retweet"] == 14
    for p in got.collected.values():
        assert p.raw and json.loads(p.raw)["id_str"] == str(p.id)


@needs("v1-python-twitter")
def test_extended_tweet_pair_is_one_post_whose_full_text_wins():
    compat = parse(PT / "3.2" / "extended_tweet_in_compat_mode.json").collected
    extended = parse(PT / "3.2" / "extended_tweet_in_extended_mode.json").collected
    assert set(compat) == set(extended) == {782737772490600448}
    cut, full = compat[782737772490600448], extended[782737772490600448]
    # Compatibility mode holds only the cut text: the store keeps the full one.
    assert cut.text_full is False and full.text_full is True
    assert full.text == ("has more details about these changes.  Thanks for making more expressive!"
                         "writing requirements to python_twitt python_twitter.egg-info/SOURCE "
                         "pic.twitter.com/JWSPztfoyt")
    assert full.text.startswith(cut.text.split("…")[0])
    assert [m.key for m in full.media] == ["782737766455119872"]


@needs("v1-python-twitter")
def test_single_quote_objects_import_with_their_originals():
    for name, quoted in [("status_quoted_tweet.json", 849412806835351552),
                         ("status_quoted_tweet_with_media.json", 850408344175222784)]:
        got = parse(PT / "models" / name)
        assert got.problems == []
        (post,) = got.collected.values()
        assert post.kind == "quote" and post.quote_of == quoted
        originals = [p for p in got.posts if not p.collected]
        assert [p.id for p in originals] == [quoted]
    with_media = parse(PT / "models" / "status_quoted_tweet_with_media.json")
    original = next(p for p in with_media.posts if not p.collected)
    assert original.media and original.media[0].url.startswith("https://pbs.twimg.com/")


@needs("v1-sfm-timeline")
def test_sfm_timeline_gives_244_posts():
    got = parse(SFM)
    assert got.problems == []
    assert len(got.collected) == 244
    assert got.kinds()["retweet"] == 34
    # 25 carry is_quote_status: 23 quotes and 2 retweets of quotes.
    assert got.quoting() == 25
    assert got.kinds()["quote"] == 23
    assert got.kinds()["reply"] == 40
    dates = sorted(p.created_at for p in got.collected.values())
    assert dates[0].year == 2014 and dates[0].month == 8
    assert dates[-1].year == 2016 and dates[-1].month == 4


@needs("v1-sfm-timeline")
def test_sfm_raw_is_the_verbatim_line():
    got = parse(SFM)
    lines = SFM.read_bytes().splitlines()
    for p in got.collected.values():
        n = int(p.location.split()[1])
        assert p.raw == lines[n - 1].strip()


# --- behaviour, on archives written here ----------------------------------------

def one(tmp_path, records, name="tweets.jsonl", **kw):
    return parse(jsonl(tmp_path / name, records, **kw))


def test_full_text_is_preferred_to_text(tmp_path):
    rec = status("100", "cut text…")
    rec["full_text"] = "the whole text &amp; more"
    got = one(tmp_path, [rec])
    post = got.collected[100]
    assert post.text == "the whole text & more" and post.text_full


def test_extended_tweet_full_text_replaces_a_truncated_text(tmp_path):
    rec = status("100", "Long post about #Mosul that Twitter cut at 140 characters… https://t.co/web",
                 truncated=True)
    rec["entities"]["urls"] = [{"url": "https://t.co/web", "expanded_url": "https://twitter.com/i/web/status/100",
                                "display_url": "twitter.com/i/web/status/1…"}]
    rec["entities"]["hashtags"] = [{"text": "Mosul"}]
    rec["extended_tweet"] = {
        "full_text": "Long post about #Mosul that Twitter cut at 140 characters, whole here #FreeMosul https://t.co/abc",
        "entities": {"hashtags": [{"text": "Mosul"}, {"text": "FreeMosul"}],
                     "urls": [{"url": "https://t.co/abc", "expanded_url": "https://example.org/report",
                               "display_url": "example.org/report"}],
                     "user_mentions": []},
    }
    post = one(tmp_path, [rec]).collected[100]
    assert post.text == ("Long post about #Mosul that Twitter cut at 140 characters, whole here #FreeMosul "
                         "https://example.org/report")
    assert post.text_full
    assert post.hashtags == ["Mosul", "FreeMosul"]
    assert [u.expanded for u in post.urls] == ["https://example.org/report"]


def test_a_truncated_text_with_no_full_form_is_marked_cut(tmp_path):
    post = one(tmp_path, [status("100", "cut here…", truncated=True)]).collected[100]
    assert post.text == "cut here…" and post.text_full is False


def test_retweet_text_is_rt_prefix_and_the_originals_full_text(tmp_path):
    original = status("50", "Original cut…", truncated=True, user=user("77", "aljazeera", "Al Jazeera"))
    original["extended_tweet"] = {"full_text": "Original whole text: troops enter Hamidiyya &gt; east Mosul"}
    rec = status("100", "RT @aljazeera: Original cut…", retweeted_status=original)
    rec["entities"]["user_mentions"] = [{"screen_name": "aljazeera", "id_str": "77", "id": 77}]
    got = one(tmp_path, [rec])
    post = got.collected[100]
    assert post.kind == "retweet" and post.retweet_of == 50
    assert post.text == "RT @aljazeera: Original whole text: troops enter Hamidiyya > east Mosul"
    assert post.text_full
    assert post.mentions[0].handle == "aljazeera" and post.mentions[0].user_id == 77
    (orig,) = [p for p in got.posts if p.id == 50]
    assert orig.collected is False
    assert orig.raw == dump(original)
    assert orig.location == post.location == "line 1"
    assert orig.author_handle == "aljazeera"
    assert {u.handle for u in got.users} == {"reporter_mosul", "aljazeera"}


def test_retweet_of_a_cut_original_stays_marked_cut(tmp_path):
    original = status("50", "Original cut…", truncated=True, user=user("77", "aljazeera"))
    rec = status("100", "RT @aljazeera: Original cut…", retweeted_status=original)
    post = one(tmp_path, [rec]).collected[100]
    assert post.text == "RT @aljazeera: Original cut…" and post.text_full is False


def test_retweet_of_a_quote_embeds_both_originals(tmp_path):
    quoted = status("30", "the quoted one", user=user("33", "third"))
    original = status("50", "a quote", user=user("77", "second"), is_quote_status=True,
                      quoted_status_id_str="30", quoted_status=quoted)
    rec = status("100", "RT @second: a quote", retweeted_status=original, is_quote_status=True,
                 quoted_status=quoted)
    got = one(tmp_path, [rec])
    post = got.collected[100]
    assert post.kind == "retweet" and post.retweet_of == 50 and post.quote_of is None
    embedded = {p.id: p for p in got.posts if not p.collected}
    assert set(embedded) == {50, 30}
    assert embedded[50].kind == "quote" and embedded[50].quote_of == 30
    assert [p.id for p in got.posts].count(30) == 1


def test_quote_reply_and_post_kinds(tmp_path):
    quoted = status("30", "quoted")
    records = [
        status("101", "a quote", is_quote_status=True, quoted_status_id_str="30", quoted_status=quoted),
        status("102", "a quote whose original is missing", is_quote_status=True, quoted_status_id_str="31"),
        status("103", "@bob a reply", in_reply_to_status_id_str="99", in_reply_to_status_id=99,
               in_reply_to_user_id_str="42", in_reply_to_screen_name="bob"),
        status("104", "just a post"),
        status("105", "quote flagged without any id", is_quote_status=True),
    ]
    posts = one(tmp_path, records).collected
    assert (posts[101].kind, posts[101].quote_of) == ("quote", 30)
    assert (posts[102].kind, posts[102].quote_of) == ("quote", 31)
    assert (posts[103].kind, posts[103].reply_to, posts[103].reply_to_user_id,
            posts[103].reply_to_handle) == ("reply", 99, 42, "bob")
    assert posts[104].kind == "post" and posts[104].reply_to is None
    assert posts[105].kind == "post" and posts[105].quote_of is None


def test_entities_text_and_fields(tmp_path):
    rec = status("1234567890123456789", "")
    rec.pop("text")
    rec["full_text"] = ("Troops &gt; #FreeMosul &amp; #الموصل with @reporter https://t.co/link "
                        "&lt;3 https://t.co/pic")
    rec["entities"] = {
        "hashtags": [{"text": "FreeMosul"}, {"text": "الموصل"}],
        "user_mentions": [{"screen_name": "reporter", "id_str": "9007199254740993", "id": 9007199254740992}],
        "urls": [{"url": "https://t.co/link", "expanded_url": "https://example.org/a?b=1&c=2",
                  "display_url": "example.org/a?b=1…"}],
        "media": [{"id_str": "555", "id": 555, "type": "photo", "url": "https://t.co/pic",
                   "display_url": "pic.twitter.com/xyz", "media_url_https": "https://pbs.twimg.com/media/xyz.jpg",
                   "sizes": {"large": {"w": 1024, "h": 768}}}],
    }
    rec["extended_entities"] = {"media": [
        {"id_str": "555", "type": "photo", "url": "https://t.co/pic", "display_url": "pic.twitter.com/xyz",
         "media_url_https": "https://pbs.twimg.com/media/xyz.jpg", "ext_alt_text": "Soldiers at a gate",
         "original_info": {"width": 2048, "height": 1536}},
        {"id_str": "556", "type": "animated_gif", "url": "https://t.co/pic", "display_url": "pic.twitter.com/xyz",
         "media_url_https": "https://pbs.twimg.com/tweet_video_thumb/g.jpg"},
    ]}
    rec["place"] = {"full_name": "Mosul, Iraq", "name": "Mosul"}
    rec["reply_count"] = 2
    rec["quote_count"] = 1
    rec["lang"] = "ar"
    post = one(tmp_path, [rec]).collected[1234567890123456789]
    assert post.text == ("Troops > #FreeMosul & #الموصل with @reporter https://example.org/a?b=1&c=2 "
                         "<3 pic.twitter.com/xyz")
    assert post.hashtags == ["FreeMosul", "الموصل"]
    assert [(m.handle, m.user_id) for m in post.mentions] == [("reporter", 9007199254740993)]
    assert [(u.url, u.expanded, u.display) for u in post.urls] == [
        ("https://t.co/link", "https://example.org/a?b=1&c=2", "example.org/a?b=1…")]
    assert [(m.key, m.type, m.url, m.alt_text, m.width, m.height) for m in post.media] == [
        ("555", "photo", "https://pbs.twimg.com/media/xyz.jpg", "Soldiers at a gate", 2048, 1536),
        ("556", "animated_gif", "https://pbs.twimg.com/tweet_video_thumb/g.jpg", None, None, None)]
    assert post.created_at == datetime(2016, 10, 17, 5, 12, tzinfo=timezone.utc)
    assert post.source_app == "Twitter for Android"
    assert (post.retweet_count, post.like_count, post.reply_count, post.quote_count) == (3, 7, 2, 1)
    assert post.lang == "ar" and post.place == "Mosul, Iraq"
    assert (post.author_id, post.author_handle, post.author_name) == (2244994945, "reporter_mosul", "Reporter")


def test_author_is_yielded_as_a_user(tmp_path):
    got = one(tmp_path, [status("100", "hello")])
    (u,) = got.users
    assert (u.id, u.handle, u.name, u.followers_count, u.following_count, u.tweet_count) == (
        2244994945, "reporter_mosul", "Reporter", 10, 5, 100)
    assert u.bio == "Front line & more"
    assert u.created_at == datetime(2013, 1, 1, tzinfo=timezone.utc)


def test_ids_come_from_the_string_forms(tmp_path):
    rec = status("1234567890123456789", "@x hi", in_reply_to_status_id_str="1234567890123456700",
                 in_reply_to_status_id=1234567890123456800, in_reply_to_user_id_str="9007199254740993",
                 in_reply_to_user_id=9007199254740992, quoted_status_id_str="1234567890123456701",
                 quoted_status_id=1234567890123456800, is_quote_status=True)
    rec["id"] = 1234567890123456800  # rounded through a double
    rec["user"]["id_str"] = "9007199254740995"
    rec["user"]["id"] = 9007199254740996
    post = one(tmp_path, [rec]).collected[1234567890123456789]
    assert post.reply_to == 1234567890123456700
    assert post.reply_to_user_id == 9007199254740993
    assert post.quote_of == 1234567890123456701
    assert post.author_id == 9007199254740995


def test_a_status_with_only_a_numeric_id_still_imports(tmp_path):
    rec = status("100", "old record")
    del rec["id_str"]
    rec["id"] = 12345
    assert set(one(tmp_path, [rec]).collected) == {12345}


def test_a_record_with_no_user_imports_with_author_none(tmp_path):
    rec = status("100", "no user")
    del rec["user"]
    got = one(tmp_path, [rec])
    post = got.collected[100]
    assert (post.author_id, post.author_handle, post.author_name) == (None, None, None)
    assert got.users == []


def test_a_broken_line_among_good_ones_is_reported_and_the_rest_import(tmp_path):
    records = [status("1", "one"), status("2", "two"), status("3", "three")]
    got = one(tmp_path, records, extra_lines={1: '{"id_str": "9", "text": "cut off in the mid'})
    assert set(got.collected) == {1, 2, 3}
    assert [p.location for p in got.problems] == ["line 2"]
    assert got.collected[3].location == "line 4"


def test_a_record_without_an_id_is_a_problem_and_others_import(tmp_path):
    bad = status("1", "no usable id")
    bad["id_str"] = "not-a-number"
    got = one(tmp_path, [status("2", "good"), bad, status("3", "good")])
    assert set(got.collected) == {2, 3}
    assert len(got.problems) == 1 and got.problems[0].location == "line 2"
    assert "id" in got.problems[0].reason


def test_hostile_field_shapes_never_crash(tmp_path):
    weird = status("5", "weird shapes")
    weird.update(user="not a dict", entities=[], extended_entities={"media": ["x", {"type": "video"}]},
                 place="Mosul", retweeted_status="nope", quoted_status=[1], created_at="not a date",
                 favorite_count="-3", source=None, lang=7)
    deep = status("6", "deep")
    cur = deep
    for i in range(50):  # a chain of retweets far deeper than Twitter nests
        cur["retweeted_status"] = status(str(1000 + i), f"level {i}")
        cur = cur["retweeted_status"]
    got = one(tmp_path, [weird, deep, status("7", "fine")])
    assert {5, 6, 7} <= set(got.collected)
    w = got.collected[5]
    assert w.created_at is None and w.like_count is None and w.place is None and w.author_id is None
    assert len(got.posts) < 20


def test_bom_and_crlf_line_ends(tmp_path):
    path = jsonl(tmp_path / "t.jsonl", [status("1", "one &amp; two"), status("2", "two")], bom=True, crlf=True)
    got = parse(path)
    assert set(got.collected) == {1, 2}
    assert got.problems == []
    assert got.collected[1].text == "one & two"
    assert got.collected[1].raw.startswith(b"{") and not got.collected[1].raw.endswith(b"\r")


def test_an_array_and_a_search_response_import(tmp_path):
    arr = write(tmp_path / "a.json", json.dumps([status("1", "a"), status("2", "b")], indent=1))
    got = parse(arr)
    assert set(got.collected) == {1, 2}
    assert got.collected[2].location == "entry 2"
    assert got.collected[2].raw == dump(status("2", "b"))
    resp = write(tmp_path / "s.json", json.dumps({"search_metadata": {"count": 2},
                                                  "statuses": [status("3", "c"), status("4", "d")]}))
    assert set(parse(resp).collected) == {3, 4}


def test_claims_only_v1_shapes():
    v1 = by_name("v1.1")
    assert v1.claims(status("1", "x"))
    assert v1.claims({"id_str": "1", "full_text": "x"})
    assert not v1.claims({"_type": "snscrape.modules.twitter.Tweet", "id": 1, "content": "x", "text": "x"})
    assert not v1.claims({"id": "1", "text": "x", "author_id": "2", "edit_history_tweet_ids": ["1"]})
    assert not v1.claims({"data": [{"id": "1", "text": "x"}]})
    assert not v1.claims({"id_str": "1", "name": "a user object"})
    assert object_format_for(status("1", "x")).name == "v1.1"


def test_parse_status_returns_post_author_and_originals():
    original = status("50", "orig", user=user("77", "other"))
    rec = status("100", "RT @other: orig", retweeted_status=original)
    items = parse_status(rec, "entry 3", b"RAW", collected=True)
    assert isinstance(items[0], Post) and items[0].id == 100 and items[0].raw == b"RAW"
    assert isinstance(items[1], User) and items[1].handle == "reporter_mosul"
    embedded = [i for i in items if isinstance(i, Post) and i.id == 50]
    assert embedded[0].collected is False and embedded[0].location == "entry 3"
    assert embedded[0].raw == dump(original)
    # A caller may also read an original alone, as not collected.
    (alone, *_) = parse_status(original, "line 1", dump(original), collected=False)
    assert alone.collected is False


def test_time_forms():
    grail = parse_status(status("1", "x", created_at="2014-07-09 01:36:52 +0000"), "l", b"")[0]
    assert grail.created_at == datetime(2014, 7, 9, 1, 36, 52, tzinfo=timezone.utc)
    other = parse_status(status("1", "x", created_at="Mon Oct 17 07:12:00 +0200 2016"), "l", b"")[0]
    assert other.created_at == datetime(2016, 10, 17, 5, 12, tzinfo=timezone.utc)
    ms = status("1", "x", timestamp_ms="1476681120000")
    del ms["created_at"]
    assert parse_status(ms, "l", b"")[0].created_at == datetime(2016, 10, 17, 5, 12, tzinfo=timezone.utc)


def test_entities_of_the_wrong_types_are_left_out(tmp_path):
    rec = status("8", "odd entities https://t.co/x")
    rec["entities"] = {"hashtags": [{"text": 5}, "tag"], "user_mentions": [{"screen_name": None}],
                       "urls": [{"url": 7, "expanded_url": ["x"]}, {"url": "https://t.co/x", "expanded_url": 3}],
                       "media": [{"id_str": "1", "url": 9, "display_url": None, "media_url_https": 4}]}
    got = one(tmp_path, [rec])
    post = got.collected[8]
    assert got.problems == []
    assert post.text == "odd entities https://t.co/x"
    assert post.hashtags == [] and post.mentions == []
    assert [(u.url, u.expanded) for u in post.urls] == [("https://t.co/x", None)]
    assert [(m.key, m.url) for m in post.media] == [("1", None)]
