"""Recovering a damaged collection: what SQLite can still read goes into a
fresh collection.db; the damaged file is kept beside it, renamed, and the
search index is rebuilt from the recovered rows.

SQLite reads a damaged table up to the first bad page and then fails; so a
table is read in ranges of rowids, and a range that fails is read row by row,
leaving out only the rows that are really gone.
"""
from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from viewer import store
from viewer.jobs import Job

# Rows read (and written) at a time; a range that fails is read row by row.
RANGE = 2000


@dataclass
class RepairReport:
    kept_as: Path | None = None  # where the damaged file now is
    tables: dict[str, int] = field(default_factory=dict)  # rows recovered per table
    lost: dict[str, int] = field(default_factory=dict)  # rowids that could not be read, per table
    unreadable_tables: list[str] = field(default_factory=list)
    integrity: str = ""  # integrity_check of the damaged file, first line
    indexed: int | None = None
    index_problem: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kept_as": str(self.kept_as) if self.kept_as else None,
            "recovered": self.tables,
            "lost": self.lost,
            "unreadable_tables": self.unreadable_tables,
            "integrity_before": self.integrity,
            "indexed": self.indexed,
            "index_problem": self.index_problem,
        }


class NothingToRepair(Exception):
    pass


def integrity(db: sqlite3.Connection, limit: int = 20) -> list[str]:
    """SQLite's own check of every page and index; ['ok'] when sound."""
    try:
        return [r[0] for r in db.execute(f"PRAGMA integrity_check({int(limit)})")]
    except sqlite3.DatabaseError as e:
        return [str(e)]


def repair(path: Path, job: Job | None = None, rebuild_index: bool = True) -> RepairReport:
    """Recover the collection at `path` in place (the old database kept as
    collection.db.damaged-<time>); raises NothingToRepair when there is no
    collection.db."""
    path = Path(path)
    dbfile = path / "collection.db"
    if not dbfile.exists():
        raise NothingToRepair(f"{path}: no collection.db here")
    report = RepairReport()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = path / f"collection.db.damaged-{stamp}"
    # The damaged file and its journal move aside together, untouched
    # except by SQLite's own recovery of the journal when it is read.
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(dbfile) + suffix)
        if src.exists():
            os.replace(src, Path(str(kept) + suffix))
    report.kept_as = kept
    fresh_path = path / "collection.db.repairing"
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(str(fresh_path) + suffix)
        except FileNotFoundError:
            pass
    fresh = store.connect(fresh_path)
    store.ensure_schema(fresh)
    new = fresh.conn
    old: sqlite3.Connection | None = None
    try:
        if kept.stat().st_size:
            try:
                old = sqlite3.connect(str(kept), timeout=5)
            except sqlite3.Error as e:
                report.integrity = str(e)
                old = None
            if old is not None:
                # A damaged page may hold part of the schema; read what is there.
                old.execute("PRAGMA writable_schema=ON")
                report.integrity = integrity(old, 1)[0]
        else:
            report.integrity = "an empty file"
        tables = fresh.table_names()
        for i, table in enumerate(tables):
            if job is not None:
                job.check()
                job.progress(i, len(tables), f"Recovering {table}")
            if old is None:
                report.unreadable_tables.append(table)
                continue
            _copy_table(old, new, table, report)
        new.execute("DELETE FROM meta WHERE key LIKE 'index%'")
        new.commit()
    finally:
        if old is not None:
            old.close()
        fresh.close()
    os.replace(fresh_path, dbfile)
    for suffix in ("-wal", "-shm"):
        try:
            os.replace(str(fresh_path) + suffix, str(dbfile) + suffix)
        except FileNotFoundError:
            pass
    if rebuild_index:
        from viewer.collection import Collection
        from viewer.index import reindex

        with Collection.open(path, create=False) as coll:
            try:
                report.indexed = reindex(coll, job)
            except Exception as e:  # the rows are safe; the index can be rebuilt later
                report.index_problem = f"{type(e).__name__}: {e}; run `archive-viewer reindex`"
    return report


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]


def _copy_table(old: sqlite3.Connection, new: sqlite3.Connection, table: str, report: RepairReport) -> None:
    """Every row of `table` SQLite can still read: from the first row up to
    the damage, from the last row down to it, and in between each row that
    an index of the table still names (an index lives on other pages)."""
    try:
        have = set(_columns(old, table))
    except sqlite3.DatabaseError:
        have = set()
    if not have:
        report.unreadable_tables.append(table)
        return
    cols = [c for c in _columns(new, table) if c in have]
    names = ", ".join(f"[{c}]" for c in cols)
    insert = f"INSERT OR IGNORE INTO [{table}]({names}) VALUES ({', '.join('?' * len(cols))})"
    seen: set[int] = set()
    whole = True
    for ascending in (True, False):
        for rows in _scan(old, table, names, ascending):
            fresh = [r for r in rows if r[0] not in seen]
            seen.update(r[0] for r in fresh)
            new.executemany(insert, [r[1:] for r in fresh])
        whole = whole and _scan.finished  # type: ignore[attr-defined]
    lost = 0
    if not whole:
        one = f"SELECT {names} FROM [{table}] WHERE rowid = ?"
        for rowid in sorted(_rowids_from_indexes(old, table) - seen):
            try:
                row = old.execute(one, [rowid]).fetchone()
            except sqlite3.DatabaseError:
                lost += 1
                continue
            if row is not None:
                seen.add(rowid)
                new.execute(insert, row)
    new.commit()
    report.tables[table] = len(seen)
    if lost or not whole:
        report.lost[table] = lost


def _scan(old: sqlite3.Connection, table: str, names: str, ascending: bool) -> Iterator[list[tuple]]:
    """Pages of (rowid, …) rows in rowid order until the end or the damage;
    `_scan.finished` says which it was."""
    _scan.finished = False  # type: ignore[attr-defined]
    op, order = (">", "ASC") if ascending else ("<", "DESC")
    bound: int | None = None
    size = RANGE
    while True:
        where = f"WHERE rowid {op} ?" if bound is not None else ""
        sql = f"SELECT rowid, {names} FROM [{table}] {where} ORDER BY rowid {order} LIMIT ?"
        try:
            rows = old.execute(sql, [*([bound] if bound is not None else []), size]).fetchall()
        except sqlite3.DatabaseError:
            if size == 1:
                return
            size = max(1, size // 16)  # closer to the damage, a few rows at a time
            continue
        if not rows:
            _scan.finished = True  # type: ignore[attr-defined]
            return
        last = rows[-1][0]
        if bound is not None and (last <= bound if ascending else last >= bound):
            return  # a damaged page that points back: reading on would never end
        yield rows
        bound = last


def _rowids_from_indexes(old: sqlite3.Connection, table: str) -> set[int]:
    out: set[int] = set()
    try:
        indexes = [r[1] for r in old.execute(f"PRAGMA index_list([{table}])")]
    except sqlite3.DatabaseError:
        return out
    for name in indexes:
        try:
            cur = old.execute(f"SELECT rowid FROM [{table}] INDEXED BY [{name}]")
            while True:
                got = cur.fetchmany(10_000)
                if not got:
                    break
                out.update(r[0] for r in got)
        except sqlite3.DatabaseError:
            continue  # this index is damaged too: the others may not be
    return out
