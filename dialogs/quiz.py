"""The quiz's one prompt: a question and its options, picked with the arrows or a digit.

Built on prompt_toolkit's ``ChoiceInput`` (the ``choice`` shortcut) rather than
``dialogs.prompts.ask_choice``: quiz options are whole sentences, and this list
wraps each one to the terminal's width instead of cutting it off. Input and
output are passed in (tests give ``create_pipe_input()`` and ``DummyOutput()``);
None means the current prompt_toolkit app session, the terminal of a real run.

Ctrl-C raises KeyboardInterrupt and Ctrl-D EOFError; the quiz reports the score
so far and stops.
"""

from __future__ import annotations

from typing import Any, Sequence

from advisor.system.text import wrap

MARGIN = 3  # ChoiceInput's list has 3 columns of padding left and 1 right
MARK = 6  # then the selection mark and the number: "> 1. "


def _wrapped(text: str, width: int, hang: int = 0) -> str:
    """``text`` wrapped to ``width`` columns, every line after the first ``hang`` further in
    (the first line follows ``hang`` columns of something else)."""
    lines = wrap(text, " " * hang, width=max(20, width))
    return "\n".join([lines[0][hang:]] + lines[1:])


def ask_option(heading: str, question: str, options: Sequence[str], *, input: Any = None,
               output: Any = None) -> int:
    """Show ``question`` and ``options``; return the index of the option picked.

    Colour follows prompt_toolkit's rules (none when NO_COLOR is set).
    """
    from prompt_toolkit.application.current import create_app_session
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.shortcuts.choice_input import ChoiceInput
    from prompt_toolkit.styles import Style

    keys = KeyBindings()

    @keys.add("c-d", eager=True)
    def _end(event) -> None:
        event.app.exit(exception=EOFError(), style="class:aborting")

    with create_app_session(input=input, output=output) as session:
        columns = session.output.get_size().columns
        message = [("class:heading", f"{heading}  (arrows or a number, then Enter; Ctrl-C stops)\n"),
                   ("class:question", _wrapped(question, columns - 2))]
        labels = [(i, _wrapped(option, columns - MARGIN - 1, MARK)) for i, option in enumerate(options)]
        style = Style.from_dict({"heading": "ansibrightblack", "question": "bold", "selected-option": "bold"})
        return ChoiceInput(message=message, options=labels, style=style, key_bindings=keys).prompt()
