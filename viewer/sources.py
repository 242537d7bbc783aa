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
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Iterator

from viewer import textdecode
from viewer.rawio import ChunkReader

# A tweet archive compresses about 5–20×; 200× is only reached by padding.
MAX_RATIO = 200
# Below this much output the ratio is not checked: tiny files compress wildly.
RATIO_FLOOR = 16 * 1024 * 1024
# No single member of an archive is read past this many bytes.
MAX_MEMBER_BYTES = 16 * 1024 ** 3
# How far a zip's central directory may go before we stop listing it.
MAX_ZIP_MEMBERS = 200_000

# A zip inside a zip (inside a zip…) is opened to this depth, no deeper.
MAX_ZIP_DEPTH = 3

COMPRESSED_SUFFIXES = {".gz": gzip, ".bz2": bz2, ".xz": lzma}
# What a damaged compressed stream or zip member raises while being read.
_DAMAGE = (EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, gzip.BadGzipFile, OSError, ValueError)
_MAGIC = {b"\x1f\x8b": ".gz", b"BZh": ".bz2", b"\xfd7zXZ\x00": ".xz"}


class UnsafeArchive(Exception):
    """The input tries something an honest archive never does."""


class ArchiveTooLarge(UnsafeArchive):
    """Decompression went past the size or ratio limits."""


class NotRegularFile(OSError):
    """A FIFO, device or socket: reading one could block forever or never end."""


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file or folder."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a link"
    return "not a regular file"


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


class _LimitedReader(ChunkReader):
    """Counts bytes coming out of a decompressor and stops at the limits."""

    def __init__(self, raw: BinaryIO, label: str, compressed_size: int | None, limit: int = MAX_MEMBER_BYTES):
        super().__init__(raw)
        self._label = label
        self._compressed = compressed_size
        self._limit = limit
        self.count = 0

    def _next_chunk(self, size: int) -> bytes:
        data = self._raw.read(size)
        self.count += len(data)
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
        return data


class _Counting(ChunkReader):
    closes_raw = False

    def __init__(self, raw: BinaryIO, owner: "SourceFile"):
        super().__init__(raw)
        self._owner = owner

    def _next_chunk(self, size: int) -> bytes:
        data = self._raw.read(size)
        self._owner.consumed += len(data)
        return data


class _StopAtDamage(ChunkReader):
    """Reads until the data is damaged, then ends as if the file ended there
    and remembers where, so that a format reads every record before the
    damage and the import reports the rest ("truncated/corrupt at byte N")."""

    def __init__(self, raw: BinaryIO, owner: "SourceFile", what: str):
        super().__init__(raw)
        self._owner = owner
        self._what = what
        self.count = 0

    def _next_chunk(self, size: int) -> bytes:
        if self._owner.damage is not None:
            return b""
        try:
            # read1: at most one read underneath, so a buffered stream never
            # holds bytes it would drop when the next read raises.
            read = getattr(self._raw, "read1", self._raw.read)
            data = read(size)
        except UnsafeArchive:
            raise
        except _DAMAGE as e:
            detail = str(e) or type(e).__name__
            self._owner.damage = (f"{self._what} truncated/corrupt at byte {self.count:,} of its content "
                                  f"({detail}); everything before it was read")
            return b""
        self.count += len(data)
        return data


class _Inflate(ChunkReader):
    """gzip, bzip2 or xz decompressed in steps of at most 1 MiB of output,
    member after member. Unlike gzip.open, it hands over every byte that
    could be decompressed before a cut or damaged stream raises, so a
    half-downloaded file gives all its complete records."""

    _STEP = 1 << 20

    def __init__(self, raw: BinaryIO, suffix: str):
        super().__init__(raw)
        self._suffix = suffix
        self._d: Any = self._new()
        self._started = False

    def _new(self) -> Any:
        if self._suffix == ".gz":
            return zlib.decompressobj(31)
        if self._suffix == ".bz2":
            return bz2.BZ2Decompressor()
        return lzma.LZMADecompressor()

    def _more(self) -> bytes | None:
        """The next piece of output; None at the true end."""
        d = self._d
        if d.eof:
            rest = d.unused_data or self._raw.read(1 << 16)
            if not rest or (self._suffix == ".gz" and not rest.strip(b"\x00")):
                return None  # the end (gzip writers may pad with zeros)
            self._d = d = self._new()  # another member follows
            return d.decompress(rest, self._STEP)
        if self._suffix == ".gz":
            if d.unconsumed_tail:
                return d.decompress(d.unconsumed_tail, self._STEP)
        elif not d.needs_input:
            return d.decompress(b"", self._STEP)
        chunk = self._raw.read(1 << 16)
        if not chunk:
            if not self._started:
                return None
            raise EOFError("the compressed data ends before its end marker (a cut file)")
        self._started = True
        return d.decompress(chunk, self._STEP)

    def _next_chunk(self, size: int) -> bytes:
        while True:
            got = self._more()
            if got is None:
                return b""
            if got:
                return got


