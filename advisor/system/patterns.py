"""Regular expressions compiled where first used.

Every run executes the bodies of the modules it imports, and compiling a pattern costs
from 0.03 to 0.4 ms; many of a module's patterns serve only some inputs (a cron
schedule, a digest, a registry's name). ``lazy(text)`` stands for ``re.compile(text)``
until a method is called, then is that pattern's methods (no cost after the first call).
It is not an ``re.Pattern``: give ``re`` functions and other libraries the ``pattern`` text.
"""

from __future__ import annotations

import re

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class lazy:
    """``re.compile(pattern, flags)``, compiled on first use: ``pattern``, ``flags`` and the methods
    ``match``, ``fullmatch``, ``search``, ``sub``, ``subn``, ``split``, ``findall``, ``finditer``."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str):
        if name not in _METHODS:
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self.flags)
        for method in _METHODS:  # from now on found in the instance, without this function
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"
