"""A commit carries the previous generation's column file forward
(viewer.index.colmerge) instead of rebuilding it: the file it writes holds
what a rebuild from the same segments holds, through new posts, re-imported
ones, posts taken out of the collection and the folding of small
segments."""
from __future__ import annotations

import logging
import os
from dataclasses import replace

import pytest

from search_factory import add, post
from viewer.collection import Collection
from viewer.index import build, colfile, reindex, segment_writer, update_posts, verify
from viewer.index.build import MAX_SEGMENTS
from viewer.search import Searcher

QUERIES = ["", "civilians", "#Mosul", "#mosul", "lang:ar", "from:reporter0", "-#Mosul", "filter:media"]


def _batch(start: int, count: int, at_hour: int = 5) -> list:
    out = []
    for i in range(start, start + count):
        # Several posts a second (ties in time settled by post id), authors
        # and hashtags written in several ways (the shown form is the most
        # used one), two languages.
        at = f"2016-10-{16 + i % 5}T{at_hour:02d}:{i % 3:02d}"
        author = f"Reporter{i % 3}" if i % 4 else f"REPORTER{i % 3}"
        tag = "#Mosul" if i % 2 else "#MOSUL"
        if i % 3 == 1:
            out.append(post(f"خروج مدنيين {tag} {i}", at=at, author=author, lang="ar", id=10_000 + i))
        else:
            out.append(post(f"civilians leave {tag} #day{i % 4} {i}", at=at, author=author, lang="en",
                            media=["photo"] if i % 5 == 0 else (), id=10_000 + i))
    return out


def _file_agrees(coll: Collection) -> None:
    with Searcher(coll) as s:
        m = colfile.Mapped(colfile.path_for(coll.index_dir, s._ix.indexname, s._gen.reader.generation()))
        assert colfile.disagreements(m, s._gen.reader) == []
        assert s._gen.source == "file"


def _answers(coll: Collection) -> list:
    with Searcher(coll) as s:
        return [(q, rs.total, list(rs.ids), rs.facets, rs.histogram.as_json())
                for q in QUERIES for rs in [s.search(q, sort="-time")]]


@pytest.fixture
def coll(tmp_path):
    c = Collection.open(tmp_path / "c")
    add(c, _batch(0, 40))
    yield c
    c.close()


def _carried(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage().split()[-1] for r in caplog.records if r.name == "viewer.index.colfile"]


# Arrays copied as runs of the previous file, or streamed in many pieces,
# or in one.
@pytest.mark.parametrize("chunk,runs", [(1 << 20, 20_000), (7, 0), (1 << 20, 0)])
def test_every_kind_of_commit_carries_the_file_forward_and_it_equals_a_rebuild(coll, caplog, monkeypatch, chunk,
                                                                              runs):
    from viewer.index import colmerge

    monkeypatch.setattr(colmerge, "CHUNK", chunk)
    monkeypatch.setattr(colmerge, "MAX_RUNS", runs)
    caplog.set_level(logging.DEBUG, logger="viewer.index.colfile")
    steps = []
    # New posts, some in the same seconds as earlier ones.
    add(coll, _batch(40, 25))
    steps.append("new posts")
    # Re-imported posts with other hashtags and authors: their old documents
    # are deleted, new ones added.
    changed = [replace(p, hashtags=["Raqqa"], author_handle="NinawaNow") for p in _batch(3, 6)]
    add(coll, changed)
    steps.append("changed posts")
    # Posts no longer collected: deletions only.
    coll.db.execute("UPDATE posts SET collected = 0 WHERE id IN (10005, 10006, 10050)")
    coll.db.conn.commit()
    update_posts(coll, [10005, 10006, 10050])
    steps.append("deleted posts")
    # Small imports until small segments are folded (their segments dropped).
    for i in range(MAX_SEGMENTS + 1):
        add(coll, _batch(100 + 3 * i, 3, at_hour=7))
        steps.append("small import")
    with Searcher(coll) as s:
        assert len(list(s._gen.reader.leaf_readers())) < MAX_SEGMENTS  # some were folded
    _file_agrees(coll)
    assert _carried(caplog) == ["forward"] * len(steps)
    carried = _answers(coll)
    reindex(coll)
    assert _answers(coll) == carried
    assert verify(coll).ok


