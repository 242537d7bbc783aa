"""Near-copy text clusters: the same message posted by many accounts with a
word, an emoji or a link changed.

A post's text becomes a set of features: the pairs of neighbouring words
(after removing links, @handles and emoji, and folding case and Arabic
spelling with `viewer.textproc.fold`) plus its hashtags as a set, so their
order does not matter. Two posts are near-copies when the Jaccard
similarity of their feature sets is at least `THRESHOLD`; a cluster is what
near-copy links join (single linkage, so a text edited step by step by many
accounts stays one cluster).

Candidates come from MinHash signatures (datasketch) cut into bands; each
band's hash is a row of `text_bands` in SQLite, so a new post is compared
with the few posts that share a band, never with the whole collection, and
an import costs the same per post whether the collection holds a thousand
posts or a million. Candidates are then checked on their exact feature
sets, so the MinHash estimate's noise never decides a link.

Too short to tell: a text with fewer than `MIN_WORDS` words (hashtags,
links and handles not counted) is never clustered. "Free Mosul" or a line
of hashtags is written by thousands of people independently, and would glue
unrelated posts together.

Retweets are not copies (they are retweets: see viewer.patterns.amplifiers),
and only collected posts are clustered.
"""
from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Iterable

from functools import lru_cache

import numpy as np

from viewer.batching import in_chunks
from viewer.textproc import fold, normalize_tag

# Fewer words than this (hashtags, links, handles and emoji not counted)
# and a text is too short to call a copy: see the module's docstring.
MIN_WORDS = 6
# Jaccard similarity of feature sets from which two texts are near-copies.
# Tuned on the tuning set of bench/patterns_quality.py: one word changed in
# a ten-word text gives about 0.6, one emoji or hashtag order nothing.
THRESHOLD = 0.5
NUM_PERM = 64
# Bands and rows per band, chosen by datasketch's own optimiser for a
# threshold a little under THRESHOLD (the exact checks remove the extra
# candidates, but a missed candidate is a missed copy).
# (datasketch pulls in scipy: ~0.5 s at import, so it is imported when a
# signature is first computed, not by every command that imports this.)
@lru_cache(maxsize=1)
def bands_rows() -> tuple[int, int]:
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(THRESHOLD - 0.1, NUM_PERM, 0.5, 0.5)
    return int(bands), int(rows)


# Candidates whose MinHash estimate is this far under THRESHOLD are not
# checked (the estimate's standard error with 64 values is about 0.06).
ESTIMATE_SLACK = 0.15
# Exact checks per post, best estimates first, and per existing cluster: a
# new member of a 1,000-post campaign needs one link, not 1,000 comparisons.
MAX_CHECKS = 20
TRIES_PER_CLUSTER = 3
# Posts of one band read as candidates (see add_posts).
BUCKET_SAMPLE = 32
SEED = 16

_URL_RE = re.compile(r"(?i:https?://|www\.)\S+")
_HANDLE_RE = re.compile(r"[@＠]\w+")
_HASHTAG_RE = re.compile(r"[#＃](\w+)")
# Words: letters and digits of any script. Emoji, punctuation and '_' are
# not word characters, so an emoji added or removed changes nothing.
# Chinese, Japanese and Korean are written without spaces: each character
# counts as a word there, so their texts compare by character pairs.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD_RE = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")


@dataclass(frozen=True)
class Features:
    words: int
    items: frozenset[str]

    @property
    def usable(self) -> bool:
        return self.words >= MIN_WORDS


def features(text: str) -> Features:
    """The features compared between texts (see the module's docstring)."""
    t = html.unescape(text) if "&" in (text or "") else (text or "")
    t = _URL_RE.sub(" ", t)
    t = _HANDLE_RE.sub(" ", t)
    tags = sorted({normalize_tag(m) for m in _HASHTAG_RE.findall(t)})
    t = _HASHTAG_RE.sub(" ", t)
    words = _WORD_RE.findall(fold(t))
    items = {a + " " + b for a, b in zip(words, words[1:], strict=False)}
    if len(words) == 1:
        items.add(words[0])
    if tags:
        # The set of hashtags is one feature: order does not matter, and a
        # popular tag shared by unrelated posts weighs no more than a word.
        items.add("#" + " #".join(tags))
    return Features(len(words), frozenset(items))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


