"""Raw records are stored compressed with a preset dictionary and come back
byte for byte; records stored before it (plain zlib) still read."""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.store import decompress, rawcodec

CORPORA = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora"
NOFLAT = CORPORA / "twarc-csv" / "noflat.jsonl"


def test_a_record_comes_back_byte_for_byte():
    record = '{"id":"1","text":"خروج المدنيين من #الموصل","lang":"ar","public_metrics":{"like_count":3}}'.encode()
    blob = rawcodec.compress(record)
    assert blob[1] & 0x20  # the stream names its preset dictionary
    assert decompress(blob) == record


def test_a_record_stored_before_the_dictionary_still_reads():
    record = b'{"id_str":"787474276364541957","full_text":"old record"}'
    assert decompress(zlib.compress(record, 1)) == record


def test_a_dictionary_this_version_does_not_know_is_a_clear_error():
    blob = bytearray(rawcodec.compress(b'{"id":"1"}'))
    blob[2:6] = (12345).to_bytes(4, "big")
    with pytest.raises(ValueError, match="dictionary"):
        decompress(bytes(blob))


@pytest.mark.skipif(not NOFLAT.exists(), reason="shared corpora absent")
def test_real_records_are_kept_verbatim_and_smaller_than_plain_zlib(tmp_path):
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [NOFLAT])
    blobs = [r[0] for r in coll.db.execute("SELECT data FROM raw")]
    raws = [decompress(b) for b in blobs]
    assert len(raws) >= 100
    assert {json.loads(r)["id"] for r in raws} >= {t["id"] for t in json.loads(NOFLAT.read_text())["data"]}
    assert sum(map(len, blobs)) < 0.9 * sum(len(zlib.compress(r, 1)) for r in raws)
    coll.close()



def _generated(tmp_path: Path, n: int) -> tuple[Path, list[dict]]:
    """A generated twarc2 file of n posts (bench/gen_twarc2.py) and its posts."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from gen_twarc2 import generate

    path = tmp_path / "twarc2.jsonl"
    generate(n, path)
    return path, [t for line in path.read_text(encoding="utf-8").splitlines() for t in json.loads(line)["data"]]


def test_a_large_batch_compressed_aside_gives_the_bytes_compressed_here(tmp_path):
    _, posts = _generated(tmp_path, rawcodec.AsideCompressor.MIN_BATCH + 200)
    raws = [json.dumps(t, ensure_ascii=False).encode() for t in posts]
    aside = rawcodec.AsideCompressor()
    try:
        blobs = aside.submit(raws)()
        assert aside._pool is not None  # it went to the other process
    finally:
        aside.close()
    assert blobs == [rawcodec.compress(r) for r in raws]


def test_an_import_of_large_batches_keeps_every_record_verbatim(tmp_path):
    path, posts = _generated(tmp_path, 2500)  # one batch, compressed aside
    with Collection.open(tmp_path / "c") as coll:
        import_paths(coll, [path])
        stored = {pid: decompress(blob) for pid, blob in coll.db.execute("SELECT post_id, data FROM raw")}
    assert len(posts) == 2500
    for t in posts:
        assert json.loads(stored[int(t["id"])]) == t
