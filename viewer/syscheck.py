"""Before the window opens on Linux: are the system libraries that Qt's xcb
platform plugin links against installed?

Without them Qt aborts with "Could not load the Qt platform plugin xcb" and a
hint about one library at a time. This asks the dynamic linker (`ldd` on
PySide6's own libqxcb.so) which of them are missing and names the one
`apt-get install` line that adds them all. Standard library only: it must run
when Qt cannot load.

    python -m viewer.syscheck      # exit 0 when the window can start, 1 and the line to run when not
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Mapping

# The shared libraries libqxcb.so needs (directly or through Qt), with the
# Debian 12 / Ubuntu package that installs each; names checked with
# `dpkg -S` and `apt-cache policy` on Debian 12. Qt's own libraries and ICU
# come inside the PySide6 wheel.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libpng16.so.16": "libpng16-16",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libexpat.so.1": "libexpat1",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found\s*$", re.MULTILINE)


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    plugin = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def parse_ldd(output: str) -> list[str]:
    """The sonames `ldd` reports as not found, each once, in its order."""
    seen: dict[str, None] = {}
    for name in _NOT_FOUND.findall(output):
        seen.setdefault(name)
    return list(seen)


def missing_libraries(binary: Path) -> list[str]:
    """What the dynamic linker cannot find for `binary`; [] when `ldd` is not
    there to ask (then Qt's own message is the fallback)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    # ldd exits non-zero when a library is missing: read its output anyway.
    done = subprocess.run([ldd, str(binary)], capture_output=True, text=True, timeout=30)
    return parse_ldd(done.stdout)


def install_line(sonames: list[str]) -> str:
    packages = dict.fromkeys(DEBIAN_PACKAGES[s] for s in sonames if s in DEBIAN_PACKAGES)
    prefix = "" if os.geteuid() == 0 else "sudo "
    return f"{prefix}apt-get install {' '.join(packages)}" if packages else ""


def needs_check(platform: str = sys.platform, env: Mapping[str, str] | None = None) -> bool:
    """Only Linux loads xcb, and not when Qt is told to use another platform
    (offscreen for tests and snapshots, wayland) or, told nothing, picks its
    wayland plugin because the session is a Wayland one."""
    env = os.environ if env is None else env
    chosen = env.get("QT_QPA_PLATFORM", "")
    if not platform.startswith("linux"):
        return False
    if chosen:
        return chosen.startswith("xcb")
    return env.get("XDG_SESSION_TYPE", "") != "wayland"


def report(sonames: list[str]) -> str:
    lines = ["The window cannot start: Qt's X11 (xcb) platform needs system libraries that are not installed:",
             "  " + " ".join(sonames)]
    line = install_line(sonames)
    if line:
        lines += ["On Debian or Ubuntu, install them with:", "  " + line]
    unknown = [s for s in sonames if s not in DEBIAN_PACKAGES]
    if unknown:
        lines.append("Find the package that provides " + ", ".join(unknown) + " for your system.")
    return "\n".join(lines)


def check() -> str | None:
    """None when the window can start as far as the linker can tell, else the
    message to print."""
    if not needs_check():
        return None
    plugin = xcb_plugin()
    if plugin is None:
        return None
    missing = missing_libraries(plugin)
    return report(missing) if missing else None


def main() -> int:
    problem = check()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
