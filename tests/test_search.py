"""Finding posts (DESIGN §4): Arabic and English analysis, Twitter's
operators, and the result set the window and the command line read — total,
ids in order, hits with highlights, facets and histogram over the whole
result set."""
from __future__ import annotations

from datetime import datetime, timezone
from itertools import pairwise

import pytest

from viewer import curation
from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import index_sink
from viewer.search import QueryError, Searcher

from conftest import SAMPLE
from search_factory import add, post


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


def found(searcher: Searcher, query: str, **kw) -> set[int]:
    return set(searcher.search(query, **kw).ids)


# --- Arabic ----------------------------------------------------------------------

MOSUL_FORMS = {1: "الموصل", 2: "والموصل", 3: "بالموصل", 4: "للموصل", 5: "الموصِل", 6: "الموصـــل",
               7: "الْمَوْصِل", 8: "فالموصل", 9: "موصل"}
NOT_MOSUL = {20: "بغداد", 21: "الموصول", 22: "وصل", 23: "المحافظة"}


@pytest.fixture(scope="module")
def arabic(tmp_path_factory):
    coll = Collection.open(tmp_path_factory.mktemp("arabic") / "c")
    add(coll, [post(f"المعركة في {w} اليوم", id=i) for i, w in {**MOSUL_FORMS, **NOT_MOSUL}.items()])
    yield Searcher(coll)
    coll.close()


@pytest.mark.parametrize("query", ["الموصل", "موصل", "الْمَوْصِل", "والموصل", "الموصـــل"])
def test_every_written_form_of_mosul_is_found_and_nothing_else(arabic, query):
    assert found(arabic, query) == set(MOSUL_FORMS)


def test_hamza_and_alef_forms_and_ta_marbuta_meet(collection):
    add(collection, [post("إلى المدينة", id=1), post("الى المدينه", id=2), post("أمس", id=3)])
    s = Searcher(collection)
    assert found(s, "إلى المدينة") == found(s, "الى المدينه") == {1, 2}


def test_arabic_indic_digits_are_found_by_ascii_digits(collection):
    add(collection, [post("قتل ١٧ مدنيا", id=1), post("17 civilians", id=2), post("18", id=3)])
    assert found(Searcher(collection), "17") == {1, 2}


# --- English -----------------------------------------------------------------------


def test_english_is_case_folded_and_stemmed(collection):
    add(collection, [post("Families FLEEING the city", id=1), post("they flee", id=2),
                     post("he flees", id=3), post("fleet of trucks", id=4)])
    assert found(Searcher(collection), "fleeing") == {1, 2, 3}


# --- hashtags and mentions ----------------------------------------------------------


@pytest.fixture
def tagged(collection):
    add(collection, [
        post("#FreeMosul now", id=1), post("#freemosul", id=2), post("#FREEMOSUL", id=3),
        post("free mosul, no hashtag", id=4),
        post("بدأت #تحرير_الموصل", id=5), post("#تحرير_الموصل اليوم", id=6),
        post("تحرير الموصل بدأ", id=7), post("تحرير سنجار", id=8),
    ])
    return Searcher(collection)


def test_a_hashtag_finds_every_case_form_of_it_and_only_posts_with_it(tagged):
    assert found(tagged, "#FreeMosul") == {1, 2, 3}


def test_an_arabic_hashtag_finds_exactly_its_posts(tagged):
    assert found(tagged, "#تحرير_الموصل") == {5, 6}


def test_an_arabic_hashtag_is_also_found_by_its_words(tagged):
    assert found(tagged, "تحرير الموصل") == {5, 6, 7}


def test_hashtags_count_as_one_facet_value_whatever_their_case(tagged):
    facets = dict(tagged.search("#freemosul").facets["hashtags"])
    assert sum(c for t, c in facets.items() if t.lower() == "freemosul") == 3
    assert len([t for t in facets if t.lower() == "freemosul"]) == 1


def test_mentions_from_and_to(collection):
    add(collection, [
        post("@NinawaNow what is happening?", id=1, author="sam", reply_to_handle="NinawaNow", kind="reply"),
        post("thanks @ninawanow", id=2, author="rami"),
        post("update from the front", id=3, author="NinawaNow"),
    ])
    s = Searcher(collection)
    assert found(s, "@NinawaNow") == {1, 2}
    assert found(s, "from:ninawanow") == {3}
    assert found(s, "to:NinawaNow") == {1}
    assert found(s, "-from:NinawaNow") == {1, 2}


