"""The answer-file format as a JSON Schema, generated from the question definitions.

Editors (VS Code's YAML extension, for one) use it to complete and check answer
files. It is derived, never written by hand, so it cannot drift from the loader.
"""

from __future__ import annotations

from advisor.answers.expectations import advised_finding_ids, expectations_schema
from advisor.kb.questions import (
    CONFIG_KEY,
    CRON_MACROS,
    DNS_LABEL,
    ENV_NAME,
    QUANTITY,
    SUBDOMAIN,
    Question,
    QuestionSet,
)

_PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
_TEXTS = {"type": "array", "minItems": 1, "items": {"type": "string"}}

SCHEMA_ID = "https://pod-advisor.dev/schemas/answers-v1.json"


def _type_schema(q: Question, versions: list[str]) -> dict:
    kind = q.type
    if kind == "format-version":
        return {"const": 1}
    if kind == "name":
        return {"type": "string", "pattern": DNS_LABEL.pattern, "maxLength": 63}
    if kind == "kubernetes-version":
        return {"type": "string", "enum": versions}
    if kind == "choice":
        return {"type": "string", "enum": [c.value for c in q.choices],
                "markdownEnumDescriptions": [c.label for c in q.choices]}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "integer":
        schema: dict = {"type": "integer" if q.default is not None or q.required else ["integer", "null"]}
        if q.minimum is not None:
            schema["minimum"] = q.minimum
        return schema
    if kind == "cron":
        return {"anyOf": [{"type": "null"}, {"type": "string", "enum": list(CRON_MACROS)},
                          {"type": "string", "pattern": r"^\S+( +\S+){4}$"}]}
    if kind == "image":
        return {"type": "string", "minLength": 1, "pattern": r"^\S+$"}
    if kind == "ports":
        return {"type": "array", "uniqueItems": True, "items": {"type": "integer", "minimum": 1, "maximum": 65535}}
    if kind in ("cpu", "memory"):
        return {"type": ["string", "number"], "pattern": QUANTITY.pattern}
    if kind == "strings":
        return {"anyOf": [{"type": "null"}, _TEXTS]}
    if kind == "env":
        reference = {"type": "string", "pattern": f"^{SUBDOMAIN.pattern}$", "maxLength": 253}
        key = {"type": "string", "pattern": f"^{CONFIG_KEY.pattern}$", "maxLength": 253}
        value = {"anyOf": [
            {"type": "string"},
            {"type": "object", "additionalProperties": False, "required": ["secret", "key"],
             "properties": {"secret": reference, "key": key}},
            {"type": "object", "additionalProperties": False, "required": ["config_map", "key"],
             "properties": {"config_map": reference, "key": key}}]}
        return {"anyOf": [{"type": "null"}, {"type": "object", "propertyNames": {"pattern": f"^{ENV_NAME.pattern}$"},
                                             "additionalProperties": value}]}
    if kind == "health":
        return {"anyOf": [
            {"type": "null"},
            {"type": "object", "additionalProperties": False, "required": ["http"],
             "properties": {"http": {"type": "string", "pattern": r"^/\S*$"}, "port": _PORT}},
            {"type": "object", "additionalProperties": False, "required": ["tcp"], "properties": {"tcp": _PORT}},
            {"type": "object", "additionalProperties": False, "required": ["command"],
             "properties": {"command": _TEXTS}}]}
    if kind == "paths":
        return {"type": "array", "uniqueItems": True, "items": {"type": "string", "pattern": "^/\\S+$"}}
    if kind == "namespace":
        return {"type": ["string", "null"], "pattern": f"^{DNS_LABEL.pattern}$", "maxLength": 63}
    if kind == "priority-class":
        return {"type": ["string", "null"], "pattern": f"^{SUBDOMAIN.pattern}$", "maxLength": 253}
    raise AssertionError(kind)


def _property(q: Question, versions: list[str]) -> dict:
    schema = _type_schema(q, versions)
    schema["description"] = q.help
    schema["title"] = q.prompt
    if q.default is not None:
        schema["default"] = q.default
    return schema


def _object(questions: list[Question], versions: list[str], extra: dict | None = None) -> dict:
    properties: dict = {}
    required: list[str] = []
    for q in questions:
        target = properties
        for part in q.parts[:-1]:
            target = target.setdefault(part, {"type": "object", "additionalProperties": False,
                                              "properties": {}})["properties"]
        target[q.parts[-1]] = _property(q, versions)
        if q.required and len(q.parts) == 1:
            required.append(q.parts[0])
    properties.update(extra or {})
    schema = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        schema["required"] = required
    return schema


def answers_schema(questions: QuestionSet) -> dict:
    versions = questions.supported_versions
    workload = _object(questions.in_scope("workload"), versions)
    workload["description"] = "How the main container's workload runs."
    common = questions.in_scope("container")
    container = _object(common + questions.in_scope("helper"), versions)
    container["description"] = ("A container. Keys after `ports`/`resources` describe a non-main container "
                                "relative to the main one and are errors on the main container.")
    top = _object(questions.in_scope("file"), versions, {
        "workload": workload,
        "containers": {"type": "array", "minItems": 1, "items": container,
                       "description": "The containers; the first is the main one unless another says main: true."},
        "expect": expectations_schema(advised_finding_ids()),
    })
    top["required"] = sorted(set(top.get("required", [])) | {"containers"})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "pod-advisor answer file, format 1", **top}
