"""Writing the user's files and folders: atomically, and never over existing ones without --force.

What ``-o PATH`` does, by what PATH is:

- nothing yet: a new file, with the mode the umask gives (0644 under the usual 022);
  its folder must exist (a typo in a folder name is not a reason to create folders);
- a regular file: replaced only with ``--force``, atomically (a temporary file in
  the same folder, then a rename), keeping the replaced file's mode (and, where
  permitted, its owner);
- a symbolic link, even a dangling one: it exists, so ``--force`` is needed, and
  the file it points to is written (the link stays a link);
- a FIFO, a character device, a socket (``/dev/null``, ``/dev/stdout``, ``<(...)``):
  written through, in place, as ``>`` does: there is no file to clobber and
  nothing a rename could replace without harm (as root, ``-o /dev/null --force``
  would otherwise replace the device). A FIFO no one reads is refused at once
  instead of blocking;
- a folder: refused (``write_tree`` writes a folder of files as a whole).
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import contextmanager
from typing import IO, Iterable, Iterator, Mapping

from advisor.system.errors import InputError, Problem
from advisor.system.signals import shielded
from advisor.system.text import visible


def to_stdout(path: str | None) -> bool:
    """Whether an ``-o`` value means standard output: none given, or ``-``."""
    return not path or path == "-"


def write_output(env, path: str | None, text: str | Iterable[str], force: bool = False, human: bool = False) -> bool:
    """A command's whole output: to the file ``path`` (atomically), or to standard output
    (see ``to_stdout``). ``human``: text for people, written with control characters escaped
    (``Environment.write``). True when a file was written.

    ``text`` may be the output's pieces in order, each written once some 64 KiB of them are made: a large
    report is never one string in memory. A piece for people (``human``) holds whole lines, so that no
    piece splits a colour code."""
    pieces = (text,) if isinstance(text, str) else _gathered(text)
    if to_stdout(path):
        for piece in pieces:
            env.write(piece, human=human)
        return False
    with atomic_writer(path, force) as handle:
        for piece in pieces:
            handle.write(visible(piece) if human else piece)
    return True


_PIECE = 64 * 1024


def _gathered(pieces: Iterable[str]) -> Iterator[str]:
    """``pieces`` joined into runs of at least _PIECE characters (the last may be shorter): one write
    per run, not one per piece of json's encoder."""
    run: list[str] = []
    size = 0
    for piece in pieces:
        run.append(piece)
        size += len(piece)
        if size >= _PIECE:
            yield "".join(run)
            run, size = [], 0
    if run:
        yield "".join(run)


