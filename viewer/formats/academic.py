"""academictwitteR's output folder: `data_<id>.json` beside `users_<id>.json`.

`get_all_tweets(..., data_path=)` writes each API page as two files named by
the page's last tweet id: `data_<id>.json`, a JSON array of v2 tweets, and
`users_<id>.json`, that page's `includes` (`users`, `tweets`, `media`,
`places`). Read apart, the tweets lose their authors' names and a retweet
its original's whole text; so the pair is read as the v2 page it was, and the
users file on its own is passed over.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from ..model import Item, Problem
from ..sources import SourceFile
from . import ParseOptions, RecordContext, register_file
from .common import loads
from .v2 import V2

_DATA = re.compile(r"^data_(\d+)\.json$")
_USERS = re.compile(r"^users_(\d+)\.json$")
# academictwitteR pages hold at most 500 tweets; a data file past this is not one.
MAX_BYTES = 256 * 1024 * 1024


def _read(src: SourceFile) -> Any:
    with src.open() as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError("larger than an academictwitteR page can be")
    return loads(data)


class AcademicData:
    name = "academictwitter"
    label = "academictwitteR data file (v2 tweets with their users file)"
    auxiliary = False

    def sniff(self, src: SourceFile, head: str) -> bool:
        return bool(_DATA.match(src.name)) and head.lstrip().startswith("[")

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        try:
            tweets = _read(src)
        except (OSError, ValueError) as e:
            yield Problem("the file", f"not readable as JSON ({e})")
            return
        if not isinstance(tweets, list):
            yield Problem("the file", "not a JSON array of tweets")
            return
        m = _DATA.match(src.name)
        includes: Any = {}
        side = src.sibling(f"users_{m.group(1)}.json") if m else None
        if side is None:
            yield Problem("the file", f"no users_{m.group(1) if m else ''}.json beside it: the tweets are read "
                                      "without their authors' names and retweets without their originals",
                          notice=True)
        else:
            try:
                includes = _read(side)
            except (OSError, ValueError) as e:
                yield Problem("the file", f"its users file cannot be read ({e}): the tweets are read without it",
                              notice=True)
        page = {"data": tweets, "includes": includes if isinstance(includes, dict) else {}}
        yield from V2().page(page, RecordContext("the file", b"", src, options))


class AcademicUsers:
    """`users_<id>.json`: read with its data file."""

    name = "academictwitter-users"
    label = "academictwitteR users file (read with its data file)"
    auxiliary = True

    def sniff(self, src: SourceFile, head: str) -> bool:
        return bool(_USERS.match(src.name)) and head.lstrip().startswith("{") and (
            '"users"' in head or '"tweets"' in head)

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        return iter(())


register_file(AcademicData())
register_file(AcademicUsers())
