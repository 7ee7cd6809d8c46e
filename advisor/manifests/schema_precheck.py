"""A shortcut past jsonschema for objects the strict schemas surely pass: "valid" or "not sure".

Nearly every object a review reads is valid, and asking jsonschema for its errors (iter_errors,
a validator evolved for every subschema, a registry lookup for every $ref) was most of the
time spent on the schemas of a first run. This module answers one question quicker:
would ``Draft202012Validator(schema, registry=..., format_checker=int32/int64)`` (what
``advisor.manifests.validate`` builds) report no error at all? ``True`` means certainly
none; ``False`` means "not sure", and the caller asks jsonschema, whose messages are then
exactly what they were.

It models the part of JSON Schema 2020-12 that kubernetes-validate's schemas use, as the
jsonschema package reads it: ``type``, ``properties``, ``additionalProperties`` (false or a
schema), ``required``, ``items``, ``enum`` of strings, ``format`` int32/int64 (the only
formats the validator checks; byte, double and date-time are annotations there), ``oneOf``
of schemas that name only types, and ``$ref`` to ``#/$defs/NAME`` of the same document or of
``_definitions.json``. Annotations (``description``, ``x-kubernetes-*``) are skipped. A
schema with any other keyword, an ``$id`` below a document's root, or a ``$ref`` of any
other form, makes the check answer "not sure" for the values it meets.

Values are held to exactly the Python types a YAML or JSON reader makes (``type(v) is
dict``, not ``isinstance``): a subclass, a float where an integer is expected (jsonschema
accepts ``2.0``), a date, bytes... all make it "not sure" rather than repeat jsonschema's
reading of them. Being narrower than jsonschema is safe; being wider never happens.

Schemas are compiled into closures lazily: a ``$ref`` target is compiled the first time a
value reaches it, once per document and name, so a run compiles the definitions its objects
reach (85 for a corpus of 292 objects of 7 kinds), not the seven hundred the file holds.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import urljoin

Check = Callable[[object], bool]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# jsonschema's draft 2020-12 type checker, on the exact types a YAML or JSON reader makes.
_TYPES = {
    "array": (list,),
    "boolean": (bool,),
    "integer": (int,),  # type(True) is bool: a boolean is no integer, as jsonschema says
    "null": (type(None),),
    "number": (int, float),
    "object": (dict,),
    "string": (str,),
}
_ANNOTATIONS = frozenset({"description", "$schema", "$id", "$defs"})
_KEYWORDS = frozenset({"type", "properties", "additionalProperties", "required", "items", "enum", "format",
                       "oneOf", "$ref"}) | _ANNOTATIONS


def _valid(value) -> bool:
    return True


def _unsure(value) -> bool:
    return False


class Precheck:
    """``Precheck(definitions, int_bits)(schema)`` is the check of one document's schema.

    ``definitions``: the parsed ``_definitions.json`` (its ``$id`` is where ``$ref`` reaches it);
    ``int_bits``: the integer formats the validator checks, {"int32": 32, "int64": 64}.
    Compiled definitions are shared by every document of the folder.
    """

    def __init__(self, definitions: dict, int_bits: dict[str, int]):
        self.int_bits = dict(int_bits)
        self.compiled: dict[tuple[int, str], Check] = {}
        self.pinned: dict[int, dict] = {}  # the documents whose id() keys ``compiled``
        self.documents: dict[str, dict] = {}
        if isinstance(definitions, dict) and definitions.get("$schema") == DRAFT \
                and isinstance(definitions.get("$id"), str):
            self.documents[definitions["$id"]] = definitions

    def __call__(self, document) -> Check:
        """The check of a whole document (a kind's schema file), or one that is never sure."""
        if not isinstance(document, dict) or document.get("$schema") != DRAFT:
            return _unsure  # another draft reads $ref otherwise; without one, referencing refuses the schema
        try:
            return _guarded(self._compile(document, document))
        except RecursionError:  # schemas nested deeper than the stack (none is): jsonschema's to read
            return _unsure

    # -- compiling ---------------------------------------------------------------------

    def _compile(self, schema, document: dict) -> Check:
        if schema is True:
            return _valid
        if schema is False or not isinstance(schema, dict):
            return _unsure  # a false schema fails every value: jsonschema says why
        if any(k not in _KEYWORDS and not (isinstance(k, str) and k.startswith("x-kubernetes-")) for k in schema):
            return _unsure
        if schema is not document and ("$id" in schema or "$schema" in schema):
            return _unsure  # a new base for $ref below: not modelled

        types = self._types(schema)
        if types is _unsure:
            return _unsure
        parts: list[Check] = []
        if "$ref" in schema:
            parts.append(self._ref(schema["$ref"], document))
        if "oneOf" in schema:
            parts.append(self._one_of(schema["oneOf"]))
        if "enum" in schema:
            enum = schema["enum"]
            if not isinstance(enum, list) or not all(type(e) is str for e in enum):
                return _unsure
            allowed = frozenset(enum)
            parts.append(lambda v: type(v) is str and v in allowed)
        if "format" in schema and not isinstance(schema["format"], str):
            return _unsure
        bits = self.int_bits.get(schema.get("format"))
        structure, items = self._object(schema, document), self._array(schema, document)
        if structure is not None and items is not None or _unsure in (structure, items):
            return _unsure  # a schema for both objects and arrays: not modelled (none is)
        structure = structure or items
        shape = self._shape(types, bits, structure)
        return _all([shape] + parts) if parts else shape

    def _types(self, schema):
        """The exact Python types ``type`` allows (None: it says nothing), or _unsure."""
        if "type" not in schema:
            return None
        names = schema["type"]
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n in _TYPES for n in names):
            return _unsure
        return frozenset(t for n in names for t in _TYPES[n])

    def _shape(self, types, bits, structure) -> Check:
        """type, format and the object's or array's keywords in one closure. The schemas name a type
        wherever they give a format or keywords for objects or arrays, and never give a format where an
        object or array may stand; a schema that does is not modelled."""
        kind, walk = structure or (None, None)
        if types is None:
            return _valid if walk is None and bits is None else _unsure
        if walk is not None:
            if bits is not None or kind not in types:
                return _unsure
            others = types - {kind}

            def typed(v):
                t = type(v)
                if t is kind:
                    return walk(v)
                return t in others  # null, mostly; a subclass of dict or list is not sure

            return typed
        if bits is not None:
            low, high = -(2 ** (bits - 1)), 2 ** (bits - 1)

            def leaf_int(v):
                t = type(v)
                if t is int:
                    return int in types and low <= v < high
                return t in types

            return leaf_int
        if len(types) == 1:
            (only,) = types
            return lambda v: type(v) is only
        return lambda v: type(v) in types

    def _object(self, schema, document):
        """(dict, walk) for properties / additionalProperties / required, None without them, or _unsure."""
        if not any(k in schema for k in ("properties", "additionalProperties", "required")):
            return None
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        extra = schema.get("additionalProperties", True)
        if not isinstance(properties, dict) or not isinstance(required, list) \
                or not all(isinstance(r, str) for r in required):
            return _unsure
        checks = {name: self._compile(sub, document) for name, sub in properties.items()}
        required = tuple(dict.fromkeys(required))
        closed = extra is False
        other = None if extra is True or closed else self._compile(extra, document)

        def walk(v: dict) -> bool:
            for key, item in v.items():
                check = checks.get(key)
                if check is None:
                    if closed:
                        return False
                    if other is not None and not other(item):
                        return False
                elif check is not _valid and not check(item):
                    return False
            for name in required:
                if name not in v:
                    return False
            return True

        return dict, walk

    def _array(self, schema, document):
        if "items" not in schema:
            return None
        item = self._compile(schema["items"], document)
        if item is _valid:
            return list, _valid

        def walk(v: list) -> bool:
            for each in v:
                if not item(each):
                    return False
            return True

        return list, walk

    def _one_of(self, choices) -> Check:
        """oneOf where every choice names only types (IntOrString, Quantity): exactly one must fit."""
        if not isinstance(choices, list) or not choices:
            return _unsure
        sets = []
        for choice in choices:
            if not isinstance(choice, dict) or set(choice) - {"type", "description"}:
                return _unsure
            types = self._types(choice)
            if types is _unsure:
                return _unsure
            sets.append(types)
        if any(s is None for s in sets):
            return _unsure  # a choice that fits everything: not modelled
        # For each exact type, whether exactly one choice fits it (no other type is asked: _shape holds
        # the value to the types above, and a value of another Python type is "not sure").
        fits_once = frozenset(t for t in set().union(*sets) if sum(t in s for s in sets) == 1)
        return lambda v: type(v) in fits_once

    def _ref(self, ref, document: dict) -> Check:
        target = self._resolve(ref, document)
        if target is None:
            return _unsure
        key = (id(target[0]), target[1])
        self.pinned[key[0]] = target[0]
        check = self.compiled.get(key)
        if check is not None:
            return check
        target_document, name = target
        compiled: list[Check] = []

        def via_ref(v):
            if not compiled:
                compiled.append(self._compile(target_document["$defs"][name], target_document))
            return compiled[0](v)

        self.compiled[key] = via_ref
        return via_ref

    def _resolve(self, ref, document: dict):
        """(document, name) for "#/$defs/NAME" of ``document`` or "URI#/$defs/NAME" of a known one, else None."""
        if not isinstance(ref, str) or "#" not in ref:
            return None
        uri, _, fragment = ref.partition("#")
        if not fragment.startswith("/$defs/"):
            return None
        name = fragment[len("/$defs/"):]
        if not name or any(c in name for c in "/~%"):
            return None  # JSON pointer escapes, percent-encoding, deeper pointers: not modelled
        if uri:
            base = document.get("$id")
            if not isinstance(base, str):
                return None
            target = self.documents.get(urljoin(base, uri))
            if target is None:
                return None
        else:
            target = document
        defs = target.get("$defs")
        if not isinstance(defs, dict) or name not in defs:
            return None  # jsonschema cannot resolve it either: let it say so
        return target, name


def _all(checks: list[Check]) -> Check:
    checks = [c for c in checks if c is not _valid]
    if any(c is _unsure for c in checks):
        return _unsure
    if not checks:
        return _valid
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    return lambda v: all(c(v) for c in checks)


def _guarded(check: Check) -> Check:
    if check is _unsure or check is _valid:
        return check

    def guarded(v) -> bool:
        try:
            return check(v) is True
        except RecursionError:  # nesting deeper than Python's stack: jsonschema will say what it says
            return False

    return guarded
