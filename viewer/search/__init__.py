"""One search, resolved once to a result set (DESIGN §4; STYLE.md "Result
set as ids"): the total, every matching post id in sort order, a page of
hits with highlights, facet counts and histogram buckets over the whole
result set — what the command line, the window and curation all read.

How a query is answered. The searcher holds, per index generation, the
columns of every live document (post id, time, kind, media flags,
language, author, hashtags), ordered by time: a post's *rank* is its place
in that order. A set of posts is a byte mask over ranks (one byte a post,
0 or 1), held as a Python int so that AND, OR and NOT are single C
operations on a million posts, and turned to bytes to count, slice and
select with C-speed bytes/itertools calls. Then:

* words, #tags, @handles, from: and to: read Whoosh's posting lists in
  bulk, block by block, and map document numbers to ranks; phrases,
  wildcards and fuzzy terms let Whoosh find the documents or expand terms;
* lang:, filter:/is:/has: (kinds and media) come from the byte columns by
  one bytes.translate each; since:/until: (and the window's brush) are a
  contiguous range of ranks found by binary search, since ranks are in
  time order;
* tag: and has:note/has:tag read the live post_tags and notes tables
  (cached until the database changes), so a tag is searchable the moment it
  is applied, and tagging never touches the index.

Sorted by time, the ids are the mask's ranks in order; the histogram counts
set bytes between bucket edges (bytes.count); facets count column values
under the mask (itertools.compress and Counter). Only a page of hits is
read from SQLite.
"""
from __future__ import annotations

import heapq
import re
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property
from itertools import accumulate, chain, compress, repeat
from typing import Any, Iterable, Sequence

from whoosh import query as wq
from whoosh.reading import TermNotFound

from viewer import index as ix_mod
from viewer.collection import Collection
from viewer.search.histogram import MAX_BUCKETS, UNIT_SECONDS, UNITS, Histogram, choose_unit, edges, zone, zone_name
from viewer.index import KIND_CODES, NO_TIME, TAG_SEP
from viewer.jobs import Job
from viewer.search.query import (All, And, CuratorTag, Empty, Flags, Fuzzy, HasNote, HasTag, Kind, Lang, Not, Or,
                    Pattern, Phrase, Query, QueryError, Term, TimeRange, parse)
from viewer.textproc import normalize_handle, normalize_tag, text_analyzer

__all__ = ["Searcher", "ResultSet", "Hit", "Histogram", "QueryError", "SORTS", "FACETS"]

SORTS = ("time", "-time", "relevance")
FACETS = ("hashtags", "authors", "langs", "kinds", "tags")
FACET_SIZE = 50  # values per facet, most frequent first
# Relevance: the best-scoring posts (Whoosh's BM25F) come first, then the
# rest of the result set newest first; scoring every one of 300,000 hits in
# pure Python would take seconds.
RELEVANCE_TOP = 1000
# A wildcard or fuzzy term that expands to more words than this is refused:
# it would read most of the index.
MAX_EXPANSION = 5000
TERM_CACHE = 64  # term masks kept (the window searches as the user types)
# A language with at least 1/LANG_MASK_SHARE of the posts gets a mask of its
# own (a byte per post) for quick facet counts.
LANG_MASK_SHARE = 200


# ---------------------------------------------------------------------------
# masks: one byte per rank, 0 or 1, as an int (for &, |, ^) or bytes
# ---------------------------------------------------------------------------


def _ones(n: int) -> int:
    return int.from_bytes(b"\x01" * n, "little")


def _mask_from_ranks(n: int, ranks: Iterable[int]) -> int:
    # One spare byte at the end takes rank -1 (deleted documents).
    buf = bytearray(n + 1)
    deque(map(buf.__setitem__, ranks, repeat(1)), maxlen=0)
    del buf[n:]
    return int.from_bytes(buf, "little")


def _range_mask(n: int, lo: int, hi: int) -> int:
    lo, hi = max(0, lo), min(n, hi)
    if hi <= lo:
        return 0
    return int.from_bytes(b"\x00" * lo + b"\x01" * (hi - lo), "little")


def _translate_table(pred: Any) -> bytes:
    return bytes(1 if pred(i) else 0 for i in range(256))


def _equal_table(value: int) -> bytes:
    return bytes(1 if i == value else 0 for i in range(256))


# ---------------------------------------------------------------------------
# the columns of one index generation
# ---------------------------------------------------------------------------


