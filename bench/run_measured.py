"""Run a command and measure it: wall time and peak memory of its whole
process tree (Whoosh's writer may fork workers, so the main process alone
would under-report)."""
from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    returncode: int
    cpu_s: float = 0.0  # user + system time of the command (its waited-for children included)


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1] is ppid
        rss[pid] = int(fields[21]) * PAGE_KB  # fields[21] is rss in pages
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def measure(cmd: list[str], env: dict[str, str] | None = None, quiet: bool = True) -> Measured:
    """Wall-clock seconds and the peak summed resident memory (MB) of the
    command and its descendants, sampled every 50 ms."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL if quiet else None,
                         stderr=subprocess.DEVNULL if quiet else None)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(p.pid))
            done.wait(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    t.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    # Not ru_maxrss: on Linux it counts the parent's pages at fork time, so a
    # large benchmark process would inflate the child's figure.
    return Measured(seconds, peak[0] / 1024, p.returncode, usage.ru_utime + usage.ru_stime)
