"""Where a batch's results go: standard output, or a file written atomically
as the results stream (``advisor.fileio.atomic_writer``), so that memory does
not grow with the number of files and a half-written report never appears."""

from __future__ import annotations

from contextlib import contextmanager
from typing import IO, Iterator

from ..fileio import atomic_writer, to_stdout


@contextmanager
def results_stream(env, path: str | None, force: bool = False) -> Iterator[IO]:
    """Yield the stream to write to: the file at ``path`` (checked now, in place at the end), or stdout."""
    if to_stdout(path):
        yield env.stdout
        return
    with atomic_writer(path, force) as handle:
        yield handle