def _decompressing(stream: BinaryIO, suffix: str, label: str, compressed_size: int | None,
                   owner: "SourceFile | None" = None) -> BinaryIO:
    inflate: Any = _Inflate(stream, suffix)
    if owner is not None:
        # Right on the decompressor: a buffer between them would drop the
        # bytes it holds when the damage raises.
        inflate = _StopAtDamage(inflate, owner, _COMPRESSION_NAMES[suffix])
    opened = io.BufferedReader(inflate, 1 << 16)
    return io.BufferedReader(_LimitedReader(opened, label, compressed_size), 1 << 16)


_COMPRESSION_NAMES = {".gz": "gzip data", ".bz2": "bzip2 data", ".xz": "xz data"}


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
        # (member, why) of what was found but cannot be read: filled by members().
        self.refused: list[tuple[str, str]] = []

    def members(self) -> list[str]:
        if self._only is not None:
            return list(self._only)
        found: list[str] = []
        self.refused = []

        def unreadable(e: OSError) -> None:
            where = Path(e.filename).relative_to(self.root).as_posix() if e.filename else "a folder"
            why = "permission denied" if isinstance(e, PermissionError) else (e.strerror or str(e))
            self.refused.append((where, f"folder cannot be read ({why}); its files were not imported"))

        for dirpath, dirnames, filenames in os.walk(self.root, onerror=unreadable, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for fn in sorted(filenames):
                full = os.path.join(dirpath, fn)
                if fn.startswith("."):
                    continue
                try:
                    st = os.lstat(full)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode):
                    what = kind_of(st.st_mode)
                    if what and not stat.S_ISLNK(st.st_mode):
                        self.refused.append((Path(full).relative_to(self.root).as_posix(),
                                             f"{what}; only regular files are read"))
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
        # Opening a FIFO blocks until someone writes to it: look first, and
        # make sure what was opened is what was looked at.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            st = os.fstat(fd)
            what = kind_of(st.st_mode)
            if what or stat.S_ISDIR(st.st_mode):
                raise NotRegularFile(f"{member}: {what or 'a folder'}; only regular files are read")
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise


class ZipContainer(Container):
    """A zip file, listed once; hostile entries are left out and remembered
    so the import can report them."""

    def __init__(self, path: Path, fileobj: BinaryIO | None = None, label: str | None = None):
        self.path = Path(path)
        self.label = label or str(self.path)
        # A zip inside a zip is read from a temporary copy, kept open here.
        self._fileobj = fileobj
        self._zip = zipfile.ZipFile(fileobj if fileobj is not None else self.path)
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self.refused: list[tuple[str, str]] = []
        # Entries that repeat an earlier entry's name, each read too: a zip
        # appended to keeps the old and the new copy of a file under one name.
        self.duplicates: list[tuple[str, str]] = []
        seen_names: dict[str, int] = {}
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
                self.refused.append((info.filename,
                                     "declares a decompressed size past the limits (a zip bomb?); refused"))
                continue
            if safe in seen_names:
                seen_names[safe] += 1
                key = f"{safe}#{seen_names[safe]}"
                self.duplicates.append((key, f"another entry named {safe} (copy {seen_names[safe]}); read as well"))
                self._infos[key] = info
                continue
            seen_names[safe] = 1
            self._infos[safe] = info

    def members(self) -> list[str]:
        return sorted(self._infos)

    def close(self) -> None:
        self._zip.close()
        if self._fileobj is not None:
            self._fileobj.close()

    def _info(self, member: str) -> zipfile.ZipInfo | None:
        # Copies of a repeated name are addressed as listed ("name#2").
        return self._infos.get(member) or self._infos.get(safe_member_path(member) or "")

    def has(self, member: str) -> bool:
        return self._info(member) is not None

    def size(self, member: str) -> int | None:
        info = self._info(member)
        return info.file_size if info else None

    def compressed_size(self, member: str) -> int | None:
        info = self._info(member)
        return info.compress_size if info else None

    def open_raw(self, member: str) -> BinaryIO:
        info = self._info(member)
        if info is None:
            raise UnsafeArchive(f"{member}: not in the archive, or refused")
        ext = self._zip.open(info)
        # zipfile checks the CRC inside the read that reaches the end, and
        # that read's bytes are lost with the error; checked after them instead.
        ext._expected_crc = None  # type: ignore[attr-defined]
        checked = _CrcCheck(ext, info.CRC, info.filename)
        # The declared size can lie; count what really comes out.
        limited = _LimitedReader(checked, f"{self.label}!{member}", max(info.compress_size, 1))  # type: ignore[arg-type]
        return io.BufferedReader(limited, 1 << 16)


