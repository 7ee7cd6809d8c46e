"""Prompt primitives for the interactive screens: a text field, a yes/no and a choice list.

The wizard asks with them, and any other screen (a quiz, a review) may too. Each
primitive is one small prompt_toolkit Application that

- reads and writes through the ``Terminal`` it is given: tests pass
  ``create_pipe_input()`` and ``DummyOutput()``; a real run passes neither and gets
  the current prompt_toolkit app session (the process's terminal);
- shows ``help`` under the question on F1 or ``?`` and hides it on a second press
  (a text field can keep ``?`` as a character with ``question_mark_help=False``),
  wrapped on words and never inside a quoted example ("0 3 * * *");
- says under the question how to answer it (its keys, and the progress ``context``);
- returns a ``Back`` when the user presses Esc (if ``can_go_back``), so a flow can go
  to the previous question; its ``draft`` holds what was typed or highlighted. The
  prompt then leaves nothing on screen: the flow redraws it as it now is;
- raises ``KeyboardInterrupt`` on Ctrl-C and ``EOFError`` on Ctrl-D, whatever was
  typed, leaving the terminal as it was; Ctrl-Z suspends it as a shell job;
- once answered, leaves the question and the answer on screen (``answered_lines``,
  which a flow that redraws the screen uses too).

In a choice list a digit picks its option at once, as y and n answer a yes/no
(in a list of ten or more, when no further digit could make another number).

Nothing here knows about Kubernetes: a text field takes a ``parse`` function that
returns the value or raises ``ValueError`` (an ``advisor.kb.questions.Invalid`` is one)
whose message is shown under the field, with its ``hint`` if it has one.
"""

from __future__ import annotations

import os
import re
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
CLEAR_KEY, YES_NO_KEYS = "Ctrl-U clear", "y/n answer"
MARK = "? "  # before a question, open or answered

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
    "heading": "bold",
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

    def _output(self):
        from prompt_toolkit.application.current import get_app_session

        return self.output if self.output is not None else get_app_session().output

    def _input(self):
        from prompt_toolkit.application.current import get_app_session

        return self.input if self.input is not None else get_app_session().input

    def columns(self) -> int:
        return self._output().get_size().columns

    def clear(self) -> None:
        """Empty the screen and put the cursor at its top (nothing on an output that is no terminal)."""
        output = self._output()
        output.erase_screen()
        output.cursor_goto(0, 0)
        output.flush()

    def discard_typeahead(self) -> None:
        """Forget keys typed before the first question showed (while the program started):
        they were meant for the shell or for nothing, not for the answer's default text."""
        try:
            import termios

            fd = self._input().fileno()
            if os.isatty(fd):
                termios.tcflush(fd, termios.TCIFLUSH)
        except (ImportError, OSError, ValueError, NotImplementedError, AttributeError):
            pass  # no terminal (a pipe), or not POSIX: nothing was typed ahead there

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

    screen = _Screen(terminal, message, help, context, can_go_back, question_mark_help, how=[ACCEPT, CLEAR_KEY])
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

    screen = _Screen(terminal, message, help, context, can_go_back, True, hint="(Y/n)" if default else "(y/N)",
                     how=[YES_NO_KEYS, ACCEPT])
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


@dataclass(frozen=True)
class Heading:
    """A line of a choice list that names the options under it; not an option itself."""

    text: str


def ask_choice(terminal: Terminal, message: str, options: Sequence[tuple[Any, str] | Heading], *,
               default: Any = None, help: str | None = None, context: str = "", can_go_back: bool = True,
               answer_label: Callable[[Any, str], str] | None = None) -> Any:
    """Ask to pick one of ``options``: (value, label) pairs, with ``Heading`` lines between them.

    Every option is numbered, and typing its number picks it at once; in a list of ten
    or more, a digit that could start another number waits for the next one (or for
    Enter, which picks the option the digits reached). Up/Down move, Enter picks. The
    list starts on ``default`` (else the first option), wraps a long option on words
    under its first line, and scrolls when it is taller than the terminal. Returns the
    value, or a Back.
    """
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.layout import Dimension, FormattedTextControl, Window

    items = list(options)
    choices = [item for item in items if not isinstance(item, Heading)]
    if not choices:
        raise ValueError("ask_choice needs at least one option")
    values = [value for value, _ in choices]
    count = len(choices)
    state = {"index": values.index(default) if default in values else 0, "digits": ""}
    picks = f"1-{count} pick" if count > 1 else "1 picks"
    screen = _Screen(terminal, message, help, context, can_go_back, True,
                     how=[picks, terminal.glyph("\u2191\u2193 then Enter", "Up/Down then Enter")])
    pointer = terminal.glyph("\u203a ", "> ")
    digits = len(str(count))

    hang = 2 + digits + 2  # the pointer, the number and ". "

    def lines(label: str) -> list[str]:
        return _wrap(label, screen.width() - hang)

    def fragments():
        out = []
        number = 0
        for item in items:
            if isinstance(item, Heading):
                out += [("class:heading", f"  {item.text}"), ("", "\n")]
                continue
            selected = number == state["index"]
            if selected:
                out.append(("[SetCursorPosition]", ""))
            out.append(("class:mark", pointer if selected else "  "))
            look = "class:option.selected" if selected else "class:option"
            first, *rest = lines(item[1])
            out.append((look, f"{number + 1:>{digits}}. {first}"))
            for line in rest:
                out += [("", "\n" + " " * hang), (look, line)]
            out.append(("", "\n"))
            number += 1
        return out[:-1]

    def height() -> Dimension:
        rows = get_app().output.get_size().rows
        room = rows - screen.other_lines() - 1
        tall = sum(1 if isinstance(item, Heading) else len(lines(item[1])) for item in items)
        return Dimension(min=1, max=max(3, room), preferred=tall)

    body = Window(FormattedTextControl(fragments, focusable=True, show_cursor=False), height=height,
                  dont_extend_height=True)

    def move(delta: int) -> Callable:
        def handler(event) -> None:
            state["digits"] = ""
            state["index"] = max(0, min(count - 1, state["index"] + delta))
        return handler

    def go(index: int) -> Callable:
        def handler(event) -> None:
            state["digits"] = ""
            state["index"] = index if index >= 0 else count - 1
        return handler

    def accept(event) -> None:
        value, label = choices[state["index"]]
        screen.finish(event, value, answer_label(value, label) if answer_label else label)

    def digit(typed: str) -> Callable:
        def handler(event) -> None:
            number = int(state["digits"] + typed)
            if not 1 <= number <= count:
                return  # no such option: the digits typed so far stand
            state["digits"] = str(number)
            state["index"] = number - 1
            if number * 10 > count:  # no further digit makes another option's number
                state["digits"] = ""
                accept(event)
        return handler

    keys = {"up": move(-1), "down": move(1), "k": move(-1), "j": move(1), "pageup": move(-10),
            "pagedown": move(10), "home": go(0), "end": go(-1)}
    keys.update({str(d): digit(str(d)) for d in range(10)})
    return screen.run(body, accept, extra_keys=keys, draft=lambda: choices[state["index"]][0])


