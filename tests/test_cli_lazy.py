"""A command run from a shell loads only its own module (start-up time of
`archive-viewer clusters` and the like), and the table that says where each
command lives stays true."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import viewer.cli as cli_module
from viewer.collection import Collection


def test_every_command_is_in_the_table_of_homes_with_its_module():
    cli_module._load_commands()
    homes = {name: cmd.callback.__module__ for name, cmd in cli_module.cli.commands.items()}
    assert {name: f"viewer.cli.{home}" for name, home in cli_module._COMMAND_HOMES.items()} == homes


def test_clusters_loads_neither_the_importer_nor_the_exporters(tmp_path: Path):
    Collection.open(tmp_path / "c").db.close()
    code = (
        "import sys, json\n"
        "from viewer.cli import main\n"
        f"sys.argv = ['archive-viewer', '--collection', {str(tmp_path / 'c')!r}, 'clusters', '--json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('viewer.'))), file=sys.stderr)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert json.loads(res.stdout) == {"clusters": []}
    loaded = set(json.loads(res.stderr.strip().splitlines()[-1]))
    assert "viewer.cli.patterns" in loaded
    assert not loaded & {"viewer.importer", "viewer.cli.export", "viewer.cli.imports", "viewer.cli.gui",
                         "viewer.search", "viewer.index"}
