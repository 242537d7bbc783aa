"""`archive-viewer import` and `stats` as a user runs them: exit status, text, JSON."""
from __future__ import annotations

import json

from archive_factory import v1_status, write_jsonl
from click.testing import CliRunner

from viewer.cli import _load_commands, cli

_load_commands()


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_import_json_gives_counts_and_each_failure(tmp_path):
    src = write_jsonl(tmp_path / "s.jsonl", [v1_status(i) for i in range(3)], lines=["{not json"])
    res = run("import", "--collection", str(tmp_path / "c"), "--json", "--no-index", str(src))
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert (out["added"], out["merged"], out["unchanged"], out["failed"]) == (3, 0, 0, 1)
    assert out["failures"][0]["file"] == str(src)
    assert (out["failures"][0]["line"], out["failures"][0]["entry"]) == (4, None)
    assert out["failures"][0]["reason"].startswith("not valid JSON")


def test_import_exits_1_when_nothing_could_be_done(tmp_path):
    res = run("import", "--collection", str(tmp_path / "c"), str(tmp_path / "nothing-here.jsonl"))
    assert res.exit_code == 1
    assert "no such file or folder" in res.stdout


def test_import_exits_2_on_bad_usage(tmp_path):
    assert run("import", "--collection", str(tmp_path / "c")).exit_code == 2
    assert run("import", "--no-such-option", "x").exit_code == 2


def test_the_collection_comes_from_the_environment_when_not_named(tmp_path):
    src = write_jsonl(tmp_path / "s.jsonl", [v1_status(1)])
    env = {"ARCHIVE_VIEWER_COLLECTION": str(tmp_path / "env-coll")}
    assert run("import", "--no-index", str(src), env=env).exit_code == 0
    assert (tmp_path / "env-coll" / "collection.db").exists()


def test_stats_json_says_what_the_collection_holds(tmp_path):
    original = v1_status(0, text="Mosul is Iraq in miniature #FreeMosul", handle="voice")
    original["entities"]["hashtags"] = [{"text": "FreeMosul", "indices": [27, 37]}]
    rt = v1_status(1, text="RT @voice: Mosul is Iraq in miniature #FreeMosul", retweeted_status=original)
    rt["entities"]["hashtags"] = [{"text": "freemosul", "indices": [38, 48]}]
    src = write_jsonl(tmp_path / "s.jsonl", [rt, v1_status(2)])
    run("import", "--collection", str(tmp_path / "c"), "--no-index", str(src))
    res = run("stats", "--collection", str(tmp_path / "c"), "--json")
    assert res.exit_code == 0
    s = json.loads(res.stdout)
    assert (s["posts"], s["collected"], s["authors"]) == (3, 2, 1)
    assert s["first"] == "2016-10-17T05:01:00Z" and s["last"] == "2016-10-17T05:02:00Z"
    # #FreeMosul and #freemosul are one hashtag, shown as the original
    # writes it (the tie of one each goes to the first in code-point order);
    # only the collected retweet is counted.
    assert {"tag": "FreeMosul", "count": 1} in s["hashtags"]
    assert all(h["tag"].casefold() != "freemosul" for h in s["hashtags"] if h["tag"] != "FreeMosul")
    assert (s["media"], s["media_files"]) == (0, 0)


def test_stats_on_a_folder_with_no_collection_exits_1(tmp_path):
    res = run("stats", "--collection", str(tmp_path / "empty"))
    assert res.exit_code == 1
    assert "no collection here" in res.output



def test_import_json_names_the_specific_format_and_counts_notices_apart(tmp_path):
    page = {"data": [{"id": "5", "text": "hello", "author_id": "1"}, {"text": "no id"}],
            "includes": {"users": [{"id": "1", "username": "u"}]}}
    src = write_jsonl(tmp_path / "p.jsonl", [], lines=[json.dumps(page), '{"limit": {"track": 3}}'])
    out = json.loads(run("import", "--collection", str(tmp_path / "c"), "--json", "--no-index", str(src)).stdout)
    assert out["files"][0]["format"] == "v2"
    # The second tweet of the page on line 1 has no id: entry 2 of line 1.
    assert [(f["line"], f["entry"]) for f in out["failures"]] == [(1, 2)]
    assert out["notice_count"] == 1 and out["notices"][0]["line"] == 2 and out["failed"] == 1


def test_import_summary_says_failures_and_notices(tmp_path):
    src = write_jsonl(tmp_path / "s.jsonl", [v1_status(0)], lines=["{not json", '{"limit": {"track": 3}}'])
    text = run("import", "--collection", str(tmp_path / "c"), "--no-index", str(src)).stdout
    assert "1 records failed, 1 notices." in text
    assert "Notices (not posts; nothing lost):" in text and "rate-limit notice" in text
