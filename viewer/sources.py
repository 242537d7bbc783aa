"""Opening what the user names — files, folders, zips, compressed files — safely.

Every archive is treated as hostile: nothing here writes to disk, members are
addressed only by normalised relative paths inside their container (no `..`,
no absolute paths, no links), and decompression is capped in size and ratio so
that a bomb is refused instead of read forever.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import posixpath
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

# A tweet archive compresses about 5–20×; 200× is only reached by padding.
MAX_RATIO = 200
# Below this much output the ratio is not checked: tiny files compress wildly.
RATIO_FLOOR = 16 * 1024 * 1024
# No single member of an archive is read past this many bytes.
MAX_MEMBER_BYTES = 16 * 1024 ** 3
# How far a zip's central directory may go before we stop listing it.
MAX_ZIP_MEMBERS = 200_000

COMPRESSED_SUFFIXES = {".gz": gzip, ".bz2": bz2, ".xz": lzma}
_MAGIC = {b"\x1f\x8b": ".gz", b"BZh": ".bz2", b"\xfd7zXZ\x00": ".xz"}


class UnsafeArchive(Exception):
    """The input tries something an honest archive never does."""


class ArchiveTooLarge(UnsafeArchive):
    """Decompression went past the size or ratio limits."""


def safe_member_path(name: str) -> str | None:
    """The normalised relative path of an archive member, or None if it could
    point outside its container (absolute, drive letter, `..`)."""
    name = name.replace("\\", "/")
    if not name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    norm = posixpath.normpath(name)
    if norm in (".", "") or norm.startswith("../") or norm == ".." or "\x00" in norm:
        return None
    return norm


class _LimitedReader(io.RawIOBase):
    """Counts bytes coming out of a decompressor and stops at the limits."""

    def __init__(self, raw: BinaryIO, label: str, compressed_size: int | None, limit: int = MAX_MEMBER_BYTES):
        self._raw = raw
        self._label = label
        self._compressed = compressed_size
        self._limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        data = self._raw.read(len(b))
        n = len(data)
        b[:n] = data
        self.count += n
        if self.count > self._limit:
            raise ArchiveTooLarge(f"{self._label}: larger than {self._limit} bytes once decompressed")
        if (
            self._compressed
            and self.count > RATIO_FLOOR
            and self.count > MAX_RATIO * self._compressed
        ):
            raise ArchiveTooLarge(
                f"{self._label}: decompresses more than {MAX_RATIO}× its size (a zip bomb?)"
            )
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


class _Counting(io.RawIOBase):
    def __init__(self, raw: BinaryIO, owner: "SourceFile"):
        self._raw = raw
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        data = self._raw.read(len(b))
        n = len(data)
        b[:n] = data
        self._owner.consumed += n
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def _decompressing(stream: BinaryIO, suffix: str, label: str, compressed_size: int | None) -> BinaryIO:
    module = COMPRESSED_SUFFIXES[suffix]
    opened = module.open(stream, "rb")  # type: ignore[attr-defined]
    return io.BufferedReader(_LimitedReader(opened, label, compressed_size), 1 << 16)


def compression_of(name: str, head: bytes) -> str | None:
    """'.gz', '.bz2', '.xz' from the content's magic bytes (the name only breaks ties)."""
    for magic, suffix in _MAGIC.items():
        if head.startswith(magic):
            return suffix
    return None


class Container:
    """A folder or a zip: named members, read only through safe paths."""

    label: str

    def members(self) -> list[str]:
        raise NotImplementedError

    def has(self, member: str) -> bool:
        raise NotImplementedError

    def size(self, member: str) -> int | None:
        raise NotImplementedError

    def open_raw(self, member: str) -> BinaryIO:
        raise NotImplementedError

    def compressed_size(self, member: str) -> int | None:
        return self.size(member)

    def list_dir(self, reldir: str) -> list[str]:
        """Members directly or indirectly inside one folder of the container."""
        prefix = reldir.rstrip("/") + "/"
        return [m for m in self.members() if m.startswith(prefix)]


