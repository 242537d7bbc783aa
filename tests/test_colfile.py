"""The column file of an index generation (viewer.index.colfile): written at
commit, mapped by the searcher, checked by verify, and never half-used when
a commit is killed."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from search_factory import add, post
from viewer.collection import Collection
from viewer.index import colfile, reindex, verify
from viewer.search import Searcher

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["", "civilians", "#Mosul", "lang:ar", "from:reporter", "-#Mosul", "is:retweet OR is:reply",
           "filter:media", "since:2016-10-18 until:2016-10-20", "مدنيين"]


def _posts() -> list:
    out = []
    for i in range(60):
        day = 16 + i % 7
        if i % 3 == 0:
            out.append(post(f"civilians leave the old city #Mosul {i}", at=f"2016-10-{day}T0{i % 10}:00",
                            author=f"Reporter{i % 4}", lang="en", media=["photo"] if i % 6 == 0 else ()))
        elif i % 3 == 1:
            out.append(post(f"خروج مدنيين من الموصل #الموصل {i}", at=f"2016-10-{day}T1{i % 10}:00",
                            author="NinawaNow", lang="ar"))
        else:
            out.append(post(f"convoy near the river {i}", at=f"2016-10-{day}T05:{i:02d}", author="reporter",
                            lang="en"))
    return out


@pytest.fixture
def coll(tmp_path):
    c = Collection.open(tmp_path / "c")
    add(c, _posts()[:40])
    add(c, _posts()[40:])  # a second generation over two segments
    yield c
    c.close()


def _answers(c: Collection) -> tuple[str, list]:
    with Searcher(c) as s:
        out = []
        for q in QUERIES:
            rs = s.search(q, sort="-time")
            out.append((q, rs.total, list(rs.ids), rs.facets, rs.histogram.as_json()))
        return s._gen.source, out


def _cols(c: Collection) -> list[Path]:
    return sorted(c.index_dir.glob("*.cols"))


def test_search_answers_the_same_from_the_column_file_as_from_the_segments(coll):
    source, mapped = _answers(coll)
    assert source == "file"
    for p in _cols(coll):
        p.unlink()
    source, built = _answers(coll)
    assert source == "memory"
    assert mapped == built


def test_each_commit_leaves_one_column_file_the_current_generations(coll):
    with Searcher(coll) as s:
        want = colfile.path_for(coll.index_dir, s._ix.indexname, s._gen.reader.generation())
    assert _cols(coll) == [want]


def test_verify_reports_a_column_file_that_disagrees_with_the_segments(coll):
    (path,) = _cols(coll)
    m = colfile.Mapped(path)
    at = int(m.arrays["ts"].ctypes.data - np.frombuffer(m._mm, dtype=np.uint8).ctypes.data)
    del m
    data = bytearray(path.read_bytes())
    data[at:at + 8] = (123).to_bytes(8, "little")  # the first post's time
    path.write_bytes(bytes(data))
    report = verify(coll)
    assert not report.ok
    assert "ts column differs" in report.columns


def test_verify_reports_a_missing_column_file_and_reindex_mends_it(coll):
    for p in _cols(coll):
        p.unlink()
    assert "missing" in verify(coll).columns
    reindex(coll)
    assert verify(coll).ok


_KILL = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from search_factory import add, post
    from viewer.collection import Collection
    from viewer.index import colfile, whoosh_internals

    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)

    if {point!r} == "before the column file":
        colfile.write_for_segments = die
    else:  # after the column file, before the table of contents
        real = colfile.write_for_segments
        def write_then_die(*a, **k):
            real(*a, **k)
            die()
        colfile.write_for_segments = write_then_die
    c = Collection.open({path!r})
    # An id of its own: this process's factory numbers posts from the same
    # start as the test's, which may have given that id to a post already.
    add(c, [post("a sandstorm over the desert road", at="2016-11-01T05:00", id=800_000_000_000_000_001)])
""")


@pytest.mark.parametrize("point", ["before the column file", "after the column file"])
def test_a_commit_killed_midway_leaves_search_on_the_previous_generation(coll, point):
    before = _answers(coll)[1]
    script = _KILL.format(tests=str(ROOT / "tests"), point=point, path=str(coll.path))
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    source, after = _answers(coll)
    assert source == "file"  # the previous generation's own file, not a rebuild
    assert after == before
    with Searcher(coll) as s:
        assert s.search("sandstorm").total == 0
    assert verify(coll).dirty
    # The next import mends the index: the new post is found.
    add(coll, [post("more civilians at the camp", at="2016-11-02T05:00")])
    with Searcher(coll) as s:
        assert s.search("sandstorm").total == 1
        assert s._gen.source == "file"
    assert verify(coll).ok
    assert len(_cols(coll)) == 1


@pytest.mark.parametrize("command", [["search", "civilians"], ["stats"], ["export", "csv", "OUT"]])
def test_search_stats_export_import_no_qt_nor_what_only_other_commands_need(coll, tmp_path, command):
    cmd = [sys.executable, "-X", "importtime", "-m", "viewer",
           *[str(tmp_path / "out.csv") if a == "OUT" else a for a in command], "--collection", str(coll.path)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    modules = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "viewer.search" in modules or command[0] != "search"
    other_commands = ("PySide6", "shiboken6", "viewer.ui", "openpyxl", "scipy", "datasketch")
    assert not [m for m in modules if m.startswith(other_commands)]
