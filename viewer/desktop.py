"""The freedesktop menu entry and icon, installed for the current user.

The .desktop file and the SVG ship as package data (viewer/resources/); this
copies them into $XDG_DATA_HOME (default ~/.local/share) where desktop menus
look: applications/archive-viewer.desktop and
icons/hicolor/scalable/apps/archive-viewer.svg."""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from viewer.paths import ICON_NAME, desktop_entry_template, icon


@dataclass(frozen=True)
class DesktopFiles:
    entry: Path
    icon: Path


def data_home() -> Path:
    # The spec: an unset or empty or relative XDG_DATA_HOME means the default.
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def targets(root: Path | None = None) -> DesktopFiles:
    root = root or data_home()
    return DesktopFiles(entry=root / "applications" / f"{ICON_NAME}.desktop",
                        icon=root / "icons" / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg")


def launch_command() -> list[str]:
    """How the menu starts this very installation: the `archive-viewer` script
    beside the running interpreter (a venv, pipx) when there is one, else the
    interpreter with `-m viewer`. A bare name would start whatever is first
    on the menu's PATH, which for a venv install is nothing."""
    script = Path(sys.executable).parent / "archive-viewer"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "viewer"]


def _exec_value(argv: list[str]) -> str:
    # Desktop Entry spec, "The Exec key": arguments with reserved characters
    # are double-quoted, with `"`, `` ` ``, `$` and `\` escaped by a backslash;
    # a literal % is written %%.
    reserved = set(' \t\n"\'\\><~|&;$*?#()`')
    out = []
    for arg in argv:
        arg = arg.replace("%", "%%")
        if any(c in reserved for c in arg):
            arg = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
        out.append(arg)
    return " ".join(out)


def render_entry(argv: list[str]) -> str:
    lines = desktop_entry_template().read_text(encoding="utf-8").splitlines()
    return "\n".join(f"Exec={_exec_value(argv)}" if ln.startswith("Exec=") else ln for ln in lines) + "\n"


def install(root: Path | None = None, argv: list[str] | None = None) -> DesktopFiles:
    """Write the entry and the icon; installing again overwrites both."""
    t = targets(root)
    t.entry.parent.mkdir(parents=True, exist_ok=True)
    t.icon.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icon(), t.icon)
    tmp = t.entry.with_suffix(".desktop.tmp")
    tmp.write_text(render_entry(argv or launch_command()), encoding="utf-8")
    os.replace(tmp, t.entry)
    return t


def uninstall(root: Path | None = None) -> list[Path]:
    """Remove what `install` wrote; returns the files that were there."""
    removed = []
    t = targets(root)
    for p in (t.entry, t.icon):
        if p.is_file():
            p.unlink()
            removed.append(p)
    return removed
