"""The X/Twitter account archive: tweets.js and its parts, deleted posts, the
account, long-post notes and the archive's own media files."""
from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from formats_helpers import CORPORA, needs, parse, write, ytd
from viewer.formats import ParseOptions, detect
from viewer.formats.common import dump
from viewer.sources import expand

ARCHIVE = CORPORA / "x-account-archive-2026"
OWNER = (1964312974236991488, "milahu104", "Milan Hauth")


# --- the real archive --------------------------------------------------------------

@pytest.fixture(scope="module")
def real():
    if not ARCHIVE.is_dir():
        pytest.skip("corpus x-account-archive-2026 is absent")
    return parse(ARCHIVE)


@needs("x-account-archive-2026")
def test_real_archive_files_are_recognised(real):
    f = real.formats
    assert f["data/tweets.js"] == "x-archive"
    assert f["data/deleted-tweets.js"] == "x-archive"
    for side in ("data/manifest.js", "data/note-tweet.js", "data/account.js"):
        assert side in real.auxiliary
    # The media files are read with their posts, and passed over on their own.
    media = [m for m in f if "_media/" in m]
    assert len(media) == 22 and all(m in real.auxiliary for m in media)
    assert real.problems == []


@needs("x-account-archive-2026")
def test_real_archive_posts_and_deleted_posts(real):
    posts = real.collected
    live = [p for p in posts.values() if not p.deleted]
    deleted = [p for p in posts.values() if p.deleted]
    assert len(live) == 2045
    assert len(deleted) == 47
    assert len(posts) == 2092
    assert sum(1 for p in live if p.kind == "retweet") == 239
    assert sum(1 for p in live if p.reply_to is not None) == 1780
    assert all(p.location.startswith("entry ") for p in posts.values())


@needs("x-account-archive-2026")
def test_real_archive_author_is_the_account_on_every_post(real):
    assert {(p.author_id, p.author_handle, p.author_name) for p in real.collected.values()} == {OWNER}
    assert {(u.id, u.handle, u.name) for u in real.users} == {OWNER}


@needs("x-account-archive-2026")
def test_real_archive_retweets_are_cut_and_point_nowhere(real):
    rts = [p for p in real.collected.values() if p.kind == "retweet"]
    assert rts and all(p.text.startswith("RT @") for p in rts)
    assert all(p.retweet_of is None and p.text_full is False for p in rts)
    others = [p for p in real.collected.values() if p.kind != "retweet"]
    assert all(p.text_full for p in others)


@needs("x-account-archive-2026")
def test_real_archive_media_files_are_found(real):
    with_local = {}
    for p in real.collected.values():
        for m in p.media:
            if m.local is not None:
                with_local[p.id] = (p, m)
    in_tweets = [m for p, m in with_local.values() if not p.deleted]
    in_deleted = [m for p, m in with_local.values() if p.deleted]
    assert len(in_tweets) == 21
    assert len(in_deleted) == 1
    assert all(m.local.name.startswith("data/tweets_media/") for m in in_tweets)
    assert in_deleted[0].local.name == "data/deleted_tweets_media/2027737443122769985-HCP4VPIWkAADmOs.jpg"
    for p, m in with_local.values():
        assert m.local.name.split("/")[-1].startswith(f"{p.id}-")
        with m.local.open() as f:
            data = f.read()
        assert len(data) == m.local.size == (ARCHIVE / m.local.name).stat().st_size
    video = with_local[2020251123341488266][1]
    assert video.type == "video" and video.local.name.endswith("-6y_pHES-YKJl3JBz.mp4")
    gif = with_local[2011883284482207917][1]
    assert gif.type == "animated_gif" and gif.local.name.endswith("-G-ulHZgW0AE_yfP.mp4")
    # Videos the archive did not carry stay remote references.
    missing = real.collected[2027108952211693705].media[0]
    assert missing.local is None and missing.url.startswith("https://pbs.twimg.com/")


@needs("x-account-archive-2026")
def test_real_archive_text_has_no_html_entities_left(real):
    for p in real.collected.values():
        assert "&gt;" not in p.text and "&amp;" not in p.text and "&lt;" not in p.text
    raw_gt = sum(1 for p in real.collected.values() if b"&gt;" in p.raw)
    assert raw_gt > 100  # the raw record keeps them
    assert any(">" in p.text for p in real.collected.values())


