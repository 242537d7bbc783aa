"""A large file parsed in a process of its own (viewer.formats.aside) gives
the import exactly what parsing it in line gives: the same posts, failures,
notices and damage, whatever state the file is in; and the process never
outlives its file."""
from __future__ import annotations

import multiprocessing
import os
import random
import signal
from pathlib import Path

import pytest
from conftest import CORPORA, SAMPLE
from fuzz_support import make_case, seeds, write_case

from viewer import formats
from viewer.collection import Collection
from viewer.formats import ParseOptions
from viewer.formats import aside as parse_aside
from viewer.importer import import_paths
from viewer.jobs import Job, Progress
from viewer.sources import expand

HARVEST = SAMPLE / "search-harvest.jsonl.gz"
SEEDS = seeds()


def _helpers(name: str) -> list[int]:
    found = []
    for child in multiprocessing.active_children():
        try:
            if Path(f"/proc/{child.pid}/comm").read_text().strip() == name:
                found.append(child.pid)
        except OSError:  # ended meanwhile
            pass
    return found


def _parsed(path: Path, aside: bool) -> tuple[list, list, str | None]:
    src = expand(path).files[0]
    fmt = formats.detect(src)
    assert fmt is not None
    items = list(parse_aside.parse(fmt, src, ParseOptions(), min_bytes=0) if aside
                 else fmt.parse(src, ParseOptions()))
    return items, src.notices, src.damage


def _imported(path: Path, folder: Path, job: Job | None = None) -> tuple[dict, list]:
    """The import's report (less its numbering) and the rows it wrote."""
    with Collection.open(folder) as coll:
        report = import_paths(coll, [path], job=job).as_json()
        rows = coll.db.execute(
            "SELECT p.id, p.text, p.created_at, p.author_handle, p.kind, p.collected, r.location, "
            "(SELECT group_concat(norm) FROM hashtags h WHERE h.post_id = p.id) "
            "FROM posts p LEFT JOIN raw r ON r.post_id = p.id ORDER BY p.id").fetchall()
    del report["import_id"], report["failures_command"]
    return report, rows


@pytest.mark.skipif(not HARVEST.is_file(), reason="the bundled sample is absent")
def test_a_file_parsed_aside_gives_the_items_parsing_in_line_gives():
    here = _parsed(HARVEST, aside=False)
    there = _parsed(HARVEST, aside=True)
    assert len(there[0]) > 3 * parse_aside.CHUNK  # several messages crossed
    assert there == here


@pytest.mark.skipif(not (CORPORA / "grailbird-congressedits").is_dir(), reason="../shared/corpora is absent")
def test_a_csv_file_parsed_aside_gives_the_items_parsing_in_line_gives():
    path = CORPORA / "grailbird-congressedits" / "tweets.csv"
    assert _parsed(path, aside=True) == _parsed(path, aside=False)


@pytest.mark.slow
@pytest.mark.skipif(not SEEDS, reason="neither ../shared/corpora nor the bundled sample is present")
@pytest.mark.parametrize("salt", range(24))
def test_a_damaged_file_imports_the_same_parsed_aside_or_in_line(tmp_path, monkeypatch, salt):
    # The fuzz suite's cases: a changed record, a bad byte, a cut file, other
    # encodings, compressed and cut compressed streams.
    rnd = random.Random(salt)
    case = make_case(SEEDS[rnd.randrange(len(SEEDS))], rnd)
    path = write_case(case, tmp_path / "in")
    here = _imported(path, tmp_path / "here")
    monkeypatch.setattr(parse_aside, "MIN_BYTES", 0)
    there = _imported(path, tmp_path / "there")
    assert there == here, case.kind


@pytest.mark.skipif(not HARVEST.is_file(), reason="the bundled sample is absent")
@pytest.mark.skipif(not Path("/proc/self/comm").exists(), reason="process names are read from Linux's /proc")
def test_a_parsing_process_killed_midway_loses_and_doubles_nothing(tmp_path, monkeypatch, caplog):
    caplog.set_level("INFO", logger="viewer.formats.aside")
    here = _imported(HARVEST, tmp_path / "here")
    monkeypatch.setattr(parse_aside, "MIN_BYTES", 0)
    monkeypatch.setattr(parse_aside, "CHUNK", 100)
    killed: list[int] = []

    def progress(p: Progress) -> None:
        if not killed and p.posts >= 1000:
            for pid in _helpers("av-parse"):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    there = _imported(HARVEST, tmp_path / "there", Job(progress))
    assert killed, "the import never had a parsing process to kill"
    assert "the parsing process ended" in caplog.text  # and the rest was parsed in line
    assert there == here


@pytest.mark.skipif(not HARVEST.is_file(), reason="the bundled sample is absent")
@pytest.mark.skipif(not Path("/proc/self/comm").exists(), reason="process names are read from Linux's /proc")
def test_a_cancelled_import_leaves_no_parsing_process(tmp_path, monkeypatch):
    monkeypatch.setattr(parse_aside, "MIN_BYTES", 0)
    seen: list[int] = []

    def progress(p: Progress) -> None:
        seen.extend(_helpers("av-parse"))
        if seen and p.posts >= 1000:
            job.cancel()

    job = Job(progress)
    with Collection.open(tmp_path / "c") as coll:
        report = import_paths(coll, [HARVEST], job=job)
    assert report.cancelled
    assert seen, "the file was not parsed in a process of its own"
    assert _helpers("av-parse") == []
    assert not any(Path(f"/proc/{pid}").exists() for pid in set(seen))
