"""`export csv|xlsx|jsonl|html OUT`: the whole collection, a search, or given posts."""
from __future__ import annotations

from pathlib import Path

import click

from viewer.errors import DiskFull, is_disk_full
from viewer.export import ExportError, collected_ids, export
from viewer.jobs import Job
from viewer.cli import Abort, cli, collection_option, err, json_option, open_collection, print_json
from viewer.cli.curation import parse_ids, resolve_query
from viewer.cli.imports import _Bar


@cli.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["csv", "xlsx", "jsonl", "html"], case_sensitive=False))
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--query", "-q", help="Export the posts this search matches (default: every collected post).")
@click.option("--ids", "ids", multiple=True, help="Export these posts (comma-separated, repeatable, '-' for stdin).")
@click.option("--plain", is_flag=True, help="CSV: text exactly as stored, without the guard that keeps a text "
                                           "starting with = + - @ from running as a spreadsheet formula.")
@click.option("--images", type=click.Choice(["embed", "folder", "none"]),
              help="HTML: inline images (OUT.html), copy them beside the report (OUT a folder), or leave them out.")
@click.option("--no-provenance", is_flag=True, help="JSONL: do not write the OUT.provenance.csv sidecar.")
@json_option
@collection_option
def export_cmd(fmt: str, out: Path, query: str | None, ids: tuple[str, ...], plain: bool, images: str | None,
               no_provenance: bool, as_json: bool) -> None:
    """Write posts to OUT as CSV, an Excel workbook (ids as text), JSON lines of the original records, or an
    HTML report."""
    fmt = fmt.lower()
    coll = open_collection(create=False)
    if query is not None and ids:
        raise click.UsageError("give either --query or --ids, not both")
    if query is not None:
        chosen = resolve_query(coll, query)
    elif ids:
        chosen = parse_ids(ids)
    else:
        chosen = collected_ids(coll)
    options: dict = {}
    if fmt == "csv":
        options["guard_formulas"] = not plain
    elif fmt == "html" and images:
        options["images"] = images
    elif fmt == "jsonl":
        options["provenance"] = not no_provenance
    bar = _Bar()
    try:
        result = export(coll, fmt, chosen, out, job=Job(bar), query=query, **options)
    except ExportError as e:
        raise Abort(str(e)) from e
    except OSError as e:
        if is_disk_full(e):
            raise Abort(str(DiskFull(where=str(out)))) from e
        raise Abort(f"{out}: cannot write: {e.strerror or e}") from e
    except KeyboardInterrupt:
        bar.close()
        err("Interrupted: nothing was written.")
        raise SystemExit(130) from None
    bar.close()
    if as_json:
        print_json(result.as_json())
        return
    what = f"{result.posts:,} posts" + (f" ({result.records:,} records)" if result.records != result.posts else "")
    click.echo(f"Wrote {what} to {result.path}.")
    for f in result.files[:1] if fmt == "jsonl" else []:
        click.echo(f"Provenance of each line: {f}")
    if fmt == "html" and result.files:
        click.echo(f"Copied {len(result.files):,} images beside it.")
    if result.skipped:
        click.echo(f"Left out {len(result.skipped):,}: " + "; ".join(
            sorted({s['reason'] for s in result.skipped})))