@needs("x-account-archive-2026")
def test_real_archive_ids_are_exact(real):
    for p in real.collected.values():
        assert json.loads(p.raw)["tweet"]["id_str"] == str(p.id)
    assert 2029905358261502168 in real.collected


# --- small archives written here ----------------------------------------------------

ACCOUNT = [{"account": {"email": "private@example.org", "username": "reporter_mosul",
                        "accountId": "1964312974236991488", "createdAt": "2016-01-02T03:04:05.000Z",
                        "accountDisplayName": "Mosul Reporter"}}]


def tw(id_str: str, text: str, *, when: str = "Mon Oct 17 05:12:00 +0000 2016", **extra) -> dict:
    """A post as the account archive writes it: numbers as strings, no user."""
    d = {
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": "4",
        "id_str": id_str,
        "truncated": False,
        "retweet_count": "2",
        "id": id_str,
        "created_at": when,
        "favorited": False,
        "full_text": text,
        "lang": "en",
    }
    d.update(extra)
    return {"tweet": d}


def photo(media_id: str, name: str, tco: str = "https://t.co/pic") -> dict:
    return {"id_str": media_id, "id": media_id, "type": "photo", "url": tco, "display_url": "pic.x.com/abc",
            "media_url_https": f"https://pbs.twimg.com/media/{name}",
            "media_url": f"http://pbs.twimg.com/media/{name}",
            "sizes": {"large": {"w": "1200", "h": "800", "resize": "fit"}}}


def video(media_id: str, best: str, other: str) -> dict:
    return {"id_str": media_id, "id": media_id, "type": "video", "url": "https://t.co/vid",
            "display_url": "pic.x.com/vid", "media_url_https": "https://pbs.twimg.com/amplify_video_thumb/1/img/t.jpg",
            "video_info": {"variants": [
                {"bitrate": "256000", "content_type": "video/mp4", "url": f"https://video.twimg.com/v/320x240/{other}?tag=1"},
                {"content_type": "application/x-mpegURL", "url": "https://video.twimg.com/v/pl/list.m3u8"},
                {"bitrate": "2176000", "content_type": "video/mp4", "url": f"https://video.twimg.com/v/1280x720/{best}?tag=1"},
            ]}}


def archive(root: Path, entries: list, *, name: str = "tweets.js", var: str = "tweets.part0",
            account: list | None = ACCOUNT, notes: list | None = None, files: dict[str, bytes] | None = None,
            **kw) -> Path:
    data = root / "data"
    write(data / name, ytd(var, entries), **kw)
    if account is not None:
        write(data / "account.js", ytd("account.part0", account))
    if notes is not None:
        write(data / "note-tweet.js", ytd("note_tweet.part0", notes))
    for rel, content in (files or {}).items():
        write(data / rel, content)
    return data / name


def test_a_post_with_entities_decoded_and_the_account_as_author(tmp_path):
    t = tw("2029905358261502168", "Troops &gt; east bank &amp; #FreeMosul @ally https://t.co/a",
           in_reply_to_status_id_str="2029903943413772741", in_reply_to_status_id="2029903943413772741",
           in_reply_to_user_id_str="42", in_reply_to_screen_name="ally")
    t["tweet"]["entities"] = {
        "hashtags": [{"text": "FreeMosul", "indices": ["30", "40"]}],
        "user_mentions": [{"screen_name": "ally", "name": "Ally", "id_str": "42", "id": "42",
                           "indices": ["41", "46"]}],
        "urls": [{"url": "https://t.co/a", "expanded_url": "https://example.org/x",
                  "display_url": "example.org/x", "indices": ["47", "61"]}]}
    archive(tmp_path, [t])
    got = parse(tmp_path)
    post = got.collected[2029905358261502168]
    assert post.text == "Troops > east bank & #FreeMosul @ally https://example.org/x"
    assert (post.author_id, post.author_handle, post.author_name) == (
        1964312974236991488, "reporter_mosul", "Mosul Reporter")
    assert post.kind == "reply" and post.reply_to == 2029903943413772741
    assert (post.reply_to_user_id, post.reply_to_handle) == (42, "ally")
    assert (post.like_count, post.retweet_count) == (4, 2)
    assert post.source_app == "Twitter Web App"
    assert post.created_at == datetime(2016, 10, 17, 5, 12, tzinfo=timezone.utc)
    assert post.hashtags == ["FreeMosul"] and post.mentions[0].user_id == 42
    assert post.location == "entry 1"
    assert post.raw == dump(t)
    (owner,) = got.users
    assert (owner.id, owner.handle, owner.name) == (1964312974236991488, "reporter_mosul", "Mosul Reporter")
    assert "private@example.org" not in repr(got.items)
    assert got.auxiliary == {"data/account.js"}


