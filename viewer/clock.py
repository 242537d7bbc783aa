"""Times shown in the zone the analyst chose: UTC, local, or a named zone."""
from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.tz import tzlocal

# Offered in the menu; any IANA name works through the settings too.
COMMON_ZONES = ["UTC", "local", "Asia/Baghdad", "Europe/London", "America/New_York"]


class Clock:
    def __init__(self, zone: str = "UTC"):
        self.zone = "UTC"
        self._tz: tzinfo | None = timezone.utc
        self.set_zone(zone)

    def set_zone(self, zone: str) -> None:
        """UTC, "local" (the computer's zone), or an IANA name; an unknown name
        falls back to UTC rather than failing at startup."""
        if zone == "local":
            self.zone, self._tz = "local", None
            return
        if zone in ("UTC", "utc", ""):
            self.zone, self._tz = "UTC", timezone.utc
            return
        try:
            self._tz = ZoneInfo(zone)
            self.zone = zone
        except (ZoneInfoNotFoundError, ValueError):
            self.zone, self._tz = "UTC", timezone.utc

    @property
    def tzinfo(self) -> tzinfo:
        """The zone as a tzinfo (the computer's own for "local", following its
        daylight-saving rules)."""
        if self._tz is None:
            return tzlocal()
        return self._tz

    def short_label(self) -> str:
        """A few characters for an axis: UTC, +03, CET."""
        if self.zone == "UTC":
            return "UTC"
        return datetime.now(self.tzinfo).strftime("%Z") or self.zone

    def datetime(self, ts: int) -> datetime:
        if self._tz is None:
            return datetime.fromtimestamp(ts).astimezone()
        return datetime.fromtimestamp(ts, self._tz)

    def format(self, ts: int | None, seconds: bool = False) -> str:
        if ts is None:
            return "—"
        return self.datetime(ts).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")

    def label(self) -> str:
        return "local time" if self.zone == "local" else self.zone
