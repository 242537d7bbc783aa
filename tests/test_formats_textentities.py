"""Entities found in a post's text by twitter-text's rules."""
from __future__ import annotations

import pytest

from viewer.formats.textentities import extract


@pytest.mark.parametrize("text, tags", [
    ("بدء عملية #تحرير_الموصل اليوم", ["تحرير_الموصل"]),
    ("#تيغراي", ["تيغراي"]),
    ("with diacritics #الْمَوْصِل too", ["الْمَوْصِل"]),
    ("Persian with a joiner #می‌خواهم", ["می\u200cخواهم"]),
    ("Urdu #پاکستان_زندہ_باد", ["پاکستان_زندہ_باد"]),
    ("fullwidth sign ＃FreeMosul", ["FreeMosul"]),
    ("at the very end #FreeMosul", ["FreeMosul"]),
    ("(#Mosul), #Iraq! #Nineveh. #قادمون_يا_نينوى؟", ["Mosul", "Iraq", "Nineveh", "قادمون_يا_نينوى"]),
    ("digits only #2016 but #2016Mosul and #Mosul2016", ["2016Mosul", "Mosul2016"]),
    ("inside a word a#b and an entity &#39;x", []),
    ("a link https://example.org/page#section is no tag", []),
    ("cut by the archive #FreeMos…", []),
    ("twice #Mosul #mosul", ["Mosul"]),
    ("keycap #️⃣ is an emoji", []),
])
def test_hashtags_follow_twitter_text(text, tags):
    assert extract(text).hashtags == tags


@pytest.mark.parametrize("text, handles", [
    ("RT @iraq_thinker: text", ["iraq_thinker"]),
    ("@a and @abcdefghijklmno", ["a", "abcdefghijklmno"]),
    ("sixteen letters @abcdefghijklmnop is not a handle", []),
    ("an address a@example.com is not a mention", []),
    ("RT@glued counts", ["glued"]),
    ("fullwidth ＠civil_aid", ["civil_aid"]),
    ("cut @civil_a…", []),
])
def test_mentions_follow_twitter_text(text, handles):
    assert extract(text).mentions == handles


def test_cashtags_and_urls():
    found = extract("$AAPL up, a$b not; see https://example.org/a_(b)). and www.example.com.")
    assert found.cashtags == ["AAPL"]
    assert found.urls == ["https://example.org/a_(b)", "www.example.com"]
