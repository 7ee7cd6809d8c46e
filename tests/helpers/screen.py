"""What a terminal shows: the wizard's output with its escapes applied (pyte, a VT100 emulator).

Two ways to drive a screen:

- ``rendered(keys)``: in process. Keys come through prompt_toolkit's pipe input and the
  prompts draw on a real VT100 output whose bytes feed the emulator, so a test reads
  the screen the prompts drew without a terminal.
- ``Pty``: the installed ``pod-advisor`` in a pseudo-terminal (pexpect), its output fed to
  the emulator as it comes; ``wait_for`` reads until the screen shows a text.

``Screen.lines`` are the rows as shown (trailing blanks cut), ``text`` all of them joined;
an in-process screen also keeps ``shown``, the text after each write, for what a prompt
showed before the keys ran out and the run ended. (A prompt draws when it opens; keys
that arrive together are handled before it draws again, so what one prompt showed
between two keys is for a Pty to see.)
"""

from __future__ import annotations

import io
import os
import time
from contextlib import contextmanager

import pytest

from helpers.installed import TIMEOUT, console_script, spawn

pyte = pytest.importorskip("pyte")

ROWS, COLUMNS = 24, 80


class Screen:
    def __init__(self, rows: int = ROWS, columns: int = COLUMNS):
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.shown: list[str] = []

    def feed(self, text: str) -> None:
        self.stream.feed(text)

    def keep(self) -> None:
        self.shown.append(self.text)

    def showed(self, text: str) -> str:
        """The last screen that showed ``text`` (AssertionError when none did)."""
        for screen in reversed(self.shown):
            if text in screen:
                return screen
        raise AssertionError(f"no screen showed {text!r}; the last one:\n{self.text}")

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class _Tee(io.StringIO):
    """An output stream whose every write also reaches a Screen."""

    def __init__(self, screen: Screen):
        super().__init__()
        self.screen = screen

    def write(self, text: str) -> int:
        self.screen.feed(text.replace("\n", "\r\n"))  # the terminal's output processing (ONLCR)
        return super().write(text)

    def flush(self) -> None:
        self.screen.keep()

    def isatty(self) -> bool:
        return True


@contextmanager
def rendered(keys: str, rows: int = ROWS, columns: int = COLUMNS):
    """A prompt_toolkit session whose input is ``keys`` and whose output is drawn on a Screen
    (yielded), with the same stream as standard output for what the flow prints."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    screen = Screen(rows, columns)
    stream = _Tee(screen)
    output = Vt100_Output(stream, lambda: Size(rows=rows, columns=columns), term="xterm", enable_cpr=False)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        with create_app_session(input=pipe, output=output):
            screen.stdout = stream
            yield screen


def run_on_screen(keys: str, *argv: str, rows: int = ROWS, columns: int = COLUMNS, environ: dict | None = None):
    """``pod-advisor ARGV`` in process at a terminal that types ``keys`` and shows a Screen:
    (exit status, the Screen, standard error)."""
    from advisor.cli.main import main
    from advisor.system.environment import Environment

    with rendered(keys, rows, columns) as screen:
        err = io.StringIO()
        env = Environment(stdin=io.StringIO(), stdout=screen.stdout, stderr=err,
                          environ={**os.environ, "NO_COLOR": "1", **(environ or {})},
                          stdin_isatty=True, stdout_isatty=True)
        status = main(list(argv), env)
    return status, screen, err.getvalue()


class Pty:
    """The installed command in a pseudo-terminal, its screen kept by pyte."""

    def __init__(self, args: list[str], cwd: str, rows: int = ROWS, columns: int = COLUMNS,
                 environ: dict | None = None, command: str | None = None):
        """``pod-advisor ARGS``, or ``command ARGS``."""
        pexpect = pytest.importorskip("pexpect")
        self.pexpect = pexpect
        env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", **(environ or {})}
        self.screen = Screen(rows, columns)
        self.child = spawn(command or console_script(), args, cwd=cwd, env=env, dimensions=(rows, columns),
                           encoding="utf-8", timeout=TIMEOUT)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def wait_for(self, text: str | tuple[str, ...]) -> Screen:
        """Read until the screen shows ``text`` (or one of several; a hang guard of TIMEOUT seconds,
        never a measure)."""
        deadline = time.monotonic() + TIMEOUT
        texts = (text,) if isinstance(text, str) else text
        while not any(t in self.screen.text for t in texts):
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never showed {text!r}; it shows:\n{self.screen.text}")
            try:
                self.screen.feed(self.child.read_nonblocking(4096, timeout=1))
            except self.pexpect.TIMEOUT:
                continue
            except self.pexpect.EOF:
                raise AssertionError(f"the command ended before the screen showed {text!r}; it shows:\n"
                                     f"{self.screen.text}") from None
        return self.screen

    def answer(self, question: str, keys: str) -> None:
        self.wait_for(question)
        self.send(keys)

    def finish(self) -> int:
        """Read to the end; the exit status."""
        try:
            while True:
                self.screen.feed(self.child.read_nonblocking(4096, timeout=TIMEOUT))
        except self.pexpect.EOF:
            pass
        self.child.close()
        return self.child.exitstatus

    def close(self) -> None:
        self.child.close(force=True)