# --- retweets, quotes and originals ---------------------------------------------------


@pytest.fixture
def retweeted(collection):
    original = post("Troops raised the flag over Hamidiyya this morning after heavy fighting near the river",
                    id=1, author="reporter", collected=False, hashtags=["Mosul"])
    add(collection, [
        original,
        post("RT @reporter: Troops raised the flag over Hamidiyya this morning after…", id=2,
             author="sam", kind="retweet", retweet_of=1),
        post("what a day", id=3, author="rami", kind="quote", quote_of=1),
    ])
    return Searcher(collection)


def test_a_retweet_is_found_by_its_originals_last_word(retweeted):
    assert found(retweeted, "river") == {2}


def test_an_original_known_only_through_a_retweet_is_not_a_result_of_its_own(retweeted):
    assert found(retweeted, "Hamidiyya") == {2}
    assert found(retweeted, "") == {2, 3}


def test_a_retweet_carries_its_originals_hashtags(retweeted):
    assert found(retweeted, "#Mosul") == {2}


def test_the_hit_of_a_retweet_found_through_its_original_shows_the_originals_words(retweeted):
    (hit,) = retweeted.search("river").hits()
    assert "river" in hit.snippet


# --- filters ------------------------------------------------------------------------


@pytest.fixture
def kinds(collection):
    add(collection, [
        post("a photo", id=1, media=["photo"]),
        post("a video", id=2, media=["video"]),
        post("a link", id=3, urls=["https://news.example/x"]),
        post("RT @x: a retweet", id=4, kind="retweet", retweet_of=99),
        post("@x a reply", id=5, kind="reply", reply_to=98, reply_to_handle="x"),
        post("a quote", id=6, kind="quote", quote_of=97),
        post("plain", id=7, lang="ar"),
        post("plain too", id=8, lang="en"),
    ])
    return Searcher(collection)


@pytest.mark.parametrize("query, ids", [
    ("filter:media", {1, 2}),
    ("filter:images", {1}),
    ("filter:videos", {2}),
    ("filter:links", {3}),
    ("filter:retweets", {4}),
    ("filter:replies", {5}),
    ("filter:quote", {6}),
    ("-filter:retweets", {1, 2, 3, 5, 6, 7, 8}),
    ("-filter:media -filter:retweets -filter:replies", {3, 6, 7, 8}),
    ("lang:ar", {7}),
    ("lang:en OR lang:ar", {7, 8}),
    ("-lang:ar plain", {8}),
    ("filter:media OR filter:quote", {1, 2, 6}),
    ("kind:post", {1, 2, 3, 7, 8}),
    ("-kind:post", {4, 5, 6}),
])
def test_filters_and_their_negations(kinds, query, ids):
    assert found(kinds, query) == ids


# --- time ------------------------------------------------------------------------------


@pytest.fixture
def dated(collection):
    add(collection, [
        post("a", id=1, at="2016-10-16T23:59:59"), post("b", id=2, at="2016-10-17T00:00:00"),
        post("c", id=3, at="2016-10-31T23:59:59"), post("d", id=4, at="2016-11-01T00:00:00"),
    ])
    return Searcher(collection)


def test_since_is_inclusive_and_until_exclusive_at_midnight_utc(dated):
    assert found(dated, "since:2016-10-17 until:2016-11-01") == {2, 3}
    assert found(dated, "since:2016-10-17") == {2, 3, 4}
    assert found(dated, "until:2016-10-17") == {1}
    assert found(dated, "-since:2016-10-17") == {1}


def test_the_windows_time_range_applies_on_top_of_the_query(dated):
    rs = dated.search("", since_ts=ts("2016-10-17"), until_ts=ts("2016-11-01"))
    assert set(rs.ids) == {2, 3}
    assert rs.total == 2


def test_the_histogram_keeps_the_whole_result_around_the_windows_range(dated):
    rs = dated.search("", since_ts=ts("2016-10-17"), until_ts=ts("2016-11-01"))
    assert rs.histogram.total == 4


