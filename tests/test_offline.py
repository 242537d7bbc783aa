"""Offline, proved (DESIGN §8): the suite runs with sockets blocked, so any
network use by the program fails a test loudly; importing, indexing,
searching and verifying the bundled sample work under that block."""
from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketBlockedError

from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import index_sink, verify
from viewer.search import Searcher

from conftest import ROOT, SAMPLE


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_suite_cannot_open_a_network_connection():
    with pytest.raises(SocketBlockedError):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routed


def test_sockets_are_blocked_for_the_whole_suite_by_configuration():
    text = (ROOT / "pyproject.toml").read_text()
    assert "--disable-socket" in text


def test_import_index_search_and_verify_run_with_sockets_blocked(tmp_path):
    if not SAMPLE.is_dir():
        pytest.skip("the bundled sample is absent")
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [SAMPLE], index=index_sink(coll))
    rs = Searcher(coll).search("#FreeMosul filter:media")
    assert rs.total > 0 and rs.hits() and rs.facets and rs.histogram.buckets
    assert verify(coll).ok
