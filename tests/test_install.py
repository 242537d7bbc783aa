"""The program as a user installs it: the bundled sample and icon read as
package data, `import --sample`, the desktop entry, and a built wheel that
runs from a folder outside the checkout."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from viewer import desktop
from viewer.cli import _load_commands, cli
from viewer.collection import Collection
from viewer.paths import desktop_entry_template, icon, sample_archive

_load_commands()
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_the_bundled_files_are_package_data():
    assert sample_archive().is_relative_to(ROOT / "viewer")
    assert (sample_archive() / "events.json").is_file()
    assert (sample_archive() / "account-archive" / "data" / "tweets.js").is_file()
    assert icon().read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert "[Desktop Entry]" in desktop_entry_template().read_text(encoding="utf-8")


def test_import_sample_adds_the_sample_and_its_events(tmp_path):
    res = run("import", "--sample", "--json", "--collection", str(tmp_path / "c"))
    assert res.exit_code == 0
    assert json.loads(res.stdout)["added"] == 6166
    with Collection.open(tmp_path / "c", create=False) as coll:
        dates = [r[0] for r in coll.db.execute("SELECT date FROM events ORDER BY date").fetchall()]
    assert dates == ["2016-10-17", "2017-01-24", "2017-02-19", "2017-06-21", "2017-07-10"]


def test_import_without_paths_or_sample_is_a_usage_error(tmp_path):
    res = run("import", "--collection", str(tmp_path / "c"))
    assert res.exit_code == 2
    assert "--sample" in res.output


def test_help_documents_import_sample():
    assert "--sample" in run("import", "--help").stdout
    assert "import --sample" in " ".join(run("--help").stdout.split())


def test_desktop_entry_install_writes_entry_and_icon_under_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    res = run("desktop-entry", "--install")
    assert res.exit_code == 0
    entry = tmp_path / "share" / "applications" / "archive-viewer.desktop"
    svg = tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / "archive-viewer.svg"
    assert svg.read_bytes() == icon().read_bytes()
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    assert "Icon=archive-viewer" in lines
    exec_line = next(ln for ln in lines if ln.startswith("Exec="))
    assert exec_line == "Exec=" + desktop._exec_value(desktop.launch_command())


def test_desktop_entry_uninstall_removes_both_files(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    run("desktop-entry", "--install")
    res = run("desktop-entry", "--uninstall", "--json")
    assert len(json.loads(res.stdout)["removed"]) == 2
    assert not list((tmp_path / "share").rglob("archive-viewer.*"))


def test_desktop_entry_needs_an_action():
    assert run("desktop-entry").exit_code == 2


def test_exec_quotes_paths_with_spaces_and_reserved_characters():
    assert desktop._exec_value(["/opt/my apps/archive-viewer"]) == '"/opt/my apps/archive-viewer"'
    assert desktop._exec_value(["/a$b/python", "-m", "viewer"]) == '"/a\\$b/python" -m viewer'
    assert desktop._exec_value(["/x/100%/av"]) == "/x/100%%/av"


def test_a_relative_xdg_data_home_is_ignored(monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    assert desktop.data_home() == Path.home() / ".local" / "share"


def _copy_sources(dest: Path) -> Path:
    """What a source distribution holds, copied so the build writes nothing
    (build/, *.egg-info) into the checkout."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "viewer", dest / "viewer", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


@pytest.mark.slow
def test_a_built_wheel_runs_outside_the_checkout(tmp_path):
    src = _copy_sources(tmp_path / "src")
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    # No build isolation and no index: the build uses the setuptools already
    # installed, so nothing is downloaded.
    subprocess.run([*pip, "wheel", str(src), "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels)],
                   check=True, capture_output=True, cwd=tmp_path)
    wheel = next(wheels.glob("archive_viewer-*.whl"))

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, cwd=tmp_path)
    subprocess.run([*pip, "--python", str(venv / "bin" / "python"), "install", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True, cwd=tmp_path)
    # The dependencies come from the test environment's site-packages as a
    # plain path entry: its .pth files (the editable install of this
    # checkout among them) are not processed, so only the wheel provides
    # `viewer`.
    new_site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig;"
                                    "print(sysconfig.get_paths()['purelib'])"],
                                   check=True, capture_output=True, text=True).stdout.strip())
    (new_site / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    where = tmp_path / "elsewhere"
    where.mkdir()
    located = subprocess.run([str(venv / "bin" / "python"), "-c", "import viewer; print(viewer.__file__)"],
                             check=True, capture_output=True, text=True, cwd=where, env=env).stdout
    assert Path(located.strip()).is_relative_to(new_site)

    exe = str(venv / "bin" / "archive-viewer")
    imported = subprocess.run([exe, "--collection", "T", "import", "--sample", "--json"],
                              capture_output=True, text=True, cwd=where, env=env, timeout=300)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["added"] == 6166
    shot = subprocess.run([exe, "--collection", "T", "snapshot", "out.png"],
                          capture_output=True, text=True, cwd=where, env=env, timeout=300)
    assert shot.returncode == 0, shot.stderr
    assert (where / "out.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
