"""The one place pod-advisor imports experta.

experta 1.9.4 pins frozendict 1.2, whose class statement reads
``collections.Mapping``; that alias was removed in Python 3.10, so a plain
``import experta`` fails there. Restoring the alias before the import is the
smallest change that works, and it leaves experta's own code untouched.

``experta.engine`` also calls ``logging.basicConfig()`` at import time, which
would attach a stderr handler to the root logger and let experta's watcher
lines leak into our output. We drop whatever handlers that call added.
"""

from __future__ import annotations

import collections
import collections.abc
import logging

if not hasattr(collections, "Mapping"):  # Python >= 3.10
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

_root = logging.getLogger()
_handlers_before = list(_root.handlers)
try:
    from experta import AS, EXISTS, MATCH, NOT, TEST, Fact, Field, KnowledgeEngine, L, P, Rule, W  # noqa: F401
finally:
    for _handler in list(_root.handlers):
        if _handler not in _handlers_before:
            _root.removeHandler(_handler)

__all__ = ["AS", "EXISTS", "MATCH", "NOT", "TEST", "Fact", "Field", "KnowledgeEngine", "L", "P", "Rule", "W"]
