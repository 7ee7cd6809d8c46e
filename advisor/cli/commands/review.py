"""pod-advisor review PATH...: find Pod design mistakes in existing manifests."""

from __future__ import annotations

from advisor.cli.commands import cluster_options, fail_on
from advisor.cli.jobs import jobs_argument, worker_count
from advisor.system.failure import INTERNAL

HELP = "review Kubernetes manifests for Pod design mistakes"
DESCRIPTION = (
    "Read manifests (files, folders, or - for standard input, which must hold some: empty, there is nothing "
    "to review and the exit status is 2) and review every Pod, Deployment, ReplicaSet, "
    "ReplicationController, StatefulSet, DaemonSet, Job and CronJob against what the advisor would recommend for it: bare Pods, "
    "unrelated containers packed into one Pod, Pod IPs in configuration, restartPolicy Always on finite work, "
    "sidecars that keep Jobs from completing, and more; what the API server would refuse comes first. "
    "Services, ConfigMaps and autoscalers are read for cross-checks. A Helm chart (a folder with a Chart.yaml) is "
    "reviewed as helm template renders it, a kustomization as kustomize build (or kubectl kustomize) builds it, "
    "when the tool is on PATH; hidden folders and paths matching --exclude are not read. Ignore a finding with "
    "the annotation pod-advisor.io/ignore: \"ID,...\" (or pod-advisor.io/ignore.CONTAINER), or with rules in "
    ".pod-advisor.yaml. "
    "With --fix, the suggestions are written into the files (comments and other documents kept), and the "
    "report and exit status are about what remains: 1 only when a finding at or above --fail-on is left "
    "that --fix could not fix."
)
FORMATS = ("text", "json", "sarif")


def configure(parser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="a manifest file, a folder (searched for *.yaml, *.yml, *.json), or - for standard input")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text for people (default), json, or sarif (2.1.0, for code scanning)")
    parser.add_argument("--kubernetes", metavar="1.N", default=None,
                        help="the cluster's minor version, 1.25 to 1.37 (default: the pod-advisor.io/kubernetes annotation "
                             "of each object, else 1.37); native sidecars need 1.29")
    fail_on.configure(parser)
    parser.add_argument("--suggest", action="store_true",
                        help="also print the corrected object where the advisor can write it")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="leave paths that match GLOB unread (repeatable): a file or a folder, by its path "
                             "relative to the current folder or by its name; * also crosses folders "
                             "(as exclude: in .pod-advisor.yaml)")
    parser.add_argument("--config", metavar="FILE",
                        help="ignore rules (default: .pod-advisor.yaml in the current folder, if there is one)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    parser.add_argument("--fix", action="store_true",
                        help="write the suggestions into the reviewed files, atomically, keeping comments and "
                             "the other documents; then report (and set the exit status on) what remains")
    parser.add_argument("--diff", action="store_true",
                        help="print what --fix changes as a unified diff (patch -p0) instead of the report; "
                             "without --fix a dry run that writes nothing, exit status as without it")
    parser.add_argument("-j", "--jobs", type=jobs_argument, default=None, metavar="N",
                        help="worker processes (default: the CPU count from 10,000 workloads on; fewer are "
                             "reviewed in process); the report is the same")
    cluster_options.configure(parser)


def run(args, env) -> int:
    # A worker that fails (advisor.system.pool.WorkerFailed) leaves here before any report is
    # written; advisor.cli.main says so, exit status 3.
    return _run(args, env)


