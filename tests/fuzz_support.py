"""Mutations of small real archives, for the property test and `make fuzz`.

Each seed is a real file of one format, rewritten with one record per line
(the records themselves untouched) so that which posts come from which
record is known: a case mutates one record (or the whole file in a way that
spoils no record), and every post of the other records must still import.
"""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
# The bundled sample: in the package since the layout of issue 10, in archives/ before.
SAMPLE = next((p for p in (ROOT / "viewer" / "resources" / "sample" / "mosul", ROOT / "archives" / "mosul")
               if p.is_dir()), ROOT / "viewer" / "resources" / "sample" / "mosul")
PER_SEED = 6  # records per seed file: small, so a case runs in a fraction of a second


@dataclass
class Seed:
    name: str
    filename: str  # where the file goes, relative to the case folder
    prefix: bytes
    records: list[bytes]
    suffix: bytes
    # raw.location of a post → index of the record it came from
    record_of: Callable[[str], int | None]
    side_files: dict[str, bytes] = field(default_factory=dict)
    json_records: bool = True

    def body(self, records: list[bytes] | None = None) -> bytes:
        return self.prefix + b"\n".join(records if records is not None else self.records) + self.suffix


def _line_no(loc: str, first_line: int = 1) -> int | None:
    m = re.match(r"line (\d+)", loc)
    return int(m.group(1)) - first_line if m else None


def _entry_no(loc: str) -> int | None:
    m = re.match(r"entry (\d+)", loc)
    return int(m.group(1)) - 1 if m else None


def _statuses_no(loc: str) -> int | None:
    m = re.search(r"statuses\[(\d+)\]", loc)
    return int(m.group(1)) if m else None


def _lines(path: Path, n: int = PER_SEED) -> list[bytes]:
    out = []
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                out.append(line.rstrip(b"\r\n"))
            if len(out) >= n:
                break
    return out


def _assignment_entries(path: Path) -> tuple[str, list[Any]]:
    text = path.read_text(encoding="utf-8-sig")
    name, _, value = text.partition("=")
    return name.strip(), json.loads(value.strip().rstrip(";"))


def _dump(v: Any) -> bytes:
    return json.dumps(v, ensure_ascii=False).encode()


