"""A per-user cache of what every run would otherwise rebuild: the checked knowledge base,
the engine's Rete network. It only ever saves time; it is never needed. What depends only on
pod-advisor's own files is also installed with the package, as seeds (see ``seed``), read when
the user's cache has nothing for it.

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
that others may write to is never read. A file of entries (``store_entries``: the
parses a large review keeps, one entry per file) is an index and the entries'
pickles one after another under the same header and digest, read back as views of
the one buffer the file is read into; an index that does not add up is damage too.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import sys
from array import array

from advisor.system.signals import blocked

try:  # pickle's C half, which is what pickle.py hands out: the module itself imports a millisecond more
    from _pickle import Pickler, PicklingError, Unpickler, dumps, loads
except ImportError:  # pragma: no cover - another Python implementation
    from pickle import Unpickler, dumps, loads

PROTOCOL = 5  # pickle.HIGHEST_PROTOCOL on every Python pod-advisor runs on

try:  # the builtin module behind hashlib.blake2b: hashlib itself loads OpenSSL, which costs
    from _blake2 import blake2b  # milliseconds at every start
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

MAGIC = b"pod-advisor cache 1\n"
# The Python a kept pickle is for, in the keys of what depends on nothing else of the machine: the tag of its
# __pycache__ files (cpython-311), not sys.version, whose build date and compiler would set a seed built by
# another build of the same Python (a wheel's) apart for nothing
PYTHON = getattr(sys.implementation, "cache_tag", None) or sys.version
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
    """The object stored for ``kind`` under ``key``, or None (missing, stale, unusable, damaged): the user's
    cache first, else the package's seed of ``kind`` (``seed``)."""
    payload = _payload(kind, key, environ)
    if payload is None:
        payload = seed(kind, key, environ)
    if payload is None:
        return None
    try:
        return unpickler(io.BytesIO(payload)).load()
    except Exception:  # whatever the pickle holds no longer fits the code: build it again
        return None


def _payload(kind: str, key: str, environ) -> bytes | None:
    """The payload stored for ``kind`` under ``key``, its digest checked; None when missing, stale, not ours
    or damaged."""
    path = _file(kind, environ)
    where = _open_folder(os.path.dirname(path)) if path is not None else None
    if where is None:
        return None
    try:  # non-blocking, so that a FIFO put in its place cannot hang the run; never through a link
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        # unbuffered: the payload is read straight into one bytes object, which BytesIO and Entries share, with
        # no slice of the whole file nor a copy of it (the parsed files a large review keeps run to tens of MB)
        with open(os.open(os.path.basename(path), flags, dir_fd=where), "rb", buffering=0) as handle:
            info = os.fstat(handle.fileno())
            if not (stat.S_ISREG(info.st_mode) and _ours(info)):
                return None
            return _checked(handle, key)
    except OSError:
        return None
    finally:
        os.close(where)


def _checked(handle, key: str) -> bytes | None:
    """The payload of the file open in ``handle`` (unbuffered) when it was stored under ``key`` and its digest
    checks; else None."""
    header = MAGIC + key.encode("ascii") + b"\n"
    if handle.read(len(header)) != header:
        return None  # another version's entry, or not ours at all
    stored = handle.read(_DIGEST_LINE)  # the payload's digest and its line break (no readline: unbuffered,
    # it reads a byte at a time)
    payload = handle.readall()
    if stored[:-1].decode("ascii", "replace") != digest(payload) or not stored.endswith(b"\n"):
        return None  # truncated or damaged
    return payload


# -- seeds: what the cache would hold for the kinds that depend only on pod-advisor's own files ----------------
#
# The knowledge base, the image catalogue, the engine's network and the like are built from the package and its
# dependencies alone, never from the user's input: the package's build makes them once (advisor.cli.seeds, run
# by setup.py's build_py) and installs them in SEEDS, as the cache would store them, so that a fresh machine does
# not build them on its first run. A seed is read only when the user's cache has nothing for the key, used only
# when its key and digest match (another Python, another dependency's version, an edited knowledge file: it is
# ignored and the thing is built and kept in the user's cache as before), and never written at run time. The
# folder is the package's own, as trusted as its code.

SEEDS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "seeds")  # advisor/seeds/
NO_SEEDS = "POD_ADVISOR_NO_SEEDS"  # set: the seeds are not read (a first run as if none were installed)


def seed(kind: str, key: str, environ=os.environ) -> bytes | None:
    """The payload of the package's seed of ``kind`` when it was built for ``key`` and its digest checks; else
    None (none installed, another key, damaged, or seeds or the cache turned off)."""
    if environ.get(NO_SEEDS) or environ.get(DISABLE):
        return None
    try:
        with open(os.path.join(SEEDS, f"{kind}.pickle"), "rb", buffering=0) as handle:
            return _checked(handle, key)
    except OSError:
        return None


