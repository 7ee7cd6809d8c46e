"""Safe YAML with positions: what the answer loader and the reviewer read.

PyYAML's ``safe_load`` forgets where each value came from and silently keeps the
last of two duplicate keys. We compose the node graph ourselves (safe tags only),
remember the line of every key path, refuse duplicate keys, and bound the work
that aliases can cause ("billion laughs") over the whole input.

Scalars are read as kubectl reads them: a plain scalar that looks like a date or
a number but is not a valid one (``2020-13-01``, an integer of 5,000 digits) is
the text as written; an explicit tag that does not fit (``!!int abc``) is an
error naming the line.
"""

from __future__ import annotations

import codecs
import re
import sys
from dataclasses import field
from typing import IO, Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from advisor.system.errors import InputError, Problem, shown
from advisor.system.records import record

MAX_BYTES = 1024 * 1024
# Values visited again through aliases, over one input (all its documents): a billion
# laughs stops here, while an input without aliases, however long, never reaches it.
MAX_NODES = 100_000
_STANDARD_TAG = "tag:yaml.org,2002:"
_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_VALUE_TAG = "tag:yaml.org,2002:value"  # PyYAML resolves a plain "=" to it and has no constructor
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TYPE_NAMES = {"int": "whole number", "float": "number", "bool": "true or false", "timestamp": "date",
               "null": "null", "binary": "base64 text", "str": "text"}
# libyaml's parser when present: the same nodes and marks, several times faster. Everything
# pod-advisor parses goes through it (the knowledge base is parsed at every start).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = Resolver()


@record(slots=True)  # no __dict__: a large review holds one per object (and per outline)
class Document:
    """One YAML document: its plain Python data and where each part came from."""

    data: Any
    source: str
    lines: dict = field(default_factory=dict)  # path tuple -> 1-based line
    # path tuple -> scalar text as written, for each scalar not read as text (a number, a date, true,
    # null): the text of any other is its value. Most scalars are text, and a large review held a
    # second entry for each of them.
    raw: dict = field(default_factory=dict)
    index: int | None = 0  # the document's position in its file's stream, from 0 (empty documents count);
    # None where it is not known for certain (parse_documents_apart)

    def line(self, path: tuple) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def problem(self, path: tuple, message: str, hint: str | None = None) -> Problem:
        return Problem(message, file=self.source, path=tuple(path), line=self.line(path), hint=hint)

    def locate(self, problem: Problem) -> Problem:
        """``problem`` (found later, from the data alone) with the line of its key path in this file."""
        if problem.line is not None or not problem.path:
            return problem
        return Problem(problem.message, file=problem.file or self.source, path=problem.path,
                       line=self.line(problem.path), hint=problem.hint)


def read_text(path: str, max_bytes: int = MAX_BYTES, regular_only: bool = False) -> str:
    """Read a user's file, turning every way it can fail into an InputError.

    ``regular_only``: refuse what is not a regular file (a FIFO found in a folder would
    block the read for ever); a path the user names is read whatever it is, so that
    ``<(helm template ...)`` works.
    """
    import os
    import stat

    try:
        if regular_only:
            # O_NONBLOCK: opening a FIFO must not wait for a writer before we can look at it.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                os.close(fd)
                raise InputError(Problem(f"not a regular file ({file_type(mode)}); not read", file=path))
            if hasattr(os, "O_NONBLOCK"):
                os.set_blocking(fd, True)
            handle = os.fdopen(fd, "rb")
        else:
            handle = open(path, "rb")
        with handle:
            data = _read_bounded(handle, max_bytes)
    except FileNotFoundError:
        raise InputError(Problem("no such file", file=path)) from None
    except IsADirectoryError:
        raise InputError(Problem("is a folder, not a file", file=path)) from None
    except OSError as exc:
        raise InputError(Problem(f"cannot read: {exc.strerror}", file=path)) from None
    return decode(data, path, max_bytes)


def _read_bounded(handle, max_bytes: int) -> bytes:
    """At most ``max_bytes`` + 1 bytes of ``handle`` (one more tells a file too large). The read is sized by what
    the file system says the file holds: asked for the bound itself, a read makes room for all of it first (a
    16 MiB buffer for each of a review's files, a third of the time it takes to read a tree of small ones).
    What the size leaves out (a file that grew since, or one that states none, as /proc's do) is read on, to the
    bound all the same."""
    import os

    size = os.fstat(handle.fileno()).st_size
    data = handle.read(min(size, max_bytes) + 1)
    if size < len(data) <= max_bytes:
        data += handle.read(max_bytes + 1 - len(data))
    return data


