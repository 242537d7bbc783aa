"""What every helper process the importer starts does first (the index
writer's workers, the raw-record compressor, the near-copy clusterer): end
with its parent, and take a name of its own."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

# The youngest generation's threshold while importing (in the importer, and
# in a helper that parses). An import makes millions of short-lived objects
# that hold no cycles; at Python's default (700) the collector runs every
# few records and costs about an eighth of the import's CPU, for no memory back.
GC_YOUNG_THRESHOLD = 100_000


def die_with_parent(parent: int, name: str | None = None) -> None:
    """Make this process end when the one that started it ends, however it
    ends (a kill -9 too): an orphan would wait on a queue no one will fill,
    or hold the index's lock and write segments no one will commit. Linux
    says so to the kernel; elsewhere a thread watches for the parent to go.

    `name` (at most 15 bytes on Linux) is what top, ps -e and the benchmarks
    show for the process instead of one more "python"."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig, pr_set_name = 1, 15
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
            if name:
                libc.prctl(pr_set_name, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent was gone before the line above
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
