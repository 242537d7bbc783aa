"""The near-copy band files (viewer.patterns.band_store) of a collection:
a later import, in a new process, opens them without reading them, and
they stay in step with SQLite across a kill at any point and a loss."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.search_factory import post, store
from viewer.batching import in_chunks
from viewer.collection import Collection
from viewer.patterns import PatternSink, rebuild
from viewer.patterns.clusters import clusters_of
from viewer.patterns.text_clusters import BAND_FOLDER, check_files

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = 2000
COPIES = 10
FIRST_ID = 100_000


def _template(k: int) -> str:
    rng = random.Random(k)
    return " ".join(f"w{rng.randrange(100_000)}" for _ in range(10))


def _copy(k: int, n: int) -> str:
    # Emoji and punctuation are no words: a copy has its template's features.
    return _template(k) + " " + "!" * (n % 3) + "🔥" * (n % 2)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collection of 20,000 clustered posts: 2,000 texts copied 10 times,
    clustered in batches of 5,000 as an import does."""
    path = tmp_path_factory.mktemp("bands") / "c"
    posts = [post(_copy(k, n), author=f"a{n}", id=FIRST_ID + k * COPIES + n)
             for n in range(COPIES) for k in range(TEMPLATES)]
    with Collection.open(path) as coll:
        sink = PatternSink(coll)
        for chunk in in_chunks(posts, 5000):
            sink.posts_changed(store(coll, chunk))
    return path


@pytest.fixture
def coll_path(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built, tmp_path / "c")
    return tmp_path / "c"


def _run(script: str, path: Path) -> dict:
    """Runs a script in a new process with `path` as PATH; returns the JSON it printed last."""
    done = subprocess.run([sys.executable, "-c", f"PATH = {str(path)!r}\n" + script], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {"returncode": done.returncode,
                                                                              "stderr": done.stderr[-2000:]}


_PRELUDE = """
import json, os, resource
from tests.search_factory import post, store
from viewer.collection import Collection
from viewer.patterns import PatternSink
from tests.test_patterns_bands import FIRST_ID, COPIES, _copy
coll = Collection.open(PATH)
conn = coll.db.conn
def copies(ks, n, base):
    return store(coll, [post(_copy(k, n), author=f"late{n}", id=base + i) for i, k in enumerate(ks)])
"""


def _members(coll: Collection, pid: int) -> set[int]:
    (c,) = clusters_of(coll.db, pid)
    return set(c.posts)


def _old_copies(k: int) -> set[int]:
    return {FIRST_ID + k * COPIES + n for n in range(COPIES)}


def _band_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path / BAND_FOLDER).iterdir())


def test_an_import_in_a_new_process_reads_only_what_its_batch_needs_of_the_bands(coll_path: Path):
    # The second import of the process opens the band files afresh (a new
    # PatternSink): what it reads, through read() or by touching mapped
    # pages, is counted, and must be far less than the files hold.
    out = _run(_PRELUDE + """
PatternSink(coll).posts_changed(copies([1, 2, 3, 4, 5], 0, 900_000))   # warms the process up
ids = copies([11, 12, 13, 14, 15], 0, 900_100)
def io():
    with open("/proc/self/io") as f:
        rchar = int(next(line for line in f if line.startswith("rchar")).split()[1])
    return rchar, resource.getrusage(resource.RUSAGE_SELF).ru_minflt
r0, f0 = io()
PatternSink(coll).posts_changed(ids)
r1, f1 = io()
print(json.dumps({"read": r1 - r0, "faulted": (f1 - f0) * os.sysconf("SC_PAGE_SIZE"), "ids": ids}))
""", coll_path)
    assert "ids" in out, out
    total = _band_bytes(coll_path)
    assert total > 4_000_000  # 20,000 posts' keys, positions, ids and sketches
    assert out["read"] + out["faulted"] < total / 4
    with Collection.open(coll_path) as coll:
        for k, pid in zip([11, 12, 13, 14, 15], sorted(out["ids"]), strict=True):
            assert _members(coll, pid) == _old_copies(k) | {pid}