def seeds() -> list[Seed]:
    """Every seed whose source is present (corpora and the bundled sample)."""
    out: list[Seed] = []
    c = CORPORA
    if (c / "twarc-csv").is_dir():
        lines = [_lines(c / "twarc-csv" / f, 1)[0] for f in
                 ("two_tweets.jsonl", "cashtags.jsonl", "media_tweet.jsonl", "mentions_tweet.jsonl",
                  "geo_tweets.jsonl", "verified_type.jsonl")]
        out.append(Seed("v2-pages", "pages.jsonl", b"", lines, b"\n", _line_no))
        out.append(Seed("v2-flat", "flat.jsonl", b"", _lines(c / "twarc-csv" / "flat.jsonl"), b"\n", _line_no))
    if (c / "v1-sfm-timeline").is_dir():
        src = next((c / "v1-sfm-timeline").glob("*.jsonl"))
        out.append(Seed("v1-lines", "timeline.jsonl", b"", _lines(src), b"\n", _line_no))
    if (c / "v1-python-twitter").is_dir():
        home = json.loads((c / "v1-python-twitter" / "testdata" / "get_home_timeline.json").read_text())
        out.append(Seed("v1-array", "home.json", b"[\n", [_dump(s) + b"," for s in home[:PER_SEED - 1]]
                        + [_dump(home[PER_SEED - 1])], b"\n]\n", _entry_no))
        search = json.loads((c / "v1-python-twitter" / "testdata" / "get_search_raw.json").read_text())
        st = search["statuses"][:PER_SEED]
        out.append(Seed("v1-search", "search.json", b'{"statuses": [\n',
                        [_dump(s) + b"," for s in st[:-1]] + [_dump(st[-1])],
                        b'\n], "search_metadata": ' + _dump(search.get("search_metadata")) + b"}\n", _statuses_no))
    xa = c / "x-account-archive-2026" / "data"
    for label, data in (("x-archive", xa), ("sample-x-archive", SAMPLE / "account-archive" / "data")):
        if (data / "tweets.js").is_file():
            name, entries = _assignment_entries(data / "tweets.js")
            entries = entries[:PER_SEED]
            side = {f"data/{f}": (data / f).read_bytes() for f in ("account.js", "manifest.js") if (data / f).is_file()}
            out.append(Seed(label, "data/tweets.js", f"{name} = [\n".encode(),
                            [_dump(e) + b"," for e in entries[:-1]] + [_dump(entries[-1])], b"\n]", _entry_no,
                            side_files=side))
    gb = c / "grailbird-congressedits" / "data" / "js" / "tweets"
    if gb.is_dir():
        month = sorted(gb.glob("*.js"))[0]
        name, entries = _assignment_entries(month)
        entries = entries[:PER_SEED]
        out.append(Seed("grailbird", f"data/js/tweets/{month.name}", f"{name} =\n[\n".encode(),
                        [_dump(e) + b"," for e in entries[:-1]] + [_dump(entries[-1])], b"\n]", _entry_no))
        csv_lines = [ln for ln in _lines(c / "grailbird-congressedits" / "tweets.csv", 60)]
        header, rows = csv_lines[0], [r for r in csv_lines[1:] if r.count(b'"') % 2 == 0][:PER_SEED]
        out.append(Seed("csv", "tweets.csv", header + b"\n", rows, b"\n", lambda loc: _line_no(loc, 2),
                        json_records=False))
    if (SAMPLE / "search-harvest.jsonl.gz").is_file():
        with gzip.open(SAMPLE / "search-harvest.jsonl.gz", "rb") as f:
            lines = [ln.rstrip(b"\n") for _, ln in zip(range(PER_SEED), f, strict=False)]
        out.append(Seed("sample-v2-harvest", "harvest.jsonl", b"", lines, b"\n", _line_no))
    return out


# -- mutations of one JSON record -------------------------------------------------

HOSTILE_VALUES: list[Any] = [
    2**64 + 7, -(2**70), 10**400, "\ud800", "\udfff tail", "2016-10-17T05:12:00+25:00",
    "Mon Oct 17 05:12:00 +9999 2016", "99999-01-01", ["a", "list"], {"a": "dict"}, None, True, 3.5e308,
    "", "x" * 5000, -1, 0, "\x00", "‮right-to-left", [[[[[]]]]],
]


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value[:5]):
            out.extend(_paths(v, (*path, i)))
    return out


def _set(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    value[head] = _set(value[head], rest, new)
    return value


def _deep(n: int) -> Any:
    v: Any = 1
    for _ in range(n):
        v = [v]
    return v


def mutate_value(record: bytes, rnd: random.Random) -> tuple[bytes, str]:
    """One structural change inside a JSON record: (new record, mutation class)."""
    trailing = record.endswith(b",")
    body = record[:-1] if trailing else record
    value = json.loads(body)
    path = rnd.choice(_paths(value))
    kind = rnd.choice(["hostile", "type-swap", "delete", "deep"])
    if kind == "hostile":
        value = _set(value, path, rnd.choice(HOSTILE_VALUES))
    elif kind == "type-swap":
        old = _get(value, path)
        swap = {str: 12345, int: "12345", float: "1.5", list: {"x": 1}, dict: [1, 2], bool: "yes",
                type(None): [None]}.get(type(old), None)
        value = _set(value, path, swap)
    elif kind == "delete" and path:
        parent = _get(value, path[:-1])
        del parent[path[-1]]
    else:
        kind = "deep"
        value = _set(value, path, "__DEEP__")
    text = json.dumps(value, ensure_ascii=rnd.random() < 0.5)
    if kind == "deep":
        depth = rnd.choice([50, 1000, 100_000])
        text = text.replace('"__DEEP__"', "[" * depth + "1" + "]" * depth, 1)
    out = text.encode("utf-8", "surrogatepass")
    return (out + b"," if trailing else out), kind


def _get(value: Any, path: tuple) -> Any:
    for p in path:
        value = value[p]
    return value


def mutate_bytes(record: bytes, rnd: random.Random) -> tuple[bytes, str]:
    if not record:
        return b"\xff", "bytes"
    kind = rnd.choice(["flip", "insert", "delete", "nul"])
    i = rnd.randrange(len(record))
    if kind == "flip":
        return record[:i] + bytes([record[i] ^ (1 << rnd.randrange(8))]) + record[i + 1:], "byte-flip"
    if kind == "insert":
        junk = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
        return record[:i] + junk + record[i:], "byte-insert"
    if kind == "nul":
        return record[:i] + b"\x00" + record[i + 1:], "byte-nul"
    j = min(len(record), i + rnd.randint(1, 40))
    return record[:i] + record[j:], "byte-delete"


# -- a case: one file, which records are intact ---------------------------------------

COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}
ENCODINGS = ["utf-8-sig", "utf-16", "utf-32", "crlf", "cr"]


