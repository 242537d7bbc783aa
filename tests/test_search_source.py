"""The `source:` operator: posts read from one imported file, by its name
(case-insensitive, wildcards) or a prefix of its SHA-256; from the search
module and from the command line."""
from __future__ import annotations

import hashlib

import pytest
from archive_factory import v1_status, write_jsonl
from click.testing import CliRunner

from viewer.cli import _load_commands, cli
from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import index_sink
from viewer.search import Searcher
from viewer.search.query import QueryError, parse

_load_commands()


@pytest.fixture
def two_sources(tmp_path):
    a = write_jsonl(tmp_path / "Harvest-A.jsonl", [v1_status(i, f"Mosul update {i}") for i in range(5)])
    # Post 4 was collected in both harvests.
    b = write_jsonl(tmp_path / "harvest-b.jsonl", [v1_status(i, f"Mosul update {i}") for i in range(4, 7)])
    path = tmp_path / "coll"
    with Collection.open(path) as coll:
        import_paths(coll, [a, b], index=index_sink(coll))
    return path, a, b


def ids(path, query: str) -> list[int]:
    with Collection.open(path) as coll:
        return sorted(Searcher(coll).search(query).ids)


def test_source_by_file_name_finds_the_posts_read_from_that_file(two_sources):
    path, a, b = two_sources
    every = ids(path, "")
    assert len(ids(path, "source:harvest-b.jsonl")) == 3
    assert len(ids(path, "source:harvest-a.jsonl")) == 5  # any case
    assert ids(path, "source:harvest-*.jsonl") == every
    both = set(ids(path, "source:harvest-a.jsonl")) & set(ids(path, "source:harvest-b.jsonl"))
    assert len(both) == 1


def test_source_by_sha256_prefix(two_sources):
    path, a, b = two_sources
    prefix = hashlib.sha256(b.read_bytes()).hexdigest()[:10]
    assert ids(path, f"source:{prefix}") == ids(path, "source:harvest-b.jsonl")


def test_source_combines_with_other_operators_and_negation(two_sources):
    path, a, b = two_sources
    only_a = set(ids(path, "source:harvest-a.jsonl")) - set(ids(path, "source:harvest-b.jsonl"))
    assert set(ids(path, "source:harvest-a.jsonl -source:harvest-b.jsonl")) == only_a
    assert ids(path, "source:nothing-like-this.csv") == []


def test_source_without_a_value_says_what_it_needs():
    with pytest.raises(QueryError, match="source: needs an imported file"):
        parse("source:")


def test_source_works_from_the_command_line(two_sources):
    path, a, b = two_sources
    res = CliRunner().invoke(cli, ["search", "--collection", str(path), "--ids", "source:HARVEST-B.jsonl"],
                             catch_exceptions=False)
    assert res.exit_code == 0
    assert sorted(int(x) for x in res.output.split()) == ids(path, "source:harvest-b.jsonl")
    helped = CliRunner().invoke(cli, ["search", "--help"])
    assert "source:tweets.js" in helped.output
