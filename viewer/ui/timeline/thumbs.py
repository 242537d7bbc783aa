"""Thumbnails of the images stored in the collection, made in the background
and cached in thumbs/ (disposable: deleting the folder only costs time).

Only raster images the archive itself carried are read, from media/; nothing
is fetched. Files are decoded with Qt's image readers under an allocation
limit, so a hostile "image" cannot exhaust memory.
"""
from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from viewer.ui.ops import Op

# Vector formats can reference other files; thumbnails are made of pixels only.
RASTER = {b"png", b"jpeg", b"jpg", b"gif", b"webp", b"bmp"}
ALLOCATION_LIMIT_MB = 256
MEMORY_ITEMS = 600


def thumb_path(thumbs_dir: Path, sha256: str, size: int) -> Path:
    return thumbs_dir / sha256[:2] / f"{sha256}-{size}.png"


def make_thumbnail(source: Path, dest: Path, size: int) -> QImage:
    """Read `source` scaled to fit `size`×`size` and cache it at `dest`;
    a null QImage when it is not a readable raster image."""
    if dest.exists():
        img = QImage(str(dest))
        if not img.isNull():
            return img
    QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    reader = QImageReader(str(source))
    reader.setDecideFormatFromContent(True)
    reader.setAutoTransform(True)
    if bytes(reader.format()).lower() not in RASTER:
        return QImage()
    full = reader.size()
    if full.isValid() and (full.width() > size or full.height() > size):
        # Decoding straight to the small size is much cheaper for JPEG.
        reader.setScaledSize(full.scaled(QSize(size, size), Qt.AspectRatioMode.KeepAspectRatioByExpanding))
    img = reader.read()
    if img.isNull():
        return img
    if img.width() > 2 * size or img.height() > 2 * size:
        img = img.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                         Qt.TransformationMode.SmoothTransformation)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".thumb-", suffix=".png")
    os.close(fd)
    try:
        if img.save(tmp, "PNG"):
            os.replace(tmp, dest)
        else:
            os.unlink(tmp)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    return img


class ThumbCache(QObject):
    """Pixmaps for the delegate: at once when known, else None now and a
    `ready` signal once the worker has made it."""

    ready = Signal(str)  # sha256

    def __init__(self, media_dir: Path, thumbs_dir: Path, size: int = 160, parent: Any = None):
        super().__init__(parent)
        self.media_dir = Path(media_dir)
        self.thumbs_dir = Path(thumbs_dir)
        self.size = size
        self._mem: OrderedDict[str, QPixmap] = OrderedDict()
        self._pending: set[str] = set()
        self._failed: set[str] = set()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)

    def pixmap(self, sha256: str | None, file: str | None) -> QPixmap | None:
        if not sha256 or not file:
            return None
        pix = self._mem.get(sha256)
        if pix is not None:
            self._mem.move_to_end(sha256)
            return pix
        if sha256 not in self._pending and sha256 not in self._failed:
            self._request(sha256, file)
        return None

    def state(self, sha256: str | None) -> int:
        """0 not made yet, 1 ready, 2 failed: what a cached drawing of a row
        depends on."""
        if not sha256:
            return 2
        if sha256 in self._mem:
            return 1
        return 2 if sha256 in self._failed else 0

    def failed(self, sha256: str | None) -> bool:
        return bool(sha256) and sha256 in self._failed

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _request(self, sha256: str, file: str) -> None:
        source = (self.media_dir / file).resolve()
        # A stored path is ours, but a copied collection could carry anything.
        if self.media_dir.resolve() not in source.parents:
            self._failed.add(sha256)
            return
        self._pending.add(sha256)
        dest = thumb_path(self.thumbs_dir, sha256, self.size)
        Op(self, lambda job: make_thumbnail(source, dest, self.size), self.pool) \
            .success(lambda img: self._done(sha256, img)) \
            .failure(lambda exc: self._done(sha256, QImage())) \
            .run_in_background()

    def _done(self, sha256: str, img: QImage) -> None:
        self._pending.discard(sha256)
        if img.isNull():
            self._failed.add(sha256)
        else:
            # QPixmap only on the GUI thread; the worker hands over a QImage.
            self._mem[sha256] = QPixmap.fromImage(img)
            while len(self._mem) > MEMORY_ITEMS:
                self._mem.popitem(last=False)
        self.ready.emit(sha256)

    def wait(self, msecs: int = 10000) -> bool:
        return self.pool.waitForDone(msecs)
