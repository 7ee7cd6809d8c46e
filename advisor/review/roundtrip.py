"""Applying new data onto a ruamel.yaml round-trip tree, so that what stays keeps its comments.

``Merger`` changes a tree whose plain reading is known into one whose plain reading
is the new data: changed values are set, new keys inserted where the new data has
them, removed keys deleted, and an original mapping that the new data wants
elsewhere (a Pod spec that became a template's, a container that became an init
container) is carried there with its comments, re-indented. Unchanged subtrees are
never touched. ruamel.yaml keeps a comment with the value before it, so the helpers
here also move the comment lines that describe the *next* entry when that value
goes.

Only advisor/review/fix.py uses this, and only when something is to be fixed:
ruamel.yaml is imported lazily.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections import Counter
from difflib import SequenceMatcher

import yaml

from advisor.system.patterns import lazy

_KEY_LINE = lazy(r"^( *)(?:- +)?[^\s#\-][^#]*?:[ \t]*(?:#.*)?$")  # "key:" with its value below
_ITEM_LINE = lazy(r"^( *)-( +)\S")
_RESOLVER = yaml.resolver.Resolver()


class Unfixable(Exception):
    """This document cannot be rewritten safely; the message says why."""


def same(a, b) -> bool:
    """Equal as data, types included (1, 1.0 and True differ; key order does not matter)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b



def load(content: str, style: tuple[int, int, int]):
    """The round-trip tree of one document."""
    try:
        return _yaml(style).load(content)
    except Exception as exc:  # ruamel.yaml reads a few things differently from the reviewer: say so, never crash
        raise Unfixable(f"ruamel.yaml cannot read it ({type(exc).__name__})") from None


