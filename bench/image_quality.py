"""Pairwise precision and recall of same-image clusters (issue 16) on real
photographs we did not take, in two sets kept apart: one to tune on, one to
report on.

    python bench/image_quality.py --set tune      # scikit-image's photographs
    python bench/image_quality.py --set report    # Kodak suite + a real X archive's pictures

tune:   the photographs and scans scikit-image ships ($ARCHIVE_VIEWER_TESTDATA/skimage-data;
        motorcycle_right left out: the other half of a stereo pair, the same scene 5 cm aside).
report: the 24 Kodak PhotoCD photographs ($ARCHIVE_VIEWER_TESTDATA/kodak24) and the pictures
        of a real 2026 X account archive (../shared/corpora/x-account-archive-2026; byte-identical
        re-posts are one picture). Never tuned on.

Every picture is posted once as it is and re-posted COPIES (3) times the way a
campaign re-posts a picture through a platform: each copy is re-encoded as
JPEG at quality 40-75 and gets one or two of
    resize     scaled to 40-90 % of its size
    crop       3-10 % cut from one or two sides
    caption    a caption bar (white or black, 8-12 % of the height, a line of drawn
               text in it) added above or below the picture
    brightness brightness multiplied by 0.85-1.15
Every other picture of the set is a negative: a pair of posts of two
different pictures that lands in one cluster is a false pair. Truth: a
picture and its copies are one cluster.

The posts go through the real path: written by the Store into a collection
in a temporary folder, clustered by PatternSink, read back with
list_clusters. Prints precision and recall over pairs of posts (with the
pair counts), recall per kind of change, the Hamming distances that decide
(copy to its original, and the closest two different pictures), and writes
bench/out/image_quality-<set>.json.

Data: see tests/data/README.md (skimage-data, kodak24, x-account-archive-2026).
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import io
import itertools
import json
import os
import random
import shutil
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from viewer.collection import Collection  # noqa: E402
from viewer.model import LocalFile, Media, Post  # noqa: E402
from viewer.patterns import PatternSink  # noqa: E402
from viewer.patterns import image_clusters  # noqa: E402
from viewer.patterns.clusters import list_clusters  # noqa: E402
from viewer.store import Store  # noqa: E402

CORPORA = (ROOT / ".." / "shared" / "corpora").resolve()
TESTDATA = Path(os.environ.get("ARCHIVE_VIEWER_TESTDATA", "/work/testdata"))
OUT = HERE / "out"
COPIES = 3
SEEDS = {"tune": 11, "report": 29}
CHANGES = ("resize", "crop", "caption", "brightness")


def sources(which: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of each distinct picture of the set (by content)."""
    if which == "tune":
        folder = TESTDATA / "skimage-data"
        files = sorted(f for f in glob.glob(str(folder / "*.png")) + glob.glob(str(folder / "*.jpg"))
                       if "motorcycle_right" not in f)
    else:
        files = sorted(glob.glob(str(TESTDATA / "kodak24" / "kodim*.png")))
        files += sorted(f for f in glob.glob(str(CORPORA / "x-account-archive-2026" / "data" / "*media" / "*"))
                        if f.lower().endswith((".jpg", ".jpeg", ".png")))
    seen: set[str] = set()
    out = []
    for f in files:
        data = Path(f).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if sha not in seen:
            seen.add(sha)
            out.append((Path(f).name, data))
    return out


