"""Search on real archives: the bundled Mosul sample and a twarc2 corpus,
each imported once with its index. Every count is worked out here from the
records themselves (SQLite rows or the JSON), never copied from a run."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from conftest import CORPORA, SAMPLE, needs_corpora

from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import index_sink, verify
from viewer.search import Searcher
from viewer.textproc import analyze, normalize_handle, normalize_tag

needs_sample = pytest.mark.skipif(not (SAMPLE / "search-harvest.jsonl.gz").exists(),
                                  reason="the bundled sample is absent")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    if not (SAMPLE / "search-harvest.jsonl.gz").exists():
        pytest.skip("the bundled sample is absent")
    coll = Collection.open(tmp_path_factory.mktemp("sample") / "c")
    import_paths(coll, [SAMPLE], index=index_sink(coll))
    s = Searcher(coll)
    yield s
    s.close()
    coll.close()


def ids(s: Searcher, query: str) -> set[int]:
    return set(s.search(query).ids)


def sql(s: Searcher, query: str, args: tuple = ()) -> set[int]:
    return {r[0] for r in s.db.execute(query, args).fetchall()}


def texts(s: Searcher) -> dict[int, str]:
    """Each collected post's searchable text: its own, and for a retweet its
    original's as well."""
    rows = s.db.execute(
        "SELECT p.id, p.text, o.text FROM posts p LEFT JOIN posts o "
        "ON p.kind = 'retweet' AND o.id = p.retweet_of WHERE p.collected = 1").fetchall()
    return {pid: f"{t or ''}\n{o or ''}" for pid, t, o in rows}


def ts(iso: str) -> int:
    return int(datetime.fromisoformat(iso).replace(tzinfo=timezone.utc).timestamp())


# -- the sample -----------------------------------------------------------------------------

MOSUL_FORMS = ["الموصل", "موصل", "والموصل", "بالموصل", "للموصل", "الموصِل", "الموصـــل", "الْمَوْصِل", "فالموصل"]


@needs_sample
def test_every_written_form_of_mosul_finds_the_same_posts(sample):
    found = ids(sample, "الموصل")
    assert len(found) > 1000
    for form in MOSUL_FORMS:
        assert ids(sample, form) == found, form


@needs_sample
def test_mosul_finds_exactly_the_posts_whose_text_has_the_word(sample):
    with_word = {pid for pid, text in texts(sample).items() if "موصل" in analyze(text)}
    assert ids(sample, "الموصل") == with_word


@pytest.mark.parametrize("query, count", [
    # archives/README.md, "Words to search for": exact counts over both files.
    ("Hamidiyya", 7), ("hamidiyya", 7),
    ("الحميدية", 5), ("بالحميدية", 5), ("الْحَمِيدِيَّة", 5), ("حميد", 5),
    ("quadcopter", 3),
    ("الزعتر", 4), ("والزعتر", 4),
    ("مسبحة", 3), ("مسبحه", 3),
    ("pomegranate", 2), ("Pomegranate", 2),
    ("$IQD", 2),
])
@needs_sample
def test_rare_words_find_their_exact_count_in_every_form(sample, query, count):
    assert sample.search(query).total == count


@needs_sample
def test_a_hashtag_finds_every_case_form(sample):
    spelled = {pid for pid, text in texts(sample).items() if "#freemosul" in text.lower()}
    for q in ("#FreeMosul", "#freemosul", "#FREEMOSUL", "#Freemosul"):
        assert ids(sample, q) == spelled


@needs_sample
def test_a_hashtag_is_found_by_its_words(sample):
    tagged = ids(sample, "#تحرير_الموصل")
    assert tagged and tagged <= ids(sample, "تحرير الموصل")
    assert tagged <= ids(sample, '"تحرير الموصل"')


@needs_sample
def test_a_retweet_is_found_by_the_last_word_of_its_original(sample):
    # (The small collection of test_search.py has a retweet whose own text is
    # cut before that word; here every retweet of a known original.)
    rows = sample.db.execute(
        "SELECT p.id, o.text FROM posts p JOIN posts o ON o.id = p.retweet_of "
        "WHERE p.kind = 'retweet' AND p.collected = 1 ORDER BY p.id").fetchall()
    assert len(rows) > 1000
    for pid, original in rows[::100]:
        last = next(w for w in reversed(original.split()) if analyze(w))
        assert pid in ids(sample, last), (pid, last)


@needs_sample
def test_from_to_lang_and_mentions_match_the_records(sample):
    handle = "RamiNadhim_IQ"
    assert ids(sample, f"from:{handle.upper()}") == sql(
        sample, "SELECT id FROM posts WHERE collected = 1 AND lower(author_handle) = ?", (handle.lower(),))
    assert ids(sample, f"to:{handle}") == sql(
        sample, "SELECT id FROM posts WHERE collected = 1 AND lower(reply_to_handle) = ?", (handle.lower(),))
    for lang in ("ar", "en", "und"):
        assert ids(sample, f"lang:{lang}") == sql(
            sample, "SELECT id FROM posts WHERE collected = 1 AND lang = ?", (lang,))
    mentioned = sql(sample, "SELECT p.id FROM posts p JOIN mentions m ON m.post_id = p.id OR "
                            "(p.kind = 'retweet' AND m.post_id = p.retweet_of) "
                            "WHERE p.collected = 1 AND m.handle_norm = ?", (normalize_handle(handle),))
    assert ids(sample, f"@{handle}") == mentioned


