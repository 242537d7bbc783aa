"""Shared test setup: headless Qt, sockets blocked (pyproject addopts), and the
paths of the real corpora and the bundled sample."""
from __future__ import annotations

import os
from pathlib import Path

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

needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent")


@pytest.fixture
def collection(tmp_path):
    """A fresh, empty collection in a temporary folder."""
    from viewer.collection import Collection

    coll = Collection.open(tmp_path / "collection")
    yield coll
    coll.close()
