"""A whole JSON document far larger than one record (a tweets.js, a JSON
array of tweets, a v1 search response, a v2 page) is read record by record:
peak memory follows the largest record, not the file. Measured in a child
process, by its own high-water mark."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from viewer.formats import jsonfile
from viewer.importer import import_paths

# Each entry carries ~2 KB of text, so ~200 MB needs ~100,000 entries.
ENTRIES = 100_000

_CHILD = """
import resource, sys
from pathlib import Path
from viewer.formats import ParseOptions, detect
from viewer.model import Post, Problem
from viewer.sources import expand
posts = problems = 0
for src in expand(Path(sys.argv[1])).files:
    fmt = detect(src)
    print(fmt.name if fmt else None, file=sys.stderr)
    for item in fmt.parse(src, ParseOptions()):
        posts += isinstance(item, Post)
        problems += isinstance(item, Problem) and not item.notice
# VmHWM is this program's own high-water mark: ru_maxrss would also count
# the pages of the (large) test process it was forked from.
try:
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(posts, problems, hwm // 1024)
"""


def _entry(i: int) -> dict:
    return {"id_str": str(10**15 + i), "full_text": f"post {i} " + "word " * 400,
            "created_at": "Wed Oct 10 20:19:24 +0000 2018", "favorite_count": str(i % 7),
            "entities": {"hashtags": [], "user_mentions": [], "urls": []}}


def _write(path: Path, head: bytes, wrap) -> None:
    with open(path, "wb") as f:
        f.write(head + b"[\n")
        for i in range(ENTRIES):
            f.write((b",\n" if i else b"") + json.dumps(wrap(_entry(i))).encode())
        f.write(b"\n]\n")


def _peak(path: Path) -> tuple[int, int, int]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    posts, problems, peak_mb = map(int, out.stdout.split())
    return posts, problems, peak_mb


@pytest.mark.slow
def test_a_200_mb_tweets_js_is_read_in_bounded_memory(tmp_path):
    path = tmp_path / "tweets.js"
    _write(path, b"window.YTD.tweets.part0 = ", lambda e: {"tweet": e})
    assert path.stat().st_size > 200_000_000
    posts, problems, peak_mb = _peak(path)
    assert (posts, problems) == (ENTRIES, 0)
    assert peak_mb < 300  # read whole, the file alone took over 1 GB


@pytest.mark.slow
def test_a_200_mb_json_array_is_read_in_bounded_memory(tmp_path):
    path = tmp_path / "tweets.json"
    _write(path, b"", lambda e: dict(e, user={"id_str": "7", "screen_name": "someone"}, id=int(e["id_str"]),
                                     favorite_count=1))
    assert path.stat().st_size > 200_000_000
    posts, problems, peak_mb = _peak(path)
    assert (posts, problems) == (ENTRIES, 0)
    assert peak_mb < 300


# -- object documents: a v1 search response, a v2 page ---------------------------------
# Written pretty-printed, as a saved API response is: a document on one line
# (under the line limit) is read as one JSON line instead.

def _v2_tweet(i: int, author: str) -> dict:
    return {"id": str(10**15 + i), "text": f"post {i} " + "word " * 400, "author_id": author,
            "created_at": "2018-10-10T20:19:24.000Z", "edit_history_tweet_ids": [str(10**15 + i)]}


def _write_page(path: Path, tweets: int, users: list[dict], includes_first: bool = False,
                author: str = "7") -> None:
    """A v2 page written piece by piece (never held whole), `includes` after
    `data` unless `includes_first`."""
    includes = b'"includes": {"users": [\n' + b",\n".join(json.dumps(u).encode() for u in users) + b"\n]}"
    with open(path, "wb") as f:
        f.write(b"{\n")
        if includes_first:
            f.write(includes + b",\n")
        f.write(b'"data": [\n')
        for i in range(tweets):
            f.write((b",\n" if i else b"") + json.dumps(_v2_tweet(i, author), indent=1).encode())
        f.write(b"\n]")
        if not includes_first:
            f.write(b",\n" + includes)
        f.write(b',\n"meta": {"result_count": %d}\n}\n' % tweets)


def _users(n: int) -> list[dict]:
    return [{"id": str(7 + i), "username": f"user{i}", "name": f"User number {i} " + "x" * 150} for i in range(n)]


def _authors(coll) -> set[str | None]:
    return {r[0] for r in coll.db.execute("SELECT DISTINCT author_handle FROM posts WHERE collected = 1")}


def test_a_large_v1_search_response_is_read_status_by_status(collection, tmp_path):
    path = tmp_path / "search.json"
    statuses = [dict(_entry(i), id=10**15 + i, user={"id_str": "7", "screen_name": "someone"}) for i in range(2500)]
    path.write_text(json.dumps({"search_metadata": {"count": 2500}, "statuses": statuses}, indent=1))
    assert path.stat().st_size > jsonfile.WHOLE_OBJECT_BYTES  # so it is streamed
    report = import_paths(collection, [path])
    got = {r[0] for r in collection.db.execute("SELECT id FROM posts WHERE collected = 1")}
    assert got == {10**15 + i for i in range(2500)} and report.failed == 0
    assert _authors(collection) == {"someone"}


@pytest.mark.parametrize("includes_first", [False, True], ids=["includes after data", "includes before data"])
def test_a_large_v2_page_is_read_tweet_by_tweet_with_its_includes(collection, tmp_path, includes_first):
    path = tmp_path / "page.json"
    _write_page(path, 2000, _users(3), includes_first)
    assert path.stat().st_size > jsonfile.WHOLE_OBJECT_BYTES
    report = import_paths(collection, [path])
    got = {r[0] for r in collection.db.execute("SELECT id FROM posts WHERE collected = 1")}
    assert got == {10**15 + i for i in range(2000)} and report.failed == 0
    assert _authors(collection) == {"user0"}  # includes.users completed every post, wherever it stood


def test_a_large_damaged_v2_page_keeps_every_intact_tweet(collection, tmp_path):
    path = tmp_path / "page.json"
    _write_page(path, 2000, _users(1))
    data = path.read_bytes()
    at = data.index(b'"post 1000 ')
    path.write_bytes(data[:at] + b"\x00" + data[at + 1:])
    report = import_paths(collection, [path])
    got = {r[0] for r in collection.db.execute("SELECT id FROM posts WHERE collected = 1")}
    assert got == {10**15 + i for i in range(2000) if i != 1000}
    assert any("damaged JSON" in f.reason for f in report.failures)


@pytest.mark.slow
def test_a_v2_page_whose_includes_pass_the_cap_still_imports_every_post_and_user(collection, tmp_path):
    path = tmp_path / "page.json"
    users = _users(jsonfile.MAX_KEPT_CHARS // 200 + 1000)  # each ~220 characters: past the cap
    _write_page(path, 50, users, author=users[-1]["id"])
    report = import_paths(collection, [path])
    got = {r[0] for r in collection.db.execute("SELECT id FROM posts WHERE collected = 1")}
    assert got == {10**15 + i for i in range(50)}
    last = users[-1]["username"]
    assert collection.db.execute("SELECT count(*) FROM users WHERE handle = ?", [last]).fetchone()[0] == 1
    assert any("includes are over" in n.reason for n in report.notices)


@pytest.mark.slow
@pytest.mark.parametrize("includes_first", [False, True], ids=["includes after data", "includes before data"])
def test_a_200_mb_v2_page_is_read_in_bounded_memory(tmp_path, includes_first):
    path = tmp_path / "page.json"
    _write_page(path, ENTRIES, _users(1000), includes_first)
    assert path.stat().st_size > 200_000_000
    posts, problems, peak_mb = _peak(path)
    assert (posts, problems) == (ENTRIES, 0)
    assert peak_mb < 300  # read whole, the page alone took over 1 GB


@pytest.mark.slow
def test_a_200_mb_v1_search_response_is_read_in_bounded_memory(tmp_path):
    path = tmp_path / "search.json"
    with open(path, "wb") as f:
        f.write(b'{"search_metadata": {"count": %d},\n "statuses": [\n' % ENTRIES)
        for i in range(ENTRIES):
            status = dict(_entry(i), id=10**15 + i, user={"id_str": "7", "screen_name": "someone"})
            f.write((b",\n" if i else b"") + json.dumps(status, indent=1).encode())
        f.write(b"\n]}\n")
    assert path.stat().st_size > 200_000_000
    posts, problems, peak_mb = _peak(path)
    assert (posts, problems) == (ENTRIES, 0)
    assert peak_mb < 300
