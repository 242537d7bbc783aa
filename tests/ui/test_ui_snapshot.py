"""`archive-viewer snapshot` renders the window offscreen; the test run leaves
the sample's snapshots in tests/ui/snapshots/ for a person to look at."""
from __future__ import annotations

from click.testing import CliRunner
from PySide6.QtGui import QImage
from ui_helpers import SNAPSHOTS

from viewer.cli import _load_commands, cli
from viewer.collection import Collection


def snapshot(path, out, *args: str) -> QImage:  # type: ignore[no-untyped-def]
    _load_commands()
    result = CliRunner().invoke(cli, ["snapshot", str(out), "--collection", str(path), *args])
    assert result.exit_code == 0, result.output
    img = QImage(str(out))
    assert not img.isNull()
    return img


def distinct_colours(img: QImage) -> int:
    seen = set()
    for y in range(0, img.height(), 7):
        for x in range(0, img.width(), 7):
            seen.add(img.pixel(x, y))
    return len(seen)


def test_a_snapshot_of_the_sample_has_the_size_asked_for(qapp, sample_path):
    img = snapshot(sample_path, SNAPSHOTS / "sample.png", "--size", "1366x768")
    assert (img.width(), img.height()) == (1366, 768)
    assert distinct_colours(img) > 20  # a window, not a blank


def test_a_snapshot_of_an_arabic_query(qapp, sample_path):
    img = snapshot(sample_path, SNAPSHOTS / "arabic-query.png", "--query", "الموصل")
    assert (img.width(), img.height()) == (1366, 768)


def test_a_snapshot_of_a_post_with_images(qapp, sample_path):
    with Collection.open(sample_path) as coll:
        pid = coll.db.execute(
            "SELECT m.post_id FROM media m JOIN posts p ON p.id = m.post_id WHERE m.file IS NOT NULL "
            "AND p.collected = 1 AND p.kind = 'post' ORDER BY p.created_ts LIMIT 1").fetchone()[0]
    img = snapshot(sample_path, SNAPSHOTS / "post-with-images.png", "--query", "filter:images", "--post", str(pid),
                   "--size", "1440x900")
    assert (img.width(), img.height()) == (1440, 900)


def test_a_dark_snapshot(qapp, sample_path, tmp_path):
    img = snapshot(sample_path, tmp_path / "dark.png", "--query", "#FreeMosul", "--dark")
    # The timeline's background (middle of the window, right edge of the list) is dark.
    assert QImage(img).pixelColor(img.width() // 2, img.height() - 60).lightness() < 110


def test_a_snapshot_needs_a_collection(qapp, tmp_path):
    _load_commands()
    result = CliRunner().invoke(cli, ["snapshot", str(tmp_path / "x.png"), "--collection", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no collection" in result.output


def test_a_bad_size_is_a_usage_error(qapp, sample_path, tmp_path):
    _load_commands()
    result = CliRunner().invoke(cli, ["snapshot", str(tmp_path / "x.png"), "--collection", str(sample_path),
                                      "--size", "big"])
    assert result.exit_code == 2