def _run(args, env) -> int:
    import os

    from advisor.kb.knowledge import knowledge_base
    from advisor.render.review import json_pieces, sarif_pieces, text_lines
    from advisor.review import Reviewer, ReviewOptions
    from advisor.review.reviewer import finding_ids
    from advisor.review.objects import Gathered, parse_inputs
    from advisor.review.parallel import SMALL_REVIEW, review_in_workers
    from advisor.review.suppress import CONFIG_NAME, parse_config
    from advisor.system.errors import InputError, Problem
    from advisor.system.fileio import to_stdout, write_output
    from advisor.system.yamlsource import read_text

    kb = knowledge_base()
    question = kb.questions.by_id("kubernetes")
    kubernetes = None  # each object's own pod-advisor.io/kubernetes, else the newest
    if args.kubernetes is not None:
        from advisor.kb.questions import Invalid

        try:
            kubernetes = question.check(args.kubernetes, raw=args.kubernetes)
        except Invalid as exc:
            raise InputError(Problem(f"--kubernetes: {exc}", hint=exc.hint)) from None
    cluster_options.check(args)
    if args.paths.count("-") > 1:
        raise InputError(Problem("- (standard input) can be given only once"))
    fixing = args.fix or args.diff
    if fixing:
        from advisor.cli.commands.review_fix import refuse_stdin

        refuse_stdin(args.paths)

    config = None
    config_path = args.config or (CONFIG_NAME if os.path.isfile(CONFIG_NAME) else None)
    if config_path:
        config = parse_config(read_text(config_path), config_path, finding_ids(kb))

    if args.cluster:
        texts, kubernetes = cluster_options.read(args, env, kubernetes, question)
        gathered = Gathered(texts)
    else:
        gathered = _read_files(args.paths, env, _scope(args, env, config, kubernetes or question.default,
                                                       render=not fixing), keep=fixing)
        texts = gathered.texts
    unreadable = gathered.problems
    # Without --jobs, a review in one process gets a helper process where a second CPU can run it
    # (advisor.system.helper): it parses the files, then reviews the objects, from the other end.
    ahead = args.jobs is None
    inputs = parse_inputs(texts, unreadable, gathered.rendered, gathered.notes,
                          keep=gathered.size, ahead=gathered if ahead and not args.cluster else None)
    # built once the files are parsed: a helper parsing them builds the engine's network meanwhile, into the cache
    reviewer = Reviewer(keep_designs=True)
    jobs = worker_count(env, args.jobs, sum(obj.reviewed for obj in inputs.objects), SMALL_REVIEW)
    details = args.format == "json"  # only the JSON report shows each object's answers and recommendation
    report = review_in_workers(reviewer, inputs, ReviewOptions(kubernetes=kubernetes, suggest=args.suggest or fixing,
                                                               config=config, details=details, remade=details), jobs,
                                   ahead=ahead)
    fix_failed = 0
    if fixing:
        from advisor.cli.commands.review_fix import fix_files

        outcome = fix_files(env, report, texts, args.paths, write=args.fix, show_diff=args.diff)
        for problem in outcome.notes:
            env.err(f"pod-advisor: note: {problem}")
        for problem in outcome.errors:
            env.err(f"pod-advisor: {problem}")
        for problem in outcome.defects:
            env.err(f"pod-advisor: {INTERNAL}: {problem}")
        for name, fixes in outcome.fixed:
            env.err(f"pod-advisor: {'fixed' if args.fix else 'would fix'} {name}: {', '.join(fixes)}")
        for problem in outcome.todo:
            env.err(f"pod-advisor: to do: {problem}")
        if not outcome.fixed and not outcome.errors and not outcome.defects:
            env.err("pod-advisor: nothing to fix")
        fix_failed = 3 if outcome.defects else 2 if outcome.errors else 0
        if args.fix and outcome.fixed:  # the report and the exit status are about the files as they are now
            report = review_in_workers(reviewer, parse_inputs(outcome.texts, unreadable, gathered.rendered,
                                                              gathered.notes),
                                       ReviewOptions(kubernetes=kubernetes, suggest=args.suggest, config=config,
                                                     details=details, remade=details), jobs)

    # One bad file never hides the rest: each is named here, the others are reviewed, and
    # the exit status says that some input was invalid.
    for problem in report.errors:
        env.err(f"pod-advisor: {problem}")
    for note in report.notes:
        env.err(f"pod-advisor: note: {note}")
    # written as it is made (advisor.system.fileio.write_output): never the whole report as one string
    if args.format == "json":
        text = json_pieces(report, kb)
    elif args.format == "sarif":
        text = sarif_pieces(report, kb)
    else:
        from advisor.system.text import Style

        color = env.color and to_stdout(args.output)
        text = text_lines(report, kb, Style(color, env.unicode))
    if args.diff and to_stdout(args.output):
        pass  # standard output holds the diff
    elif write_output(env, args.output, text, force=args.force, human=args.format == "text"):
        env.err(f"wrote {args.output}")
    if fix_failed == 3:
        return 3
    if report.errors or fix_failed:
        return 2
    return 1 if report.fails(args.fail_on) else 0


def _scope(args, env, config, kubernetes: str, render: bool):
    """What to read: --exclude's globs (relative to the current folder) and the config's (relative
    to its folder); with ``render``, charts and kustomizations rendered by the tools on the
    environment's PATH (not for --fix, which writes the files as they are written)."""
    import os

    from advisor.review.scope import Scope, excludes

    rules = excludes(args.exclude, os.getcwd(), "--exclude")
    if config is not None:
        rules += excludes(config.exclude, config.base, config.source)
    return Scope(rules, render=render, search_path=env.environ.get("PATH", os.defpath), kubernetes=kubernetes)


def _read_files(paths: list[str], env, scope, keep: bool):
    """What ``gather`` reads; the texts a list only when ``keep`` (--fix writes them back), else each
    read when it is parsed and let go after, so that the files are never all in memory at once."""
    from advisor.review.objects import gather

    if "-" in paths and env.stdin_isatty:
        env.err("pod-advisor: reading manifests from standard input; end with Ctrl-D")
    return gather(paths, stdin=env.stdin, scope=scope, keep=keep)  # standard input bounded and decoded as a file is
