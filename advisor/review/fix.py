"""`review --fix`: write the suggestions back into a manifest's text. Text in, text out.

The file is split at its document markers (``---`` and ``...`` at the start of a
line, which YAML never lets a value contain), and only the documents that hold a
fixed object are rewritten; every other document is kept byte for byte.

A fixed document is read in ruamel.yaml's round-trip mode, which keeps comments,
key order, quoting and flow style, and the suggestion is applied onto that tree as
a change of data: changed values are set, new keys inserted where the suggestion
puts them, removed keys deleted, and a subtree that moved (a bare Pod's spec that
became a Deployment's template, a container that became a native sidecar) is
carried with its comments. Unchanged parts are never touched. New objects follow
the one they were suggested for, as new documents (or as new items of a
``kind: List``), each under a comment naming the findings it answers.

Nothing is returned unless the new text, read back the way the reviewer reads it,
gives exactly the expected objects: the others unchanged, each fixed object as its
replacement, the added ones where they belong. ruamel.yaml (through roundtrip.py)
is imported only when something is to be fixed.
"""

from __future__ import annotations

import copy
import json
import re
from difflib import unified_diff

import yaml

from advisor.review.roundtrip import Merger, Unfixable, dump, indentation, is_map, is_seq, load, same, to_tree
from advisor.system.errors import InputError, Problem
from advisor.system.patterns import lazy
from advisor.system.records import record
from advisor.system.yamlsource import SAFE_LOADER, parse_documents

ADDED_COMMENT = "added by pod-advisor review --fix: "
BY_HAND = "apply the suggestion by hand: see --suggest"
_MARKER = lazy(r"(---|\.\.\.)(?=[ \t\r\n]|$)")
_ODD_BREAKS = lazy("\r(?!\n)|[\x85\u2028\u2029]")  # line breaks to PyYAML, not to a line split on \n


@record(frozen=True)
class Edit:
    """One reviewed object's suggestion, where it goes."""

    document: int  # yamlsource.Document.index of the object's document
    path: tuple  # the object's key path in it: () or ("items", i)
    replacement: dict
    added: tuple = ()
    fixes: tuple = ()
    label: str = "the object"  # "Pod web", for messages
    identity: tuple = ()  # the reviewed object's (kind, namespace, name)
    line: int | None = None  # where it starts, for messages
    notes: tuple = ()  # what the user must do besides (the suggestion's notes)


@record
class Fixed:
    """A file's new text, and the objects that could not be fixed in it (each with its reason)."""

    text: str
    applied: list[Edit]
    skipped: list[Problem]