def read_stream(stream: IO, source: str, max_bytes: int = MAX_BYTES) -> str:
    """Read standard input (or another stream) as ``read_text`` reads a file: bounded, and
    decoded from its bytes when the stream has them, so that no locale decides."""
    binary = getattr(stream, "buffer", None)
    try:
        if binary is not None:
            return decode(binary.read(max_bytes + 1), source, max_bytes)
        text = stream.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(Problem(f"cannot read: {exc.strerror}", file=source)) from None
    if len(text) > max_bytes:
        raise InputError(Problem(f"larger than {max_bytes // 1024} KiB; refusing to read it", file=source))
    return text


def decode(data: bytes, source: str, max_bytes: int = MAX_BYTES) -> str:
    """UTF-8 (with or without a BOM), or UTF-16 with its BOM: the encodings YAML 1.1 allows."""
    if len(data) > max_bytes:
        raise InputError(Problem(f"larger than {max_bytes // 1024} KiB; refusing to read it", file=source))
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError(Problem("UTF-32 text; save it as UTF-8", file=source))
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        what = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise InputError(Problem(f"not {what} text (byte {exc.start})", file=source,
                                 hint="save it as UTF-8")) from None


def file_type(mode: int) -> str:
    """What a file of ``mode`` (its st_mode) is, in words: for saying why it was skipped."""
    import stat

    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder"), (stat.S_ISREG, "a file")):
        if test(mode):
            return name
    return "not a file"


class _Converter:
    """Turns composed nodes into plain data; one per input, so the alias budget covers all of it."""

    def __init__(self, source: str, max_nodes: int):
        self.source = source
        self.budget = max_nodes
        self.seen: set[int] = set()  # nodes visited once; another visit comes through an alias
        self.merging: set[int] = set()  # mappings whose merges are being resolved (a merge cycle)
        self.constructor = SafeConstructor()
        self.doc: Document | None = None

    def document(self, node: yaml.Node, index: int = 0) -> Document:
        self.doc = Document(data=None, source=self.source, index=index)
        self.seen = set()  # anchors belong to one document (and a freed node's id may come back)
        self.doc.data = self.convert(node, ())
        return self.doc

    def convert(self, node: yaml.Node, path: tuple) -> Any:
        if id(node) in self.seen:
            self.budget -= 1
            if self.budget < 0:
                raise InputError(self.doc.problem(
                    path, "the input expands past a sane size (aliases or anchors repeat too much)"))
        else:
            self.seen.add(id(node))
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if not node.tag.startswith(_STANDARD_TAG) or (
                not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS):
            raise InputError(
                self.doc.problem(path, f"the tag {node.tag} is not allowed; only plain YAML values are read"))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        value = self.scalar(node, path)
        if value.__class__ is not str:
            self.doc.raw[path] = node.value
        return value

    def scalar(self, node: yaml.ScalarNode, path: tuple) -> Any:
        if node.tag == _VALUE_TAG:
            return node.value  # YAML 1.1's "=" ; kubectl (YAML 1.2 rules) reads it as the string "="
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # noqa: BLE001 - any failure to construct one scalar means the same
            implicit = not node.style and _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False)) == node.tag
            if implicit:
                # A plain 2020-13-01 or a 5,000-digit number: kubectl reads the text as written.
                return node.value
            kind = _TYPE_NAMES.get(node.tag[len(_STANDARD_TAG):], node.tag)
            raise InputError(Problem(
                f"{shown(node.value)} is not a valid {kind} ({_reason(exc)})", file=self.source, path=path,
                line=node.start_mark.line + 1,
                hint=f"remove the tag {node.tag.replace(_STANDARD_TAG, '!!')} to mean the text")) from None

    def _key(self, node: yaml.Node, path: tuple) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise InputError(self.doc.problem(path, "a key must be a plain value, not a list or mapping"))
        key = self.scalar(node, path)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise InputError(self.doc.problem(path, f"unsupported key {shown(node.value)}"))
        return str(key) if not isinstance(key, str) else key

    def _pairs(self, node: yaml.MappingNode, path: tuple) -> list[tuple[str, yaml.Node, int]]:
        """(key, value node, key line) in order, merge keys (<<) resolved as YAML defines them:
        the mapping's own keys win over merged ones, and an earlier merged mapping over a later one."""
        own: list[tuple[str, yaml.Node, int]] = []
        merged: list[yaml.MappingNode] = []
        keys: set[str] = set()
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE_TAG:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                if not all(isinstance(s, yaml.MappingNode) for s in sources):
                    raise InputError(Problem("a merge (<<) takes a mapping or a list of mappings",
                                             file=self.source, path=path + ("<<",), line=line))
                merged += sources
                continue
            key = self._key(key_node, path)
            if key in keys:
                raise InputError(Problem(f"the key {shown(key)} appears twice", file=self.source,
                                         path=path + (key,), line=line))
            keys.add(key)
            own.append((key, value_node, line))
        if id(node) in self.merging:
            raise InputError(self.doc.problem(path, "a mapping merges itself (<< with an alias of its own anchor)"))
        self.merging.add(id(node))
        try:
            for source in merged:
                for key, value_node, line in self._pairs(source, path):
                    if key not in keys:
                        keys.add(key)
                        own.append((key, value_node, line))
        finally:
            self.merging.discard(id(node))
        return own

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        result: dict = {}
        for key, value_node, line in self._pairs(node, path):
            self.doc.lines[path + (key,)] = line
            result[key] = self.convert(value_node, path + (key,))
        return result


