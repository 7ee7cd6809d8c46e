"""The outside world, in one place: streams, terminal flags, environment variables.

Commands receive an Environment instead of touching ``sys`` so that tests can
run ``main(argv, env)`` in process and read what it printed.
"""

from __future__ import annotations

import os
import sys


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Environment:
    """A plain class, not a dataclass: every command builds one, and --help should not wait
    for the dataclasses module (and inspect, which it imports)."""

    def __init__(self, stdin=None, stdout=None, stderr=None, environ=None, stdin_isatty: bool | None = None,
                 stdout_isatty: bool | None = None):
        self.stdin = sys.stdin if stdin is None else stdin
        self.stdout = sys.stdout if stdout is None else stdout
        self.stderr = sys.stderr if stderr is None else stderr
        self.environ = os.environ if environ is None else environ
        self.stdin_isatty = _isatty(self.stdin) if stdin_isatty is None else stdin_isatty
        self.stdout_isatty = _isatty(self.stdout) if stdout_isatty is None else stdout_isatty

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