class Merger:
    """Applies new data onto a round-trip tree whose plain reading is ``data``.

    ``kept`` (from a first pass over a copy) holds the paths of the original nodes that
    appear in the result, in place or inside a carried copy; any other original mapping
    may be carried, with its comments, to where the new data wants a similar one. ``column`` arguments are where a node's content will
    start once written (a mapping's keys, a sequence's dashes), to move comments with it.
    """

    def __init__(self, tree, data, style: tuple, kept: tuple[set, set] | None = None):
        self.tree = tree
        self.mapping, self.sequence, self.offset = style
        self.kept, self.kept_whole = (set(), set()) if kept is None else (set(kept[0]), set(kept[1]))
        self.used: set[tuple] = set()
        # (path, node, data, the comment lines before it as an item) of every original mapping, taken
        # before anything changes
        self.candidates: list[tuple] = []
        self.pre_comments: dict[int, list] = {}  # id of a carried item -> the comment lines before it
        if tree is not None:
            self._index(tree, data, (), None)

    @property
    def kept_paths(self) -> tuple[set, set]:
        return self.kept, self.kept_whole

    def _index(self, node, data, path: tuple, before) -> None:
        if is_map(node) and isinstance(data, dict):
            if path:
                self.candidates.append((path, node, data, before))
            for key in data:
                own = _rt_key(node, key)
                if own is not _MISSING:
                    self._index(node[own], data[key], path + (key,), None)
        elif is_seq(node) and isinstance(data, list) and len(node) == len(data):
            for i, item in enumerate(data):
                entry = node.ca.items.get(i)
                before = copy.deepcopy(entry[1]) if entry and len(entry) > 1 and entry[1] else None
                self._index(node[i], item, path + (i,), before)

    def _below(self, column: int, value) -> int:
        """The column of a value written under a key at ``column``."""
        return column + (self.offset if isinstance(value, list) else self.mapping)

    def _item(self, column: int) -> int:
        """The column of an item's content in a sequence whose dashes are at ``column``."""
        return column - self.offset + self.sequence

    # changing in place

    def value(self, node, old, new, path: tuple | None, hint, column: int):
        """The node to put where ``node`` was: itself, changed in place, or a new one."""
        if same(old, new):
            if path is not None:
                self.kept_whole.add(path)
            return node
        if isinstance(old, dict) and isinstance(new, dict) and is_map(node) and _similar(old, new):
            self.merge_map(node, old, new, path, column)
            return node
        if isinstance(old, list) and isinstance(new, list) and is_seq(node) and len(node) == len(old):
            self.merge_seq(node, old, new, path, column)
            return node
        return self.build(new, hint, column)

    def merge_map(self, node, old: dict, new: dict, path: tuple | None, column: int, carried: bool = False) -> None:
        if path is not None and not carried:
            self.kept.add(path)
        keys = {key: _rt_key(node, key) for key in old}
        if _MISSING in keys.values() or len(node) != len(old):
            raise Unfixable("its keys read differently in round-trip mode (YAML 1.1 booleans or merge keys?)")
        for key in old:
            if key not in new:
                _delete_key(node, keys[key])
        previous = None
        for key, value in new.items():
            below = self._below(column, value)
            if key in old:
                own = keys[key]
                sub = None if path is None else path + (key,)
                replaced = self.value(node[own], old[key], value, sub, ("key", key), below)
                if replaced is not node[own]:
                    # the comment lines after the old value describe what follows it: they stay there
                    lines = _take_following_comments(node, own, remove=True)
                    if is_map(node[own]) or is_seq(node[own]):
                        _forget_first_comment(node, own)
                    else:
                        _keep_comment_gap(node, own, replaced)
                    node[own] = replaced
                    if lines:
                        _append_following_comments(node, own, lines)
                previous = own
                continue
            position = 0 if previous is None else list(node).index(previous) + 1
            # comment lines after the previous value describe the key after it: they stay before that key
            lines = "" if previous is None else _take_following_comments(node, previous, remove=True)
            node.insert(position, _key_for(key), self.build(value, ("key", key), below))
            if lines:
                _append_following_comments(node, key, lines)
            previous = key

    def merge_seq(self, node, old: list, new: list, path: tuple | None, column: int) -> None:
        if path is not None:
            self.kept.add(path)
        comments = dict(node.ca.items)
        pairs = _pairs(old, new)
        continued = {i for i, _ in pairs if i is not None}
        # comment lines after a removed item describe what follows it: the item kept before it takes them
        salvaged = {i: _take_following_comments(node, i) for i in range(len(old)) if i not in continued}
        items, new_comments = [], {}
        for i, j in pairs:
            if i is None:
                items.append(self.build(new[j], _item_hint(new[j]), self._item(column)))
                continue
            items.append(self.value(node[i], old[i], new[j], None if path is None else path + (i,),
                                    _item_hint(new[j]), self._item(column)))
            if i in comments:
                new_comments[len(items) - 1] = comments[i]
        list.__delitem__(node, slice(None))
        list.extend(node, items)
        node.ca.items.clear()
        node.ca.items.update(new_comments)
        self._place_pre_comments(node)
        for i, lines in salvaged.items():
            if not lines:
                continue
            before = [k for k, (o, _) in enumerate(pairs) if o is not None and o < i]
            after = [k for k, (o, _) in enumerate(pairs) if o is not None and o > i]
            if before:
                _append_following_comments(node, before[-1], lines)
            elif after:  # the first item went: its following lines now come before the next one
                entry = node.ca.items.setdefault(after[0], [None, None, None, None])
                entry[1] = _line_tokens(lines) + list(entry[1] or [])

    # new nodes, carrying a similar original one where there is one

    def build(self, new, hint, column: int):
        if isinstance(new, dict):
            found = self._candidate(new, hint)
            if found is not None:
                path, node, old, before = found
                self.used.add(path)
                carried = copy.deepcopy(node)
                _take_following_comments(carried, remove=True)  # they describe what followed it there
                delta = column - _column_of(carried, column)
                _shift_comments(carried, delta)
                if before:  # the comment lines before an item go with it
                    before = copy.deepcopy(before)
                    _shift_tokens(before, delta)
                    self.pre_comments[id(carried)] = before
                self.merge_map(carried, old, new, path, column, carried=True)  # what stays in it is marked kept
                return carried
            from ruamel.yaml.comments import CommentedMap

            result = CommentedMap()
            for key, value in new.items():
                result[_key_for(key)] = self.build(value, ("key", key), self._below(column, value))
            return result
        if isinstance(new, list):
            from ruamel.yaml.comments import CommentedSeq

            result = CommentedSeq(self.build(item, _item_hint(item), self._item(column)) for item in new)
            self._place_pre_comments(result)
            return result
        return _scalar(new)

    def _place_pre_comments(self, seq) -> None:
        for j, item in enumerate(seq):
            tokens = self.pre_comments.pop(id(item), None)
            if tokens:
                entry = seq.ca.items.setdefault(j, [None, None, None, None])
                entry[1] = tokens

    def _candidate(self, new: dict, hint):
        if hint is None:
            return None
        kind, value = hint
        best, best_score = None, 0
        for path, node, old, before in self.candidates:
            if path in self.used or path in self.kept or any(path[:n] in self.kept_whole
                                                             for n in range(len(path) + 1)):
                continue
            if kind == "key" and path[-1] != value:
                continue
            if kind == "name" and not (isinstance(path[-1], int) and old.get("name") == value):
                continue
            if not _similar(old, new):
                continue
            score = sum(2 if same(old[k], new[k]) else 1 for k in old.keys() & new.keys())
            if score > best_score:
                best, best_score = (path, node, old, before), score
        return best


def _column_of(node, default: int) -> int:
    try:
        return node.lc.col
    except AttributeError:
        return default


