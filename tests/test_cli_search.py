"""`archive-viewer search`, `verify` and `reindex` as a user runs them
(DESIGN §7): exit status, text and JSON, end to end on the bundled sample."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from viewer.cli import _load_commands, cli
from viewer.collection import Collection
from viewer.index import open_index

from conftest import ROOT, SAMPLE
from search_factory import add, post

_load_commands()


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled sample, imported (and so indexed) by the import command."""
    if not SAMPLE.is_dir():
        pytest.skip("the bundled sample is absent")
    path = tmp_path_factory.mktemp("cli") / "c"
    res = run("import", "--collection", str(path), str(SAMPLE))
    assert res.exit_code == 0, res.output
    return str(path)


def test_import_then_search_finds_a_hashtag_end_to_end(sample):
    res = run("search", "#FreeMosul", "--json", "--collection", sample)
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["total"] > 400
    hit = out["hits"][0]
    assert isinstance(hit["id"], str) and hit["id"].isdigit()
    assert hit["created_at"].endswith("Z") and hit["created_at"][10] == "T"
    assert hit["author"] and "freemosul" in hit["text"].lower()
    assert [h["created_at"] for h in out["hits"]] == sorted(h["created_at"] for h in out["hits"])
    assert {"hashtags", "authors", "langs", "kinds", "tags"} <= set(out["facets"])
    assert out["histogram"]["unit"] == "week"
    assert sum(b["count"] for b in out["histogram"]["buckets"]) == out["total"]


def test_the_histogram_can_be_asked_per_day_in_a_time_zone(sample):
    out = json.loads(run("search", "", "--unit", "day", "--tz", "Asia/Baghdad", "--limit", "0", "--json",
                         "--collection", sample).stdout)
    assert (out["histogram"]["unit"], out["histogram"]["zone"]) == ("day", "Asia/Baghdad")
    assert out["histogram"]["buckets"][0]["start"].endswith("T21:00:00Z")  # Baghdad's midnight


def test_ids_prints_every_matching_id(sample):
    res = run("search", "Hamidiyya", "--ids", "--collection", sample)
    ids = res.stdout.split()
    assert len(ids) == 7 and "820521462847438850" in ids


def test_search_json_ids_are_exact_64_bit_strings(sample):
    out = json.loads(run("search", "Hamidiyya", "--json", "--collection", sample).stdout)
    assert out["total"] == 7
    assert "820521462847438850" in [h["id"] for h in out["hits"]]


def test_limit_and_newest_first(sample):
    out = json.loads(run("search", "الموصل", "--limit", "3", "--sort", "-time", "--json",
                         "--collection", sample).stdout)
    assert len(out["hits"]) == 3
    times = [h["created_at"] for h in out["hits"]]
    assert times == sorted(times, reverse=True)


def test_text_output_lists_hits_facets_and_histogram(sample):
    res = run("search", "quadcopter", "--collection", sample)
    assert res.exit_code == 0
    assert res.stdout.startswith("3 posts match 'quadcopter'")
    assert "[quadcopter]" in res.stdout  # the match, marked without HTML
    assert "Histogram:" in res.stdout


def test_a_leading_minus_operator_is_a_query_not_an_option(sample):
    res = run("search", "-filter:retweets", "Hamidiyya", "--json", "--collection", sample)
    assert res.exit_code == 0
    assert json.loads(res.stdout)["total"] == 7


@pytest.mark.parametrize("query", ["from:(((", '"unclosed quote', "-", "mosul OR", "(mosul", "since:soon"])
def test_a_malformed_query_exits_2_with_one_line_on_stderr(sample, query):
    res = CliRunner().invoke(cli, ["search", query, "--collection", sample])
    assert res.exit_code == 2
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "Traceback" not in res.stderr


def test_the_installed_command_gives_no_traceback_for_a_bad_query(sample):
    exe = ROOT / ".venv" / "bin" / "archive-viewer"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "viewer"]
    p = subprocess.run([*cmd, "search", "from:(((", "--collection", sample], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert p.returncode == 2
    assert p.stderr.strip() == "Error: from: needs an account, like from:mosul_eye."


def test_search_in_a_folder_without_a_collection_exits_1(tmp_path):
    assert run("search", "mosul", "--collection", str(tmp_path / "none")).exit_code == 1


def test_verify_says_ok_on_a_fresh_import(sample):
    res = run("verify", "--json", "--collection", sample)
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["ok"] and out["posts"] == out["indexed"] == 6166


def test_verify_catches_a_deleted_document_and_reindex_mends_it(tmp_path):
    path = tmp_path / "c"
    with Collection.open(path) as coll:
        add(coll, [post("one"), post("two"), post("three")])
        ix = open_index(coll)
        w = ix.writer()
        w.delete_document(1)
        w.commit()
    res = run("verify", "--collection", str(path))
    assert res.exit_code == 1
    assert "1 missing from the index" in res.stdout
    res = run("reindex", "--collection", str(path))
    assert res.exit_code == 0 and "Indexed 3 posts." in res.stdout
    assert run("verify", "--collection", str(path)).exit_code == 0