class _Unusual(Exception):
    """Something the event reader leaves to the composer and ``_Converter``: an anchor, an
    alias, a tag, a merge key, a duplicate or unsupported key, deep nesting, an error."""


_MAX_FAST_DEPTH = 100  # deeper documents go the composer's way, which knows "nests too deep"
_PLAIN_MEMO_SIZE = 4096
_SHARED_PATHS = 16384


class _EventReader:
    """The common case of ``parse_documents`` in one pass over libyaml's event stream.

    Plain YAML (no anchor, alias, tag or merge key; unique plain keys) is most of what
    people write, and for it the composed node graph is an intermediate nobody needs:
    each value is built, and its line and text recorded, as its event arrives. The
    documents are those ``_Converter`` makes (the same data, lines, raw texts and
    indices); anything else raises ``_Unusual`` and the composer reads the input instead,
    so its answers and its errors stay the only ones.
    """

    def __init__(self):
        from yaml import events
        from yaml._yaml import CParser

        self.parser_class = CParser
        self.scalar_event, self.mapping_start, self.sequence_start = (
            events.ScalarEvent, events.MappingStartEvent, events.SequenceStartEvent)
        self.collection_end = (events.MappingEndEvent, events.SequenceEndEvent)
        self.document_start, self.stream_end = events.DocumentStartEvent, events.StreamEndEvent
        self.memo: dict[str, Any] = {}  # plain scalar text -> its value, for texts that may not be strings
        self.constructor = SafeConstructor()
        # A collection's key path -> {key or index: the key path of that child}: the key paths documents
        # share. Emptied before a file when it holds more than _SHARED_PATHS collections' (the
        # documents keep theirs).
        self.paths: dict[tuple, dict] = {}
        self.numbers: list[int] = list(range(1, 1025))  # numbers[i] is i + 1: the line numbers documents share

    def plain(self, text: str) -> Any:
        """The value of a plain scalar, as ``_Converter.scalar`` gives it for an implicit tag."""
        try:
            return self.memo[text]
        except KeyError:
            pass
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
        if tag == _MERGE_TAG:
            raise _Unusual  # << as a key merges, as a value it is read by the composer's rules
        if tag == _VALUE_TAG or tag == _STR_TAG:
            value: Any = text
        else:
            try:
                value = self.constructor.construct_object(yaml.ScalarNode(tag, text), deep=True)
            except Exception:  # noqa: BLE001 - as _Converter.scalar: an implicit tag that does not fit is text
                value = text
            self.constructor.constructed_objects.clear()
        if len(self.memo) >= _PLAIN_MEMO_SIZE:
            self.memo.clear()
        self.memo[text] = value
        return value

    def documents(self, text: str, source: str, at_most: int | None, outline=None) -> list[Document]:
        if len(self.paths) > _SHARED_PATHS:
            self.paths = {}
        try:
            return self._documents(text, source, at_most, outline)
        except IndexError:  # a line past self.numbers: the first text this long
            # libyaml counts a line at each of these breaks; a text has at most that many lines
            breaks = sum(text.count(c) for c in ("\n", "\r", "\x85", "\u2028", "\u2029"))
            self.numbers.extend(range(len(self.numbers) + 1, breaks + 2))
            return self._documents(text, source, at_most, outline)

    def _documents(self, text: str, source: str, at_most: int | None, outline=None) -> list[Document]:
        parser = self.parser_class(text)
        try:
            get = parser.get_event
            get()  # the stream's start
            documents: list[Document] = []
            index = 0
            while True:
                event = get()
                if event.__class__ is self.stream_end:
                    return documents
                if at_most is not None and len(documents) >= at_most:
                    raise _Unusual  # the composer names the extra document in its error
                doc = Document(data=None, source=source, index=index)
                doc.data = self.document(get, doc.lines, doc.raw, outline)
                get()  # the document's end
                documents.append(doc)
                index += 1
        except yaml.YAMLError:
            raise _Unusual from None
        finally:
            parser.dispose()

    def document(self, get, lines: dict, raw: dict, outline=None) -> Any:
        """One document's root value, from the events after its start to before its end.

        ``outline(kind)`` true for the value of a top-level ``kind``: the top-level values that
        follow, but for apiVersion and metadata, are checked (``skim``) and not kept.

        Key paths and line numbers are shared, not made anew for each document: every key path
        comes from ``self.paths`` (so the 16,000 Deployments of a large review hold one
        ``("spec", "template")`` between them, and one string "template" as its key) and every
        line number from ``self.numbers``; every string value is interned (sys.intern), so that the
        "apps/v1", "Deployment" and "IfNotPresent" of each object are one string."""
        scalar_event, mapping_start, sequence_start = self.scalar_event, self.mapping_start, self.sequence_start
        mapping_end, sequence_end = self.collection_end
        resolved = _RESOLVER.yaml_implicit_resolvers
        if None in resolved:
            raise _Unusual  # a resolver for any first character: every plain scalar needs resolving
        plain = self.plain
        intern = sys.intern
        numbers = self.numbers
        paths = self.paths
        stack: list = []  # (container, its path, whether it is a mapping, its children's paths) of each enclosing one
        container: Any = None  # the open mapping or list; None before the root
        path: tuple = ()  # the open collection's key path
        children: Any = None  # key or index -> key path, below the open collection's path (paths[path])
        mapping = False  # whether the open collection is a mapping
        where: Any = None  # in a mapping, the path of the key just read; None when a key comes next
        key: Any = None  # the key just read: the last item of ``where``
        skimming = False  # the document is an outline's: top-level values are checked, not kept
        skimmed: set = set()  # the top-level keys whose values were skimmed
        while True:
            event = get()
            cls = event.__class__
            if cls is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    raise _Unusual
                text = event.value
                value = plain(text) if event.implicit[0] and (text[:1] in resolved or not text) else text
                if mapping:
                    if where is None:  # a key
                        if value.__class__ is not str:
                            if not isinstance(value, (int, float, bool)) and value is not None:
                                raise _Unusual
                            value = str(value)
                        if value in container or value in skimmed:
                            raise _Unusual
                        if skimming and len(stack) == 1 and value not in _OUTLINE_KEYS:
                            skimmed.add(value)
                            self.skim(get)
                            continue
                        where = children.get(value)
                        if where is None:
                            where = children[value] = path + (value,)
                        key = where[-1]
                        lines[where] = numbers[event.start_mark.line]
                        continue
                    if value.__class__ is str:
                        value = intern(value)
                    else:
                        raw[where] = text
                    container[key] = value
                    where = None
                    if outline is not None and len(stack) == 1 and key == "kind" and outline(value):
                        skimming = True
                elif container is not None:
                    index = len(container)
                    item = children.get(index)
                    if item is None:
                        item = children[index] = path + (index,)
                    lines[item] = numbers[event.start_mark.line]
                    if value.__class__ is str:
                        value = intern(value)
                    else:
                        raw[item] = text
                    container.append(value)
                else:
                    lines[()] = numbers[event.start_mark.line]
                    if value.__class__ is not str:
                        raw[()] = text
                    return value
            elif cls is mapping_end or cls is sequence_end:
                value = container
                container, path, mapping, children = stack.pop()
                if container is None:
                    return value
                where = None
            elif cls is mapping_start or cls is sequence_start:
                if event.anchor is not None or event.tag is not None or len(stack) >= _MAX_FAST_DEPTH:
                    raise _Unusual
                child: Any = {} if cls is mapping_start else []
                if mapping:
                    if where is None:
                        raise _Unusual  # a key that is a mapping or a list
                    container[key] = child
                elif container is not None:
                    index = len(container)
                    where = children.get(index)
                    if where is None:
                        where = children[index] = path + (index,)
                    lines[where] = numbers[event.start_mark.line]
                    container.append(child)
                else:
                    where = ()
                    lines[()] = numbers[event.start_mark.line]
                stack.append((container, path, mapping, children))
                children = paths.get(where)
                if children is None:
                    children = paths[where] = {}
                container, path, mapping, where = child, where, cls is mapping_start, None
            else:
                raise _Unusual  # an alias

    def skim(self, get) -> None:
        """Read one value's events as ``document`` would, refusing what it refuses (anchors,
        aliases, tags, merge keys, keys that are collections, duplicate keys, deep nesting),
        and keep nothing of it.

        The values skimmed are most of the events of a review (the schemas of CRDs): each collection
        is read by a loop of its own (``_skim_mapping``, ``_skim_sequence``), which knows without
        asking whether a key or a value comes next."""
        event = get()
        if event.anchor is not None or event.tag is not None:
            raise _Unusual
        if event.__class__ is not self.scalar_event:
            self._skim_collection(get, event.__class__, 1)

    def _skim_collection(self, get, cls, depth: int) -> None:
        """A value that is no scalar, after its first event (of class ``cls``): a collection, read by its
        loop (a scalar, the most common value, is done where it is met, without this call)."""
        if cls is self.mapping_start:
            self._skim_mapping(get, depth)
        elif cls is self.sequence_start:
            self._skim_sequence(get, depth)
        else:
            raise _Unusual  # an alias

    def _skim_mapping(self, get, depth: int) -> None:
        """The events of a mapping after its start, to its end; ``depth``: the collections open."""
        if depth > _MAX_FAST_DEPTH:
            raise _Unusual
        scalar_event, mapping_end = self.scalar_event, self.collection_end[0]
        resolved = _RESOLVER.yaml_implicit_resolvers
        keys: set = set()
        while True:
            event = get()  # a key, or the end
            cls = event.__class__
            if cls is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    raise _Unusual
                key = event.value
                if event.implicit[0] and (key[:1] in resolved or not key):  # read as document() reads a key
                    key = self.plain(key)
                    if key.__class__ is not str:
                        if not isinstance(key, (int, float, bool)) and key is not None:
                            raise _Unusual
                        key = str(key)
                if key in keys:
                    raise _Unusual
                keys.add(key)
            elif cls is mapping_end:
                return
            else:
                raise _Unusual  # a key that is a mapping or a list, or an alias
            event = get()  # its value
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            if event.__class__ is not scalar_event:
                self._skim_collection(get, event.__class__, depth + 1)

    def _skim_sequence(self, get, depth: int) -> None:
        """The events of a list after its start, to its end."""
        if depth > _MAX_FAST_DEPTH:
            raise _Unusual
        scalar_event, sequence_end = self.scalar_event, self.collection_end[1]
        while True:
            event = get()
            cls = event.__class__
            if cls is sequence_end:
                return
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            if cls is not scalar_event:
                self._skim_collection(get, cls, depth + 1)


