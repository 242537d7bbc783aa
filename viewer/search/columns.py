"""The per-post columns of one index generation, read once and kept in
memory, ordered by time; and the curation tables a search reads live."""
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from viewer import index as ix_mod
from viewer.index import KIND_CODES, NO_TIME, TAG_SEP
from viewer.index.columns import deleted_docs
from viewer.search.masks import column_mask, equal_table, ones

# A language with at least 1/LANG_MASK_SHARE of the posts gets a mask of its
# own (a byte per post) for quick facet counts.
LANG_MASK_SHARE = 200

# ---------------------------------------------------------------------------
# the columns of one index generation
# ---------------------------------------------------------------------------


class Names:
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
class SegmentData:
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


def time_ordered(docs: list[int], ts: array, pid: array) -> list[int]:
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


def load_segment(seg: Any, names: dict[str, Names]) -> SegmentData:
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
    return SegmentData(n, cols["pid"], cols["ts"], bytes(cols["kind"]), bytes(cols["flags"]), lang,
                        author, tag_lists)


@dataclass
class _Columns:
    """Every segment's columns end to end, by document number."""

    pid: array = field(default_factory=lambda: array("q"))
    ts: array = field(default_factory=lambda: array("q"))
    kind: bytearray = field(default_factory=bytearray)
    flags: bytearray = field(default_factory=bytearray)
    lang: bytearray = field(default_factory=bytearray)
    author: array = field(default_factory=lambda: array("I"))
    tags: list[Any] = field(default_factory=list)
    live: bytearray = field(default_factory=bytearray)


def _concatenated(segs: list[tuple[int, SegmentData, frozenset[int]]], total: int) -> _Columns:
    out = _Columns(live=bytearray(b"\x01") * total)
    for offset, data, deleted in segs:
        out.pid.extend(data.pid)
        out.ts.extend(data.ts)
        out.kind += data.kind
        out.flags += data.flags
        out.lang += data.lang
        out.author.extend(data.author)
        out.tags.extend(data.tags)
        for d in deleted:
            out.live[offset + d] = 0
    return out


class Generation:
    """Every live document of one index generation, by rank (time order).

    Columns that facets and ids read through itertools.compress are Python
    lists whose items are shared objects (compress over a list only touches
    pointers; over an array it would box every value): a pass over a million
    posts then costs a few milliseconds."""

    def __init__(self, reader: Any, cache: dict[str, SegmentData], names: dict[str, Names]):
        self.reader = reader
        segs: list[tuple[int, SegmentData, frozenset[int]]] = []
        for seg, offset in reader.leaf_readers():
            n = seg.doc_count_all()
            segid = seg.segment().segment_id()
            data = cache.get(segid)
            if data is None or data.doccount != n:
                data = cache[segid] = load_segment(seg, names)
            segs.append((offset, data, deleted_docs(seg)))
        self.total_docs = total = reader.doc_count_all()
        every = _concatenated(segs, total)
        docs = time_ordered(list(compress(range(total), every.live)), every.ts, every.pid)
        n = self.n = len(docs)
        self.docrank = array("i", [-1]) * total
        deque(map(self.docrank.__setitem__, docs, range(n)), maxlen=0)
        self.pids = list(map(every.pid.__getitem__, docs))
        self.ts = array("q", map(every.ts.__getitem__, docs))
        self.kind = bytes(map(every.kind.__getitem__, docs))
        self.flags = bytes(map(every.flags.__getitem__, docs))
        self.lang = bytes(map(every.lang.__getitem__, docs))
        shared = list(range(len(names["author"].names)))
        self.author = list(map(shared.__getitem__, map(every.author.__getitem__, docs)))
        self.tags = list(map(every.tags.__getitem__, docs))
        self.all = ones(n)
        self.shift = self._shifts(segs)
        # First rank with a real date (undated posts sort first).
        self.first_dated = bisect_right(self.ts, NO_TIME)
        self._by_pid: tuple[array, array] | None = None
        self._facet_masks()

    def _shifts(self, segs: list[tuple[int, SegmentData, frozenset[int]]]) -> dict[int, int]:
        """Segments whose documents hold consecutive ranks, in order (what a
        rebuild writes, and an import of newer posts): their document
        numbers map to ranks by adding a number."""
        shift: dict[int, int] = {}
        for offset, data, deleted in segs:
            cnt = data.doccount
            if cnt and not deleted:
                first = self.docrank[offset]
                if self.docrank[offset:offset + cnt] == array("i", range(first, first + cnt)):
                    shift[offset] = first - offset
        return shift

    def _facet_masks(self) -> None:
        """Masks of each kind, and of each language with a fair share of the
        posts: their facet counts are then one AND and one bit count each."""
        self.kind_masks = {c: column_mask(self.kind, equal_table(c)) for c in KIND_CODES.values()}
        self.lang_masks: dict[int, int] = {}
        self.rare_langs = 0  # the posts in every other language
        for c in set(self.lang):
            m = column_mask(self.lang, equal_table(c))
            if self.lang.count(c) * LANG_MASK_SHARE >= self.n:
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


class Curation:
    """post_tags, tags and notes, as rank lists per tag; reloaded whenever
    the database changed (any commit, on any connection), so a tag applied
    a moment ago is searchable now, without touching the index."""

    def __init__(self) -> None:
        self.key: Any = None
        self.tag_ranks: dict[int, array] = {}  # tag id → ranks
        self.tag_names: dict[int, str] = {}
        self.note_ranks = array("i")

    def refresh(self, db: Any, gen: Generation) -> None:
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


def empty_generation() -> Generation:
    """The generation of a collection with no index yet: nothing matches."""
    g = Generation.__new__(Generation)
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
