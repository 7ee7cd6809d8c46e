"""Writing the user's files and folders: atomically, and never over existing ones without --force."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import IO, Iterator, Mapping

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
    import tempfile  # here: it imports shutil, random and the compression modules, which stdout never needs

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


def write_tree(path: str, files: Mapping[str, str], force: bool = False) -> None:
    """Write a folder of files (``{"templates/x.yaml": text, ...}``) as a whole.

    The files go into a temporary folder beside ``path``, which is then renamed into
    place: a reader (or a crash) sees no folder, or the old one, or the whole new one,
    never some of the files. An existing folder that holds anything is replaced only
    with ``force``, and never one that holds the working folder (``-o . --force``).
    """
    import shutil
    import tempfile

    target = os.path.abspath(path)
    _check_tree_target(path, target, force)
    for name in files:
        parts = name.split("/")
        if os.path.isabs(name) or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"not a relative file name inside the folder: {name!r}")
    parent = os.path.dirname(target)
    try:
        os.makedirs(parent, exist_ok=True)
        temp = tempfile.mkdtemp(prefix=".pod-advisor-", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror}", file=path)) from None
    try:
        for name, text in files.items():
            file = os.path.join(temp, *name.split("/"))
            os.makedirs(os.path.dirname(file), mode=0o755, exist_ok=True)
            with open(file, "x", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(file, 0o644)
        os.chmod(temp, 0o755)  # mkdtemp makes it private
        _rename_tree_into_place(temp, target)
    except BaseException as exc:
        shutil.rmtree(temp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise InputError(Problem(f"cannot write: {exc.strerror}", file=path)) from None
        raise


def _check_tree_target(path: str, target: str, force: bool) -> None:
    if not os.path.lexists(target) or _is_empty_folder(target):
        return  # an empty folder is replaced as if it were not there
    if not os.path.islink(target) and not os.path.isdir(target):
        raise InputError(Problem("is a file; give the name of a folder to write", file=path))
    if not force:
        raise InputError(Problem("already exists and is not empty; pass --force to replace it", file=path))
    here = os.path.abspath(os.getcwd())
    if os.path.commonpath([here, target]) == target or target == os.path.expanduser("~"):
        raise InputError(Problem("holds the current folder (or is your home folder); give a folder of its own",
                                 file=path))


def _is_empty_folder(path: str) -> bool:
    if os.path.islink(path) or not os.path.isdir(path):
        return False
    with os.scandir(path) as entries:
        return next(entries, None) is None


def _rename_tree_into_place(temp: str, target: str) -> None:
    """Rename the folder ``temp`` to ``target``, replacing what is there (checked beforehand)."""
    import shutil
    import tempfile

    if not os.path.lexists(target) or _is_empty_folder(target):
        os.replace(temp, target)  # rename(2) replaces an empty folder in one step
        return
    # A folder that holds files (or a link) cannot be replaced in one step: move it aside,
    # move the new one in (moving the old one back if that fails), then delete the old one.
    aside = tempfile.mkdtemp(prefix=".pod-advisor-", suffix=".old", dir=os.path.dirname(target))
    if os.path.islink(target):
        os.rmdir(aside)  # a link cannot be renamed over a folder
    os.replace(target, aside)
    try:
        os.replace(temp, target)
    except BaseException:
        os.replace(aside, target)
        raise
    if os.path.islink(aside):
        os.unlink(aside)
    else:
        shutil.rmtree(aside, ignore_errors=True)