class _Names:
    """Distinct values and their codes (code 0: none), with a cache from the
    raw column bytes to the code, so each distinct value is decoded and
    normalised once, not once per document. Facets show each value in its
    most used written form (#FreeMosul rather than #FREEMOSUL)."""

    def __init__(self, normalise: Any) -> None:
        self.normalise = normalise
        self.codes: dict[Any, int] = {None: 0}
        self.names: list[Any] = [None]  # the normalised value of each code
        self.forms: list[Counter] = [Counter()]  # written forms of each code, with their counts
        self.raw: dict[bytes, int] = {b"": 0}
        self.lists: dict[bytes, tuple[int, ...]] = {b"": ()}

    def code(self, raw: bytes, count: int = 1) -> int:
        c = self.raw.get(raw)
        if c is None:
            form = raw.decode("utf-8", "replace")
            key = self.normalise(form) or None
            c = self.codes.get(key)
            if c is None:
                c = self.codes[key] = len(self.names)
                self.names.append(key)
                self.forms.append(Counter())
            self.raw[raw] = c
        if c:
            self.forms[c][raw] += count
        return c

    def codes_of_list(self, raw: bytes, count: int = 1) -> tuple[int, ...]:
        """Codes of a TAG_SEP-joined list of values (cached per list)."""
        c = self.lists.get(raw)
        if c is None:
            c = self.lists[raw] = tuple(dict.fromkeys(self.code(v, 0) for v in raw.split(TAG_SEP) if v))
        for v in raw.split(TAG_SEP):
            if v:
                self.forms[self.raw[v]][v] += count
        return c

    def shown(self, code: int) -> str:
        forms = self.forms[code]
        if not forms:
            return self.names[code] or ""
        best = max(forms.items(), key=lambda f: (f[1], f[0]))[0]
        return best.decode("utf-8", "replace")


@dataclass
class _SegmentData:
    """One segment's columns, read once: a segment never changes but for
    its deletions."""

    doccount: int
    pid: array
    ts: array
    kind: bytes
    flags: bytes
    lang: bytes  # language codes
    author: array  # author codes
    tags: list  # per document, a tuple of hashtag codes (shared tuples)


def _time_ordered(docs: list[int], ts: array, pid: array) -> list[int]:
    """Document numbers ordered by (time, post id). Documents are mostly
    written in that order already (viewer.index writes them so), so one
    stable sort by time runs in linear time, and only runs of equal times
    are then put in id order."""
    docs.sort(key=ts.__getitem__)
    times = array("q", map(ts.__getitem__, docs))
    # Positions where a time equals the next one: the ties to order by id.
    ties = list(compress(range(len(times) - 1), map(int.__eq__, times, times[1:]))) if len(times) > 1 else []
    i = 0
    while i < len(ties):
        start = ties[i]
        end = start + 1
        while i < len(ties) and ties[i] == end - 1:
            end += 1
            i += 1
        docs[start:end] = sorted(docs[start:end], key=pid.__getitem__)
    return docs


def _load_segment(seg: Any, names: dict[str, _Names]) -> _SegmentData:
    cols = ix_mod.segment_columns(seg, ("pid", "ts", "kind", "flags", "lang", "author_c", "tags_c"))
    n = seg.doc_count_all()
    # Each distinct value is decoded once; then one C-level lookup a document.
    langs, authors, tags = names["lang"], names["author"], names["tag"]
    for raw, count in Counter(cols["lang"]).items():
        langs.code(raw, count)
    for raw, count in Counter(cols["author_c"]).items():
        authors.code(raw, count)
    for raw, count in Counter(cols["tags_c"]).items():
        tags.codes_of_list(raw, count)
    lang = bytes(min(c, 255) for c in map(langs.raw.__getitem__, cols["lang"])) if len(langs.names) > 255 \
        else bytes(map(langs.raw.__getitem__, cols["lang"]))
    author = array("I", map(authors.raw.__getitem__, cols["author_c"]))
    tag_lists = list(map(tags.lists.__getitem__, cols["tags_c"]))
    return _SegmentData(n, cols["pid"], cols["ts"], bytes(cols["kind"]), bytes(cols["flags"]), lang,
                        author, tag_lists)


