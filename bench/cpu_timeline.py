"""How busy the machine's cores are while a command runs, and with what.

    python bench/cpu_timeline.py [--every 5] -- archive-viewer import --collection C FILE

Every few seconds: the cores the command's process tree used, by process
name (the importer's helpers name themselves: av-parse, av-clusters,
av-index-live, av-compress, av-index-N), beside the whole machine's user,
system, idle, I/O-wait and steal time from /proc/stat. It shows whether an
import waits on one process (a helper near a whole core, the rest idle) or
has both cores full (then only less work makes it faster). Linux only.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import time

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid → (parent pid, name, CPU seconds so far)."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        out[int(entry)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICK)
    return out


def _machine() -> list[int]:
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:9]]


def _tree(root: int, procs: dict[int, tuple[int, str, float]]) -> set[int]:
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, (parent, _, _) in procs.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=float, default=5.0, help="seconds between lines")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    start = time.time()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    seen: dict[int, float] = {}
    before = _machine()
    busy_sum = lines = 0.0
    while proc.poll() is None:
        time.sleep(args.every)
        procs = _processes()
        by_name: dict[str, float] = {}
        for pid in _tree(proc.pid, procs):
            if pid in procs:
                _, name, cpu = procs[pid]
                by_name[name] = by_name.get(name, 0.0) + cpu - seen.get(pid, 0.0)
                seen[pid] = cpu
        now = _machine()
        user, nice, system, idle, iowait, _, _, steal = (
            (a - b) / TICK / args.every for a, b in zip(now, before, strict=True))
        before = now
        busy = sum(by_name.values()) / args.every
        busy_sum += busy
        lines += 1
        parts = " ".join(f"{name}={cpu / args.every:.2f}" for name, cpu in
                         sorted(by_name.items(), key=lambda kv: -kv[1]) if cpu / args.every >= 0.02)
        print(f"{time.time() - start:6.0f} s  {busy:4.2f} cores  [machine: user {user + nice:.2f} system "
              f"{system:.2f} idle {idle:.2f} iowait {iowait:.2f} steal {steal:.2f}]  {parts}", flush=True)
    if lines:
        print(f"status {proc.returncode}; {time.time() - start:.1f} s; "
              f"{busy_sum / lines:.2f} cores busy on average")


if __name__ == "__main__":
    main()
