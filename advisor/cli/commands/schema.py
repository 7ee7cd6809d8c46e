"""pod-advisor schema: the answer-file format as a JSON Schema, for editors."""

from __future__ import annotations

HELP = "print the JSON Schema of answer files (for editor completion and checking)"


def configure(parser) -> None:
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")


def run(args, env) -> int:
    import json

    from advisor.answers.schema_export import answers_schema
    from advisor.kb.knowledge import knowledge_base
    from advisor.system.fileio import write_output

    text = json.dumps(answers_schema(knowledge_base().questions), indent=2) + "\n"
    if write_output(env, args.output, text, force=args.force):
        env.err(f"wrote {args.output}")
    return 0
