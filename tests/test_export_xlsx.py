"""The Excel workbook export: ids come back exactly, texts never run as
formulas, a sheet of posts and one of sources."""
from __future__ import annotations

import json

import openpyxl
import pytest
from archive_factory import snowflake, v1_status, write_jsonl
from click.testing import CliRunner

from viewer import curation
from viewer.cli import _load_commands, cli
from viewer.collection import Collection
from viewer.export.csv import COLUMNS
from viewer.export.xlsx import SOURCE_COLUMNS, export_xlsx
from viewer.importer import import_paths

POSTS = [
    v1_status(0, text="Mosul is Iraq in miniature #FreeMosul", handle="voice"),
    v1_status(1, text="=HYPERLINK(\"http://example.invalid\",\"click\")"),
    v1_status(2, text="الموصل حرة\nسطر ثان #تحرير_الموصل", lang="ar"),
    v1_status(3, text="a bell \x07 in the text"),
]
IDS = [snowflake(i) for i in range(len(POSTS))]


@pytest.fixture
def coll(tmp_path):
    c = Collection.open(tmp_path / "c")
    import_paths(c, [write_jsonl(tmp_path / "s.jsonl", POSTS)])
    yield c
    c.close()


def sheet_rows(path, name):
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_every_id_reads_back_exactly_as_text(coll, tmp_path):
    export_xlsx(coll, IDS, tmp_path / "out.xlsx")
    header, rows = sheet_rows(tmp_path / "out.xlsx", "posts")
    assert list(header) == COLUMNS
    assert [r["id"] for r in rows] == [str(i) for i in IDS]
    assert [r["author_id"] for r in rows] == [p["user"]["id_str"] for p in POSTS]
    cells = openpyxl.load_workbook(tmp_path / "out.xlsx")["posts"]
    assert all(c.data_type == "s" for c in cells["A"][1:])


def test_a_text_that_looks_like_a_formula_stays_text(coll, tmp_path):
    export_xlsx(coll, IDS, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["posts"]
    text_col = COLUMNS.index("text") + 1
    cell = ws.cell(row=3, column=text_col)
    assert cell.value == POSTS[1]["full_text"] and cell.data_type == "s"


def test_arabic_newlines_counts_and_tags(coll, tmp_path):
    curation.tag_posts(coll, "evidence", IDS[2:3])
    export_xlsx(coll, IDS, tmp_path / "out.xlsx")
    _, rows = sheet_rows(tmp_path / "out.xlsx", "posts")
    assert rows[2]["text"] == "الموصل حرة\nسطر ثان #تحرير_الموصل" and json.loads(rows[2]["tags"]) == ["evidence"]
    assert rows[3]["text"] == "a bell  in the text"
    assert isinstance(rows[0]["public_metrics.like_count"], int)


def test_the_sources_sheet_names_each_file(coll, tmp_path):
    export_xlsx(coll, IDS, tmp_path / "out.xlsx")
    header, rows = sheet_rows(tmp_path / "out.xlsx", "sources")
    assert list(header) == SOURCE_COLUMNS
    [src] = rows
    assert src["name"] == "s.jsonl" and src["format"] == "v1.1" and src["added"] == len(POSTS)
    assert len(src["sha256"]) == 64


def test_the_command_line_offers_xlsx(tmp_path):
    _load_commands()
    runner = CliRunner()
    src = write_jsonl(tmp_path / "s.jsonl", POSTS)
    c = str(tmp_path / "c")
    assert runner.invoke(cli, ["import", "--collection", c, "--no-index", str(src)]).exit_code == 0
    res = runner.invoke(cli, ["export", "--collection", c, "--json", "xlsx", str(tmp_path / "all.xlsx")])
    assert res.exit_code == 0 and json.loads(res.stdout)["posts"] == len(POSTS)
    _, rows = sheet_rows(tmp_path / "all.xlsx", "posts")
    assert sorted(int(r["id"]) for r in rows) == IDS
