"""What the format tests share: the real corpora, reading a path through the
registry as the importer does, and small archive pieces written by the tests."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from viewer.formats import ParseOptions, detect
from viewer.model import Post, Problem, User
from viewer.sources import expand

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def needs(corpus: str):
    """Skip unless the named corpus folder is there."""
    return pytest.mark.skipif(not (CORPORA / corpus).is_dir(), reason=f"corpus {corpus} is absent")


class Parsed:
    """Everything the registry made of one path (a file or a folder)."""

    def __init__(self, path: Path):
        self.formats: dict[str, str | None] = {}  # member → format name
        self.auxiliary: set[str] = set()
        self.items: list[Any] = []
        for src in expand(Path(path)).files:
            fmt = detect(src)
            self.formats[src.member] = fmt.name if fmt else None
            if fmt is None:
                continue
            if fmt.auxiliary:
                self.auxiliary.add(src.member)
            self.items.extend(fmt.parse(src, ParseOptions()))

    @property
    def posts(self) -> list[Post]:
        return [i for i in self.items if isinstance(i, Post)]

    @property
    def collected(self) -> dict[int, Post]:
        """The posts collected themselves, by id (the first record of each)."""
        out: dict[int, Post] = {}
        for p in self.posts:
            if p.collected:
                out.setdefault(p.id, p)
        return out

    @property
    def users(self) -> list[User]:
        return [i for i in self.items if isinstance(i, User)]

    @property
    def problems(self) -> list[Problem]:
        return [i for i in self.items if isinstance(i, Problem)]

    def kinds(self) -> Counter:
        return Counter(p.kind for p in self.collected.values())

    def quoting(self) -> int:
        """Collected posts that quote, or retweet a post that quotes (what
        `is_quote_status` marks)."""
        every = {p.id: p for p in self.posts}
        n = 0
        for p in self.collected.values():
            if p.kind == "quote":
                n += 1
            elif p.kind == "retweet" and p.retweet_of in every and every[p.retweet_of].quote_of:
                n += 1
        return n


def parse(path: Path) -> Parsed:
    return Parsed(path)


def write(path: Path, content: str | bytes, *, bom: bool = False, crlf: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        if crlf:
            content = content.replace("\r\n", "\n").replace("\n", "\r\n")
        data = content.encode("utf-8")
    else:
        data = content
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def jsonl(path: Path, records: list[Any], *, extra_lines: dict[int, str] | None = None, **kw) -> Path:
    """JSON lines; `extra_lines` puts raw text at given 0-based line numbers."""
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    for at, text in sorted((extra_lines or {}).items()):
        lines.insert(at, text)
    return write(path, "\n".join(lines) + "\n", **kw)


def user(uid: str = "2244994945", handle: str = "reporter_mosul", name: str = "Reporter") -> dict:
    return {"id": int(uid), "id_str": uid, "screen_name": handle, "name": name,
            "followers_count": 10, "friends_count": 5, "statuses_count": 100,
            "created_at": "Tue Jan 01 00:00:00 +0000 2013", "description": "Front line &amp; more"}


def status(id_str: str, text: str, **extra: Any) -> dict:
    """A minimal v1.1 status (compat mode: `text`)."""
    d: dict[str, Any] = {
        "created_at": "Mon Oct 17 05:12:00 +0000 2016",
        "id": int(id_str),
        "id_str": id_str,
        "text": text,
        "truncated": False,
        "lang": "en",
        "source": '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>',
        "user": user(),
        "entities": {"hashtags": [], "user_mentions": [], "urls": [], "symbols": []},
        "retweet_count": 3,
        "favorite_count": 7,
        "in_reply_to_status_id": None,
        "in_reply_to_status_id_str": None,
        "is_quote_status": False,
    }
    d.update(extra)
    return d


def ytd(var: str, entries: list[Any]) -> str:
    """An account-archive file: `window.YTD.<var>.part0 = [...]`, pretty-printed."""
    return f"window.YTD.{var} = " + json.dumps(entries, indent=2, ensure_ascii=False)


def fetched(name: str) -> Path | None:
    """A fetched public dataset (never committed): `../shared/corpora/<name>`,
    else `$ARCHIVE_VIEWER_TESTDATA/<name>` (default /work/testdata)."""
    import os

    for base in (CORPORA, Path(os.environ.get("ARCHIVE_VIEWER_TESTDATA", "/work/testdata"))):
        if (base / name).is_dir():
            return base / name
    return None


def needs_testdata(name: str):
    return pytest.mark.skipif(fetched(name) is None, reason=f"test data {name} is absent (see tests/data/README.md)")
