"""snscrape JSON lines, in the shapes its versions (and twscrape) wrote.

No corpus of snscrape output exists, so the records here are written the way
snscrape's `_json_dataclass_to_dict` writes them: every dataclass field, the
deprecated properties beside them (`content`, `outlinks`, `username`,
`description` …), `_type` on every object (since May 2021), datetimes in
`isoformat()`.
"""
from __future__ import annotations

import json
from pathlib import Path

from formats_csv_helpers import collected, detect, parse, posts, problems, users
from viewer.formats.common import loads

T = "snscrape.modules.twitter."


def user(uid, username, displayname, **kw):
    u = {"_type": T + "User", "username": username, "id": uid, "displayname": displayname,
         "rawDescription": "", "renderedDescription": "", "descriptionLinks": None, "verified": False,
         "created": "2012-03-04T10:00:00+00:00", "followersCount": 100, "friendsCount": 50,
         "statusesCount": 1000, "favouritesCount": 10, "listedCount": 2, "mediaCount": 5, "location": "",
         "protected": False, "link": None, "profileImageUrl": f"https://pbs.twimg.com/profile_images/{uid}/p_normal.jpg",
         "profileBannerUrl": None, "label": None, "blue": False, "blueType": None,
         "description": "", "descriptionUrls": None, "linkTcourl": None, "linkUrl": None,
         "url": f"https://twitter.com/{username}"}
    u.update(kw)
    return u


REPORTER = user(711000000000000001, "mosul_reporter", "Front Line Reporter",
                rawDescription="Reporting from Nineveh &amp; Erbil: https://t.co/BioLink01",
                renderedDescription="Reporting from Nineveh & Erbil: example.org/updates",
                descriptionLinks=[{"_type": T + "TextLink", "text": "example.org/updates",
                                   "url": "https://example.org/updates", "tcourl": "https://t.co/BioLink01",
                                   "indices": [33, 56]}],
                followersCount=15400, location="Erbil")
THINKER = user(44000001, "iraq_thinker", "مفكر عراقي", followersCount=250000, verified=True)


def tweet(tid, author, raw_content, **kw):
    """A tweet as snscrape 0.6/0.7 writes it."""
    t = {"_type": T + "Tweet", "url": f"https://twitter.com/{author['username']}/status/{tid}",
         "date": "2016-10-17T05:12:00+00:00", "rawContent": raw_content, "renderedContent": raw_content,
         "id": tid, "user": author, "replyCount": 4, "retweetCount": 120, "likeCount": 310, "quoteCount": 7,
         "conversationId": tid, "lang": "ar",
         "source": '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
         "sourceUrl": "http://twitter.com/download/iphone", "sourceLabel": "Twitter for iPhone",
         "links": None, "media": None, "retweetedTweet": None, "quotedTweet": None, "inReplyToTweetId": None,
         "inReplyToUser": None, "mentionedUsers": None, "coordinates": None, "place": None, "hashtags": None,
         "cashtags": None, "card": None, "viewCount": 5000, "vibe": None, "bookmarkCount": None,
         "pinned": None, "editState": None, "conversationControlPolicy": None,
         # deprecated properties, written beside the fields
         "content": raw_content, "outlinks": [], "outlinksss": "", "tcooutlinks": [], "tcooutlinksss": "",
         "username": author["username"], "_snscrape": "0.7.0.20230622"}
    t.update(kw)
    return t


def write_lines(path: Path, *objs) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), encoding="utf-8")
    return path


def one(items, pid):
    found = [p for p in posts(items) if p.id == pid]
    assert found, f"no post {pid}"
    return found[0]


PHOTO_POST = tweet(
    790123456789012345, REPORTER,
    "Flag raised over Hamidiyya &amp; the east #FreeMosul #تحرير_الموصل https://t.co/AbCdEf1234 https://t.co/PhOtO98765",
    lang="en",
    links=[{"_type": T + "TextLink", "text": "example.org/mosul/live…", "url": "https://example.org/mosul/live",
            "tcourl": "https://t.co/AbCdEf1234", "indices": [67, 90]}],
    media=[{"_type": T + "Photo", "previewUrl": "https://pbs.twimg.com/media/CvXyZaBWgAAbCdE?format=jpg&name=small",
            "fullUrl": "https://pbs.twimg.com/media/CvXyZaBWgAAbCdE?format=jpg&name=orig",
            "altText": "Troops raise a flag"},
           {"_type": T + "Video",
            "thumbnailUrl": "https://pbs.twimg.com/ext_tw_video_thumb/790123400000000000/pu/img/abc.jpg",
            "variants": [{"_type": T + "VideoVariant", "url": "https://video.twimg.com/a.mp4",
                          "contentType": "video/mp4", "bitrate": 832000}],
            "duration": 12.5, "views": 900, "altText": None}],
    hashtags=["FreeMosul", "تحرير_الموصل"],
    place={"_type": T + "Place", "id": "abc", "fullName": "Mosul, Iraq", "name": "Mosul", "type": "city",
           "country": "Iraq", "countryCode": "IQ"},
)


