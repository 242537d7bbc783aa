"""`stats` (viewer.stats): the per-post figures read from the index's column
file give exactly what SQL over every row gives, and SQL answers alone
when the column file cannot be trusted."""
from __future__ import annotations

from pathlib import Path

import pytest

from search_factory import add, post, store
from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import index_sink
from viewer.index.schema import META_STATE, set_meta
from viewer.stats import _columns, collection_stats

CORPORA = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora"
TWARC = CORPORA / "twarc-csv"


def _posts() -> list:
    out = [post(f"civilians leave the old city #Mosul {i}", at=f"2016-10-{16 + i % 5}T0{i % 10}:00",
                author=("Voice" if i % 3 else "voice"), lang="en") for i in range(12)]
    out += [post(f"خروج مدنيين #الموصل {i}", at=f"2016-11-0{1 + i % 3}T10:00", author="NinawaNow", lang="ar")
            for i in range(5)]
    out += [post("#mosul #MOSUL once", at="2017-01-02T00:00", author="@Other", deleted=True),
            post("no author at all", at="2016-12-01T00:00", author="")]
    return out


@pytest.fixture
def coll(tmp_path):
    c = Collection.open(tmp_path / "c")
    add(c, _posts()[:10])
    add(c, _posts()[10:])
    yield c
    c.close()


def test_the_column_file_gives_what_sql_gives(coll):
    assert _columns(coll) is not None  # the fast path is the one taken
    assert collection_stats(coll) == collection_stats(coll, use_columns=False)


def test_authors_are_grouped_as_search_groups_them_and_shown_in_their_most_used_form(coll):
    s = collection_stats(coll)
    # Voice (8) and voice (4) are one author, @Other is other; no author is none.
    assert s["authors"] == 3
    assert s["top_authors"] == [{"author": "Voice", "count": 12}, {"author": "NinawaNow", "count": 5},
                                {"author": "@Other", "count": 1}]
    assert s["kinds"] == {"post": 19}
    assert (s["collected"], s["deleted"]) == (19, 1)
    assert (s["first"], s["last"]) == ("2016-10-16T00:00:00Z", "2017-01-02T00:00:00Z")
    assert s["hashtags"][0] == {"tag": "Mosul", "count": 13}


def test_a_dirty_index_is_not_trusted_and_sql_answers(coll):
    before = collection_stats(coll)
    # Stored but not indexed, as after a kill during an import.
    set_meta(coll.db, **{META_STATE: "dirty"})
    store(coll, [post("late #Mosul", at="2017-02-01T00:00", author="late")])
    assert _columns(coll) is None
    s = collection_stats(coll)
    assert s["collected"] == before["collected"] + 1
    assert s == collection_stats(coll, use_columns=False)


def test_a_referenced_original_counts_in_posts_but_not_in_the_figures_of_collected_posts(coll):
    original = post("the original #Hidden", at="2016-10-01T00:00", author="source", collected=False)
    add(coll, [original])
    s = collection_stats(coll)
    assert s["referenced_only"] == 1
    assert all(h["tag"] != "Hidden" for h in s["hashtags"])
    assert all(a["author"] != "source" for a in s["top_authors"])
    assert s["first"] == "2016-10-16T00:00:00Z"
    assert s == collection_stats(coll, use_columns=False)


@pytest.mark.skipif(not TWARC.exists(), reason="shared corpora absent")
def test_on_real_harvests_both_ways_agree(tmp_path):
    c = Collection.open(tmp_path / "c")
    files = [p for p in sorted(TWARC.glob("*.jsonl")) if p.stat().st_size < 5_000_000]
    import_paths(c, files, index=index_sink(c))
    assert _columns(c) is not None
    s = collection_stats(c)
    assert s["collected"] > 100 and s["top_authors"] and s["hashtags"]
    assert s == collection_stats(c, use_columns=False)
    c.close()