def test_a_post_without_a_date_is_found_but_outside_every_date_range(collection):
    add(collection, [post("undated word", id=1, at="2016-10-17"), post("undated word", id=2)])
    from viewer.store import Store  # noqa: F401  (the row is written with no date below)
    with collection.db.conn:
        collection.db.execute("UPDATE posts SET created_at = NULL, created_ts = NULL, rev = rev + 1 WHERE id = 2")
    from viewer.index import update_posts
    update_posts(collection, [2])
    s = Searcher(collection)
    assert found(s, "undated") == {1, 2}
    assert found(s, "undated until:2030-01-01") == {1}


# --- the result set --------------------------------------------------------------------


@pytest.fixture
def timeline(collection):
    add(collection, [
        post("mosul civilians", id=3, at="2016-10-17T10:00", author="b", hashtags=["Mosul"], lang="en"),
        post("mosul", id=1, at="2016-10-17T09:00", author="a", hashtags=["Mosul", "Iraq"], lang="en"),
        post("mosul mosul civilians camp", id=2, at="2016-10-18T09:00", author="a", lang="en"),
        post("الموصل", id=4, at="2016-10-19T09:00", author="c", hashtags=["الموصل"], lang="ar"),
        post("nothing", id=5, at="2016-10-20T09:00", author="a"),
    ])
    return Searcher(collection)


MOSUL = "mosul OR الموصل"


def test_results_are_sorted_by_time_oldest_first_by_default(timeline):
    assert list(timeline.search(MOSUL).ids) == [1, 3, 2, 4]


def test_results_can_be_sorted_newest_first(timeline):
    assert list(timeline.search(MOSUL, sort="-time").ids) == [4, 2, 3, 1]


def test_results_sorted_by_relevance_put_the_best_match_first(timeline):
    ids = list(timeline.search("civilians camp", sort="relevance").ids)
    assert ids == [2]
    # 3 and 2 hold both words (each counted once a post), 3 in fewer words;
    # 1 holds one of them.
    ids = list(timeline.search("mosul OR civilians", sort="relevance").ids)
    assert ids == [3, 2, 1]


def test_the_total_counts_every_match_not_a_page(timeline):
    rs = timeline.search(MOSUL)
    assert rs.total == len(rs) == 4
    assert len(rs.hits(0, 2)) == 2


def test_hits_read_a_page_with_the_posts_fields(timeline):
    (hit,) = timeline.search(MOSUL).hits(1, 1)
    assert (hit.id, hit.author_handle, hit.created_at, hit.kind, hit.lang) == \
           (3, "b", "2016-10-17T10:00:00Z", "post", "en")
    assert hit.created_ts == ts("2016-10-17T10:00")
    assert hit.text == "mosul civilians"


def test_hits_mark_where_the_query_matched(timeline):
    (hit,) = timeline.search("civilians").hits(0, 1)
    assert [hit.text[s:e] for s, e in hit.highlights] == ["civilians"]


def test_highlighting_marks_every_form_the_search_found(collection):
    add(collection, [post("وصلت القوات والموصل بالموصل الْمَوْصِل اليوم", id=1)])
    rs = Searcher(collection).search("الموصل")
    text = "وصلت القوات والموصل بالموصل الْمَوْصِل اليوم"
    assert [text[s:e] for s, e in rs.highlight(text)] == ["والموصل", "بالموصل", "الْمَوْصِل"]


def test_highlighting_marks_hashtags_but_not_negated_words(collection):
    add(collection, [post("#FreeMosul civilians camp", id=1)])
    rs = Searcher(collection).search("#freemosul civilians -tents")
    text = "#FreeMosul civilians camp tents"
    assert [text[s:e] for s, e in rs.highlight(text)] == ["#FreeMosul", "civilians"]


def test_facets_count_the_whole_result_set(timeline):
    f = timeline.search(MOSUL).facets
    assert f["authors"] == [("a", 2), ("b", 1), ("c", 1)]
    assert f["hashtags"] == [("Mosul", 2), ("Iraq", 1), ("الموصل", 1)]
    assert f["langs"] == [("en", 3), ("ar", 1)]
    assert f["kinds"] == [("post", 4)]
    assert f["tags"] == []


