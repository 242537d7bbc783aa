"""The Whoosh full-text index: one document per collected post (DESIGN §2, §4).

SQLite is the source of truth and the index is derived from it: an import
tells the index which posts changed (`index_sink`), `reindex` rebuilds it
from scratch and `verify` reports where the two disagree.

A document holds what Whoosh answers (the analysed words, hashtags, mentions,
author and reply-to handles) and, as per-document columns, what the searcher
keeps in memory for sorting, filters, facets and the histogram (post id,
time, kind, media flags, language, author, hashtags) and what `verify`
compares (the post's `rev` and its retweeted original's). A retweet's
document carries its original's full text, hashtags, mentions and media, so
it is found as the original is.

Each build of the index gets its own Whoosh index name, kept in the `meta`
table (`index_name`); `reindex` writes a new one beside the old and switches
the name when it is complete, so a search meanwhile reads the old one and a
kill never leaves a half-built index in use. `index_state` is "dirty" from
the moment a writer may change the index until its changes are committed:
a collection left dirty by a kill is checked and mended by the next import
(or `reindex`).

Documents are written by viewer.index.segment_writer (Whoosh's own segment format,
written in bulk: several times faster than Whoosh's writer), in worker
processes for large batches; each commit adds new segments and marks the
replaced documents deleted, and small segments are folded together by
rewriting their posts, so their number stays low.
"""
from whoosh.index import LockError

from viewer.index.columns import segment_columns
from viewer.index.documents import Doc, documents
from viewer.index.lock import writing
from viewer.index.schema import (
                                 FLAG_IMAGES,
                                 FLAG_LINKS,
                                 FLAG_MEDIA,
                                 FLAG_VIDEOS,
                                 KIND_CODES,
                                 KIND_NAMES,
                                 NO_TIME,
                                 TAG_SEP,
                                 index_format,
                                 index_name,
                                 is_dirty,
                                 open_index,
                                 schema,
)
from viewer.index.verify import VerifyReport, verify
from viewer.index.build import (
                                 IndexSink,
                                 index_sink,
                                 reindex,
                                 update_posts,
                                 write_part,
)

__all__ = [
    "IndexSink", "VerifyReport", "index_sink", "reindex", "verify", "update_posts", "write_part",
    "open_index", "is_dirty", "index_name", "index_format", "schema", "segment_columns", "documents", "Doc",
    "writing", "LockError", "KIND_CODES", "KIND_NAMES",
    "FLAG_MEDIA", "FLAG_IMAGES", "FLAG_VIDEOS", "FLAG_LINKS", "NO_TIME", "TAG_SEP",
]
