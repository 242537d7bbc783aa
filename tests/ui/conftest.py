"""Fixtures for the window's tests: the bundled sample imported once per test
process (tests that only read share it), small collections written by the
test where one needs its own data, and windows that keep their settings in
a throwaway file."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ui_helpers import SAMPLE, WAIT_MS  # noqa: E402


@pytest.fixture(scope="session")
def sample_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled Mosul sample, imported (with its index) and its events
    loaded, once per test process. Read it; never write to it."""
    if not (SAMPLE / "search-harvest.jsonl.gz").exists():
        pytest.skip("the bundled sample is absent")
    from viewer.collection import Collection
    from viewer.importer import import_paths
    from viewer.index import index_sink

    path = tmp_path_factory.mktemp("sample") / "collection"
    with Collection.open(path) as coll:
        import_paths(coll, [SAMPLE], index=index_sink(coll))
        _load_events(coll, SAMPLE / "events.json")
    return path


def _load_events(coll, events_json: Path) -> None:  # type: ignore[no-untyped-def]
    """The sample's events, through the curation module that owns the table."""
    try:
        from viewer.curation import load_events
    except ImportError:
        return
    load_events(coll.db, events_json)


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    from viewer.ui.settings import Settings

    return Settings.at(str(tmp_path / "settings.ini"))


@pytest.fixture
def open_window(qtbot, settings) -> Callable:  # type: ignore[no-untyped-def]
    """open_window(collection_path, query="") → a shown MainWindow whose first
    results are in."""
    from viewer.ui.main_window import MainWindow

    opened = []

    def make(path: Path, query: str = "", size: tuple[int, int] = (1366, 768), wait: bool = True):  # type: ignore[no-untyped-def]
        w = MainWindow(path, settings, query=query)
        qtbot.addWidget(w)
        opened.append(w)
        w.resize(*size)
        if wait:
            with qtbot.waitSignal(w.resultsApplied, timeout=WAIT_MS):
                w.show()
        else:
            w.show()
        return w

    yield make
    for w in opened:
        w.session.close()


@pytest.fixture
def window(open_window, sample_path):  # type: ignore[no-untyped-def]
    """The window on the sample, showing every post."""
    return open_window(sample_path)
