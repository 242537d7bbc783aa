"""The names completion offers: hashtags, handles and curator tags of the
collection, most used first, loaded once in the background (a prefix query
over a million hashtag rows on each keystroke would not keep up)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import sqlite_utils

from viewer.textproc import normalize_handle, normalize_tag

MAX_NAMES = 200_000  # beyond this the rarest names are left out


@dataclass
class Names:
    """Sorted by normalised form, for prefix lookups by bisection."""

    norms: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, rows: list[tuple[str, str, int]]) -> "Names":
        rows = sorted(rows, key=lambda r: r[0])
        return cls([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])

    def complete(self, prefix_norm: str, limit: int = 12) -> list[str]:
        lo = bisect.bisect_left(self.norms, prefix_norm)
        hi = bisect.bisect_left(self.norms, prefix_norm + "\U0010ffff")
        found = sorted(range(lo, hi), key=lambda i: (-self.counts[i], self.norms[i]))[:limit]
        return [self.shown[i] for i in found]


@dataclass
class Vocabulary:
    hashtags: Names = field(default_factory=Names)
    handles: Names = field(default_factory=Names)
    tags: Names = field(default_factory=Names)

    def complete(self, word: str, limit: int = 12) -> list[str]:
        """Completions of the word being typed, as whole query tokens."""
        neg = "-" if word.startswith("-") else ""
        w = word[1:] if neg else word
        if w.startswith(("#", "＃")) and len(w) > 1:
            return [f"{neg}#{t}" for t in self.hashtags.complete(normalize_tag(w), limit)]
        if w.startswith(("@", "＠")) and len(w) > 1:
            return [f"{neg}@{h}" for h in self.handles.complete(normalize_handle(w), limit)]
        for op in ("from:", "to:"):
            if w.lower().startswith(op) and len(w) > len(op):
                return [f"{neg}{op}{h}" for h in self.handles.complete(normalize_handle(w[len(op):]), limit)]
        if w.lower().startswith("tag:") and len(w) >= len("tag:"):
            prefix = w[4:].strip('"').casefold()
            return [f"{neg}tag:" + (f'"{t}"' if " " in t else t) for t in self.tags.complete(prefix, limit)]
        return []


def load_vocabulary(db: sqlite_utils.Database) -> Vocabulary:
    # Each tag shown in its most used spelling, counted over all of them.
    best: dict[str, tuple[str, int, int]] = {}
    for norm, tag, n in db.execute("SELECT norm, tag, count(*) FROM hashtags GROUP BY norm, tag").fetchall():
        if not norm:
            continue
        prev = best.get(norm)
        if prev is None:
            best[norm] = (tag, n, n)
        else:
            shown, top, total = prev
            best[norm] = (tag, n, total + n) if n > top else (shown, top, total + n)
    hashtags = sorted(((norm, v[0], v[2]) for norm, v in best.items()), key=lambda r: -r[2])[:MAX_NAMES]
    handles: dict[str, tuple[str, int]] = {}
    for handle, n in db.execute(
            "SELECT author_handle, count(*) AS n FROM posts WHERE author_handle IS NOT NULL "
            "GROUP BY author_handle ORDER BY n DESC LIMIT ?", [MAX_NAMES]).fetchall():
        norm = normalize_handle(handle)
        seen = handles.get(norm)
        handles[norm] = (seen[0] if seen else handle, (seen[1] if seen else 0) + n)
    for handle, n in db.execute(
            "SELECT min(handle), count(*) AS n FROM mentions GROUP BY handle_norm ORDER BY n DESC LIMIT ?",
            [MAX_NAMES]).fetchall():
        norm = normalize_handle(handle)
        seen = handles.get(norm)
        handles[norm] = (seen[0] if seen else handle, (seen[1] if seen else 0) + n)
    tags = [(r[0].casefold(), r[0], r[1]) for r in db.execute(
        "SELECT t.name, count(pt.post_id) FROM tags t LEFT JOIN post_tags pt ON pt.tag_id = t.id "
        "GROUP BY t.id").fetchall() if r[0]]
    return Vocabulary(Names.build(hashtags), Names.build([(k, v[0], v[1]) for k, v in handles.items()]),
                      Names.build(tags))
