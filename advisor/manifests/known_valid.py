"""Objects the strict JSON schemas have already passed, remembered between runs.

Checking a starter manifest against kubernetes-validate's schemas means importing
jsonschema and reading the schemas: most of a ``manifest`` run, spent again on the
same objects every time the same answers are written out. The outcome is a pure
function of the object, the Kubernetes version, the schemas and the checking code, so
an object that passed is remembered (in advisor.system.cache) under a digest of the object
and the version, in a store keyed by pod-advisor's version, the code of this module,
validate.py and schema_precheck.py, and the installed kubernetes-validate and jsonschema:
an upgrade of any of them, or an object that differs by a byte, is checked again. For a starter
manifest only passes are kept; a failure is a defect of ours and is always reported afresh.

``review`` checks a user's objects, where a refusal is an ordinary answer: it also keeps
what the schemas said about an object they refuse (``outcome``/``remember``), so that a
review run again over the same files (pre-commit, CI with a kept cache) needs neither
jsonschema nor the schemas. A refusal kept this way never counts as a pass (``in``).
"""

from __future__ import annotations

import json
import os
from importlib.machinery import PathFinder

from advisor import __version__
from advisor.system import cache

KIND = "schema-valid"
# The most recent outcomes: a bound on the file (about 100 bytes an object), above the objects of a large
# repository, so that a review of 16,000 objects run again finds every one (a bound below the objects of one
# run would keep none of them: each run would push out the oldest, which the next run asks for first).
MAX_OBJECTS = 32_768


def _installed(package: str) -> str:
    """Where ``package`` is installed and when it was written, found without importing it."""
    spec = PathFinder.find_spec(package)
    if spec is None or not spec.origin:
        return f"{package}: not installed"
    info = os.stat(spec.origin)
    return f"{spec.origin}:{info.st_size}:{info.st_mtime_ns}"


def _code() -> str:
    here = os.path.dirname(__file__)
    texts = []
    for name in ("validate.py", "schema_precheck.py", "known_valid.py"):
        with open(os.path.join(here, name), encoding="utf-8") as handle:
            texts.append(handle.read())
    return "\n".join(texts)


class KnownValid:
    """``digest in known`` / ``known.add(digest)`` / ``known.save()``; for review, ``known.outcome(digest)``
    and ``known.remember(digest, served, problems)``."""

    def __init__(self):
        try:
            self.key = cache.digest(KIND, __version__, _code(), _installed("kubernetes_validate"),
                                    _installed("jsonschema"))
        except OSError:
            self.key = None
        stored = cache.load(KIND, self.key) if self.key else None
        self.digests: dict[str, None] = stored if isinstance(stored, dict) else {}
        self.changed = False
        self.journal: list | None = None  # when a list, each outcome kept is added to it as (digest, kept)

    @staticmethod
    def digest(obj: dict, kubernetes: str) -> str:
        return cache.digest(kubernetes, json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False))

    def __contains__(self, digest: str) -> bool:
        """Whether the schemas passed the object (a refusal kept by ``remember`` is not a pass)."""
        return digest in self.digests and self.digests[digest] is None

    def outcome(self, digest: str) -> tuple[bool, tuple[str, ...]] | None:
        """(whether the version serves the object's kind, what its schema said), or None when not known."""
        if digest not in self.digests:
            return None
        kept = self.digests[digest]
        return (True, ()) if kept is None else (False, ()) if kept is False else (True, kept)

    def remember(self, digest: str, served: bool, problems) -> None:
        """Keep what ``served`` and ``schema_problems`` said of the object."""
        self.add(digest, None if served and not problems else False if not served else tuple(problems))

    def add(self, digest: str, kept=None) -> None:
        self.digests.pop(digest, None)
        self.digests[digest] = kept
        while len(self.digests) > MAX_OBJECTS:
            del self.digests[next(iter(self.digests))]
        self.changed = True
        if self.journal is not None:
            self.journal.append((digest, kept))

    def merge(self, entries) -> None:
        """Take outcomes another process kept (its ``journal``), as if kept here."""
        for digest, kept in entries:
            if digest not in self.digests:
                self.add(digest, kept)

    def save(self) -> None:
        if self.changed and self.key:
            cache.store(KIND, self.key, cache.pickled(self.digests))
