"""`tag`, `note` and `audit`: curation from the command line (DESIGN §7)."""
from __future__ import annotations

import copy
import sys
from typing import Any, Callable

import click

from viewer import curation
from viewer.collection import Collection
from viewer.curation import CurationError
from viewer.cli import Abort, cli, collection_option, err, json_option, open_collection, print_json


def resolve_query(coll: Any, query: str) -> list[int]:
    """The ids of every post a query matches, as the window's search finds them."""
    try:
        from viewer.search import QueryError, Searcher
    except ModuleNotFoundError as e:
        if e.name != "viewer.search":
            raise
        raise Abort("--query needs the search engine, which this installation lacks; use --ids") from None
    with Searcher(coll) as searcher:
        try:
            return [int(i) for i in searcher.search(query, sort="time").ids]
        except QueryError as e:
            raise click.UsageError(f"bad query: {getattr(e, 'message', None) or e}") from None


def parse_ids(values: tuple[str, ...]) -> list[int]:
    """Post ids from arguments: each may hold several, split by commas or
    spaces; `-` reads them from standard input (one per line, or any
    whitespace), so `search --json | jq` output can be piped in."""
    out: list[int] = []
    for v in values:
        text = sys.stdin.read() if v == "-" else v
        for tok in text.replace(",", " ").split():
            tok = tok.strip().strip('"')
            if not tok:
                continue
            if not tok.isdigit():
                raise click.BadParameter(f"{tok!r} is not a post id", param_hint="--ids")
            out.append(int(tok))
    return out


def selection(coll: Any, query: str | None, ids_flag: bool, ids: tuple[str, ...]) -> tuple[list[int], str | None]:
    if query is not None and (ids_flag or ids):
        raise click.UsageError("give either --query or --ids, not both")
    if query is not None:
        return resolve_query(coll, query), query
    if not ids_flag and not ids:
        raise click.UsageError("say which posts: --query Q or --ids ID...")
    got = parse_ids(ids)
    if not got:
        raise click.UsageError("--ids needs at least one post id")
    return got, None


@cli.group("tag")
def tag_group() -> None:
    """Create, list, rename, colour and delete tags; tag and untag posts."""


def _fail(e: CurationError) -> Abort:
    return Abort(str(e))


@tag_group.command("add")
@click.argument("name")
@click.argument("ids", nargs=-1)
@click.option("--query", "-q", help="Tag every post this search matches.")
@click.option("--ids", "ids_flag", is_flag=True, help="The arguments after NAME are post ids ('-' reads stdin).")
@click.option("--colour", "--color", "colour", help="Colour of the tag if it is new (#rrggbb or a name).")
@json_option
@collection_option
def tag_add(name: str, ids: tuple[str, ...], query: str | None, ids_flag: bool, colour: str | None,
            as_json: bool) -> None:
    """Put tag NAME on posts (created if it does not exist)."""
    coll = open_collection(create=False)
    chosen, q = selection(coll, query, ids_flag, ids)
    try:
        res = curation.tag_posts(coll, name, chosen, colour=colour, query=q)
    except CurationError as e:
        raise _fail(e) from e
    if as_json:
        print_json(res)
        return
    click.echo(f"Tagged {res['added']:,} posts with {res['tag']}"
               + (f" ({res['already']:,} had it already)" if res["already"] else "")
               + (f"; {res['missing']:,} ids are no post of this collection" if res["missing"] else "") + ".")


@tag_group.command("remove")
@click.argument("name")
@click.argument("ids", nargs=-1)
@click.option("--query", "-q", help="Untag every post this search matches.")
@click.option("--ids", "ids_flag", is_flag=True, help="The arguments after NAME are post ids ('-' reads stdin).")
@json_option
@collection_option
def tag_remove(name: str, ids: tuple[str, ...], query: str | None, ids_flag: bool, as_json: bool) -> None:
    """Take tag NAME off posts."""
    coll = open_collection(create=False)
    chosen, q = selection(coll, query, ids_flag, ids)
    try:
        res = curation.untag_posts(coll, name, chosen, query=q)
    except CurationError as e:
        raise _fail(e) from e
    if as_json:
        print_json(res)
        return
    click.echo(f"Removed {res['tag']} from {res['removed']:,} posts"
               + (f" ({res['not_tagged']:,} did not have it)" if res["not_tagged"] else "") + ".")


@tag_group.command("list")
@json_option
@collection_option
def tag_list(as_json: bool) -> None:
    """Every tag, its colour and how many posts carry it."""
    coll = open_collection(create=False)
    tags = curation.list_tags(coll)
    if as_json:
        print_json(tags)
        return
    if not tags:
        click.echo("No tags yet.")
    for t in tags:
        click.echo(f"{t['name']}\t{t['colour']}\t{t['count']:,} posts")


