"""Turning the paths a user gives into the answer files to evaluate, in order.

A file is taken as given; a folder is searched recursively for answer files
(hidden folders and files, such as .git or .github, are skipped); anything else
is a glob pattern (``**`` crosses folders). What a folder or a pattern finds is
read only if it is a regular file (a FIFO called a.yaml would block the batch for
ever): anything else becomes an invalid row; a path named outright is read
whatever it is (``<(generate-answers)``). Each file is evaluated once, where it
first appears. A path that matches nothing is an error, reported with the others
before anything is evaluated.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from ..errors import InputError, Problem

ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
_GLOB_CHARS = frozenset("*?[")


@dataclass
class Found:
    files: list[str] = field(default_factory=list)  # in order, each once
    named: set[str] = field(default_factory=set)  # the files the user gave by name (read whatever they are)


def _folder(path: str) -> Iterator[str]:
    for root, folders, files in os.walk(path):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if name.endswith(ANSWER_SUFFIXES) and not name.startswith("."):
                yield os.path.join(root, name)


def _matches(pattern: str) -> Iterator[str]:
    for match in sorted(glob.glob(pattern, recursive=True)):
        if os.path.isdir(match):
            yield from _folder(match)
        elif os.path.exists(match):
            yield match


def _one(path: str, found: Found) -> tuple[list[str], Problem | None]:
    if os.path.isdir(path):
        files = list(_folder(path))
        return files, None if files else Problem(
            f"holds no answer file ({', '.join('*' + s for s in ANSWER_SUFFIXES)})", file=path)
    if os.path.exists(path):  # named outright: read, even a pipe such as <(generate-answers)
        found.named.add(path)
        return [path], None
    if _GLOB_CHARS & set(path):
        files = list(_matches(path))
        return files, None if files else Problem("matches no file", file=path)
    return [], Problem("no such file or folder", file=path)


def find_answer_files(paths: Sequence[str] | Iterable[str]) -> Found:
    """The answer files named by ``paths``, in order, each once; InputError if any path matches nothing."""
    found = Found()
    seen: set[str] = set()
    problems: list[Problem] = []
    for path in paths:
        files, problem = _one(path, found)
        if problem:
            problems.append(problem)
        for file in files:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                found.files.append(file)
    if problems:
        raise InputError(problems)
    return found


def answer_files(paths: Sequence[str] | Iterable[str]) -> list[str]:
    return find_answer_files(paths).files
