"""What the window remembers between runs (QSettings): geometry, splitters,
time zone, sort order, colour scheme; the collections opened (recent, last);
and, per collection, its last query and search history (one investigation's
searches never show up in another's)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORG = "archive-viewer"
APP = "archive-viewer"


class Settings:
    RECENT_MAX = 10

    def __init__(self, qsettings: QSettings | None = None):
        self.q = qsettings or QSettings(ORG, APP)
        self.scope = ""  # the collection the per-collection keys belong to

    def use_collection(self, path: Path | str) -> None:
        """Per-collection keys from now on are this collection's; it becomes
        the last one opened and the first of the recent ones."""
        resolved = str(Path(path).expanduser().resolve())
        self.scope = "collection-" + hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:16]
        self.q.setValue("collections/last", resolved)
        recent = [resolved] + [r for r in self.recent_collections if r != resolved]
        self.q.setValue("collections/recent", recent[: self.RECENT_MAX])

    def _scoped(self, key: str) -> str:
        return f"{self.scope}/{key}" if self.scope else key

    @property
    def last_collection(self) -> str | None:
        v = self._get("collections/last", "", str)
        return v or None

    @property
    def recent_collections(self) -> list[str]:
        return self._get("collections/recent", [], list)

    @classmethod
    def at(cls, path: str) -> "Settings":
        """Settings kept in one ini file (tests, snapshots: never the user's)."""
        return cls(QSettings(path, QSettings.Format.IniFormat))

    def _get(self, key: str, default: Any, typ: type) -> Any:
        v = self.q.value(key, default)
        if v is None:
            return default
        try:
            if typ is list:
                return [str(x) for x in v] if isinstance(v, (list, tuple)) else ([str(v)] if v else [])
            return typ(v)
        except (TypeError, ValueError):
            return default

    @property
    def geometry(self) -> QByteArray | None:
        v = self.q.value("window/geometry")
        return v if isinstance(v, QByteArray) else None

    @geometry.setter
    def geometry(self, v: QByteArray) -> None:
        self.q.setValue("window/geometry", v)

    @property
    def window_state(self) -> QByteArray | None:
        v = self.q.value("window/state")
        return v if isinstance(v, QByteArray) else None

    @window_state.setter
    def window_state(self, v: QByteArray) -> None:
        self.q.setValue("window/state", v)

    def splitter(self, name: str) -> QByteArray | None:
        v = self.q.value(f"splitters/{name}")
        return v if isinstance(v, QByteArray) else None

    def set_splitter(self, name: str, v: QByteArray) -> None:
        self.q.setValue(f"splitters/{name}", v)

    @property
    def last_query(self) -> str:
        return self._get(self._scoped("search/last_query"), "", str)

    @last_query.setter
    def last_query(self, v: str) -> None:
        self.q.setValue(self._scoped("search/last_query"), v)

    @property
    def history(self) -> list[str]:
        return self._get(self._scoped("search/history"), [], list)

    @history.setter
    def history(self, v: list[str]) -> None:
        self.q.setValue(self._scoped("search/history"), list(v))

    @property
    def sort(self) -> str:
        v = self._get("search/sort", "time", str)
        return v if v in ("time", "-time", "relevance") else "time"

    @sort.setter
    def sort(self, v: str) -> None:
        self.q.setValue("search/sort", v)

    @property
    def time_zone(self) -> str:
        return self._get("view/time_zone", "UTC", str)

    @time_zone.setter
    def time_zone(self, v: str) -> None:
        self.q.setValue("view/time_zone", v)

    @property
    def color_scheme(self) -> str:
        v = self._get("view/color_scheme", "system", str)
        return v if v in ("system", "light", "dark") else "system"

    @color_scheme.setter
    def color_scheme(self, v: str) -> None:
        self.q.setValue("view/color_scheme", v)

    def sync(self) -> None:
        self.q.sync()
