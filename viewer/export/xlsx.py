"""Excel workbook export: the file for spreadsheet users.

A CSV opened in Excel turns a 19-digit post id into a float and loses its
last digits; here every id is a text cell, so it comes back exactly. Two
sheets: `posts`, with the CSV export's columns (twarc-csv's names, then
ours), and `sources`, one row per archive file the exported posts came from
(path, sha256, format, when, counts), for provenance.

Written with openpyxl in write-only mode (rows streamed, not held). A text
an archive wrote is always a text cell, never a formula, whatever it starts
with; characters a workbook cannot hold (C0 controls) are dropped.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from viewer.export.common import ExportResult, atomic_file, iter_bundles, note_missing, record_export, target_db
from viewer.export.csv import COLUMNS, TWARC_COLUMNS, OUR_COLUMNS, row_of
from viewer.jobs import Job

_KINDS = [kind for _, kind in TWARC_COLUMNS + OUR_COLUMNS]
SOURCE_COLUMNS = ["source_id", "path", "name", "format", "sha256", "size", "imported_at", "status", "added",
                  "merged", "unchanged", "referenced", "failed"]
# Excel's limit for one cell.
MAX_CELL = 32767


def _text(ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell | None:
    if value is None:
        return None
    s = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))[:MAX_CELL]
    cell = WriteOnlyCell(ws, value=s)
    # openpyxl takes a string starting with "=" for a formula; an archive's
    # text never is one.
    cell.data_type = "s"
    return cell


def _cell(ws: WriteOnlyWorksheet, value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "number" or isinstance(value, bool):
        return value
    return _text(ws, value)


def _discard(wb: Any) -> None:
    """Close the sheets' half-written temporary files after a failed write
    (a full disk): left to the garbage collector, each would fail again
    there and print a traceback. openpyxl has no public way to do this."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        try:
            writer.close()
        except Exception:  # the same full disk again: nothing more to save
            pass
        try:
            writer.cleanup()
        except Exception:
            pass


def export_xlsx(target: Any, ids: Sequence[int], out: Path | str, *, job: Job | None = None,
                query: str | None = None, actor: str | None = None) -> ExportResult:
    """Write the posts `ids` (in that order) to an .xlsx workbook at `out`."""
    db = target_db(target)
    out = Path(out)
    ids = [int(i) for i in ids]
    wb = Workbook(write_only=True)
    try:
        posts = wb.create_sheet("posts")
        posts.append(COLUMNS)
        written = 0
        source_ids: set[int] = set()
        for batch in iter_bundles(db, ids, job, "Writing the workbook"):
            for b in batch:
                posts.append([_cell(posts, v, k) for v, k in zip(row_of(b), _KINDS, strict=True)])
                source_ids.update(s["source_id"] for s in b.sources if s.get("source_id") is not None)
            written += len(batch)
        sources = wb.create_sheet("sources")
        sources.append(SOURCE_COLUMNS)
        if source_ids:
            marks = ",".join("?" * len(source_ids))
            cur = db.execute(
                "SELECT id, path, name, format, sha256, size, finished_at, status, added, merged, unchanged, "
                f"referenced, failed FROM sources WHERE id IN ({marks}) ORDER BY id", sorted(source_ids))
            for row in cur.fetchall():
                sources.append([v if isinstance(v, int) else _text(sources, v) for v in row])
        with atomic_file(out) as tmp:
            wb.save(tmp)
    except BaseException:
        _discard(wb)
        raise
    result = ExportResult("xlsx", str(out), written, records=written)
    note_missing(result, len(ids))
    record_export(target, result, ids, query, actor)
    return result
