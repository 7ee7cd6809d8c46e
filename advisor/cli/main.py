"""``pod-advisor``: parse arguments, call the core, render, return the exit status.

Exit status: 0 fine; 1 findings or mismatches the user asked to fail on; 2 invalid
input or usage (or output that cannot be written); 130 interrupted; 128 + N when
stopped by signal N (143 for SIGTERM). Nothing below this module calls ``sys.exit``.

Each command lives in ``advisor/cli/commands/<name>.py`` with ``HELP``,
``configure(parser)`` and ``run(args, env) -> int``. Those modules import the
engine and prompt_toolkit only inside ``run``, so ``--help`` stays fast; and only
the command being run has its options configured (argparse spends milliseconds on
each option), so a short command does not pay for all the others'.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import os
import sys

from advisor import __version__
from advisor.system.environment import Environment
from advisor.system.failure import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, Failure
from advisor.system.signals import Terminated, shielded, terminating_on_signals
from advisor.system.text import OutputError

# name -> module; the order is the order of `pod-advisor --help`.
COMMANDS = {
    "evaluate": "advisor.cli.commands.evaluate",
    "manifest": "advisor.cli.commands.manifest",
    "wizard": "advisor.cli.commands.wizard",
    "batch": "advisor.cli.commands.batch",
    "review": "advisor.cli.commands.review",
    "explain": "advisor.cli.commands.explain",
    "rules": "advisor.cli.commands.rules",
    "quiz": "advisor.cli.commands.quiz",
    "schema": "advisor.cli.commands.schema",
    "completion": "advisor.cli.commands.completion",
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

    def _get_formatter(self):
        return self.formatter_class(prog=self.prog, width=_help_width())


@functools.lru_cache(maxsize=1)
def _help_width() -> int:
    """The width argparse gives help text: the terminal's, less 2, as shutil.get_terminal_size
    finds it. argparse asks shutil again for each option it adds; asking once here spares a
    short command importing shutil (and the compression modules shutil imports)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns - 2


def build_parser(env: Environment, prog: str = PROG, only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only`` (a command's name), that command alone: each
    subcommand costs argparse a parser of its own, which a run of one command never reads."""
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
        if only is not None and name != only:
            continue
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP))
        module.configure(sub)
        sub.set_defaults(_run=module.run)
    return parser


def _command(argv: list[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option (the program's own
    options, --help and --version, take no value)."""
    return next((word for word in argv if not word.startswith("-")), None)


# pod-advisor makes tens of thousands of objects at start that live to the end (modules, the
# knowledge base, the Rete network); the collector's default, a pass every 700 new objects,
# walks them over and over (gc callbacks: 33 passes, ~4 ms of an evaluate; at 10,000 still 3
# passes, ~3.5 ms). At 50,000 a short command needs none, and a batch of 2,000 files kept its
# peak memory (28.2 MiB, 28.4 at 50,000; bench/batch.py): cycles are still collected.
GC_THRESHOLD = 50_000


def main(argv: list[str] | None = None, env: Environment | None = None, prog: str = PROG) -> int:
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    env = env or Environment()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        # SIGTERM and SIGHUP unwind like Ctrl-C (temporary files go), and leave the terminal as it was
        with terminating_on_signals(), env.terminal_kept():
            status = _main(argv, env, prog)
            env.stdout.flush()  # a full disk fails here, while it can still be reported
            return status
    except KeyboardInterrupt:
        with shielded():  # a second Ctrl-C now would only turn this into a traceback
            _last_word(env, "pod-advisor: interrupted")
        return EXIT_INTERRUPTED
    except Terminated as exc:
        with shielded():
            _last_word(env, f"pod-advisor: stopped by {exc.name}")
        return exc.exit_status
    except BrokenPipeError:
        _discard_stdout(env)
        return EXIT_OK  # the reader went away (| head); not our failure
    except Failure as exc:  # every failure of a command, with the exit status it carries
        if isinstance(exc, OutputError):
            _discard_stdout(env)
        for line in exc.lines():
            env.err(f"pod-advisor: {line}")
        return exc.exit_status


def _last_word(env: Environment, message: str) -> None:
    """Say why the run stopped, if anyone can hear it: after a hangup, standard error may be the
    closed terminal, and failing to say so must not change the exit status."""
    try:
        env.err(message)
        env.stderr.flush()
    except (OutputError, OSError):
        pass


def console_main(prog: str = PROG) -> None:
    """What the console scripts run (pod-advisor, kubectl-pod_advisor, python -m advisor):
    ``main``, then ``leave`` with its status. The run is over once ``main`` returns: a Ctrl-C
    pressed again after its own handling ended (while the output is flushed and the worker pools'
    exit handlers run) would only turn the exit into a traceback, so ``leave`` runs shielded."""
    try:
        status = main(prog=prog)
    except KeyboardInterrupt:  # pressed in the instant main returned, after its own handling
        status = EXIT_INTERRUPTED
    with shielded():
        leave(status)


def leave(status: int) -> None:
    """End the process with ``status``, skipping the interpreter's teardown when that is safe.

    Freeing the tens of thousands of objects of a run one by one, module after module,
    took about 13 ms of a 100 ms evaluate; nothing pod-advisor leaves needs it. So the
    output is flushed, the exit handlers a normal exit runs (logging's, the worker
    pools') are run, and the process ends. When another thread is still running, or this
    Python has no way to run its exit handlers, the process leaves the usual way.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (| head): what was wanted was written
        pass
    threading = sys.modules.get("threading")
    run_exit_handlers = getattr(__import__("atexit"), "_run_exitfuncs", None)
    if (threading is not None and threading.active_count() > 1) or run_exit_handlers is None:
        sys.exit(status)
    run_exit_handlers()
    os._exit(status)


def _main(argv: list[str], env: Environment, prog: str) -> int:
    command = _command(argv)
    # Only the command named, when it is one; else all of them, for --help and for the
    # usage error that lists them.
    parser = build_parser(env, prog, only=command if command in COMMANDS else None)
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        return exc.status
    if not getattr(args, "_run", None):
        parser.print_help(env.stderr)
        return EXIT_INVALID
    return args._run(args, env)


def _discard_stdout(env: Environment) -> None:
    """After a failed write, what is still buffered for the real stdout can never be written:
    point it at /dev/null so that Python's flush at exit does not fail again (and print)."""
    if env.stdout.stream is not sys.stdout:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
