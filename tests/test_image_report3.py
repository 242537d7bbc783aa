"""The same-image clusters on photographs of the third reporting set of issue 16
(bench/image_quality.py --set report3: BSDS500), through the real path: posts
written to a collection, clustered by PatternSink, read back with list_clusters.

The data is fetched, never committed (tests/data/README.md: bsds500); the test
is skipped when it is absent. The two photographs are simply the first two of
the train folder by name, not picked from the bench's results."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests.formats_helpers import fetched, needs_testdata
from tests.search_factory import add, post
from viewer.collection import Collection
from viewer.model import LocalFile, Media
from viewer.patterns import PatternSink
from viewer.patterns.clusters import list_clusters


def _photo_post(n: int, data: bytes, name: str):
    p = post(f"Look at picture {n}, it is going round again", author=f"reposter_{n}")
    p.media = [Media(f"m{n}", "photo", None, local=LocalFile(name, lambda d=data: io.BytesIO(d), len(data)))]
    return p


@needs_testdata("bsds500")
def test_a_resized_cropped_bsds_photo_joins_its_original_and_the_next_photo_stays_out(tmp_path: Path):
    base = fetched("bsds500")
    assert base is not None
    train = base / "BSDS500" / "data" / "images" / "train"
    first, second = (train / "100075.jpg").read_bytes(), (train / "100080.jpg").read_bytes()
    im = Image.open(io.BytesIO(first)).convert("RGB")
    w, h = im.size
    # A platform's copy inside the promise: 5 % cut from the left, shrunk to 60 %, re-encoded at quality 50.
    copy = io.BytesIO()
    im.crop((w // 20, 0, w, h)).resize((w * 3 // 5, h * 3 // 5)).save(copy, "JPEG", quality=50)
    coll = Collection.open(tmp_path / "c")
    posts = [_photo_post(i, data, name) for i, (name, data) in
             enumerate([("100075.jpg", first), ("copy.jpg", copy.getvalue()), ("100080.jpg", second)])]
    add(coll, posts)
    PatternSink(coll).posts_changed([p.id for p in posts])
    found = [sorted(c.posts) for c in list_clusters(coll.db, kind="image")]
    assert found == [sorted([posts[0].id, posts[1].id])]
