"""`import` and `stats`."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from viewer.collection import Collection
from viewer.curation import load_events_beside
from viewer.formats import ParseOptions
from viewer.errors import DiskFull
from viewer.importer import MAX_REPORTED, ImportReport, import_paths
from viewer.jobs import Job, Progress
from viewer.paths import sample_archive
from viewer.stats import collection_stats
from viewer.cli import cli, collection_option, err, json_option, open_collection, print_json

if TYPE_CHECKING:  # the index (and Whoosh) is imported only when an import runs
    from viewer.index import IndexSink

MAX_FAILURES_SHOWN = 50


class _Bar:
    """A progress bar on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self._tty = sys.stderr.isatty()
        self._last = -1

    def __call__(self, p: Progress) -> None:
        if not self._tty:
            return
        if p.total:
            pct = min(100, int(100 * p.done / p.total))
            if pct == self._last and p.message != "Done":
                return
            self._last = pct
            filled = pct * 30 // 100
            bar = "#" * filled + "-" * (30 - filled)
            # Two phases: reading the files, then indexing the posts for search.
            phase = "indexing" if p.message.startswith("Indexing") else "reading "
            sys.stderr.write(f"\r{phase} [{bar}] {pct:3d}%  {p.posts:,} posts  ")
        else:
            sys.stderr.write(f"\r{p.posts:,} posts  ")
        sys.stderr.flush()

    def close(self) -> None:
        if self._tty:
            sys.stderr.write("\n")


def index_sink(coll: Collection) -> IndexSink:
    from viewer.index import index_sink as make

    return make(coll)


@cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--sample", is_flag=True,
              help="Import the bundled fictional sample (Mosul 2016-2017) and its timeline events.")
@click.option("--id-column", help="CSV: the column holding the post id.")
@click.option("--date-column", help="CSV: the column holding the date.")
@click.option("--text-column", help="CSV: the column holding the text.")
@click.option("--author-column", help="CSV: the column holding the author's handle.")
@click.option("--no-index", is_flag=True,
              help="Only store the posts; build the search index later with `reindex` "
                   "(faster for a batch of large imports).")
@click.option("--failures-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every failure of this import to FILE as JSON lines (the report lists the first "
                   f"{MAX_REPORTED:,}).")
@json_option
@collection_option
def import_cmd(paths: tuple[Path, ...], id_column: str | None, date_column: str | None,
               text_column: str | None, author_column: str | None, no_index: bool, as_json: bool,
               sample: bool, failures_out: Path | None) -> None:
    """Add archives (files, folders, zips, .gz/.bz2/.xz) to the collection.

    `import --sample` adds the bundled sample instead, as the first launch of
    the window does."""
    if sample:
        paths = (*paths, sample_archive())
    if not paths:
        raise click.UsageError("name the archives to import, or use --sample for the bundled one")
    options = ParseOptions(id_column, date_column, text_column, author_column)
    coll = open_collection()
    bar = _Bar()
    job = Job(bar)
    try:
        sink = None if no_index else index_sink(coll)
        report = import_paths(coll, list(paths), options, job, index=sink, on_wait=err)
    except KeyboardInterrupt:
        bar.close()
        err("Interrupted: the posts written so far are kept; import again to finish.")
        sys.exit(130)
    except DiskFull as e:
        bar.close()
        err(str(e))
        sys.exit(1)
    bar.close()
    if failures_out is not None and report.import_id is not None:
        from viewer.cli.repair import write_failures

        n = write_failures(coll.db, report.import_id, failures_out)
        err(f"Wrote {n:,} failures to {failures_out}.")
    if sample and not report.cancelled:
        # The sample's events.json marks its turning points on the chart.
        load_events_beside(coll, [sample_archive()])
    if as_json:
        print_json(report.as_json())
    else:
        _print_report(report)
    if report.index_problem:
        err(f"WARNING: {report.index_problem}")
        raise SystemExit(1)
    if report.nothing_done:
        raise SystemExit(1)


def _print_report(r: ImportReport) -> None:
    for f in r.files:
        if f.status == "already imported":
            click.echo(f"{f.path}: already imported, nothing changed.")
        elif f.status in ("imported", "resumed"):
            extra = " (finished an interrupted import)" if f.status == "resumed" else ""
            click.echo(f"{f.path} [{f.format}]{extra}: {f.added} added, {f.merged} merged, "
                       f"{f.unchanged} unchanged, {f.referenced} referenced originals, {f.failed} failed, "
                       f"{f.notices} notices")
        elif f.status == "cancelled":
            click.echo(f"{f.path}: cancelled partway; import it again to finish.")
    click.echo(f"Total: {r.added} added, {r.merged} merged, {r.unchanged} unchanged, "
               f"{r.referenced} referenced originals, {r.failed} records failed, {r.notice_total} notices.")
    for title, listed in (("Problems:", r.failures), ("Notices (not posts; nothing lost):", r.notices)):
        if not listed:
            continue
        click.echo(title)
        for fail in listed[:MAX_FAILURES_SHOWN]:
            where = f"{fail.file}: {fail.where}" if fail.where else fail.file
            click.echo(f"  {where}: {fail.reason}")
        total = getattr(listed, "total", len(listed))
        if total > MAX_FAILURES_SHOWN:
            more = (f"`archive-viewer failures --import {r.import_id}` lists them all" if listed is r.failures
                    else "the first of them with --json")
            click.echo(f"  … and {total - MAX_FAILURES_SHOWN:,} more: {more}")
    if r.skipped:
        click.echo(f"Passed over {len(r.skipped)} files that hold no posts (metadata, images, other files).")
    if r.cancelled:
        click.echo("Cancelled: the posts written so far are kept; import again to finish.")
    if r.index_problem:
        click.echo(f"Search index NOT updated: {r.index_problem}")


@cli.command("stats")
@json_option
@collection_option
def stats_cmd(as_json: bool) -> None:
    """Counts, span, top hashtags and authors."""
    coll = open_collection(create=False)
    s = collection_stats(coll)
    if as_json:
        print_json(s)
        return
    print_stats(s, str(coll.path))


def print_stats(s: dict, where: str) -> None:
    click.echo(f"Collection: {where}")
    click.echo(f"Posts: {s['posts']:,} ({s['collected']:,} collected, {s['referenced_only']:,} known only as "
               f"originals, {s['deleted']:,} deleted)")
    click.echo(f"Authors: {s['authors']:,}")
    click.echo(f"From {s['first'] or '—'} to {s['last'] or '—'}")
    click.echo(f"Media: {s['media']:,} items, {s['media_files']:,} files stored")
    if s["kinds"]:
        click.echo("Kinds: " + ", ".join(f"{k} {v:,}" for k, v in sorted(s["kinds"].items())))
    if s["hashtags"]:
        click.echo("Top hashtags: " + ", ".join(f"#{h['tag']} ({h['count']:,})" for h in s["hashtags"]))
    if s["top_authors"]:
        click.echo("Top authors: " + ", ".join(f"@{a['author']} ({a['count']:,})" for a in s["top_authors"]))