def read_as_text_by_kubectl(text: str) -> bool:
    """Whether kubectl's YAML reader (Go's, of YAML 1.1 without base 60 and within 64 bits) reads as text a plain
    scalar that PyYAML reads as a date or a number: a date or time (kubectl sends it as written), a number in
    base 60 (``12:30``, which PyYAML reads as 750), a hexadecimal, octal or binary integer too large for 64 bits
    (``0x17f3...``, an address, which Go's reader keeps as text where PyYAML makes a large integer).
    ``text`` is one of ``Document.raw``'s: the text of a scalar read as no string."""
    if text[4:5] == "-" and text[:4].isdigit():
        return True
    if ":" in text:
        return True
    digits = text.replace("_", "")
    negative = digits.startswith("-")
    digits = digits.lstrip("+-")
    if len(digits) < 2 or digits[0] != "0" or digits[1].lower() not in "xbo01234567":
        return False
    try:
        value = int(digits, 0) if digits[1].isalpha() else int(digits, 8)
    except ValueError:
        return False
    return value > 2 ** 63 if negative else value >= 2 ** 64


_STR_TAG = "tag:yaml.org,2002:str"
_OUTLINE_KEYS = ("apiVersion", "kind", "metadata")  # what an outlined document keeps at its top
_event_reader: _EventReader | None = None


