"""A pool of worker processes for work that is the same for many items: answer files
(``batch --jobs``), manifest objects (``review --jobs``).

Each worker builds what it works with once (an experta engine is neither thread-safe
nor picklable, so a worker builds its own in the pool's initializer) and is then given
chunks of items; only items go out and small results come back. Results are yielded in
input order, and at most a few chunks per worker are in flight, so memory does not grow
with the number of items. A worker that dies (killed, out of memory) breaks the pool
with an error rather than hanging the caller.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator, Sequence

from advisor.system.failure import Internal
from advisor.system.signals import blocked, shielded
from advisor.system.workers import die_with_parent, kill_workers

IN_FLIGHT_PER_WORKER = 3  # chunks queued per worker: enough to keep it busy, few enough to stay small
MAX_CHUNK = 32

# -- in each worker ------------------------------------------------------------

_worker: Callable | None = None
_failure: str | None = None


class WorkerFailed(Internal):
    """A worker process could not build its engine, or died; the batch cannot go on."""


def _start_worker(make_worker, parent: int) -> None:
    global _worker, _failure
    die_with_parent(parent)
    try:
        _worker = make_worker()
    except Exception as exc:  # raised from the first chunk, so the pool does not respawn forever
        _failure = f"{type(exc).__name__}: {exc}"


def _ready() -> None:
    if _worker is None:
        raise WorkerFailed(f"a worker process could not build its engine: {_failure}")


def _work_on_chunk(items: Sequence) -> list:
    _ready()
    return [_worker(item) for item in items]


def chunk_size(files: int, jobs: int) -> int:
    """Big enough to make a round trip to a worker cheap, small enough to share the work out evenly."""
    return max(1, min(MAX_CHUNK, files // (jobs * 8)))


def _chunks(items: Sequence, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


class WorkerPool:
    """``with WorkerPool(items, jobs, make_worker) as results: for result in results: ...``

    ``make_worker`` is a picklable callable that builds, once per process, what is then
    called with each item. With one job the work is done in this process, without a pool.
    Worker processes start on entering (before any other thread, such as the progress
    bar's, so that forking is safe) and stop on leaving.
    """

    def __init__(self, items: Sequence, jobs: int, make_worker: Callable[[], Callable]):
        self.items = items
        self.jobs = max(1, min(jobs, len(items)))
        self.make_worker = make_worker
        self.pool = None
        self.worker = None

    def __enter__(self) -> Iterator:
        if self.jobs == 1:
            self.worker = self.make_worker()
            return self._in_process()
        # fork, said outright (Python 3.14 defaults to forkserver): the workers are this process's
        # children, so they can watch it, and they start before any other thread exists.
        context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
        self.pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_start_worker,
                                        initargs=(self.make_worker, os.getpid()))
        try:
            # The workers start now, while this is the only thread (so forking is safe); no signal
            # may land in the middle of a fork. Then they show they work.
            with blocked():
                ready = self.pool.submit(_ready)
            ready.result()
        except BaseException as exc:
            self.__exit__(type(exc), exc, None)
            raise
        return self._in_workers()

    def __exit__(self, kind=None, *exc) -> None:
        if self.pool is None:
            return
        if kind is None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            return
        # Stopped (Ctrl-C, SIGTERM, an error): what the workers are doing is not wanted. Kill them
        # rather than wait for their chunks, and let no further Ctrl-C interrupt that.
        with shielded():
            kill_workers(self.pool)
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _in_process(self) -> Iterator:
        for item in self.items:
            yield self.worker(item)

    def _in_workers(self) -> Iterator:
        size = chunk_size(len(self.items), self.jobs)
        pending: deque = deque()
        try:
            for chunk in _chunks(self.items, size):
                pending.append(self.pool.submit(_work_on_chunk, chunk))
                if len(pending) >= self.jobs * IN_FLIGHT_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool as exc:
            raise WorkerFailed(f"a worker process stopped unexpectedly ({exc})") from None
