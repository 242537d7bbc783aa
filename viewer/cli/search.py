"""`search`, `verify` and `reindex`."""
from __future__ import annotations

import sqlite3
import sys
from typing import IO, Any

import click

from viewer.collection import Collection
from viewer.index import LockError, reindex, verify
from viewer.jobs import Job
from viewer.patterns import rebuild as rebuild_patterns
from viewer.search.query import OPERATORS
from viewer.search import SORTS, QueryError, ResultSet, Searcher
from viewer.search.histogram import Histogram
from viewer.cli import Abort, cli, collection_option, err, json_option, open_collection, print_json
from viewer.cli.imports import _Bar


class _QueryProblem(click.UsageError):
    """A query that cannot be understood: one line on stderr, exit status 2."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.message}", err=True)


def _epilog() -> str:
    width = max(len(op) for op, _ in OPERATORS)
    return "Query operators:\n\n\b\n" + "\n".join(f"  {op.ljust(width)}  {what}" for op, what in OPERATORS)


@cli.command("search", epilog=_epilog(), context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Hits to show.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many hits first.")
@click.option("--sort", type=click.Choice(SORTS), default="time", show_default=True,
              help="time: oldest first; -time: newest first; relevance: best match first.")
@click.option("--unit", type=click.Choice(["hour", "day", "week"]), default=None,
              help="Histogram buckets (default: chosen from the span).")
@click.option("--tz", "zone", default=None, metavar="ZONE",
              help="Time zone whose days the histogram counts, e.g. Asia/Baghdad (default UTC).")
@click.option("--ids", "ids_only", is_flag=True, help="Print every matching post id, one a line, and nothing else.")
@json_option
@collection_option
def search_cmd(query: tuple[str, ...], limit: int, offset: int, sort: str, unit: str | None,
               zone: str | None, ids_only: bool, as_json: bool) -> None:
    """Find posts: words in Arabic and English, #hashtags, @mentions and
    Twitter's operators (see below). Prints the total, the hits, facet
    counts and the histogram's buckets; JSON with --json. The query may be
    one quoted argument or several words; a leading -word leaves it out."""
    coll = open_collection(create=False)
    searcher = Searcher(coll)
    if not searcher.index_ok:
        err("Warning: the search index is incomplete or out of date; run `archive-viewer reindex` "
            "(or import again) for complete results.")
    try:
        rs = searcher.search(" ".join(query), sort=sort)
    except QueryError as e:
        raise _QueryProblem(e.message) from e
    try:
        histogram = rs.histogram_for(unit, tz=zone) if (unit or zone) else rs.histogram
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--tz") from e
    if ids_only:
        click.echo("\n".join(str(i) for i in rs.ids) if rs.total else "", nl=bool(rs.total))
    elif as_json:
        out = rs.as_json(limit=limit, offset=offset)
        out["histogram"] = histogram.as_json()
        print_json(out)
    else:
        _print_results(rs, limit, offset, histogram)


def _mark(text: str, spans: list[tuple[int, int]], bold: bool) -> str:
    """The text with its matches marked: bold on a terminal, [brackets] in
    a file or pipe (never HTML)."""
    if not spans:
        return text
    on, off = ("\x1b[1m", "\x1b[0m") if bold else ("[", "]")
    out, last = [], 0
    for s, e in spans:
        out.append(text[last:s])
        out.append(on + text[s:e] + off)
        last = e
    out.append(text[last:])
    return "".join(out)


def _print_results(rs: ResultSet, limit: int, offset: int, h: Histogram) -> None:
    bold = sys.stdout.isatty()
    n = rs.total
    click.echo(f"{n:,} post{'s' if n != 1 else ''} match {rs.query!r}" if rs.query.strip()
               else f"{n:,} posts")
    for hit in rs.hits(offset, limit):
        when = hit.created_at.replace("T", " ").replace("Z", " UTC") if hit.created_at else "(no date)"
        kind = "" if hit.kind == "post" else f"  [{hit.kind}]"
        author = f"@{hit.author_handle}" if hit.author_handle else "(unknown author)"
        click.echo(f"\n{when}  {author}{kind}  id {hit.id}")
        click.echo("  " + _mark(hit.snippet, rs.highlight(hit.snippet), bold))
    shown = min(limit, max(0, n - offset))
    if n > offset + shown:
        click.echo(f"\n… {n - offset - shown:,} more (--limit, --offset)")
    if n:
        facets = rs.facets
        click.echo("")
        for key, label, sign in (("hashtags", "Hashtags", "#"), ("authors", "Authors", "@"),
                                 ("langs", "Languages", ""), ("kinds", "Kinds", ""), ("tags", "Tags", "")):
            values = facets.get(key) or []
            if values:
                click.echo(f"{label}: " + ", ".join(f"{sign}{v} ({c:,})" for v, c in values[:8]))
        if h.buckets:
            peak = max(h.buckets, key=lambda b: b[1])
            click.echo(f"Histogram: {len(h.buckets)} {h.unit}s ({h.zone}) from {_day(h.start, h.zone)} to "
                       f"{_day(h.end, h.zone)}; busiest {h.unit} {_day(peak[0], h.zone, h.unit)} with {peak[1]:,}")


def _day(ts: int | None, zone: str = "UTC", unit: str = "day") -> str:
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    if ts is None:
        return "—"
    fmt = "%Y-%m-%d %H:00" if unit == "hour" else "%Y-%m-%d"
    return datetime.fromtimestamp(ts, timezone.utc if zone == "UTC" else ZoneInfo(zone)).strftime(fmt)


@cli.command("verify")
@json_option
@collection_option
def verify_cmd(as_json: bool) -> None:
    """Check that the search index says what the database says: reports
    posts missing from the index, extra and stale documents; exit status 1
    when they disagree."""
    coll = open_collection(create=False)
    from viewer.repair import integrity

    checked = integrity(coll.db.conn)
    db_ok = checked == ["ok"]
    report = verify(coll)
    bands = _band_files(coll)
    if as_json:
        print_json({**report.as_json(), "ok": report.ok and db_ok, "database": checked, "text_bands": bands})
    else:
        click.echo("Database: SQLite's integrity check passed." if db_ok else
                   "Database: DAMAGED (" + "; ".join(checked[:3]) + "): run `archive-viewer repair`.")
        if report.problem:
            click.echo(f"Index: {report.problem}.")
        click.echo(f"Posts: {report.posts:,} collected; index: {report.indexed:,} documents.")
        for label, ids in (("missing from the index", report.missing), ("extra in the index", report.extra),
                           ("stale in the index", report.stale)):
            if ids:
                sample = ", ".join(str(i) for i in ids[:5]) + (" …" if len(ids) > 5 else "")
                click.echo(f"{len(ids):,} {label}: {sample}")
        if report.columns:
            click.echo(f"Columns: {report.columns}.")
        if report.dirty:
            click.echo("An import or rebuild was interrupted before it finished.")
        if bands is not None:
            click.echo({"ok": "Near-copy band files: they agree with the database.",
                        "behind": f"Near-copy band files: {bands['posts'] - bands['file_posts']:,} posts behind the "
                                  "database (added at the next import).",
                        "missing": "Near-copy band files: missing or out of date (rebuilt at the next import or "
                                   "by `archive-viewer reindex`)."}[bands["state"]])
        click.echo("OK: the index agrees with the database." if report.ok
                   else "The index disagrees with the database: run `archive-viewer reindex` (or import again).")
    if not (report.ok and db_ok):
        raise SystemExit(1)


def _band_files(coll: Collection) -> dict | None:
    from viewer.patterns.text_clusters import check_files

    try:
        return check_files(coll.db)
    except sqlite3.Error:  # a damaged database: the integrity check says so
        return None


@cli.command("reindex")
@json_option
@collection_option
def reindex_cmd(as_json: bool) -> None:
    """Rebuild the search index from the database."""
    coll = open_collection(create=False)
    bar = _Bar()
    try:
        count = reindex(coll, Job(bar))
        rebuild_patterns(coll, Job(bar))
    except KeyboardInterrupt:
        bar.close()
        err("Interrupted: the previous index is still in use; run reindex again to rebuild it.")
        sys.exit(130)
    except LockError:
        bar.close()
        raise Abort("the search index is being written by another program (an import?); "
                    "try again when it is done") from None
    bar.close()
    if as_json:
        print_json({"indexed": count})
    else:
        click.echo(f"Indexed {count:,} posts.")


__all__ = ["search_cmd", "verify_cmd", "reindex_cmd", "Abort"]
