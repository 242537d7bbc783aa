"""A whole JSON document far larger than one record (a tweets.js, a JSON
array of tweets) is read record by record: peak memory follows the largest
record, not the file. Measured in a child process, by its own high-water mark."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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