class FixError(Exception):
    """The fixed text would not read back as the suggested objects: a defect, never written."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def edits_by_file(reviews) -> dict[str, list[Edit]]:
    """Every suggestion of a review (advisor.review.report.ObjectReview), grouped by file in input order."""
    files: dict[str, list[Edit]] = {}
    for review in reviews:
        if review.replacement is None or review.ref.document is None:
            continue
        files.setdefault(review.ref.file, []).append(Edit(
            review.ref.document, tuple(review.ref.path), review.replacement, tuple(review.added),
            tuple(review.fixes), review.ref.label, (review.ref.kind, review.ref.namespace, review.ref.name),
            review.ref.line, tuple(review.suggestion_notes)))
    return files


def fix_text(text: str, source: str, edits: list[Edit]) -> Fixed:
    """``text`` with every edit that can be applied safely; the other documents byte for byte.

    An object that cannot be fixed in place (YAML anchors, a JSON file that would need a
    second object) is skipped with its reason. FixError when the result would not read
    back as the expected objects; that text is never returned.
    """
    documents = {doc.index: doc for doc in parse_documents(text, source)}
    skipped: list[Problem] = []

    def skip(doc_edits, why: str, doc=None) -> None:
        for edit in doc_edits:
            skipped.append(Problem(f"{edit.label}: not fixed: {why}", file=source,
                                   line=doc.line(edit.path) if doc is not None else edit.line,
                                   hint=BY_HAND))

    if _ODD_BREAKS.search(text):
        skip(edits, "the file breaks lines with characters other than \\n and \\r\\n")
        return Fixed(text, [], skipped)
    chunks = _split(text)
    where = _locate(text, chunks)
    by_document: dict[int, list[Edit]] = {}
    for edit in edits:
        if edit.document not in documents:
            skip([edit], f"the file has no document {edit.document + 1}")
        elif edit.document not in where:
            skip([edit], "its document does not start and end on lines of its own", documents[edit.document])
        else:
            by_document.setdefault(edit.document, []).append(edit)
    expected = {index: doc.data for index, doc in documents.items()}
    new_chunks = list(chunks)
    added_after: dict[int, list[dict]] = {}
    applied: list[Edit] = []
    for index, doc_edits in by_document.items():
        doc = documents[index]
        try:
            new_chunks[where[index]], added_after[index] = _fix_document(chunks[where[index]], doc.data,
                                                                         doc_edits, source, text)
        except Unfixable as exc:
            skip(doc_edits, str(exc), doc)
            continue
        expected[index] = _expected_document(doc.data, doc_edits)
        applied += doc_edits
    new_text = "".join(new_chunks)
    _check(new_text, source, expected, added_after)
    return Fixed(new_text, applied, skipped)


def diff(old: str, new: str, path: str) -> str:
    """A unified diff of one file, as ``patch -p0`` applies it ("\\ No newline at end of file" included)."""
    lines = unified_diff(_lines(old), _lines(new), path, path)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


# -- where the documents are ------------------------------------------------------------------


def _split(text: str) -> list[str]:
    """The text cut before every document marker line; joined again they are the text."""
    chunks, current = [], []
    for line in _lines(text):
        if _MARKER.match(line) and current:
            chunks.append("".join(current))
            current = []
        current.append(line)
    chunks.append("".join(current))
    return chunks


def _lines(text: str) -> list[str]:
    """The lines of ``text`` with their ends, cut at \\n only (as YAML does, once other breaks are refused)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _locate(text: str, chunks: list[str]) -> dict[int, int]:
    """Document index -> the chunk that holds it, for every document with content."""
    starts, line = [], 0
    for chunk in chunks:
        starts.append(line)
        line += chunk.count("\n") + (0 if chunk.endswith("\n") or not chunk else 1)
    where: dict[int, int] = {}
    for index, node in enumerate(yaml.compose_all(text, Loader=SAFE_LOADER)):
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            first = node.start_mark.line
            chunk = max(i for i, start in enumerate(starts) if start <= first)
            last = node.end_mark.line - (1 if node.end_mark.column == 0 else 0)
            if chunk + 1 < len(starts) and last >= starts[chunk + 1]:
                continue  # spans a marker line: not ours to cut
            where[index] = chunk
    return where


# -- one document -----------------------------------------------------------------------------


def _fix_document(chunk: str, data, edits: list[Edit], source: str, text: str) -> tuple[str, list[dict]]:
    """The document's new text (with the documents added after it), and those added documents."""
    crlf = "\r\n" in chunk
    prefix, body = _head(chunk.replace("\r\n", "\n"))
    roots = [e for e in edits if not e.path]
    places = [e.path for e in edits]
    if roots and len(edits) > 1 or len(set(places)) < len(places):
        raise Unfixable("one object has two suggestions")
    if any(len(e.path) != 2 or e.path[0] != "items" or not isinstance(e.path[1], int) for e in edits if e.path):
        raise Unfixable("the object's place in its document is not an item of a List")
    added = [obj for e in roots for obj in e.added]
    content = body  # all of it: the last value may be a block scalar that ends with the document
    if _is_flow(content):
        if added and source.endswith(".json"):
            raise Unfixable("a JSON file holds one object, and the fix adds "
                             + ", ".join(f"{o.get('kind')} {(o.get('metadata') or {}).get('name')}" for o in added))
        rewritten = json.dumps(_expected_document(data, edits), indent=_json_indent(content), ensure_ascii=False)
        rewritten += "\n" * (len(content) - len(content.rstrip("\n")))
        style = indentation(text)
        new_documents = [(edit, dump(to_tree(obj, style), style)) for edit in roots for obj in edit.added]
    else:
        _refuse_anchors(content)
        rewritten, new_documents = _round_trip(content, data, edits)
    out = prefix + rewritten
    for edit, document in new_documents:
        comment = "# " + ADDED_COMMENT + ", ".join(edit.fixes) + "\n"
        out += ("" if out.endswith("\n") else "\n") + "---\n" + comment + document
    return (out.replace("\n", "\r\n") if crlf else out), added