def write_atomic(path: str, text: str, force: bool = False, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename.

    A reader (or a crash) sees either the old file or the whole new one, never half.
    ``encoding``: UTF-8, or the UTF-16 of a file ``review --fix`` rewrites as it found it.
    """
    with atomic_writer(path, force, encoding) as handle:
        handle.write(text)


def write_files(files: list[tuple[str, str]], force: bool = False) -> None:
    """Write several files as one step: every target is checked and every text written to its
    temporary file before the first rename, so that a problem with one leaves them all as they were."""
    targets = [_target(path, force) for path, _ in files]
    opened: list[tuple[_Target, IO, str | None]] = []
    current = targets[0].path if targets else ""
    try:
        for target, (_, text) in zip(targets, files):
            current = target.path
            handle, temp = target.open()
            opened.append((target, handle, temp))
            handle.write(text)
            target.finish_writing(handle)
        for target, _, temp in opened:
            current = target.path
            target.commit(temp)
    except BaseException as exc:
        for target, handle, temp in opened:
            target.abandon(handle, temp)  # a temporary file already renamed is gone: nothing to undo
        if isinstance(exc, OSError):
            raise InputError(Problem(f"cannot write: {_reason(exc)}", file=current)) from None
        raise


@contextmanager
def atomic_writer(path: str, force: bool = False, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """``write_atomic`` for text written piece by piece (a stream of results).

    The checks come first, so a long job does not end in "already exists"; the
    file appears at ``path`` only if the block completes.
    """
    target = _target(path, force)
    try:
        handle, temp = target.open(encoding)
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {_reason(exc)}", file=path)) from None
    try:
        yield handle
        target.finish_writing(handle)
        target.commit(temp)
    except BaseException as exc:
        target.abandon(handle, temp)
        if isinstance(exc, OSError):
            raise InputError(Problem(f"cannot write: {_reason(exc)}", file=path)) from None
        raise


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENXIO:
        return "a FIFO that no process is reading, or a socket"
    return exc.strerror or str(exc)


class _Target:
    """Where ``-o PATH`` really writes, decided before anything is written. (A plain class:
    importing the dataclasses module costs a short command's start.)"""

    def __init__(self, path: str, real: str, replaced: os.stat_result | None, through: bool):
        self.path = path  # as the user gave it, for messages
        self.real = real  # the file written: PATH, or where its symbolic link points
        self.replaced = replaced  # the regular file replaced, if any
        self.through = through  # a FIFO or device: written in place, not replaced

    def open(self, encoding: str = "utf-8") -> tuple[IO[str], str | None]:
        """The handle to write to, and the temporary file it writes (None when written through)."""
        if self.through:
            # O_NONBLOCK: opening a FIFO for writing blocks until a reader comes; fail now instead.
            fd = os.open(self.real, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
            if hasattr(os, "O_NONBLOCK"):
                os.set_blocking(fd, True)
            return os.fdopen(fd, "w", encoding=encoding, errors="surrogateescape"), None
        folder = os.path.dirname(self.real) or "."
        while True:
            temp = os.path.join(folder, f".pod-advisor-{os.urandom(4).hex()}.tmp")
            try:
                # 0o666: the umask decides a new file's mode, as for any file the user creates
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
                break
            except FileExistsError:
                continue
        try:
            if self.replaced is not None:
                os.chmod(temp, stat.S_IMODE(self.replaced.st_mode))
                _keep_owner(fd, self.replaced)
            # surrogateescape: a file name that is not UTF-8 is written back as the bytes it is
            return os.fdopen(fd, "w", encoding=encoding, errors="surrogateescape"), temp
        except BaseException:
            os.close(fd)
            os.unlink(temp)
            raise

    def finish_writing(self, handle: IO[str]) -> None:
        handle.flush()
        if not self.through:
            os.fsync(handle.fileno())
        handle.close()

    def commit(self, temp: str | None) -> None:
        if temp is not None:
            os.replace(temp, self.real)

    def abandon(self, handle: IO[str], temp: str | None) -> None:
        with shielded():  # a second Ctrl-C must not leave the temporary file behind
            try:
                handle.close()
            except OSError:
                pass
            if temp is not None:
                try:
                    os.unlink(temp)
                except OSError:
                    pass


def _keep_owner(fd: int, replaced: os.stat_result) -> None:
    """As root, a replaced file keeps its owner; anyone else cannot give a file away, and needn't."""
    if hasattr(os, "fchown") and (os.fstat(fd).st_uid, os.fstat(fd).st_gid) != (replaced.st_uid, replaced.st_gid):
        try:
            os.fchown(fd, replaced.st_uid, replaced.st_gid)
        except OSError:
            pass


def _target(path: str, force: bool) -> _Target:
    """Check ``path`` as an output: InputError naming what is wrong, before any work is done."""
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        return _new(path, path)
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror}", file=path)) from None
    if stat.S_ISDIR(link.st_mode):
        raise InputError(Problem("is a folder; give a file name", file=path))
    if stat.S_ISLNK(link.st_mode):
        if not force:
            raise InputError(Problem("already exists (a symbolic link); pass --force to write to the file it "
                                     "points to", file=path))
        real = os.path.realpath(path)
        try:
            info = os.stat(real)
        except FileNotFoundError:
            return _new(path, real)  # a dangling link: create the file it names
        except OSError as exc:
            raise InputError(Problem(f"cannot write: {exc.strerror}", file=path)) from None
        if stat.S_ISDIR(info.st_mode):
            raise InputError(Problem("is a link to a folder; give a file name", file=path))
        return _existing(path, real, info)
    if stat.S_ISREG(link.st_mode) and not force:
        raise InputError(Problem("already exists; pass --force to overwrite it", file=path))
    return _existing(path, path, link)


def _new(path: str, real: str) -> _Target:
    folder = os.path.dirname(os.path.abspath(real))
    if not os.path.isdir(folder):
        raise InputError(Problem(f"the folder {os.path.dirname(real) or folder} does not exist", file=path))
    return _Target(path, real, None, through=False)


def _existing(path: str, real: str, info: os.stat_result) -> _Target:
    if stat.S_ISREG(info.st_mode):
        return _Target(path, real, info, through=False)
    return _Target(path, real, None, through=True)  # a FIFO, a device, a socket: written in place


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
    if not os.path.isdir(parent):
        # as for a file: a typo in a folder name is not a reason to create folders
        raise InputError(Problem(f"the folder {parent} does not exist", file=path))
    try:
        temp = tempfile.mkdtemp(prefix=".pod-advisor-", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror}", file=path)) from None
    try:
        umask = _umask()
        for name, text in files.items():
            file = os.path.join(temp, *name.split("/"))
            os.makedirs(os.path.dirname(file), exist_ok=True)  # 0o777: the umask decides
            with open(file, "x", encoding="utf-8") as handle:  # 0o666: the umask decides
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temp, 0o777 & ~umask)  # mkdtemp makes it private; the tree is the user's like any folder
        _rename_tree_into_place(temp, target)
    except BaseException as exc:
        shutil.rmtree(temp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise InputError(Problem(f"cannot write: {exc.strerror}", file=path)) from None
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_tree_target(path: str, target: str, force: bool) -> None:
    if not os.path.lexists(target):
        return
    # Compared with links resolved on both sides: getcwd() has them resolved, and a folder named
    # through a link (after `cd` through one, -o "$PWD") is still the folder the shell is in. Even
    # empty, the current folder is never replaced: the shell would be left in a deleted folder.
    real = os.path.realpath(target)
    here = os.path.realpath(os.getcwd())
    if os.path.commonpath([here, real]) == real or real == os.path.realpath(os.path.expanduser("~")):
        raise InputError(Problem("holds the current folder (or is your home folder); give a folder of its own",
                                 file=path))
    if _is_empty_folder(target):
        return  # an empty folder is replaced as if it were not there
    if os.path.islink(target) and not os.path.exists(target):
        if not force:
            raise InputError(Problem("is a symbolic link to nothing (dangling); pass --force to replace the link",
                                     file=path))
        return
    if not os.path.islink(target) and not os.path.isdir(target):
        from advisor.system.yamlsource import file_type

        raise InputError(Problem(f"is {file_type(os.lstat(target).st_mode)}; give the name of a folder to write",
                                 file=path))
    if not force:
        raise InputError(Problem("already exists and is not empty; pass --force to replace it", file=path))


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