class _CrcCheck(ChunkReader):
    """A zip entry's CRC-32, checked once every byte has been handed over."""

    def __init__(self, raw: IO[bytes], expected: int, name: str):
        super().__init__(raw)
        self._expected = expected
        self._name = name
        self._crc = 0

    def _next_chunk(self, size: int) -> bytes:
        data = self._raw.read(size)
        if not data and self._crc != self._expected:
            raise zipfile.BadZipFile(f"Bad CRC-32 for {self._name}: its bytes are damaged somewhere")
        self._crc = zlib.crc32(data, self._crc)
        return data


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
    # Where reading stopped because the data is damaged (set by open()'s
    # stream, read by the importer once the format is done).
    damage: str | None = field(default=None, repr=False)
    # (location, what happened) said about this file while reading it: an
    # encoding converted, a line too long, a row read as cp1252.
    notices: list[tuple[str, str]] = field(default_factory=list, repr=False)
    # The first line is not part of the archive (a banner a tool printed):
    # read as an empty line, so line numbers stay true.
    blank_first_line: bool = field(default=False, repr=False)

    @property
    def name(self) -> str:
        return posixpath.basename(self.member)

    @property
    def dir(self) -> str:
        return posixpath.dirname(self.member)

    def raw_head(self, n: int = 8) -> bytes:
        with self.container.open_raw(self.member) as f:
            try:
                return f.read(n)
            except _DAMAGE:
                return b""  # said when the content is read

    @property
    def compression(self) -> str | None:
        if self._compression is None:
            self._compression = compression_of(self.member, self.raw_head()) or ""
        return self._compression or None

    def notice(self, location: str, what: str) -> None:
        self.notices.append((location, what))

    def _notice_once(self, location: str, what: str) -> None:
        if (location, what) not in self.notices:
            self.notice(location, what)

    def open_bytes(self) -> BinaryIO:
        """The content as stored, decompressed when gzip/bzip2/xz; reading
        ends (and `damage` says where) at the first damaged byte."""
        self.consumed = 0
        self.damage = None
        what = "zip entry" if isinstance(self.container, ZipContainer) else "file"
        stored = _StopAtDamage(self.container.open_raw(self.member), self, what)
        raw = io.BufferedReader(_Counting(stored, self), 1 << 16)  # type: ignore[arg-type]
        comp = self.compression
        if comp:
            return _decompressing(raw, comp, self.display, self.container.compressed_size(self.member), self)
        return raw

    def open(self) -> BinaryIO:
        """The content as UTF-8 with LF line ends (see textdecode), decompressed."""
        stream = self.open_bytes()
        head = stream.peek(1 << 16)[: 1 << 16] if isinstance(stream, io.BufferedReader) else b""
        out, changes = textdecode.normalised(stream, head, self._notice_once)
        for what in changes:
            if ("the file", what) not in self.notices:
                self.notice("the file", what)
        if self.blank_first_line:
            first = out.readline(textdecode.MAX_LINE_BYTES)
            ending = b"\n" if first.endswith(b"\n") else b""
            return io.BufferedReader(_Prefixed(ending, out), 1 << 16)
        return out

    def head(self, n: int = 65536) -> bytes:
        """The first bytes of the content, decompressed and normalised."""
        if self._head is None:
            damage = self.damage
            with self.open() as f:
                self._head = f.read(n)
            self.damage = damage  # the head alone says nothing of the rest
        return self._head

    def skip_first_line(self, skip: bool = True) -> None:
        """Read the first line as empty from now on (or again as it is)."""
        self.blank_first_line = skip
        self._head = None

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
            try:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            except _DAMAGE:
                pass  # the hash of what can be read still names these bytes
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


