"""`clusters`, `network` and `amplifiers`: coordinated campaigns (DESIGN §6b)."""
from __future__ import annotations

from pathlib import Path

import click

from viewer.cli import Abort, cli, collection_option, json_option, open_collection, print_json
from viewer.patterns.clusters import iso, list_clusters

# The search (viewer.cli.curation's resolve_query: the index, the query
# parser) and networkx are imported by the commands that use them, so
# `clusters` without --query starts in a fraction of the time.


@cli.command("clusters")
@click.option("--query", "-q", help="Only the posts this search matches (default: every collected post).")
@click.option("--kind", type=click.Choice(["text", "image"]), default=None, help="Only near-copy texts or images.")
@click.option("--min-size", type=click.IntRange(min=2), default=2, show_default=True,
              help="Leave out clusters with fewer posts.")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Print at most this many clusters.")
@json_option
@collection_option
def clusters_cmd(query: str | None, kind: str | None, min_size: int, limit: int | None, as_json: bool) -> None:
    """Near-copy texts and re-posted images: the clusters, largest first,
    with their accounts and time span. With --query, a cluster counts only
    the posts the search matches."""
    coll = open_collection(create=False)
    within = None
    if query is not None:
        from viewer.cli.curation import resolve_query

        within = set(resolve_query(coll, query))
    found = list_clusters(coll.db, kind=kind, min_size=min_size, within=within)
    if limit is not None:
        found = found[:limit]
    if as_json:
        print_json({"clusters": [c.as_json() for c in found]})
        return
    if not found:
        click.echo("No clusters" + (" in these posts." if query is not None else "."))
        return
    for c in found:
        accounts = f"{c.accounts:,} account" + ("s" if c.accounts != 1 else "")
        click.echo(f"{c.id}: {c.size:,} posts by {accounts}, {iso(c.first_ts)} to {iso(c.last_ts)}")
        row = coll.db.execute("SELECT author_handle, text FROM posts WHERE id = ?", [c.posts[0]]).fetchone()
        if row:
            first_line = " ".join((row[1] or "").split())
            click.echo(f"    first: @{row[0]}: {first_line[:100]}")


@cli.command("network")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--query", "-q", help="Only the posts this search matches (default: every collected post).")
@json_option
@collection_option
def network_cmd(out: Path, query: str | None, as_json: bool) -> None:
    """Write the retweet/quote/reply/mention network of the posts to
    OUT.gexf or OUT.graphml for Gephi: accounts with their post counts,
    edges with their kind and weight."""
    from viewer.cli.curation import resolve_query
    from viewer.patterns import network

    if out.suffix.lower() not in network.FORMATS:
        raise click.BadParameter("the file name must end in .gexf or .graphml", param_hint="OUT")
    coll = open_collection(create=False)
    ids = resolve_query(coll, query) if query is not None else None
    g = network.graph(coll.db, ids)
    try:
        fmt = network.write_graph(g, out)
    except OSError as e:
        raise Abort(f"{out}: cannot write: {e.strerror or e}") from None
    kinds: dict[str, int] = {}
    for _, _, k in g.edges(keys=True):
        kinds[k] = kinds.get(k, 0) + 1
    if as_json:
        print_json({"path": str(out), "format": fmt, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
                    "edge_kinds": kinds})
    else:
        click.echo(f"Wrote {g.number_of_nodes():,} accounts and {g.number_of_edges():,} edges to {out} ({fmt}).")


@cli.command("amplifiers")
@click.option("--query", "-q", help="Only the posts this search matches (default: every collected post).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@json_option
@collection_option
def amplifiers_cmd(query: str | None, limit: int, as_json: bool) -> None:
    """The originals most retweeted and quoted, the accounts that retweet
    most, and who mentions whom."""
    from viewer.cli.curation import resolve_query
    from viewer.patterns import network

    coll = open_collection(create=False)
    ids = resolve_query(coll, query) if query is not None else None
    top = network.most_amplified(coll.db, ids, limit)
    rts = network.top_retweeters(coll.db, ids, limit)
    ments = network.mentions(coll.db, ids, limit)
    if as_json:
        print_json({"amplified": [a.as_json() for a in top],
                    "retweeters": [{"account": h, "retweets": n} for h, n in rts],
                    "mentions": [{"from": a, "to": b, "count": n} for a, b, n in ments]})
        return
    click.echo("Most retweeted and quoted:")
    for a in top:
        text = " ".join(a.text.split())[:80]
        click.echo(f"  {a.retweets:5,} RT {a.quotes:4,} QT  @{a.author}: {text}")
    click.echo("Accounts that retweet most:")
    for h, n in rts:
        click.echo(f"  {n:5,}  @{h}")
    click.echo("Who mentions whom:")
    for who, whom, n in ments:
        click.echo(f"  {n:5,}  @{who} → @{whom}")
