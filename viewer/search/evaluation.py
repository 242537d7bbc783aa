"""Turning query nodes into masks: posting lists read in bulk, wildcard
and fuzzy expansion."""
import re
from fnmatch import fnmatchcase
from pathlib import PurePath
from typing import Any

import numpy as np

from whoosh import query as wq
from whoosh.reading import TermNotFound

from viewer.batching import in_chunks
from viewer.index import whoosh_internals
from viewer.search.columns import Generation
from viewer.search.query import And, Fuzzy, Or, Pattern, Phrase, QueryError, Term

# A wildcard or fuzzy term that expands to more words than this is refused:
# it would read most of the index.
MAX_EXPANSION = 5000

# ---------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------


def expand(reader: Any, node: Pattern | Fuzzy) -> list[str]:
    if isinstance(node, Fuzzy):
        q: Any = wq.FuzzyTerm("text", node.term, maxdist=node.maxdist, prefixlength=1)
    elif node.pattern.endswith("*") and "*" not in node.pattern[:-1] and "?" not in node.pattern:
        q = wq.Prefix(node.field, node.pattern[:-1])
    else:
        q = wq.Wildcard(node.field, node.pattern)
    out = []
    for btext in whoosh_internals.expanded_terms(q, reader):
        out.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
        if len(out) > MAX_EXPANSION:
            raise QueryError(f"'{_shown(node)}' matches too many different words; make it longer.")
    return out


def _shown(node: Pattern | Fuzzy) -> str:
    return node.pattern if isinstance(node, Pattern) else f"{node.term}~{node.maxdist}"


def positive_text(node: Any) -> list[Any]:
    """Whoosh queries for the text words a query asks for (not negated)."""
    if isinstance(node, Term) and node.field == "text":
        return [wq.Term("text", node.text)]
    if isinstance(node, Phrase):
        return [wq.Phrase("phrases", list(node.terms), slop=node.slop)]
    if isinstance(node, (And, Or)):
        out = []
        for c in node.children:
            out.extend(positive_text(c))
        return out
    return []


def mask_of_term(g: Generation, fieldname: str, text: str) -> int:
    # One byte per rank and a spare last one, which rank -1 (a deleted
    # document: the blocks are read past the deletion filter) lands on.
    buf = np.zeros(g.n + 1, dtype=np.uint8)
    btext = text.encode("utf-8")
    docrank = g.cols["docrank"]
    for seg, offset in g.reader.leaf_readers():
        try:
            m = seg.postings(fieldname, btext)
        except TermNotFound:
            continue
        docs = whoosh_internals.posting_docs(m)
        if docs is None:
            docs = np.fromiter(m.all_ids(), dtype=np.int64)
        if not docs.size:
            continue
        shift = g.shift.get(offset)
        if shift is not None:
            buf[docs + (offset + shift)] = 1
        else:
            buf[docrank[docs + offset]] = 1
    return int.from_bytes(buf[:g.n].tobytes(), "little")


# ---------------------------------------------------------------------------
# source: the imported files, from SQLite
# ---------------------------------------------------------------------------

_SHA_PREFIX = re.compile(r"^[0-9a-f]{6,64}$")


def matching_sources(db: Any, pattern: str) -> list[int]:
    """Ids of the imported files `source:pattern` names: the file's name
    (case-insensitive, * and ? as wildcards; the member's name inside a zip
    too) or, for six or more hex digits, a prefix of its SHA-256."""
    want = pattern.strip().casefold()
    sha = bool(_SHA_PREFIX.match(want))
    out = []
    for sid, name, path, digest in db.execute("SELECT id, name, path, sha256 FROM sources").fetchall():
        names = {(name or "").casefold(), PurePath((path or "").split("!")[-1]).name.casefold(),
                 (path or "").casefold()}
        if any(fnmatchcase(n, want) for n in names if n) or (sha and (digest or "").startswith(want)):
            out.append(int(sid))
    return out


def source_post_ids(db: Any, pattern: str) -> list[int]:
    """The posts read from the files `source:pattern` names."""
    ids = matching_sources(db, pattern)
    out: list[int] = []
    for chunk in in_chunks(ids):
        marks = ",".join("?" * len(chunk))
        out.extend(r[0] for r in db.execute(f"SELECT DISTINCT post_id FROM raw WHERE source_id IN ({marks})", chunk))
    return out
