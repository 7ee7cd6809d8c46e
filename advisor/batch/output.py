"""Where a batch's results go: standard output, or a file written atomically
as the results stream (``advisor.system.fileio.atomic_writer``), so that memory does
not grow with the number of files and a half-written report never appears."""

from __future__ import annotations

from contextlib import contextmanager
from typing import IO, Iterator

from advisor.system.fileio import atomic_writer, to_stdout
from advisor.system.text import VisibleStream


@contextmanager
def results_stream(env, path: str | None, force: bool = False, human: bool = False) -> Iterator[IO]:
    """Yield the stream to write to: the file at ``path`` (checked now, in place at the end), or stdout.

    ``human``: a table for people, written with control characters escaped wherever it goes."""
    if to_stdout(path):
        yield env.human_stdout if human else env.stdout
        return
    with atomic_writer(path, force) as handle:
        yield VisibleStream(handle, name=path) if human else handle
