"""Safe YAML with positions: what the answer loader and the reviewer read.

PyYAML's ``safe_load`` forgets where each value came from and silently keeps the
last of two duplicate keys. We compose the node graph ourselves (safe tags only),
remember the line of every key path, refuse duplicate keys, and bound the work
that aliases can cause ("billion laughs").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .errors import InputError, Problem

MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000  # values visited while expanding one document, aliases included
_STANDARD_TAG = "tag:yaml.org,2002:"
_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_VALUE_TAG = "tag:yaml.org,2002:value"  # PyYAML resolves a plain "=" to it and has no constructor
# libyaml's parser when present: the same nodes and marks, several times faster. Everything
# pod-advisor parses goes through it (the knowledge base is parsed at every start).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """One YAML document: its plain Python data and where each part came from."""

    data: Any
    source: str
    lines: dict = field(default_factory=dict)  # path tuple -> 1-based line
    raw: dict = field(default_factory=dict)  # path tuple -> scalar text as written
    index: int = 0  # the document's position in its file's stream, from 0 (empty documents count)

    def line(self, path: tuple) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def problem(self, path: tuple, message: str, hint: str | None = None) -> Problem:
        return Problem(message, file=self.source, path=tuple(path), line=self.line(path), hint=hint)


def read_text(path: str, max_bytes: int = MAX_BYTES) -> str:
    """Read a user's file, turning every way it can fail into an InputError."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(Problem("no such file", file=path)) from None
    except IsADirectoryError:
        raise InputError(Problem("is a folder, not a file", file=path)) from None
    except OSError as exc:
        raise InputError(Problem(f"cannot read: {exc.strerror}", file=path)) from None
    if len(data) > max_bytes:
        raise InputError(Problem(f"larger than {max_bytes // 1024} KiB; refusing to read it", file=path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(f"not UTF-8 text (byte {exc.start})", file=path)) from None


class _Converter:
    def __init__(self, doc: Document, max_nodes: int):
        self.doc = doc
        self.budget = max_nodes
        self.constructor = SafeConstructor()

    def convert(self, node: yaml.Node, path: tuple) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise InputError(
                self.doc.problem(path, "the document expands past a sane size (aliases or anchors nest too deep)")
            )
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if not node.tag.startswith(_STANDARD_TAG) or (
                not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS):
            raise InputError(
                self.doc.problem(path, f"the tag {node.tag} is not allowed; only plain YAML values are read"))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        self.doc.raw[path] = node.value
        if node.tag == _VALUE_TAG:
            return node.value  # YAML 1.1's "=" ; kubectl (YAML 1.2 rules) reads it as the string "="
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise InputError(
                self.doc.problem(path, f"the tag {node.tag} is not allowed; only plain YAML values are read")
            ) from None

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        self.constructor.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(self.doc.problem(path, "a key must be a plain value, not a list or mapping"))
            key = self.constructor.construct_object(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise InputError(self.doc.problem(path, f"unsupported key {key_node.value!r}"))
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                raise InputError(
                    Problem(
                        f"the key {key!r} appears twice",
                        file=self.doc.source,
                        path=path + (key,),
                        line=key_node.start_mark.line + 1,
                    )
                )
            self.doc.lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = self.convert(value_node, path + (key,))
        return result


def parse_documents(text: str, source: str, max_nodes: int = MAX_NODES) -> list[Document]:
    """Every document in ``text`` (empty ones skipped), converted safely."""
    documents = []
    try:
        for index, node in enumerate(yaml.compose_all(text, Loader=SAFE_LOADER)):
            if node is None:
                continue
            doc = Document(data=None, source=source, index=index)
            doc.data = _Converter(doc, max_nodes).convert(node, ())
            documents.append(doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(Problem(f"not valid YAML: {exc.problem or exc.context}", file=source, line=line)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"not valid YAML: {exc}", file=source)) from None
    except RecursionError:
        raise InputError(Problem("the document nests too deep", file=source)) from None
    return documents


def parse_document(text: str, source: str, max_nodes: int = MAX_NODES, what: str = "an answer file") -> Document:
    """Exactly one document; an empty input is an empty mapping's absence (None).

    ``what`` names the kind of file in the error for several documents.
    """
    documents = parse_documents(text, source, max_nodes)
    if len(documents) > 1:
        raise InputError(Problem(f"holds several YAML documents; {what} is one", file=source))
    return documents[0] if documents else Document(data=None, source=source)