def test_a_retweet_is_cut_and_points_nowhere(tmp_path):
    t = tw("11", "RT @aljazeera: Iraqi forces enter Hamidiyya district, raising the flag over…")
    t["tweet"]["entities"]["user_mentions"] = [{"screen_name": "aljazeera", "id_str": "77", "id": "77"}]
    post = parse(archive(tmp_path, [t])).collected[11]
    assert post.kind == "retweet" and post.retweet_of is None and post.text_full is False
    assert post.text.startswith("RT @aljazeera: Iraqi forces")
    assert post.mentions[0].handle == "aljazeera"


def test_parts_and_the_old_tweet_js_are_read(tmp_path):
    archive(tmp_path, [tw("1", "first part")])
    write(tmp_path / "data" / "tweets-part1.js", ytd("tweets.part1", [tw("2", "second part")]))
    got = parse(tmp_path)
    assert got.formats["data/tweets-part1.js"] == "x-archive"
    assert set(got.collected) == {1, 2}
    old = tmp_path / "old"
    bare = tw("3", "an early archive, bare objects")["tweet"]
    archive(old, [tw("4", "tweet.js of 2019")], name="tweet.js", var="tweet.part0")
    write(old / "data" / "tweet-part1.js", ytd("tweet.part1", [bare]))
    assert set(parse(old).collected) == {3, 4}


def test_deleted_posts_are_kept_with_their_media(tmp_path):
    t = tw("2027737443122769985", "a deleted post https://t.co/pic", deleted_at="2026-03-01T00:00:00.000Z")
    t["tweet"]["extended_entities"] = {"media": [photo("9", "HCP4VPIWkAADmOs.jpg")]}
    archive(tmp_path, [tw("1", "kept")])
    write(tmp_path / "data" / "deleted-tweets.js", ytd("deleted_tweets.part0", [t]))
    write(tmp_path / "data" / "deleted_tweets_media" / "2027737443122769985-HCP4VPIWkAADmOs.jpg", b"JPEG")
    got = parse(tmp_path)
    assert got.formats["data/deleted-tweets.js"] == "x-archive"
    post = got.collected[2027737443122769985]
    assert post.deleted is True and got.collected[1].deleted is False
    assert post.media[0].local.name == "data/deleted_tweets_media/2027737443122769985-HCP4VPIWkAADmOs.jpg"
    assert post.text == "a deleted post pic.x.com/abc"


def test_media_files_are_attached_by_name(tmp_path):
    t = tw("100", "two photos and a video https://t.co/pic")
    t["tweet"]["extended_entities"] = {"media": [photo("1", "AAA.jpg"), photo("2", "BBB.png"),
                                                 video("3", "best.mp4", "small.mp4")]}
    t["tweet"]["entities"]["media"] = [photo("1", "AAA.jpg")]
    files = {"tweets_media/100-AAA.jpg": b"photo-a", "tweets_media/100-best.mp4": b"video-bytes",
             "tweets_media/101-BBB.png": b"another post's"}
    post = parse(archive(tmp_path, [t], files=files).parent.parent).collected[100]
    a, b, v = post.media
    assert (a.key, a.width, a.height) == ("1", 1200, 800)
    assert a.local.name == "data/tweets_media/100-AAA.jpg" and a.local.size == 7
    assert a.local.open().read() == b"photo-a"
    assert b.local is None  # its file is named for another post
    assert v.type == "video" and v.local.name == "data/tweets_media/100-best.mp4"
    assert v.local.open().read() == b"video-bytes"


