"""Evaluating answer files into FileResults, in process or in worker processes.

An experta engine is neither thread-safe nor picklable, so each worker process
builds its own ``Advisor`` once (the pool's initializer) and evaluates chunks of
paths; only paths go out and small ``FileResult``s come back. Results are
yielded in input order, and at most a few chunks per worker are in flight, so
memory does not grow with the number of files. A worker that dies (killed, out
of memory) breaks the pool with an error rather than hanging the batch.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator, Sequence

from ..answers import load_answers
from ..errors import InputError
from ..expectations import compare
from ..signals import blocked, shielded
from .results import FileResult
from .workers import die_with_parent, kill_workers

IN_FLIGHT_PER_WORKER = 3  # chunks queued per worker: enough to keep it busy, few enough to stay small
MAX_CHUNK = 32


class Evaluator:
    """One file at a time with one engine: load, evaluate, and compare with expectations."""

    def __init__(self, check: bool, named: frozenset[str] = frozenset()):
        """``named``: the files the user named (read whatever they are); the others were found in
        folders and are read only if they are regular files."""
        from ..engine import Advisor

        self.advisor = Advisor()
        self.check = check
        self.named = named

    def __call__(self, path: str) -> FileResult:
        try:
            answers = load_answers(path, regular_only=path not in self.named)
            recommendation = self.advisor.evaluate(answers)
        except InputError as exc:
            return FileResult(path, problems=tuple(str(p) for p in exc.problems))
        except Exception as exc:  # a defect of ours: report it on this file and go on with the others
            return FileResult(path, problems=(f"{path}: internal error, please report it: "
                                              f"{type(exc).__name__}: {exc}",), internal=True)
        expect = answers.expect
        has_expectations = expect is not None and not expect.empty
        mismatches = ()
        if self.check and has_expectations:
            mismatches = tuple(compare(expect, recommendation, self.advisor.kb.findings))
        return FileResult(path, recommendation.to_dict(), expectations=has_expectations, mismatches=mismatches)


# -- worker processes ------------------------------------------------------------

_evaluator: Evaluator | None = None
_failure: str | None = None


class WorkerFailed(Exception):
    """A worker process could not build its engine, or died; the batch cannot go on."""


def _start_worker(make_worker, parent: int) -> None:
    global _evaluator, _failure
    die_with_parent(parent)
    try:
        _evaluator = make_worker()
    except Exception as exc:  # raised from the first chunk, so the pool does not respawn forever
        _failure = f"{type(exc).__name__}: {exc}"


def _ready() -> None:
    if _evaluator is None:
        raise WorkerFailed(f"a worker process could not build its engine: {_failure}")


def _evaluate_chunk(paths: Sequence[str]) -> list[FileResult]:
    _ready()
    return [_evaluator(path) for path in paths]


def chunk_size(files: int, jobs: int) -> int:
    """Big enough to make a round trip to a worker cheap, small enough to share the work out evenly."""
    return max(1, min(MAX_CHUNK, files // (jobs * 8)))


def _chunks(paths: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(paths), size):
        yield list(paths[start:start + size])


class Evaluations:
    """``with Evaluations(paths, jobs, check) as results: for result in results: ...``

    Worker processes start on entering (before any other thread, such as the
    progress bar's, so that forking is safe) and stop on leaving.

    ``worker`` puts other work through the same pool: a picklable callable that
    builds, once per process, what is then called with each item (``paths`` being
    any items); ``pod-advisor review --jobs`` reviews objects with it.
    """

    def __init__(self, paths: Sequence, jobs: int = 1, check: bool = False, worker=None,
                 named: frozenset[str] = frozenset()):
        """``named``: the answer files the user named (read whatever they are); the others were
        found in folders and are read only if they are regular files."""
        self.paths = paths
        self.jobs = max(1, min(jobs, len(paths)))
        self.make_worker = worker or functools.partial(Evaluator, check, named)
        self.pool = None
        self.evaluator = None

    def __enter__(self) -> Iterator:
        if self.jobs == 1:
            self.evaluator = self.make_worker()
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

    def _in_process(self) -> Iterator[FileResult]:
        for path in self.paths:
            yield self.evaluator(path)

    def _in_workers(self) -> Iterator[FileResult]:
        size = chunk_size(len(self.paths), self.jobs)
        pending: deque = deque()
        try:
            for chunk in _chunks(self.paths, size):
                pending.append(self.pool.submit(_evaluate_chunk, chunk))
                if len(pending) >= self.jobs * IN_FLIGHT_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool as exc:
            raise WorkerFailed(f"a worker process stopped unexpectedly ({exc})") from None