def test_facets_of_a_few_posts_among_many_and_of_most_posts_count_the_same_as_one_by_one(collection):
    # Few hits are found word by word, most through the posts left out.
    add(collection, [post(f"camp {'needle' if i in (17, 150) else 'hay'}", id=i + 1, author=f"u{i % 7}",
                          hashtags=["Mosul"] + (["Iraq"] if i % 3 == 0 else []), lang="en" if i % 2 else "ar")
                     for i in range(200)])
    s = Searcher(collection)
    for query, picked in (("needle", [17, 150]), ("-needle", [i for i in range(200) if i not in (17, 150)])):
        f = s.search(query).facets
        authors = sorted(((f"u{a}", sum(1 for i in picked if i % 7 == a)) for a in range(7)),
                         key=lambda x: (-x[1], x[0]))
        assert f["authors"] == [a for a in authors if a[1]][:len(f["authors"])]
        assert dict(f["hashtags"]) == {k: v for k, v in (("Mosul", len(picked)),
                                                          ("Iraq", sum(1 for i in picked if i % 3 == 0))) if v}
        assert dict(f["langs"]) == {k: v for k, v in (("en", sum(1 for i in picked if i % 2)),
                                                       ("ar", sum(1 for i in picked if not i % 2))) if v}


def test_the_histogram_unit_follows_the_span(timeline):
    h = timeline.search(MOSUL).histogram
    assert h.unit == "hour"  # two days
    assert h.total == 4
    assert h.buckets[0] == (ts("2016-10-17T09:00"), 1)
    assert h.buckets[1] == (ts("2016-10-17T10:00"), 1)
    assert all(b - a == 3600 for (a, _), (b, _) in pairwise(h.buckets))


def test_the_histogram_can_be_rebucketed_for_a_zoom(timeline):
    rs = timeline.search("")
    days = rs.histogram_for("day")
    assert [c for _, c in days.buckets] == [2, 1, 1, 1]
    assert days.start == ts("2016-10-17")
    zoom = rs.histogram_for(start=ts("2016-10-18"), end=ts("2016-10-20"))
    assert zoom.total == 2


def test_weeks_start_on_monday(collection):
    add(collection, [post("a", at="2016-01-06"), post("b", at="2017-06-01")])
    h = Searcher(collection).search("").histogram
    assert h.unit == "week"
    assert datetime.fromtimestamp(h.buckets[0][0], timezone.utc).weekday() == 0


def test_an_empty_result_has_no_buckets_and_empty_facets(timeline):
    rs = timeline.search("pomegranate")
    assert rs.total == 0 and list(rs.ids) == [] and rs.hits() == []
    assert rs.histogram.buckets == []
    assert all(v == [] for v in rs.facets.values())


def test_a_query_that_cannot_be_understood_raises_query_error(timeline):
    with pytest.raises(QueryError):
        timeline.search('"unclosed')


# --- curation -------------------------------------------------------------------------


def test_tag_and_note_answer_from_the_live_tables_without_reindexing(timeline):
    db = timeline.coll.db
    before = timeline.search("tag:evidence")
    assert before.total == 0
    curation.tag_posts(db, "evidence", [1, 4])
    assert found(timeline, "tag:evidence") == {1, 4}
    assert found(timeline, "mosul -tag:evidence") == {2, 3}
    assert timeline.search(MOSUL).facets["tags"] == [("evidence", 2)]
    curation.add_note(db, 2, "check the source")
    assert found(timeline, "has:note") == {2}
    assert found(timeline, "has:tag") == {1, 4}
    curation.untag_posts(db, "evidence", [4])
    assert found(timeline, "tag:evidence") == {1}


# --- a searcher over time --------------------------------------------------------------


def test_refresh_picks_up_a_later_import(collection):
    add(collection, [post("first mosul", id=1)])
    s = Searcher(collection)
    add(collection, [post("second mosul", id=2)])
    assert found(s, "mosul") == {1}
    s.refresh()
    assert found(s, "mosul") == {1, 2}


def test_an_empty_collection_finds_nothing_and_does_not_fail(collection):
    rs = Searcher(collection).search("mosul")
    assert rs.total == 0 and rs.facets["hashtags"] == [] and rs.histogram.buckets == []


# --- the bundled sample -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    if not SAMPLE.is_dir():
        pytest.skip("the bundled sample is absent")
    coll = Collection.open(tmp_path_factory.mktemp("sample") / "c")
    import_paths(coll, [SAMPLE], index=index_sink(coll))
    yield Searcher(coll)
    coll.close()


