"""The searcher of one collection: opens the index generation, evaluates
a parsed query and hands back a ResultSet."""
import threading
from itertools import compress

from whoosh import query as wq
from whoosh.index import Index

from viewer import index as ix_mod
from viewer.collection import Collection
from viewer.index import KIND_CODES
from viewer.jobs import Job
from viewer.search.columns import (
    Curation,
    Generation,
    Names,
    empty_generation,
    open_generation,
)
from viewer.search.clusters import ClusterMasks
from viewer.search.evaluation import expand, mask_of_term, positive_text, source_post_ids
from viewer.search.masks import (
    column_mask,
    mask_from_ranks,
    range_mask,
    translate_table,
)
from viewer.search.query import (
    All,
    And,
    CuratorTag,
    Empty,
    Flags,
    Fuzzy,
    HasNote,
    HasTag,
    Source,
    Kind,
    Lang,
    Node,
    Not,
    Or,
    Pattern,
    Phrase,
    Query,
    QueryError,
    Similar,
    Copies,
    Term,
    TimeRange,
    parse,
)
from viewer.search.results import SORTS, ResultSet

# Relevance: the best-scoring posts (Whoosh's BM25F) come first, then the
# rest of the result set newest first; scoring every one of 300,000 hits in
# pure Python would take seconds.
RELEVANCE_TOP = 1000
# Term masks kept (the window searches as the user types): as many as fit
# in TERM_CACHE_BYTES, a mask holding a byte per post, within these bounds.
# A count alone held 64 masks of 10 MB each at ten million posts.
TERM_CACHE = 64
TERM_CACHE_MIN = 8
TERM_CACHE_BYTES = 160_000_000

class Searcher:
    """Searches one collection. Opening maps the index generation's column
    file (viewer.index.colfile): nothing is read until a query needs it;
    `search()` is then cheap enough to run per keystroke.
    Not shared between threads: open one per thread (SQLite connections and
    Whoosh readers are not)."""

    def __init__(self, coll: Collection):
        self.coll = coll
        self._sources: dict[tuple[object, str], int] = {}
        self.db = coll.db
        self._lock = threading.RLock()
        self._names: dict[str, Names] = {}
        self._curation = Curation()
        self._clusters = ClusterMasks()
        self._ix: Index | None = None
        self._gen: Generation | None = None
        self._key: tuple[str | None, int] | None = None
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
            key = (name, self._ix.latest_generation()) if self._ix is not None else None
            if key != self._key or self._gen is None:
                old = self._gen
                reader = self._ix.reader() if self._ix is not None else None
                if reader is not None and reader.doc_count_all() == 0:
                    # An index with no segment yet (an import that added
                    # nothing): Whoosh's empty reader has no segment to read.
                    reader.close()
                    reader = None
                # The generation's column file, mapped (opening reads
                # nothing); built in memory only without one.
                self._gen = open_generation(reader, self.coll.index_dir, name or "") if reader \
                    else empty_generation()
                self._names = self._gen.names
                if old is not None and old.reader is not None:
                    old.reader.close()
                self._key = key
                self._terms.clear()
            self._curation.key = None

    # -- the search -------------------------------------------------------------
    def search(self, query: str, sort: str = "time", since_ts: int | None = None,
               until_ts: int | None = None) -> ResultSet:
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        try:
            return self._search(query, sort, since_ts, until_ts)
        except RecursionError:
            # The parser refuses deep nesting (query.MAX_DEPTH); this is the
            # backstop for a tree deep some other way, which must still end
            # in a message and not a traceback.
            raise QueryError("The query is nested too deeply to search; simplify it.") from None

    def _search(self, query: str, sort: str, since_ts: int | None, until_ts: int | None) -> ResultSet:
        q = parse(query)
        with self._lock:
            gen = self._gen
            if gen is None:
                raise RuntimeError("this searcher is closed")
            self._curation.refresh(self.coll.db, gen)
            base = self._eval(q.root, gen)
            mask = base
            if since_ts is not None or until_ts is not None:
                lo, hi = gen.time_range(since_ts, until_ts)
                mask = base & range_mask(gen.n, lo, hi)
            order = self._relevance(q, gen, mask) if sort == "relevance" else None
            return ResultSet(self, gen, q, sort, base, mask, order)

    def _eval(self, node: Node, g: Generation) -> int:
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
            for t in expand(g.reader, node) if g.reader is not None else ():
                m |= self._term(g, fieldname, t)
            return m
        if isinstance(node, Flags):
            return column_mask(g.flags, translate_table(lambda v: v & node.bits))
        if isinstance(node, Kind):
            return g.kind_masks[KIND_CODES[node.kind]]
        if isinstance(node, Lang):
            code = self._names["lang"].codes.get(node.code)
            if code is None:
                return 0
            return g.lang_mask(code)
        if isinstance(node, TimeRange):
            lo, hi = g.time_range(node.start, node.end)
            return range_mask(g.n, lo, hi)
        if isinstance(node, CuratorTag):
            m = 0
            for tid in self._curation.tag_ids(node.name):
                m |= mask_from_ranks(g.n, self._curation.tag_ranks.get(tid, ()))
            return m
        if isinstance(node, HasTag):
            m = 0
            for ranks in self._curation.tag_ranks.values():
                m |= mask_from_ranks(g.n, ranks)
            return m
        if isinstance(node, HasNote):
            return mask_from_ranks(g.n, self._curation.note_ranks)
        if isinstance(node, Source):
            # Read at query time like curation: a file imported a moment ago
            # is a source now. Cached until the database changes.
            key = (self._curation.key, node.pattern)
            cached = self._sources.get(key)
            if cached is None:
                found = g.ranks_of(source_post_ids(self.coll.db, node.pattern))
                cached = mask_from_ranks(g.n, found[found >= 0].tolist())
                if len(self._sources) > 32:
                    self._sources.clear()
                self._sources[key] = cached
            return cached
        if isinstance(node, (Similar, Copies)):
            return self._clusters.mask(self.db, g, node)
        raise TypeError(f"cannot evaluate {node!r}")  # pragma: no cover

    def _term(self, g: Generation, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        m = self._terms.pop(key, None)
        if m is not None:
            self._terms[key] = m  # the most recently used goes last
        else:
            m = mask_of_term(g, fieldname, text) if g.reader is not None else 0
            keep = max(TERM_CACHE_MIN, min(TERM_CACHE, TERM_CACHE_BYTES // max(g.n, 1)))
            while len(self._terms) >= keep:
                self._terms.pop(next(iter(self._terms)))
            self._terms[key] = m
        return m

    def _docs_query(self, g: Generation, q: wq.Query) -> int:
        if g.reader is None:
            return 0
        from whoosh.searching import Searcher as WhooshSearcher

        s = WhooshSearcher(g.reader, closereader=False)
        return mask_from_ranks(g.n, map(g.docrank.__getitem__, s.docs_for_query(q)))

    def _relevance(self, q: Query, g: Generation, mask: int) -> list[int] | None:
        """Ranks in relevance order: the RELEVANCE_TOP best by BM25F over the
        query's words, then the rest newest first."""
        sel = mask.to_bytes(g.n, "little") if g.n else b""
        leaves = positive_text(q.root)
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
