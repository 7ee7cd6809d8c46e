"""pod-advisor rules: every decision rule and finding id, and what it means."""

from __future__ import annotations

HELP = "list every rule and finding id: what triggers it, what to do, what it cites"
DESCRIPTION = (
    "List every decision rule and finding of the advisor, generated from the engine's rules and the "
    "knowledge base: its id, kind, concern, severity (findings), when it applies, what to do instead "
    "(findings), the knowledge-base entries it cites, and whether `pod-advisor evaluate` (advise) or "
    "`pod-advisor review` raises it. docs/rules.md is this list in Markdown: "
    "pod-advisor rules --format markdown > docs/rules.md"
)


def configure(parser) -> None:
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="text for people (default), json for tools, or markdown (docs/rules.md)")


def run(args, env) -> int:
    from advisor.engine.advisor import registry
    from advisor.kb.knowledge import knowledge_base
    from advisor.render import knowledge as kbdoc  # the knowledge base as text, Markdown, JSON
    from advisor.system.text import Style

    docs = kbdoc.catalogue(knowledge_base(), registry())
    if args.format == "json":
        env.write(kbdoc.rules_json(docs), human=False)
    elif args.format == "markdown":
        env.write(kbdoc.rules_markdown(docs), human=False)
    else:
        env.write(kbdoc.rules_text(docs, Style(env.color, env.unicode)), human=True)
    return 0
