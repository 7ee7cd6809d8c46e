"""`review --fix` and `review --diff`: the suggestions written back into the reviewed files.

advisor/review/fix.py turns a file's text into its fixed text; this module decides
which files may be written and writes them. A file is written only when its new
text has been checked to read back as the suggested objects, atomically (a reader
sees the old file or the new one), and only if it still holds what was reviewed.

Symbolic links: a reviewed file that is a link (or lies under one) is written
through to its target when that target lies inside the tree that was given (the
folder argument, or the folder of a file argument), and refused when it points
outside: a fix never silently changes a file elsewhere. Two inputs that are one
file are fixed once.
"""

from __future__ import annotations

import os
from dataclasses import field

from advisor.system.errors import InputError, Problem
from advisor.system.records import record


@record
class FixOutcome:
    texts: list[tuple[str, str]]  # every reviewed (name, text), the fixed ones with their new text
    fixed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (file, finding ids fixed)
    todo: list[Problem] = field(default_factory=list)  # what to do besides, for the objects fixed
    notes: list[Problem] = field(default_factory=list)  # objects that could not be fixed in place
    errors: list[Problem] = field(default_factory=list)  # files that could not be written (exit 2)
    defects: list[Problem] = field(default_factory=list)  # fixes that would not read back (exit 3)


def fix_files(env, report, texts: list[tuple[str, str]], roots: list[str], write: bool,
              show_diff: bool) -> FixOutcome:
    """Fix every file of ``report`` that has suggestions; write them when ``write``, print their
    diffs to standard output when ``show_diff``. (A suggestion that would write an object the input
    has already is not made: advisor.review.suggest says why in the report's notes.)"""
    from advisor.review.fix import BY_HAND, FixError, diff, edits_by_file, fix_text

    by_name = dict(texts)
    new_texts = dict(texts)
    outcome = FixOutcome(texts=[])
    done: dict[str, tuple[str, str]] = {}  # real path -> the name it was fixed under, and its new text
    for review in report.objects:
        if review.replacement is not None and review.ref.document is None:
            outcome.notes.append(Problem(f"{review.ref.label}: not fixed: it was not read from this file as "
                                         f"written (a chart's template or a kustomization's resource, as its tool "
                                         f"renders it, or a document of a file whose other documents are broken)",
                                         file=review.ref.file, line=review.ref.line, hint=BY_HAND))
    for name, edits in edits_by_file(report.objects).items():
        old = by_name[name]
        target = _target(name, roots)
        if isinstance(target, Problem):
            outcome.errors.append(target)
            continue
        if target in done:
            first, text = done[target]
            outcome.notes.append(Problem(f"is {first} (a symbolic link to one file); fixed once", file=name))
            new_texts[name] = text
            continue
        try:
            fixed = fix_text(old, name, edits)
        except FixError as exc:
            outcome.defects.append(exc.problem)
            continue
        outcome.notes += fixed.skipped
        if not fixed.applied or fixed.text == old:
            continue
        if write:
            problem = _write(target, name, old, fixed.text)
            if problem:
                outcome.errors.append(problem)
                continue
        done[target] = (name, fixed.text)
        new_texts[name] = fixed.text
        outcome.fixed.append((name, tuple(dict.fromkeys(fid for edit in fixed.applied for fid in edit.fixes))))
        outcome.todo += [Problem(f"{edit.label}: {note}", file=name, line=edit.line)
                         for edit in fixed.applied for note in edit.notes]
        if show_diff:
            env.stdout.write(diff(old, fixed.text, name))
    outcome.texts = list(new_texts.items())
    return outcome


def refuse_stdin(paths: list[str]) -> None:
    if "-" in paths:
        raise InputError(Problem("--fix and --diff rewrite files; standard input cannot be fixed",
                                 hint="save it to a file and review that file with --fix"))


def _root_of(name: str, roots: list[str]) -> str:
    """The tree ``name`` was found in: its folder argument, else the folder of the file argument."""
    for root in roots:
        if root != "-" and os.path.isdir(root) and name.startswith(os.path.join(root, "")):
            return root
    return os.path.dirname(name) or "."


def _target(name: str, roots: list[str]) -> str | Problem:
    """The real file to write for ``name``, or why it is not written."""
    real = os.path.realpath(name)
    if real == os.path.abspath(name):
        return real
    root = _root_of(name, roots)
    tree = os.path.realpath(root)
    if os.path.commonpath([real, tree]) != tree:
        return Problem(f"is a symbolic link to {real}, outside {root}; not fixed",
                       file=name, hint=f"fix the file itself: pod-advisor review {real} --fix")
    return real


def _write(target: str, name: str, old: str, new: str) -> Problem | None:
    """Replace ``target`` by ``new`` if it still holds ``old``, in the encoding it was read in (UTF-8 or
    UTF-16, with its byte order mark if it had one), so that what was not fixed stays byte for byte;
    the Problem when it cannot. A FIFO or a device is never opened again: it has no file to replace,
    and opening a FIFO to look at it would wait for a writer for ever."""
    import stat

    from advisor.system.fileio import write_atomic
    from advisor.system.yamlsource import file_type, read_text

    try:
        before = os.stat(target)
        if not stat.S_ISREG(before.st_mode):
            return Problem(f"is {file_type(before.st_mode)}, not a file; not fixed", file=name,
                           hint="save what it gives to a file, and fix that file")
        with open(os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            encoding, bom = _encoding(handle.read(4))
    except OSError as exc:
        return Problem(f"cannot read it again: {exc.strerror}; not fixed", file=name)
    if not before.st_mode & 0o222 or not os.access(target, os.W_OK):
        return Problem("is read-only; not fixed", file=name, hint="make it writable, or fix it by hand")
    if not os.access(os.path.dirname(target), os.W_OK | os.X_OK):
        return Problem("is in a folder that cannot be written (the new file replaces it there); not fixed",
                       file=name)
    try:
        if read_text(target, max_bytes=_bound(old), regular_only=True) != old:
            return Problem("changed while it was reviewed; not fixed", file=name, hint="review it again")
        write_atomic(target, bom + new, force=True, encoding=encoding)
    except InputError as exc:
        return Problem(f"{exc.problems[0].message}; not fixed", file=name)
    try:
        if read_text(target, max_bytes=_bound(new), regular_only=True) != new:
            return Problem("reads back differently after writing (was it changed meanwhile?)", file=name)
    except InputError as exc:
        return Problem(f"cannot be read back after writing: {exc.problems[0].message}", file=name)
    return None


def _encoding(head: bytes) -> tuple[str, str]:
    """(codec, byte order mark to write first) of a file that begins with ``head``: the encodings
    yamlsource.decode reads (UTF-32 never gets this far)."""
    import codecs

    for mark, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                        (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(mark):
            return codec, "\ufeff"
    return "utf-8", ""


def _bound(text: str) -> int:
    """A read limit that holds ``text`` in any encoding it may be in (UTF-16 takes up to four bytes
    a character)."""
    return max(len(text) * 4 + 4, 1 << 20)
