"""A per-user cache of what every run would otherwise rebuild: the checked knowledge base,
the engine's Rete network. It only ever saves time; it is never needed.

Where: ``$XDG_CACHE_HOME/pod-advisor``, else ``~/.cache/pod-advisor``
(``POD_ADVISOR_NO_CACHE=1`` turns it off). One file per kind, holding the key it
was built for; a file whose key differs (another version, edited knowledge files)
is rebuilt and replaced, so the cache never grows.

Safe when it cannot be trusted or used:
- unwritable, missing, or not ours (owned by someone else, or writable by others,
  as a shared /tmp would be), or a symbolic link in place of the folder or of a file
  (never followed: one planted where others can write would aim our writes anywhere):
  every run builds from the sources, silently;
- two processes racing: each writes a temporary file and renames it into place,
  so a reader sees a whole file or none, and the last writer wins with an entry
  as good as the first's;
- a truncated or corrupted file: its digest is checked before it is unpickled,
  and any failure to load means "build it again".

The files are pickles, as trusted as the user's own ``__pycache__``; a folder
that others may write to is never read.
"""

from __future__ import annotations

import io
import os
import stat

try:  # pickle's C half, which is what pickle.py hands out: the module itself imports a millisecond more
    from _pickle import Pickler, PicklingError, Unpickler, dumps
except ImportError:  # pragma: no cover - another Python implementation
    from pickle import Unpickler, dumps

PROTOCOL = 5  # pickle.HIGHEST_PROTOCOL on every Python pod-advisor runs on

try:  # the builtin module behind hashlib.blake2b: hashlib itself loads OpenSSL, which costs
    from _blake2 import blake2b  # milliseconds at every start
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

MAGIC = b"pod-advisor cache 1\n"
_DIGEST_LINE = 2 * 32 + 1  # digest()'s hex digits (blake2b, 32 bytes) and "\n"
DISABLE = "POD_ADVISOR_NO_CACHE"


def digest(*parts: bytes | str) -> str:
    """A hex key over ``parts``, each length-prefixed so that ("ab", "c") differs from ("a", "bc")."""
    hashed = blake2b(digest_size=32)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "little"))
        hashed.update(data)
    return hashed.hexdigest()


def stamps(*files: str | None) -> list[str]:
    """Each file's path, size and time of change (or that it is missing): a cheap part of a key that
    changes when code it covers is edited or upgraded, without reading it."""
    found = []
    for path in files:
        try:
            info = os.stat(path) if path else None
        except OSError:
            info = None
        found.append(f"{path}:{info.st_size}:{info.st_mtime_ns}" if info else f"{path}: missing")
    return found


def size(kind: str, environ=os.environ) -> int | None:
    """How many bytes the file of ``kind`` holds, or None when there is none (a hint, never trusted)."""
    path = _file(kind, environ)
    try:
        info = os.lstat(path) if path else None
    except OSError:
        return None
    return info.st_size if info is not None and stat.S_ISREG(info.st_mode) else None


def folder(environ=os.environ) -> str | None:
    """The cache folder, whether or not it exists yet; None when caching is off or has no home."""
    if environ.get(DISABLE):
        return None
    base = environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
        home = environ.get("HOME") or os.path.expanduser("~")
        if not home or home == "~":
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "pod-advisor")


def _ours(info: os.stat_result) -> bool:
    """Owned by this user, and writable by nobody else."""
    owner = getattr(os, "getuid", None)  # not on Windows, where the profile folder is private anyway
    if owner is not None and info.st_uid != owner():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _open_folder(path: str) -> int | None:
    """A descriptor of the cache folder if it can be trusted, else None: a real folder, not a
    symbolic link (O_NOFOLLOW: with XDG_CACHE_HOME where others can write, a planted
    ``pod-advisor`` link would send the cache's files into any folder of the user), ours, and
    writable by nobody else. Every file of the cache is then opened relative to it."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):
            return None
        fd = os.open(path, flags)
    except OSError:  # missing, a link (ELOOP), not a folder
        return None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode) and _ours(info):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _file(kind: str, environ) -> str | None:
    where = folder(environ)
    return os.path.join(where, f"{kind}.pickle") if where else None


def load(kind: str, key: str, unpickler=Unpickler, environ=os.environ):
    """The object stored for ``kind`` under ``key``, or None (missing, stale, unusable, damaged)."""
    path = _file(kind, environ)
    where = _open_folder(os.path.dirname(path)) if path is not None else None
    if where is None:
        return None
    header = MAGIC + key.encode("ascii") + b"\n"
    try:  # non-blocking, so that a FIFO put in its place cannot hang the run; never through a link
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        # unbuffered: the payload is read straight into one bytes object, which BytesIO below shares, with
        # no slice of the whole file nor a copy of it (the parsed files a large review keeps run to tens of MB)
        with open(os.open(os.path.basename(path), flags, dir_fd=where), "rb", buffering=0) as handle:
            info = os.fstat(handle.fileno())
            if not (stat.S_ISREG(info.st_mode) and _ours(info)):
                return None
            if handle.read(len(header)) != header:
                return None  # another version's entry, or not ours at all
            stored = handle.read(_DIGEST_LINE)  # the payload's digest and its line break (no readline: unbuffered,
            # it reads a byte at a time)
            payload = handle.readall()
    except OSError:
        return None
    finally:
        os.close(where)
    if stored[:-1].decode("ascii", "replace") != digest(payload) or not stored.endswith(b"\n"):
        return None  # truncated or damaged
    try:
        return unpickler(io.BytesIO(payload)).load()
    except Exception:  # whatever the pickle holds no longer fits the code: build it again
        return None


def kept(kind: str, key: str, fits, build):
    """The value kept for ``kind`` under ``key`` when ``fits(value)``; else ``build()``, kept for next time."""
    found = load(kind, key)
    if fits(found):
        return found
    found = build()
    store(kind, key, pickled(found))
    return found


def pickled(value) -> bytes:
    return dumps(value, protocol=PROTOCOL)


def store(kind: str, key: str, payload: bytes, environ=os.environ) -> bool:
    """Keep ``payload`` (``pickled(value)``) for ``kind`` under ``key``; False when it could not be kept."""
    path = _file(kind, environ)
    if path is None:
        return False
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    except OSError:
        return False
    where = _open_folder(os.path.dirname(path))  # the folder itself from now on, whatever its name becomes
    if where is None:
        return False
    header = MAGIC + key.encode("ascii") + b"\n" + digest(payload).encode("ascii") + b"\n"  # then the payload
    temp = f".{kind}-{os.urandom(6).hex()}.tmp"
    try:
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600,
                         dir_fd=where)
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(header)
                handle.write(payload)  # not joined to the header: no second copy of a large payload
            # atomic: a concurrent reader sees the old file or this one
            os.replace(temp, os.path.basename(path), src_dir_fd=where, dst_dir_fd=where)
            return True
        except OSError:
            try:
                os.unlink(temp, dir_fd=where)
            except OSError:
                pass
            return False
    finally:
        os.close(where)
