"""pod-advisor evaluate FILE: the recommendation for one answer file."""

from __future__ import annotations

HELP = "recommend a Pod design for an answer file"
DESCRIPTION = ("Read an answer file, validate it, and print the recommendation: the Pods, the role and "
               "placement of each container, the controller, restartPolicy and Service, findings, and why.")


FORMATS = ("text", "json", "yaml", "mermaid", "dot", "svg")


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
    from advisor.domain.vocabulary import fails_on
    from advisor.engine.advise import advise_file
    from advisor.render.recommendation import render

    recommendation = advise_file(args.file)
    # Graphviz missing (exit 2: the user installs it, or asks for --format dot) or failing (3)
    # is a Failure of advisor.render.graph, said by advisor.cli.main.
    text = render(recommendation, args.format, env, explain=args.explain)
    env.write(text, human=args.format == "text")  # the pictures' formats are for programs
    return 1 if fails_on(recommendation.worst_severity(), args.fail_on) else 0
