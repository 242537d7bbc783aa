"""Shared test setup: headless Qt, sockets blocked (pyproject addopts), and the
paths of the real corpora and the bundled sample."""
from __future__ import annotations

import faulthandler
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, TextIO

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The property tests draw the same cases on every run, so a red build always
# means a change, never the luck of the draw; `make fuzz` explores further.
settings.register_profile("suite", derandomize=True, database=None)
settings.load_profile("suite")

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SAMPLE = ROOT / "viewer" / "resources" / "sample" / "mosul"

# A worker that dies of a fatal signal (a crash in Qt, say) takes its stack
# dump with it, and CI shows only the last lines of the run. Each xdist worker
# writes its dump to a file the controller reads back at the end, so the top
# frames of the crashing thread are the last thing printed.
CRASH_DIR = Path(os.environ.setdefault("ARCHIVE_VIEWER_CRASH_DIR", tempfile.mkdtemp(prefix="av-crash-")))
_crash_file: TextIO | None = None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    global _crash_file
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        _crash_file = open(CRASH_DIR / f"{worker}.txt", "w")  # noqa: SIM115 - open until the process ends
        faulthandler.enable(file=_crash_file, all_threads=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    crashed = False
    for dump in sorted(CRASH_DIR.glob("*.txt")):
        text = dump.read_text(errors="replace")
        if "Current thread" not in text:
            continue
        crashed = True
        what = text.splitlines()[0] if text.strip() else "a fatal error"
        current = text[text.index("Current thread"):].split("\n\n")[0].splitlines()
        # Our frames and the standard library's; pytest's and execnet's are noise.
        ours = [line for line in current[1:] if "site-packages" not in line and "<string>" not in line]
        terminalreporter.section(f"crash in {dump.stem} (whole dump: {dump})")
        terminalreporter.write_line(what)
        for line in ours[:20]:
            terminalreporter.write_line(line)
    if not crashed:
        shutil.rmtree(CRASH_DIR, ignore_errors=True)


needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent")


@pytest.fixture
def collection(tmp_path):
    """A fresh, empty collection in a temporary folder."""
    from viewer.collection import Collection

    coll = Collection.open(tmp_path / "collection")
    yield coll
    coll.close()
