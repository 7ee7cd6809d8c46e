"""Block-style YAML with comments where a reader would ask why.

PyYAML writes no comments, so this writes the small subset of YAML that
Kubernetes objects need: mappings, lists, and scalars (strings quoted only when a
plain scalar would read back as something else). Comments are keyed by the path
of the field they explain: ``()`` for the object, ``("spec", "replicas")``, or a
list item (``(..., "containers", 0)``).

A Helm chart's templates are written the same way, with three kinds of placeholder
(``advisor/manifests/helm.py`` makes them): ``Template`` for a value written as a
template expression, ``TemplateBlock`` for a mapping a template writes itself, and a
``When`` key, whose entries are written inside ``{{- if ... }}``.
"""

from __future__ import annotations

import functools
import json
import re
import textwrap

import yaml

from ..yamlsource import SAFE_LOADER

WIDTH = 100
_PLAIN = re.compile(r"^[A-Za-z0-9_./-][A-Za-z0-9_./:@-]*$")
# Plain scalars PyYAML reads as strings that kubectl and the API server read as something else:
# they parse YAML 1.1 as go-yaml v2 does (sigs.k8s.io/yaml), where y and n are booleans, 1e3 and
# 1.5e3 floats (PyYAML wants a dot and a signed exponent) and 0o17 an integer.
_NOT_A_STRING_IN_GO = re.compile(r"^(?:[yYnN]|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                                 r"|[-+]?0o[0-7_]+)$")


class Template(str):
    """A value written as it is: a Helm template expression (``{{ ... }}``) where a scalar goes."""


class TemplateBlock:
    """A mapping or list a Helm expression writes (``toYaml``, ``include``), indented to where it goes."""

    def __init__(self, expression: str):
        self.expression = expression

    def at(self, indent: int) -> str:
        return f"{{{{- {self.expression} | nindent {indent} }}}}"


class When:
    """A mapping key whose entries are written only when a Helm condition holds, else ``otherwise``'s.

    Comments are written with the entries of the condition, not with ``otherwise``'s.
    """

    def __init__(self, condition: str, otherwise: dict | None = None):
        self.condition = condition
        self.otherwise = otherwise or {}


class BlockList(list):
    """A list of scalars written one item a line (a file list), where others go on one line ([ALL])."""


def emit_stream(documents, header: list[str] = ()) -> str:
    """``documents``: (object, {path: [comment, ...]}) pairs. Each document starts with ``---``."""
    lines = _comment_lines(header, 0)
    for obj, comments in documents:
        lines.append("---")
        lines += _comment_lines(comments.get((), ()), 0)
        _mapping(obj, (), 0, comments, lines)
    return "\n".join(lines) + "\n"


def read_stream(text: str) -> list:
    return [doc for doc in yaml.load_all(text, Loader=SAFE_LOADER) if doc is not None]


def scalar(value) -> str:
    if isinstance(value, Template):
        return str(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    return _string(str(value))


@functools.lru_cache(maxsize=4096)
def _string(text: str) -> str:
    if _PLAIN.match(text) and not _NOT_A_STRING_IN_GO.match(text) and yaml.load(text, Loader=SAFE_LOADER) == text:
        return text
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def _comment_lines(comments, indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for comment in comments:
        for line in textwrap.wrap(comment, width=max(40, WIDTH - indent - 2), break_long_words=False,
                                  break_on_hyphens=False):
            lines.append(f"{pad}# {line}")
    return lines


def _is_scalar_list(value) -> bool:
    return isinstance(value, list) and not isinstance(value, BlockList) and \
        all(not isinstance(v, (dict, list)) for v in value)


def _mapping(mapping: dict, path: tuple, indent: int, comments: dict, lines: list[str],
             first_prefix: str | None = None) -> None:
    """Write a mapping's keys at ``indent``; the first one after ``first_prefix`` ("- ") if given."""
    for i, (key, value) in enumerate(mapping.items()):
        if isinstance(key, When):
            if i == 0 and first_prefix is not None:
                raise TypeError("a list item cannot open with a conditional key")
            pad = " " * indent
            lines.append(f"{pad}{{{{- if {key.condition} }}}}")
            _mapping(value, path, indent, comments, lines)
            if key.otherwise:
                lines.append(f"{pad}{{{{- else }}}}")
                _mapping(key.otherwise, path, indent, {}, lines)
            lines.append(f"{pad}{{{{- end }}}}")
            continue
        here = path + (key,)
        if i == 0 and first_prefix is not None:
            start = " " * (indent - len(first_prefix)) + first_prefix
        else:
            lines += _comment_lines(comments.get(here, ()), indent)
            start = " " * indent
        head = f"{start}{scalar(key)}:"
        if isinstance(value, TemplateBlock):
            lines.append(f"{head} {value.at(indent + 2)}")
        elif isinstance(value, dict) and value:
            lines.append(head)
            _mapping(value, here, indent + 2, comments, lines)
        elif isinstance(value, list) and value and not _is_scalar_list(value):
            lines.append(head)
            _sequence(value, here, indent + 2, comments, lines)
        elif isinstance(value, (dict, list)):
            flow = ", ".join(scalar(v) for v in value) if isinstance(value, list) else ""
            lines.append(f"{head} {'[' + flow + ']' if isinstance(value, list) else '{}'}")
        else:
            lines.append(f"{head} {scalar(value)}")


def _sequence(items: list, path: tuple, indent: int, comments: dict, lines: list[str]) -> None:
    for i, item in enumerate(items):
        here = path + (i,)
        notes = list(comments.get(here, ()))
        if isinstance(item, dict) and item:
            notes += comments.get(here + (next(iter(item)),), ())
            lines += _comment_lines(notes, indent)
            _mapping(item, here, indent + 2, comments, lines, first_prefix="- ")
        elif isinstance(item, list) and item:
            raise TypeError("a list directly inside a list is not written; Kubernetes objects have none")
        else:
            lines += _comment_lines(notes, indent)
            lines.append(f"{' ' * indent}- {'{}' if item == {} else '[]' if item == [] else scalar(item)}")
