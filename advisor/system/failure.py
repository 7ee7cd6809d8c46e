"""Every way a command can fail, and the exit status each one ends with: one tree, caught
once, in advisor.cli.main.

- ``Invalid`` (exit 2): the input, the arguments or this machine (a full disk, a program
  that is not installed); the user can put it right.
- ``Internal`` (exit 3): a defect of pod-advisor; the message asks for a report.

Findings (exit 1) and interruptions (130) are not failures: a command returns the first,
and the signal handling of advisor.system.signals gives the second.

This module imports nothing, so that the modules every command loads (terminal streams,
the command line) can raise and catch these without slowing a short command's start.
"""

from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
INTERNAL = "internal error, please report it"


class Failure(Exception):
    """A command cannot go on; ``lines()`` say why, one line of stderr each."""

    exit_status = EXIT_INVALID

    def lines(self) -> list[str]:
        return [str(self)]


class Invalid(Failure):
    """The user's input, arguments or machine: exit status 2."""

    exit_status = EXIT_INVALID


class Internal(Failure):
    """A defect of pod-advisor: exit status 3, and the message asks for a report."""

    exit_status = EXIT_INTERNAL

    def lines(self) -> list[str]:
        return [f"{INTERNAL}: {self}"]
