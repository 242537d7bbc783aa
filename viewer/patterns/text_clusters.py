"""Near-copy text clusters: the same message posted by many accounts with a
word, an emoji or a link changed.

A post's text becomes a set of features: the pairs of neighbouring words
(after removing links, @handles and emoji, and folding case and Arabic
spelling with `viewer.textproc.fold`) plus its hashtags as a set, so their
order does not matter. Two posts are near-copies when the Jaccard
similarity of their feature sets is at least `THRESHOLD`. A cluster is
the copies of one text: a post joins a cluster when it is a near-copy of a
member and of the cluster's first post, so a text edited step by step, or
a post made of two templates, does not chain two clusters into one.

Candidates come from MinHash signatures cut into LSH bands, so a new post
is compared with the few posts that share a band, never with the whole
collection. The signatures are datasketch's `affine32` MinHash, computed
for a whole batch in one numpy pass (tests check them against datasketch's
own); the features are hashed word by word (each distinct word once) and
the word hashes combined into pair hashes with numpy, since one crc32 per
pair in Python was a third of the time. Candidates are then checked on
their exact feature sets, so the MinHash estimate's noise never decides a
link.

The band keys live in files beside the database (`<collection>/text_bands/`,
see `band_store`): sorted runs, mapped or read where needed, merged like a
log-structured merge tree, with each post's id and 64-byte sketch. An
import opens them without reading them, looks a whole batch up with binary
searches that touch a page or two per key, and adds the batch as a new run:
its memory grows with the batch, its work with the batch times log n,
whatever the size of the collection.

SQLite stays the truth. `text_band_chunks` keeps one row per batch, the ids
of the posts it clustered (8 bytes a post), written in the same transaction
as the batch's clusters (`text_clusters`). The files change in new files
and name them in their manifest only once that transaction has committed
(`TextClusterer.settle`); the manifest notes the last chunk it holds (its
number, a crc32 of its ids and how many chunks up to it). So:
- killed before the commit: SQLite has neither the chunk nor the clusters;
  the files' uncommitted runs are deleted at the next open;
- killed between the commit and the manifest: the files are behind; the
  next import adds the missing chunks, from the posts' texts (the keys are
  a function of the text), exactly as they would have been added;
- files deleted, damaged, or of another history (`reindex` cleared the
  chunks): the manifest does not match SQLite, and the files are rebuilt
  from every chunk, batch by batch as they were made, so the runs and
  the clusters found later are the same. `verify` compares the two
  (`check_files`).
Keeping the keys and sketches in SQLite as well (as the version before
did: 156 bytes a post, one row per batch) would make such a rebuild a
read instead of a re-featurising of the texts (about 15 s a million posts),
but cost 150 MB a million posts of a collection that is about 1 GB a
million: the files (about 245 bytes a usable post) are the only copy.
Rows of that version keep their keys, and are read into the files once.

Too short to tell: a text with fewer than `MIN_WORDS` words (hashtags,
links and handles not counted) is never clustered. "Free Mosul" or a line
of hashtags is written by thousands of people independently, and would glue
unrelated posts together.

Retweets are not copies (they are retweets: see viewer.patterns.network),
and only collected posts are clustered.
"""
from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from viewer.batching import in_chunks
from viewer.patterns.band_store import BandStore
from viewer.textproc import MARKS_CLASS, fold, normalize_tag

