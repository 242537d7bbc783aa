"""Every #tag in the text of every collected post of every real corpus is
found by a `#tag` search, whatever tool saved the archive."""
from __future__ import annotations

from collections import defaultdict

import pytest
from conftest import CORPORA, needs_corpora

from viewer.collection import Collection
from viewer.formats.textentities import extract
from viewer.importer import import_paths
from viewer.index import index_sink
from viewer.search import Searcher

pytestmark = [needs_corpora, pytest.mark.slow]


@pytest.mark.parametrize("corpus", sorted(p.name for p in CORPORA.iterdir() if p.is_dir()) if CORPORA.is_dir() else [])
def test_every_hashtag_in_a_text_is_found_by_its_search(tmp_path, corpus):
    coll = Collection.open(tmp_path / "c")
    try:
        report = import_paths(coll, [CORPORA / corpus], index=index_sink(coll))
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
