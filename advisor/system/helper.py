"""One forked process that works ahead for this one, on the second CPU of a machine with two.

A first review (an empty cache, as on a fresh CI runner) is a single process doing work whose
results are known to be reusable: the parse of each file, the review of each object. A helper,
forked once the work is laid out, takes the same work from the other end and sends each
result back as it finishes; this process takes what has arrived, does the rest itself, and
stops the helper when the two meet. Nothing waits on the helper: whatever has not arrived is
done here, exactly as without one, so that a helper that is slow, fails or never starts
changes how long the run takes, never what it says.

``with Helper(work) as helper:`` runs ``work(send)`` in the child, where ``send(bytes)`` hands one
message back; ``helper.received()`` is what has arrived since the last call (never blocking).

The child never outlives the block, however it ends: leaving it ends the child and reaps it
(Ctrl-C, SIGTERM, an error included; no further signal interrupts that). The child ignores
Ctrl-C (its parent handles it), dies with its parent (advisor.system.workers.die_with_parent),
ends at once when its parent stops reading (a write to a closed pipe), writes nothing to the
terminal, and leaves by ``os._exit``: no ``atexit`` handler of this process (saving caches) and
no flush of its buffers runs twice. Only where fork is the platform's way to start a process
(Linux), and only with a second CPU to run on that is not busy already (``available``).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Callable

from advisor.system.signals import blocked, shielded

_HEADER = 8  # bytes of each message's length, little-endian
PIPE_BYTES = 1 << 20  # the pipe's buffer, where Linux lets it grow: the child seldom waits on a full pipe
_F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ, from Python 3.10 on Linux
STOP_SECONDS = 5.0


def available() -> bool:
    """Whether a helper can run beside this process: a forking platform, and a CPU for it that other work
    does not already keep busy. A helper costs about a third more CPU in all than the work it shares (the
    fork, sending results back): on CPUs that are all busy it makes the run slower, not faster."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    cpus = len(os.sched_getaffinity(0))  # the CPUs this process may run on (a container's, not the host's)
    return cpus >= 2 and _running() < cpus


def _running() -> int:
    """The threads running or ready to run on the machine now, this one included (/proc/loadavg's
    fourth field); 1 when it cannot be read."""
    try:
        with open("/proc/loadavg", "rb") as handle:
            return int(handle.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):  # pragma: no cover - no /proc
        return 1


class Helper:
    """A child process running ``work(send)``; see the module's docstring."""

    def __init__(self, work: Callable[[Callable[[bytes], None]], None]):
        self.work = work
        self.pid: int | None = None
        self.fd: int | None = None
        self.buffer = bytearray()
        self.ended = False  # the child closed its end: nothing more will arrive

    def __enter__(self) -> Helper:
        """Start the child; when it cannot be started (no file descriptor or process left), there is
        none: nothing arrives, and this process does all the work."""
        try:
            read, write = os.pipe()
        except OSError:
            self.ended = True
            return self
        try:
            import fcntl

            fcntl.fcntl(write, _F_SETPIPE_SZ, PIPE_BYTES)
        except (ImportError, OSError):
            pass  # a smaller pipe: the child waits for the parent to read, no more
        parent = os.getpid()
        try:
            with blocked():  # no signal may reach the child before it has set its own handling
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the child (its work is tested through what it sends)
                    os.close(read)
                    _child(self.work, write, parent)
        except OSError:
            os.close(read)
            self.ended = True
            return self
        finally:
            os.close(write)
        self.pid, self.fd = pid, read
        os.set_blocking(read, False)
        return self

    def received(self) -> list[bytes]:
        """The messages that have arrived whole since the last call."""
        if self.fd is None or self.ended:
            return []
        while True:
            try:
                chunk = os.read(self.fd, PIPE_BYTES)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                self.ended = True
                break
            self.buffer += chunk
        messages, buffer, at = [], self.buffer, 0
        while len(buffer) - at >= _HEADER:
            size = int.from_bytes(buffer[at:at + _HEADER], "little")
            if len(buffer) - at - _HEADER < size:
                break
            messages.append(bytes(buffer[at + _HEADER:at + _HEADER + size]))
            at += _HEADER + size
        del buffer[:at]
        return messages

    def stop(self) -> None:
        """End the child (whatever it is doing is no longer wanted) and reap it; then read nothing more.
        SIGTERM, which the child takes as soon as it is not writing a file of the cache (advisor.system.cache
        holds signals off while it does, so that no temporary file is left); SIGKILL should it not be gone
        within STOP_SECONDS."""
        if self.pid is None:
            return
        with shielded():
            try:
                os.kill(self.pid, signal.SIGTERM)
                deadline = time.monotonic() + STOP_SECONDS
                while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                    if time.monotonic() > deadline:  # pragma: no cover - a child that hangs with signals held
                        os.kill(self.pid, signal.SIGKILL)
                        os.waitpid(self.pid, 0)
                        break
                    time.sleep(0.0005)
            except (ProcessLookupError, ChildProcessError):  # pragma: no cover - reaped by a host's SIGCHLD handler
                pass
            self.pid = None
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None
            self.ended = True

    def __exit__(self, *exc) -> None:
        self.stop()


def _child(work, write: int, parent: int) -> None:  # pragma: no cover - runs in the child only
    """Run ``work`` and leave without running anything of the parent's (atexit, buffers)."""
    status = 1
    try:
        from advisor.system.workers import die_with_parent

        die_with_parent(parent)  # Ctrl-C ignored, SIGTERM ends it, and so does the parent's death

        def send(payload: bytes) -> None:
            data = memoryview(len(payload).to_bytes(_HEADER, "little") + payload)
            while data:
                data = data[os.write(write, data):]

        work(send)
        status = 0
    except BaseException:  # noqa: BLE001 - the parent does whatever did not arrive; nothing to say here
        pass
    finally:
        os._exit(status)
