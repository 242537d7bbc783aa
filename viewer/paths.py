"""Where the program's own files are: the bundled sample, the icon and the
desktop entry, all shipped inside the package (viewer/resources/) so an
installed wheel finds them exactly as a source checkout does."""
from __future__ import annotations

from importlib import resources as _resources
from pathlib import Path

ICON_NAME = "archive-viewer"


def _package_dir(*parts: str) -> Path:
    """A folder of package data as a real path.

    The importer and Qt both need file-system paths. Wheels install unpacked,
    so `files()` is a plain Path; a zipped install (zipapp, zipimport) is not
    supported and says so instead of failing later on a missing file."""
    found = _resources.files("viewer").joinpath("resources", *parts)
    if not isinstance(found, Path):
        raise RuntimeError(f"archive-viewer must be installed unpacked to read its bundled files ({found})")
    return found


def sample_archive() -> Path:
    """The bundled Mosul sample (DESIGN §9), imported on first launch and by
    `archive-viewer import --sample`; archives/make_sample.py writes it."""
    return _package_dir("sample", "mosul")


def icon() -> Path:
    """The application icon (SVG, scalable)."""
    return _package_dir("icons") / f"{ICON_NAME}.svg"


def desktop_entry_template() -> Path:
    """The freedesktop .desktop file; `desktop-entry --install` fills in Exec."""
    return _package_dir("desktop") / f"{ICON_NAME}.desktop"