class _Generation:
    """Every live document of one index generation, by rank (time order).

    Columns that facets and ids read through itertools.compress are Python
    lists whose items are shared objects (compress over a list only touches
    pointers; over an array it would box every value): a pass over a million
    posts then costs a few milliseconds."""

    def __init__(self, reader: Any, cache: dict[str, _SegmentData], names: dict[str, _Names]):
        self.reader = reader
        segs: list[tuple[int, _SegmentData, frozenset]] = []
        for seg, offset in reader.leaf_readers():
            n = seg.doc_count_all()
            segid = seg.segment().segment_id()
            data = cache.get(segid)
            if data is None or data.doccount != n:
                data = cache[segid] = _load_segment(seg, names)
            deleted = seg.deleted_docs_set if seg.has_deletions() else frozenset()
            segs.append((offset, data, deleted))
        self.total_docs = total = reader.doc_count_all()
        pid = array("q")
        ts = array("q")
        kind = bytearray()
        flags = bytearray()
        lang = bytearray()
        author = array("I")
        tags: list = []
        live = bytearray(b"\x01") * total
        for offset, data, deleted in segs:
            pid.extend(data.pid)
            ts.extend(data.ts)
            kind += data.kind
            flags += data.flags
            lang += data.lang
            author.extend(data.author)
            tags.extend(data.tags)
            for d in deleted:
                live[offset + d] = 0
        docs = _time_ordered(list(compress(range(total), live)), ts, pid)
        n = self.n = len(docs)
        self.docrank = array("i", [-1]) * total
        deque(map(self.docrank.__setitem__, docs, range(n)), maxlen=0)
        self.pids = list(map(pid.__getitem__, docs))
        self.ts = array("q", map(ts.__getitem__, docs))
        self.kind = bytes(map(kind.__getitem__, docs))
        self.flags = bytes(map(flags.__getitem__, docs))
        self.lang = bytes(map(lang.__getitem__, docs))
        shared = list(range(len(names["author"].names)))
        self.author = list(map(shared.__getitem__, map(author.__getitem__, docs)))
        self.tags = list(map(tags.__getitem__, docs))
        self.all = _ones(n)
        # Segments whose documents hold consecutive ranks, in order (what a
        # rebuild writes, and an import of newer posts): their document
        # numbers map to ranks by adding a number.
        self.shift: dict[int, int] = {}
        for offset, data, deleted in segs:
            cnt = data.doccount
            if cnt and not deleted:
                first = self.docrank[offset]
                if self.docrank[offset:offset + cnt] == array("i", range(first, first + cnt)):
                    self.shift[offset] = first - offset
        # First rank with a real date (undated posts sort first).
        self.first_dated = bisect_right(self.ts, NO_TIME)
        self._by_pid: tuple[array, array] | None = None
        # Masks of each kind, and of each language with a fair share of the
        # posts: their facet counts are then one AND and one bit count each.
        self.kind_masks = {c: _column_mask(self.kind, _equal_table(c)) for c in KIND_CODES.values()}
        self.lang_masks: dict[int, int] = {}
        self.rare_langs = 0  # the posts in every other language
        for c in set(self.lang):
            m = _column_mask(self.lang, _equal_table(c))
            if self.lang.count(c) * LANG_MASK_SHARE >= n:
                self.lang_masks[c] = m
            else:
                self.rare_langs |= m

    def rank_of(self, pid: int) -> int:
        if self._by_pid is None:
            # Post id → rank through a sorted copy, made when curation first
            # needs it (a dict of a million ints would take ~100 MB).
            order = sorted(range(self.n), key=self.pids.__getitem__)
            self._by_pid = (array("q", map(self.pids.__getitem__, order)), array("i", order))
        pids, ranks = self._by_pid
        i = bisect_left(pids, pid)
        if i < len(pids) and pids[i] == pid:
            return ranks[i]
        return -1

    def time_range(self, start: int | None, end: int | None) -> tuple[int, int]:
        lo = self.first_dated if start is None else max(self.first_dated, bisect_left(self.ts, start))
        hi = self.n if end is None else bisect_left(self.ts, end)
        return lo, hi


# ---------------------------------------------------------------------------
# curator tags and notes, live from SQLite
# ---------------------------------------------------------------------------


