"""The Whoosh index (DESIGN §2, §4): one document per collected post,
written by import, rebuilt by reindex, checked by verify, and mended after
an import that did not finish."""
from __future__ import annotations

import pytest

from viewer import index as vindex
from viewer.index import build as index_build
from viewer.index import lock as index_lock
from viewer.index import segment_writer
from viewer.index.columns import numeric_column
from viewer.index import index_sink, open_index, reindex, update_posts, verify
from viewer.jobs import Cancelled, Job
from viewer.search import Searcher
from viewer.index.segment_writer import FastSegmentWriter

from search_factory import add, post, store


@pytest.fixture(autouse=True, params=["fast", "whoosh"], ids=["fast writer", "whoosh writer"])
def index_writer(request, monkeypatch):
    """Every test here runs twice: with the fast segment writer, and with
    Whoosh's own writer, the fallback when Whoosh's internals differ."""
    if request.param == "whoosh":
        monkeypatch.setenv(index_build.WRITER_ENV, "whoosh")
    else:
        monkeypatch.delenv(index_build.WRITER_ENV, raising=False)
    return request.param


def test_the_writer_in_use_is_the_one_asked_for(collection, index_writer):
    add(collection, [post("one")])
    ix = open_index(collection)
    try:
        w = index_build._part_writer(ix)
        try:
            assert isinstance(w, FastSegmentWriter) is (index_writer == "fast")
        finally:
            w.cancel()
    finally:
        ix.close()


def test_an_import_ends_searchable_with_one_document_per_collected_post(collection):
    add(collection, [post("first"), post("second"), post("third")])
    ix = open_index(collection)
    assert ix.doc_count() == 3
    assert verify(collection).ok


def test_an_original_known_only_through_a_retweet_gets_no_document(collection):
    original = post("the whole original text ends with pomegranate", collected=False)
    rt = post("RT @someone: the whole original…", kind="retweet", retweet_of=original.id)
    add(collection, [original, rt])
    assert open_index(collection).doc_count() == 1
    assert verify(collection).ok


def test_a_retweet_document_holds_its_originals_full_text(collection):
    original = post("the whole original text ends with pomegranate", collected=False)
    rt = post("RT @someone: the whole original…", kind="retweet", retweet_of=original.id)
    add(collection, [original, rt])
    with open_index(collection).searcher() as s:
        assert [s.stored_fields(d) for d in s.document_numbers()] == [{}]  # nothing stored: SQLite has it
        assert s.reader().doc_frequency("text", "pomegran") == 1


def test_a_changed_original_rewrites_the_retweets_that_carry_it(collection):
    original = post("a short text", id=1, collected=False)
    rt = post("RT @someone: a short text", id=2, kind="retweet", retweet_of=1)
    add(collection, [original, rt])
    # The original is seen again, now with a longer full text.
    add(collection, [post("a short text that goes on to quadcopter", id=1, collected=False)])
    assert verify(collection).ok
    with open_index(collection).searcher() as s:
        assert s.reader().doc_frequency("text", "quadcopt") == 1


def test_verify_catches_a_deleted_document_and_reindex_mends_it(collection):
    add(collection, [post("one", id=11), post("two", id=12)])
    ix = open_index(collection)
    w = ix.writer()
    w.delete_document(0)
    w.commit()
    report = verify(collection)
    assert not report.ok
    assert len(report.missing) == 1
    assert reindex(collection) == 2
    assert verify(collection).ok


def test_verify_reports_posts_written_behind_the_index_back(collection):
    add(collection, [post("one", id=21)])
    store(collection, [post("two", id=22)])  # stored, never indexed
    report = verify(collection)
    assert report.missing == [22]
    assert not report.ok


def test_verify_reports_a_stale_document(collection):
    add(collection, [post("one", id=31)])
    with collection.db.conn:
        collection.db.execute("UPDATE posts SET text = 'changed', rev = rev + 1 WHERE id = 31")
    assert verify(collection).stale == [31]


def test_verify_reports_extra_documents(collection):
    add(collection, [post("one", id=41), post("two", id=42)])
    with collection.db.conn:
        collection.db.execute("DELETE FROM posts WHERE id = 42")
    assert verify(collection).extra == [42]