@needs_sample
def test_kinds_and_media_filters_match_the_records(sample):
    every = sql(sample, "SELECT id FROM posts WHERE collected = 1")
    retweets = sql(sample, "SELECT id FROM posts WHERE collected = 1 AND kind = 'retweet'")
    assert ids(sample, "filter:retweets") == retweets
    assert ids(sample, "-filter:retweets") == every - retweets
    assert ids(sample, "filter:replies") == sql(
        sample, "SELECT id FROM posts WHERE collected = 1 AND (reply_to IS NOT NULL OR kind = 'reply')")
    assert ids(sample, "filter:quote") == sql(
        sample, "SELECT id FROM posts WHERE collected = 1 AND (quote_of IS NOT NULL OR kind = 'quote')")
    with_photo = sql(sample, "SELECT p.id FROM posts p JOIN media m ON m.post_id = p.id OR "
                             "(p.kind = 'retweet' AND m.post_id = p.retweet_of) "
                             "WHERE p.collected = 1 AND m.type = 'photo'")
    assert ids(sample, "filter:images") == with_photo
    assert with_photo <= ids(sample, "filter:media")


@needs_sample
def test_hashtag_operator_matches_the_records(sample):
    tag = normalize_tag("#انقذوا_الموصل_من_الحشد")
    tagged = sql(sample, "SELECT p.id FROM posts p JOIN hashtags h ON h.post_id = p.id OR "
                         "(p.kind = 'retweet' AND h.post_id = p.retweet_of) "
                         "WHERE p.collected = 1 AND h.norm = ?", (tag,))
    assert tagged and ids(sample, "#انقذوا_الموصل_من_الحشد") == tagged


@pytest.mark.parametrize("since, until", [
    ("2016-10-17", "2016-10-18"),  # the offensive begins
    ("2017-06-21", "2017-06-23"),  # al-Nuri mosque
    ("2016-01-01", "2017-01-24"),
])
@needs_sample
def test_since_and_until_cut_at_midnight_utc(sample, since, until):
    expected = sql(sample, "SELECT id FROM posts WHERE collected = 1 AND created_ts >= ? AND created_ts < ?",
                   (ts(since), ts(until)))
    assert ids(sample, f"since:{since} until:{until}") == expected
    assert ids(sample, f"until:{until}") == sql(
        sample, "SELECT id FROM posts WHERE collected = 1 AND created_ts < ?", (ts(until),))


@needs_sample
def test_facets_and_histogram_count_the_whole_result(sample):
    rs = sample.search("الموصل")
    assert rs.histogram.total == rs.total
    kinds = dict(rs.facets["kinds"])
    assert sum(kinds.values()) == rs.total
    assert kinds["retweet"] == sample.search("الموصل filter:retweets").total
    top_tag, top_count = rs.facets["hashtags"][0]
    assert sample.search(f"الموصل #{top_tag}").total == top_count
    top_author, posts_by = rs.facets["authors"][0]
    assert sample.search(f"الموصل from:{top_author}").total == posts_by


@needs_sample
def test_the_sample_index_agrees_with_its_database(sample):
    assert verify(sample.coll).ok


# -- a twarc2 corpus -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def brexit(tmp_path_factory):
    path = CORPORA / "twarc-csv" / "brexit.jsonl"
    if not path.exists():
        pytest.skip("../shared/corpora is absent")
    pages = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    coll = Collection.open(tmp_path_factory.mktemp("brexit") / "c")
    import_paths(coll, [path], index=index_sink(coll))
    s = Searcher(coll)
    yield s, pages
    s.close()
    coll.close()


@needs_corpora
def test_a_twarc2_search_finds_exactly_the_posts_of_data(brexit):
    s, pages = brexit
    data = [t for p in pages for t in p.get("data", [])]
    assert set(s.search("").ids) == {int(t["id"]) for t in data}


@needs_corpora
def test_lang_and_from_count_as_the_records_say(brexit):
    s, pages = brexit
    data = [t for p in pages for t in p.get("data", [])]
    users = {u["id"]: u["username"] for p in pages for u in p["includes"]["users"]}
    for lang in {t["lang"] for t in data}:
        assert s.search(f"lang:{lang}").total == sum(t["lang"] == lang for t in data)
    for handle in {users[t["author_id"]] for t in data[:10]}:
        assert s.search(f"from:{handle}").total == sum(users[t["author_id"]] == handle for t in data)