def repost(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    """A campaign's copy of a picture, and the changes made to it."""
    from PIL import Image, ImageDraw, ImageEnhance

    im = Image.open(io.BytesIO(data)).convert("RGB")
    changes = sorted(rng.sample(CHANGES, rng.randint(1, 2)), key=CHANGES.index)
    for change in changes:
        w, h = im.size
        if change == "resize":
            s = rng.uniform(0.4, 0.9)
            im = im.resize((max(8, round(w * s)), max(8, round(h * s))), Image.Resampling.LANCZOS)
        elif change == "crop":
            sides = rng.sample("ltrb", rng.randint(1, 2))
            f = {s: (rng.uniform(0.03, 0.10) if s in sides else 0.0) for s in "ltrb"}
            im = im.crop((round(w * f["l"]), round(h * f["t"]), w - round(w * f["r"]), h - round(h * f["b"])))
        elif change == "caption":
            bar = max(4, round(h * rng.uniform(0.08, 0.12)))
            white = rng.random() < 0.5
            canvas = Image.new("RGB", (w, h + bar), (255, 255, 255) if white else (0, 0, 0))
            top = rng.random() < 0.5
            canvas.paste(im, (0, bar if top else 0))
            y = 2 if top else h + 2
            ImageDraw.Draw(canvas).text((max(2, w // 20), y), "SHARE before they delete it!! #Mosul",
                                        fill=(0, 0, 0) if white else (255, 255, 255))
            im = canvas
        else:
            im = ImageEnhance.Brightness(im).enhance(rng.uniform(0.85, 1.15))
    b = io.BytesIO()
    im.save(b, "JPEG", quality=rng.randint(40, 75))
    return b.getvalue(), changes


def _post(pid: int, name: str, data: bytes, author: str, ts: datetime) -> Post:
    media = [Media(f"m{pid}", "photo", None, local=LocalFile(name, lambda d=data: io.BytesIO(d), len(data)))]
    return Post(id=pid, created_at=ts, text=f"picture {pid}", author_id=abs(hash(author)) % 10**9,
                author_handle=author, author_name=author, media=media, raw=b'{"id": "%d"}' % pid,
                location="image-quality")


def pairs_of(assign: dict[int, int]) -> set[tuple[int, int]]:
    groups: dict[int, list[int]] = {}
    for p, c in assign.items():
        groups.setdefault(c, []).append(p)
    return {(a, b) for g in groups.values() for a, b in itertools.combinations(sorted(g), 2)}


def measure(which: str) -> dict:
    rng = random.Random(SEEDS[which])
    pics = sources(which)
    if not pics:
        sys.exit(f"no pictures for --set {which}: see tests/data/README.md")
    posts: list[Post] = []
    truth: dict[int, int] = {}
    changes_of: dict[int, list[str]] = {}
    blobs: dict[int, bytes] = {}
    t0 = datetime(2017, 1, 1, tzinfo=timezone.utc)
    pid = 3 * 10**15
    for name, data in pics:
        pid += 1
        root = pid
        posts.append(_post(pid, name, data, f"acct{len(posts) % 40}", t0 + timedelta(minutes=len(posts))))
        truth[pid], blobs[pid] = root, data
        for c in range(COPIES):
            copy, changes = repost(rng, data)
            pid += 1
            posts.append(_post(pid, f"copy{c}-{name}.jpg", copy, f"acct{len(posts) % 40}",
                               t0 + timedelta(minutes=len(posts))))
            truth[pid], blobs[pid], changes_of[pid] = root, copy, changes

    tmp = Path(tempfile.mkdtemp(prefix="av-image-quality-"))
    try:
        with Collection.open(tmp / "c") as coll:
            store = Store(coll.db, coll.media_dir)
            import_id = store.begin_import(["image-quality"])
            src = store.start_source(import_id, "image-quality", "image-quality", f"iq-{which}", "test", None)
            sink = PatternSink(coll)
            res = store.write_batch(src, posts, [], [])
            sink.posts_changed(res.changed)
            store.finish_source(src, "complete")
            store.finish_import(import_id, "complete", 0, 0, 0, 0)
            predicted = {p: -p for p in truth}
            for n, cl in enumerate(list_clusters(coll.db, kind="image")):
                for p in cl.posts:
                    predicted[p] = n
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    t, p = pairs_of(truth), pairs_of(predicted)
    tp = len(t & p)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0

    # Recall per kind of change: a copy counts as found when it is in its
    # original's cluster.
    per_change: dict[str, list[int]] = {c: [0, 0] for c in CHANGES}
    names_by_root = dict(zip((r for r in truth if truth[r] == r), (name for name, _ in pics), strict=True))
    missed = []
    for copy, changes in changes_of.items():
        found = predicted[copy] == predicted[truth[copy]]
        for c in changes:
            per_change[c][0] += found
            per_change[c][1] += 1
        if not found:
            missed.append([names_by_root[truth[copy]], "+".join(changes)])

    # The distances that decide, with the module's own hashing.
    hashes = {k: image_clusters.image_hashes(_as_file(tmp, k, v)) for k, v in blobs.items()}
    shutil.rmtree(tmp, ignore_errors=True)
    copy_d = sorted(image_clusters.distance(hashes[c], hashes[truth[c]]) for c in changes_of
                    if hashes[c] is not None and hashes[truth[c]] is not None)
    roots = [r for r in truth if truth[r] == r and hashes[r] is not None]
    apart = sorted(image_clusters.distance(hashes[a], hashes[b]) for a, b in itertools.combinations(roots, 2))
    wrong = sorted({(truth[a], truth[b]) for a, b in p - t})
    # The same figures within each source of the set.
    by_source = {}
    for source in sorted({_source(n) for n in names_by_root.values()}):
        keep = {q for q in truth if _source(names_by_root[truth[q]]) == source}
        ts, ps = {x for x in t if x[0] in keep and x[1] in keep}, {x for x in p if x[0] in keep and x[1] in keep}
        ok = len(ts & ps)
        by_source[source] = {"pictures": sum(1 for r in keep if truth[r] == r),
                             "precision": round(ok / len(ps), 4) if ps else 1.0,
                             "recall": round(ok / len(ts), 4) if ts else 1.0,
                             "correct_pairs": ok, "found_pairs": len(ps), "true_pairs": len(ts)}
    return {"set": which, "pictures": len(pics), "posts": len(posts), "copies_each": COPIES,
            "precision": round(precision, 4), "recall": round(recall, 4),
            "true_pairs": len(t), "found_pairs": len(p), "correct_pairs": tp,
            "different_picture_pairs": len(roots) * (len(roots) - 1) // 2 * (COPIES + 1) ** 2,
            "by_source": by_source,
            "recall_by_change": {c: f"{a}/{n}" for c, (a, n) in per_change.items()},
            "missed_copies_changes": missed,
            "copy_distance_max": copy_d[-1] if copy_d else None,
            "copy_distance_p95": copy_d[int(0.95 * (len(copy_d) - 1))] if copy_d else None,
            "different_pictures_min_distance": apart[:5],
            "wrongly_joined_pictures": [(names_by_root[a], names_by_root[b]) for a, b in wrong],
            "max_distance": image_clusters.MAX_DISTANCE}


def _source(name: str) -> str:
    if name.startswith("kodim"):
        return "kodak24"
    if name[:1].isdigit() and "-" in name:
        return "x-account-archive-2026"
    return "skimage-data"


def _as_file(tmp: Path, key: int, data: bytes) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / f"{key}.img"
    path.write_bytes(data)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=["tune", "report"], required=True)
    args = ap.parse_args()
    r = measure(args.set)
    print(f"[{r['set']}] {r['pictures']} pictures, {r['posts']} posts ({r['copies_each']} re-posts each): "
          f"pairwise precision {r['precision']:.4f}, recall {r['recall']:.4f} "
          f"({r['correct_pairs']} of {r['found_pairs']} pairs found are right; {r['true_pairs']} true pairs; "
          f"{r['different_picture_pairs']:,} pairs of posts of different pictures)")
    if len(r["by_source"]) > 1:
        for source, f in r["by_source"].items():
            print(f"    {source}: {f['pictures']} pictures: precision {f['precision']:.4f}, recall {f['recall']:.4f} "
                  f"({f['correct_pairs']} of {f['found_pairs']} pairs right; {f['true_pairs']} true)")
    print("    recall by change (copies in their original's cluster): " +
          ", ".join(f"{c} {v}" for c, v in r["recall_by_change"].items()))
    print(f"    copy-to-original distance: max {r['copy_distance_max']}, 95th percentile {r['copy_distance_p95']}; "
          f"closest different pictures: {r['different_pictures_min_distance']} (threshold {r['max_distance']})")
    for a, b in r["wrongly_joined_pictures"]:
        print(f"    joined although different: {a} ~ {b}")
    for name, changes in r["missed_copies_changes"]:
        print(f"    copy missed: {name} ({changes})")
    OUT.mkdir(exist_ok=True)
    (OUT / f"image_quality-{args.set}.json").write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
