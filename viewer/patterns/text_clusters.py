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

from datasketch import MinHash
from datasketch.lsh import _optimal_param

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
# Bands and rows per band for THRESHOLD, chosen by datasketch's own
# optimiser with false negatives weighted up (exact checks remove the extra
# candidates, but a missed candidate is a missed copy).
BANDS, ROWS = _optimal_param(THRESHOLD - 0.1, NUM_PERM, 0.3, 0.7)
# Candidates checked per existing cluster before giving up on it: a new
# member of a 1,000-post campaign needs one link, not 1,000 comparisons.
TRIES_PER_CLUSTER = 3
SEED = 16

_URL_RE = re.compile(r"(?i:https?://|www\.)\S+")
_HANDLE_RE = re.compile(r"[@＠]\w+")
_HASHTAG_RE = re.compile(r"[#＃](\w+)")
# Words: letters and digits of any script. Emoji, punctuation and '_' are
# not word characters, so an emoji added or removed changes nothing.
_WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Features:
    words: int
    items: frozenset[str]

    @property
    def usable(self) -> bool:
        return self.words >= MIN_WORDS


def features(text: str) -> Features:
    """The features compared between texts (see the module's docstring)."""
    t = html.unescape(text or "")
    t = _URL_RE.sub(" ", t)
    t = _HANDLE_RE.sub(" ", t)
    tags = {"#" + normalize_tag(m) for m in _HASHTAG_RE.findall(t)}
    t = _HASHTAG_RE.sub(" ", t)
    words = _WORD_RE.findall(fold(t))
    items = set(tags)
    if len(words) == 1:
        items.add(words[0])
    items.update(a + " " + b for a, b in zip(words, words[1:]))
    return Features(len(words), frozenset(items))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def band_keys(feats: Iterable[Features]) -> list[list[int]]:
    """The LSH band keys of each feature set: band number in the high bits,
    a CRC of the band's MinHash values in the low 32 (a CRC collision only
    adds a candidate, which the exact check then drops)."""
    sets = [[s.encode("utf-8") for s in sorted(f.items)] for f in feats]
    if not sets:
        return []
    out = []
    for m in MinHash.bulk(sets, num_perm=NUM_PERM, seed=SEED):
        hv = m.hashvalues.astype("<u4").tobytes()
        out.append([(b << 32) | zlib.crc32(hv[b * ROWS * 4:(b + 1) * ROWS * 4]) for b in range(BANDS)])
    return out


def ensure_tables(db: Any) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS text_bands(key INTEGER NOT NULL, post_id INTEGER NOT NULL, "
               "PRIMARY KEY(key, post_id)) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS text_clusters(post_id INTEGER PRIMARY KEY, cluster INTEGER NOT NULL)")
    db.execute("CREATE INDEX IF NOT EXISTS text_clusters_cluster ON text_clusters(cluster)")


def clear(db: Any) -> None:
    db.execute("DELETE FROM text_bands")
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


def add_posts(db: Any, ids: Iterable[int]) -> int:
    """Cluster the texts of these posts against each other and everything
    clustered before; returns how many were usable. The caller commits."""
    conn = db.conn if hasattr(db, "conn") else db
    feats: dict[int, Features] = {}
    for chunk in in_chunks(sorted(set(ids)), 900):
        q = ("SELECT id, text FROM posts WHERE collected = 1 AND kind != 'retweet' "
             f"AND id IN ({','.join('?' * len(chunk))})")
        for pid, text in conn.execute(q, chunk):
            f = features(text)
            if f.usable:
                feats[pid] = f
    if not feats:
        return 0
    batch = sorted(feats)
    keys = band_keys(feats[p] for p in batch)
    conn.executemany("INSERT OR IGNORE INTO text_bands(key, post_id) VALUES (?, ?)",
                     ((k, p) for p, ks in zip(batch, keys) for k in ks))
    key_posts: dict[int, list[int]] = {}
    for chunk in in_chunks(sorted({k for ks in keys for k in ks}), 900):
        for k, p in conn.execute(f"SELECT key, post_id FROM text_bands WHERE key IN ({','.join('?' * len(chunk))})",
                                 chunk):
            key_posts.setdefault(k, []).append(p)
    cands: dict[int, set[int]] = {}
    for p, ks in zip(batch, keys):
        c: set[int] = set()
        for k in ks:
            c.update(key_posts.get(k, ()))
        c.discard(p)
        if c:
            cands[p] = c
    if not cands:
        return len(batch)

    involved = set(cands) | {c for cs in cands.values() for c in cs}
    label: dict[int, int] = {}
    for chunk in in_chunks(sorted(involved), 900):
        label.update(conn.execute(f"SELECT post_id, cluster FROM text_clusters WHERE post_id IN "
                                  f"({','.join('?' * len(chunk))})", chunk))

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
        groups: dict[Any, list[int]] = {}
        for c in sorted(cands[p]):
            groups.setdefault(uf.find(node(c)), []).append(c)
        for root, members in groups.items():
            if root == uf.find(node(p)):
                continue
            for c in members[:TRIES_PER_CLUSTER]:
                pair = (min(p, c), max(p, c))
                if pair in checked:
                    continue
                checked.add(pair)
                if jaccard(feats[p].items, feats_of(c).items) >= THRESHOLD:
                    uf.union(node(p), node(c))
                    break
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