@dataclass
class Case:
    seed: Seed
    data: bytes
    filename: str
    intact: set[int]  # records whose posts must all be imported
    kind: str


def make_case(seed: Seed, rnd: random.Random) -> Case:
    n = len(seed.records)
    what = rnd.choice(["value", "value", "bytes", "bytes", "truncate", "encoding", "compress", "compress-cut"])
    records = list(seed.records)
    intact = set(range(n))
    filename = seed.filename
    kind = what
    if what == "value" and seed.json_records:
        k = rnd.randrange(n)
        records[k], kind = mutate_value(records[k], rnd)
        intact.discard(k)
        data = seed.body(records)
    elif what in ("value", "bytes"):
        k = rnd.randrange(n)
        records[k], kind = mutate_bytes(records[k], rnd)
        intact.discard(k)
        if not seed.json_records:
            # In CSV a quote added or removed moves where the next row
            # starts: the row after the changed one may be taken with it.
            intact.discard(k + 1)
        data = seed.body(records)
    elif what == "truncate":
        data = seed.body()
        cut = rnd.randrange(len(data))
        data = data[:cut]
        end = len(seed.prefix)
        intact = set()
        for i, r in enumerate(records):
            end += len(r)
            if end < cut - 1:
                intact.add(i)
            end += 1
        # Without its closing bracket an array keeps its entries; the last
        # whole entry before the cut may lose its trailing comma: it stays.
    elif what == "encoding":
        enc = rnd.choice(ENCODINGS)
        kind = f"encoding-{enc}"
        text = seed.body().decode("utf-8")
        if enc == "crlf":
            data = text.replace("\n", "\r\n").encode()
        elif enc == "cr":
            data = text.replace("\n", "\r").encode()
        else:
            data = text.encode(enc)
    else:
        suffix = rnd.choice(list(COMPRESS))
        data = COMPRESS[suffix](seed.body())
        filename = seed.filename + suffix
        kind = f"compress{suffix}"
        if what == "compress-cut":
            data = data[: rnd.randrange(len(data))]
            intact = set()  # how much a cut stream gives depends on the codec
            kind = f"compress-cut{suffix}"
    return Case(seed, data, filename, intact, kind)


def write_case(case: Case, folder: Path) -> Path:
    for rel, data in case.seed.side_files.items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    path = folder / case.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case.data)
    return path


def expected_by_record(coll: Any, seed: Seed) -> dict[int, set[int]]:
    """From an import of the pristine seed: the collected posts of each record."""
    out: dict[int, set[int]] = {}
    for pid, loc in coll.db.execute("SELECT post_id, location FROM raw WHERE collected = 1"):
        k = seed.record_of(loc or "")
        if k is not None:
            out.setdefault(k, set()).add(pid)
    return out
