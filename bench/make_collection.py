"""A collection of N fictional posts for the search benchmark, built once and
cached under bench/cache/collection-N/ (git-ignored).

The posts are made up (fictional handles, words drawn from a small Mosul
vocabulary) but shaped like a real harvest, so search is measured on what
analysts load: Arabic with prefixed and diacritised forms of الموصل, English,
hashtags with Zipf-like popularity, a few very prolific accounts and a long
tail of quiet ones, retweets carrying a cut text whose original holds the full
one, replies, quotes, photos and links, dated over the 2016–2017 offensive and
denser around its turning points. Deterministic for a given N.

They go in through `Store.write_batch`, as the importer writes, then the
index is built with `viewer.index.reindex`.

    python bench/make_collection.py N [--force]
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "cache"
sys.path.insert(0, str(ROOT))

from viewer.collection import Collection  # noqa: E402
from viewer.model import Media, Mention, Post, Url, User  # noqa: E402
from viewer.store import Store  # noqa: E402

START = datetime(2016, 10, 1, tzinfo=timezone.utc)
END = datetime(2017, 7, 31, tzinfo=timezone.utc)
# The offensive's turning points (DESIGN §9): posting surges around them.
PEAKS = [datetime(2016, 10, 17), datetime(2017, 1, 24), datetime(2017, 2, 19),
         datetime(2017, 6, 21), datetime(2017, 7, 10)]

# "Mosul" in its written forms: with clitics, harakat and tatweel. The
# benchmark's Arabic query الموصل must find all of them.
MOSUL_FORMS = ["الموصل", "والموصل", "بالموصل", "للموصل", "الموصِل", "الموصـــل", "الْمَوْصِل", "فالموصل"]
AR_WORDS = ("نينوى تحرير القوات الجيش المدنيين النازحين الحشد الساحل الايسر الايمن حي الزهراء "
            "الجامع النوري المدينة القديمة قادمون اليوم الاهالي الطريق المعركة العراق بغداد اربيل "
            "الشرطة الاتحادية جسر دجلة عاجل مصادر تقدم قصف طيران التحالف عائلات مخيم مساعدات "
            "الحمدانية تلعفر القيارة مطار معسكر الغزلاني الجسر العتيق باب الطوب السوق شارع "
            "الفاروق الحدباء المنارة رصاص هاون سيارة مفخخة قناص انفجار جرحى شهداء اطفال نساء").split()
EN_WORDS = ("iraq forces civilians fleeing offensive east west bank old city mosque troops "
            "liberation district reporter update front line families camp aid convoy river bridge "
            "today morning night heavy fighting coalition airstrike police federal the of and in "
            "to is are army push advance street neighbourhood sniper mortar car bomb wounded killed "
            "children women water food hospital doctors displaced minaret leaning al nuri tigris "
            "breaking sources confirm report video photo watch now live").split()
# The benchmark's rare word: in about one post in 20,000.
RARE_WORD = "qaraqosh"
TAGS = ["تحرير_الموصل", "FreeMosul", "Mosul", "قادمون_يا_نينوى", "العراق", "Iraq", "الموصل",
        "انقذوا_الموصل_من_الحشد", "MosulOffensive", "Ninewa", "الحشد_الشعبي", "SaveMosul"]
LANGS = ["ar"] * 50 + ["en"] * 40 + ["und"] * 5 + ["fr", "tr", "ku", "de", "fa"]


def _handle(i: int) -> str:
    # Fictional: a syllable pair and a number, never a real account's name.
    syll = ["ba", "ka", "ra", "mo", "su", "li", "na", "de", "ti", "zo", "ha", "fa"]
    return f"{syll[i % 12]}{syll[(i // 12) % 12]}{syll[(i // 144) % 12]}_{i}"


def _when(rng: random.Random) -> datetime:
    if rng.random() < 0.45:
        peak = rng.choice(PEAKS).replace(tzinfo=timezone.utc)
        t = peak + timedelta(seconds=rng.gauss(0, 3 * 86400))
        if START <= t < END:
            return t
    return START + timedelta(seconds=rng.random() * (END - START).total_seconds())


def _zipf(n: int, offset: float) -> list[float]:
    """Cumulative Zipf-like weights 1/(rank + offset) for random.choices."""
    total, out = 0.0, []
    for i in range(n):
        total += 1.0 / (i + offset)
        out.append(total)
    return out


class _Authors:
    """A Zipf-like crowd: a few accounts post thousands of times, most a few."""

    def __init__(self, rng: random.Random, n: int):
        self.rng = rng
        self.ids = range(n)
        self.cum = _zipf(n, 10)

    def pick(self) -> int:
        return self.rng.choices(self.ids, cum_weights=self.cum)[0]


_AR_CUM = _zipf(len(AR_WORDS), 3)
_EN_CUM = _zipf(len(EN_WORDS), 3)
_TAG_CUM = _zipf(len(TAGS), 1.5)


def _words(rng: random.Random, arabic: bool, n: int) -> list[str]:
    if arabic:
        return rng.choices(AR_WORDS, cum_weights=_AR_CUM, k=n)
    return rng.choices(EN_WORDS, cum_weights=_EN_CUM, k=n)


def fictional_posts(n: int, seed: int = 2016) -> Iterator[Post]:
    """About n collected posts (plus the uncollected originals some retweets
    point at), in no particular time order, as the formats would yield them."""
    rng = random.Random(seed)
    authors = _Authors(rng, max(50, n // 20))
    recent: list[Post] = []  # originals for retweets, quotes and replies
    next_id = 780_000_000_000_000_000
    for i in range(n):
        next_id += rng.randint(1, 5_000_000_000)
        pid = next_id
        a = authors.pick()
        handle = _handle(a)
        lang = rng.choice(LANGS)
        arabic = lang == "ar" or (lang == "und" and rng.random() < 0.5)
        words = _words(rng, arabic, rng.randint(6, 22))
        if rng.random() < (0.35 if arabic else 0.0):
            words.insert(rng.randrange(len(words) + 1), rng.choice(MOSUL_FORMS))
        if not arabic and rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(["Mosul", "mosul", "MOSUL", "Mosul's"]))
        if rng.random() < 1 / 20000:
            words.insert(rng.randrange(len(words) + 1), RARE_WORD)
        tags = []
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 3)):
                t = rng.choices(TAGS, cum_weights=_TAG_CUM)[0] if rng.random() < 0.9 \
                    else f"tag{rng.randint(1, 5000)}"
                if t not in tags:
                    tags.append(t)
        mentions = []
        if rng.random() < 0.2:
            m = authors.pick()
            mentions.append(Mention(_handle(m), 1_000_000 + m))
        media = []
        r = rng.random()
        if r < 0.2:
            media.append(Media(f"{pid % 10**12}1", "photo", f"https://pbs.example/{pid}.jpg"))
        elif r < 0.23:
            media.append(Media(f"{pid % 10**12}2", "video", f"https://video.example/{pid}.mp4"))
        urls = []
        if rng.random() < 0.1:
            urls.append(Url(f"https://t.co/{pid % 10**8}", f"https://news.example/mosul/{i}", "news.example/…"))
        created = _when(rng)
        text = " ".join(words + ["#" + t for t in tags] + ["@" + m.handle for m in mentions]
                        + [u.expanded for u in urls])
        kind = "post"
        extra: dict = {}
        k = rng.random()
        # Reactions come hours after the post they react to.
        later = lambda t: min(t + timedelta(seconds=rng.expovariate(1 / 21600)), END)  # noqa: E731
        if recent and k < 0.25:
            orig = rng.choice(recent)
            kind = "retweet"
            # The retweet's own text is cut, as v1.1 and account archives
            # give it; the original (below or earlier) holds the full text.
            text = f"RT @{orig.author_handle}: {orig.text}"[:140]
            extra = {"retweet_of": orig.id, "text_full": False}
            tags, mentions, media, urls = [], [Mention(orig.author_handle or "x", orig.author_id)], [], []
            if rng.random() < 0.3:
                # An original known only through this retweet.
                next_id += 1
                hidden = Post(id=next_id, created_at=orig.created_at, text=orig.text + " " + " ".join(
                    _words(rng, arabic, 5)), author_id=orig.author_id, author_handle=orig.author_handle,
                    lang=orig.lang, collected=False, hashtags=list(orig.hashtags), raw=b"{}",
                    location=f"entry {i}")
                extra["retweet_of"] = hidden.id
                text = f"RT @{hidden.author_handle}: {hidden.text}"[:140]
                yield hidden
            created = later(orig.created_at)
        elif recent and k < 0.37:
            orig = rng.choice(recent)
            kind = "reply"
            text = f"@{orig.author_handle} {text}"
            extra = {"reply_to": orig.id, "reply_to_user_id": orig.author_id,
                     "reply_to_handle": orig.author_handle, "conversation_id": orig.id}
            mentions.append(Mention(orig.author_handle or "x", orig.author_id))
            created = later(orig.created_at)
        elif recent and k < 0.45:
            orig = rng.choice(recent)
            kind = "quote"
            extra = {"quote_of": orig.id}
            created = later(orig.created_at)
        post = Post(id=pid, created_at=created, text=text, author_id=1_000_000 + a, author_handle=handle,
                    author_name=f"Fictional {handle.split('_')[0].title()}", lang=lang, kind=kind,
                    hashtags=tags, mentions=mentions, urls=urls, media=media,
                    raw=b'{"id":"%d","fictional":true}' % pid, location=f"entry {i}", **extra)
        if kind == "post" and (len(recent) < 5000 or rng.random() < 0.05):
            if len(recent) >= 5000:
                recent[rng.randrange(5000)] = post
            else:
                recent.append(post)
        yield post


def collection_path(n: int) -> Path:
    return CACHE / f"collection-{n}"


def build(n: int, force: bool = False, quiet: bool = False) -> Path:
    """The cached collection of n posts, built (store, then index) if absent."""
    from viewer.index import reindex

    path = collection_path(n)
    done = path / ".complete"
    if done.exists() and not force:
        return path
    if path.exists():
        shutil.rmtree(path)
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    coll = Collection.open(path)
    store = Store(coll.db, coll.media_dir)
    import_id = store.begin_import([f"fictional:{n}"])
    source_id = store.start_source(import_id, f"fictional:{n}", "fictional", f"fictional-{n}", "fictional", None)
    batch: list[Post] = []
    users: dict[int, User] = {}
    written = 0
    for p in fictional_posts(n):
        batch.append(p)
        if p.author_id not in users:
            users[p.author_id] = User(p.author_id, p.author_handle, p.author_name)
        if len(batch) >= 5000:
            store.write_batch(source_id, batch, list(users.values()), [])
            written += len(batch)
            batch, users = [], {}
            if written % 100_000 < 5000:
                say(f"  stored {written:,} posts ({time.perf_counter() - t0:.0f} s)")
    if batch:
        store.write_batch(source_id, batch, list(users.values()), [])
    store.finish_source(source_id, "complete")
    store.finish_import(import_id, "complete", 0, 0, 0, 0)
    t1 = time.perf_counter()
    say(f"stored in {t1 - t0:.1f} s; indexing …")
    count = reindex(coll)
    say(f"indexed {count:,} posts in {time.perf_counter() - t1:.1f} s")
    coll.close()
    done.write_text(f"{n}\n")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--force", action="store_true", help="rebuild even when cached")
    args = ap.parse_args()
    print(build(args.n, args.force))


if __name__ == "__main__":
    main()