class _Prefixed(ChunkReader):
    """A few bytes, then the rest of a stream."""

    def __init__(self, first: bytes, rest: BinaryIO):
        super().__init__(rest, first)


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
    refused: list[tuple[str, str]]  # (member, reason): hostile or unreadable entries left out
    # (member, what): said about the container without anything lost (a
    # repeated name in a zip, read as well).
    notices: list[tuple[str, str]] = field(default_factory=list)


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
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file or folder") from None
    what = kind_of(st.st_mode)
    if what:
        raise NotRegularFile(f"{what}; only regular files and folders are read")
    if stat.S_ISDIR(st.st_mode):
        c = FolderContainer(path)
        files = [SourceFile(c, m, _member_display(c, m)) for m in c.members()]
        files, refused = _open_nested(c, files, 1)
        return Opened(path, files, list(c.refused) + refused)
    if is_zip(path):
        try:
            z = ZipContainer(path)
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            raise UnsafeArchive(f"{path}: not a readable zip ({e})") from e
        files = [SourceFile(z, m, _member_display(z, m)) for m in z.members()]
        files, refused = _open_nested(z, files, 1)
        return Opened(path, files, list(z.refused) + refused, notices=list(z.duplicates))
    # One file: its folder is its container, so that an account archive's
    # tweets.js finds account.js and tweets_media/ beside it.
    c = FolderContainer(path.parent, only=[path.name])
    with open(path, "rb"):
        pass  # raises PermissionError now, where the message is clearest
    return Opened(path, [SourceFile(c, path.name, str(path), explicit=True)], [])


def _open_nested(container: Container, files: list[SourceFile], depth: int
                 ) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """Zips found inside a folder or zip, opened in turn and their files
    listed in their place (to MAX_ZIP_DEPTH), with the same limits."""
    out: list[SourceFile] = []
    refused: list[tuple[str, str]] = []
    for f in files:
        if not f.member.lower().endswith(".zip"):
            out.append(f)
            continue
        if depth > MAX_ZIP_DEPTH:
            refused.append((f.member, f"a zip nested more than {MAX_ZIP_DEPTH} deep; not opened"))
            continue
        try:
            if isinstance(container, FolderContainer):
                full = container.root / f.member
                if not is_zip(full):
                    out.append(f)
                    continue
                inner = ZipContainer(full)
            else:
                # zipfile needs to seek: a temporary copy on disk, read within
                # the member's limits, not one in memory.
                tmp = tempfile.TemporaryFile()
                try:
                    with container.open_raw(f.member) as src:
                        for chunk in iter(lambda: src.read(1 << 20), b""):
                            tmp.write(chunk)
                    tmp.seek(0)
                    if not zipfile.is_zipfile(tmp):
                        tmp.close()
                        out.append(f)
                        continue
                    tmp.seek(0)
                    inner = ZipContainer(Path(f.member), fileobj=tmp, label=f.display)
                except BaseException:
                    tmp.close()
                    raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, lzma.LZMAError, UnsafeArchive) as e:
            refused.append((f.member, f"a zip inside that cannot be read ({e})"))
            continue
        refused.extend((f"{f.member}!{m}", why) for m, why in inner.refused)
        refused.extend((f"{f.member}!{m}", why) for m, why in inner.duplicates)
        nested = [SourceFile(inner, m, _member_display(inner, m)) for m in inner.members()]
        nested, deeper = _open_nested(inner, nested, depth + 1)
        out.extend(nested)
        refused.extend((f"{f.member}!{m}", why) for m, why in deeper)
    return out, refused


def iter_files(paths: list[Path]) -> Iterator[Opened]:
    for p in paths:
        yield expand(p)
