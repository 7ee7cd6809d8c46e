"""A small structural checker for our own YAML data (knowledge base, questions).

The shipped data is small and its shape is ours, so a few lines that collect
*every* problem with its file and field beat a JSON Schema round trip whose
messages would name neither.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from advisor.system.patterns import lazy
from advisor.system.records import record

ENTRY_ID = lazy(r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+$")
RULE_ID = lazy(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@record(frozen=True)
class Field:
    """One key of a record: the type its value must have, whether it is required, and a further check."""

    kind: type | tuple
    required: bool = True
    check: Callable[[Any], str | None] | None = None  # returns a problem or None


def check_record(record: Any, fields: dict[str, Field], where: str, problems: list[str]) -> bool:
    """Append every problem of ``record`` to ``problems``; True when it is usable."""
    if not isinstance(record, dict):
        problems.append(f"{where}: expected a mapping, found {type(record).__name__}")
        return False
    ok = True
    for key in record:
        if key not in fields:
            problems.append(f"{where}: unknown key {key!r} (known: {', '.join(fields)})")
            ok = False
    for key, spec in fields.items():
        if key not in record:
            if spec.required:
                problems.append(f"{where}: missing key {key!r}")
                ok = False
            continue
        value = record[key]
        if not isinstance(value, spec.kind) or (isinstance(value, bool) and spec.kind in (int, (int,))):
            kinds = spec.kind if isinstance(spec.kind, tuple) else (spec.kind,)
            names = " or ".join(k.__name__ for k in kinds)
            problems.append(f"{where}.{key}: expected {names}, found {type(value).__name__}")
            ok = False
            continue
        if spec.check:
            message = spec.check(value)
            if message:
                problems.append(f"{where}.{key}: {message}")
                ok = False
    return ok


def pattern(regex: re.Pattern) -> Callable[[Any], str | None]:
    return lambda value: None if regex.match(value) else f"{value!r} does not match {regex.pattern}"


def list_of(kind: type) -> Callable[[Any], str | None]:
    def check(values: list) -> str | None:
        bad = [v for v in values if not isinstance(v, kind)]
        return f"every item must be a {kind.__name__}: {bad!r}" if bad else None

    return check


def max_length(limit: int) -> Callable[[Any], str | None]:
    return lambda value: None if len(value) <= limit else f"longer than {limit} characters ({len(value)})"
