"""Rows to show while the first search is still on its way.

Opening the window on the whole collection (the empty query) must show posts
at once, but the search's first answer over a million posts takes a few
seconds (its per-document values are loaded then). Every collected post in
time order is also a plain SQLite index walk, so the list starts from that,
and the search's answer replaces it when it comes.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import sqlite_utils

PAGE = 256


class CollectedInTimeOrder(Sequence[int]):
    """The ids of every collected post, oldest (or newest) first, read a page
    at a time as the list asks for them."""

    def __init__(self, db: sqlite_utils.Database, newest_first: bool = False):
        self._db = db
        self._order = "DESC" if newest_first else "ASC"
        self._n = db.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
        self._pages: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return self._n

    def _page(self, no: int) -> list[int]:
        got = self._pages.get(no)
        if got is None:
            # Served by the (collected, created_ts) index; ties by id, as the search orders them.
            got = [r[0] for r in self._db.execute(
                f"SELECT id FROM posts WHERE collected = 1 ORDER BY created_ts {self._order}, id {self._order} "
                f"LIMIT ? OFFSET ?", [PAGE, no * PAGE]).fetchall()]
            if len(self._pages) > 64:
                self._pages.clear()
            self._pages[no] = got
        return got

    @overload
    def __getitem__(self, i: int) -> int: ...

    @overload
    def __getitem__(self, i: slice) -> list[int]: ...

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        page = self._page(i // PAGE)
        k = i % PAGE
        if k >= len(page):
            raise IndexError(i)  # the collection shrank under us
        return page[k]

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        # Only the first pages are ever looked at before the search answers.
        for no in range(min(4, -(-self._n // PAGE))):
            page = self._page(no)
            if value in page:
                return no * PAGE + page.index(value)
        raise ValueError(value)
