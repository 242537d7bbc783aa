"""`repair` (recover a damaged collection) and `failures` (every record an
import could not take, from the collection itself)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import click

from viewer.cli import Abort, cli, collection_option, collection_path, err, json_option, open_collection, print_json
from viewer.jobs import Job


@cli.command("repair")
@click.option("--no-index", is_flag=True, help="Recover the database only; rebuild the index later with `reindex`.")
@json_option
@collection_option
def repair_cmd(no_index: bool, as_json: bool) -> None:
    """Recover what SQLite can still read of a damaged collection into a fresh
    collection.db (the damaged file is kept, renamed) and rebuild the index."""
    from viewer.repair import NothingToRepair, repair

    path = collection_path()
    err(f"Recovering {path} …")
    try:
        report = repair(path, Job(), rebuild_index=not no_index)
    except NothingToRepair as e:
        raise Abort(str(e)) from None
    if as_json:
        print_json(report.as_json())
    else:
        click.echo(f"The damaged database is kept as {report.kept_as} (SQLite's check said: "
                   f"{report.integrity or 'nothing'}).")
        for table, n in sorted(report.tables.items()):
            if n or table in report.lost:
                lost = (f"; the table is damaged: {report.lost[table]:,} rows named by an index could not be read, "
                        "others may be gone") if table in report.lost else ""
                click.echo(f"  {table}: {n:,} rows recovered{lost}")
        if report.unreadable_tables:
            click.echo("Nothing could be read of: " + ", ".join(report.unreadable_tables))
        if report.indexed is not None:
            click.echo(f"Search index rebuilt: {report.indexed:,} posts.")
        elif report.index_problem:
            click.echo(f"The search index could not be rebuilt: {report.index_problem}")
    if report.index_problem:
        raise SystemExit(1)


def failure_rows(db: Any, import_id: int | None) -> Iterator[dict[str, Any]]:
    """Every problem recorded by one import (None: by every import), oldest first."""
    # Notices (records that were never posts, conversions that lost
    # nothing) are not failures.
    sql = ("SELECT s.import_id, s.path, p.location, p.reason FROM problems p JOIN sources s ON s.id = p.source_id "
           "WHERE coalesce(p.notice, 0) = 0 ")
    args: list[Any] = []
    if import_id is not None:
        sql += "AND s.import_id = ? "
        args.append(import_id)
    sql += "ORDER BY p.id"
    for imp, path, location, reason in db.execute(sql, args):
        yield {"import": imp, "file": path, "where": location, "reason": reason}


def write_failures(db: Any, import_id: int | None, out: Path) -> int:
    """All failures of an import as JSON lines in `out`; how many."""
    n = 0
    tmp = out.with_name(f".{out.name}.part")
    with open(tmp, "w", encoding="utf-8") as f:
        for row in failure_rows(db, import_id):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    tmp.replace(out)
    return n


@cli.command("failures")
@click.option("--import", "import_id", type=int, help="The import to list (default: the last one).")
@click.option("--all", "every", is_flag=True, help="List the failures of every import.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write them as JSON lines to this file.")
@json_option
@collection_option
def failures_cmd(import_id: int | None, every: bool, out: Path | None, as_json: bool) -> None:
    """Every record an import could not take, and why (kept in the collection)."""
    coll = open_collection(create=False)
    if not every and import_id is None:
        row = coll.db.execute("SELECT max(id) FROM imports").fetchone()
        import_id = row[0] if row else None
        if import_id is None:
            click.echo("No import yet.")
            return
    which = None if every else import_id
    if out is not None:
        n = write_failures(coll.db, which, out)
        click.echo(f"Wrote {n:,} failures to {out}.")
        return
    if as_json:
        print_json(list(failure_rows(coll.db, which)))
        return
    n = 0
    for row in failure_rows(coll.db, which):
        n += 1
        where = f"{row['file']}: {row['where']}" if row["where"] else row["file"]
        click.echo(f"{where}: {row['reason']}")
    click.echo(f"{n:,} failures" + ("" if every else f" in import {import_id}") + ".", err=n > 0)
