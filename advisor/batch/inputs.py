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
from typing import Iterable, Iterator, Sequence

from advisor.system.errors import InputError, Problem

ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
_GLOB_CHARS = frozenset("*?[")


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


def _one(path: str) -> tuple[list[str], Problem | None]:
    if os.path.isdir(path):
        found = list(_folder(path))
        return found, None if found else Problem(
            f"holds no answer file ({', '.join('*' + s for s in ANSWER_SUFFIXES)})", file=path)
    if os.path.exists(path):  # named outright: read, even a pipe such as <(generate-answers)
        return [path], None
    if _GLOB_CHARS & set(path):
        found = list(_matches(path))
        return found, None if found else Problem("matches no file", file=path)
    return [], Problem("no such file or folder", file=path)


def answer_files(paths: Sequence[str] | Iterable[str]) -> list[str]:
    """The answer files named by ``paths``, in order, each once; InputError if any path matches nothing.
    A file that is itself one of ``paths`` was named outright, and is read whatever it is."""
    files: list[str] = []
    seen: set[str] = set()
    problems: list[Problem] = []
    for path in paths:
        found, problem = _one(path)
        if problem:
            problems.append(problem)
        for file in found:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                files.append(file)
    if problems:
        raise InputError(problems)
    return files