_PERMUTATIONS: tuple[np.ndarray, np.ndarray] | None = None


def signatures(feats: list[Features]) -> np.ndarray:
    """MinHash signatures (uint32, one row per feature set) exactly as
    datasketch's MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=crc32, scheme="affine32")
    computes them, but for a whole batch in one numpy pass: datasketch's
    per-set update costs 30–100 µs a post, this a few."""
    from datasketch import MinHash
    from datasketch.minhash import _fmix

    global _PERMUTATIONS
    if _PERMUTATIONS is None:
        a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations
        _PERMUTATIONS = (a, b)
    a, b = _PERMUTATIONS
    sizes = [len(f.items) for f in feats]
    hv = np.fromiter((zlib.crc32(x.encode("utf-8")) for f in feats for x in f.items), dtype=np.uint32,
                     count=sum(sizes))
    with np.errstate(over="ignore"):  # uint32 wraps around, as in datasketch's affine32 scheme
        phv = _fmix(hv, 32)[:, None] * a + b
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    return np.minimum.reduceat(phv, starts, axis=0)


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """The LSH band keys of each signature (one row each): band number in the
    high bits, a hash of the band's values in the low 32 (a collision only
    adds a candidate, which the checks then drop)."""
    BANDS, ROWS = bands_rows()  # noqa: N806 (the constants they were)
    rows = sigs[:, :BANDS * ROWS].astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    mixed = np.zeros((len(sigs), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            mixed = (mixed * np.uint64(0x100000001B3)) ^ rows[:, :, r]
        mixed ^= mixed >> np.uint64(29)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(32)
    low = np.bitwise_and(mixed, np.uint64(0xFFFFFFFF))
    return (np.arange(BANDS, dtype=np.uint64)[None, :] << np.uint64(32)) | low


def ensure_tables(db: Any) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS text_bands(key INTEGER NOT NULL, post_id INTEGER NOT NULL, "
               "PRIMARY KEY(key, post_id)) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS text_sigs(post_id INTEGER PRIMARY KEY, sig BLOB NOT NULL)")
    db.execute("CREATE TABLE IF NOT EXISTS text_clusters(post_id INTEGER PRIMARY KEY, cluster INTEGER NOT NULL)")
    db.execute("CREATE INDEX IF NOT EXISTS text_clusters_cluster ON text_clusters(cluster)")


def clear(db: Any) -> None:
    db.execute("DELETE FROM text_bands")
    db.execute("DELETE FROM text_sigs")
    db.execute("DELETE FROM text_clusters")


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


def add_posts(db: Any, ids: Iterable[int]) -> int:
    """Cluster the texts of these posts against each other and everything
    clustered before; returns how many were usable. The caller commits."""
    conn = db.conn if hasattr(db, "conn") else db
    feats: dict[int, Features] = {}
    for chunk in in_chunks(sorted(set(ids)), 900):
        q = f"SELECT id, text FROM posts WHERE collected = 1 AND kind != 'retweet' AND id IN ({_marks(len(chunk))})"
        for pid, text in conn.execute(q, chunk):
            f = features(text)
            if f.usable:
                feats[pid] = f
    if not feats:
        return 0
    batch = sorted(feats)
    sigs = signatures([feats[p] for p in batch])
    keys = band_keys(sigs)
    sig_of = {p: sigs[i] for i, p in enumerate(batch)}
    conn.executemany("INSERT OR REPLACE INTO text_sigs(post_id, sig) VALUES (?, ?)",
                     ((p, sigs[i].astype("<u4").tobytes()) for i, p in enumerate(batch)))
    # The batch's band rows go to a temporary table first: SQLite then
    # finds the posts sharing them and adds them to text_bands in two
    # statements, in C, instead of one Python call per key.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS batch_bands(key INTEGER NOT NULL, post_id INTEGER NOT NULL)")
    conn.execute("DELETE FROM batch_bands")
    conn.executemany("INSERT INTO batch_bands(key, post_id) VALUES (?, ?)",
                     zip(keys.ravel().tolist(), np.repeat(np.array(batch, dtype=np.int64), bands_rows()[0]).tolist(),
                         strict=True))
    conn.execute("INSERT OR IGNORE INTO text_bands(key, post_id) SELECT key, post_id FROM batch_bands ORDER BY key")
    key_posts: dict[int, list[int]] = {}
    # Only the bands some other post shares come back to Python.
    for k, p in conn.execute("SELECT key, post_id FROM text_bands WHERE key IN (SELECT b.key FROM batch_bands b "
                             "JOIN text_bands t ON t.key = b.key GROUP BY b.key HAVING count(*) > 1) "
                             "ORDER BY key, post_id"):
        key_posts.setdefault(k, []).append(p)
    for k, posts in key_posts.items():
        if len(posts) > BUCKET_SAMPLE:
            # A band shared by thousands of posts is a large cluster (or a
            # template): its oldest and newest members stand for it, so a
            # post costs the same however large the cluster has grown.
            half = BUCKET_SAMPLE // 2
            key_posts[k] = posts[:half] + posts[-half:]
    cands: dict[int, set[int]] = {}
    for p, ks in zip(batch, keys.tolist(), strict=True):
        near: set[int] = set()
        for k in ks:
            near.update(key_posts.get(k, ()))
        near.discard(p)
        if near:
            cands[p] = near
    if not cands:
        return len(batch)

    involved = set(cands) | {c for cs in cands.values() for c in cs}
    missing = sorted(involved - sig_of.keys())
    for chunk in in_chunks(missing, 900):
        for pid, blob in conn.execute(f"SELECT post_id, sig FROM text_sigs WHERE post_id IN ({_marks(len(chunk))})",
                                      chunk):
            sig_of[pid] = np.frombuffer(blob, dtype="<u4")
    row_of = {pid: i for i, pid in enumerate(sig_of)}
    matrix = np.stack(list(sig_of.values()))
    label: dict[int, int] = {}
    for chunk in in_chunks(sorted(involved), 900):
        label.update(conn.execute(f"SELECT post_id, cluster FROM text_clusters WHERE post_id IN "
                                  f"({_marks(len(chunk))})", chunk))

    def node(pid: int) -> tuple[str, int]:
        lab = label.get(pid)
        return ("c", lab) if lab is not None else ("p", pid)

    def feats_of(pid: int) -> Features:
        f = feats.get(pid)
        if f is None:
            row = conn.execute("SELECT text FROM posts WHERE id = ?", [pid]).fetchone()
            f = features(row[0] if row else "")
            feats[pid] = f
        return f

    uf = _UnionFind()
    checked: set[tuple[int, int]] = set()
    for p in sorted(cands):
        # The signatures estimate the similarity of every candidate at once;
        # only the likely ones are checked exactly, best first.
        cs: list[int] = [c for c in cands[p] if c in row_of]
        if not cs:
            continue
        est = (matrix[[row_of[c] for c in cs]] == matrix[row_of[p]]).mean(axis=1)
        order: list[int] = [cs[i] for i in np.argsort(-est, kind="stable") if est[i] >= THRESHOLD - ESTIMATE_SLACK]
        tries: dict[Any, int] = {}
        mine = uf.find(node(p))
        for c in order[:MAX_CHECKS]:
            theirs = uf.find(node(c))
            if mine == theirs or tries.get(theirs, 0) >= TRIES_PER_CLUSTER:
                continue
            pair = (min(p, c), max(p, c))
            if pair in checked:
                continue
            checked.add(pair)
            tries[theirs] = tries.get(theirs, 0) + 1
            if jaccard(feats[p].items, feats_of(c).items) >= THRESHOLD:
                uf.union(mine, theirs)
                mine = uf.find(mine)
    _write(conn, uf, involved, node)
    return len(batch)


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