@pytest.mark.parametrize("step", ["new", "changed", "deleted"])
def test_the_carried_file_agrees_with_the_segments_after_each_step(coll, step, caplog):
    caplog.set_level(logging.DEBUG, logger="viewer.index.colfile")
    if step == "new":
        add(coll, _batch(40, 10))
    elif step == "changed":
        add(coll, [replace(p, hashtags=["raqqa", "RAQQA", "Raqqa"]) for p in _batch(0, 30)])
    else:
        coll.db.execute("UPDATE posts SET collected = 0 WHERE id < 10010")
        coll.db.conn.commit()
        update_posts(coll, list(range(10_000, 10_010)))
    assert _carried(caplog) == ["forward"]
    _file_agrees(coll)
    assert verify(coll).ok


def test_a_file_of_another_generation_is_not_carried_but_rebuilt(coll, caplog):
    caplog.set_level(logging.DEBUG, logger="viewer.index.colfile")
    for p in coll.index_dir.glob("*.cols"):
        p.unlink()
    add(coll, _batch(40, 5))
    assert _carried(caplog) == ["whole"]
    _file_agrees(coll)


def test_a_whole_build_in_steps_of_a_few_documents_equals_one_in_memory(coll, monkeypatch, caplog):
    from viewer.index import colmerge

    add(coll, _batch(40, 25))
    add(coll, [replace(p, hashtags=["Raqqa"]) for p in _batch(3, 6)])
    # Steps of 20 documents: several steps, a segment larger than one alone.
    monkeypatch.setattr(colmerge, "GROUP", 20)
    steps = []
    real = colmerge.carry
    monkeypatch.setattr(colmerge, "carry", lambda *a: steps.append(1) or real(*a))
    caplog.set_level(logging.DEBUG, logger="viewer.index.colfile")
    for p in coll.index_dir.glob("*.cols"):
        p.unlink()
    add(coll, _batch(70, 5))
    assert _carried(caplog) == ["whole"]
    assert len(steps) >= 3
    _file_agrees(coll)
    assert not [p for p in coll.index_dir.iterdir() if p.name.endswith(".tmp")]


def test_a_large_change_is_carried_a_group_at_a_time(coll, monkeypatch, caplog):
    from viewer.index import colmerge

    add(coll, _batch(40, 25))
    monkeypatch.setattr(colmerge, "GROUP", 4)
    # Small segments, so that the new documents come in several.
    monkeypatch.setattr(segment_writer, "MAX_POSTINGS", 40)
    monkeypatch.setattr(build, "CHUNK", 3)
    steps = []
    real = colmerge.carry
    monkeypatch.setattr(colmerge, "carry", lambda *a: steps.append(1) or real(*a))
    caplog.set_level(logging.DEBUG, logger="viewer.index.colfile")
    # One commit: changed posts (deletions), new ones, in several segments.
    add(coll, [replace(p, hashtags=["Raqqa"]) for p in _batch(0, 12)] + _batch(80, 12))
    assert _carried(caplog) == ["forward"]
    assert len(steps) >= 3
    _file_agrees(coll)
    assert verify(coll).ok


def test_verify_reports_a_carried_file_whose_names_differ_and_leaves_no_file_behind(coll):
    add(coll, _batch(40, 10))
    with Searcher(coll) as s:
        path = colfile.path_for(coll.index_dir, s._ix.indexname, s._gen.reader.generation())
    m = colfile.Mapped(path)
    author = m.arrays["author"]
    other = next(i for i in range(1, author.size) if author[i] != author[0])
    at = m.header["sections"]["author"][0]
    first, second = int(author[0]), int(author[other])
    start = m._start
    del m, author
    data = bytearray(path.read_bytes())
    data[start + at:start + at + 4] = second.to_bytes(4, "little")  # the first post's author
    assert first != second
    path.write_bytes(bytes(data))
    report = verify(coll)
    assert "author column differs" in report.columns
    assert not [p for p in coll.index_dir.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".verify")]


def test_a_commit_removes_what_a_killed_verify_left_but_not_a_running_ones(coll):
    dead = coll.index_dir / f"{colfile.VERIFY_PREFIX}{2 ** 22 + 12345}-x.cols"
    alive = coll.index_dir / f"{colfile.VERIFY_PREFIX}{os.getpid()}-x.cols"
    dead.write_bytes(b"left by a killed verify")
    alive.write_bytes(b"being written")
    add(coll, _batch(40, 2))
    assert not dead.exists()
    assert alive.exists()
