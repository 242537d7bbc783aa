"""The 2012–2018 account archive: data/js/tweets/YYYY_MM.js month by month."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from formats_helpers import CORPORA, needs, parse, status, user, write
from viewer.formats.common import dump

ARCHIVE = CORPORA / "grailbird-congressedits"


@pytest.fixture(scope="module")
def real():
    if not ARCHIVE.is_dir():
        pytest.skip("corpus grailbird-congressedits is absent")
    return parse(ARCHIVE / "data")


@needs("grailbird-congressedits")
def test_real_archive_months_give_2313_posts(real):
    months = [m for m, f in real.formats.items() if f == "grailbird"]
    assert len(months) == 51
    assert real.problems == []
    posts = real.collected
    assert len(posts) == 2313
    assert real.kinds()["retweet"] == 23
    assert real.kinds()["reply"] == 5
    assert sum(1 for p in posts.values() if p.reply_to) == 5
    dates = sorted(p.created_at for p in posts.values())
    assert dates[0].strftime("%Y-%m") == "2014-07" and dates[-1].strftime("%Y-%m") == "2018-09"


@needs("grailbird-congressedits")
def test_real_archive_side_files_are_auxiliary(real):
    assert real.auxiliary == {"js/user_details.js", "js/tweet_index.js", "js/payload_details.js"}


@needs("grailbird-congressedits")
def test_real_archive_posts_and_authors(real):
    own = [p for p in real.collected.values() if p.kind != "retweet"]
    assert {(p.author_id, p.author_handle) for p in own} == {(2612261960, "congressedits")}
    owner = next(u for u in real.users if u.handle == "congressedits" and u.bio)
    assert owner.bio.startswith("I’m a bot that tweets anonymous Wikipedia edits")
    assert owner.created_at == datetime(2014, 7, 8, 20, 12, 42, tzinfo=timezone.utc)
    first = real.collected[494970488012414976]
    assert first.created_at == datetime(2014, 7, 31, 22, 18, 55, tzinfo=timezone.utc)
    assert first.text == ("Asdrúbal Cabrera Wikipedia article edited anonymously from US House of "
                          "Representatives http://en.wikipedia.org/w/index.php?diff=619349620&oldid=619346999")
    assert first.source_app == "anon-wikipedia"
    assert first.lang is None  # the old archive has no lang
    assert json.loads(first.raw)["id_str"] == "494970488012414976"


@needs("grailbird-congressedits")
def test_real_archive_retweets_carry_their_originals(real):
    rts = [p for p in real.collected.values() if p.kind == "retweet"]
    originals = {p.id: p for p in real.posts if not p.collected}
    for rt in rts:
        assert rt.retweet_of in originals
        assert rt.text == f"RT @{originals[rt.retweet_of].author_handle}: {originals[rt.retweet_of].text}"
    wapo = real.collected[492415289846693888]
    assert wapo.text == ("RT @washingtonpost: Wikipedia is blocking anonymous edits from a Congressional IP "
                         "address http://wapo.st/1nXUjeg")


# --- small archives written here ----------------------------------------------------

def month(entries, var="tweets_2016_10", newline="\n") -> str:
    return f"Grailbird.data.{var} = {newline} " + json.dumps(entries, indent=2, ensure_ascii=False)


def gb(id_str, text, **extra):
    """A post as the old archive wrote it."""
    d = status(id_str, text, created_at="2016-10-17 05:12:00 +0000", **extra)
    for key in ("lang", "truncated", "retweet_count", "favorite_count", "is_quote_status"):
        d.pop(key, None)
    d["geo"] = {}
    return d


def test_a_month_with_the_array_on_the_next_line(tmp_path):
    write(tmp_path / "data" / "js" / "tweets" / "2016_10.js",
          month([gb("1", "Offensive begins &amp; #Mosul"), gb("2", "second")]))
    got = parse(tmp_path)
    assert got.formats["data/js/tweets/2016_10.js"] == "grailbird"
    assert set(got.collected) == {1, 2}
    post = got.collected[1]
    assert post.text == "Offensive begins & #Mosul"
    assert post.created_at == datetime(2016, 10, 17, 5, 12, tzinfo=timezone.utc)
    assert post.location == "entry 1" and post.raw == dump(gb("1", "Offensive begins &amp; #Mosul"))
    assert post.author_handle == "reporter_mosul"


def test_a_retweet_takes_its_originals_text(tmp_path):
    original = gb("50", "Iraqi forces retake east Mosul &gt; full story", user=user("77", "aljazeera"))
    rt = gb("100", "RT @aljazeera: Iraqi forces retake east Mosul &gt; full…", retweeted_status=original)
    got = parse(write(tmp_path / "2017_01.js", month([rt], "tweets_2017_01")))
    post = got.collected[100]
    assert post.kind == "retweet" and post.retweet_of == 50 and post.text_full
    assert post.text == "RT @aljazeera: Iraqi forces retake east Mosul > full story"
    (orig,) = [p for p in got.posts if not p.collected]
    assert orig.id == 50 and orig.raw == dump(original)


def test_user_details_gives_the_owner(tmp_path):
    js = tmp_path / "data" / "js"
    write(js / "tweets" / "2016_10.js", month([gb("1", "one")]))
    write(js / "user_details.js", 'var user_details =  {\n  "screen_name" : "reporter_mosul",\n'
                                  '  "full_name" : "Reporter",\n  "bio" : "Covering Nineveh",\n'
                                  '  "id" : "2244994945",\n  "created_at" : "2013-01-01 00:00:00 +0000"\n}')
    write(js / "tweet_index.js", 'var tweet_index =  [ {\n  "file_name" : "data/js/tweets/2016_10.js",\n'
                                 '  "year" : 2016,\n  "var_name" : "tweets_2016_10",\n  "tweet_count" : 1,\n'
                                 '  "month" : 10\n} ]')
    write(js / "payload_details.js", 'var payload_details =  {\n  "tweets" : 1,\n  "lang" : "en"\n}')
    got = parse(tmp_path)
    assert got.auxiliary == {"data/js/user_details.js", "data/js/tweet_index.js", "data/js/payload_details.js"}
    owner = next(u for u in got.users if u.bio)
    assert (owner.id, owner.handle, owner.bio) == (2244994945, "reporter_mosul", "Covering Nineveh")


def test_a_broken_entry_among_good_ones_is_reported(tmp_path):
    text = month([gb("1", "one"), gb("2", "two"), gb("3", "three")])
    broken = text.replace('"text": "two"', '"text": "tw', 1)
    got = parse(write(tmp_path / "2016_10.js", broken))
    assert set(got.collected) == {1, 3}
    assert [p.location for p in got.problems] == ["entry 2"]


def test_an_entry_without_an_id_is_reported(tmp_path):
    bad = gb("9", "no id")
    bad["id_str"] = "x"
    got = parse(write(tmp_path / "2016_10.js", month([gb("1", "one"), bad, "junk", gb("3", "three")])))
    assert set(got.collected) == {1, 3}
    assert [p.location for p in got.problems] == ["entry 2", "entry 3"]


def test_bom_and_crlf(tmp_path):
    path = write(tmp_path / "2016_10.js", month([gb("1", "one &lt;3"), gb("2", "two")], newline="\r\n"),
                 bom=True, crlf=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfGrailbird")
    got = parse(path)
    assert got.problems == []
    assert set(got.collected) == {1, 2}
    assert got.collected[1].text == "one <3"
