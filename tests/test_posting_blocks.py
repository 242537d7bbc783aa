"""Posting lists read in bulk (viewer.index.whoosh_internals.posting_docs)
give exactly the documents Whoosh's own matcher walks to, whatever the gaps
between them and wherever a block starts."""
from __future__ import annotations

from pickle import dumps

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import KEYWORD, Schema

from viewer.index import whoosh_internals

# Blocks starting with ids of 1 and 2 bytes (4 bytes: the last test).
DOCS = 3_000
TERMS = {
    "every": lambda d: True,  # gaps of 1: every block read from its bytes
    "sparse": lambda d: d % 300 == 0,  # gaps of 300: unpickled
    "mixed": lambda d: d % 7 == 0 or (d // 500) % 2 == 0,  # both kinds of block
    "tail": lambda d: d < 1025 or d == DOCS - 1,  # a last block of one posting
    "late": lambda d: d >= 2_600 and d % 3 == 0,  # one list in the middle of the segment
}


@pytest.fixture(scope="module")
def word_reader(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ixw")
    ix = whoosh_index.create_in(str(folder), Schema(t=KEYWORD))
    with ix.writer() as w:
        for d in range(DOCS):
            w.add_document(t=" ".join(name for name, has in TERMS.items() if has(d)) or "none")
    r = ix.reader()
    yield r
    r.close()


@pytest.mark.parametrize("term", sorted(TERMS))
def test_a_posting_list_read_in_bulk_names_the_documents_whoosh_walks_to(word_reader, term):
    expected = [d for d in range(DOCS) if TERMS[term](d)]
    walked = list(word_reader.postings("t", term.encode()).all_ids())
    assert walked == expected
    docs = whoosh_internals.posting_docs(word_reader.postings("t", term.encode()))
    assert docs is not None
    assert docs.tolist() == expected


def test_a_block_of_small_gaps_is_read_from_its_bytes_and_others_are_unpickled():
    for first in (7, 300, 70_123):
        small = (first, *([3] * 127))
        assert whoosh_internals._small_gaps(dumps((small, None, None), 2), len(small)) == (first, bytes([3] * 127))
    wide = (5, 1, 300, 2)
    assert whoosh_internals._small_gaps(dumps((wide, None, None), 2), len(wide)) is None
