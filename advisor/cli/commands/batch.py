"""pod-advisor batch PATH...: evaluate many answer files, for a team's repository or CI."""

from __future__ import annotations

import argparse

from advisor.cli.commands import fail_on
from advisor.cli.jobs import jobs_argument, worker_count

HELP = "evaluate many answer files: a summary table, JSON lines, CSV or a JUnit report"
DESCRIPTION = """\
Evaluate every answer file in the given files, folders (searched recursively
for *.yaml, *.yml and *.json) and glob patterns, and report one result per file,
in input order. With --check, compare each recommendation with the decisions in
the file's expect: block. An invalid file is reported and the others evaluated.

exit status: 2 when any file is invalid, else 1 when --check found a mismatch
or a finding reached --fail-on (error unless said otherwise, as for review),
else 0 (3: the advisor failed on a file; please report it)."""
EPILOG = """examples:
  pod-advisor batch answers/
  pod-advisor batch answers/ --format jsonl -o results.jsonl
  pod-advisor batch 'teams/*/answers/*.yaml' --format junit -o report.xml --check"""


def configure(parser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="an answer file, a folder, or a glob pattern (quote it: 'teams/*/answers/*.yaml')")
    parser.add_argument("--format", choices=("text", "jsonl", "csv", "junit"), default="text",
                        help="text: a summary table (default); jsonl: one recommendation per line; csv; "
                             "junit: a JUnit XML report for CI")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    parser.add_argument("--check", action="store_true",
                        help="compare each recommendation with the file's expect: block; a mismatch fails the file")
    fail_on.configure(parser)
    parser.add_argument("-j", "--jobs", type=jobs_argument, default=None, metavar="N",
                        help="worker processes (default: the CPU count; a small batch runs in process)")


SMALL_BATCH = 100  # fewer files than this run in process unless --jobs says otherwise: workers cost more to start


def run(args, env) -> int:
    # A worker that fails (advisor.system.pool.WorkerFailed) leaves the output's block, so no half
    # report is left behind; advisor.cli.main says so, exit status 3.
    return _run(args, env)


def _run(args, env) -> int:
    from advisor.batch.evaluation import evaluations
    from advisor.batch.inputs import answer_files
    from advisor.batch.output import results_stream
    from advisor.batch.progress import Progress, wanted
    from advisor.batch.results import Totals
    from advisor.render.batch import WRITERS
    from advisor.system.fileio import to_stdout
    from advisor.system.text import Style

    files = answer_files(args.paths)
    jobs = worker_count(env, args.jobs, len(files), SMALL_BATCH)
    to_file = not to_stdout(args.output)
    totals = Totals(check=args.check)
    with results_stream(env, args.output, args.force, human=args.format == "text") as out, \
            evaluations(files, jobs, args.check, named=frozenset(args.paths)) as results:
        style = Style(env.color and not to_file and args.format == "text", env.unicode or to_file)
        writer = WRITERS[args.format](out, style, check=args.check, fail_on=args.fail_on)
        writer.start(files)
        with Progress(env, len(files), wanted(env, args.format, to_file, len(files))) as progress:
            if not to_file:
                writer.out = out.around(progress.stream)  # rows above the bar, if there is one
            for result in results:
                status = result.status(args.fail_on)
                totals.add(result, status)
                writer.add(result, status)
                progress.advance()
        writer.out = out  # the totals come after the bar
        writer.finish(totals)
    if to_file or args.format != "text":
        where = f"wrote {args.output}: " if to_file else ""
        env.err(f"pod-advisor: {where}{totals.status_line()}")
    return totals.exit_status