class _Curation:
    """post_tags, tags and notes, as rank lists per tag; reloaded whenever
    the database changed (any commit, on any connection), so a tag applied
    a moment ago is searchable now, without touching the index."""

    def __init__(self) -> None:
        self.key: Any = None
        self.tag_ranks: dict[int, array] = {}  # tag id → ranks
        self.tag_names: dict[int, str] = {}
        self.note_ranks = array("i")

    def refresh(self, db: Any, gen: _Generation) -> None:
        conn = db.conn
        key = (id(gen), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        if key == self.key:
            return
        self.tag_names = {tid: name for tid, name in conn.execute("SELECT id, name FROM tags")}
        by_tag: dict[int, array] = {}
        for tid, pid in conn.execute("SELECT tag_id, post_id FROM post_tags ORDER BY tag_id"):
            r = gen.rank_of(pid)
            if r >= 0:
                by_tag.setdefault(tid, array("i")).append(r)
        self.tag_ranks = by_tag
        self.note_ranks = array("i", (r for (pid,) in conn.execute("SELECT DISTINCT post_id FROM notes")
                                      if (r := gen.rank_of(pid)) >= 0))
        self.key = key

    def tag_ids(self, name: str) -> list[int]:
        """Tags named so (case and spacing aside: a curator types them)."""
        want = " ".join(name.split()).casefold()
        return [tid for tid, n in self.tag_names.items() if " ".join((n or "").split()).casefold() == want]


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------


class _TimeOrderedIds(Sequence):
    """The matching post ids in time order, from the mask: the first pages
    are found by scanning for set bytes (what a window or `search --limit`
    shows at once), the whole list is built on first wider use."""

    _PREFIX = 1000

    def __init__(self, pids: list[int], sel: bytes, total: int, newest_first: bool):
        self._pids = pids
        self._sel = sel
        self._total = total
        self._newest = newest_first
        self._all: list[int] | None = None
        self._first: list[int] | None = None

    def __len__(self) -> int:
        return self._total

    def _full(self) -> list[int]:
        if self._all is None:
            ids = list(compress(self._pids, self._sel))
            if self._newest:
                ids.reverse()
            self._all = ids
        return self._all

    def _head(self, k: int) -> list[int]:
        out = []
        sel, pids = self._sel, self._pids
        if self._newest:
            i = sel.rfind(1)
            while i >= 0 and len(out) < k:
                out.append(pids[i])
                i = sel.rfind(1, 0, i)
        else:
            i = sel.find(1)
            while i >= 0 and len(out) < k:
                out.append(pids[i])
                i = sel.find(1, i + 1)
        return out

    def __getitem__(self, i: Any) -> Any:
        if self._all is None:
            if isinstance(i, slice):
                start, stop, step = i.indices(self._total)
                if stop <= self._PREFIX:
                    return self._prefix()[start:stop:step]
            elif 0 <= i < min(self._PREFIX, self._total):
                return self._prefix()[i]
        return self._full()[i]

    def _prefix(self) -> list[int]:
        if self._first is None:
            self._first = self._head(self._PREFIX)
        return self._first

    def __iter__(self) -> Any:
        return iter(self._full())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, tuple, Sequence)) else NotImplemented


@dataclass
class Hit:
    id: int
    created_at: str
    created_ts: int
    author_handle: str | None
    author_name: str | None
    text: str
    kind: str
    lang: str | None
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)  # spans of `text`

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "created_at": self.created_at,
            "author": self.author_handle,
            "author_name": self.author_name,
            "text": self.text,
            "kind": self.kind,
            "lang": self.lang,
            "snippet": self.snippet,
            "highlights": [list(s) for s in self.highlights],
        }


