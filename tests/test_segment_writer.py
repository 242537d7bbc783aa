"""The fast segment writer (viewer.index.segment_writer) against Whoosh's
own writer: given the same documents, the same terms, postings, weights,
positions, block statistics, field lengths and column values."""
from __future__ import annotations

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from conftest import SAMPLE
from viewer.importer import import_paths
from viewer.index import build as index_build
from viewer.index.documents import documents, time_order
from viewer.index.schema import COLUMNS, schema
from viewer.index.segment_writer import FastSegmentWriter, TermCache
from viewer.textproc import TweetTokenizer, text_analyzer


def assert_same_index(r1, r2, fields, columns):
    """Term by term, posting by posting: what a search can read is equal."""
    for field in fields:
        terms = list(r1.lexicon(field))
        assert terms == list(r2.lexicon(field)), field
        for term in terms:
            i1, i2 = r1.term_info(field, term), r2.term_info(field, term)
            assert (i1.weight(), i1.doc_frequency(), i1.min_length(), i1.max_length(), i1.max_weight(),
                    i1.min_id(), i1.max_id()) == \
                   (i2.weight(), i2.doc_frequency(), i2.min_length(), i2.max_length(), i2.max_weight(),
                    i2.min_id(), i2.max_id()), (field, term)
            m1, m2 = r1.postings(field, term), r2.postings(field, term)
            while m1.is_active():
                assert m2.is_active(), (field, term)
                assert (m1.id(), m1.weight(), m1.value(), m1.block_min_length(), m1.block_max_length(),
                        m1.block_max_weight()) == \
                       (m2.id(), m2.weight(), m2.value(), m2.block_min_length(), m2.block_max_length(),
                        m2.block_max_weight()), (field, term)
                m1.next()
                m2.next()
            assert not m2.is_active(), (field, term)
    assert r1.doc_count_all() == r2.doc_count_all()
    for field in fields:
        if r1.schema[field].scorable:
            assert r1.field_length(field) == r2.field_length(field)
            for d in range(r1.doc_count_all()):
                assert r1.doc_field_length(d, field) == r2.doc_field_length(d, field)
    for column in columns:
        assert list(r1.column_reader(column)) == list(r2.column_reader(column)), column


TRICKY = [
    "الْمَوْصِل الموصـــل والموصل بالموصل للموصل Mosul's MOSUL fleeing FLEEING flee flee flee",
    "Families fleeing #الموصل https://tigriswire.example.com/2016/10/18/old-city-quds?x=1 now",
    "https://news.example/%D8%A7%D9%84%D9%85%D9%88%D8%B5%D9%84/story 3.5 ٣٫٥ 17.10.2016 2016م",
    "ـــ  ً  word word word @NinawaNow #تحرير_الموصل #FreeMosul",
    "",
    "ﻻ ﷲ ｍｏｓｕｌ e\u0301cole",
    " ".join(["same"] * 300),
    " ".join(f"w{i}" for i in range(5000)),
]


def texts_to_index():
    from viewer.textproc import normalize_tag

    out = [(t, [normalize_tag(w[1:]) for w in t.split() if w.startswith("#")]) for t in TRICKY]
    words = "mosul civilians fleeing الموصل والموصل القوات قادمون نينوى old city camp".split()
    for i in range(400):
        out.append((" ".join(words[(i * k) % len(words)] for k in range(1, 12 + i % 9)), ["tag%d" % (i % 7)]))
    return out


def test_the_fast_writer_writes_exactly_what_whooshs_own_writer_writes(tmp_path):
    docs = texts_to_index()
    ixs = []
    for fast in (False, True):
        folder = tmp_path / ("fast" if fast else "whoosh")
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), schema())
        if fast:
            w = FastSegmentWriter(ix, [("text", "phrases")], ["hashtags"], ["pid", "ts", "tags_c"])
            for i, (text, tags) in enumerate(docs):
                w.add({"text": text}, {"hashtags": tags}, [i + 1, 1000 + i, "\x1f".join(tags).encode()])
        else:
            w = ix.writer()
            for i, (text, tags) in enumerate(docs):
                w.add_document(text=text, phrases=text, hashtags=" ".join(tags), pid=i + 1, ts=1000 + i,
                               tags_c="\x1f".join(tags).encode())
        w.commit()
        ixs.append(ix)
    with ixs[0].reader() as r1, ixs[1].reader() as r2:
        assert_same_index(r1, r2, fields=("text", "phrases", "hashtags"), columns=("pid", "ts", "tags_c"))


def test_the_fast_writer_cuts_words_exactly_as_the_tokenizer_does():
    cache = TermCache(text_analyzer())
    tok = TweetTokenizer()
    for text, _ in texts_to_index():
        assert cache.words(text) == [t.text for t in tok(text, mode="index")]


@pytest.mark.slow
def test_at_production_settings_on_the_sample_both_writers_write_the_same_index(tmp_path, collection):
    """The settings viewer.index.build writes with: its block size, every
    field and every column of the schema, documents made from real posts."""
    if not (SAMPLE / "search-harvest.jsonl.gz").exists():
        pytest.skip("the bundled sample is absent")
    import_paths(collection, [SAMPLE])  # no index: the documents come straight from SQLite
    ids = time_order(collection.db, None).tolist()  # every collected post
    docs = documents(collection.db, ids)
    assert len(docs) == 6166
    readers = []
    for name in ("fast", "whoosh"):
        folder = tmp_path / name
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), schema())
        if name == "fast":
            w = index_build._part_writer(ix)
            assert isinstance(w, FastSegmentWriter) and w._blocksize == index_build.BLOCK
        else:
            # Whoosh's own writer, with the production block size.
            w = SegmentWriter(ix, codec=W3Codec(blocklimit=index_build.BLOCK))
        for doc in docs:
            index_build._add(w, doc)
        w.commit()
        readers.append(ix.reader())
    r1, r2 = readers
    try:
        # The longest posting lists span several blocks of BLOCK postings.
        assert r1.doc_frequency("text", "mosul") > 2 * index_build.BLOCK
        text_fields = [n for n, f in r1.schema.items() if not f.column_type]
        assert set(text_fields) == {"text", "phrases", "hashtags", "mentions", "author", "to"}
        assert_same_index(r1, r2, fields=text_fields, columns=COLUMNS)
    finally:
        r1.close()
        r2.close()


def test_the_running_whoosh_is_one_the_internals_were_tested_with():
    # pyproject pins whoosh-reloaded to these; a new release means reading
    # viewer/index/whoosh_internals.py again before widening the pin.
    import whoosh

    from viewer.index import whoosh_internals

    assert whoosh.versionstring() in whoosh_internals.TESTED_WITH
    assert whoosh_internals.w3_available()
