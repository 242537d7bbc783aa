"""The same-image clusters on pictures of the second reporting set of issue 16
(bench/image_quality.py --set report2), through the real path: posts written
to a collection, clustered by PatternSink, read back with list_clusters.

The data is fetched, never committed (tests/data/README.md: threatexchange-pdq,
imagenet-sample); each test is skipped when its set is absent."""
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
    p = post(f"Picture {n} of the day, shared by one more account of the campaign", author=f"account_{n}")
    p.media = [Media(f"m{n}", "photo", None, local=LocalFile(name, lambda d=data: io.BytesIO(d), len(data)))]
    return p


def _clusters(tmp_path: Path, files: list[tuple[str, bytes]]) -> tuple[list[int], list[list[int]]]:
    # Closed here: left to the garbage collector, its database's -wal and
    # -shm files vanished midway through a later test on the same worker
    # that compares the files under the temporary folders before and after.
    with Collection.open(tmp_path / "c") as coll:
        posts = [_photo_post(i, data, name) for i, (name, data) in enumerate(files)]
        add(coll, posts)
        PatternSink(coll).posts_changed([p.id for p in posts])
        return [p.id for p in posts], [sorted(c.posts) for c in list_clusters(coll.db, kind="image")]


@needs_testdata("threatexchange-pdq")
def test_the_publishers_resized_copy_joins_its_original_and_other_pictures_stay_out(tmp_path: Path):
    base = fetched("threatexchange-pdq")
    assert base is not None
    names = ["pdq/data/bridge-mods/aaa-orig.jpg", "pdq/data/bridge-mods/shrink-a-little.jpg",
             "pdq/data/reg-test-input/labelme-subset/q0003.jpg", "pdq/data/reg-test-input/pen-and-coaster.png"]
    ids, found = _clusters(tmp_path, [(Path(n).name, (base / n).read_bytes()) for n in names])
    assert found == [sorted(ids[:2])]


@needs_testdata("imagenet-sample")
def test_a_re_encoded_resized_imagenet_photo_joins_its_original_and_another_photo_does_not(tmp_path: Path):
    base = fetched("imagenet-sample")
    assert base is not None
    tench = (base / "n01440764_tench.JPEG").read_bytes()
    goldfish = (base / "n01443537_goldfish.JPEG").read_bytes()
    im = Image.open(io.BytesIO(tench)).convert("RGB")
    out = io.BytesIO()
    im.resize((im.width * 3 // 5, im.height * 3 // 5)).save(out, "JPEG", quality=50)
    ids, found = _clusters(tmp_path, [("tench.jpg", tench), ("tench-copy.jpg", out.getvalue()),
                                      ("goldfish.jpg", goldfish)])
    assert found == [sorted(ids[:2])]