def answered_lines(message: str, answer: str, width: int) -> list[str]:
    """How an answered question shows: "? the question the answer", wrapped on words to
    ``width`` columns, the lines after the first indented under the question."""
    lines = _wrap(f"{message} {answer}", max(20, width) - len(MARK))
    return [MARK + lines[0]] + ["  " + line for line in lines[1:]]


# Quoted examples ("0 3 * * *", `kubectl apply`) are never split between lines.
_KEEP_WHOLE = re.compile(r'"[^"\n]{1,40}"|`[^`\n]{1,40}`')
_NBSP = "\u00a0"  # textwrap breaks only at ASCII white space


def _wrap(text: str, width: int) -> list[str]:
    lines = []
    for paragraph in text.split("\n"):
        kept = _KEEP_WHOLE.sub(lambda m: m.group(0).replace(" ", _NBSP), paragraph.replace(_NBSP, " "))
        wrapped = textwrap.wrap(kept, width=width, break_on_hyphens=False) or [""]
        lines += [line.replace(_NBSP, " ") for line in wrapped]
    return lines


class _Screen:
    """What every prompt shares: the question, the body, an error, the help, the key legend."""

    def __init__(self, terminal: Terminal, message: str, help: str | None, context: str, can_go_back: bool,
                 question_mark_help: bool, hint: str = "", how: Sequence[str] = (ACCEPT,)):
        self.terminal = terminal
        self.how = list(how)  # the legend's first words: how to answer this kind of prompt
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
        lines = len(_wrap(self._open_message(), width - 2)) + 1
        if self.error:
            lines += len(_wrap(self.error, width))
        if self.show_help and self.help:
            lines += len(_wrap(self.help, width - 2))
        return lines + len(self._legend_lines()) - 1

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
                event.app.erase_when_done = True  # the flow shows the screen as it is after going back
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
            ConditionalContainer(Window(FormattedTextControl(self._legend), dont_extend_height=True),
                                 filter=~is_done),
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

    def width(self) -> int:
        return self._width()

    @staticmethod
    def _width() -> int:
        from prompt_toolkit.application.current import get_app

        return max(20, get_app().output.get_size().columns - 1)

    def _head(self):
        from prompt_toolkit.application.current import get_app

        if get_app().is_done and self.outcome:
            style, answer = self.outcome
            lines = answered_lines(self.message, answer, self._width())
            # The answer is the end of the last line; style it apart from the question.
            body = "\n".join(lines)[len(MARK):]
            tail = min(len(answer), len(lines[-1]) - 2)
            return [("class:mark", MARK), ("class:question", body[:len(body) - tail]), (style, body[len(body) - tail:])]
        lines = _wrap(self._open_message(), self._width() - len(MARK))
        return [("class:mark", MARK), ("class:question", "\n  ".join(lines))]

    def _open_message(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message

    def _error(self):
        return self._indented(self.error or "", "class:error")

    def _help(self):
        return self._indented(self.help or "", "class:help")

    def _indented(self, text: str, style: str):
        return [(style, "\n".join("  " + line for line in _wrap(text, self._width() - 2)))]

    def _legend(self):
        return [("class:hint", "\n".join(self._legend_lines()))]

    def _legend_lines(self) -> list[str]:
        """The keys, on as many lines as the terminal's width needs, never one key cut in two."""
        parts = self.how + ([BACK_KEY] if self.can_go_back else [])
        if self.help:
            parts.append(HELP_KEY if self.question_mark_help else HELP_F1)
        parts.append(QUIT_KEY)
        if self.context:
            parts[0] = f"[{self.context}]  {parts[0]}"
        dot = self.terminal.glyph(" · ", " | ")
        lines = ["  " + parts[0]]
        for part in parts[1:]:
            if len(lines[-1]) + len(dot) + len(part) <= self._width():
                lines[-1] += dot + part
            else:
                lines.append("  " + part)
        return lines
