"""`gui` (the default command) and `snapshot`: the window, on screen or
rendered offscreen to a PNG."""
from __future__ import annotations

import os
import re
from pathlib import Path

import click

from viewer import syscheck
from viewer.collection import ENV_VAR, Collection, default_path
from viewer.cli import Abort, cli, collection_option, collection_path, err


@cli.command("gui")
@click.option("--query", "-q", default=None, help="Open with this search.")
@collection_option
def gui_cmd(query: str | None) -> None:
    """Open the window on the collection named, else on the last one opened
    (on first launch the bundled sample is imported)."""
    problem = syscheck.check()
    if problem:
        raise Abort(problem)
    from viewer.ui.app import run_gui

    chosen = collection_path()
    # Named by --collection or the environment: that one. Otherwise the
    # window reopens the collection used last, as analysts keep several.
    named = chosen != default_path() or bool(os.environ.get(ENV_VAR))
    raise SystemExit(run_gui(chosen if named else None, query, default=default_path()))


def _size(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", value)
    if not m:
        raise click.BadParameter("use WIDTHxHEIGHT, e.g. 1366x768")
    return int(m.group(1)), int(m.group(2))


@cli.command("snapshot")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--query", "-q", default="", help="The search to show.")
@click.option("--size", default="1366x768", show_default=True, help="Window size, WIDTHxHEIGHT.")
@click.option("--post", "post_id", type=int, default=None, help="Show this post in the detail pane.")
@click.option("--dark", is_flag=True, help="Render with the dark palette.")
@collection_option
def snapshot_cmd(out: Path, query: str, size: str, post_id: int | None, dark: bool) -> None:
    """Render the window offscreen, with the query applied, to OUT as a PNG image."""
    path = collection_path()
    if not Collection.exists(path):
        raise Abort(f"{path}: no collection here (import an archive first)")
    try:
        wh = _size(size)
    except click.BadParameter as e:
        raise click.UsageError(str(e)) from e
    from viewer.ui.snapshot import render_snapshot

    render_snapshot(path, out, query, wh, select=post_id, scheme="dark" if dark else "light")
    err(f"Wrote {out}")
