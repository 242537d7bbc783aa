"""Every command on a collection that holds no posts yet, or whose index has
no segment (an import that added nothing), and on a folder that is not a
collection: a normal state or a one-line error, never a traceback."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from viewer.cli import _load_commands, cli

_load_commands()


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def empty(tmp_path):
    """A collection made by an import of a file holding only a stream notice."""
    src = tmp_path / "notices.jsonl"
    src.write_text('{"limit": {"track": 12}}\n')
    path = tmp_path / "c"
    res = run("import", "--collection", str(path), "--json", str(src))
    out = json.loads(res.stdout)
    assert res.exit_code == 0 and out["added"] == 0 and out["failed"] == 0 and out["notice_count"] >= 1
    return path


def test_search_on_an_index_with_no_segment_finds_nothing(empty):
    res = run("search", "--collection", str(empty), "--json", "#FreeMosul OR mosul*")
    assert res.exit_code == 0 and json.loads(res.stdout)["total"] == 0
    assert run("search", "--collection", str(empty), "Mosul").stdout.startswith("0 posts match")


def test_stats_on_an_empty_collection(empty):
    out = json.loads(run("stats", "--collection", str(empty), "--json").stdout)
    assert (out["posts"], out["collected"], out["failed_records"]) == (0, 0, 0) and out["notices"] >= 1


def test_verify_and_export_on_an_empty_collection(empty, tmp_path):
    assert run("verify", "--collection", str(empty)).exit_code == 0
    for fmt in ("csv", "xlsx", "jsonl", "html"):
        res = run("export", "--collection", str(empty), "--json", fmt, str(tmp_path / f"out.{fmt}"))
        assert res.exit_code == 0 and json.loads(res.stdout)["posts"] == 0


@pytest.mark.parametrize("args", [["search", "x"], ["stats"], ["verify"], ["export", "csv", "o.csv"],
                                  ["reindex"], ["tag", "list"]])
def test_a_folder_that_is_not_a_collection_is_a_one_line_error(tmp_path, args):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.txt").write_text("not a collection")
    res = CliRunner().invoke(cli, [*args, "--collection", str(folder)])
    assert res.exit_code == 1
    assert res.output.strip().count("\n") == 0 and "no collection here" in res.output
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]