def test_a_tweet_with_links_media_and_place(tmp_path):
    path = write_lines(tmp_path / "search.jsonl", PHOTO_POST)
    _, fmt = detect(path)
    assert fmt.name == "json"
    items = parse(path)
    (p,) = posts(items)
    assert p.id == 790123456789012345 and p.collected and p.kind == "post"
    assert p.text == ("Flag raised over Hamidiyya & the east #FreeMosul #تحرير_الموصل "
                      "https://example.org/mosul/live pic.twitter.com/PhOtO98765")
    assert p.text_full and p.hashtags == ["FreeMosul", "تحرير_الموصل"]
    assert [(u.url, u.expanded) for u in p.urls] == [("https://t.co/AbCdEf1234", "https://example.org/mosul/live")]
    photo, video = p.media
    assert (photo.type, photo.key, photo.alt_text) == ("photo", "CvXyZaBWgAAbCdE.jpg", "Troops raise a flag")
    assert photo.url == "https://pbs.twimg.com/media/CvXyZaBWgAAbCdE?format=jpg&name=orig"
    assert (video.type, video.key) == ("video", "790123400000000000")
    assert p.created_at.isoformat() == "2016-10-17T05:12:00+00:00"
    assert (p.author_id, p.author_handle, p.author_name) == (
        711000000000000001, "mosul_reporter", "Front Line Reporter")
    assert (p.retweet_count, p.reply_count, p.like_count, p.quote_count) == (120, 4, 310, 7)
    assert (p.lang, p.source_app, p.place, p.conversation_id) == ("en", "Twitter for iPhone", "Mosul, Iraq", p.id)
    assert p.location == "line 1" and loads(p.raw)["id"] == p.id
    (u,) = users(items)
    assert u.bio == "Reporting from Nineveh & Erbil: https://example.org/updates"
    assert (u.followers_count, u.following_count, u.tweet_count, u.listed_count) == (15400, 50, 1000, 2)
    assert u.location == "Erbil" and u.created_at.year == 2012


def test_a_retweet_takes_its_originals_whole_text(tmp_path):
    original = tweet(790000000000000100, THINKER,
                     "الموصل هي العراق مصغراً، وتحريرها تحرير لكل العراقيين من الطائفية والخوف والظلم. "
                     "#تحرير_الموصل #FreeMosul", hashtags=["تحرير_الموصل", "FreeMosul"])
    rt = tweet(790000000000000101, REPORTER, "RT @iraq_thinker: الموصل هي العراق مصغراً، وتحريرها تحرير لكل…",
               retweetedTweet=original,
               mentionedUsers=[{"_type": T + "User", "username": "iraq_thinker", "id": 44000001,
                                "displayname": "مفكر عراقي"}])
    items = parse(write_lines(tmp_path / "rt.jsonl", rt))
    r, o = one(items, 790000000000000101), one(items, 790000000000000100)
    assert r.kind == "retweet" and r.retweet_of == o.id and r.collected
    assert r.text == "RT @iraq_thinker: " + o.text and r.text_full
    assert r.hashtags == ["تحرير_الموصل", "FreeMosul"]
    assert [(m.handle, m.user_id) for m in r.mentions] == [("iraq_thinker", 44000001)]
    assert not o.collected and o.author_handle == "iraq_thinker" and o.text_full
    assert loads(o.raw)["id"] == o.id and o.location == "line 1"
    # the author of the original lands with the counts its record carries
    thinker = [u for u in users(items) if u.id == 44000001]
    assert thinker and max(u.followers_count or 0 for u in thinker) == 250000


