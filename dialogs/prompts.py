"""Prompt primitives for the interactive screens: a text field, a yes/no and a choice list.

The wizard asks with them, and any other screen (a quiz, a review) may too. Each
primitive is one small prompt_toolkit Application that

- reads and writes through the ``Terminal`` it is given: tests pass
  ``create_pipe_input()`` and ``DummyOutput()``; a real run passes neither and gets
  the current prompt_toolkit app session (the process's terminal);
- shows ``help`` under the question on F1 or ``?`` and hides it on a second press
  (a text field can keep ``?`` as a character with ``question_mark_help=False``);
- returns a ``Back`` when the user presses Esc (if ``can_go_back``), so a flow can go
  to the previous question; its ``draft`` holds what was typed or highlighted;
- raises ``KeyboardInterrupt`` on Ctrl-C and ``EOFError`` on Ctrl-D, whatever was
  typed, leaving the terminal as it was;
- once answered, leaves one line on screen: the question and the answer.

Nothing here knows about Kubernetes: a text field takes a ``parse`` function that
returns the value or raises ``ValueError`` (an ``advisor.kb.questions.Invalid`` is one)
whose message is shown under the field, with its ``hint`` if it has one.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any, Callable, Sequence

_EIO = 5  # errno.EIO: what a closed terminal gives its reader and its writer


def _hung_up() -> BaseException:
    """The terminal was closed under a prompt: the hangup, whether or not SIGHUP came (``nohup``
    keeps it away); the CLI ends with 129, as for SIGHUP itself."""
    import signal

    from advisor.system.signals import Terminated

    return Terminated(getattr(signal, "SIGHUP", 1))


# The key legend, shared by every prompt so the screens say the same thing.
ACCEPT, BACK_KEY, HELP_KEY, HELP_F1, QUIT_KEY = "Enter accept", "Esc back", "? help", "F1 help", "Ctrl-C quit"

STYLE = {
    "question": "bold",
    "mark": "bold",
    "answer": "ansicyan",
    "back": "italic",
    "hint": "ansibrightblack",
    "help": "",
    "error": "ansired bold",
    "option": "",
    "option.selected": "reverse",
    "input": "",
}


@dataclass(frozen=True)
class Back:
    """What a prompt returns when the user pressed Esc to go back.

    ``draft`` is what the prompt held then (the text typed, the option highlighted),
    for the flow to offer again when the user comes back to the question.
    """

    draft: Any = None


@dataclass
class Terminal:
    """Where prompts read and write, and what the terminal can show.

    ``input``/``output`` are prompt_toolkit objects; None means the current app
    session's (the real terminal, or whatever a ``create_app_session`` set).
    """

    input: Any = None
    output: Any = None
    color: bool = True
    unicode: bool = True

    @classmethod
    def for_environment(cls, env, input=None, output=None) -> "Terminal":
        """Colour unless NO_COLOR is set or TERM is dumb; Unicode when stdout takes it."""
        return cls(input=input, output=output, color=env.color_allowed, unicode=env.unicode)

    def glyph(self, fancy: str, plain: str) -> str:
        return fancy if self.unicode else plain


def ask_text(terminal: Terminal, message: str, *, default: str = "", parse: Callable[[str], Any] | None = None,
             help: str | None = None, context: str = "", can_go_back: bool = True,
             question_mark_help: bool = True, empty_label: str = "(none)") -> Any:
    """Ask for a line of text, pre-filled with ``default`` (Enter keeps it).

    Returns ``parse(text)`` (the text itself without ``parse``), or a Back. A
    ``ValueError`` from ``parse`` is shown under the field and the text stays for
    the user to correct.
    """
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.document import Document
    from prompt_toolkit.layout import BufferControl, Window
    from prompt_toolkit.layout.processors import BeforeInput

    screen = _Screen(terminal, message, help, context, can_go_back, question_mark_help)
    buffer = Buffer(multiline=False, document=Document(default, len(default)))
    buffer.on_text_changed += lambda _: screen.clear_error()
    pointer = terminal.glyph("› ", "> ")
    body = Window(BufferControl(buffer, input_processors=[BeforeInput(pointer, style="class:mark")]),
                  height=1, style="class:input")

    def accept(event) -> None:
        text = buffer.text
        try:
            value = parse(text) if parse else text
        except ValueError as exc:
            screen.fail(exc)
            return
        screen.finish(event, value, text.strip() or empty_label)

    return screen.run(body, accept, draft=lambda: buffer.text)


def ask_yes_no(terminal: Terminal, message: str, *, default: bool = False, help: str | None = None,
               context: str = "", can_go_back: bool = True) -> Any:
    """Ask a yes/no question: y or n answers at once; Left/Right/Tab move; Enter takes the highlighted one.

    Returns True, False, or a Back.
    """
    from prompt_toolkit.layout import FormattedTextControl, Window

    screen = _Screen(terminal, message, help, context, can_go_back, True, hint="(Y/n)" if default else "(y/N)")
    state = {"value": bool(default)}
    pointer = terminal.glyph("› ", "> ")

    def fragments():
        out = [("class:mark", pointer)]
        for value, label in ((True, "Yes"), (False, "No")):
            shown = f"[{label}]" if state["value"] is value else f" {label} "
            out.append(("class:option.selected" if state["value"] is value else "class:option", shown))
            out.append(("", " "))
        return out

    body = Window(FormattedTextControl(fragments, focusable=True, show_cursor=False), height=1)

    def accept(event, value=None) -> None:
        value = state["value"] if value is None else value
        screen.finish(event, value, "Yes" if value else "No")

    def toggle(event) -> None:
        state["value"] = not state["value"]

    keys = {"y": lambda e: accept(e, True), "Y": lambda e: accept(e, True),
            "n": lambda e: accept(e, False), "N": lambda e: accept(e, False),
            "left": toggle, "right": toggle, "tab": toggle, "s-tab": toggle, "up": toggle, "down": toggle}
    return screen.run(body, accept, extra_keys=keys, draft=lambda: state["value"])


def ask_choice(terminal: Terminal, message: str, options: Sequence[tuple[Any, str]], *, default: Any = None,
               help: str | None = None, context: str = "", can_go_back: bool = True,
               numbers: bool | None = None, answer_label: Callable[[Any, str], str] | None = None) -> Any:
    """Ask to pick one of ``options`` (value, label): Up/Down move, Enter picks.

    The list starts on ``default`` (else the first option) and scrolls when it is
    taller than the terminal. With ``numbers`` (default: up to 9 options) each option
    is numbered and its digit moves to it. Returns the value, or a Back.
    """
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.layout import Dimension, FormattedTextControl, Window

    if not options:
        raise ValueError("ask_choice needs at least one option")
    values = [value for value, _ in options]
    state = {"index": values.index(default) if default in values else 0}
    numbers = len(options) <= 9 if numbers is None else numbers
    screen = _Screen(terminal, message, help, context, can_go_back, True)
    pointer = terminal.glyph("› ", "> ")

    def fragments():
        out = []
        for i, (_, label) in enumerate(options):
            selected = i == state["index"]
            if selected:
                out.append(("[SetCursorPosition]", ""))
            number = f"{i + 1}. " if numbers else ""
            out.append(("class:mark", pointer if selected else "  "))
            out.append(("class:option.selected" if selected else "class:option", f"{number}{label}"))
            out.append(("", "\n"))
        return out[:-1]

    def height() -> Dimension:
        rows = get_app().output.get_size().rows
        room = rows - screen.other_lines() - 1
        return Dimension(min=1, max=max(3, room), preferred=len(options))

    body = Window(FormattedTextControl(fragments, focusable=True, show_cursor=False), height=height,
                  dont_extend_height=True)

    def move(delta: int) -> Callable:
        def handler(event) -> None:
            state["index"] = max(0, min(len(options) - 1, state["index"] + delta))
        return handler

    def go(index: int) -> Callable:
        def handler(event) -> None:
            state["index"] = index if index >= 0 else len(options) - 1
        return handler

    def accept(event) -> None:
        value, label = options[state["index"]]
        screen.finish(event, value, answer_label(value, label) if answer_label else label)

    keys = {"up": move(-1), "down": move(1), "k": move(-1), "j": move(1), "pageup": move(-10),
            "pagedown": move(10), "home": go(0), "end": go(-1)}
    if numbers:
        keys.update({str(i + 1): go(i) for i in range(len(options))})
    return screen.run(body, accept, extra_keys=keys, draft=lambda: options[state["index"]][0])


class _Screen:
    """What every prompt shares: the question, the body, an error, the help, the key legend."""

    def __init__(self, terminal: Terminal, message: str, help: str | None, context: str, can_go_back: bool,
                 question_mark_help: bool, hint: str = ""):
        self.terminal = terminal
        self.message = message
        self.hint = hint  # after the message while the question is open, such as (y/N)
        self.help = help
        self.context = context
        self.can_go_back = can_go_back
        self.question_mark_help = question_mark_help
        self.show_help = False
        self.error: str | None = None
        self.outcome: tuple[str, str] | None = None  # (style, text) shown once answered

    # -- what the prompts call ------------------------------------------------

    def clear_error(self) -> None:
        self.error = None

    def fail(self, exc: ValueError) -> None:
        hint = getattr(exc, "hint", None)
        self.error = f"{self.terminal.glyph('✗', 'x')} {exc}" + (f" ({hint})" if hint else "")

    def finish(self, event, value: Any, shown: str) -> None:
        self.outcome = ("class:answer", shown)
        event.app.exit(result=value)

    def other_lines(self) -> int:
        """Lines on screen besides the body (for a body that must fit the terminal)."""
        width = self._width()
        lines = len(self._wrap(self._open_message(), width - 2)) + 1
        if self.error:
            lines += len(self._wrap(self.error, width))
        if self.show_help and self.help:
            lines += len(self._wrap(self.help, width - 2))
        return lines

    # -- the application ----------------------------------------------------

    def run(self, body, accept: Callable, extra_keys: dict | None = None, draft: Callable = lambda: None) -> Any:
        from prompt_toolkit.application import Application
        from prompt_toolkit.filters import Condition, is_done
        from prompt_toolkit.key_binding import KeyBindings
        from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, HSplit, Layout, Window
        from prompt_toolkit.output import ColorDepth
        from prompt_toolkit.styles import Style

        keys = KeyBindings()
        keys.add("enter", eager=True)(accept)
        for key, handler in (extra_keys or {}).items():
            keys.add(key)(handler)

        @keys.add("c-c", eager=True)
        @keys.add("<sigint>")
        def _interrupt(event) -> None:
            self.outcome = ("class:back", "^C")
            event.app.exit(exception=KeyboardInterrupt())

        @keys.add("c-d", eager=True)
        def _end(event) -> None:
            self.outcome = ("class:back", "^D")
            event.app.exit(exception=EOFError())

        @keys.add("c-z")
        def _suspend(event) -> None:  # as in a shell: the job stops, and `fg` brings the question back
            event.app.suspend_to_background()

        @keys.add("escape", eager=True)
        def _back(event) -> None:
            if self.can_go_back:
                self.outcome = ("class:back", self.terminal.glyph("← back", "<- back"))
                event.app.exit(result=Back(draft()))

        def toggle_help(event) -> None:
            self.show_help = not self.show_help

        keys.add("f1")(toggle_help)
        if self.question_mark_help:
            keys.add("?")(toggle_help)

        showing = Condition(lambda: self.show_help and bool(self.help))
        failing = Condition(lambda: bool(self.error))
        layout = HSplit([
            Window(FormattedTextControl(self._head), dont_extend_height=True),
            ConditionalContainer(body, filter=~is_done),
            ConditionalContainer(Window(FormattedTextControl(self._error), dont_extend_height=True),
                                 filter=failing & ~is_done),
            ConditionalContainer(Window(FormattedTextControl(self._help), dont_extend_height=True),
                                 filter=showing & ~is_done),
            ConditionalContainer(Window(FormattedTextControl(self._legend), height=1), filter=~is_done),
        ])
        app = Application(layout=Layout(layout, focused_element=body), key_bindings=keys,
                          style=Style.from_dict(STYLE), input=self.terminal.input, output=self.terminal.output,
                          color_depth=None if self.terminal.color else ColorDepth.MONOCHROME,
                          mouse_support=False, full_screen=False, erase_when_done=False)
        app.ttimeoutlen = 0.1  # how long a lone Esc waits for the rest of a key sequence
        try:
            return app.run()
        except EOFError:
            if self.outcome is None:  # no Ctrl-D was pressed: the input ended, the terminal is gone
                raise _hung_up() from None
            raise
        except OSError as exc:
            if exc.errno == _EIO:  # reading or writing a terminal that was closed
                raise _hung_up() from None
            raise

    # -- what it shows ------------------------------------------------------

    @staticmethod
    def _width() -> int:
        from prompt_toolkit.application.current import get_app

        return max(20, get_app().output.get_size().columns - 1)

    @staticmethod
    def _wrap(text: str, width: int) -> list[str]:
        lines = []
        for paragraph in text.split("\n"):
            lines += textwrap.wrap(paragraph, width=width, break_on_hyphens=False) or [""]
        return lines

    def _head(self):
        from prompt_toolkit.application.current import get_app

        mark = "? "
        text = self.message
        if get_app().is_done and self.outcome:
            style, answer = self.outcome
            lines = self._wrap(f"{text} {answer}", self._width() - len(mark))
            # The answer is the end of the last line; style it apart from the question.
            last = lines[-1]
            cut = max(0, len(last) - len(answer))
            head = [("class:mark", mark)] + [("class:question", line + "\n" + "  ") for line in lines[:-1]]
            return head + [("class:question", last[:cut]), (style, last[cut:])]
        lines = self._wrap(self._open_message(), self._width() - len(mark))
        return [("class:mark", mark), ("class:question", "\n  ".join(lines))]

    def _open_message(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message

    def _error(self):
        return self._indented(self.error or "", "class:error")

    def _help(self):
        return self._indented(self.help or "", "class:help")

    def _indented(self, text: str, style: str):
        return [(style, "\n".join("  " + line for line in self._wrap(text, self._width() - 2)))]

    def _legend(self):
        parts = [ACCEPT] + ([BACK_KEY] if self.can_go_back else [])
        if self.help:
            parts.append(HELP_KEY if self.question_mark_help else HELP_F1)
        parts.append(QUIT_KEY)
        dot = self.terminal.glyph(" · ", " | ")
        text = dot.join(parts)
        if self.context:
            text = f"[{self.context}]  " + text
        return [("class:hint", "  " + text)]
