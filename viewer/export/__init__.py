"""Exports of a selection or a result set (DESIGN §6): CSV, XLSX, JSONL, HTML.

One entry point, `export`, for the window's export dialog and the command
line; each format lives in its own module, and what they share (posts loaded
in batches with everything a report shows, writing to a temporary name,
the audit-log entry) in viewer.export.common.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from viewer.export.common import FORMATS, ExportError, ExportResult, Target, collected_ids
from viewer.export.csv import export_csv
from viewer.export.html import export_html
from viewer.export.jsonl import export_jsonl
from viewer.jobs import Job

__all__ = ["FORMATS", "ExportError", "ExportResult", "Target", "collected_ids", "export"]


def export(target: Target, fmt: str, ids: Sequence[int], out: Path | str, *, job: Job | None = None,
           query: str | None = None, actor: str | None = None, **options: Any) -> ExportResult:
    """One entry point for the window's export dialog and the command line;
    `options` are the chosen format's own (guard_formulas, provenance,
    images, title)."""
    if fmt == "csv":
        return export_csv(target, ids, out, job=job, query=query, actor=actor, **options)
    if fmt == "xlsx":
        # openpyxl takes a few hundred ms to import: only for this format.
        from viewer.export.xlsx import export_xlsx

        return export_xlsx(target, ids, out, job=job, query=query, actor=actor, **options)
    if fmt == "jsonl":
        return export_jsonl(target, ids, out, job=job, query=query, actor=actor, **options)
    if fmt == "html":
        return export_html(target, ids, out, job=job, query=query, actor=actor, **options)
    raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
