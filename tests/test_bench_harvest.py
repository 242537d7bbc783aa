"""The 10M benchmark's harvest (bench/gen_twarc2.py parts): each part is
its own posts, with ids no other part uses, dated as their ids say."""
from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from gen_twarc2 import EPOCH_MS, generate  # noqa: E402


def _posts(path: Path) -> list[dict]:
    return [t for line in path.read_text(encoding="utf-8").splitlines() for t in json.loads(line)["data"]]


def test_parts_have_distinct_ids_and_each_id_holds_its_posts_time(tmp_path):
    parts = []
    for part in (0, 1, 7):
        generate(1000, tmp_path / f"p{part}.jsonl", part=part)
        parts.append(_posts(tmp_path / f"p{part}.jsonl"))
    ids = [t["id"] for posts in parts for t in posts]
    assert len(ids) == 3000 and len(set(ids)) == 3000
    for part, posts in zip((0, 1, 7), parts, strict=True):
        for t in posts[:200]:
            ms = (int(t["id"]) >> 22) + EPOCH_MS
            stamp = datetime.strptime(t["created_at"], "%Y-%m-%dT%H:%M:%S.%f%z")
            assert int(stamp.timestamp() * 1000 + 0.5) == ms
            assert ms % 1000 == part


def test_a_part_is_the_same_file_every_time(tmp_path):
    generate(300, tmp_path / "a.jsonl", part=3)
    generate(300, tmp_path / "b.jsonl", part=3)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
