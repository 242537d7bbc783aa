"""The archive formats, one module each, behind one registry.

Two kinds of format:

- a *file format* recognises a whole file from its content (`sniff`) and
  yields records (`parse`): the X account archive's `tweets.js`, the old
  archive's monthly `.js` files, CSV, and the JSON reader;
- an *object format* recognises one JSON object (`claims`) and turns it into
  records: a v1.1 status, a v2 response page or flattened tweet, a snscrape
  tweet. The JSON reader (`jsonfile`) hands every object of a JSON-lines file,
  a JSON array or a whole JSON document to the first one that claims it, so a
  new JSON shape is one new module, and mixed files still import.

Detection looks at content, never only at the file name.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

from ..model import Item
from ..sources import SourceFile


@dataclass
class ParseOptions:
    """What the user can tell the parsers; CSV columns the parser cannot
    recognise on its own are named here."""

    csv_id_column: str | None = None
    csv_date_column: str | None = None
    csv_text_column: str | None = None
    csv_author_column: str | None = None


@dataclass
class RecordContext:
    """Where one JSON object came from, handed to object formats."""

    location: str  # "line 12", "entry 3"
    raw: bytes  # the verbatim bytes of the record, when the object is a whole record
    src: SourceFile | None = None
    options: ParseOptions = field(default_factory=ParseOptions)
    # Shared by every record of one file (JSON lines), for what a format
    # may remember from one record to the next (v2: the accounts it read).
    memo: dict[str, Any] | None = None


class FileFormat(Protocol):
    name: str  # stored in sources.format
    label: str  # said to people
    # A metadata file read by another format alongside the posts (account.js,
    # manifest.js): found in a folder it is passed over quietly.
    auxiliary: bool

    def sniff(self, src: SourceFile, head: str) -> bool: ...

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]: ...


class ObjectFormat(Protocol):
    name: str
    label: str

    def claims(self, obj: dict[str, Any]) -> bool: ...

    def parse(self, obj: dict[str, Any], ctx: RecordContext) -> Iterator[Item]: ...


FILE_FORMATS: list[FileFormat] = []
OBJECT_FORMATS: list[ObjectFormat] = []

# Order matters: the most specific sniffers first, the JSON reader (which takes
# anything that starts like JSON) and CSV last.
_MODULES = ["xarchive", "grailbird", "events", "academic", "v2", "snscrape", "gnip", "v1", "jsonfile", "csvfile"]
_loaded = False


def _rank(fmt: object) -> int:
    name = type(fmt).__module__.rsplit(".", 1)[-1]
    return _MODULES.index(name) if name in _MODULES else len(_MODULES)


def register_file(fmt: FileFormat) -> FileFormat:
    # In the order of _MODULES whichever module was imported first (a test
    # or a tool may import the JSON reader before the others).
    FILE_FORMATS.append(fmt)
    FILE_FORMATS.sort(key=_rank)
    return fmt


def register_object(fmt: ObjectFormat) -> ObjectFormat:
    OBJECT_FORMATS.append(fmt)
    OBJECT_FORMATS.sort(key=_rank)
    return fmt


def load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in _MODULES:
        importlib.import_module(f"{__name__}.{name}")


def head_text(src: SourceFile) -> str:
    """The decoded start of a file, for sniffing; undecodable bytes replaced."""
    return src.head().decode("utf-8", errors="replace").lstrip("\ufeff")


def detect(src: SourceFile) -> FileFormat | None:
    """The file format that recognises this file's content, or None."""
    load()
    fmt = _sniffed(src)
    if fmt is None and b"\n" in src.head().strip():
        # A line some tool printed before the archive (a banner, a prompt):
        # look past it, and read it as an empty line if that is all it took.
        src.skip_first_line()
        fmt = _sniffed(src)
        if fmt is None:
            src.skip_first_line(False)
        else:
            src.notice("line 1", "not part of the archive (a line written before it); passed over")
    return fmt


def _sniffed(src: SourceFile) -> FileFormat | None:
    head = head_text(src)
    for fmt in FILE_FORMATS:
        if fmt.sniff(src, head):
            return fmt
    return None


def object_format_for(obj: dict[str, Any]) -> ObjectFormat | None:
    load()
    for fmt in OBJECT_FORMATS:
        if fmt.claims(obj):
            return fmt
    return None


def by_name(name: str) -> FileFormat | ObjectFormat | None:
    load()
    every: list[FileFormat | ObjectFormat] = [*FILE_FORMATS, *OBJECT_FORMATS]
    for fmt in every:
        if fmt.name == name:
            return fmt
    return None