def _keep_comment_gap(container, key, new) -> None:
    """A comment after a changed scalar keeps its distance from the value (not its column)."""
    from ruamel.yaml.error import CommentMark

    entry = container.ca.items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is None or not hasattr(token, "value") or not token.value.partition("\n")[0].strip():
        return
    if isinstance(new, (dict, list)) or is_map(new) or is_seq(new) or token.start_mark is None:
        return
    column = token.start_mark.column + _width(new) - _width(container[key])
    token.start_mark = CommentMark(max(0, column))


def _width(value) -> int:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if isinstance(value, bool):
        return len(str(value).lower())
    if value is None:
        return 0
    quotes = 2 if isinstance(value, (SingleQuotedScalarString, DoubleQuotedScalarString)) else 0
    return len(str(value)) + quotes


def _forget_first_comment(container, key) -> None:
    """A comment before the first key of a replaced value is kept on both; it goes with the old value."""
    entry = container.ca.items.get(key)
    if entry and len(entry) > 3:
        entry[3] = None


def _shift_comments(node, delta: int) -> None:
    """Move the comments of a carried subtree ``delta`` columns, as its lines move."""
    seen: set[int] = set()

    def walk(sub):
        if not (is_map(sub) or is_seq(sub)):
            return
        _shift_tokens([sub.ca.comment, sub.ca.end, *sub.ca.items.values()], delta, seen)
        for child in (sub.values() if is_map(sub) else sub):
            walk(child)

    if delta:
        walk(node)


def _shift_tokens(entries: list, delta: int, seen: set | None = None) -> None:
    """Move the comment tokens in ``entries`` (nested lists, as ruamel.yaml keeps them) ``delta`` columns."""
    from ruamel.yaml.error import CommentMark

    seen = set() if seen is None else seen

    def tokens(entry):
        if entry is None:
            return
        if isinstance(entry, list):
            for part in entry:
                yield from tokens(part)
        elif hasattr(entry, "value") and id(entry) not in seen:
            seen.add(id(entry))
            yield entry

    def shift_lines(text: str) -> str:
        first, newline, rest = text.partition("\n")
        lines = []
        for line in rest.split("\n"):
            indent = len(line) - len(line.lstrip(" "))
            lines.append(" " * max(0, indent + delta) + line[indent:] if line.strip() else line)
        return first + newline + "\n".join(lines)

    if not delta:
        return
    for token in tokens(entries):
        column = token.start_mark.column if token.start_mark is not None else getattr(token, "_column", 0)
        token.start_mark = CommentMark(max(0, column + delta))
        token.value = shift_lines(token.value)


def _similar(old: dict, new: dict) -> bool:
    """Worth changing in place (or carrying): at least half of the new keys were there."""
    shared = len(old.keys() & new.keys())
    return shared > 0 and 2 * shared >= len(new)


def _pairs(old: list, new: list) -> list[tuple[int | None, int]]:
    """For each new item (in order), the old item it continues, or None for a new one."""
    a, b = [_identity(x) for x in old], [_identity(x) for x in new]
    pairs = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        elif op in ("replace", "insert"):
            for k in range(j2 - j1):
                paired = op == "replace" and k < i2 - i1 and isinstance(old[i1 + k], dict) and \
                    isinstance(new[j1 + k], dict) and not _named(old[i1 + k]) and not _named(new[j1 + k])
                pairs.append((i1 + k if paired else None, j1 + k))
    return pairs


def _named(item) -> bool:
    return isinstance(item, dict) and isinstance(item.get("name"), str)


def _identity(item):
    if _named(item):
        return ("name", item["name"])
    return ("value", json.dumps(item, sort_keys=True, default=repr))


def _item_hint(item):
    return ("name", item["name"]) if _named(item) else None


_MISSING = object()


def _rt_key(node, key: str):
    """The round-trip map's own key for the reviewer's ``key`` (which is always a string)."""
    if key in node:
        return key
    for own in node:
        if not isinstance(own, str) and str(own) == key:
            return own
    return _MISSING


def _delete_key(node, key) -> None:
    """Delete ``key``, keeping the comment lines that follow its value (they describe what comes next)."""
    keys = list(node)
    lines = _take_following_comments(node, key)
    del node[key]
    node.ca.items.pop(key, None)  # else a key of that name added later would get its comment back
    position = keys.index(key)
    if lines and position > 0:
        _append_following_comments(node, keys[position - 1], lines)


def _holder(container, key):
    """Where the comment after ``container[key]`` is kept: on the last leaf of a block collection."""
    return _last_leaf(container[key]) or (container, key)


def _last_leaf(value):
    if _is_block(value):
        return _holder(value, list(value)[-1] if is_map(value) else len(value) - 1)
    return None