def test_an_import_that_never_committed_is_flagged_and_mended_by_the_next(collection):
    add(collection, [post("before", id=51)])
    sink = index_sink(collection)
    sink.posts_changed(store(collection, [post("killed before the index was written", id=52)]))
    del sink  # the process died here
    report = verify(collection)
    assert report.missing == [52]
    assert report.dirty
    add(collection, [post("the next import", id=53)])
    report = verify(collection)
    assert report.ok and not report.dirty
    assert report.indexed == 3


def test_a_cancelled_reindex_leaves_the_old_index_in_use(collection):
    add(collection, [post(f"post {i}") for i in range(30)])
    name = vindex.index_name(collection)
    job = Job(lambda p: job.cancel())
    with pytest.raises(Cancelled):
        reindex(collection, job)
    assert vindex.index_name(collection) == name
    assert open_index(collection).doc_count() == 30


def test_folding_rewrites_at_most_twice_what_the_commit_writes_itself(collection, monkeypatch):
    monkeypatch.setattr(index_build, "FOLD_MAX", 20)
    monkeypatch.setattr(index_build, "MAX_SEGMENTS", 100)  # nine imports, nine segments
    for i in range(9):
        add(collection, [post(f"import {i} post {j}") for j in range(20)])
    monkeypatch.setattr(index_build, "MAX_SEGMENTS", 8)
    with open_index(collection).reader() as r:
        before = sorted(seg.doc_count() for seg, _ in r.leaf_readers())
    assert before == [20] * 9
    add(collection, [post(f"ten more {j}") for j in range(10)])
    with open_index(collection).reader() as r:
        after = sorted(seg.doc_count() for seg, _ in r.leaf_readers())
    # Two of the 20-post segments (40 = 2 x 20 posts) joined the ten new
    # posts; folding every segment of the same size would rewrite them all.
    assert after == [20] * (len(before) - 2) + [50]
    assert verify(collection).ok


def test_many_small_imports_keep_the_number_of_segments_low(collection):
    for i in range(index_build.MAX_SEGMENTS * 3):
        add(collection, [post(f"import number {i}")])
    with open_index(collection).reader() as r:
        assert len(r.leaf_readers()) <= index_build.MAX_SEGMENTS
    assert verify(collection).ok


@pytest.mark.parametrize("other_thread", [False, True], ids=["forked", "spawned beside a thread"])
def test_a_large_batch_is_written_by_worker_processes(collection, monkeypatch, other_thread):
    import threading

    monkeypatch.setattr(index_build, "PARALLEL_MIN", 50)
    monkeypatch.setattr(index_build, "CHUNK", 20)
    done = threading.Event()
    if other_thread:  # as in the window: workers are then spawned, not forked
        threading.Thread(target=done.wait, daemon=True).start()
    try:
        add(collection, [post(f"post {i} about mosul") for i in range(300)])
    finally:
        done.set()
    with open_index(collection).reader() as r:
        assert len(r.leaf_readers()) >= 2  # one segment per worker
        assert r.doc_frequency("text", "mosul") == 300
    assert verify(collection).ok


def test_an_index_from_another_analysis_is_rebuilt_by_the_next_import(collection):
    add(collection, [post("one")])
    with collection.db.conn:
        collection.db.execute("UPDATE meta SET value = '0.0' WHERE key = 'index_format'")
    assert open_index(collection) is None
    assert "another version" in verify(collection).problem
    add(collection, [post("two")])
    assert verify(collection).ok


def test_update_posts_rewrites_a_post_changed_outside_an_import(collection):
    add(collection, [post("before", id=61)])
    with collection.db.conn:
        collection.db.execute("UPDATE posts SET text = 'after', rev = rev + 1 WHERE id = 61")
    update_posts(collection, [61])
    assert verify(collection).ok
    searcher = Searcher(collection)
    assert list(searcher.search("after").ids) == [61]
    assert searcher.search("before").total == 0


def test_importing_nothing_new_leaves_the_index_as_it_was(collection):
    add(collection, [post("one", id=71)])
    ix = open_index(collection)
    generation = ix.latest_generation()
    add(collection, [])
    assert open_index(collection).latest_generation() == generation
    assert verify(collection).ok


