"""A progress bar for a long batch on a terminal (prompt_toolkit's ProgressBar).

Shown only when standard input and standard output are terminals, the batch is
long enough to wait for, and the results are not machine-readable text on that
same terminal: with ``--format text`` the table's rows are printed above the
bar; with ``-o FILE`` the bar is alone on the terminal. The bar never writes
into the results.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import IO

MIN_FILES = 200  # a batch shorter than this is over in about a second


def wanted(env, fmt: str, to_file: bool, files: int) -> bool:
    return bool(env.stdin_isatty and env.stdout_isatty and files >= MIN_FILES and (to_file or fmt == "text"))


def terminal_io(env):
    """(prompt_toolkit Output, Input) to draw on; None, None for the terminal itself. Tests replace it."""
    return None, None


class Progress:
    """``with Progress(env, total, show) as progress``: write rows to ``progress.stream``,
    call ``progress.advance()`` after each file."""

    def __init__(self, env, total: int, show: bool):
        self.env = env
        self.total = total
        self.show = show
        self.stream: IO = env.stdout
        self._stack = ExitStack()
        self._counter = None

    def __enter__(self) -> "Progress":
        if not self.show:
            return self
        from prompt_toolkit.application import create_app_session
        from prompt_toolkit.patch_stdout import StdoutProxy
        from prompt_toolkit.shortcuts import ProgressBar

        output, input = terminal_io(self.env)
        with ExitStack() as stack:
            stack.enter_context(create_app_session(input=input, output=output))
            bar = stack.enter_context(ProgressBar(title=f"Evaluating {self.total} answer files"))
            self._counter = bar(label="files", total=self.total)
            # Rows printed while the bar runs go above it; closed (flushed) before the bar ends.
            self.stream = stack.enter_context(StdoutProxy(raw=True))
            self._stack = stack.pop_all()
        return self

    def advance(self) -> None:
        if self._counter is not None:
            self._counter.item_completed()

    def __exit__(self, *exc) -> None:
        if self._counter is not None and exc[0] is None:
            self._counter.done = True
        self._stack.close()
