"""Same-image clusters: one photo re-posted re-encoded, resized, lightly
cropped or with a caption bar added, across posts and accounts.

Only image files already in the collection's media/ folder count: a remote
image is never fetched. Each distinct file (by sha256) gets perceptual
hashes (imagehash's pHash of a greyscale copy) of the whole picture and of
15 crops that trim `TRIM` of the width and/or height from one side or both;
then the same 16 of the picture with the bars of one colour along its edges
stripped (a caption bar, letterbox borders), or the first 16 again when it
has none. Two files are the same picture when a whole-picture hash of one
(with or without bars) is within `MAX_DISTANCE` bits of the other's
whole-picture hashes, or within the stricter `MAX_CROP_DISTANCE` of any of
its crops, either way round: a re-encoded or resized copy matches whole
against whole, a copy cropped by a few percent matches one of the
original's crops, a captioned copy without its bar matches the original.
Hashing both with and without bars keeps a borderline picture (is that
uniform edge a bar or sky?) matching whichever way either side decided.
pHash looks at the layout of light and dark, not at colours, so two
different pictures in the same colours stay apart.

Tuned on scikit-image's sample photographs with bench/image_quality.py
--set tune (re-posted re-encoded at JPEG 40-75 with resizes, 3-10% crops,
caption bars, brightness changes): copies are within 6 bits of their
original in 95% of cases (12 at most), distinct photographs 16 bits apart
or more; and, for false matches among many pictures, with --set tune2
(the same plus 1000 Caltech-101 photographs), which set MAX_CROP_DISTANCE.
Files are compared with every stored file in one numpy pass (a
few thousand local pictures in a collection is the usual size, so the pass
costs milliseconds), never pair by pair in Python.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from viewer.batching import in_chunks

TRIM = 0.08
# Whole picture against whole picture (each with or without its bars).
MAX_DISTANCE = 10
# A whole picture against one of the other's 8% crops: stricter, because
# each pair of files gets 128 such comparisons, and among a thousand
# different photographs the smallest of so many reaches 10 bits by chance
# (bench/image_quality.py --set tune2: precision 0.24 with 10 here, 0.96
# with 6, recall 0.99 and 0.96). pHash sets half its bits, so distances are
# even: 6 and 7 are the same threshold.
MAX_CROP_DISTANCE = 6
# Larger pictures are refused (decompression bombs in a hostile archive).
MAX_PIXELS = 64_000_000
# A bar along an edge: rows (or columns) at least BAR_SHARE of whose pixels
# are within BAR_TOLERANCE grey levels of the edge's shade, up to MAX_BAR of
# the height (width) from each side.
BAR_SHARE = 0.6
BAR_EDGE_SHARE = 0.9
MIN_BAR = 0.04
BAR_TOLERANCE = 12
MAX_BAR = 0.3
_TRIMS = ((0.0, 0.0), (TRIM, 0.0), (0.0, TRIM), (TRIM, TRIM))
CROPS = len(_TRIMS) ** 2  # the first one is the whole picture
VARIANTS = 2 * CROPS  # as it is, then without its bars
WHOLE = [0, CROPS]  # the two whole-picture hashes


def ensure_tables(db: Any) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS image_hashes(id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, "
               "hashes BLOB, cluster INTEGER)")
    db.execute("CREATE INDEX IF NOT EXISTS image_hashes_cluster ON image_hashes(cluster)")


def clear(db: Any) -> None:
    db.execute("DELETE FROM image_hashes")


def image_hashes(path: Path) -> np.ndarray | None:
    """The VARIANTS perceptual hashes of a picture as uint64, or None when
    the file is not a picture Pillow can read: the whole picture and its
    crops, then the same of the picture without the bars along its edges
    (the first set again when it has none)."""
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
    plain = _crop_hashes(g)
    if plain is None:
        return None
    stripped = _strip_bars(g)
    bare = _crop_hashes(stripped) if stripped is not g else None
    return np.array(plain + (bare if bare is not None else plain), dtype=np.uint64)


def _crop_hashes(g: Any) -> list[int] | None:
    import imagehash

    g = g.copy()
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
    return out


def _bar_rows(px: np.ndarray) -> int:
    """How many rows from the top of `px` form a bar of one colour: each
    row mostly (BAR_SHARE) within BAR_TOLERANCE of the first row's usual
    shade. Lines of caption text cover the rest of a row."""
    if px.shape[0] == 0:
        return 0
    shade = np.median(px[0])
    share = (np.abs(px.astype(np.int16) - shade) <= BAR_TOLERANCE).mean(axis=1)
    limit = int(px.shape[0] * MAX_BAR)
    if share[0] < BAR_EDGE_SHARE:
        return 0
    n = 0
    while n < limit and share[n] >= BAR_SHARE:
        n += 1
    return n if px.shape[0] * MIN_BAR <= n < limit else 0


def _strip_bars(g: Any) -> Any:
    """The picture without the bars of one colour along its edges: a caption
    bar added above or below a re-posted photo, letterbox borders. The
    original has none (or the same ones, stripped the same way), so both
    are hashed on the same content."""
    px = np.asarray(g)
    if px.ndim != 2 or min(px.shape) < 16:
        return g
    top = _bar_rows(px)
    bottom = _bar_rows(px[::-1])
    left = _bar_rows(px.T)
    right = _bar_rows(px.T[::-1])
    h, w = px.shape
    if top + bottom > h // 2:
        top = bottom = 0
    if left + right > w // 2:
        left = right = 0
    if not (top or bottom or left or right):
        return g
    return g.crop((left, top, w - right, h - bottom))


def distance(a: np.ndarray, b: np.ndarray) -> int:
    """The smallest Hamming distance between a whole picture of one (with
    or without its bars) and any variant of the other, either way round."""
    return int(min(np.bitwise_count(a[WHOLE][:, None] ^ b[None, :]).min(),
                   np.bitwise_count(b[WHOLE][:, None] ^ a[None, :]).min()))


def _table(blobs: list[bytes]) -> np.ndarray:
    """Stored hashes as one (files, VARIANTS) array; a file hashed before
    bars were stripped (CROPS hashes) counts its set twice, as a picture
    without bars does."""
    rows = []
    for blob in blobs:
        h = np.frombuffer(blob, dtype="<u8")
        rows.append(h if len(h) == VARIANTS else np.concatenate([h[:CROPS], h[:CROPS]]))
    return np.vstack(rows).astype(np.uint64) if rows else np.zeros((0, VARIANTS), dtype=np.uint64)


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
    table = _table([r[1] for r in rows])
    added = 0
    for sha, hashes in new:
        blob = hashes.astype("<u8").tobytes() if hashes is not None else None
        cur = conn.execute("INSERT INTO image_hashes(sha256, hashes) VALUES (?, ?)", [sha, blob])
        fid = int(cur.lastrowid)
        labels = {fid}
        if hashes is not None:
            added += 1
            if len(ids):
                whole_vs_mine = np.bitwise_count(table[:, WHOLE][:, :, None] ^ hashes[None, None, :])
                mine_vs_theirs = np.bitwise_count(table[:, None, :] ^ hashes[WHOLE][None, :, None]).min(axis=(1, 2))
                whole_vs_whole = whole_vs_mine[:, :, WHOLE].min(axis=(1, 2))
                any_vs_any = np.minimum(whole_vs_mine.min(axis=(1, 2)), mine_vs_theirs)
                near = np.nonzero((whole_vs_whole <= MAX_DISTANCE) | (any_vs_any <= MAX_CROP_DISTANCE))[0]
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
