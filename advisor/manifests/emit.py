"""Block-style YAML with comments where a reader would ask why.

PyYAML writes no comments, so this lays out the small subset of YAML that
Kubernetes objects need (mappings, lists, scalars) and leaves each scalar to
PyYAML's emitter, which quotes a string whenever a reader would take its plain
form for something else. Its resolver also knows what YAML 1.2 and kubectl's Go
decoder read as numbers (``0o17``, ``1e5``, ``+Inf``), so those are quoted too.
Only ASCII is written: anything else is a double-quoted escape. Comments are
keyed by the path of the field they explain: ``()`` for the object,
``("spec", "replicas")``, or a list item (``(..., "containers", 0)``).

A Helm chart's templates are written the same way, with three kinds of placeholder
(``advisor/manifests/helm.py`` makes them): ``Template`` for a value written as a
template expression, ``TemplateBlock`` for a mapping a template writes itself, and a
``When`` key, whose entries are written inside ``{{- if ... }}``; and ``Splice``, where a
value's own entries are added to a mapping or a list of the design.
"""

from __future__ import annotations

import functools
import re
import textwrap

import yaml

from advisor.system.text import visible
from advisor.system.yamlsource import SAFE_LOADER

WIDTH = 100
_ONE_LINE = 1 << 30  # the emitter's line width: a scalar is never folded onto a second line


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """The safe dumper, whose idea of "this plain text would read as a number" also covers
    Go's strconv (kubectl) and YAML 1.2."""


# Go's ParseInt(s, 0, 64) and ParseFloat, which kubectl's YAML decoder (go-yaml v2, through
# sigs.k8s.io/yaml) tries on every plain scalar starting with a sign, a dot or a digit, and its
# one-letter booleans; broader than they are is fine (a harmless quote).
_Dumper.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(
    r"[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$"), list("-+0123456789"))
_Dumper.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
    r"[-+]?(?:(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eEpP][-+]?[0-9_]+)?|0[xX][0-9a-fA-F_.]*[pP][-+]?[0-9_]+"
    r"|(?i:inf|infinity|nan))$"), list("-+.0123456789"))
_Dumper.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"[yYnN]$"), list("yYnN"))


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


class Splice:
    """What a Helm value adds to a mapping or a list of the design: as a mapping key (its value is
    not read) or as a list item, it writes ``toYaml`` of the value's entries there, when it has any."""

    def __init__(self, expression: str):
        self.expression = expression

    def lines(self, indent: int) -> list[str]:
        pad = " " * indent
        return [f"{pad}{{{{- with {self.expression} }}}}", f"{pad}{{{{- toYaml . | nindent {indent} }}}}",
                f"{pad}{{{{- end }}}}"]


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


def _dump(value) -> str:
    """``value`` in flow style on one line; a string with a line break double-quoted, its breaks escaped."""
    for style in (None, '"'):
        text = yaml.dump(value, Dumper=_Dumper, default_style=style, default_flow_style=True, allow_unicode=False,
                         width=_ONE_LINE).removesuffix("\n...\n").removesuffix("\n")
        if "\n" not in text:
            break
    return text


@functools.lru_cache(maxsize=4096, typed=True)  # typed: True and 1 are equal keys otherwise
def _emitted(value) -> str:
    return _dump(value)


def scalar(value) -> str:
    """One scalar as it is written in block context: plain when it reads back as itself, else quoted
    (a Template as it is)."""
    if isinstance(value, Template):
        return str(value)
    return _emitted(value)


def flow(items: list) -> str:
    """A list of scalars on one line, ``[a, "b, c"]``: each quoted by the rules of flow context."""
    return "[" + ", ".join(str(v) if isinstance(v, Template) else _flow_item(v) for v in items) + "]"


@functools.lru_cache(maxsize=4096, typed=True)
def _flow_item(value) -> str:
    return _dump([value])[1:-1]  # the item, without the brackets of its one-item list


def _comment_lines(comments, indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for comment in comments:
        # A comment is free text from the answers (names, images, the file's name): it must not end
        # the comment early (a line separator) or hold what YAML refuses (a control character).
        for line in textwrap.wrap(visible(comment), width=max(40, WIDTH - indent - 2), break_long_words=False,
                                  break_on_hyphens=False):
            lines.append(f"{pad}# {line}")
    return lines


def _is_scalar_list(value) -> bool:
    return isinstance(value, list) and not isinstance(value, BlockList) and \
        all(not isinstance(v, (dict, list, Splice)) for v in value)


def _mapping(mapping: dict, path: tuple, indent: int, comments: dict, lines: list[str],
             first_prefix: str | None = None) -> None:
    """Write a mapping's keys at ``indent``; the first one after ``first_prefix`` ("- ") if given."""
    for i, (key, value) in enumerate(mapping.items()):
        if isinstance(key, Splice):
            if i == 0 and first_prefix is not None:
                raise TypeError("a list item cannot open with a spliced value")
            lines += key.lines(indent)
            continue
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
            lines.append(f"{head} {flow(value) if isinstance(value, list) else '{}'}")
        else:
            lines.append(f"{head} {scalar(value)}")


def _sequence(items: list, path: tuple, indent: int, comments: dict, lines: list[str]) -> None:
    for i, item in enumerate(items):
        here = path + (i,)
        notes = list(comments.get(here, ()))
        if isinstance(item, Splice):
            lines += item.lines(indent)
            continue
        if isinstance(item, dict) and item:
            notes += comments.get(here + (next(iter(item)),), ())
            lines += _comment_lines(notes, indent)
            _mapping(item, here, indent + 2, comments, lines, first_prefix="- ")
        elif isinstance(item, list) and item:
            raise TypeError("a list directly inside a list is not written; Kubernetes objects have none")
        else:
            lines += _comment_lines(notes, indent)
            lines.append(f"{' ' * indent}- {'{}' if item == {} else '[]' if item == [] else scalar(item)}")