def _head(chunk: str) -> tuple[str, str]:
    """(the marker line, the document's text after it)."""
    first, _, rest = chunk.partition("\n")
    if not _MARKER.match(first):
        return "", chunk
    after = first[3:].strip()
    if not after or after.startswith("#"):
        return first + "\n", rest
    # "--- {a: 1}" or "--- !!map": the content starts on the marker line
    return "---\n", first[3:].lstrip() + ("\n" + rest if rest or chunk.endswith("\n") else "")


def _is_flow(content: str) -> bool:
    for line in content.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped[0] in "{["
    return False


def _json_indent(content: str):
    lines = [line for line in content.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    return (len(lines[1]) - len(lines[1].lstrip(" "))) or None


def _refuse_anchors(content: str) -> None:
    for event in yaml.parse(content, Loader=SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise Unfixable("it uses YAML anchors and aliases, which a change in one place would change in another")


def _expected_document(data, edits: list[Edit]):
    """The document's data once the edits are applied: what the new text must read as."""
    if len(edits) == 1 and not edits[0].path:
        return copy.deepcopy(edits[0].replacement)
    data = copy.deepcopy(data)
    for edit in edits:
        data["items"][edit.path[1]] = copy.deepcopy(edit.replacement)
    for edit in edits:
        data["items"].extend(copy.deepcopy(list(edit.added)))
    return data


def _check(new_text: str, source: str, expected: dict, added_after: dict) -> None:
    """The new text must read as the expected objects, documents added where they belong."""
    want = []
    for index in sorted(expected):
        want.append(expected[index])
        want += added_after.get(index, [])
    try:
        got = [doc.data for doc in parse_documents(new_text, source)]
    except InputError as exc:
        raise FixError(Problem(f"the fixed text would not read back ({exc.problems[0].message}); "
                               "nothing was written", file=source)) from None
    if len(got) != len(want) or not all(same(a, b) for a, b in zip(got, want)):
        raise FixError(Problem("the fixed text would not read back as the suggested objects; nothing was written",
                               file=source))


# -- the round-trip tree ----------------------------------------------------------------------


def _round_trip(content: str, data, edits: list[Edit]) -> tuple[str, list[tuple[Edit, str]]]:
    """The document's new text, and the text of each document added after it (with its edit).

    Added objects are built by the same merger, so a container split out of the Pod
    into a workload of its own takes its comments along.
    """
    style = indentation(content)
    tree = load(content, style)
    if not is_map(tree):
        raise Unfixable("the document is not a mapping")
    # Pass 1 finds what stays where, so that pass 2 never carries a node (and its comments) that also stays.
    planner = Merger(copy.deepcopy(tree), data, style)
    _apply(planner, planner.tree, data, edits, style)
    merger = Merger(tree, data, style, kept=planner.kept_paths)
    added = _apply(merger, tree, data, edits, style)
    return dump(tree, style), [(edit, dump(new, style)) for edit, new in added]


def _apply(merger: "Merger", tree, data, edits: list[Edit], style: tuple) -> list:
    """Apply the edits to ``tree``; the new trees of the objects added after the document."""
    mapping, sequence, offset = style
    added = []
    for edit in edits:
        if not edit.path:
            merger.merge_map(tree, data, edit.replacement, (), 0)
            continue
        items = tree.get("items")
        i = edit.path[1]
        if not is_seq(items) or i >= len(items) or not is_map(items[i]):
            raise Unfixable("the List's items read differently")
        merger.merge_map(items[i], data["items"][i], edit.replacement, ("items", i), sequence)
    for edit in edits:
        for obj in edit.added:
            if not edit.path:
                added.append((edit, merger.build(obj, None, 0)))
                continue
            items = tree["items"]
            items.append(merger.build(obj, None, sequence))
            items.yaml_set_comment_before_after_key(len(items) - 1, before=ADDED_COMMENT + ", ".join(edit.fixes),
                                                    indent=offset)
    return added
