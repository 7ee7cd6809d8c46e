"""Errors a user can cause, and how they are worded.

Everything a user can get wrong (a file, a key, a value, an argument) ends up as
an ``InputError`` holding one or more ``Problem``s. The CLI prints them and exits
with status 2; nothing below the CLI prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

Path = tuple  # a key path: ("containers", 1, "purpose")


def format_path(path: Sequence) -> str:
    """``("containers", 1, "purpose")`` -> ``containers[1].purpose``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def closest(word: str, candidates: Iterable[str]) -> str | None:
    import difflib  # here: only a mistake needs it, and every run imports this module

    matches = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str], otherwise: str | None = None) -> str | None:
    """The hint for ``word`` that is none of ``candidates``: the closest of them, else ``otherwise``."""
    near = closest(word, candidates)
    return f"did you mean {near!r}?" if near else otherwise


@dataclass(frozen=True)
class Problem:
    message: str
    file: str | None = None
    path: tuple = ()
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: "
        if self.path:
            text += f"{format_path(self.path)}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(Exception):
    """Invalid input: a file, a value or an argument the user gave."""

    def __init__(self, problems: Problem | Sequence[Problem]):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class KnowledgeBaseError(Exception):
    """The shipped knowledge base is inconsistent: a defect of ours, not the user's."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("knowledge base is invalid:\n" + "\n".join(f"  {p}" for p in self.problems))
