"""N fictional twarc2 posts as API response pages, deterministic.

Shaped like a twarc2 search harvest (100 tweets a page, `includes` with users,
referenced originals and media, `meta`, `__twarc`), with a realistic mix of
Arabic and English, retweets, quotes, replies, hashtags, mentions and links,
so that import and search are measured on what users really load.

    python bench/gen_twarc2.py N OUT.jsonl [PART]

PART (0 by default) makes another file of the same harvest: its own seed and
posts whose ids differ from every other part's by construction (each part's
times fall on its own millisecond within the second, part 0's on .000), so
ten parts of 1M are one 10M harvest. Part 0 is the file this script always
wrote.
"""
from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

EPOCH_MS = 1288834974657  # Twitter's snowflake epoch
START = datetime(2016, 10, 16, tzinfo=timezone.utc)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
SPAN_S = 270 * 86400

AR_WORDS = ("الموصل والموصل بالموصل للموصل الْمَوْصِل نينوى تحرير القوات الجيش المدنيين النازحين "
            "الحشد الساحل الايسر الايمن حي الزهراء الجامع النوري المدينة القديمة قادمون اليوم "
            "الاهالي الطريق المعركة العراق بغداد اربيل الشرطة الاتحادية جسر دجلة").split()
EN_WORDS = ("Mosul Iraq forces civilians fleeing offensive east west bank old city mosque troops "
            "liberation district reporter update front line families camp aid convoy river bridge "
            "today morning night heavy fighting coalition airstrike police federal").split()
TAGS = ["تحرير_الموصل", "قادمون_يا_نينوى", "FreeMosul", "Mosul", "الموصل", "Iraq", "انقذوا_الموصل_من_الحشد"]


def snowflake(ts: datetime, seq: int) -> int:
    # Integer milliseconds: ts.timestamp() * 1000 in floating point can land
    # a millisecond low once ts has a fraction of a second.
    ms = (ts - EPOCH) // timedelta(milliseconds=1)
    return ((ms - EPOCH_MS) << 22) | (seq & 0x3FFFFF)


def make_users(rng: random.Random, n: int) -> list[dict]:
    users = []
    for i in range(n):
        uid = str(700000000 + i * 7919)
        users.append({
            "id": uid, "username": f"bench_user_{i}", "name": f"Bench User {i}",
            "description": "fictional account for benchmarks", "created_at": "2012-01-01T00:00:00.000Z",
            "public_metrics": {"followers_count": rng.randint(0, 50000), "following_count": rng.randint(0, 2000),
                               "tweet_count": rng.randint(10, 90000), "listed_count": rng.randint(0, 300)},
            "verified": False, "profile_image_url": f"https://pbs.twimg.com/profile_images/{uid}/a.jpg",
        })
    return users


def text_for(rng: random.Random) -> tuple[str, str, list[str]]:
    arabic = rng.random() < 0.55
    words = rng.choices(AR_WORDS if arabic else EN_WORDS, k=rng.randint(6, 22))
    tags = rng.sample(TAGS, k=rng.randint(0, 2))
    text = " ".join(words) + "".join(f" #{t}" for t in tags)
    return text, ("ar" if arabic else "en"), tags


def tweet(rng: random.Random, tid: int, ts: datetime, user: dict, text: str, lang: str, tags: list[str]) -> dict:
    entities: dict = {}
    if tags:
        entities["hashtags"] = []
        for t in tags:
            start = text.find("#" + t)
            entities["hashtags"].append({"start": start, "end": start + len(t) + 1, "tag": t})
    return {
        "id": str(tid), "text": text, "author_id": user["id"], "conversation_id": str(tid),
        "created_at": f"{ts:%Y-%m-%dT%H:%M:%S}.{ts.microsecond // 1000:03d}Z", "lang": lang,
        "source": "Twitter for Android",
        "edit_history_tweet_ids": [str(tid)], "possibly_sensitive": False, "reply_settings": "everyone",
        "public_metrics": {"retweet_count": rng.randint(0, 500), "reply_count": rng.randint(0, 50),
                           "like_count": rng.randint(0, 2000), "quote_count": rng.randint(0, 20)},
        "entities": entities,
    }


def generate(n: int, out: Path, seed: int = 2016, part: int = 0) -> None:
    if not 0 <= part < 1000:
        raise ValueError("part must be in 0..999 (its millisecond within the second)")
    rng = random.Random(seed + part)
    users = make_users(rng, max(50, n // 200))
    # Whole seconds plus the part's own millisecond: within a part the
    # sequence number (the post's index, < 2**22) keeps ids apart, between
    # parts the millisecond does.
    if n > 0x400000:
        raise ValueError("at most 4,194,304 posts per part (the snowflake's sequence bits)")
    shift = timedelta(milliseconds=part)
    times = sorted(START + shift + timedelta(seconds=rng.randrange(SPAN_S)) for _ in range(n))
    originals: list[dict] = []
    with open(out, "w", encoding="utf-8") as f:
        for page_start in range(0, n, 100):
            data, inc_tweets, inc_users = [], {}, {}
            for i in range(page_start, min(n, page_start + 100)):
                ts = times[i]
                tid = snowflake(ts, i)
                user = users[rng.randrange(len(users))]
                inc_users[user["id"]] = user
                r = rng.random()
                if r < 0.25 and originals:
                    orig = originals[rng.randrange(len(originals))]
                    ou = next(u for u in users if u["id"] == orig["author_id"])
                    t = tweet(rng, tid, ts, user, f"RT @{ou['username']}: {orig['text']}"[:140], orig["lang"], [])
                    t["referenced_tweets"] = [{"type": "retweeted", "id": orig["id"]}]
                    inc_tweets[orig["id"]] = orig
                    inc_users[ou["id"]] = ou
                else:
                    text, lang, tags = text_for(rng)
                    t = tweet(rng, tid, ts, user, text, lang, tags)
                    if r < 0.35 and originals:
                        orig = originals[rng.randrange(len(originals))]
                        t["referenced_tweets"] = [{"type": "quoted", "id": orig["id"]}]
                        inc_tweets[orig["id"]] = orig
                    elif r < 0.5 and originals:
                        orig = originals[rng.randrange(len(originals))]
                        t["referenced_tweets"] = [{"type": "replied_to", "id": orig["id"]}]
                        t["in_reply_to_user_id"] = orig["author_id"]
                        t["conversation_id"] = orig["conversation_id"]
                        inc_tweets[orig["id"]] = orig
                    if rng.random() < 0.3:
                        originals.append(t)
                        if len(originals) > 5000:
                            originals.pop(0)
                data.append(t)
            page = {
                "data": data,
                "includes": {"users": list(inc_users.values()), "tweets": list(inc_tweets.values())},
                "meta": {"result_count": len(data), "newest_id": data[-1]["id"], "oldest_id": data[0]["id"]},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0",
                            "retrieved_at": "2026-11-24T00:00:00+00:00"},
            }
            f.write(json.dumps(page, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    generate(int(sys.argv[1]), Path(sys.argv[2]), part=int(sys.argv[3]) if len(sys.argv) == 4 else 0)
