"""pod-advisor quiz: the knowledge check, in the terminal or from an answers file."""

from __future__ import annotations

HELP = "test what you know about Pods, phases, restart policies, controllers and patterns"
DESCRIPTION = (
    "Ask the knowledge-check questions one at a time, the options shuffled; after each answer show the right "
    "one, why, and the knowledge-base entries behind it; at the end, the score. Needs a terminal, unless "
    "--answers gives the choices: a YAML mapping of question id to the text of the chosen option (or its "
    "beginning), e.g. `quiz.controller-per-node: DaemonSet`; only the questions in the file are asked. "
    "Ctrl-C stops the quiz (exit status 130) after the score so far."
)

NO_TERMINAL = ("pod-advisor: the quiz asks its questions in a terminal, and this is not one.\n"
               "To answer from a file instead: pod-advisor quiz --answers FILE (a YAML mapping such as "
               "`quiz.controller-per-node: DaemonSet`)")


def configure(parser) -> None:
    parser.add_argument("--answers", metavar="FILE",
                        help="take the choices from this YAML file ('-' for standard input) instead of asking")
    parser.add_argument("--seed", type=int, metavar="N", help="shuffle the options the same way every time")


def run(args, env) -> int:
    from advisor.kb.knowledge import knowledge_base
    from advisor.kb.quiz import Score, heading, question_text, run_quiz, shuffled, summary
    from advisor.system.text import Style

    kb = knowledge_base()
    style = Style(env.color, env.unicode)
    questions = kb.quiz

    def say(text: str) -> None:
        env.write(text, human=True)

    if args.answers:
        choices = _read_choices(args.answers, env, questions)
        questions = [question for question in questions if question.id in choices]

        def choose(asked) -> int:
            index = asked.options.index(choices[asked.question.id])
            say(question_text(asked, index, style))
            return index
    else:
        if not (env.stdin_isatty and env.stdout_isatty):
            env.err(NO_TERMINAL)
            return 2
        from advisor.system.text import wrap
        from dialogs.quiz import ask_option

        env.out("\n".join(wrap(f"{len(questions)} questions on Pods, their phases, restart policies, "
                                "controllers and the multi-container patterns.", "")) + "\n")

        def choose(asked) -> int:
            env.stdout.flush()
            return ask_option(heading(asked), asked.question.question, asked.options)

    asked = shuffled(questions, args.seed)
    score = Score()
    try:
        run_quiz(kb, asked, choose, say, style, score)
    except (KeyboardInterrupt, EOFError):
        say("\n" + summary(kb, score, len(asked), style, stopped=True))
        raise KeyboardInterrupt from None
    return 0


def _read_choices(path: str, env, questions) -> dict[str, str]:
    from advisor.kb.quiz import read_choices
    from advisor.system.yamlsource import parse_document, read_stream, read_text

    text, source = (read_stream(env.stdin, "<stdin>"), "<stdin>") if path == "-" else (read_text(path), path)
    return read_choices(parse_document(text, source), questions)
