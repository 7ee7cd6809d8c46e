"""SIGTERM and SIGHUP as exceptions, so that a stopped run cleans up as Ctrl-C does.

By default either signal ends Python at once: no ``finally`` runs, so a
temporary output file stays behind, worker processes are orphaned and a wizard
leaves the terminal raw. ``terminating_on_signals`` turns each into
``Terminated`` for the duration of a command; the CLI reports it and exits with
128 + the signal's number, as a shell does. A signal the caller ignores
(``nohup`` ignores SIGHUP) stays ignored.

``Terminated`` is a SystemExit (with that status), like KeyboardInterrupt not an
Exception: ``except Exception`` does not swallow it, asyncio (prompt_toolkit's
loop) lets it through instead of reporting it, and were it ever uncaught, Python
would exit with the status and no traceback.

Each signal raises, every time: a signal whose exception Python had to drop (one
raised inside an at-fork hook or a finaliser) is not the last word. The cleanups
that must finish run ``shielded`` from further signals, and ``blocked`` keeps
signals away from a fork, where a child would get them before it can ignore them.
"""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
STOPS = (signal.SIGINT,) + SIGNALS


class Terminated(SystemExit):
    """The process was asked to stop (SIGTERM, SIGHUP)."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


def _raise(signum, frame) -> None:
    raise Terminated(signum)


def _main_thread() -> bool:
    threading = sys.modules.get("threading")  # not imported: then there is only the main thread
    return threading is None or threading.current_thread() is threading.main_thread()


def terminating_on_signals():
    """Within the block, SIGTERM and SIGHUP raise Terminated in the main thread (Ctrl-C raises
    KeyboardInterrupt, as it always does). Nothing changes for a signal the caller set up
    otherwise (ignored by ``nohup``, handled by a host program)."""
    return _handling(SIGNALS, _raise, lambda current: current is signal.SIG_DFL)


def shielded():
    """Within the block (the cleanup of a run that is already stopping), Ctrl-C, SIGTERM and
    SIGHUP are dropped: a second Ctrl-C while workers are being stopped must not interrupt
    the stopping and leave them running, nor a temporary file behind. (A handler set outside
    Python, which ``getsignal`` reports as None, is left alone.)"""
    return _handling(STOPS, signal.SIG_IGN, lambda current: current not in (signal.SIG_IGN, None))


@contextmanager
def _handling(signums, handler, replaces):
    """Within the block, ``handler`` for each of ``signums`` whose current handler ``replaces``
    accepts; the handlers before it after. Only the main thread may set handlers: elsewhere
    nothing changes."""
    if not _main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum in signums if replaces(signal.getsignal(signum))}
    try:
        yield
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)


@contextmanager
def blocked():
    """Within the block (a fork), Ctrl-C, SIGTERM and SIGHUP wait: delivered after it to this
    process, while a child starts with them blocked until it has set its own handling
    (``unblock``). Without it, a signal can reach a child before it ignores Ctrl-C (a
    traceback from the child), or the parent inside an at-fork hook (where Python drops the
    exception, and the stop with it)."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    old = mask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


def unblock() -> None:
    """In a child forked within ``blocked``, once it has set its own handling."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is not None:
        mask(signal.SIG_UNBLOCK, STOPS)
