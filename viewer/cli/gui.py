"""`gui`: until the window lands, the first run imports the bundled sample
into the default collection and prints what it holds."""
from __future__ import annotations

import click

from ..collection import Collection
from ..importer import import_paths
from ..paths import sample_archive
from ..stats import collection_stats
from . import cli, collection_option, collection_path, err
from .imports import index_sink, print_stats


@cli.command("gui")
@collection_option
def gui_cmd() -> None:
    """Open the collection (the bundled sample on first launch)."""
    path = collection_path()
    first = not Collection.exists(path)
    coll = Collection.open(path)
    if first:
        err(f"No collection yet: importing the bundled sample into {path} …")
        report = import_paths(coll, [sample_archive()], index=index_sink(coll))
        err(f"Imported {report.added:,} posts ({report.merged:,} merged from a second format).")
    print_stats(collection_stats(coll.db), str(coll.path))