def test_media_found_when_tweets_js_is_named_alone(tmp_path):
    t = tw("100", "photo")
    t["tweet"]["extended_entities"] = {"media": [photo("1", "AAA.jpg")]}
    path = archive(tmp_path, [t], files={"tweets_media/100-AAA.jpg": b"x"})
    src = expand(path).files[0]
    post = next(i for i in detect(src).parse(src, ParseOptions()) if hasattr(i, "media"))
    assert post.author_handle == "reporter_mosul"
    assert post.media[0].local.open().read() == b"x"


def test_hostile_media_paths_never_leave_the_archive(tmp_path):
    secret = write(tmp_path / "secret.jpg", b"SECRET")
    (tmp_path / "arch").mkdir()
    hostile = []
    for name in ["../../secret.jpg", "..%2F..%2Fsecret.jpg", str(secret), "/etc/passwd", "..", "."]:
        m = photo("1", "x.jpg")
        m["media_url_https"] = name if name.startswith("/") else f"https://pbs.twimg.com/media/{name}"
        m["media_url"] = name
        hostile.append(m)
    v = video("2", "../../../secret.jpg", "..\\..\\secret.jpg")
    v["video_info"]["variants"].append({"url": f"file://{secret}", "content_type": "video/mp4", "bitrate": "9"})
    hostile.append(v)
    t = tw("100", "hostile")
    t["tweet"]["extended_entities"] = {"media": hostile}
    base = tmp_path / "arch"
    archive(base, [t, tw("101", "the good one")])
    media = base / "data" / "tweets_media"
    media.mkdir()
    # A link inside the archive pointing out of it is never followed either.
    os.symlink(secret, media / "100-x.jpg")
    os.symlink(tmp_path, media / "100-dir")
    got = parse(base)
    assert got.problems == []
    post = got.collected[100]
    assert len(post.media) == 2
    assert all(m.local is None for m in post.media)
    assert 101 in got.collected


def test_media_inside_a_zip_is_read_from_the_zip(tmp_path):
    t = tw("100", "zipped")
    t["tweet"]["extended_entities"] = {"media": [photo("1", "AAA.jpg")]}
    zpath = tmp_path / "twitter-archive.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("data/tweets.js", ytd("tweets.part0", [t]))
        z.writestr("data/account.js", ytd("account.part0", ACCOUNT))
        z.writestr("data/tweets_media/100-AAA.jpg", b"zipped-photo")
        z.writestr("data/tweets_media/../../100-AAA.jpg", b"escaped")
    got = parse(zpath)
    post = got.collected[100]
    assert post.author_handle == "reporter_mosul"
    assert post.media[0].local.name == "data/tweets_media/100-AAA.jpg"
    assert post.media[0].local.open().read() == b"zipped-photo"


def test_a_long_post_takes_its_note_full_text(tmp_path):
    short = "A long thread about the west Mosul offensive &amp; the civilians leaving the old city through"
    t = tw("200", short + "… https://t.co/more", when="Sun Feb 19 08:00:00 +0000 2017")
    reply = tw("201", "@ally @other Second long one: the al-Nuri mosque… https://t.co/x",
               when="Wed Jun 21 20:00:01 +0000 2017", in_reply_to_status_id_str="5")
    unrelated = tw("202", "Nothing to do with any note, but at the same second as one",
                   when="Sun Feb 19 08:00:00 +0000 2017")
    notes = [
        {"noteTweet": {"noteTweetId": "9001", "createdAt": "2017-02-19T08:00:00.000Z", "updatedAt": "x",
                       "core": {"text": short.replace("&amp;", "&") + " the last open road. Full text here "
                                        "https://t.co/n1 #Mosul",
                                "urls": [{"shortUrl": "https://t.co/n1", "expandedUrl": "https://example.org/n1",
                                          "displayUrl": "example.org/n1"}],
                                "hashtags": [{"text": "Mosul"}], "mentions": [{"screenName": "unama"}]}}},
        {"noteTweet": {"noteTweetId": "9002", "createdAt": "2017-06-21T20:00:00.000Z",
                       "core": {"text": "Second long one: the al-Nuri mosque was destroyed tonight &gt; all of it."}}},
    ]
    got = parse(archive(tmp_path, [t, reply, unrelated], notes=notes))
    long = got.collected[200]
    assert long.text == (short.replace("&amp;", "&") + " the last open road. Full text here "
                         "https://example.org/n1 #Mosul")
    assert long.text_full
    assert "Mosul" in long.hashtags and "unama" in [m.handle for m in long.mentions]
    assert "https://example.org/n1" in [u.expanded for u in long.urls]
    r = got.collected[201]
    assert r.text == "@ally @other Second long one: the al-Nuri mosque was destroyed tonight > all of it."
    assert got.collected[202].text == "Nothing to do with any note, but at the same second as one"


