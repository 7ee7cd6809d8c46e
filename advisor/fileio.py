"""Writing the user's files: atomically, and never over an existing file without --force."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from typing import IO, Iterator

from .errors import InputError, Problem


def to_stdout(path: str | None) -> bool:
    """Whether an ``-o`` value means standard output: none given, or ``-``."""
    return not path or path == "-"


def write_output(env, path: str | None, text: str, force: bool = False) -> bool:
    """A command's whole output: to the file ``path`` (atomically), or to standard output
    (see ``to_stdout``). True when a file was written."""
    if to_stdout(path):
        env.stdout.write(text)
        return False
    write_atomic(path, text, force=force)
    return True


def write_atomic(path: str, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename.

    A reader (or a crash) sees either the old file or the whole new one, never half.
    """
    with atomic_writer(path, force) as handle:
        handle.write(text)


@contextmanager
def atomic_writer(path: str, force: bool = False) -> Iterator[IO[str]]:
    """``write_atomic`` for text written piece by piece (a stream of results).

    The checks come first, so a long job does not end in "already exists"; the
    file appears at ``path`` only if the block completes.
    """
    if os.path.isdir(path):
        raise InputError(Problem("is a folder; give a file name", file=path))
    if os.path.exists(path) and not force:
        raise InputError(Problem("already exists; pass --force to overwrite it", file=path))
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".pod-advisor-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror}", file=path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(Problem(f"cannot write: {exc.strerror}", file=path)) from None
        raise
