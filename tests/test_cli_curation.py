"""`tag`, `note`, `audit` and `export` as a user runs them: exit status, text, JSON."""
from __future__ import annotations

import csv
import json
import re

import pytest
from archive_factory import snowflake, v1_status, write_jsonl
from click.testing import CliRunner

from viewer.cli import _load_commands, cli
from viewer.export.csv import read_id

_load_commands()

TEXTS = ["Troops raise the flag #FreeMosul", "Civilians fleeing the old city",
         "المدنيون ينزحون من الموصل", "Aid convoy reaches the camp #FreeMosul"]
IDS = [snowflake(i) for i in range(len(TEXTS))]


def status(i: int, text: str) -> dict:
    """A v1.1 status whose hashtags are the ones its text shows."""
    tags = [{"text": t} for t in re.findall(r"#(\w+)", text)]
    return v1_status(i, text=text, entities={"hashtags": tags, "user_mentions": [], "urls": []})


def run(coll, *args, input=None):
    return CliRunner().invoke(cli, [*args, "--collection", str(coll)], input=input, catch_exceptions=False)


@pytest.fixture
def coll(tmp_path):
    """A collection with a search index, imported as a user would."""
    src = write_jsonl(tmp_path / "s.jsonl", [status(i, t) for i, t in enumerate(TEXTS)])
    path = tmp_path / "c"
    res = CliRunner().invoke(cli, ["import", "--collection", str(path), str(src)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return path


def tagged(coll, name) -> list[int]:
    res = run(coll, "search", f"tag:{name}", "--json", "--limit", "100")
    assert res.exit_code == 0, res.output
    return sorted(int(h["id"]) for h in json.loads(res.stdout)["hits"])


def test_tag_add_with_ids_then_tag_list_json(coll):
    res = run(coll, "tag", "add", "evidence", "--ids", str(IDS[0]), str(IDS[1]), "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["added"] == 2
    res = run(coll, "tag", "list", "--json")
    (tag,) = json.loads(res.stdout)
    assert (tag["name"], tag["count"]) == ("evidence", 2)


def test_ids_can_come_comma_separated_or_from_standard_input(coll):
    assert run(coll, "tag", "add", "a", "--ids", f"{IDS[0]},{IDS[1]}").exit_code == 0
    res = run(coll, "tag", "add", "b", "--ids", "-", "--json", input=f"{IDS[2]}\n{IDS[3]}\n")
    assert json.loads(res.stdout)["added"] == 2


def test_tag_add_by_query_then_tag_search_finds_exactly_those(coll):
    res = run(coll, "tag", "add", "flags", "--query", "#FreeMosul", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["added"] == 2
    assert tagged(coll, "flags") == sorted([IDS[0], IDS[3]])


def test_tag_remove_by_query(coll):
    run(coll, "tag", "add", "flags", "--ids", *map(str, IDS))
    res = run(coll, "tag", "remove", "flags", "--query", "#FreeMosul")
    assert res.exit_code == 0 and "Removed flags from 2 posts" in res.stdout
    assert tagged(coll, "flags") == sorted([IDS[1], IDS[2]])


def test_rename_colour_and_delete_keep_the_audit_log(coll):
    run(coll, "tag", "add", "flags", "--ids", str(IDS[0]))
    assert run(coll, "tag", "rename", "flags", "verified").exit_code == 0
    res = run(coll, "tag", "colour", "verified", "green", "--json")
    assert json.loads(res.stdout)["colour"].startswith("#")
    assert run(coll, "tag", "delete", "verified").exit_code == 0
    log = json.loads(run(coll, "audit", "--json").stdout)
    assert [e["action"] for e in reversed(log)] == ["tag-create", "tag", "tag-rename", "tag-recolour", "tag-delete"]


def test_note_adds_lists_and_edits(coll):
    res = run(coll, "note", str(IDS[1]), "Fleeing towards the camp, 17 Oct", "--json")
    assert res.exit_code == 0
    note = json.loads(res.stdout)
    assert note["post_id"] == str(IDS[1])
    run(coll, "note", str(IDS[1]), "Confirmed by a second post", "--edit", str(note["id"]))
    listed = json.loads(run(coll, "note", str(IDS[1]), "--json").stdout)
    assert [n["text"] for n in listed] == ["Confirmed by a second post"]


def test_a_note_is_found_by_has_note(coll):
    run(coll, "note", str(IDS[2]), "Arabic source, check the place")
    res = run(coll, "search", "has:note", "--json")
    assert [h["id"] for h in json.loads(res.stdout)["hits"]] == [str(IDS[2])]


def test_exit_status_2_on_bad_usage(coll):
    assert run(coll, "tag", "add", "x").exit_code == 2  # neither --query nor --ids
    assert run(coll, "tag", "add", "x", "--query", "a", "--ids", "1").exit_code == 2
    assert run(coll, "tag", "add", "x", "--ids", "not-an-id").exit_code == 2
    assert run(coll, "tag", "add", "x", "--query", 'unbalanced "quote').exit_code == 2


def test_exit_status_1_when_nothing_could_be_done(coll):
    res = run(coll, "tag", "remove", "no-such-tag", "--ids", str(IDS[0]))
    assert res.exit_code == 1 and "no tag named" in res.output
    assert run(coll, "tag", "add", "two words", "--ids", str(IDS[0])).exit_code == 1
    assert run(coll, "note", "42", "orphan").exit_code == 1


def test_export_csv_of_a_query_holds_exactly_its_posts(coll, tmp_path):
    run(coll, "tag", "add", "flags", "--ids", str(IDS[0]))
    out = tmp_path / "flags.csv"
    res = run(coll, "export", "csv", str(out), "--query", "#FreeMosul", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["posts"] == 2
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(read_id(r["id"]) for r in rows) == sorted([IDS[0], IDS[3]])
    assert {read_id(r["id"]): r["tags"] for r in rows} == {IDS[0]: '["flags"]', IDS[3]: ""}


def test_export_of_everything_by_default_in_each_format(coll, tmp_path):
    for fmt, out in (("csv", "all.csv"), ("jsonl", "all.jsonl"), ("html", "all.html")):
        res = run(coll, "export", fmt, str(tmp_path / out), "--json")
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout)["posts"] == len(IDS)
    assert len((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()) == len(IDS)
    log = json.loads(run(coll, "audit", "--action", "export", "--json").stdout)
    assert [e["detail"]["format"] for e in log] == ["html", "jsonl", "csv"]


def test_export_with_ids_and_plain_csv(coll, tmp_path):
    out = tmp_path / "two.csv"
    res = run(coll, "export", "csv", str(out), "--ids", f"{IDS[2]},{IDS[0]}", "--plain")
    assert res.exit_code == 0 and "Wrote 2 posts" in res.stdout
    with open(out, encoding="utf-8", newline="") as f:
        assert [r["id"] for r in csv.DictReader(f)] == [str(IDS[2]), str(IDS[0])]


def test_export_to_a_busy_folder_exits_1(coll, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    res = run(coll, "export", "html", str(tmp_path / "busy"))
    assert res.exit_code == 1 and "new or empty folder" in res.output
