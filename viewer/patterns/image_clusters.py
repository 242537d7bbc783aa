"""Same-image clusters: one photo re-posted re-encoded, resized or lightly
cropped, across posts and accounts.

Only image files already in the collection's media/ folder count: a remote
image is never fetched. Each distinct file (by sha256) gets perceptual
hashes (imagehash's pHash of a greyscale copy) of the whole picture and of
15 crops that trim `TRIM` of the width and/or height from one side or both.
Two files are the same picture when the whole-picture hash of one is within
`MAX_DISTANCE` bits of any of the other's hashes, either way round: a
re-encoded or resized copy matches whole against whole, a copy cropped by a
few percent matches one of the original's crops. pHash looks at the layout
of light and dark, not at colours, so two different pictures in the same
colours stay apart.

Tuned on scikit-image's sample photographs (see bench/patterns_quality.py):
re-encodes and resizes differ by 0–4 bits, crops of 3–10% by 4–12 bits
(a few up to 16), while distinct photographs differ by 18 bits or more.
Files are compared with every stored file in one numpy pass (a few
thousand local pictures in a collection is the usual size, so the pass
costs milliseconds), never pair by pair in Python.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from viewer.batching import in_chunks

TRIM = 0.08
MAX_DISTANCE = 10
# Larger pictures are refused (decompression bombs in a hostile archive).
MAX_PIXELS = 64_000_000
_TRIMS = ((0.0, 0.0), (TRIM, 0.0), (0.0, TRIM), (TRIM, TRIM))
VARIANTS = len(_TRIMS) ** 2  # the first one is the whole picture


def ensure_tables(db: Any) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS image_hashes(id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, "
               "hashes BLOB, cluster INTEGER)")
    db.execute("CREATE INDEX IF NOT EXISTS image_hashes_cluster ON image_hashes(cluster)")


def clear(db: Any) -> None:
    db.execute("DELETE FROM image_hashes")


def image_hashes(path: Path) -> np.ndarray | None:
    """The VARIANTS perceptual hashes of a picture as uint64, or None when
    the file is not a picture Pillow can read."""
    import imagehash
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                if im.width * im.height > MAX_PIXELS:
                    return None
                im.draft("L", (320, 320))  # JPEG: decode at a fraction of the size
                g = im.convert("L")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        return None
    g.thumbnail((160, 160))
    w, h = g.size
    if w < 8 or h < 8:
        return None
    out = []
    for left, right in _TRIMS:
        for top, bottom in _TRIMS:
            box = (round(w * left), round(h * top), w - round(w * right), h - round(h * bottom))
            bits = imagehash.phash(g.crop(box)).hash.flatten()
            out.append(int("".join("1" if b else "0" for b in bits), 2))
    return np.array(out, dtype=np.uint64)


def distance(a: np.ndarray, b: np.ndarray) -> int:
    """The smallest Hamming distance between the whole picture of one and
    any variant of the other, either way round."""
    return int(min(np.bitwise_count(a[0] ^ b).min(), np.bitwise_count(b[0] ^ a).min()))


def add_files(db: Any, media_dir: Path, sha256s: Iterable[str]) -> int:
    """Hash the new files among `sha256s` and join them to the clusters of
    the pictures they match; returns how many were hashed. The caller
    commits."""
    conn = db.conn if hasattr(db, "conn") else db
    todo: dict[str, str] = {}
    wanted = sorted(set(sha256s))
    for chunk in in_chunks(wanted, 900):
        marks = ",".join("?" * len(chunk))
        known = {r[0] for r in conn.execute(f"SELECT sha256 FROM image_hashes WHERE sha256 IN ({marks})", chunk)}
        for sha, file in conn.execute(f"SELECT sha256, min(file) FROM media WHERE sha256 IN ({marks}) "
                                      "AND file IS NOT NULL GROUP BY sha256", chunk):
            if sha not in known:
                todo[sha] = file
    if not todo:
        return 0
    root = media_dir.resolve()
    new: list[tuple[str, np.ndarray | None]] = []
    for sha in sorted(todo):
        path = (media_dir / todo[sha]).resolve()
        # media/ is ours, but a path in the database is still not trusted.
        hashes = image_hashes(path) if path.is_relative_to(root) and path.is_file() else None
        new.append((sha, hashes))

    rows = conn.execute("SELECT id, hashes, cluster FROM image_hashes WHERE hashes IS NOT NULL").fetchall()
    ids = [r[0] for r in rows]
    cluster = {r[0]: r[2] for r in rows}
    table = (np.frombuffer(b"".join(r[1] for r in rows), dtype="<u8").reshape(-1, VARIANTS)
             if rows else np.zeros((0, VARIANTS), dtype=np.uint64))
    added = 0
    for sha, hashes in new:
        blob = hashes.astype("<u8").tobytes() if hashes is not None else None
        cur = conn.execute("INSERT INTO image_hashes(sha256, hashes) VALUES (?, ?)", [sha, blob])
        fid = int(cur.lastrowid)
        labels = {fid}
        if hashes is not None:
            added += 1
            if len(ids):
                whole_vs_mine = np.bitwise_count(table[:, :1] ^ hashes[None, :]).min(axis=1)
                mine_vs_theirs = np.bitwise_count(table ^ hashes[0]).min(axis=1)
                near = np.nonzero(np.minimum(whole_vs_mine, mine_vs_theirs) <= MAX_DISTANCE)[0]
                labels.update(cluster[ids[i]] for i in near)
        final = fid
        if len(labels) > 1:
            sizes = {lab: conn.execute("SELECT count(*) FROM image_hashes WHERE cluster = ?", [lab]).fetchone()[0]
                     for lab in labels}
            final = min(labels, key=lambda lab: (-sizes[lab], lab))
            for lab in labels - {final, fid}:
                conn.execute("UPDATE image_hashes SET cluster = ? WHERE cluster = ?", [final, lab])
                for other in ids:
                    if cluster[other] == lab:
                        cluster[other] = final
        conn.execute("UPDATE image_hashes SET cluster = ? WHERE id = ?", [final, fid])
        if hashes is not None:
            ids.append(fid)
            cluster[fid] = final
            table = np.vstack([table, hashes[None, :]])
    return added