def _read_events(text: str, source: str, at_most: int | None, outline=None) -> list[Document] | None:
    """The documents of ``text`` read from libyaml's events, or None when the composer must read it."""
    global _event_reader
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    if _event_reader is None:
        _event_reader = _EventReader()
    try:
        return _event_reader.documents(text, source, at_most, outline)
    except Exception:  # noqa: BLE001 - _Unusual, a YAML error, text libyaml cannot take: the composer's to say
        return None


def _reason(exc: Exception) -> str:
    text = (str(exc) or type(exc).__name__).splitlines()[0]
    return text if len(text) <= 100 else text[:99] + "…"


def parse_documents(text: str, source: str, max_nodes: int = MAX_NODES, at_most: int | None = None,
                    what: str = "this file", outline=None) -> list[Document]:
    """Every document in ``text`` (empty ones skipped), converted safely.

    ``at_most``: refuse more documents than this as soon as the next one starts, before
    it is expanded (``what`` names the kind of file in that error).

    ``outline(kind)``: true for the top-level ``kind`` of a document the caller will keep only
    the identity of; such a document may come back with only apiVersion, kind, metadata and the
    keys before kind (their lines too), the rest of it checked as any input is, never kept.
    """
    documents = _read_events(text, source, at_most, outline)
    if documents is not None:
        return documents
    documents = []
    converter = _Converter(source, max_nodes)
    try:
        for index, node in enumerate(yaml.compose_all(text, Loader=SAFE_LOADER)):
            if node is None:
                continue
            if at_most is not None and len(documents) >= at_most:
                raise InputError(Problem(f"holds several YAML documents; {what} is one", file=source,
                                         line=node.start_mark.line + 1))
            documents.append(converter.document(node, index))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(Problem(f"not valid YAML: {exc.problem or exc.context}", file=source, line=line)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"not valid YAML: {shown(str(exc), 200, quote=False)}", file=source)) from None
    except RecursionError:
        raise InputError(Problem("the document nests too deep", file=source)) from None
    return documents


