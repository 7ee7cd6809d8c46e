"""``pod-advisor``: parse arguments, call the core, render, return the exit status.

Exit status: 0 fine; 1 findings or mismatches the user asked to fail on; 2 invalid
input or usage; 130 interrupted. Nothing below this module calls ``sys.exit``.

Each command lives in ``advisor/commands/<name>.py`` with ``HELP``,
``configure(parser)`` and ``run(args, env) -> int``. Those modules import the
engine and prompt_toolkit only inside ``run``, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .environment import Environment
from .errors import InputError, KnowledgeBaseError

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

# name -> module; the order is the order of `pod-advisor --help`.
COMMANDS = {
    "evaluate": "advisor.commands.evaluate",
    "manifest": "advisor.commands.manifest",
    "wizard": "advisor.commands.wizard",
    "batch": "advisor.commands.batch",
    "review": "advisor.commands.review",
    "explain": "advisor.commands.explain",
    "rules": "advisor.commands.rules",
    "quiz": "advisor.commands.quiz",
    "schema": "advisor.commands.schema",
    "completion": "advisor.commands.completion",
}
PROG = "pod-advisor"


class _UsageError(Exception):
    def __init__(self, status: int):
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse that writes to our Environment and raises instead of exiting."""

    env: Environment

    def _print_message(self, message, file=None):
        # argparse names sys.stdout for --help and --version, sys.stderr for errors.
        if message:
            (self.env.stderr if file in (sys.stderr, self.env.stderr) else self.env.stdout).write(message)

    def exit(self, status=0, message=None):
        if message:
            self.env.stderr.write(message)
        raise _UsageError(status)


def build_parser(env: Environment, prog: str = PROG) -> argparse.ArgumentParser:
    _Parser.env = env
    parser = _Parser(
        prog=prog,
        description="Design Kubernetes Pods: which containers share a Pod, in what role, under which "
                    "controller, and why.",
        epilog="Start with `pod-advisor wizard`, or write an answer file and run `pod-advisor evaluate FILE`.",
    )
    parser.add_argument("--version", action="version", version=f"pod-advisor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP))
        module.configure(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None, env: Environment | None = None, prog: str = PROG) -> int:
    env = env or Environment()
    try:
        parser = build_parser(env, prog)
        try:
            args = parser.parse_args(argv)
        except _UsageError as exc:
            return exc.status
        if not getattr(args, "_run", None):
            parser.print_help(env.stderr)
            return EXIT_INVALID
        return args._run(args, env)
    except InputError as exc:
        for problem in exc.problems:
            env.err(f"pod-advisor: {problem}")
        return EXIT_INVALID
    except KnowledgeBaseError as exc:
        env.err(f"pod-advisor: internal error, please report it: {exc}")
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        env.err("pod-advisor: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK  # the reader went away (| head); not our failure
