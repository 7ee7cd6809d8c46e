"""pod-advisor evaluate FILE: the recommendation for one answer file."""

from __future__ import annotations

HELP = "recommend a Pod design for an answer file"
DESCRIPTION = ("Read an answer file, validate it, and print the recommendation: the Pods, the role and "
               "placement of each container, the controller, restartPolicy and Service, findings, and why.")


FORMATS = ("text", "json", "yaml", "mermaid", "dot", "svg")
EXIT_INVALID, EXIT_INTERNAL = 2, 3


def configure(parser) -> None:
    parser.add_argument("file", help="the answer file (YAML or JSON)")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text for people (default), json (the documented object), yaml, or a picture: "
                             "mermaid (a flowchart GitHub draws in Markdown), dot (Graphviz), svg (drawn by "
                             "Graphviz's dot, which must be installed)")
    parser.add_argument("--explain", action="store_true",
                        help="with text: add the answers each conclusion rests on and the knowledge-base text")
    parser.add_argument("--fail-on", choices=("info", "warning", "error"), default=None,
                        help="exit with status 1 when a finding of this severity or worse is raised")


def run(args, env) -> int:
    from ..core import advise_file
    from ..recommendation import fails_on
    from .render_recommendation import render

    recommendation = advise_file(args.file)
    try:
        text = render(recommendation, args.format, env, explain=args.explain)
    except Exception as exc:
        # The graph module (and the subprocess, shutil and html it imports) is loaded by render
        # for a picture only, so it is imported here, not above: text output starts without it.
        from ..render.graph import GraphvizFailed, GraphvizMissing

        if isinstance(exc, GraphvizMissing):
            # Not the answers' fault, nor ours: this machine cannot draw SVG. Like a usage error,
            # the user fixes it (install Graphviz, or ask for --format dot), so exit status 2.
            env.err(f"pod-advisor: {exc}")
            return EXIT_INVALID
        if isinstance(exc, GraphvizFailed):
            env.err(f"pod-advisor: internal error, please report it: {exc}")
            return EXIT_INTERNAL
        raise
    env.write(text, human=args.format == "text")  # the pictures' formats are for programs
    return 1 if fails_on(recommendation.worst_severity(), args.fail_on) else 0