# Fewer words than this (hashtags, links, handles and emoji not counted)
# and a text is too short to call a copy: see the module's docstring.
MIN_WORDS = 6
# Jaccard similarity of feature sets from which two texts are near-copies.
# Tuned on the tuning set of bench/patterns_quality.py: one word changed in
# a ten-word text gives about 0.6, one emoji or hashtag order nothing.
THRESHOLD = 0.5
NUM_PERM = 64
SEED = 16
# Bands and rows per band: what datasketch's own optimiser
# (datasketch.lsh._optimal_param) picks for a threshold a little under
# THRESHOLD and 64 permutations, weighing a missed candidate (a missed
# copy) 0.7 and an extra one 0.3 (it only costs a sketch comparison); a
# test checks it. Fixed here so that clustering never imports datasketch
# and scipy under it (0.5 s of every import).
BANDS, ROWS = 21, 3
# Candidates whose estimated similarity is this far under THRESHOLD are
# not checked (the estimate's standard error with 64 values is about 0.06).
ESTIMATE_SLACK = 0.15
# A post joins a cluster only when it is also this similar to the
# cluster's first post: copies of one original, not a chain of texts each
# a little further from it (see the module's docstring).
REP_THRESHOLD = THRESHOLD
# Exact checks per post, best estimates first, and per existing cluster:
# a new member of a 1,000-post campaign needs one link, not 1,000 checks.
MAX_CHECKS = 20
TRIES_PER_CLUSTER = 3
# Posts of one band read as candidates (see BandIndex.lookup).
BUCKET_SAMPLE = 16
# Rows in a row not of the batch after which its scan stops (see _texts).
SCAN_GAP = 64
# Feature sets of earlier posts kept for the exact checks (re-reading and
# re-tokenising a campaign's first members for every new one would cost
# more than all the rest).
FEATURE_CACHE = 50_000

_URL_RE = re.compile(r"(?i:https?://|www\.)\S+|[@＠]\w+")
# Harakat inside a tag (#الْمَوْصِل) are part of it: fold removes them.
_HASHTAG_RE = re.compile(f"[#＃]((?:\\w|[{MARKS_CLASS}])+)")
# Words: letters and digits of any script. Emoji, punctuation and '_' are
# not word characters, so an emoji added or removed changes nothing.
# Chinese, Japanese and Korean are written without spaces: each character
# counts as a word there, so their texts compare by character pairs.
# Words are cut from the text before folding (each distinct word is then
# folded once, see _WordHashes), so a word's harakat and tatweel must stay
# inside it: Python's \w does not match combining marks, and a run of
# tatweel alone is no word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD_RE = re.compile(f"[{_CJK}]|[^\\W_\u0640{_CJK}](?:[^\\W_{_CJK}]|[{MARKS_CLASS}])*")

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_TAG_DOMAIN = np.uint64(0x9E3779B97F4A7C15)  # keeps the hashtag feature apart from any word pair


def words_and_tags(text: str) -> tuple[list[str], str | None]:
    """The words of a text (not yet folded) and its folded hashtags as one
    sorted string (None without hashtags): what the features are made of."""
    t = html.unescape(text) if "&" in text else text
    if "http" in t or "www" in t or "@" in t or "＠" in t:  # cheaper than the regex's own scan
        t = _URL_RE.sub(" ", t)
    tags = None
    if "#" in t or "＃" in t:
        found = _HASHTAG_RE.findall(t)
        if found:
            tags = " ".join(sorted({normalize_tag(m) for m in found}))
            t = _HASHTAG_RE.sub(" ", t)
    return _WORD_RE.findall(t), tags


@dataclass(frozen=True)
class Features:
    """A text's word count and feature hashes (32-bit; a collision between
    two different word pairs of two texts is one in four billion)."""
    words: int
    items: frozenset[int]

    @property
    def usable(self) -> bool:
        return self.words >= MIN_WORDS


class _WordHashes(dict[str, int]):
    """crc32 of each distinct word's folded form, computed once: posts
    repeat their words, and folding them one by one is a third of the cost
    of folding each text whole."""

    def __missing__(self, word: str) -> int:
        h = zlib.crc32(fold(word).encode("utf-8", "surrogatepass"))
        if len(self) < 2_000_000:
            self[word] = h
        return h


_WORD_HASH = _WordHashes()


def _fmix64(x: np.ndarray) -> np.ndarray:
    # MurmurHash3's 64-bit finaliser: every input bit moves every output bit.
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(33))
        x = x * np.uint64(0xFF51AFD7ED558CCD)
        x = x ^ (x >> np.uint64(33))
        x = x * np.uint64(0xC4CEB9FE1A85EC53)
        return x ^ (x >> np.uint64(33))


