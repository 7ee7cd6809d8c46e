"""The quiz's one prompt: a question and its options, picked with a digit or the arrows.

The list is ``dialogs.prompts.ask_choice``, the wizard's: a digit picks its option at
once, Up/Down and Enter pick too, each option (a whole sentence) is wrapped on words
to the terminal's width, and the line under the options says how to answer. Input
and output are passed in (tests give ``create_pipe_input()`` and ``DummyOutput()``);
None means the current prompt_toolkit app session, the terminal of a real run.

Ctrl-C raises KeyboardInterrupt and Ctrl-D EOFError; the quiz reports the score
so far and stops. Ctrl-Z suspends it as a shell job.
"""

from __future__ import annotations

from typing import Any, Sequence


def ask_option(heading: str, question: str, options: Sequence[str], *, input: Any = None,
               output: Any = None) -> int:
    """Show ``question`` and ``options``; return the index of the option picked.

    ``heading`` ("Question 3 of 40") is shown with the keys, under the options. Colour
    follows prompt_toolkit's rules (none when NO_COLOR is set).
    """
    from dialogs.prompts import Terminal, ask_choice

    terminal = Terminal(input=input, output=output)
    return ask_choice(terminal, question, list(enumerate(options)), context=heading, can_go_back=False)
