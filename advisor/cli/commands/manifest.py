"""pod-advisor manifest FILE: starter Kubernetes manifests that follow the recommendation."""

from __future__ import annotations

import argparse

from advisor.system.failure import EXIT_INVALID, Internal

HELP = "write starter Kubernetes manifests (YAML, a Helm chart, a Kustomize base) for an answer file"
DESCRIPTION = (
    "Evaluate an answer file and write every object its recommendation names (the workloads, their "
    "Services), ready for `kubectl apply -f`: valid for the target Kubernetes version, with resources, a "
    "restricted security context, readiness probes where they cannot hurt, and comments that say why. "
    "--format helm writes the same objects as a Helm chart, --format kustomize as a Kustomize base, each "
    "into the folder -o names.")
FORMATS = ("yaml", "helm", "kustomize")
FOLDER_FORMATS = {"helm": "a Helm chart", "kustomize": "a Kustomize base"}


def _version(text: str) -> str:
    from advisor.kb.knowledge import knowledge_base
    from advisor.kb.questions import Invalid

    try:
        return knowledge_base().questions.by_key("kubernetes").check(text, raw=text)
    except Invalid as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def configure(parser) -> None:
    parser.add_argument("file", help="the answer file (YAML or JSON)")
    parser.add_argument("--format", choices=FORMATS, default="yaml",
                        help="yaml: one multi-document file (default); helm: a chart, kustomize: a base and an "
                             "example overlay, each written into the folder -o names")
    parser.add_argument("-o", "--output", metavar="FILE|DIR",
                        help="write to this file instead of standard output (with helm and kustomize: this "
                             "folder, which must not exist or be empty)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite the output file if it exists (replace the output folder and everything in "
                             "it)")
    parser.add_argument("--kubernetes", metavar="1.N", type=_version,
                        help="target this Kubernetes version instead of the answer file's (the advice is "
                             "evaluated again for it)")
    parser.add_argument("--no-comments", action="store_true", help="bare YAML, without the comments that say why")
    parser.add_argument("--allow-root", action="store_true",
                        help="let every container run as root (Pod Security baseline instead of restricted)")
    parser.add_argument("--allow-root-for", metavar="CONTAINER", action="append", default=[],
                        help="let this container run as root (repeat for more)")


def run(args, env) -> int:
    from advisor.answers.load import load_answers_document
    from advisor.engine.advise import advise
    from advisor.manifests import InvalidManifest, make_manifest
    from advisor.system.errors import InputError
    from advisor.system.fileio import to_stdout, write_output, write_tree

    if args.format in FOLDER_FORMATS and to_stdout(args.output):
        env.err(f"pod-advisor: manifest: --format {args.format} writes {FOLDER_FORMATS[args.format]}, a folder of "
                f"files: name it with -o DIR")
        return EXIT_INVALID
    answers, document = load_answers_document(args.file)
    if args.kubernetes:
        answers = answers.with_changes(kubernetes=args.kubernetes)
    recommendation = advise(answers, document)
    try:
        manifest = make_manifest(recommendation, allow_root=True if args.allow_root else args.allow_root_for)
        text = manifest.text(comments=not args.no_comments)  # checks that it reads back as the objects
        if args.format in FOLDER_FORMATS:
            files = _folder(manifest, args.format, comments=not args.no_comments)
    except InputError as exc:  # answers Kubernetes would not name an object after: say where they are
        raise InputError([document.locate(p) for p in exc.problems]) from None
    except InvalidManifest as exc:
        raise Internal(f"{exc}\nNothing was written.") from None
    if args.format in FOLDER_FORMATS:
        write_tree(args.output, files, force=args.force)
        env.err(f"wrote {FOLDER_FORMATS[args.format]} in {args.output}: {manifest.summary()}")
    elif write_output(env, args.output, text, force=args.force):
        env.err(f"wrote {args.output}: {manifest.summary()}")
    for note in manifest.notes:
        env.err(f"pod-advisor: to do: {note}")
    serious = [f for f in recommendation.findings if f.severity != "info"]
    if serious:
        # once each: a finding raised for each of 999 containers is one warning, not 999
        listed = ", ".join(dict.fromkeys(f"{f.severity} {f.id}" for f in serious))
        env.err(f"pod-advisor: the advice raised {listed}; `pod-advisor evaluate {args.file}` says more")
    return 0


def _folder(manifest, fmt: str, comments: bool) -> dict[str, str]:
    if fmt == "helm":
        from advisor.manifests.helm import chart_files

        return chart_files(manifest, comments=comments)
    from advisor.manifests.kustomize import kustomize_files

    return kustomize_files(manifest, comments=comments)