def test_quote_reply_and_unavailable_originals(tmp_path):
    quoted = tweet(790000000000000200, THINKER, "Save Mosul #انقذوا_الموصل_من_الحشد",
                   hashtags=["انقذوا_الموصل_من_الحشد"])
    quote = tweet(790000000000000201, REPORTER, "Worried about civilians https://t.co/q",
                  quotedTweet=quoted, inReplyToTweetId=790000000000000199,
                  inReplyToUser={"_type": T + "User", "username": "civil_aid", "id": 55, "displayname": "Civil Aid"},
                  links=[{"_type": T + "TextLink", "text": "twitter.com/iraq_thinker/…",
                          "url": "https://twitter.com/iraq_thinker/status/790000000000000200",
                          "tcourl": "https://t.co/q", "indices": [24, 37]}])
    gone = tweet(790000000000000202, REPORTER, "RT @deleted: something that is gone now and was cut at one hundred…",
                 retweetedTweet={"_type": T + "Tombstone", "id": 790000000000000150,
                                 "text": "This Tweet was deleted by the Tweet author."})
    ref = tweet(790000000000000203, REPORTER, "RT @anyone: a retweet whose original snscrape could not read",
                retweetedTweet={"_type": T + "TweetRef", "id": 790000000000000151})
    items = parse(write_lines(tmp_path / "kinds.jsonl", quote, gone, ref))
    q = one(items, 790000000000000201)
    assert q.kind == "quote" and q.quote_of == 790000000000000200 and q.reply_to == 790000000000000199
    assert (q.reply_to_user_id, q.reply_to_handle) == (55, "civil_aid")
    assert q.text == "Worried about civilians https://twitter.com/iraq_thinker/status/790000000000000200"
    assert one(items, 790000000000000200).collected is False
    g = one(items, 790000000000000202)
    assert g.kind == "retweet" and g.retweet_of == 790000000000000150 and not g.text_full
    r = one(items, 790000000000000203)
    assert r.kind == "retweet" and r.retweet_of == 790000000000000151 and r.text_full
    assert set(collected(items)) == {790000000000000201, 790000000000000202, 790000000000000203}
    assert not problems(items)


def test_older_versions_content_outlinks_and_no_type(tmp_path):
    # snscrape 0.4 (2021-2022): `content` raw, `outlinks`/`tcooutlinks`, `description` rendered
    v04 = {"_type": T + "Tweet", "url": "https://twitter.com/mosul_reporter/status/790000000000000300",
           "date": "2017-01-24T09:00:00+00:00",
           "content": "East Mosul retaken https://t.co/x1 #Mosul",
           "renderedContent": "East Mosul retaken example.org/east… #Mosul",
           "id": 790000000000000300,
           "user": {"_type": T + "User", "username": "mosul_reporter", "id": 711000000000000001,
                    "displayname": "Front Line Reporter", "description": "Reporting example.org/u…",
                    "rawDescription": "Reporting https://t.co/u", "descriptionUrls": [
                        {"_type": T + "DescriptionURL", "text": "example.org/u…", "url": "https://example.org/u",
                         "tcourl": "https://t.co/u", "indices": [10, 33]}],
                    "verified": False, "created": "2012-03-04T10:00:00+00:00", "followersCount": 9000,
                    "friendsCount": 1, "statusesCount": 2, "favouritesCount": 3, "listedCount": 4,
                    "mediaCount": 5, "location": "", "protected": False, "linkUrl": "https://example.org",
                    "linkTcourl": "https://t.co/l", "profileImageUrl": None, "profileBannerUrl": None,
                    "label": None, "url": "https://twitter.com/mosul_reporter"},
           "replyCount": 0, "retweetCount": 1, "likeCount": 2, "quoteCount": 0,
           "conversationId": 790000000000000300, "lang": "en", "source": "<a href=\"x\">TweetDeck</a>",
           "sourceUrl": "x", "sourceLabel": "TweetDeck", "outlinks": ["https://example.org/east"],
           "tcooutlinks": ["https://t.co/x1"], "media": None, "retweetedTweet": None, "quotedTweet": None,
           "inReplyToTweetId": None, "inReplyToUser": None, "mentionedUsers": None, "coordinates": None,
           "place": None, "hashtags": ["Mosul"], "cashtags": None}
    # before May 2021: no `_type` anywhere; media carry a `type` field
    v03 = {"url": "https://twitter.com/mosul_reporter/status/790000000000000301",
           "date": "2016-10-17T05:12:00+00:00", "content": "We're coming, Mosul https://t.co/p1",
           "renderedContent": "We're coming, Mosul", "id": 790000000000000301,
           "user": {"username": "mosul_reporter", "id": 711000000000000001, "displayname": "Front Line Reporter"},
           "outlinks": [], "tcooutlinks": [], "replyCount": 0, "retweetCount": 0, "likeCount": 0, "quoteCount": 0,
           "conversationId": 790000000000000301, "lang": "en", "source": None,
           "media": [{"previewUrl": "https://pbs.twimg.com/media/Cv0?format=png&name=small",
                      "fullUrl": "https://pbs.twimg.com/media/Cv0?format=png&name=large", "type": "photo"}],
           "retweetedTweet": None, "quotedTweet": None, "mentionedUsers": None}
    items = parse(write_lines(tmp_path / "old.jsonl", v04, v03))
    a, b = one(items, 790000000000000300), one(items, 790000000000000301)
    assert a.text == "East Mosul retaken https://example.org/east #Mosul" and a.source_app == "TweetDeck"
    assert [(u.url, u.expanded) for u in a.urls] == [("https://t.co/x1", "https://example.org/east")]
    reporter = [u for u in users(items) if u.followers_count == 9000][0]
    assert reporter.bio == "Reporting https://example.org/u" and reporter.url == "https://example.org"
    assert b.text == "We're coming, Mosul pic.twitter.com/p1"
    assert [(m.key, m.type) for m in b.media] == [("Cv0.png", "photo")]
    assert not problems(items)