@dataclass
class Batch:
    """Feature hashes of many texts, flat: text k's word-pair hashes are
    `pairs[starts[k]:starts[k + 1]]`, its hashtag feature `tags[k]` when
    `has_tag[k]`. Only usable texts are kept; `rows` says which."""
    rows: list[int]
    words: np.ndarray
    pairs: np.ndarray
    starts: np.ndarray
    tags: np.ndarray
    has_tag: np.ndarray

    def items(self, k: int) -> frozenset[int]:
        out = set(self.pairs[self.starts[k]:self.starts[k + 1]].tolist())
        if self.has_tag[k]:
            out.add(int(self.tags[k]))
        return frozenset(out)


def featurize(texts: list[str]) -> Batch:
    """The feature hashes of texts too short (`MIN_WORDS`) left out."""
    getitem = _WORD_HASH.__getitem__
    rows: list[int] = []
    lens: list[int] = []
    flat: list[int] = []
    tags: list[int] = []
    for k, text in enumerate(texts):
        words, tag = words_and_tags(text or "")
        if len(words) < MIN_WORDS:
            continue
        rows.append(k)
        lens.append(len(words))
        flat.extend(map(getitem, words))
        tags.append(-1 if tag is None else zlib.crc32(tag.encode("utf-8", "surrogatepass")))
    n = len(rows)
    w = np.array(flat, dtype=np.uint64)
    nwords = np.array(lens, dtype=np.int64)
    # A pair joins each word to the next one of the same text.
    ends = np.cumsum(nwords)
    keep = np.ones(max(len(w) - 1, 0), dtype=bool)
    keep[ends[:-1] - 1] = False
    pairs = (_fmix64((w[:-1] << np.uint64(32)) | w[1:])[keep] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    starts = np.zeros(n + 1, dtype=np.int64)
    starts[1:] = np.cumsum(nwords - 1)
    t = np.array(tags, dtype=np.int64)
    has_tag = t >= 0
    th = (_fmix64(t.astype(np.uint64) ^ _TAG_DOMAIN) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return Batch(rows, nwords, pairs, starts, th, has_tag)


def features(text: str) -> Features:
    """The features of one text (see the module's docstring)."""
    b = featurize([text])
    if not b.rows:
        return Features(len(words_and_tags(text or "")[0]), frozenset())
    return Features(int(b.words[0]), b.items(0))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


# -- MinHash, as datasketch computes it ----------------------------------------------

_A: np.ndarray | None = None
_B: np.ndarray | None = None
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for NUM_PERM and SEED (drawn the
    way its MinHash draws them; a test checks they are the same)."""
    global _A, _B
    if _A is None or _B is None:
        gen = np.random.RandomState(SEED)
        _A = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        _B = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return _A, _B


def _permuted(hv: np.ndarray) -> np.ndarray:
    """datasketch's affine32 step for each value: MurmurHash3's 32-bit
    finaliser, then a * h + b for every permutation (wrapping)."""
    a, b = permutations()
    s1, m1, s2, m2, s3 = _FMIX32
    with np.errstate(over="ignore"):
        hv = hv ^ (hv >> s1)
        hv = hv * m1
        hv = hv ^ (hv >> s2)
        hv = hv * m2
        hv = hv ^ (hv >> s3)
        return hv[:, None] * a + b


def signatures(batch: Batch) -> np.ndarray:
    """MinHash signatures (uint32, one row per usable text) equal to
    datasketch's MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
    fed the same feature hashes, for the whole batch at once."""
    n = len(batch.rows)
    out = np.empty((n, NUM_PERM), dtype=np.uint32)
    # A few thousand texts at a time, so the permuted values stay in cache.
    step = 2048
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        s0, s1 = batch.starts[lo], batch.starts[hi]
        phv = _permuted(batch.pairs[s0:s1])
        out[lo:hi] = np.minimum.reduceat(phv, batch.starts[lo:hi] - s0, axis=0)
    if batch.has_tag.any():
        rows = np.flatnonzero(batch.has_tag)
        out[rows] = np.minimum(out[rows], _permuted(batch.tags[rows]))
    return out


def sketch(sigs: np.ndarray) -> np.ndarray:
    """The low byte of each MinHash value (b-bit MinHash): 64 bytes a post
    that still estimate the similarity, so unlikely candidates are dropped
    before any exact check (which would read the older post's text)."""
    return (sigs & np.uint32(0xFF)).astype(np.uint8)


def estimate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaccard similarity estimated from two sketches (rows): equal bytes,
    less the 1 in 256 that agree by chance."""
    agree = (a == b).mean(axis=1)
    return (agree - 1 / 256) / (1 - 1 / 256)


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """The LSH band keys of each signature (one row each, uint32): a hash of
    the band's number and its ROWS values. A collision only adds a
    candidate, which the exact check then drops."""
    rows = sigs[:, :BANDS * ROWS].astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    mixed = np.broadcast_to(np.arange(1, BANDS + 1, dtype=np.uint64) << np.uint64(40), (len(sigs), BANDS))
    for r in range(ROWS):
        mixed = _fmix64(mixed ^ rows[:, :, r])
    return (mixed & np.uint64(0xFFFFFFFF)).astype(np.uint32)


# -- tables and band files ------------------------------------------------------------

BAND_FOLDER = "text_bands"
_EMPTY_TAG = {"chunk": 0, "chunks": 0, "crc": 0, "posts": 0}


def ensure_tables(db: Any) -> None:
    # Tables of the first version (one row per band and post; signatures):
    # their keys were computed otherwise, so a collection that has them is
    # re-clustered from its posts at its next import (TextClusterer's backfill).
    for old in ("text_bands", "text_sigs"):
        db.execute(f"DROP TABLE IF EXISTS {old}")
    cols = {r[1] for r in db.execute("PRAGMA table_info(text_band_chunks)")}
    if cols and "sketches" not in cols:
        db.execute("DROP TABLE text_band_chunks")
    # keys and sketches: empty since the band files hold them (a collection
    # of the version before keeps its rows as they are; they are read once
    # into the files).
    db.execute("CREATE TABLE IF NOT EXISTS text_band_chunks(chunk INTEGER PRIMARY KEY, "
               "posts BLOB NOT NULL, keys BLOB NOT NULL, sketches BLOB NOT NULL)")
    db.execute("CREATE TABLE IF NOT EXISTS text_clusters(post_id INTEGER PRIMARY KEY, cluster INTEGER NOT NULL)")
    db.execute("CREATE INDEX IF NOT EXISTS text_clusters_cluster ON text_clusters(cluster)")


def band_folder(conn: Any) -> Path:
    """The band files' folder: beside the collection's database."""
    conn = conn.conn if hasattr(conn, "conn") else conn
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file).parent / BAND_FOLDER
    raise ValueError("near-copy clusters need a collection on disk")


def clear(db: Any) -> None:
    """Forget every post's bands and clusters (files included)."""
    # The files first: waiting for another writer's files must not happen
    # while holding SQLite's write lock, which that writer needs to finish.
    # Empty files agree with any SQLite (they are extended from it).
    store = BandStore(band_folder(db), BANDS, NUM_PERM)
    store.reset(_EMPTY_TAG)
    store.unlock()
    db.execute("DELETE FROM text_band_chunks")
    db.execute("DELETE FROM text_clusters")


def _next_tag(tag: dict, chunk: int, posts: bytes) -> dict:
    return {"chunk": chunk, "chunks": tag["chunks"] + 1, "crc": zlib.crc32(posts),
            "posts": tag["posts"] + len(posts) // 8}


def _holds(conn: Any, tag: dict) -> bool:
    """Whether SQLite holds the chunks a tag says the band files hold: the
    same number up to its last one, and that one with the same posts."""
    if tag["chunks"] == 0:
        return True
    row = conn.execute("SELECT posts FROM text_band_chunks WHERE chunk = ?", [tag["chunk"]]).fetchone()
    if row is None or zlib.crc32(row[0]) != tag["crc"]:
        return False
    return conn.execute("SELECT count(*) FROM text_band_chunks WHERE chunk <= ?", [tag["chunk"]]).fetchone()[0] \
        == tag["chunks"]


def _bands_of(conn: Any, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ids, band keys and sketches of those of these posts still
    usable, computed again from their texts."""
    pids, texts = _texts(conn, sorted(int(i) for i in ids))
    batch = featurize(texts)
    if not batch.rows:
        return np.empty(0, dtype=np.int64), np.empty((0, BANDS), dtype=np.uint32), np.empty((0, NUM_PERM), np.uint8)
    sigs = signatures(batch)
    return np.array([pids[k] for k in batch.rows], dtype=np.int64), band_keys(sigs), sketch(sigs)


def check_files(db: Any) -> dict:
    """Whether the band files agree with SQLite, cheaply (no file is read
    whole): `state` is "ok", "behind" (SQLite holds batches the files do
    not yet: they are added at the next import) or "missing" (no usable
    files, or files of other data: rebuilt at the next import)."""
    conn = db.conn if hasattr(db, "conn") else db
    in_db = conn.execute("SELECT count(*), coalesce(sum(length(posts)), 0) / 8 FROM text_band_chunks").fetchone()
    folder = band_folder(conn)
    tag = BandStore.peek(folder, BANDS, NUM_PERM) if folder.exists() else None
    out = {"chunks": in_db[0], "posts": in_db[1],
           "file_chunks": tag["chunks"] if tag else 0, "file_posts": tag["posts"] if tag else 0}
    if in_db[0] == 0:
        state = "ok"  # nothing to hold (files of cleared chunks are reset at the next import)
    elif tag is None or not _holds(conn, tag):
        state = "missing"
    else:
        state = "ok" if tag["chunks"] == in_db[0] else "behind"
    return {"state": state, **out}


@dataclass
class _UnionFind:
    parent: dict[Any, Any] = field(default_factory=dict)

    def find(self, x: Any) -> Any:
        root = x
        while (p := self.parent.get(root, root)) != root:
            root = p
        while x != root:  # path compression
            nxt = self.parent.get(x, x)
            self.parent[x] = root
            x = nxt
        return root

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _marks(n: int) -> str:
    return ",".join("?" * n)


class TextClusterer:
    """Clusters batches of posts against each other and everything
    clustered before, looking candidates up in the band files
    (`band_store`; see the module's docstring for how they stay in step
    with SQLite). One per import (or rebuild); bands another connection
    stored meanwhile are picked up at the next batch.

    `backfill`: when the collection has no stored bands yet but holds
    other posts (made before clusters existed, or by the first version,
    whose bands were computed otherwise), those posts are clustered first,
    once, so the new ones can join them. `rebuild` turns it off: it adds
    every post itself.

    Call `settle` after each transaction that `add_posts` wrote in ends
    (committed or not): it commits or drops the band files' changes and
    lets another writer in. Without it the next clusterer does the same
    from what SQLite holds."""

    def __init__(self, backfill: bool = True) -> None:
        self.backfill = backfill
        self.store: BandStore | None = None
        self.tag: dict = _EMPTY_TAG  # what the band files hold, changes included
        self.cache: dict[int, frozenset[int]] = {}

    def _open(self, conn: Any) -> BandStore:
        if self.store is None:
            self.store = BandStore(band_folder(conn), BANDS, NUM_PERM)
        return self.store

    def settle(self, conn: Any) -> None:
        """Commit the band files' changes if their SQLite transaction
        committed, drop them if it did not (see the module's docstring)."""
        store = self.store
        if store is None or conn.in_transaction:
            return
        if store.dirty:
            if _holds(conn, self.tag):
                store.commit(self.tag)
            else:
                store.rollback()
                self.tag = store.tag or _EMPTY_TAG
        store.release()
        store.unlock()

    def _sync(self, conn: Any) -> None:
        """Bring the band files up to what SQLite holds."""
        store = self._open(conn)
        store.lock()
        self.settle(conn)
        store.lock()
        if store.dirty:  # this transaction's own earlier batches: they are the newest
            return
        tag = store.tag
        if tag is None or not _holds(conn, tag):
            store.reset(_EMPTY_TAG)
            tag = _EMPTY_TAG
        self.tag = tag
        # Chunks stored since (by a process that died before its files were
        # committed, say, or by an older version): add them as they would
        # have been.
        for chunk, posts, keys, sketches in conn.execute(
                "SELECT chunk, posts, keys, sketches FROM text_band_chunks WHERE chunk > ? ORDER BY chunk",
                [tag["chunk"]]):
            ids = np.frombuffer(posts, dtype="<i8")
            if len(keys) == 4 * BANDS * len(ids) and len(sketches) == NUM_PERM * len(ids):
                # A chunk of the version that kept the keys in SQLite.
                k = np.frombuffer(keys, dtype="<u4").reshape(len(ids), BANDS)
                sk = np.frombuffer(sketches, dtype=np.uint8).reshape(len(ids), NUM_PERM)
            else:
                ids, k, sk = _bands_of(conn, ids)
            store.add(ids, k, sk)
            self.tag = _next_tag(self.tag, chunk, posts)
            if not conn.in_transaction:
                store.commit(self.tag)
        store.release()

    def add_posts(self, db: Any, ids: Iterable[int]) -> int:
        """Cluster these posts; returns how many were usable. The caller
        commits, then calls `settle`."""
        conn = db.conn if hasattr(db, "conn") else db
        self._sync(conn)
        wanted = set(ids)
        try:
            if self.backfill and self.tag["chunks"] == 0:
                self.backfill = False
                earlier = [pid for (pid,) in conn.execute(
                    "SELECT id FROM posts WHERE collected = 1 AND kind != 'retweet' ORDER BY id")
                    if pid not in wanted]
                if earlier:
                    conn.execute("DELETE FROM text_clusters")
                    for chunk in in_chunks(earlier, 5000):
                        self._add(conn, chunk)
                    if self.tag["chunks"] == 0:  # none was long enough: mark them done all the same
                        self._store(conn, np.empty(0, dtype=np.int64))
            return self._add(conn, wanted)
        finally:
            assert self.store is not None
            self.store.release()
            self.store.unlock()

    def _store(self, conn: Any, batch_ids: np.ndarray) -> None:
        # The keys and sketches live in the band files; SQLite keeps which
        # posts each batch added (see the module's docstring).
        posts = batch_ids.astype("<i8").tobytes()
        cur = conn.execute("INSERT INTO text_band_chunks(posts, keys, sketches) VALUES (?, x'', x'')", [posts])
        self.tag = _next_tag(self.tag, cur.lastrowid, posts)

    def _add(self, conn: Any, ids: Iterable[int]) -> int:
        pids, texts = _texts(conn, sorted(set(ids)))
        batch = featurize(texts)
        if not batch.rows:
            return 0
        batch_ids = np.array([pids[k] for k in batch.rows], dtype=np.int64)
        sigs = signatures(batch)
        keys, sketches = band_keys(sigs), sketch(sigs)
        assert self.store is not None
        index = self.store
        self._store(conn, batch_ids)
        pos = index.add(batch_ids, keys, sketches)
        q, c = index.lookup(keys.ravel(), BUCKET_SAMPLE)
        row = q // BANDS
        # Each pair once: a post looks back at the posts before it (earlier
        # batches, or earlier in this one); the later one of a pair sees it.
        back = c < pos[row]
        row, c = row[back], c[back]
        if not len(row):
            return len(batch.rows)
        # Candidates of each post: the likely ones by their sketches, best
        # first, at most MAX_CHECKS.
        pair = np.sort((row.astype(np.int64) << np.int64(32)) | c.astype(np.int64))
        # (np.unique hashes first: several times slower on millions of pairs)
        pair = pair[np.concatenate(([True], pair[1:] != pair[:-1]))]
        prow, pcand = pair >> np.int64(32), pair & np.int64(0xFFFFFFFF)
        # Each candidate's sketch read once; the estimates a slice at a time
        # (a campaign's batch has millions of pairs).
        cands_u, at = np.unique(pcand, return_inverse=True)
        theirs = index.sketches_at(cands_u)
        est = np.concatenate([estimate(sketches[prow[s:s + 65536]], theirs[at[s:s + 65536]])
                              for s in range(0, len(pair), 65536)])
        likely = est >= THRESHOLD - ESTIMATE_SLACK
        prow, pcand, est = prow[likely], pcand[likely], est[likely]
        order = np.lexsort((pcand, -est, prow))
        prow, pcand = prow[order], pcand[order]
        first = np.ones(len(prow), dtype=bool)
        first[1:] = prow[1:] != prow[:-1]
        starts = np.flatnonzero(first)
        rank = np.arange(len(prow)) - np.repeat(starts, np.diff(np.append(starts, len(prow))))
        keep = rank < MAX_CHECKS
        prow, pcand = prow[keep], index.ids_at(pcand[keep])
        cands: dict[int, list[int]] = {}
        for r, cid in zip(batch_ids[prow].tolist(), pcand.tolist(), strict=True):
            if r != cid:  # a post re-added keeps its older entries: not a copy of itself
                cands.setdefault(r, []).append(cid)
        if cands:
            self._link(conn, batch, {int(p): k for k, p in enumerate(batch_ids.tolist())}, cands)
        return len(batch.rows)

    def _prefetch(self, conn: Any, batch: Batch, local: dict[int, int], pids: set[int]) -> None:
        """Feature sets of these posts into the cache: from the batch, or
        read and featurized together."""
        if len(self.cache) + len(pids) > FEATURE_CACHE:  # only the recent past is kept
            self.cache.clear()
        read: list[int] = []
        for pid in pids:
            if pid in self.cache:
                continue
            k = local.get(pid)
            if k is not None:
                self.cache[pid] = batch.items(k)
            else:
                read.append(pid)
        ids: list[int] = []
        texts: list[str] = []
        for chunk in in_chunks(sorted(read), 900):
            for pid, text in conn.execute(f"SELECT id, text FROM posts WHERE id IN ({_marks(len(chunk))})", chunk):
                ids.append(pid)
                texts.append(text)
        old = featurize(texts)
        for k, r in enumerate(old.rows):
            self.cache[ids[r]] = old.items(k)

    def _link(self, conn: Any, batch: Batch, local: dict[int, int], cands: dict[int, list[int]]) -> None:
        involved = set(cands) | {c for cs in cands.values() for c in cs}
        label: dict[int, int] = {}
        for chunk in in_chunks(sorted(involved), 900):
            label.update(conn.execute(f"SELECT post_id, cluster FROM text_clusters WHERE post_id IN "
                                      f"({_marks(len(chunk))})", chunk))
        self._prefetch(conn, batch, local, involved | set(label.values()))
        items = self.cache

        def node(pid: int) -> tuple[str, int]:
            lab = label.get(pid)
            return ("c", lab) if lab is not None else ("p", pid)

        empty: frozenset[int] = frozenset()
        uf = _UnionFind()
        # Each group's representative: its earliest post (a cluster's label
        # was its earliest post when it formed).
        first: dict[Any, int] = {}
        for p in sorted(cands):
            tries: dict[Any, int] = {}
            mine = uf.find(node(p))
            a = items.get(p, empty)
            for c in cands[p]:
                theirs = uf.find(node(c))
                if mine == theirs or tries.get(theirs, 0) >= TRIES_PER_CLUSTER:
                    continue
                tries[theirs] = tries.get(theirs, 0) + 1
                if jaccard(a, items.get(c, empty)) < THRESHOLD:
                    continue
                r = first.get(theirs, theirs[1])
                if r != c and r in items and jaccard(a, items[r]) < REP_THRESHOLD:
                    continue
                r = min(r, first.get(mine, mine[1]))
                uf.union(mine, theirs)
                mine = uf.find(mine)
                first[mine] = r
        _write(conn, uf, involved, node)


def _texts(conn: Any, ids: list[int]) -> tuple[list[int], list[str]]:
    """The texts of those of these posts (sorted ids) that are collected and
    not retweets, in id order. A batch's own posts usually lie together (an
    archive is in time order, and ids follow time), so they are read by
    scanning down from the newest, five times cheaper than looking each up.
    The scan stops once SCAN_GAP rows in a row were not asked for (other
    batches' posts), or once it has passed over more rows than it kept (a
    second harvest of the same weeks: its ids fall between the first one's,
    and scanning would read every post of those weeks); the rest (older
    originals the batch's retweets and quotes brought in, say) are looked up."""
    pids: list[int] = []
    texts: list[str] = []
    if not ids:
        return pids, texts
    want = set(ids)
    misses, last = 0, ids[-1] + 1
    passed = kept = 0
    for pid, collected, kind, text in conn.execute(
            "SELECT id, collected, kind, text FROM posts WHERE id BETWEEN ? AND ? ORDER BY id DESC",
            [ids[0], ids[-1]]):
        if pid not in want:
            misses += 1
            passed += 1
            if misses >= SCAN_GAP or passed > kept + SCAN_GAP:
                break
            continue
        misses, last = 0, pid
        kept += 1
        if collected == 1 and kind != "retweet":
            pids.append(pid)
            texts.append(text)
    pids.reverse()
    texts.reverse()
    rest = [i for i in ids if i < last]
    if rest:
        before_ids: list[int] = []
        before: list[str] = []
        for chunk in in_chunks(rest, 900):
            # `+collected`: with hundreds of ids SQLite would rather walk the
            # (collected, created_ts) index, every post of the collection.
            for pid, text in conn.execute(f"SELECT id, text FROM posts WHERE +collected = 1 AND kind != 'retweet' "
                                          f"AND id IN ({_marks(len(chunk))}) ORDER BY id", chunk):
                before_ids.append(pid)
                before.append(text)
        pids, texts = before_ids + pids, before + texts
    return pids, texts


def add_posts(db: Any, ids: Iterable[int]) -> int:
    """Cluster these posts against everything clustered before (for many
    batches, keep one TextClusterer). The caller commits."""
    return TextClusterer().add_posts(db, ids)


def _write(conn: Any, uf: _UnionFind, involved: set[int], node: Any) -> None:
    comps: dict[Any, tuple[set[int], set[int]]] = {}  # root → (old cluster labels, unlabelled posts)
    for pid in involved:
        n = node(pid)
        root = uf.find(n)
        labels, posts = comps.setdefault(root, (set(), set()))
        if n[0] == "c":
            labels.add(n[1])
        else:
            posts.add(pid)
    for labels, posts in comps.values():
        if len(labels) + len(posts) < 2:
            continue  # linked to nothing new
        if labels:
            # Keep the label of the largest cluster, so a campaign of
            # thousands is never relabelled for one new member.
            sizes = {lab: conn.execute("SELECT count(*) FROM text_clusters WHERE cluster = ?", [lab]).fetchone()[0]
                     for lab in labels}
            final = min(labels, key=lambda lab: (-sizes[lab], lab))
            for lab in labels - {final}:
                conn.execute("UPDATE text_clusters SET cluster = ? WHERE cluster = ?", [final, lab])
        else:
            final = min(posts)
        conn.executemany("INSERT OR REPLACE INTO text_clusters(post_id, cluster) VALUES (?, ?)",
                         ((p, final) for p in posts))
