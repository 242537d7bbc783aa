"""The Arabic stemmer's lexicon answers the same from its hashed table (what
a one-off command maps at start) as from the whole dict (what an import
loads), so a search's highlighting and its index agree on every form."""
from __future__ import annotations

import random

import numpy as np

from viewer.textproc import arabic


def test_the_hashed_table_gives_every_count_the_dict_gives(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    table = arabic._lexicon()
    assert len(table) > 100_000
    arabic._Counts().get("الموصل")  # a first run writes the hashed table beside the dict
    counts = arabic._Counts()
    words = random.Random(7).sample(sorted(table), 3000)
    absent = ["قزقزقز", "xyz", "الموصلللل", "بغدادنااا"]
    got = [counts.get(w) for w in words + absent]
    assert counts._dict is None  # answered from the mapped hashes, not the dict
    assert got == [table[w] for w in words] + [0.0] * len(absent)


def test_hashes_in_the_table_are_distinct(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    arabic._Counts().get("الموصل")  # writes the hashed file
    path = arabic._hashed_file()
    assert path is not None
    hashes = np.load(path, mmap_mode="r")[0]
    assert hashes.size == len(arabic._lexicon())
    assert np.all(np.diff(hashes.astype(np.uint64)) > 0)  # sorted, no two forms sharing one


def test_a_process_that_looks_up_many_words_moves_to_the_dict(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    counts = arabic._Counts()
    monkeypatch.setattr(arabic._Counts, "DICT_AFTER", 50)
    words = sorted(arabic._lexicon())[:60]
    got = [counts.get(w) for w in words]
    assert counts._dict is not None
    assert got == [arabic._lexicon()[w] for w in words]