class FolderContainer(Container):
    """A folder on disk. Links are never followed: a link in a hostile archive
    could name any file on the machine."""

    def __init__(self, root: Path, only: list[str] | None = None):
        self.root = Path(root)
        self.label = str(self.root)
        self._only = only

    def members(self) -> list[str]:
        if self._only is not None:
            return list(self._only)
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for fn in sorted(filenames):
                full = os.path.join(dirpath, fn)
                try:
                    st = os.lstat(full)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode) or fn.startswith("."):
                    continue
                found.append(Path(full).relative_to(self.root).as_posix())
        return found

    def _path(self, member: str) -> Path | None:
        safe = safe_member_path(member)
        if safe is None:
            return None
        p = self.root / safe
        # Refuse a path any of whose parts is a link, not only the last one.
        cur = self.root
        for part in Path(safe).parts:
            cur = cur / part
            try:
                if os.path.islink(cur):
                    return None
            except OSError:
                return None
        return p

    def has(self, member: str) -> bool:
        p = self._path(member)
        return p is not None and p.is_file()

    def list_dir(self, reldir: str) -> list[str]:
        # Lists the real folder even when this container stands for one named
        # file, so that tweets.js named alone still finds tweets_media/.
        base = self._path(reldir)
        if base is None or not base.is_dir():
            return []
        return [posixpath.join(reldir, m) for m in FolderContainer(base).members()]

    def size(self, member: str) -> int | None:
        p = self._path(member)
        try:
            return p.stat().st_size if p is not None else None
        except OSError:
            return None

    def open_raw(self, member: str) -> BinaryIO:
        p = self._path(member)
        if p is None:
            raise UnsafeArchive(f"{member}: path leaves the archive or is a link")
        return open(p, "rb")