def parse_document(text: str, source: str, max_nodes: int = MAX_NODES, what: str = "an answer file") -> Document:
    """Exactly one document; an empty input is an empty mapping's absence (None).

    ``what`` names the kind of file in the error for several documents.
    """
    documents = parse_documents(text, source, max_nodes, at_most=1, what=what)
    return documents[0] if documents else Document(data=None, source=source)


_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)


def parse_documents_apart(text: str, source: str, max_nodes: int = MAX_NODES,
                          outline=None) -> tuple[list[Document], list[Problem]]:
    """The documents of ``text`` that can be read, and a Problem for each one that cannot.

    ``parse_documents`` refuses a whole stream for one bad document; a multi-document file
    whose fifth document repeats a key still holds sixteen good ones, and kubectl applies
    them (it refuses only the bad one). When the whole stream cannot be read, each document
    (cut at its ``---`` line, which no YAML value can hold) is read on its own, at its own
    lines; documents read that way have no index (``None``): their positions in the stream
    are not known for certain, so nothing may write them back by position. A file that is
    one document is refused as ``parse_documents`` refuses it. ``outline`` as for ``parse_documents``.
    """
    try:
        return parse_documents(text, source, max_nodes, outline=outline), []
    except InputError as whole:
        chunks = _chunks(text)
        if len(chunks) < 2:
            raise
        refused = whole
    documents, problems, before = [], [], 0
    for chunk in chunks:
        try:
            # the lines before the chunk as empty lines, so that lines are the file's own
            found = parse_documents("\n" * before + chunk, source, max_nodes, outline=outline)
        except InputError as exc:
            problems += exc.problems
        else:
            for doc in found:
                doc.index = None
                documents.append(doc)
        before += chunk.count("\n")
    return documents, problems or list(refused.problems)


def _chunks(text: str) -> list[str]:
    """``text`` cut before each ``---`` line (the first chunk may be empty, and is left out)."""
    starts = [m.start() for m in _DOCUMENT_START.finditer(text) if m.start() > 0] + [len(text)]
    chunks, begin = [], 0
    for end in starts:
        chunks.append(text[begin:end])
        begin = end
    return [c for c in chunks if c]
