"""Run a command and measure it: wall time and peak memory of its whole
process tree (Whoosh's writer may fork workers, so the main process alone
would under-report).

Two peaks: the summed resident sets (RSS), and the summed proportional sets
(PSS, from /proc/PID/smaps_rollup). A forked worker shares its parent's
pages until either writes them, and RSS counts a shared page once in every
process that maps it; PSS splits it between them, so the PSS sum is the
memory the tree really takes from the machine.

The same figures by process name (the importer names its helpers:
av-clusters, av-compress, av-index-live, av-index-N): each name's resident
memory at the tree's peak, its own peak, and its CPU seconds."""
from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    returncode: int
    cpu_s: float = 0.0  # user + system time of the command (its waited-for children included)
    peak_pss_mb: float = 0.0  # peak of the summed PSS of the tree (shared pages counted once)
    main_peak_mb: float = 0.0  # peak RSS of the command's own process, its children apart
    # name → {"at_peak_mb", "peak_mb", "cpu_s"}: the tree's processes by name
    by_name: dict[str, dict[str, float]] = field(default_factory=dict)


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _processes() -> tuple[dict[int, list[int]], dict[int, int]]:
    """Every process's children, and its resident memory in KB, from /proc."""
    children, rss, _, _ = _process_table()
    return children, rss


def _process_table() -> tuple[dict[int, list[int]], dict[int, int], dict[int, str], dict[int, float]]:
    """Every process's children, resident memory in KB, name and CPU seconds."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    names: dict[int, str] = {}
    cpu: dict[int, float] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        head, tail = stat.rsplit(b")", 1)
        fields = tail.split()
        pid = int(name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1] is ppid
        rss[pid] = int(fields[21]) * PAGE_KB  # fields[21] is rss in pages
        names[pid] = head.split(b"(", 1)[1].decode(errors="replace")
        cpu[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    return children, rss, names, cpu


def _tree(root: int, children: dict[int, list[int]] | None = None) -> list[int]:
    if children is None:
        children = _processes()[0]
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _tree_pss_kb(root: int) -> int:
    return sum(_pss_kb(pid) for pid in _tree(root))


def measure(cmd: list[str], env: dict[str, str] | None = None, quiet: bool = True, every: float = 0.05,
            pss: bool = False, stdout: object = None) -> Measured:
    """Wall-clock seconds and the peak summed resident memory (MB) of the
    command and its descendants, sampled every `every` seconds; with `pss`
    also the peak summed PSS (dearer to read: for long runs). `stdout`: a
    file for the command's output and errors (else quiet or inherited)."""
    start = time.perf_counter()
    out = stdout if stdout is not None else (subprocess.DEVNULL if quiet else None)
    p = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT if stdout is not None else out)
    peak = [0, 0, 0]
    done = threading.Event()
    at_peak: dict[str, int] = {}
    own_peak: dict[str, int] = {}
    cpu_of: dict[int, tuple[str, float]] = {}  # the last seen of every process of the tree

    def sample() -> None:
        while not done.is_set():
            children, rss, names, cpu = _process_table()
            tree = [pid for pid in _tree(p.pid, children) if pid in rss]
            by_name: dict[str, int] = {}
            for pid in tree:
                by_name[names[pid]] = by_name.get(names[pid], 0) + rss[pid]
                cpu_of[pid] = (names[pid], cpu[pid])
            for n, kb in by_name.items():
                own_peak[n] = max(own_peak.get(n, 0), kb)
            total = sum(by_name.values())
            if total > peak[0]:
                peak[0] = total
                at_peak.clear()
                at_peak.update(by_name)
            peak[2] = max(peak[2], rss.get(p.pid, 0))
            if pss:
                peak[1] = max(peak[1], _tree_pss_kb(p.pid))
            done.wait(every)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    t.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    # Not ru_maxrss: on Linux it counts the parent's pages at fork time, so a
    # large benchmark process would inflate the child's figure.
    cpu_by_name: dict[str, float] = {}
    for n, secs in cpu_of.values():
        cpu_by_name[n] = cpu_by_name.get(n, 0.0) + secs
    by_name = {n: {"at_peak_mb": round(at_peak.get(n, 0) / 1024), "peak_mb": round(own_peak[n] / 1024),
                   "cpu_s": round(cpu_by_name.get(n, 0.0), 1)} for n in own_peak}
    return Measured(seconds, peak[0] / 1024, p.returncode, usage.ru_utime + usage.ru_stime, peak[1] / 1024,
                    peak[2] / 1024, by_name)