def test_a_broken_entry_among_good_ones_is_reported(tmp_path):
    good = [tw("1", "one"), tw("2", "two"), tw("3", "three")]
    text = ytd("tweets.part0", good)
    # Cut the second entry's text string open: the array is no longer JSON.
    broken = text.replace('"full_text": "two"', '"full_text": "tw', 1)
    path = write(tmp_path / "data" / "tweets.js", broken)
    got = parse(path)
    assert set(got.collected) == {1, 3}
    assert [p.location for p in got.problems] == ["entry 2"]
    assert got.collected[3].location == "entry 3"


def test_entries_that_are_not_tweets_are_reported(tmp_path):
    no_id = tw("x", "no id")
    got = parse(archive(tmp_path, [tw("1", "good"), {"like": {}}, 7, no_id, tw("5", "good")]))
    assert set(got.collected) == {1, 5}
    assert [p.location for p in got.problems] == ["entry 2", "entry 3", "entry 4"]


def test_a_file_that_is_not_an_array_is_one_problem(tmp_path):
    path = write(tmp_path / "data" / "tweets.js", "window.YTD.tweets.part0 = [ {\"tweet\": ")
    got = parse(path)
    assert got.collected == {}
    assert len(got.problems) == 1


def test_bom_and_crlf(tmp_path):
    archive(tmp_path, [tw("1", "one &gt; two"), tw("2", "line\nbreak")], bom=True, crlf=True)
    assert (tmp_path / "data" / "tweets.js").read_bytes().startswith(b"\xef\xbb\xbfwindow")
    assert b"\r\n" in (tmp_path / "data" / "tweets.js").read_bytes()
    got = parse(tmp_path)
    assert got.formats["data/tweets.js"] == "x-archive"
    assert got.problems == []
    assert got.collected[1].text == "one > two"
    assert got.collected[2].text == "line\nbreak"


def test_without_account_js_the_manifest_names_the_author(tmp_path):
    archive(tmp_path, [tw("1", "one")], account=None)
    write(tmp_path / "data" / "manifest.js", "window.__THAR_CONFIG = " + json.dumps(
        {"userInfo": {"accountId": "77", "userName": "from_manifest", "displayName": "M"}}))
    got = parse(tmp_path)
    assert (got.collected[1].author_id, got.collected[1].author_handle) == (77, "from_manifest")
    assert "data/manifest.js" in got.auxiliary
    bare = tmp_path / "bare"
    archive(bare, [tw("1", "one")], account=None)
    post = parse(bare).collected[1]
    assert post.author_id is None and post.author_handle is None


def test_other_archive_files_are_auxiliary(tmp_path):
    for name, text in [("like.js", ytd("like.part0", [{"like": {"tweetId": "1"}}])),
                       ("direct-messages.js", ytd("direct_messages.part0", [])),
                       ("note-tweet.js", ytd("note_tweet.part0", [])),
                       ("manifest.js", "window.__THAR_CONFIG = {}")]:
        path = write(tmp_path / name, text)
        src = expand(path).files[0]
        fmt = detect(src)
        assert fmt.name == "x-archive-aux" and fmt.auxiliary, name
        assert list(fmt.parse(src, ParseOptions())) == []


def test_an_entry_nested_too_deeply_is_one_problem(tmp_path):
    text = ytd("tweets.part0", [tw("1", "before")])[:-1].rstrip() + (
        ", " + "[" * 100000 + "]" * 100000 + ", " + json.dumps(tw("3", "after")) + "]")
    got = parse(write(tmp_path / "data" / "tweets.js", text))
    assert set(got.collected) == {1, 3}
    assert [p.location for p in got.problems] == ["entry 2"]
