"""pod-advisor evaluate FILE: the recommendation for one answer file."""

from __future__ import annotations

HELP = "recommend a Pod design for an answer file"
DESCRIPTION = ("Read an answer file, validate it, and print the recommendation: the Pods, the role and "
               "placement of each container, the controller, restartPolicy and Service, findings, and why.")


def configure(parser) -> None:
    parser.add_argument("file", help="the answer file (YAML or JSON)")
    parser.add_argument("--format", choices=("text", "json", "yaml"), default="text",
                        help="text for people (default), json (the documented object), or yaml")
    parser.add_argument("--explain", action="store_true",
                        help="with text: add the answers each conclusion rests on and the knowledge-base text")
    parser.add_argument("--fail-on", choices=("info", "warning", "error"), default=None,
                        help="exit with status 1 when a finding of this severity or worse is raised")


def run(args, env) -> int:
    from ..core import advise_file
    from ..recommendation import fails_on
    from .render_recommendation import render

    recommendation = advise_file(args.file)
    env.stdout.write(render(recommendation, args.format, env, explain=args.explain))
    return 1 if fails_on(recommendation.worst_severity(), args.fail_on) else 0
