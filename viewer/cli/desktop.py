"""`desktop-entry`: put the program in the desktop's application menu."""
from __future__ import annotations

import click

from viewer import desktop
from viewer.cli import Abort, cli, json_option, print_json


@cli.command("desktop-entry")
@click.option("--install", "action", flag_value="install", help="Add the menu entry and icon for this user.")
@click.option("--uninstall", "action", flag_value="uninstall", help="Remove them again.")
@json_option
def desktop_entry_cmd(action: str | None, as_json: bool) -> None:
    """Add (or remove) the application-menu entry and icon for this user,
    under $XDG_DATA_HOME (default ~/.local/share)."""
    if action is None:
        raise click.UsageError("choose --install or --uninstall")
    try:
        if action == "install":
            t = desktop.install()
            written = [str(t.entry), str(t.icon)]
            if as_json:
                print_json({"installed": written})
            else:
                click.echo("Installed:\n  " + "\n  ".join(written))
            return
        removed = [str(p) for p in desktop.uninstall()]
    except OSError as e:
        raise Abort(f"cannot write the desktop entry: {e}") from e
    if as_json:
        print_json({"removed": removed})
    else:
        click.echo("Removed:\n  " + "\n  ".join(removed) if removed else "Nothing to remove.")
