"""Where the program's own files are: the bundled sample and resources."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sample_archive() -> Path:
    """The bundled Mosul sample (DESIGN §9), imported on first launch."""
    return ROOT / "archives" / "mosul"


def resources() -> Path:
    return ROOT / "resources"