def test_twscrape_output_with_media_dict_and_string_ids(tmp_path):
    tw = {"_type": T + "Tweet", "id": 790000000000000400, "id_str": "790000000000000400",
          "url": "https://x.com/mosul_reporter/status/790000000000000400", "date": "2017-07-10 12:00:00+00:00",
          "user": {"_type": T + "User", "id": 711000000000000001, "id_str": "711000000000000001",
                   "username": "mosul_reporter", "displayname": "Front Line Reporter", "rawDescription": "",
                   "created": "2012-03-04 10:00:00+00:00", "followersCount": 1, "friendsCount": 1,
                   "statusesCount": 1, "favouritesCount": 1, "listedCount": 1, "mediaCount": 1, "location": "",
                   "profileImageUrl": "", "descriptionLinks": []},
          "lang": "en", "rawContent": "Victory declared in Mosul https://t.co/v1",
          "replyCount": 1, "retweetCount": 2, "likeCount": 3, "quoteCount": 4, "bookmarkedCount": 0,
          "conversationId": 790000000000000400, "conversationIdStr": "790000000000000400",
          "hashtags": [], "cashtags": [], "mentionedUsers": [], "links": [],
          "media": {"photos": [{"url": "https://pbs.twimg.com/media/DEf.jpg"}], "videos": [],
                    "animated": [{"thumbnailUrl": "https://pbs.twimg.com/tweet_video_thumb/DEg.jpg",
                                  "videoUrl": "https://video.twimg.com/tweet_video/DEg.mp4"}]},
          "inReplyToTweetId": None, "inReplyToTweetIdStr": None, "inReplyToUser": None,
          "sourceLabel": "Twitter Web App"}
    (p,) = posts(parse(write_lines(tmp_path / "twscrape.jsonl", tw)))
    assert p.id == 790000000000000400 and p.text == "Victory declared in Mosul pic.twitter.com/v1"
    assert [(m.key, m.type) for m in p.media] == [("DEf.jpg", "photo"), ("DEg.jpg", "animated_gif")]
    assert p.created_at.isoformat() == "2017-07-10T12:00:00+00:00"


def test_ids_stay_exact(tmp_path):
    # --json-buggy-int writes a string copy beside every number past 2**53
    buggy = tweet(1999999999999999999, REPORTER, "exact", **{"id.str": "1999999999999999999"})
    # an id rounded through a JavaScript double (a database round trip):
    # the URL still holds the exact one
    rounded = tweet(1463077670816817153, REPORTER, "rounded")
    rounded["id"] = 1463077670816817200
    items = parse(write_lines(tmp_path / "ids.jsonl", buggy, rounded))
    assert set(collected(items)) == {1999999999999999999, 1463077670816817153}


def test_records_that_are_not_posts(tmp_path):
    items = parse(write_lines(
        tmp_path / "mixed.jsonl",
        PHOTO_POST,
        REPORTER,
        {"_type": T + "Tombstone", "id": 5, "text": "This Tweet is unavailable."},
        tweet(None, REPORTER, "no id anywhere", url="https://twitter.com/mosul_reporter"),
        {"_type": "snscrape.modules.telegram.TelegramPost", "url": "https://t.me/s/x/1"},
    ))
    assert set(collected(items)) == {PHOTO_POST["id"]}
    reasons = [(p.location, p.reason) for p in problems(items)]
    assert reasons[0] == ("line 2", "a snscrape user, not a tweet")
    assert reasons[1] == ("line 3", "an unavailable tweet (This Tweet is unavailable.)")
    assert reasons[2] == ("line 4", "a snscrape tweet without a usable id")
    assert reasons[3][0] == "line 5"
    assert any(u.handle == "mosul_reporter" and u.followers_count == 15400 for u in users(items))