def test_a_kill_after_the_files_are_written_but_before_the_commit_leaves_both_as_they_were(coll_path: Path):
    before = _band_bytes(coll_path)
    out = _run(_PRELUDE + """
ids = copies([21, 22], 0, 900_000)
print(json.dumps({"ids": ids}), flush=True)
sink = PatternSink(coll)
with conn:
    sink.text.add_posts(conn, ids)
    os._exit(9)   # killed inside the transaction: the band files are written, SQLite is not
""", coll_path)
    ids = out["ids"]
    assert _band_bytes(coll_path) > before  # the killed import had written its run
    with Collection.open(coll_path) as coll:
        assert check_files(coll.db)["state"] == "ok"
        assert all(clusters_of(coll.db, pid) == [] for pid in ids)
        # Imported again, the posts join their texts' clusters, and the
        # killed import's files are gone.
        PatternSink(coll).posts_changed(ids)
        assert _members(coll, ids[0]) == _old_copies(21) | {ids[0]}
        assert _members(coll, ids[1]) == _old_copies(22) | {ids[1]}
        assert check_files(coll.db) | {"state": "ok"} == check_files(coll.db)
        state = json.loads((coll_path / BAND_FOLDER / "state.json").read_text())
        named = {f"{name}.{ext}" for name, _ in state["runs"] for ext in ("keys", "pos", "fence")}
        assert {p.name for p in (coll_path / BAND_FOLDER).iterdir()} == named | {
            "state.json", "lock", "ids.i8", "sketches.u1"}
        assert (coll_path / BAND_FOLDER / "ids.i8").stat().st_size == 8 * state["n"]


def test_a_kill_after_the_commit_but_before_the_files_are_committed_is_caught_up(coll_path: Path):
    out = _run(_PRELUDE + """
ids = copies([31, 32], 0, 900_000)
sink = PatternSink(coll)
with conn:
    sink.text.add_posts(conn, ids)
print(json.dumps({"ids": ids}), flush=True)
os._exit(9)   # SQLite committed the batch; the files' manifest does not name it
""", coll_path)
    ids = out["ids"]
    with Collection.open(coll_path) as coll:
        assert check_files(coll.db)["state"] == "behind"
        assert _members(coll, ids[0]) == _old_copies(31) | {ids[0]}
        # The next import adds the missing batch to the files: a copy of
        # the killed batch's own post finds it there.
        late = store(coll, [post(_copy(31, 1), author="later", id=900_100)])
        PatternSink(coll).posts_changed(late)
        assert _members(coll, late[0]) == _old_copies(31) | {ids[0], late[0]}
        checked = check_files(coll.db)
        assert checked["state"] == "ok" and checked["file_posts"] == checked["posts"] == TEMPLATES * COPIES + 3


def test_deleted_band_files_are_rebuilt_at_the_next_import(coll_path: Path):
    shutil.rmtree(coll_path / BAND_FOLDER)
    with Collection.open(coll_path) as coll:
        assert check_files(coll.db)["state"] == "missing"
        late = store(coll, [post(_copy(41, 1), author="later", id=900_000)])
        PatternSink(coll).posts_changed(late)
        assert _members(coll, late[0]) == _old_copies(41) | {late[0]}
        checked = check_files(coll.db)
        assert checked["state"] == "ok" and checked["file_posts"] == TEMPLATES * COPIES + 1


