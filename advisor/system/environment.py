"""The outside world, in one place: streams, terminal flags, environment variables.

Commands receive an Environment instead of touching ``sys`` so that tests can
run ``main(argv, env)`` in process and read what it printed.

What is written for people (errors and notes on stderr, ``out``, ``write(...,
human=True)``) shows control characters escaped (``advisor.system.text``),
whatever file or terminal it goes to. Output for programs (JSON, YAML, CSV) is
written as its format escapes it, and escaped only where it lands on a terminal.
A failed write to stdout (a full disk) raises ``OutputError``.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from advisor.system.text import OutputError, VisibleStream


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
        self.environ = os.environ if environ is None else environ
        self.stdin_isatty = _isatty(self.stdin) if stdin_isatty is None else stdin_isatty
        stdout = sys.stdout if stdout is None else stdout
        self.stdout_isatty = _isatty(stdout) if stdout_isatty is None else stdout_isatty
        # stdout: for programs' formats, escaped only on a terminal; stderr: always for people
        self.stdout = VisibleStream(stdout, escape=bool(self.stdout_isatty), name="standard output")
        self.stderr = VisibleStream(sys.stderr if stderr is None else stderr, name="standard error")

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
        """A line for people on stdout (control characters escaped; colour codes kept when on)."""
        self.write(text if text.endswith("\n") else text + "\n", human=True)

    def err(self, text: str) -> None:
        self.stderr.write(text if text.endswith("\n") else text + "\n")

    def write(self, text: str, human: bool) -> None:
        """A command's output on stdout: ``human`` for text meant for people (always escaped),
        else a format for programs (escaped only on a terminal)."""
        if human:
            self.human_stdout.write(text)
        else:
            self.stdout.write(text)

    @contextmanager
    def terminal_kept(self):
        """The terminal's modes as they were before the block, whatever ends it.

        A prompt (prompt_toolkit) puts the terminal in raw mode and puts it back when it
        ends; stopped by SIGTERM inside its event loop, it may not get to. Then this does:
        line editing and echo come back, and the cursor shows."""
        saved = None
        try:
            if self.stdin_isatty:  # termios only for a terminal: a pipe or a file has no modes to restore
                import termios

                fd = self.stdin.fileno()
                saved = termios.tcgetattr(fd)
        except Exception:  # noqa: BLE001 - no terminal, not POSIX (termios), a stream without a descriptor
            saved = None
        try:
            yield
        finally:
            if saved is not None:
                try:
                    if termios.tcgetattr(fd) != saved:
                        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
                        if self.stdout_isatty:
                            self.stdout.stream.write("\x1b[?25h\x1b[?2004l")  # cursor shown, bracketed paste off
                            self.stdout.stream.flush()
                except Exception:  # noqa: BLE001 - a terminal gone away: nothing left to restore
                    pass

    @property
    def human_stdout(self) -> VisibleStream:
        """stdout as a stream of text for people (for writers that stream, such as batch's table)."""
        return VisibleStream(self.stdout.stream, styled=self.color, name="standard output")


__all__ = ["Environment", "OutputError"]