class ResultSet:
    """What one search found. `ids`, `total` and `sort` are ready at once;
    `facets`, `histogram` and pages of `hits` are computed when first read."""

    def __init__(self, searcher: "Searcher", gen: _Generation, q: Query, sort: str, base: int, mask: int,
                 order: Sequence[int] | None):
        self._searcher = searcher
        self._gen = gen
        self._q = q
        self.query = q.text
        self.sort = sort
        self._base = base  # the query's mask, before the window's brush
        self._mask = mask
        self._bytes = mask.to_bytes(gen.n, "little") if gen.n else b""
        self.total = mask.bit_count()  # one set bit per matching post
        if order is not None:
            self.ids: Sequence[int] = list(map(gen.pids.__getitem__, order))
        else:
            self.ids = _TimeOrderedIds(gen.pids, self._bytes, self.total, newest_first=sort == "-time")
        if q.patterns:
            # Expanded here, on the searching thread, which owns the reader:
            # the window highlights rows on its own thread.
            self._highlight_terms  # noqa: B018

    def __len__(self) -> int:
        return self.total

    # -- facets -------------------------------------------------------------
    @cached_property
    def facets(self) -> dict[str, list[tuple[str, int]]]:
        g, sel = self._gen, self._bytes
        names = self._searcher._names
        if not self.total:
            return {k: [] for k in FACETS}
        out: dict[str, list[tuple[str, int]]] = {}
        tags = Counter(chain.from_iterable(compress(g.tags, sel)))
        out["hashtags"] = _top(tags, names["tag"])
        authors = Counter(compress(g.author, sel))
        authors.pop(0, None)
        out["authors"] = _top(authors, names["author"])
        mask = self._mask
        langs = {c: (mask & m).bit_count() for c, m in g.lang_masks.items()}
        rare = mask & g.rare_langs
        if rare:
            rare_langs = bytes(compress(g.lang, rare.to_bytes(g.n, "little")))
            langs.update((c, rare_langs.count(c)) for c in set(rare_langs))
        out["langs"] = _top(langs, names["lang"])
        kinds = ((name, (mask & g.kind_masks[code]).bit_count()) for name, code in KIND_CODES.items())
        out["kinds"] = sorted(((k, c) for k, c in kinds if c), key=lambda x: (-x[1], x[0]))
        cur = self._searcher._curation
        counts = []
        for tid, ranks in cur.tag_ranks.items():
            c = sum(map(sel.__getitem__, ranks))
            if c:
                counts.append((cur.tag_names.get(tid) or str(tid), c))
        out["tags"] = sorted(counts, key=lambda x: (-x[1], x[0]))[:FACET_SIZE]
        return out

    # -- histogram ------------------------------------------------------------
    @cached_property
    def histogram(self) -> Histogram:
        """Over the query's whole result set, before the window's brush, so
        the brushed range is drawn in its context."""
        return self.histogram_for()

    def histogram_for(self, unit: str | None = None, start: int | None = None, end: int | None = None,
                      tz: str | tzinfo | None = None) -> Histogram:
        """Re-bucket for a zoom: posts per `unit` in [start, end) (epoch
        seconds). The unit is chosen from the span when not given
        (histogram.choose_unit, the window's rule too), and made coarser if
        it would give more than MAX_BUCKETS bars. Hours, days and weeks
        (from Monday) are UTC's unless `tz` names another zone
        ("Asia/Baghdad", or a tzinfo): days then start at its midnight."""
        g = self._gen
        tzi = zone(tz)
        sel = self._bytes if self._base is self._mask else self._base.to_bytes(g.n, "little")
        lo, hi = g.time_range(start, end)
        first = sel.find(1, lo, hi)
        if first < 0:
            if start is None or end is None:
                return Histogram(unit or "day", [], None, None, zone_name(tzi))
            t0, t1 = start, max(end, start + 1)
        else:
            t0 = g.ts[first] if start is None else start
            t1 = g.ts[sel.rfind(1, lo, hi)] + 1 if end is None else max(end, t0 + 1)
        unit = unit or choose_unit(t1 - t0)
        if unit not in UNIT_SECONDS:
            raise ValueError(f"unknown histogram unit {unit!r}; use hour, day or week")
        while (t1 - t0) // UNIT_SECONDS[unit] > MAX_BUCKETS and unit != "week":
            unit = UNITS[UNITS.index(unit) + 1]
        bounds = edges(t0, t1, unit, tzi)
        buckets = []
        r = max(lo, bisect_left(g.ts, bounds[0]))
        for edge, nxt in zip(bounds, bounds[1:]):
            r2 = min(bisect_left(g.ts, nxt, r), hi)
            buckets.append((edge, sel.count(1, r, r2) if r2 > r else 0))
            r = max(r, r2)
        return Histogram(unit, buckets, bounds[0], bounds[-1], zone_name(tzi))

    # -- hits -----------------------------------------------------------------
    def hits(self, offset: int = 0, limit: int = 50) -> list[Hit]:
        """A page of hits, rows read from SQLite for that page only."""
        page = list(self.ids[offset:offset + max(0, limit)])
        if not page:
            return []
        db = self._searcher.coll.db
        marks = ",".join("?" * len(page))
        rows = {r[0]: r for r in db.execute(
            f"""SELECT p.id, p.created_at, p.created_ts, p.author_handle, p.author_name, p.text, p.kind,
                       p.lang, o.text
                FROM posts p LEFT JOIN posts o ON o.id = p.retweet_of AND p.kind = 'retweet'
                WHERE p.id IN ({marks})""", page)}
        out = []
        for pid in page:
            r = rows.get(pid)
            if r is None:  # deleted from SQLite since the search: skip it
                continue
            text = r[5] or ""
            spans = self.highlight(text)
            if spans or not r[8]:
                snippet = make_snippet(text, spans)
            else:
                # Found through the retweeted original's text (the retweet's
                # own is cut): show the original's matching part.
                snippet = make_snippet(r[8], self.highlight(r[8]))
            out.append(Hit(id=pid, created_at=r[1] or "", created_ts=r[2] if r[2] is not None else 0,
                           author_handle=r[3], author_name=r[4], text=text, kind=r[6], lang=r[7],
                           snippet=snippet, highlights=spans))
        return out

    # -- highlighting ---------------------------------------------------------
    @cached_property
    def _highlight_terms(self) -> set[str]:
        terms = set(self._q.terms)
        reader = self._gen.reader
        for p in self._q.patterns:
            if isinstance(p, Pattern) and p.field == "text":
                terms.update(_expand(reader, p))
            elif isinstance(p, Fuzzy):
                terms.update(_expand(reader, p))
        return terms

    def highlight(self, text: str) -> list[tuple[int, int]]:
        """Character spans of `text` that match the query's words, by the
        same analysis as the index (والموصل is marked for الموصل), and its
        #hashtags and @mentions; never what sits under a negation."""
        return highlight_spans(text, self._highlight_terms, self._q.hashtags, self._q.mentions)

    def as_json(self, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        return {
            "query": self.query,
            "sort": self.sort,
            "total": self.total,
            "offset": offset,
            "hits": [h.as_json() for h in self.hits(offset, limit)],
            "facets": {k: [{"value": v, "count": c} for v, c in vals] for k, vals in self.facets.items()},
            "histogram": self.histogram.as_json(),
        }


def _top(counts: Any, names: _Names) -> list[tuple[str, int]]:
    """The FACET_SIZE most frequent values, most frequent first (ties by
    name); nlargest, since a result set can hold tens of thousands."""
    best = heapq.nlargest(FACET_SIZE, ((n, c) for c, n in counts.items() if n and c))
    return sorted(((names.shown(c), n) for n, c in best), key=lambda x: (-x[1], x[0]))


_ANALYZER = text_analyzer()
_SIGNED = re.compile(r"([#＃@＠])(\w+)")


def highlight_spans(text: str, terms: set[str], hashtags: set[str] = frozenset(),
                    mentions: set[str] = frozenset()) -> list[tuple[int, int]]:
    spans = []
    if terms:
        for t in _ANALYZER(text, chars=True, mode="index"):
            if t.text in terms:
                spans.append((t.startchar, t.endchar))
    if hashtags or mentions:
        for m in _SIGNED.finditer(text):
            if m.group(1) in "#＃" and normalize_tag(m.group(2)) in hashtags:
                spans.append(m.span())
            elif m.group(1) in "@＠" and normalize_handle(m.group(2)) in mentions:
                spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = 200) -> str:
    """A single-line excerpt of `text` around its first match."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    if not spans:
        return flat[:width - 1].rstrip() + "…"
    # Locate the first match in the flattened text by its words.
    first = " ".join(text[:spans[0][0]].split())
    start = max(0, len(first) - width // 3)
    cut = flat[start:start + width]
    return ("…" if start else "") + cut.strip() + ("…" if start + width < len(flat) else "")


# ---------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------


def _expand(reader: Any, node: Pattern | Fuzzy) -> list[str]:
    if isinstance(node, Fuzzy):
        q: Any = wq.FuzzyTerm("text", node.term, maxdist=node.maxdist, prefixlength=1)
    elif node.pattern.endswith("*") and "*" not in node.pattern[:-1] and "?" not in node.pattern:
        q = wq.Prefix(node.field, node.pattern[:-1])
    else:
        q = wq.Wildcard(node.field, node.pattern)
    out = []
    for btext in q._btexts(reader):
        out.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
        if len(out) > MAX_EXPANSION:
            raise QueryError(f"'{_shown(node)}' matches too many different words; make it longer.")
    return out


def _shown(node: Pattern | Fuzzy) -> str:
    return node.pattern if isinstance(node, Pattern) else f"{node.term}~{node.maxdist}"


def _blocks(m: Any) -> Any:
    """The delta-coded id tuples of a W3 posting list, or None if `m` is
    not Whoosh's W3 leaf matcher (then the caller reads ids one by one)."""
    needed = ("_read_data", "_lastblock", "_goto", "_nextoffset", "_atend")
    if type(m).__name__ != "W3LeafMatcher" or not all(hasattr(m, a) for a in needed):
        return None

    def gen() -> Iterable[tuple]:
        while not m._atend:
            if m._data is None:
                m._read_data()
            yield m._data[0]
            if m._lastblock:
                break
            m._goto(m._nextoffset)
    return gen()


