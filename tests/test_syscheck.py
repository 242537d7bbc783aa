"""`make run`'s check for the X11 libraries Qt's xcb platform needs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from viewer import syscheck

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibfoo-unknown.so.9 => not found
"""


def test_parse_ldd_lists_each_missing_library_once_in_order():
    assert syscheck.parse_ldd(LDD_OUTPUT) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libfoo-unknown.so.9"]


def test_the_report_gives_one_apt_get_line_for_the_known_ones():
    text = syscheck.report(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"])
    apt = [ln.strip() for ln in text.splitlines() if "apt-get install" in ln]
    assert len(apt) == 1
    assert apt[0].endswith("apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0")


def test_a_library_without_a_known_package_is_named_for_the_user_to_find():
    text = syscheck.report(["libfoo-unknown.so.9"])
    assert "apt-get" not in text
    assert "libfoo-unknown.so.9" in text.splitlines()[-1]


@pytest.mark.parametrize(("platform", "env", "expected"), [
    ("linux", {}, True),
    ("linux", {"QT_QPA_PLATFORM": "xcb"}, True),
    ("linux", {"QT_QPA_PLATFORM": "offscreen"}, False),
    ("linux", {"QT_QPA_PLATFORM": "wayland"}, False),
    ("linux", {"XDG_SESSION_TYPE": "wayland"}, False),
    ("linux", {"XDG_SESSION_TYPE": "x11"}, True),
    ("linux", {"XDG_SESSION_TYPE": "wayland", "QT_QPA_PLATFORM": "xcb"}, True),
    ("darwin", {}, False),
    ("win32", {}, False),
])
def test_the_check_runs_only_where_qt_loads_xcb(platform, env, expected):
    assert syscheck.needs_check(platform, env) is expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd is a Linux tool")
def test_the_linker_is_asked_about_a_real_library(tmp_path):
    # Python's zlib module links libz.so.1; a copy whose dependency is renamed
    # (same length, so the ELF stays valid) is one the linker cannot satisfy.
    import zlib

    so = Path(zlib.__file__ or "")
    if so.suffix != ".so" or b"libz.so.1" not in so.read_bytes():
        pytest.skip("zlib is built into this Python")
    assert syscheck.missing_libraries(so) == []
    broken = tmp_path / "broken.so"
    broken.write_bytes(so.read_bytes().replace(b"libz.so.1\0", b"libq.so.7\0"))
    assert syscheck.missing_libraries(broken) == ["libq.so.7"]


def test_offscreen_passes_silently():
    done = subprocess.run([sys.executable, "-m", "viewer.syscheck"], capture_output=True, text=True,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert (done.returncode, done.stderr) == (0, "")
