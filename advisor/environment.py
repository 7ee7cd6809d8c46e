"""The outside world, in one place: streams, terminal flags, environment variables.

Commands receive an Environment instead of touching ``sys`` so that tests can
run ``main(argv, env)`` in process and read what it printed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import IO, Mapping


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@dataclass
class Environment:
    stdin: IO = field(default_factory=lambda: sys.stdin)
    stdout: IO = field(default_factory=lambda: sys.stdout)
    stderr: IO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    stdin_isatty: bool | None = None
    stdout_isatty: bool | None = None

    def __post_init__(self):
        if self.stdin_isatty is None:
            self.stdin_isatty = _isatty(self.stdin)
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)

    @property
    def color(self) -> bool:
        """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
        return bool(self.stdout_isatty) and self.color_allowed

    @property
    def color_allowed(self) -> bool:
        """Whether the user lets us use colour at all: not with NO_COLOR set, nor on a dumb terminal."""
        return not self.environ.get("NO_COLOR") and self.environ.get("TERM") != "dumb"

    @property
    def unicode(self) -> bool:
        encoding = (getattr(self.stdout, "encoding", None) or "utf-8").lower().replace("-", "")
        return encoding in ("utf8", "utf16", "utf32")

    def out(self, text: str = "") -> None:
        self.stdout.write(text if text.endswith("\n") else text + "\n")

    def err(self, text: str) -> None:
        self.stderr.write(text if text.endswith("\n") else text + "\n")
