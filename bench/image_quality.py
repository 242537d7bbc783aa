"""Pairwise precision and recall of same-image clusters (issue 16) on real
photographs we did not take, in two sets kept apart: one to tune on, one to
report on.

    python bench/image_quality.py --set tune      # scikit-image's photographs
    python bench/image_quality.py --set report    # Kodak suite + a real X archive's pictures
    python bench/image_quality.py --set report2   # publisher-labelled copies + ImageNet samples
    python bench/image_quality.py --set tune2     # tuning: scikit-image + 1000 Caltech-101 photos

tune:   the photographs and scans scikit-image ships ($ARCHIVE_VIEWER_TESTDATA/skimage-data;
        motorcycle_right left out: the other half of a stereo pair, the same scene 5 cm aside).
report: the 24 Kodak PhotoCD photographs ($ARCHIVE_VIEWER_TESTDATA/kodak24) and the pictures
        of a real 2026 X account archive (../shared/corpora/x-account-archive-2026; byte-identical
        re-posts are one picture). Never tuned on.
tune2:  the tuning set at the scale of an archive: tune's photographs plus 1000 Caltech-101
        photographs ($ARCHIVE_VIEWER_TESTDATA/caltech101-tune, 10 of each of 100 categories; added
        after report2's first run showed that 23 pictures cannot measure false matches among
        many). Caltech-101 shows each category's object centred in a stereotyped pose, so two
        different pictures of one category are left out of the count (neither a true nor a
        false pair); pairs across categories and every copy count.
report2: a second reporting set, independent of the first, whose truth was written down
        before its first run (the README beside each part, 2026-12-02 15:55 UTC):
        A. $ARCHIVE_VIEWER_TESTDATA/threatexchange-pdq: Meta's PDQ test pictures, one photograph
           and 32 copies made and labelled by their publisher (resized, re-encoded in other colour
           modes, blurred, sharpened, rotated, letterboxed ...), used as they are, beside 8 other
           pictures; their truth comes from the publisher's folder names, README and tests
           (LABELLED below). No synthetic copies.
        B. $ARCHIVE_VIEWER_TESTDATA/imagenet-sample: 1000 ImageNet photographs, one per class,
           put through the synthetic copies below (seed 47). Different files are different
           pictures (the set's documentation mentions no edit or duplicate).
        Besides the whole, report2 gives the figures on the subset the issue promises
        ("re-encoded, resized or lightly cropped"): labelled copies marked so by their labels,
        synthetic copies changed by resize and/or crop only (see PROMISED).

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

Data: see tests/data/README.md (skimage-data, kodak24, x-account-archive-2026,
threatexchange-pdq, imagenet-sample).
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
from dataclasses import dataclass, field
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
SEEDS = {"tune": 11, "report": 29, "report2": 47, "tune2": 13}
CHANGES = ("resize", "crop", "caption", "brightness")
# Synthetic changes inside what the issue promises ("re-encoded, resized or
# lightly cropped"): every copy is re-encoded; caption bars and brightness are
# extra.
PROMISED = {"resize", "crop"}

# report2, part A: the publisher's own copies of one photograph (the file
# pdq/data/bridge-mods/aaa-orig.jpg), as the README in that folder fixes them:
# (path, label, inside the promise).
PDQ_ORIGINAL = "pdq/data/bridge-mods/aaa-orig.jpg"
_MODS = "pdq/data/bridge-mods/"
_DIH = "pdq/data/reg-test-input/dih/"
_MODES = "pdq/data/misc-images/modes/"
LABELLED: list[tuple[str, str, bool]] = [
    *((f"{_MODS}{n}.jpg", n, False) for n in ("blur-a-little", "blur-a-lot", "high-contrast", "high-saturation",
                                              "sharpen-a-little", "sharpen-a-lot")),
    *((f"{_MODS}{n}.jpg", n, True) for n in ("shrink-a-little", "shrink-a-lot", "square-128x128",
                                             "square-256x256", "square-512x512")),
    *((f"{_DIH}bridge-{n}.jpg", n, False) for n in ("2-rotate-90", "3-rotate-180", "4-rotate-270", "5-flipx",
                                                   "6-flipy", "7-flip-plus-1", "8-flip-minus-1")),
    *((f"{_MODES}{n}", "mode " + n.split(".")[0], n != "1.png")
      for n in ("1.png", "L.png", "P.png", "LA.png", "RGBA.png", "CMYK.jpg", "RGB.jpg", "YCbCr.jpg",
                "F.webp", "HSV.webp", "I.webp", "LAB.webp", "PA.webp")),
    ("python-threatexchange/threatexchange/tests/hashing/resources/letterboxed_sample-b.jpg", "letterboxed", False),
]
# ... and the pictures of their own beside it.
PDQ_OTHERS = [*(f"pdq/data/reg-test-input/labelme-subset/{q}.jpg"
                for q in ("q0003", "q0004", "q0122", "q0291", "q0746", "q1050", "q2821")),
              "pdq/data/reg-test-input/pen-and-coaster.png"]


@dataclass
class Picture:
    """One picture of a set: its original, the copies its publisher made
    (name, bytes, label, promised), and whether it gets synthetic copies."""
    name: str
    data: bytes
    source: str
    given: list[tuple[str, bytes, str, bool]] = field(default_factory=list)
    synthetic: bool = True


def sources(which: str) -> list[Picture]:
    """The distinct pictures of the set (byte-identical files are one)."""
    if which == "report2":
        return _report2()
    if which == "tune2":
        return sources("tune") + [Picture(f.name, f.read_bytes(), "caltech101-tune")
                                  for f in sorted(_dataset("caltech101-tune").glob("*.jpg"))]
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
            out.append(Picture(Path(f).name, data, _source(Path(f).name)))
    return out


def _dataset(name: str) -> Path:
    """A fetched data set: ../shared/corpora/<name> first, else under TESTDATA."""
    return CORPORA / name if (CORPORA / name).is_dir() else TESTDATA / name


def _report2() -> list[Picture]:
    pdq = _dataset("threatexchange-pdq")
    imagenet = _dataset("imagenet-sample")
    out: list[Picture] = []
    if (pdq / PDQ_ORIGINAL).is_file():
        bridge = Picture(PDQ_ORIGINAL, (pdq / PDQ_ORIGINAL).read_bytes(), "threatexchange-pdq", synthetic=False)
        for path, label, promised in LABELLED:
            bridge.given.append((path, (pdq / path).read_bytes(), label, promised))
        out.append(bridge)
        out += [Picture(p, (pdq / p).read_bytes(), "threatexchange-pdq", synthetic=False) for p in PDQ_OTHERS]
    seen = {hashlib.sha256(p.data).hexdigest() for p in out}
    for f in sorted(imagenet.glob("*.JPEG")):
        data = f.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if sha not in seen:
            seen.add(sha)
            out.append(Picture(f.name, data, "imagenet-sample"))
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


def _figures(t: set[tuple[int, int]], p: set[tuple[int, int]], keep: set[int] | None = None) -> dict:
    """Pairwise precision and recall, over the posts in `keep` (all when None)."""
    if keep is not None:
        t = {x for x in t if x[0] in keep and x[1] in keep}
        p = {x for x in p if x[0] in keep and x[1] in keep}
    ok = len(t & p)
    return {"precision": round(ok / len(p), 4) if p else 1.0, "recall": round(ok / len(t), 4) if t else 1.0,
            "correct_pairs": ok, "found_pairs": len(p), "true_pairs": len(t)}


def measure(which: str) -> dict:
    rng = random.Random(SEEDS[which])
    pics = sources(which)
    if not pics:
        sys.exit(f"no pictures for --set {which}: see tests/data/README.md")
    posts: list[Post] = []
    truth: dict[int, int] = {}
    changes_of: dict[int, list[str]] = {}
    promised: dict[int, bool] = {}
    blobs: dict[int, bytes] = {}
    source_of: dict[int, str] = {}
    name_of: dict[int, str] = {}
    t0 = datetime(2017, 1, 1, tzinfo=timezone.utc)
    pid = 3 * 10**15

    def add(name: str, data: bytes, root: int) -> int:
        nonlocal pid
        pid += 1
        posts.append(_post(pid, name, data, f"acct{len(posts) % 40}", t0 + timedelta(minutes=len(posts))))
        truth[pid], blobs[pid] = root or pid, data
        return pid

    for pic in pics:
        root = add(pic.name, pic.data, 0)
        promised[root], source_of[root], name_of[root] = True, pic.source, pic.name
        for c in range(COPIES if pic.synthetic else 0):
            copy, changes = repost(rng, pic.data)
            q = add(f"copy{c}-{pic.name}.jpg", copy, root)
            changes_of[q], promised[q] = changes, set(changes) <= PROMISED
        for name, data, label, in_promise in pic.given:
            q = add(name, data, root)
            changes_of[q], promised[q] = [label], in_promise

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
                for member in cl.posts:
                    predicted[member] = n
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    t, p = pairs_of(truth), pairs_of(predicted)
    # Two different Caltech-101 pictures of one category are left out (see tune2).
    p = {x for x in p if x in t or not _same_category(name_of[truth[x[0]]], name_of[truth[x[1]]])}
    whole = _figures(t, p)

    # Recall per kind of change: a copy counts as found when it is in its
    # original's cluster.
    per_change: dict[str, list[int]] = {c: [0, 0] for c in CHANGES}
    missed = []
    for copy, changes in changes_of.items():
        found = predicted[copy] == predicted[truth[copy]]
        for c in changes:
            per_change.setdefault(c, [0, 0])
            per_change[c][0] += found
            per_change[c][1] += 1
        if not found:
            missed.append([name_of[truth[copy]], "+".join(changes)])

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
    for source in sorted(set(source_of.values())):
        keep = {q for q in truth if source_of[truth[q]] == source}
        by_source[source] = {"pictures": sum(1 for r in keep if truth[r] == r), **_figures(t, p, keep),
                             "promised_subset": _figures(t, p, {q for q in keep if promised[q]})}
    inside = {q for q in truth if promised[q]}
    return {"set": which, "pictures": len(pics), "posts": len(posts), "copies_each": COPIES,
            "precision": whole["precision"], "recall": whole["recall"],
            "true_pairs": whole["true_pairs"], "found_pairs": whole["found_pairs"],
            "correct_pairs": whole["correct_pairs"],
            "different_picture_pairs": len(truth) * (len(truth) - 1) // 2 - len(t),
            "by_source": by_source,
            "promised_subset": {"posts": len(inside), **_figures(t, p, inside)},
            "recall_by_change": {c: f"{a}/{n}" for c, (a, n) in per_change.items()},
            "missed_copies_changes": missed,
            "copy_distance_max": copy_d[-1] if copy_d else None,
            "copy_distance_p95": copy_d[int(0.95 * (len(copy_d) - 1))] if copy_d else None,
            "different_pictures_min_distance": apart[:5],
            "wrongly_joined_pictures": [(name_of[a], name_of[b]) for a, b in wrong],
            "max_distance": image_clusters.MAX_DISTANCE}


def _same_category(a: str, b: str) -> bool:
    return "__" in a and "__" in b and a.split("__")[0] == b.split("__")[0]


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
    ap.add_argument("--set", choices=["tune", "tune2", "report", "report2"], required=True)
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
            if args.set == "report2":
                g = f["promised_subset"]
                print(f"        its promised subset: precision {g['precision']:.4f}, recall {g['recall']:.4f} "
                      f"({g['correct_pairs']} of {g['found_pairs']} pairs right; {g['true_pairs']} true)")
    sub = r["promised_subset"]
    print(f"    subset the issue promises (re-encoded, resized, lightly cropped; {sub['posts']} posts): "
          f"precision {sub['precision']:.4f}, recall {sub['recall']:.4f} "
          f"({sub['correct_pairs']} of {sub['found_pairs']} pairs right; {sub['true_pairs']} true)")
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