def test_damaged_band_files_are_rebuilt_at_the_next_import(coll_path: Path):
    run = next((coll_path / BAND_FOLDER).glob("*.keys"))
    with open(run, "r+b") as f:
        f.truncate(run.stat().st_size // 2)
    with Collection.open(coll_path) as coll:
        assert check_files(coll.db)["state"] == "missing"
        late = store(coll, [post(_copy(51, 1), author="later", id=900_000)])
        PatternSink(coll).posts_changed(late)
        assert _members(coll, late[0]) == _old_copies(51) | {late[0]}
        assert check_files(coll.db)["state"] == "ok"


def test_rebuild_makes_files_that_agree_with_sqlite(coll_path: Path):
    with Collection.open(coll_path) as coll:
        before = {pid: _members(coll, pid) for pid in (FIRST_ID, FIRST_ID + 7 * COPIES)}
        rebuild(coll)
        assert check_files(coll.db)["state"] == "ok"
        assert {pid: _members(coll, pid) for pid in before} == before


def test_verify_says_when_the_band_files_are_missing_and_reindex_rebuilds_them(coll_path: Path):
    from click.testing import CliRunner

    from viewer.cli import _load_commands, cli

    _load_commands()
    shutil.rmtree(coll_path / BAND_FOLDER)
    res = CliRunner().invoke(cli, ["verify", "--json", "--collection", str(coll_path)])
    bands = json.loads(res.stdout)["text_bands"]
    assert bands["state"] == "missing" and bands["posts"] == TEMPLATES * COPIES
    res = CliRunner().invoke(cli, ["verify", "--collection", str(coll_path)])
    assert "Near-copy band files: missing or out of date" in res.stdout
    assert CliRunner().invoke(cli, ["reindex", "--collection", str(coll_path)]).exit_code == 0
    res = CliRunner().invoke(cli, ["verify", "--json", "--collection", str(coll_path)])
    bands = json.loads(res.stdout)["text_bands"]
    assert bands["state"] == "ok" and bands["file_posts"] == bands["posts"] == TEMPLATES * COPIES


def test_big_runs_read_block_by_block_answer_as_small_mapped_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # The same batches (keys drawn from a small range, so that many posts
    # share a key, some more than BUCKET_SAMPLE) into two stores: one whose
    # files are all "small" (mapped, searched by numpy), one whose files
    # are all "big" (read a block at a time) and merged in blocks of 7 keys.
    import numpy as np

    from viewer.patterns import band_store
    from viewer.patterns.band_store import BandStore
    from viewer.patterns.text_clusters import BANDS, BUCKET_SAMPLE, NUM_PERM

    rng = np.random.default_rng(3)
    batches = [(np.arange(i * 1000, i * 1000 + m, dtype=np.int64), rng.integers(0, 3000, (m, BANDS), dtype=np.uint32),
                rng.integers(0, 256, (m, NUM_PERM), dtype=np.uint8)) for i, m in enumerate([400, 90, 300, 5, 250, 60])]
    queries = np.concatenate([rng.integers(0, 3100, 5000, dtype=np.uint32), np.array([0, 2999, 2**32 - 1], np.uint32)])

    def answers(folder: Path) -> list:
        store = BandStore(folder, BANDS, NUM_PERM)
        out = []
        for ids, keys, sketches in batches:
            store.add(ids, keys, sketches)
            store.commit({"chunk": len(out)})
            q, pos = store.lookup(queries, BUCKET_SAMPLE)
            order = np.lexsort((pos, q))
            out.append((q[order].tolist(), pos[order].tolist(), store.ids_at(pos).tolist(),
                        store.sketches_at(pos).tolist(), [r.length for r in store.runs]))
        return out

    small = answers(tmp_path / "small")
    monkeypatch.setattr(band_store, "SMALL_BYTES", 0)
    monkeypatch.setattr(band_store, "BLOCK", 7)
    monkeypatch.setattr(band_store, "SLICE", 100)
    big = answers(tmp_path / "big")
    assert big == small
    assert len(small[-1][0]) > 5000 and len(small[-1][4]) > 1  # many matches, several runs
    for name in ("keys", "pos"):
        assert sorted(p.read_bytes() for p in (tmp_path / "big").glob(f"*.{name}")) == \
            sorted(p.read_bytes() for p in (tmp_path / "small").glob(f"*.{name}"))
