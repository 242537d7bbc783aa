"""Issue 13 items 4 and 6: a #hashtag matches its tag exactly in any case and
any Arabic spelling, never a stemmed form; and highlighting marks exactly the
forms that matched, Arabic prefixed and suffixed forms included."""
from __future__ import annotations

import pytest

from search_factory import add, post
from viewer.collection import Collection
from viewer.search import Searcher


@pytest.fixture
def tagged(tmp_path):
    coll = Collection.open(tmp_path / "coll")
    add(coll, [
        post("#الموصل اليوم", id=1), post("#الموصـل", id=2), post("#الْمَوْصِل", id=3),
        post("#تحریر_الموصل", id=4), post("#تحرير_الموصل", id=5),
        post("#أربيل", id=6), post("#اربيل", id=7), post("#إربيل", id=8),
        post("#الثورة", id=9), post("#الثوره", id=10), post("#ثورة", id=11),
        post("#حب", id=12), post("#الحب", id=13), post("#Mosul", id=14), post("#MOSUL2016", id=15),
        post("وصلنا إلى الموصل", id=16),
    ])
    return Searcher(coll)


def found(s: Searcher, q: str) -> set[int]:
    return set(s.search(q).ids)


def test_a_hashtag_matches_tatweel_harakat_and_persian_letter_variants(tagged):
    assert found(tagged, "#الموصل") == {1, 2, 3}
    assert found(tagged, "#تحرير_الموصل") == {4, 5}


def test_a_hashtag_matches_every_alef_and_ta_marbuta_spelling(tagged):
    assert found(tagged, "#اربيل") == {6, 7, 8}
    assert found(tagged, "#الثورة") == {9, 10}


def test_a_hashtag_is_never_matched_by_its_stem(tagged):
    assert found(tagged, "#الحب") == {13}
    assert found(tagged, "#حب") == {12}
    assert found(tagged, "#ثورة") == {11}
    assert found(tagged, "#mosul") == {14}


def test_a_plain_word_still_finds_the_words_inside_hashtags(tagged):
    assert found(tagged, "الموصل") == {1, 2, 3, 4, 5, 16}


@pytest.fixture
def searcher(tmp_path):
    coll = Collection.open(tmp_path / "coll")
    add(coll, [
        post("وصلنا ببغداد وحياتنا لله والسعودية وسعود", id=1),
        post("liberate mosul now, then mosul again", id=2),
        post("they will liberate the old city of mosul", id=3),
        post("#الْمَوْصِل تتحرر", id=4),
    ])
    return Searcher(coll)


def marked(s: Searcher, q: str, text: str) -> list[str]:
    return [text[a:b] for a, b in s.search(q).highlight(text)]


def test_arabic_prefixed_and_suffixed_forms_are_highlighted_and_look_alikes_are_not(searcher):
    text = "وصلنا ببغداد وحياتنا لله والسعودية وسعود"
    assert marked(searcher, "بغداد حياة الله السعودية", text) == ["ببغداد", "وحياتنا", "لله", "والسعودية"]


def test_a_phrase_is_highlighted_where_it_matched_and_not_where_one_word_stands_alone(searcher):
    assert set(searcher.search('"liberate mosul"').ids) == {2}
    text = "liberate mosul now, then mosul again"
    spans = searcher.search('"liberate mosul"').highlight(text)
    assert [text[a:b] for a, b in spans] == ["liberate", "mosul"]
    assert spans[1][0] == text.index("mosul")


def test_a_sloppy_phrase_is_highlighted_over_the_words_between(searcher):
    text = "they will liberate the old city of mosul"
    assert set(searcher.search('"liberate mosul"~5').ids) == {2, 3}
    assert marked(searcher, '"liberate mosul"~5', text) == ["liberate", "mosul"]


def test_a_hashtag_written_with_harakat_is_highlighted(searcher):
    assert set(searcher.search("#الموصل").ids) == {4}
    assert marked(searcher, "#الموصل", "#الْمَوْصِل تتحرر") == ["#الْمَوْصِل"]