# Exact counts from archives/README.md ("Words to search for").
@pytest.mark.parametrize("query, count", [
    ("Hamidiyya", 7), ("الحميدية", 5), ("حميد", 5), ("quadcopter", 3), ("الزعتر", 4), ("مسبحة", 3),
    ("pomegranate", 2), ('"Mosul is Iraq in miniature"', 14), ('"We\'re coming, Mosul"', 65),
])
def test_the_samples_rare_words_are_found_exactly(sample, query, count):
    assert sample.search(query).total == count


def test_the_sample_is_searchable_by_hashtag_in_any_case(sample):
    rs = sample.search("#FreeMosul")
    assert rs.total == sample.search("#FREEMOSUL").total > 400
    assert [t for t, _ in rs.facets["hashtags"]].count("FreeMosul") == 1


def test_the_sample_spans_the_offensive_day_by_day(sample):
    assert sample.search("").histogram.unit == "week"  # 273 days: weeks, as the window shows them
    h = sample.search("").histogram_for("day")
    assert len(h.buckets) == 273 and all(c >= 4 for _, c in h.buckets)
    collected = sample.coll.db.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
    assert h.total == sample.search("").total == collected == 6166  # 6,100 + 8 deleted + 58 campaign posts (README)


def test_the_order_imports_came_in_does_not_change_the_results(collection):
    # Newer posts first, then older ones, then a change to one of the first.
    add(collection, [post("mosul late", id=5, at="2017-01-05"), post("mosul later", id=6, at="2017-01-06")])
    add(collection, [post("mosul early", id=1, at="2016-10-17"), post("mosul mid", id=3, at="2016-12-01")])
    add(collection, [post("mosul late, now longer", id=5, at="2017-01-05")])
    s = Searcher(collection)
    assert list(s.search("mosul").ids) == [1, 3, 5, 6]
    assert list(s.search("mosul since:2016-12-01").ids) == [3, 5, 6]
    assert found(s, "longer") == {5}


def test_days_can_start_at_midnight_in_another_time_zone(collection):
    # 22:30 UTC on 16 Oct is already 17 Oct in Baghdad (UTC+3).
    add(collection, [post("a", at="2016-10-16T22:30"), post("b", at="2016-10-17T12:00"),
                     post("c", at="2016-10-25T12:00")])
    rs = Searcher(collection).search("")
    utc = rs.histogram_for("day")
    baghdad = rs.histogram_for("day", tz="Asia/Baghdad")
    assert utc.buckets[:2] == [(ts("2016-10-16"), 1), (ts("2016-10-17"), 1)]
    assert baghdad.buckets[0] == (ts("2016-10-16T21:00"), 2)
    assert baghdad.zone == "Asia/Baghdad"


def test_prepare_mends_an_index_a_killed_import_left_behind(collection):
    from search_factory import store

    add(collection, [post("mosul one", id=1)])
    sink = index_sink(collection)
    sink.posts_changed(store(collection, [post("mosul two", id=2)]))
    del sink  # killed before its commit
    s = Searcher(collection)
    assert not s.index_ok
    assert found(s, "mosul") == {1}
    assert s.prepare() == "repaired"
    assert s.index_ok and found(s, "mosul") == {1, 2}
    assert s.prepare() is None


def test_prepare_builds_a_missing_index(collection):
    from search_factory import store

    store(collection, [post("mosul", id=1)])  # imported without an index
    s = Searcher(collection)
    assert found(s, "mosul") == set()
    assert s.prepare() == "rebuilt"
    assert found(s, "mosul") == {1}


def test_the_masks_kept_for_typing_fit_a_byte_budget_and_the_last_used_stay(collection, monkeypatch):
    import viewer.search.searcher as searcher_module
    add(collection, [post(f"word{i} common", id=i + 1) for i in range(200)])
    # A mask holds a byte per post: room for ten of these.
    monkeypatch.setattr(searcher_module, "TERM_CACHE_BYTES", 200 * 10)
    s = Searcher(collection)
    s.search("common")
    for i in range(30):
        s.search(f"word{i}")
        s.search("common")  # used again each time: never the one let go
    assert len(s._terms) == 10
    assert ("text", "common") in s._terms
