"""pod-advisor wizard: answer plain questions in the terminal, get the advice, save the files."""

from __future__ import annotations

HELP = "answer questions in the terminal, see the advice, save the answers and a manifest"
DESCRIPTION = ("Ask, one question at a time, about the containers and how the work runs; show the "
               "recommendation with its drawing, findings and reasons (as `pod-advisor evaluate` does); "
               "then offer to write the answers file and a starter manifest. A container's image comes "
               "first, and for an image it knows the wizard offers the rest (name, ports, job) and the "
               "unprivileged image for one that needs root. Keys: Enter accepts, a digit picks in a list, "
               "Esc goes back, ? or F1 shows help, Ctrl-Z suspends, Ctrl-C quits without writing anything.")

NO_TERMINAL = ("pod-advisor: the wizard asks its questions in a terminal, and standard {stream} is not one.\n"
               "To get advice without it, write an answer file and run: pod-advisor evaluate FILE")


def configure(parser) -> None:
    parser.add_argument("--answers", metavar="FILE",
                        help="start from a saved answer file: open on the review of its answers, any of which "
                             "can be changed")
    parser.add_argument("--save-answers", metavar="PATH",
                        help="write the answers file here (do not ask where; still asks before replacing a file)")
    parser.add_argument("--manifest", metavar="PATH",
                        help="write the starter manifest here (do not ask where; still asks before replacing)")


def run(args, env) -> int:
    """Prompts use the current prompt_toolkit app session: the terminal, or what a test set up."""
    # Both: with stdout redirected, the questions would go to the terminal and the advice into the file.
    for stream, isatty in (("input", env.stdin_isatty), ("output", env.stdout_isatty)):
        if not isatty:
            env.err(NO_TERMINAL.format(stream=stream))
            return 2
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard, starting_data

    from advisor.system.text import OutputError

    start = None
    if args.answers:
        from advisor.answers.load import load_answers

        start = starting_data(load_answers(args.answers))
    wizard = Wizard(env, Terminal.for_environment(env), start=start, origin=args.answers,
                    save_answers=args.save_answers, manifest=args.manifest)
    try:
        return wizard.run()
    except OutputError as exc:
        if getattr(exc.error, "errno", None) == 5:  # EIO: the terminal was closed (dialogs.prompts._hung_up)
            from dialogs.prompts import _hung_up

            raise _hung_up() from None
        raise
    except (KeyboardInterrupt, EOFError):
        written = f"; already written: {', '.join(wizard.written)}" if wizard.written else "; nothing was written"
        env.err(f"pod-advisor: wizard cancelled{written}")
        return 130