class Searcher:
    """Searches one collection. Opening reads the index's columns (once per
    index generation); `search()` is then cheap enough to run per keystroke.
    Not shared between threads: open one per thread (SQLite connections and
    Whoosh readers are not)."""

    def __init__(self, coll: Collection):
        self.coll = coll
        self.db = coll.db
        self._lock = threading.RLock()
        self._segments: dict[str, _SegmentData] = {}
        self._names = {"lang": _Names(str.lower), "author": _Names(normalize_handle),
                       "tag": _Names(normalize_tag)}
        self._curation = _Curation()
        self._ix: Any = None
        self._gen: _Generation | None = None
        self._key: Any = None
        self._terms: dict[tuple[str, str], int] = {}
        self.refresh()

    @property
    def index_ok(self) -> bool:
        """False when the index is missing, from another version, or was left
        half-written (`verify` tells more; an import or `reindex` mends it)."""
        return self._ix is not None and not ix_mod.is_dirty(self.coll)

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._gen is not None:
                self._gen.reader.close()
                self._gen = None
            if self._ix is not None:
                self._ix.close()
                self._ix = None

    def prepare(self, job: Job | None = None) -> str | None:
        """Bring the index up to date if it is not — none yet while posts
        exist, built by another version, or left half-written by a killed
        import — as the window does before its first search, with progress
        and cancel. Returns "rebuilt", "repaired" or None (nothing to do)."""
        coll = self.coll
        done = None
        try:
            if ix_mod.open_index(coll) is None:
                if coll.db.execute("SELECT 1 FROM posts WHERE collected = 1 LIMIT 1").fetchone():
                    ix_mod.reindex(coll, job)
                    done = "rebuilt"
            elif ix_mod.is_dirty(coll):
                ix_mod.IndexSink(coll).commit(job)
                done = "repaired"
        except ix_mod.LockError:
            # Another program is writing the index right now and will leave
            # it whole; search what there is.
            done = None
        if done:
            self.refresh()
        return done

    def refresh(self) -> None:
        """Pick up a newer index generation (after an import or reindex) and
        curation changes; cheap when nothing changed."""
        with self._lock:
            name = ix_mod.index_name(self.coll)
            if self._ix is None or getattr(self._ix, "indexname", None) != name:
                if self._ix is not None:
                    self._ix.close()
                self._ix = ix_mod.open_index(self.coll)
                self._segments.clear()
            key = (name, self._ix.latest_generation()) if self._ix is not None else None
            if key != self._key or self._gen is None:
                old = self._gen
                reader = self._ix.reader() if self._ix is not None else None
                self._gen = _Generation(reader, self._segments, self._names) if reader \
                    else _empty_generation()
                if old is not None and old.reader is not None:
                    old.reader.close()
                live = {seg.segment().segment_id() for seg, _ in reader.leaf_readers()} if reader else set()
                for segid in list(self._segments):
                    if segid not in live:
                        del self._segments[segid]
                self._key = key
                self._terms.clear()
            self._curation.key = None

    # -- the search -------------------------------------------------------------
    def search(self, query: str, sort: str = "time", since_ts: int | None = None,
               until_ts: int | None = None) -> ResultSet:
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        q = parse(query)
        with self._lock:
            gen = self._gen
            self._curation.refresh(self.coll.db, gen)
            base = self._eval(q.root, gen)
            mask = base
            if since_ts is not None or until_ts is not None:
                lo, hi = gen.time_range(since_ts, until_ts)
                mask = base & _range_mask(gen.n, lo, hi)
            order = self._relevance(q, gen, mask) if sort == "relevance" else None
            return ResultSet(self, gen, q, sort, base, mask, order)

    def _eval(self, node: Any, g: _Generation) -> int:
        if isinstance(node, All):
            return g.all
        if isinstance(node, Empty):
            return 0
        if isinstance(node, And):
            # Cheap filters first is no faster here (each child is a whole
            # mask), but an empty intersection can stop early.
            m = g.all
            for child in node.children:
                m &= self._eval(child, g)
                if not m:
                    return 0
            return m
        if isinstance(node, Or):
            m = 0
            for child in node.children:
                m |= self._eval(child, g)
            return m
        if isinstance(node, Not):
            return g.all ^ self._eval(node.child, g)
        if isinstance(node, Term):
            return self._term(g, node.field, node.text)
        if isinstance(node, Phrase):
            return self._docs_query(g, wq.Phrase("phrases", list(node.terms), slop=node.slop))
        if isinstance(node, (Pattern, Fuzzy)):
            m = 0
            fieldname = node.field if isinstance(node, Pattern) else "text"
            for t in _expand(g.reader, node) if g.reader is not None else ():
                m |= self._term(g, fieldname, t)
            return m
        if isinstance(node, Flags):
            return _column_mask(g.flags, _translate_table(lambda v: v & node.bits))
        if isinstance(node, Kind):
            return g.kind_masks[KIND_CODES[node.kind]]
        if isinstance(node, Lang):
            code = self._names["lang"].codes.get(node.code)
            if code is None:
                return 0
            return g.lang_masks.get(code) or _column_mask(g.lang, _equal_table(code))
        if isinstance(node, TimeRange):
            lo, hi = g.time_range(node.start, node.end)
            return _range_mask(g.n, lo, hi)
        if isinstance(node, CuratorTag):
            m = 0
            for tid in self._curation.tag_ids(node.name):
                m |= _mask_from_ranks(g.n, self._curation.tag_ranks.get(tid, ()))
            return m
        if isinstance(node, HasTag):
            m = 0
            for ranks in self._curation.tag_ranks.values():
                m |= _mask_from_ranks(g.n, ranks)
            return m
        if isinstance(node, HasNote):
            return _mask_from_ranks(g.n, self._curation.note_ranks)
        raise TypeError(f"cannot evaluate {node!r}")  # pragma: no cover

    def _term(self, g: _Generation, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        m = self._terms.get(key)
        if m is None:
            m = _mask_of_term(g, fieldname, text) if g.reader is not None else 0
            if len(self._terms) >= TERM_CACHE:
                self._terms.pop(next(iter(self._terms)))
            self._terms[key] = m
        return m

    def _docs_query(self, g: _Generation, q: Any) -> int:
        if g.reader is None:
            return 0
        from whoosh.searching import Searcher as WhooshSearcher

        s = WhooshSearcher(g.reader, closereader=False)
        return _mask_from_ranks(g.n, map(g.docrank.__getitem__, s.docs_for_query(q)))

    def _relevance(self, q: Query, g: _Generation, mask: int) -> list[int] | None:
        """Ranks in relevance order: the RELEVANCE_TOP best by BM25F over the
        query's words, then the rest newest first."""
        sel = mask.to_bytes(g.n, "little") if g.n else b""
        leaves = _positive_text(q.root)
        top: list[int] = []
        if leaves and g.reader is not None:
            from whoosh.searching import Searcher as WhooshSearcher

            s = WhooshSearcher(g.reader, closereader=False)
            wanted = wq.Or(leaves) if len(leaves) > 1 else leaves[0]
            allowed = {d for d in range(g.total_docs) if (r := g.docrank[d]) >= 0 and sel[r]} \
                if mask != g.all else None
            results = s.search(wanted, limit=RELEVANCE_TOP, filter=allowed)
            top = [g.docrank[hit.docnum] for hit in results]
            top = [r for r in top if r >= 0 and sel[r]]
        seen = set(top)
        rest = [r for r in reversed(list(compress(range(g.n), sel))) if r not in seen]
        return top + rest


def _positive_text(node: Any) -> list[Any]:
    """Whoosh queries for the text words a query asks for (not negated)."""
    if isinstance(node, Term) and node.field == "text":
        return [wq.Term("text", node.text)]
    if isinstance(node, Phrase):
        return [wq.Phrase("phrases", list(node.terms), slop=node.slop)]
    if isinstance(node, (And, Or)):
        out = []
        for c in node.children:
            out.extend(_positive_text(c))
        return out
    return []


def _mask_of_term(g: _Generation, fieldname: str, text: str) -> int:
    buf = bytearray(g.n + 1)
    setitem = buf.__setitem__
    btext = text.encode("utf-8")
    rank = g.docrank
    for seg, offset in g.reader.leaf_readers():
        try:
            m = seg.postings(fieldname, btext)
        except TermNotFound:
            continue
        m = getattr(m, "child", m)  # the deletion filter: deleted docs have rank -1 anyway
        blocks = _blocks(m)
        if blocks is None:
            deque(map(setitem, map(rank.__getitem__, (offset + d for d in m.all_ids())), repeat(1)), 0)
            continue
        shift = g.shift.get(offset)
        for ids in blocks:
            # Block ids are deltas, the first one absolute within the segment.
            if shift is not None:
                deque(map(setitem, accumulate(ids[1:], initial=ids[0] + offset + shift), repeat(1)), 0)
            else:
                first = ids[0] + offset
                deque(map(setitem, map(rank.__getitem__, accumulate(ids[1:], initial=first)), repeat(1)), 0)
    del buf[g.n:]
    return int.from_bytes(buf, "little")


def _column_mask(column: bytes, table: bytes) -> int:
    return int.from_bytes(column.translate(table), "little")


def _empty_generation() -> _Generation:
    """The generation of a collection with no index yet: nothing matches."""
    g = _Generation.__new__(_Generation)
    g.reader = None
    g.total_docs = g.n = 0
    g.docrank = array("i")
    g.pids = []
    g.ts = array("q")
    g.kind = g.flags = g.lang = b""
    g.author = []
    g.tags = []
    g.all = 0
    g.shift = {}
    g.first_dated = 0
    g._by_pid = None
    g.kind_masks = {c: 0 for c in KIND_CODES.values()}
    g.lang_masks = {}
    g.rare_langs = 0
    return g
