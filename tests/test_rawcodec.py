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
