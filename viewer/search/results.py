"""What one search returns: the ids in order, a page of hits, facets and
the histogram over the whole result set."""
import heapq
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from viewer.index import KIND_CODES
from viewer.search.columns import Generation, Names
from viewer.search.evaluation import expand
from viewer.search.highlight import highlight_spans, make_snippet
from viewer.search.histogram import (
    MAX_BUCKETS,
    UNIT_SECONDS,
    UNITS,
    Histogram,
    choose_unit,
    edges,
    zone,
    zone_name,
)
from viewer.search.query import Fuzzy, Pattern, Query

if TYPE_CHECKING:
    from viewer.search.searcher import Searcher


SORTS = ("time", "-time", "relevance")
FACETS = ("hashtags", "authors", "langs", "kinds", "tags")
FACET_SIZE = 50  # values per facet, most frequent first

# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------


class TimeOrderedIds(Sequence):
    """The matching post ids in time order, from the mask: the first pages
    are found by scanning for set bytes (what a window or `search --limit`
    shows at once), the whole list is built on first wider use."""

    _PREFIX = 1000

    def __init__(self, gen: Generation, sel: bytes, total: int, newest_first: bool):
        self._gen = gen
        self._pids = gen.pids
        self._sel = sel
        self._total = total
        self._newest = newest_first
        # An array, not a list: a list of ten million ids is 360 MB of int
        # objects, and the window holds a few result sets at once.
        self._all: np.ndarray | None = None
        self._first: list[int] | None = None

    def __len__(self) -> int:
        return self._total

    def _full(self) -> np.ndarray:
        if self._all is None:
            self._all = self._gen.ids_of(self._sel, self._newest)
        return self._all

    def _head(self, k: int) -> list[int]:
        """The first k ids, scanning the selection a chunk at a time from
        the wanted end (a rare word's newest hits may sit far back)."""
        sel = np.frombuffer(self._sel, dtype=np.uint8)
        pid = self._gen.cols["pid"]
        found: list[np.ndarray] = []
        got, n, step = 0, sel.size, 65536
        pos = n if self._newest else 0
        while got < k and (pos > 0 if self._newest else pos < n):
            lo, hi = (max(0, pos - step), pos) if self._newest else (pos, min(n, pos + step))
            ranks = np.flatnonzero(sel[lo:hi]) + lo
            if self._newest:
                ranks = ranks[::-1]
            found.append(ranks[:k - got])
            got += min(ranks.size, k - got)
            pos = lo if self._newest else hi
            step *= 4
        return pid[np.concatenate(found)].tolist() if found else []

    def __getitem__(self, i: Any) -> Any:
        if self._all is None:
            if isinstance(i, slice):
                start, stop, step = i.indices(self._total)
                if stop <= self._PREFIX:
                    return self._prefix()[start:stop:step]
            elif 0 <= i < min(self._PREFIX, self._total):
                return self._prefix()[i]
        found = self._full()[i]
        return found.tolist() if isinstance(i, slice) else int(found)

    def _prefix(self) -> list[int]:
        if self._first is None:
            self._first = self._head(self._PREFIX)
        return self._first

    def __iter__(self) -> Any:
        return iter(self._full().tolist())

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        # Sequence.index would fetch the ids one by one in Python.
        try:
            want = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not in the results") from None
        found = np.flatnonzero(self._full()[start:stop] == want)
        if not found.size:
            raise ValueError(f"{value!r} is not in the results")
        return int(found[0]) + (start if start >= 0 else max(0, self._total + start))

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

    def __init__(self, searcher: "Searcher", gen: Generation, q: Query, sort: str, base: int, mask: int,
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
            self.ids: Sequence[int] = gen.ids_at(order)
        else:
            self.ids = TimeOrderedIds(gen, self._bytes, self.total, newest_first=sort == "-time")
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
        # Counted over the generation's columns (numpy, one pass each).
        ranks = g.picked(sel, self.total)
        out["hashtags"] = top(g.hashtag_counts(ranks), names["tag"])
        authors = g.counts("author", ranks)
        authors.pop(0, None)
        out["authors"] = top(authors, names["author"])
        langs = g.counts("lang", ranks)
        langs.pop(0, None)
        out["langs"] = top(langs, names["lang"])
        kind_counts = g.counts("kind", ranks)
        kinds = ((name, kind_counts.get(code, 0)) for name, code in KIND_CODES.items())
        out["kinds"] = sorted(((k, c) for k, c in kinds if c), key=lambda x: (-x[1], x[0]))
        cur = self._searcher._curation
        counts = []
        picked = np.frombuffer(sel, dtype=np.uint8)
        for tid, tagged in cur.tag_ranks.items():
            c = int(picked[np.frombuffer(tagged, dtype=np.int32)].sum()) if len(tagged) else 0
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
        for edge, nxt in pairwise(bounds):
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
        if reader is None:  # no index segment yet: no words to expand into
            return terms
        for p in self._q.patterns:
            if isinstance(p, Pattern) and p.field == "text":
                terms.update(expand(reader, p))
            elif isinstance(p, Fuzzy):
                terms.update(expand(reader, p))
        return terms

    def highlight(self, text: str) -> list[tuple[int, int]]:
        """Character spans of `text` that match the query's words, by the
        same analysis as the index (والموصل is marked for الموصل), and its
        #hashtags and @mentions; never what sits under a negation."""
        return highlight_spans(text, self._highlight_terms, self._q.hashtags, self._q.mentions,
                               self._q.phrases)

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


def top(counts: Any, names: Names) -> list[tuple[str, int]]:
    """The FACET_SIZE most frequent values, most frequent first (ties by
    name); nlargest, since a result set can hold tens of thousands."""
    best = heapq.nlargest(FACET_SIZE, ((n, c) for c, n in counts.items() if n and c))
    return sorted(((names.shown(c), n) for n, c in best), key=lambda x: (-x[1], x[0]))