# The payload of a file of entries (store_entries): this line, the number of entries (8 bytes), each entry's
# key (the 32 bytes of a digest()) and length (8 bytes), then the entries one after another.
ENTRIES = b"pod-advisor entries 1\n"
_COUNT = struct.Struct("<Q")
_ENTRY = struct.Struct("<32sQ")


class Entries:
    """Many payloads kept in one file (``store_entries``), each under a digest() of its own, read as they
    are asked for: one bytes object holds the file, and each entry is a memoryview of its part of it.

    A dict of each entry's bytes (what pickling a dict of them gave back) held a second copy of the whole
    file while it was read, and pickling such a dict to save it a third: tens of MB at the peak of a
    large review."""

    def __init__(self, payload: bytes, index: dict[str, int], bounds: array):
        self._view = memoryview(payload)
        self._index = index  # each entry's key -> its place in ``bounds``
        self._bounds = bounds  # where each entry starts in the payload, and where the last ends

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self._index)

    def get(self, key: str, default=None):
        """The entry kept under ``key`` (a memoryview of the file read), or ``default``."""
        place = self._index.get(key)
        if place is None:
            return default
        return self._view[self._bounds[place]:self._bounds[place + 1]]

    @classmethod
    def parse(cls, payload: bytes) -> Entries | None:
        """The entries of ``payload``, or None when it is not a whole file of entries."""
        if not payload.startswith(ENTRIES) or len(payload) < len(ENTRIES) + _COUNT.size:
            return None
        (count,) = _COUNT.unpack_from(payload, len(ENTRIES))
        start = len(ENTRIES) + _COUNT.size + count * _ENTRY.size  # the first entry's
        if start > len(payload):
            return None
        index: dict[str, int] = {}
        bounds = array("Q", [start])
        for place, (key, length) in enumerate(_ENTRY.iter_unpack(
                memoryview(payload)[len(ENTRIES) + _COUNT.size:start])):
            index[key.hex()] = place
            start += length
            bounds.append(start)
        if start != len(payload) or len(index) != count:
            return None  # the lengths do not add up to what follows the index, or a key twice
        return cls(payload, index, bounds)


def load_entries(kind: str, key: str, environ=os.environ) -> Entries | None:
    """The entries stored for ``kind`` under ``key`` (``store_entries``), or None (missing, stale, unusable,
    damaged)."""
    payload = _payload(kind, key, environ)
    return Entries.parse(payload) if payload is not None else None


def store_entries(kind: str, key: str, entries, environ=os.environ) -> bool:
    """Keep ``entries`` ((key, payload) pairs: each key a digest(), each payload bytes-like) for ``kind`` under
    ``key``, for ``load_entries``; False when they could not be kept. Written piece by piece, the digest
    worked out over the pieces first: the file is never joined into one more bytes object."""
    pieces = list(entries)
    index = bytearray(ENTRIES + _COUNT.pack(len(pieces)))
    for name, piece in pieces:
        raw = bytes.fromhex(name)
        if len(raw) != 32:
            raise ValueError(f"an entry's key is a digest(): {name!r}")
        index += _ENTRY.pack(raw, memoryview(piece).nbytes)
    return _store(kind, key, (bytes(index), *(piece for _, piece in pieces)), environ)


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
    return _store(kind, key, (payload,), environ)


def _digest_of(parts) -> str:
    """``digest(b"".join(parts))``, without joining them."""
    hashed = blake2b(digest_size=32)
    hashed.update(sum(memoryview(part).nbytes for part in parts).to_bytes(8, "little"))
    for part in parts:
        hashed.update(part)
    return hashed.hexdigest()


def _store(kind: str, key: str, parts: tuple, environ) -> bool:
    """Keep the payload that ``parts`` make one after another."""
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
    header = MAGIC + key.encode("ascii") + b"\n" + _digest_of(parts).encode("ascii") + b"\n"  # then the payload
    temp = f".{kind}-{os.urandom(6).hex()}.tmp"
    try:  # Ctrl-C, SIGTERM and SIGHUP wait until the file is in place or gone, lest the temporary file stay
        with blocked():
            return _write(where, temp, (header, *parts), os.path.basename(path))
    finally:
        os.close(where)


def _write(where: int, temp: str, parts: tuple[bytes, ...], name: str) -> bool:
    """Write ``parts`` to ``temp`` in the folder ``where``, then put it in place as ``name``. The parts are
    written one after another, never joined: no second copy of a large payload."""
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600, dir_fd=where)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
        # atomic: a concurrent reader sees the old file or this one
        os.replace(temp, name, src_dir_fd=where, dst_dir_fd=where)
        return True
    except OSError:
        try:
            os.unlink(temp, dir_fd=where)
        except OSError:
            pass
        return False
