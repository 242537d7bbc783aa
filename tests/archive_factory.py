"""Small archives written by the tests themselves, in the real formats."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

BASE = datetime(2016, 10, 17, 5, 0, tzinfo=timezone.utc)
EPOCH_MS = 1288834974657


def snowflake(i: int) -> int:
    ts = BASE + timedelta(minutes=i)
    return ((int(ts.timestamp() * 1000) - EPOCH_MS) << 22) | (i % 4096)


def v1_status(i: int, text: str | None = None, handle: str = "reporter_mosul", **extra) -> dict:
    """A v1.1 status as twarc 1 wrote it, with `id_str` the truth."""
    tid = snowflake(i)
    ts = BASE + timedelta(minutes=i)
    d = {
        "created_at": ts.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "id": tid,
        "id_str": str(tid),
        "full_text": text if text is not None else f"Update {i} from the front line #Mosul",
        "truncated": False,
        "lang": "en",
        "user": {"id": 1000 + len(handle), "id_str": str(1000 + len(handle)), "screen_name": handle,
                 "name": handle.replace("_", " ").title()},
        "entities": {"hashtags": [{"text": "Mosul", "indices": [0, 0]}], "user_mentions": [], "urls": []},
        "retweet_count": 1,
        "favorite_count": 2,
        "source": '<a href="http://example.invalid" rel="nofollow">Example App</a>',
    }
    d.update(extra)
    return d


def v2_page(statuses: list[tuple[int, str]], handle: str = "reporter_mosul") -> dict:
    """A twarc2 response page holding the given (i, text) posts."""
    uid = str(1000 + len(handle))
    data = []
    for i, text in statuses:
        tid = snowflake(i)
        ts = BASE + timedelta(minutes=i)
        data.append({"id": str(tid), "text": text, "author_id": uid, "conversation_id": str(tid),
                     "created_at": ts.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "lang": "en",
                     "edit_history_tweet_ids": [str(tid)],
                     "public_metrics": {"retweet_count": 5, "reply_count": 0, "like_count": 9, "quote_count": 0}})
    return {"data": data, "includes": {"users": [{"id": uid, "username": handle, "name": "Reporter"}]},
            "meta": {"result_count": len(data)},
            "__twarc": {"url": "x", "version": "2.14.0", "retrieved_at": "2026-01-01"}}


def write_jsonl(path: Path, records: list, lines: list[str] | None = None, newline: str = "\n") -> Path:
    out = [json.dumps(r, ensure_ascii=False) for r in records]
    if lines:
        out.extend(lines)
    path.write_text(newline.join(out) + newline, encoding="utf-8")
    return path