def _is_block(value) -> bool:
    return (is_map(value) or is_seq(value)) and len(value) > 0 and not value.fa.flow_style()


def _token_slot(container) -> int:
    return 2 if is_map(container) else 0


def _take_following_comments(container, key=None, remove: bool = False) -> str:
    """The whole comment lines after ``container[key]`` (after ``container`` itself without a key), as
    text with their indentation; with ``remove``, they are taken away from there.

    ruamel.yaml keeps them with the last leaf's comment, or at the end of a nested
    collection's comments ("end").
    """
    parts = []
    holder = _holder(container, key) if key is not None else _last_leaf(container)
    if holder is not None:
        owner, own_key = holder
        entry = owner.ca.items.get(own_key)
        slot = _token_slot(owner)
        token = entry[slot] if entry and len(entry) > slot else None
        if token is not None and hasattr(token, "value"):
            first, newline, following = token.value.partition("\n")
            if newline and "#" in following:
                parts.append(following)
                if remove:
                    if first.strip():
                        token.value = first + "\n"
                    else:
                        entry[slot] = None
    node = container[key] if key is not None else container
    chain = []
    while _is_block(node):
        chain.append(node)
        node = node[list(node)[-1]] if is_map(node) else node[-1]
    for collection in reversed(chain):
        for token in collection.ca.end or ():
            if hasattr(token, "value"):
                column = getattr(token.start_mark, "column", 0) if token.start_mark is not None else 0
                parts.append(" " * column + token.value)
        if remove and collection.ca.end:
            collection.ca.end = []
    return "".join(parts)


def _line_tokens(lines: str) -> list:
    """Comment lines as the tokens ruamel.yaml keeps before an item: one per line, with its column."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    return [CommentToken(line.lstrip(" ") + "\n", CommentMark(len(line) - len(line.lstrip(" "))), None)
            for line in lines.split("\n") if line.strip()]


def _append_following_comments(container, key, lines: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    owner, own_key = _holder(container, key)
    slot = _token_slot(owner)
    entry = owner.ca.items.setdefault(own_key, [None, None, None, None])
    if entry[slot] is None:
        entry[slot] = CommentToken("\n" + lines, CommentMark(0), None)
    else:
        entry[slot].value = entry[slot].value.rstrip("\n") + "\n" + lines


def is_map(node) -> bool:
    from ruamel.yaml.comments import CommentedMap

    return isinstance(node, CommentedMap)


def is_seq(node) -> bool:
    from ruamel.yaml.comments import CommentedSeq

    return isinstance(node, CommentedSeq)


# -- new values -------------------------------------------------------------------------------


def to_tree(value, style: tuple):
    return Merger(None, None, style, kept=(set(), set())).build(value, None, 0)


def _needs_quotes(text: str) -> bool:
    """Whether the reviewer (PyYAML's YAML 1.1 rules, as kubectl's) would read ``text`` unquoted as no string."""
    if text == "" or text != text.strip():
        return True
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    return tag != "tag:yaml.org,2002:str" or text in ("=", "<<")


def _scalar(value):
    if isinstance(value, str) and _needs_quotes(value):
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

        return DoubleQuotedScalarString(value) if "'" in value or "\n" in value else SingleQuotedScalarString(value)
    return value


def _key_for(key):
    return _scalar(key)


# -- writing ----------------------------------------------------------------------------------


def indentation(content: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as ruamel.yaml takes them: the style most of the document uses."""
    maps, seqs = Counter(), Counter()
    lines = [line.rstrip("\n") for line in content.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    for here, below in zip(lines, lines[1:]):
        key = _KEY_LINE.match(here)
        if not key or ":" in here.split("#")[0].split(":", 1)[1]:
            continue
        column = len(key.group(1))
        dash = re.match(r"^( *)- +", here)
        if dash:
            column = len(dash.group(0))
        item = _ITEM_LINE.match(below)
        if item:
            offset = len(item.group(1)) - column
            if offset >= 0:
                seqs[(offset, offset + 1 + len(item.group(2)))] += 1
        else:
            step = len(below) - len(below.lstrip(" ")) - column
            if step > 0:
                maps[step] += 1
    mapping = maps.most_common(1)[0][0] if maps else 2
    offset, sequence = seqs.most_common(1)[0][0] if seqs else (0, 2)
    return mapping, max(sequence, offset + 2), offset


def _yaml(style: tuple[int, int, int]):
    from ruamel.yaml import YAML

    rt = YAML(typ="rt", pure=True)
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap a long line the user wrote
    rt.brace_single_entry_mapping_in_flow_sequence = True  # [{port: 80}] stays as written
    mapping, sequence, offset = style
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    return rt


def dump(tree, style: tuple[int, int, int]) -> str:
    out = io.StringIO()
    _yaml(style).dump(tree, out)
    return out.getvalue()
