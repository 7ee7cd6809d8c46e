"""Worker processes that never outlive the batch, however it ends.

- Ctrl-C reaches the whole foreground process group; workers ignore it and the
  parent, which handles it, stops them.
- SIGTERM and SIGHUP end a worker at once (the parent's Python handlers are reset).
- When the parent dies without a word (SIGKILL, a crash), Linux kills each worker
  (``PR_SET_PDEATHSIG``); elsewhere a thread sees the parent is gone and ends it.
- The parent stopping in a hurry kills its workers instead of waiting on them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from advisor.system.signals import unblock

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Called first in each worker: end this process when ``parent`` ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if not _death_signal(signal.SIGKILL):
        threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the watch was set
        os._exit(1)
    unblock()  # forked with them blocked (signals.blocked): now they do what was just set


def _death_signal(signum: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def kill_workers(pool) -> None:
    """Kill a ProcessPoolExecutor's workers now: nothing they are doing is wanted any more."""
    kill = getattr(pool, "kill_workers", None)  # Python 3.14
    if kill is not None:
        kill()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):  # stable since 3.8
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass  # already gone
