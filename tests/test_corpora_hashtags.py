"""Every #tag in the text of every collected post of every real archive is
found by a `#tag` search, whatever tool saved the archive: the corpora in
../shared/corpora and the fetched tool outputs of tests/data/README.md. (On
the API-shaped corpora the records' own entities already hold every tag; the
rtweet CSV is where a tag only the text carries would be lost.)"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from conftest import CORPORA
from formats_helpers import fetched

from viewer.collection import Collection
from viewer.formats.textentities import extract
from viewer.importer import import_paths
from viewer.index import index_sink
from viewer.search import Searcher

pytestmark = pytest.mark.slow

FETCHED = ["rtweet-csv", "tags-csv", "gnip-tweet-parser", "academictwitter"]
ARCHIVES: list[Path] = sorted(p for p in CORPORA.iterdir() if p.is_dir()) if CORPORA.is_dir() else []
ARCHIVES += [p for p in map(fetched, FETCHED) if p is not None]


@pytest.mark.parametrize("archive", ARCHIVES, ids=[p.name for p in ARCHIVES])
def test_every_hashtag_in_a_text_is_found_by_its_search(tmp_path, archive):
    coll = Collection.open(tmp_path / "c")
    try:
        report = import_paths(coll, [archive], index=index_sink(coll))
        assert report.added > 0
        wanted: dict[str, set[int]] = defaultdict(set)
        for pid, text in coll.db.execute("SELECT id, text FROM posts WHERE collected = 1"):
            for tag in extract(text).hashtags:
                wanted[tag.casefold()].add(pid)
        searcher = Searcher(coll)
        missing = {}
        for tag, ids in wanted.items():
            lost = ids - set(searcher.search(f"#{tag}").ids)
            if lost:
                missing[tag] = sorted(lost)[:3]
        assert not missing, f"{len(missing)} of {len(wanted)} tags not found: {dict(list(missing.items())[:10])}"
    finally:
        coll.close()
