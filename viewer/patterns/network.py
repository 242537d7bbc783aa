"""Who amplifies whom in a set of posts: the originals most retweeted and
quoted, the accounts that retweet most, who mentions whom, and the whole
retweet/quote/mention/reply graph for Gephi (GEXF or GraphML, written by
networkx, never by hand).

Every function takes the collected post ids of a result set (or None for
the whole collection) and reads SQLite in chunks; nothing here is per pair
of posts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from viewer.batching import in_chunks

EDGE_KINDS = ("retweet", "quote", "reply", "mention")
FORMATS = {".gexf": "gexf", ".graphml": "graphml"}


def _conn(db: Any) -> Any:
    return db.conn if hasattr(db, "conn") else db


def _rows(db: Any, ids: Iterable[int] | None, cols: str) -> Iterator[tuple]:
    conn = _conn(db)
    if ids is None:
        yield from conn.execute(f"SELECT {cols} FROM posts p WHERE p.collected = 1")
        return
    for chunk in in_chunks(sorted(set(ids)), 900):
        # `+`: not through the (collected, created_ts) index (see text_clusters._texts).
        yield from conn.execute(f"SELECT {cols} FROM posts p WHERE +p.collected = 1 AND p.id IN "
                                f"({','.join('?' * len(chunk))})", chunk)


def _handles(db: Any, user_ids: Iterable[int]) -> dict[int, str]:
    conn = _conn(db)
    out: dict[int, str] = {}
    for chunk in in_chunks(sorted(set(user_ids)), 900):
        out.update(conn.execute(f"SELECT id, handle FROM users WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return out


@dataclass
class Amplified:
    post_id: int
    author: str | None
    text: str
    retweets: int  # by posts in the set
    quotes: int

    def as_json(self) -> dict[str, Any]:
        return {"id": str(self.post_id), "author": self.author, "text": self.text,
                "retweets": self.retweets, "quotes": self.quotes}


def most_amplified(db: Any, ids: Iterable[int] | None, limit: int = 20) -> list[Amplified]:
    """The originals retweeted and quoted most by the posts of the set."""
    rts: Counter[int] = Counter()
    qts: Counter[int] = Counter()
    for rt, qt in _rows(db, ids, "p.retweet_of, p.quote_of"):
        if rt is not None:
            rts[rt] += 1
        elif qt is not None:
            qts[qt] += 1
    total = rts + qts
    top = sorted(total, key=lambda p: (-total[p], p))[:limit]
    conn = _conn(db)
    out = []
    for pid in top:
        row = conn.execute("SELECT author_handle, text FROM posts WHERE id = ?", [pid]).fetchone()
        out.append(Amplified(pid, row[0] if row else None, row[1] if row else "", rts[pid], qts[pid]))
    return out


def top_retweeters(db: Any, ids: Iterable[int] | None, limit: int = 20) -> list[tuple[str, int]]:
    """The accounts with the most retweets in the set."""
    c: Counter[str] = Counter()
    for h, kind in _rows(db, ids, "p.author_handle, p.kind"):
        if kind == "retweet":
            c[h or "?"] += 1
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:limit]


def mentions(db: Any, ids: Iterable[int] | None, limit: int = 20) -> list[tuple[str, str, int]]:
    """(who, whom, times) for the mentions in the set's own posts (a
    retweet's mentions are its original's, so they are left out)."""
    conn = _conn(db)
    c: Counter[tuple[str, str]] = Counter()
    for chunk in in_chunks([r for r in _rows(db, ids, "p.id, p.author_handle, p.kind")], 900):
        own = {pid: h for pid, h, kind in chunk if kind != "retweet"}
        if not own:
            continue
        for pid, whom in conn.execute(f"SELECT post_id, handle FROM mentions WHERE post_id IN "
                                      f"({','.join('?' * len(own))})", list(own)):
            who = own[pid] or "?"
            if whom and whom.casefold() != who.casefold():
                c[(who, whom)] += 1
    return [(a, b, n) for (a, b), n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def graph(db: Any, ids: Iterable[int] | None) -> Any:
    """A networkx DiGraph: nodes are accounts (handle, posts in the set),
    edges (author → account retweeted, quoted, replied to or mentioned)
    carry `kind` and `weight`. Two kinds between the same accounts are two
    edges (a MultiDiGraph keyed by kind)."""
    import networkx as nx

    conn = _conn(db)
    g = nx.MultiDiGraph()
    posts: Counter[str] = Counter()
    weights: Counter[tuple[str, str, str]] = Counter()
    rows = list(_rows(db, ids, "p.id, p.author_handle, p.kind, p.retweet_of, p.quote_of, p.reply_to_handle"))
    originals = {r[3] or r[4] for r in rows if (r[3] or r[4])}
    author_of: dict[int, str] = {}
    for chunk in in_chunks(sorted(originals), 900):
        author_of.update(conn.execute(f"SELECT id, author_handle FROM posts WHERE id IN "
                                      f"({','.join('?' * len(chunk))}) AND author_handle IS NOT NULL", chunk))
    own: dict[int, str] = {}
    for pid, handle, kind, rt, qt, reply_handle in rows:
        who = handle or "?"
        posts[who] += 1
        if rt is not None and rt in author_of:
            weights[(who, author_of[rt], "retweet")] += 1
        if qt is not None and qt in author_of:
            weights[(who, author_of[qt], "quote")] += 1
        if reply_handle:
            weights[(who, reply_handle, "reply")] += 1
        if kind != "retweet":
            own[pid] = who
    for chunk in in_chunks(sorted(own), 900):
        for pid, whom in conn.execute(f"SELECT post_id, handle FROM mentions WHERE post_id IN "
                                      f"({','.join('?' * len(chunk))})", chunk):
            if whom:
                weights[(own[pid], whom, "mention")] += 1
    for who, n in posts.items():
        g.add_node(who, label=who, posts=n)
    for (a, b, kind), w in sorted(weights.items()):
        if a.casefold() == b.casefold():
            continue  # threads with oneself are not amplification
        for node in (a, b):
            if node not in g:
                g.add_node(node, label=node, posts=0)
        g.add_edge(a, b, key=kind, kind=kind, weight=w)
    return g


def write_graph(g: Any, out: Path) -> str:
    """Write to OUT.gexf or OUT.graphml by its suffix; returns the format."""
    import networkx as nx

    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ValueError(f"{out.name}: the file name must end in .gexf or .graphml")
    if fmt == "gexf":
        nx.write_gexf(g, out)
    else:
        nx.write_graphml(g, out)
    return fmt
