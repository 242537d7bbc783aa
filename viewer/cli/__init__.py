"""The command line of DESIGN §7: thin — parse, call the core, print.

Each group of commands lives in its own module and registers itself on the
one `cli` group; human text goes to stdout, JSON with `--json`, progress and
messages to stderr so stdout stays parseable.
"""
from __future__ import annotations

import functools
import importlib
import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from viewer.collection import Collection, default_path
from viewer.errors import CollectionError, explain

# Modules that add their commands to `cli` when imported (after `cli`
# exists, so they can import it).
_COMMAND_MODULES = ["imports", "search", "gui", "curation", "export", "desktop", "repair", "patterns"]
# Where each command lives, so a command run from a shell imports only its
# own module (the others pull in the importer, the index, the exporters:
# most of a second of start-up). A command missing here still works: then
# every module is loaded. tests/test_cli_lazy.py keeps this table true.
_COMMAND_HOMES = {
    "import": "imports", "stats": "imports", "search": "search", "reindex": "search", "verify": "search",
    "gui": "gui", "snapshot": "gui", "tag": "curation", "note": "curation", "audit": "curation",
    "export": "export", "desktop-entry": "desktop", "repair": "repair", "failures": "repair",
    "clusters": "patterns", "network": "patterns", "amplifiers": "patterns",
}


class Abort(click.ClickException):
    """Nothing could be done: exit status 1 with a one-line message."""

    exit_code = 1


def collection_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """`--collection DIR` on every command, after the command name too, as
    people type it; falls back to the group's, then the environment/default."""

    @click.option("--collection", "collection_dir", type=click.Path(file_okay=False, path_type=Path),
                  default=None,
                  help="The collection folder (default: $ARCHIVE_VIEWER_COLLECTION or the user data folder).")
    @click.pass_context
    @functools.wraps(f)
    def wrapper(ctx: click.Context, collection_dir: Path | None, *args: Any, **kwargs: Any) -> Any:
        root = ctx.find_root()
        chosen = collection_dir or (root.obj or {}).get("collection") or default_path()
        ctx.ensure_object(dict)["collection_path"] = Path(chosen)
        _chosen[0] = Path(chosen)
        return ctx.invoke(f, *args, **kwargs)

    return wrapper


def json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


def collection_path() -> Path:
    return click.get_current_context().obj["collection_path"]


def open_collection(create: bool = True) -> Collection:
    path = collection_path()
    try:
        return Collection.open(path, create=create)
    except FileNotFoundError:
        raise Abort(f"{path}: no collection here (import an archive first)") from None
    except CollectionError as e:
        raise Abort(str(e)) from None
    except OSError as e:
        known = explain(e, where=str(path))
        raise Abort(str(known) if known else f"{path}: cannot open the collection: {e}") from e


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def err(msg: str) -> None:
    click.echo(msg, err=True)


class DefaultGroup(click.Group):
    """`archive-viewer` alone opens the window, as a desktop program should."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not any(a in self.commands for a in args) and not {"--help", "-h"} & set(args):
            args = [*args[:_group_opts_len(args)], "gui", *args[_group_opts_len(args):]]
        return super().parse_args(ctx, args)


def _group_opts_len(args: list[str]) -> int:
    # The group's own `--collection DIR` stays before the command name.
    if args[:1] == ["--collection"] and len(args) >= 2:
        return 2
    if args and args[0].startswith("--collection="):
        return 1
    return 0


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--collection", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The collection folder.")
@click.pass_context
def cli(ctx: click.Context, collection: Path | None) -> None:
    """archive-viewer: import, search and curate saved tweet archives, offline.

    With no command it opens the window; its first launch imports the bundled
    sample, as `archive-viewer import --sample` does from the command line."""
    ctx.ensure_object(dict)["collection"] = collection


def _load_commands(argv: list[str] | None = None) -> None:
    """Register the commands: only the module of the command `argv` names
    when it names one this table knows, every module otherwise (help, the
    window by default, a mistyped name)."""
    if argv is not None:
        rest = argv[_group_opts_len(argv):]
        home = _COMMAND_HOMES.get(rest[0]) if rest else None
        if home is not None:
            importlib.import_module(f"{__name__}.{home}")
            return
    for name in _COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}")


def main() -> None:
    _load_commands(sys.argv[1:])
    try:
        cli(prog_name="archive-viewer")
    except KeyboardInterrupt:
        err("Interrupted.")
        sys.exit(130)
    except Exception as e:
        # A full disk or a damaged collection can surface in any command:
        # one sentence and exit status 1, never a traceback.
        known = explain_failure(e)
        if known is None:
            raise
        err(known)
        sys.exit(1)


def explain_failure(e: BaseException) -> str | None:
    """The message for a failure of the disk, the database or the index
    that any command may meet; None for anything else (a bug: let it show)."""
    import sqlite3

    from viewer.errors import CollectionError, explain

    if isinstance(e, CollectionError):
        return str(e)
    known = explain(e, where=str(_current_collection() or "the collection"))
    if known is not None:
        return str(known)
    if isinstance(e, sqlite3.Error):
        return f"The collection database could not be used ({e}). Run `archive-viewer verify`; " \
               "`archive-viewer repair` recovers a damaged one."
    if _from_index(e):
        return (f"The search index is damaged or incomplete ({type(e).__name__}: {e}). "
                "Run `archive-viewer reindex` to rebuild it from the database.")
    if isinstance(e, OSError):
        return f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}"
    return None


# The collection the running command was given, for messages raised after
# click's context is gone.
_chosen: list[Path | None] = [None]


def _current_collection() -> Path | None:
    return _chosen[0]


def _from_index(e: BaseException) -> bool:
    """Raised from inside Whoosh (a missing or cut segment file)."""
    tb = e.__traceback__
    while tb is not None:
        if "/whoosh/" in tb.tb_frame.f_code.co_filename.replace("\\", "/"):
            return True
        tb = tb.tb_next
    return False