def _tag_change(change: Callable[[Collection], dict[str, Any]], as_json: bool,
                said: Callable[[dict[str, Any]], str]) -> None:
    """Run one change to a tag; print the tag (JSON) or one line about it."""
    coll = open_collection(create=False)
    try:
        tag = change(coll)
    except CurationError as e:
        raise _fail(e) from e
    print_json(tag) if as_json else click.echo(said(tag))


@tag_group.command("create")
@click.argument("name")
@click.option("--colour", "--color", "colour", help="#rrggbb or a colour name.")
@json_option
@collection_option
def tag_create(name: str, colour: str | None, as_json: bool) -> None:
    """Create an empty tag."""
    _tag_change(lambda coll: curation.create_tag(coll, name, colour), as_json,
                lambda tag: f"Created tag {tag['name']} ({tag['colour']}).")


@tag_group.command("rename")
@click.argument("old")
@click.argument("new")
@json_option
@collection_option
def tag_rename(old: str, new: str, as_json: bool) -> None:
    """Rename tag OLD to NEW; its posts keep it."""
    _tag_change(lambda coll: curation.rename_tag(coll, old, new), as_json,
                lambda tag: f"Renamed {old} to {tag['name']} ({tag['count']:,} posts).")


@tag_group.command("colour")
@click.argument("name")
@click.argument("colour")
@json_option
@collection_option
def tag_colour(name: str, colour: str, as_json: bool) -> None:
    """Give tag NAME a colour (#rrggbb, #rgb or a name such as red)."""
    _tag_change(lambda coll: curation.recolour_tag(coll, name, colour), as_json,
                lambda tag: f"{tag['name']} is now {tag['colour']}.")


_color = copy.copy(tag_colour)
_color.hidden = True
tag_group.add_command(_color, "color")


@tag_group.command("delete")
@click.argument("name")
@json_option
@collection_option
def tag_delete(name: str, as_json: bool) -> None:
    """Delete tag NAME and take it off every post (the audit log keeps which)."""
    _tag_change(lambda coll: curation.delete_tag(coll, name), as_json,
                lambda tag: f"Deleted tag {tag['name']} (it was on {tag['count']:,} posts).")


@cli.command("note")
@click.argument("post_id")
@click.argument("text", required=False)
@click.option("--edit", "edit_id", type=int, help="Replace the text of this note (its id) instead of adding one.")
@click.option("--delete", "delete_id", type=int, help="Delete this note (its id).")
@json_option
@collection_option
def note_cmd(post_id: str, text: str | None, edit_id: int | None, delete_id: int | None, as_json: bool) -> None:
    """Add a note to post POST_ID; without TEXT, list its notes."""
    coll = open_collection(create=False)
    if not post_id.isdigit():
        raise click.BadParameter(f"{post_id!r} is not a post id", param_hint="POST_ID")
    try:
        mine = {n["id"] for n in curation.notes_for(coll, post_id)}
        for nid in (delete_id, edit_id):
            if nid is not None and nid not in mine:
                raise Abort(f"post {post_id} has no note {nid}")
        if delete_id is not None:
            note = curation.delete_note(coll, delete_id)
            out: Any = {"deleted": _note_json(note)}
            msg = f"Deleted note {delete_id}."
        elif text is None:
            if edit_id is not None:
                raise click.UsageError("--edit needs the new TEXT")
            notes = curation.notes_for(coll, post_id)
            if as_json:
                print_json([_note_json(n) for n in notes])
            else:
                if not notes:
                    click.echo(f"Post {post_id} has no notes.")
                for n in notes:
                    click.echo(f"[{n['id']}] {n['updated_at']} {n['author']}: {n['text']}")
            return
        elif edit_id is not None:
            note = curation.edit_note(coll, edit_id, text)
            out, msg = _note_json(note), f"Note {edit_id} changed."
        else:
            note = curation.add_note(coll, post_id, text)
            out, msg = _note_json(note), f"Added note {note['id']} to post {post_id}."
    except CurationError as e:
        raise _fail(e) from e
    print_json(out) if as_json else click.echo(msg)


def _note_json(n: dict[str, Any]) -> dict[str, Any]:
    return {**n, "post_id": str(n["post_id"])}


@cli.command("audit")
@click.option("--limit", type=int, default=50, show_default=True, help="How many entries, newest first.")
@click.option("--action", help="Only this action (tag, untag, note-add, export …).")
@json_option
@collection_option
def audit_cmd(limit: int, action: str | None, as_json: bool) -> None:
    """The audit log of curation actions, newest first."""
    coll = open_collection(create=False)
    rows = curation.audit_log(coll, limit=limit, action=action)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        d = dict(r["detail"])
        ids = d.pop("ids", None)
        summary = ", ".join(f"{k}={v}" for k, v in d.items())
        if ids is not None:
            summary += f", {len(ids):,} posts"
        click.echo(f"{r['id']}\t{r['ts']}\t{r['actor']}\t{r['action']}\t{summary}")
    if not rows:
        err("The audit log is empty.")
