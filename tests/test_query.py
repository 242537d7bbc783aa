"""The query language (DESIGN §4): Whoosh's operators, Twitter's operators,
and a clear message for every query that cannot be understood."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from viewer.search.query import (All, And, CuratorTag, Empty, Flags, Fuzzy, HasNote, HasTag, Kind, Lang, Not, Or,
                          Pattern, Phrase, QueryError, Term, TimeRange, parse)
from viewer.textproc import analyze


def root(q: str):
    return parse(q).root


def word(w: str) -> Term:
    (t,) = analyze(w)
    return Term("text", t)


def utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=timezone.utc).timestamp())


# --- words ------------------------------------------------------------------


def test_an_empty_query_means_every_post():
    assert root("") == All()
    assert root("   ") == All()


def test_words_are_analysed_as_the_index_analyses_them():
    assert root("Fleeing") == word("fleeing")
    assert root("والموصل") == root("الموصل") == word("الموصل")


def test_words_side_by_side_must_all_be_there():
    assert root("mosul civilians") == And((word("mosul"), word("civilians")))


def test_a_quoted_phrase_keeps_its_words_in_order():
    assert root('"old city"') == Phrase(tuple(analyze("old city")))


def test_a_phrase_may_allow_words_in_between():
    assert root('"old city"~3') == Phrase(tuple(analyze("old city")), slop=3)


def test_a_word_the_analysis_cuts_in_pieces_is_a_phrase_of_them():
    assert root("al-Nuri") == Phrase(tuple(analyze("al Nuri")))


def test_a_word_with_nothing_searchable_is_left_out():
    assert root("mosul !!!") == word("mosul")
    assert root("!!!") == Empty()


# --- Whoosh's operators -------------------------------------------------------


def test_or_binds_tighter_than_words_side_by_side_as_on_whoosh_and_twitter():
    assert root("a b OR c") == And((word("a"), Or((word("b"), word("c")))))


def test_explicit_and_binds_tighter_than_or():
    assert root("a AND b OR c") == Or((And((word("a"), word("b"))), word("c")))


def test_not_applies_to_what_follows_it():
    assert root("NOT a b") == And((Not(word("a")), word("b")))


def test_andnot_leaves_out_the_right_side():
    assert root("a ANDNOT b") == And((word("a"), Not(word("b"))))


def test_parentheses_group():
    assert root("(a OR b) c") == And((Or((word("a"), word("b"))), word("c")))


def test_lowercase_or_and_not_are_plain_words():
    assert root("war or peace") == And((word("war"), word("or"), word("peace")))


def test_a_trailing_star_is_a_prefix_over_the_index_words():
    assert root("Mosu*") == Pattern("text", "mosu*")


def test_an_arabic_prefix_loses_its_clitics_as_the_index_words_did():
    assert root("الموص*") == Pattern("text", "موص*")


def test_a_tilde_is_a_fuzzy_word():
    assert root("civilans~") == Fuzzy(analyze("civilans")[0], 1)
    assert root("civilans~2") == Fuzzy(analyze("civilans")[0], 2)


def test_a_lone_star_matches_everything():
    assert root("*") == All()


# --- Twitter's operators -------------------------------------------------------


def test_hashtags_are_exact_and_folded():
    assert root("#FreeMosul") == root("#freemosul") == Term("hashtags", "freemosul")
    assert root("#تحرير_الموصل") == Term("hashtags", "تحرير_الموصل")


def test_sentence_punctuation_after_a_hashtag_or_handle_is_not_part_of_it():
    assert root("#Mosul,") == Term("hashtags", "mosul")
    assert root("@Mosul_Eye.") == Term("mentions", "mosul_eye")


def test_from_to_and_mentions_take_a_handle_with_or_without_at():
    assert root("from:RamiNadhim_IQ") == root("from:@raminadhim_iq") == Term("author", "raminadhim_iq")
    assert root("to:NinawaNow") == Term("to", "ninawanow")
    assert root("@NinawaNow") == Term("mentions", "ninawanow")


def test_lang_takes_a_language_code():
    assert root("lang:AR") == Lang("ar")


def test_since_is_inclusive_and_until_exclusive_at_midnight_utc():
    assert root("since:2016-10-17") == TimeRange(utc(2016, 10, 17), None)
    assert root("until:2016-11-01") == TimeRange(None, utc(2016, 11, 1))


def test_since_accepts_twitters_time_of_day_form():
    assert root("since:2016-10-17_05:30:00_UTC") == TimeRange(utc(2016, 10, 17, 5, 30), None)


def test_filters_name_media_and_kinds():
    assert root("filter:media") == Flags(1)
    assert root("filter:images") == Flags(2)
    assert root("filter:retweets") == root("filter:nativeretweets") == root("is:retweet") == Kind("retweet")
    assert root("filter:replies") == Kind("reply")
    assert root("filter:quote") == Kind("quote")


def test_kind_names_one_kind_even_plain_posts():
    assert root("kind:retweet") == Kind("retweet")
    assert root("kind:post") == Kind("post")


def test_a_minus_leaves_out_any_operator():
    assert root("-filter:retweets") == Not(Kind("retweet"))
    assert root("mosul -#FreeMosul") == And((word("mosul"), Not(Term("hashtags", "freemosul"))))
    assert root('-"old city"') == Not(Phrase(tuple(analyze("old city"))))


def test_a_hyphen_inside_a_word_is_not_a_minus():
    assert isinstance(root("al-Nuri"), Phrase)


def test_the_curators_tag_and_note_operators():
    assert root("tag:evidence") == CuratorTag("evidence")
    assert root('tag:"two words"') == CuratorTag("two words")
    assert root("has:note") == HasNote()
    assert root("has:tag") == HasTag()


def test_a_url_with_a_colon_is_words_not_an_operator():
    assert isinstance(root("https://tigriswire.example.com/x"), Phrase)


def test_a_word_followed_by_a_colon_and_a_space_is_a_word():
    assert root("Breaking: mosul") == And((word("breaking"), word("mosul")))


# --- what a highlighter is told ------------------------------------------------


def test_the_query_lists_the_terms_tags_and_handles_to_highlight():
    q = parse("الموصل #FreeMosul @NinawaNow from:x")
    assert q.terms == set(analyze("الموصل"))
    assert q.hashtags == {"freemosul"}
    assert q.mentions == {"ninawanow"}


def test_negated_words_are_not_highlighted():
    q = parse("mosul -civilians NOT camp")
    assert q.terms == set(analyze("mosul"))


# --- errors -----------------------------------------------------------------------


@pytest.mark.parametrize("q, says", [
    ("from:(((", "from: needs an account"),
    ('"old city', "quotation mark is not closed"),
    ("-", "'-' must be followed"),
    ("mosul -", "'-' must be followed"),
    ("(mosul", "parenthesis is not closed"),
    ("mosul)", "closing parenthesis has no opening"),
    ("()", "parentheses holds nothing"),
    ("mosul OR", "OR needs something after it"),
    ("OR mosul", "OR needs something before it"),
    ("mosul AND", "AND needs something after it"),
    ("NOT", "NOT needs something after it"),
    ("since:yesterday", "is not a date"),
    ("until:", "until: needs a date"),
    ("filter:cats", "not something to filter on"),
    ("lang:", "lang: needs a language code"),
    ("foo:bar", "'foo:' is not an operator"),
    ('tag:"evidence', "quotation mark after tag: is not closed"),
    ("from:not-a-handle!", "is not an account handle"),
    ("kind:tweet", "not a kind of post"),
])
def test_a_query_that_cannot_be_understood_says_why_in_one_line(q, says):
    with pytest.raises(QueryError) as e:
        parse(q)
    assert says in e.value.message
    assert "\n" not in e.value.message
