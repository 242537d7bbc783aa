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

from viewer.search.highlight import highlight_spans, make_snippet
from viewer.search.histogram import Histogram
from viewer.search.query import QueryError
from viewer.search.results import FACETS, SORTS, Hit, ResultSet
from viewer.search.searcher import Searcher

__all__ = ["Searcher", "ResultSet", "Hit", "Histogram", "QueryError", "SORTS", "FACETS",
           "highlight_spans", "make_snippet"]
