"""Real outputs of the researchers' tools (rtweet, TAGS, academictwitteR),
fetched from their own repositories' test data; the expected figures were
counted over the raw files with Python's csv/json modules (tests/data/README.md)."""
from __future__ import annotations

from collections import Counter

from formats_helpers import fetched, needs_testdata, parse


@needs_testdata("rtweet-csv")
def test_rtweet_csv_gives_its_rows_with_their_links():
    parsed = parse(fetched("rtweet-csv") / "csv_data.tweets.csv")
    assert set(parsed.formats.values()) == {"csv"} and not parsed.problems
    # 100 rows: 82 is_retweet, 3 is_quote, 11 replies; 59 originals known only from
    # the retweet_*/quoted_* columns.
    assert len(parsed.collected) == 100
    assert Counter(p.kind for p in parsed.collected.values()) == Counter(
        {"retweet": 82, "quote": 3, "reply": 11, "post": 4})
    assert len({p.id for p in parsed.posts} - set(parsed.collected)) == 59
    rt = parsed.collected[972640006354251776]
    assert rt.retweet_of == 972509996872282112 and rt.text_full and rt.text.endswith("https://t.co/DDYZQphRFA")
    assert rt.hashtags == ["Obama", "Trump"]


@needs_testdata("tags-csv")
def test_tags_sheet_gives_its_rows_retweets_by_their_text():
    parsed = parse(fetched("tags-csv") / "sample-data.csv")
    assert len(parsed.collected) == 10 and not parsed.problems
    # 8 of the 10 texts start "RT @"; TAGS writes no retweet link.
    assert Counter(p.kind for p in parsed.collected.values())["retweet"] == 8
    p = parsed.collected[1248064163211096064]
    assert p.author_handle == "Patrick81040643" and p.hashtags == ["aect19"]
    assert [m.handle for m in p.mentions] == ["dtpthanh", "YamChaivisit"]


@needs_testdata("academictwitter")
def test_academictwitter_pairs_data_and_users_files():
    parsed = parse(fetched("academictwitter") / "commtwitter")
    assert parsed.formats["data_1399765322509557763.json"] == "academictwitter"
    assert "users_1399765322509557763.json" in parsed.auxiliary
    # 5 tweets, 3 of them retweets whose originals are in the users file, 1 of
    # those originals not collected itself; 4 users.
    assert len(parsed.collected) == 5
    assert Counter(p.kind for p in parsed.collected.values())["retweet"] == 3
    assert len({p.id for p in parsed.posts} - set(parsed.collected)) == 1
    assert all(p.author_name for p in parsed.collected.values())
    assert all(p.text_full and not p.text.endswith("…") for p in parsed.collected.values() if p.kind == "retweet")


@needs_testdata("academictwitter")
def test_academictwitter_folder_of_four_pages():
    parsed = parse(fetched("academictwitter") / "hk")
    assert len(parsed.collected) == 1628 and not parsed.problems
    assert {u.id for u in parsed.users} >= {p.author_id for p in parsed.collected.values()}