class ZipContainer(Container):
    """A zip file, listed once; hostile entries are left out and remembered
    so the import can report them."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.label = str(self.path)
        self._zip = zipfile.ZipFile(self.path)
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self.refused: list[tuple[str, str]] = []
        for i, info in enumerate(self._zip.infolist()):
            if i >= MAX_ZIP_MEMBERS:
                self.refused.append(("…", f"more than {MAX_ZIP_MEMBERS} entries; the rest were not read"))
                break
            if info.is_dir():
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                self.refused.append((info.filename, "a link inside the zip; not followed"))
                continue
            safe = safe_member_path(info.filename)
            if safe is None:
                self.refused.append((info.filename, "a path that leaves the archive; refused"))
                continue
            if info.file_size > MAX_MEMBER_BYTES or (
                info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                self.refused.append((info.filename, "declares a decompressed size past the limits (a zip bomb?); refused"))
                continue
            self._infos.setdefault(safe, info)

    def members(self) -> list[str]:
        return sorted(self._infos)

    def has(self, member: str) -> bool:
        safe = safe_member_path(member)
        return safe is not None and safe in self._infos

    def size(self, member: str) -> int | None:
        info = self._infos.get(safe_member_path(member) or "")
        return info.file_size if info else None

    def compressed_size(self, member: str) -> int | None:
        info = self._infos.get(safe_member_path(member) or "")
        return info.compress_size if info else None

    def open_raw(self, member: str) -> BinaryIO:
        safe = safe_member_path(member)
        info = self._infos.get(safe or "")
        if info is None:
            raise UnsafeArchive(f"{member}: not in the archive, or refused")
        # The declared size can lie; count what really comes out.
        limited = _LimitedReader(self._zip.open(info), f"{self.label}!{member}", max(info.compress_size, 1))
        return io.BufferedReader(limited, 1 << 16)


@dataclass
class SourceFile:
    """One file to parse: a member of a container, decompressed on the fly."""

    container: Container
    member: str
    display: str
    explicit: bool = False  # named by the user (not found inside a folder or zip)
    _head: bytes | None = field(default=None, repr=False)
    _compression: str | None = field(default=None, repr=False)
    # Bytes of the file (as stored, before decompression) read so far by
    # open(): what import progress is measured in.
    consumed: int = field(default=0, repr=False)

    @property
    def name(self) -> str:
        return posixpath.basename(self.member)

    @property
    def dir(self) -> str:
        return posixpath.dirname(self.member)

    def raw_head(self, n: int = 8) -> bytes:
        with self.container.open_raw(self.member) as f:
            return f.read(n)

    @property
    def compression(self) -> str | None:
        if self._compression is None:
            self._compression = compression_of(self.member, self.raw_head()) or ""
        return self._compression or None

    def open(self) -> BinaryIO:
        """The content, decompressed when the file is gzip/bzip2/xz."""
        self.consumed = 0
        raw = io.BufferedReader(_Counting(self.container.open_raw(self.member), self), 1 << 16)
        comp = self.compression
        if comp:
            return _decompressing(raw, comp, self.display, self.container.compressed_size(self.member))
        return raw

    def head(self, n: int = 65536) -> bytes:
        """The first bytes of the content, decompressed, BOM removed."""
        if self._head is None:
            with self.open() as f:
                self._head = f.read(n)
            if self._head.startswith(b"\xef\xbb\xbf"):
                self._head = self._head[3:]
        return self._head

    @property
    def logical_name(self) -> str:
        """The name without its compression suffix: tweets.jsonl.gz → tweets.jsonl."""
        name = self.name
        for suffix in COMPRESSED_SUFFIXES:
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    def size(self) -> int | None:
        return self.container.size(self.member)

    def sha256(self) -> str:
        h = hashlib.sha256()
        with self.container.open_raw(self.member) as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def sibling(self, relpath: str) -> "SourceFile | None":
        """Another member of the same container, relative to this file's folder,
        or None if it is absent or would point outside the container."""
        joined = safe_member_path(posixpath.join(self.dir, relpath))
        if joined is None or not self.container.has(joined):
            return None
        return SourceFile(self.container, joined, f"{self.container.label}/{joined}"
                          if isinstance(self.container, FolderContainer) else f"{self.container.label}!{joined}")

    def siblings_in(self, reldir: str) -> list[str]:
        """Member paths inside a folder next to this file (e.g. tweets_media/)."""
        prefix = safe_member_path(posixpath.join(self.dir, reldir))
        if prefix is None:
            return []
        return self.container.list_dir(prefix)


def _member_display(container: Container, member: str) -> str:
    if isinstance(container, ZipContainer):
        return f"{container.label}!{member}"
    return str(Path(container.label) / member)


def is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


@dataclass
class Opened:
    """What one named path expanded to."""

    path: Path
    files: list[SourceFile]
    refused: list[tuple[str, str]]  # (member, reason): hostile entries left out


def expand(path: Path) -> Opened:
    """The files to consider for one path the user named.

    Raises OSError when the path cannot be read at all, UnsafeArchive when it
    is a link or the zip cannot be opened safely.
    """
    path = Path(path)
    if path.is_symlink():
        # The user named it, so following it is their choice; but resolve it
        # once, so that nothing below can be swapped under us.
        path = path.resolve()
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    if path.is_dir():
        c = FolderContainer(path)
        return Opened(path, [SourceFile(c, m, _member_display(c, m)) for m in c.members()], [])
    if is_zip(path):
        try:
            z = ZipContainer(path)
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            raise UnsafeArchive(f"{path}: not a readable zip ({e})") from e
        return Opened(path, [SourceFile(z, m, _member_display(z, m)) for m in z.members()], list(z.refused))
    # One file: its folder is its container, so that an account archive's
    # tweets.js finds account.js and tweets_media/ beside it.
    c = FolderContainer(path.parent, only=[path.name])
    with open(path, "rb"):
        pass  # raises PermissionError now, where the message is clearest
    return Opened(path, [SourceFile(c, path.name, str(path), explicit=True)], [])


def iter_files(paths: list[Path]) -> Iterator[Opened]:
    for p in paths:
        yield expand(p)