def test_a_post_removed_from_the_database_loses_its_document(collection):
    add(collection, [post("one", id=81), post("two", id=82)])
    with collection.db.conn:
        collection.db.execute("DELETE FROM posts WHERE id = 82")
    update_posts(collection, [82])
    report = verify(collection)
    assert report.ok and report.indexed == 1


def test_an_index_busy_with_another_writer_leaves_the_import_whole_and_the_index_marked(collection, monkeypatch):
    add(collection, [post("one", id=91)])
    monkeypatch.setattr(index_lock, "LOCK_WAIT", 0.0)
    other = open_index(collection).writer()  # another program holds the index
    try:
        sink = index_sink(collection)
        sink.posts_changed(store(collection, [post("two", id=92)]))
        sink.commit()  # does not raise: the rows are safe in SQLite
        assert "busy" in sink.problem
        assert verify(collection).missing == [92]
        assert vindex.is_dirty(collection)
    finally:
        other.cancel()
    add(collection, [post("three", id=93)])
    assert verify(collection).ok


def test_folding_small_segments_leaves_a_large_one_alone(collection, monkeypatch):
    monkeypatch.setattr(index_build, "FOLD_MAX", 5)
    add(collection, [post(f"a large import {i}") for i in range(200)])
    with open_index(collection).reader() as r:
        (large,) = [seg.segment().segment_id() for seg, _ in r.leaf_readers()]
    for i in range(index_build.MAX_SEGMENTS * 2):
        add(collection, [post(f"small import {i}")])
    with open_index(collection).reader() as r:
        ids = [seg.segment().segment_id() for seg, _ in r.leaf_readers()]
        assert large in ids and len(ids) <= index_build.MAX_SEGMENTS
    assert verify(collection).ok


def test_folding_never_rewrites_a_full_segment(collection, monkeypatch, index_writer):
    # Full: its part writer started another after it. Folding full segments
    # only wrote as many full ones again, two million documents a commit
    # once the index held a few million posts.
    if index_writer == "whoosh":
        pytest.skip("Whoosh's own writer fills one segment however many postings it holds")
    monkeypatch.setattr(segment_writer, "MAX_POSTINGS", 200)
    monkeypatch.setattr(index_build, "CHUNK", 10)
    add(collection, [post(f"a large import about mosul number {i}") for i in range(300)])
    with open_index(collection).reader() as r:
        full = {seg.segment().segment_id() for seg, _ in r.leaf_readers()}
    assert len(full) > index_build.MAX_SEGMENTS
    for i in range(3):
        add(collection, [post(f"small import {i}")])
    with open_index(collection).reader() as r:
        ids = {seg.segment().segment_id() for seg, _ in r.leaf_readers()}
        small = sorted(seg.doc_count() for seg, _ in r.leaf_readers() if seg.segment().segment_id() not in full)
    assert full <= ids
    assert small == [3]  # the three small imports, folded together
    assert verify(collection).ok


def _posts_by_segment(coll) -> dict[str, list[int]]:
    with open_index(coll).reader() as r:
        return {seg.segment().segment_id(): list(numeric_column(seg, "pid", "q", seg.doc_count_all()))
                for seg, _ in r.leaf_readers() if seg.doc_count()}


def test_folding_takes_a_full_segment_whose_posts_were_mostly_rewritten(collection, monkeypatch, index_writer):
    if index_writer == "whoosh":
        pytest.skip("Whoosh's own writer fills one segment however many postings it holds")
    monkeypatch.setattr(segment_writer, "MAX_POSTINGS", 200)
    monkeypatch.setattr(index_build, "CHUNK", 10)
    add(collection, [post(f"a large import about mosul number {i}", id=1000 + i) for i in range(300)])
    before = _posts_by_segment(collection)
    (mostly, a_few), *_ = [sorted(before)[:2]]
    rewritten = before[mostly][:15] + before[a_few][:5]
    with collection.db.conn:
        collection.db.execute(f"UPDATE posts SET text = text || ' again', rev = rev + 1 "
                              f"WHERE id IN ({','.join(map(str, rewritten))})")
    update_posts(collection, rewritten)
    add(collection, [post("a small import")])
    add(collection, [post("another small import")])  # the commit that folds
    after = _posts_by_segment(collection)
    assert mostly not in after  # its five live documents were written again
    assert a_few in after  # three quarters of it live: left alone
    assert verify(collection).ok
