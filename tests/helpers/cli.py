"""Run the command in process and read what it printed."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

from advisor.cli.main import main
from advisor.system.environment import Environment


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str


def run_cli(*argv: str, stdin: str = "", tty: bool = False, environ: dict | None = None) -> Run:
    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdin=io.StringIO(stdin), stdout=out, stderr=err,
                      environ={**os.environ, **(environ or {})}, stdin_isatty=tty, stdout_isatty=tty)
    status = main(list(argv), env)
    return Run(status, out.getvalue(), err.getvalue())
