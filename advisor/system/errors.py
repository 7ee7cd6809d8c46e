"""Errors a user can cause, and how they are worded.

Everything a user can get wrong (a file, a key, a value, an argument) ends up as
an ``InputError`` holding one or more ``Problem``s. The CLI prints them and exits
with status 2; nothing below the CLI prints or exits.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from advisor.system.failure import Internal, Invalid
from advisor.system.records import record

Path = tuple  # a key path: ("containers", 1, "purpose")


def format_path(path: Sequence) -> str:
    """``("containers", 1, "purpose")`` -> ``containers[1].purpose``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            part = shown(part, quote=False)
            text += f".{part}" if text else part
    return text


SHOWN = 60  # characters of a user's value an error repeats: enough to recognise it


def shown(value: Any, limit: int = SHOWN, quote: bool = True) -> str:
    """``value`` as an error repeats it: quoted (``repr``) and cut to about ``limit``
    characters, so that a 200 KB value does not come back whole."""
    text = repr(value) if quote else str(value)
    if len(text) <= limit:
        return text
    closing = text[-1] if quote and text[-1] in "'\"" else ""
    return f"{text[:limit - 1]}…{closing} ({len(str(value)):,} characters)"


def kind_of(value: Any) -> str:
    """What a YAML value is, in words: "a number", "text", "a list"."""
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping", type(None): "nothing", bytes: "binary data"}.get(
        type(value), "a date" if hasattr(value, "isoformat") else type(value).__name__)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    word = str(word)
    if len(word) > 100:  # nothing we know is that long, and difflib is slow on long words
        return None
    import difflib  # here: only a mistake needs it, and every run imports this module

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str], otherwise: str | None = None) -> str | None:
    """The hint for ``word`` that is none of ``candidates``: the closest of them, else ``otherwise``."""
    near = closest(word, candidates)
    return f"did you mean {near!r}?" if near else otherwise


@record(frozen=True)
class Problem:
    """One thing wrong with an input: what, in which file, at which key path and line, and a hint."""

    message: str
    file: str | None = None
    path: tuple = ()
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        # A problem with no file (an argument, an option) is not "<input>": it names itself.
        text = ""
        if self.file:
            text = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        if self.path:
            text += f"{format_path(self.path)}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text.replace("\n", "\\n")  # one line, whatever a file name or a value holds


class InputError(Invalid):
    """Invalid input: a file, a value or an argument the user gave; one line per problem."""

    def __init__(self, problems: Problem | Sequence[Problem]):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class KnowledgeBaseError(Internal):
    """The shipped knowledge base is inconsistent: a defect of ours, not the user's."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("knowledge base is invalid:\n" + "\n".join(f"  {p}" for p in self.problems))
