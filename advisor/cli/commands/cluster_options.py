"""``review --cluster [-n NS | -A] [--context NAME]``: the options, and the live objects they name.

The reading is advisor.review.cluster's; here are the command-line rules: files or
the cluster, not both; -n, -A and --context only with --cluster; -n and -A not together;
no --fix or --diff, which write files, with --cluster.
"""

from __future__ import annotations


def configure(parser) -> None:
    group = parser.add_argument_group("a live cluster, read through your kubectl")
    group.add_argument("--cluster", action="store_true",
                       help="review the objects of the cluster kubectl points at (kubectl get -o json, with your "
                            "kubeconfig and context) instead of files")
    group.add_argument("-n", "--namespace", metavar="NS", help="with --cluster: this namespace (default: the "
                                                               "context's)")
    group.add_argument("-A", "--all-namespaces", action="store_true", help="with --cluster: every namespace")
    group.add_argument("--context", metavar="NAME", help="with --cluster: this kubeconfig context, not the current one")


def check(args) -> None:
    """InputError for a combination the options do not allow."""
    from advisor.system.errors import InputError, Problem

    if args.cluster and args.paths:
        raise InputError(Problem("give manifest files or --cluster, not both"))
    if args.cluster and (getattr(args, "fix", False) or getattr(args, "diff", False)):
        raise InputError(Problem("--fix and --diff change manifest files, and --cluster reads none; "
                                 "review the files you apply instead"))
    if not args.cluster and (args.namespace or args.all_namespaces or args.context):
        raise InputError(Problem("-n, -A and --context choose what --cluster reads; add --cluster"))
    if args.namespace and args.all_namespaces:
        raise InputError(Problem("-n NAMESPACE and -A (every namespace) exclude each other"))
    if not args.cluster and not args.paths:
        raise InputError(Problem("give a manifest file, a folder, or - for standard input (or --cluster for "
                                 "the live objects kubectl shows)"))


def read(args, env, kubernetes: str | None, question) -> tuple[list[tuple[str, str]], str | None]:
    """(name, YAML) of the live objects, and the version to review for: --kubernetes, else the
    cluster's own when pod-advisor knows it, else None (each object's annotation, else the newest)."""
    from advisor.kb.questions import Invalid
    from advisor.review.cluster import read_cluster

    found = read_cluster(args.namespace, args.all_namespaces, args.context)
    for note in found.notes:
        env.err(f"pod-advisor: note: {note}")
    if kubernetes is None and found.kubernetes:
        try:
            kubernetes = question.check(found.kubernetes, raw=found.kubernetes)
        except Invalid as exc:
            env.err(f"pod-advisor: note: the cluster runs Kubernetes {found.kubernetes}: {exc}")
    return found.texts, kubernetes
