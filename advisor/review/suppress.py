"""Suppression: findings a user chose to ignore, and where they said so.

Two ways, as users of other linters asked for them:
- annotations on the object (or its Pod template):
  ``pod-advisor.io/ignore: "bare-pod, resources-unset"`` for the whole object,
  ``pod-advisor.io/ignore.<container>: "resources-unset"`` for one container;
- a config file (``.pod-advisor.yaml``) for manifests that cannot be edited,
  such as third-party charts::

      review:
        exclude: ["deploy/*.tmpl.yaml"]   # paths never read (advisor.review.scope)
        ignore:
          - id: [resources-unset, mutable-image-tag]   # or "all"
            files: "vendor/*"            # globs; * also crosses folders
            objects: "Deployment/redis*"  # KIND/NAME, NAME or NAMESPACE/NAME globs
            containers: metrics          # optional
            reason: the vendor's chart; resources are set by the platform team

A suppressed finding is kept, with the annotation or rule that suppressed it.
"""

from __future__ import annotations

import fnmatch
import os
import re

from advisor.domain import annotations as keys
from advisor.review.objects import STDIN, ManifestObject
from advisor.review.report import Note, Suppression
from advisor.system.errors import InputError, Problem, did_you_mean
from advisor.system.records import record
from advisor.system.yamlsource import parse_document

IGNORE = keys.IGNORE
ALL = "all"
CONFIG_NAME = ".pod-advisor.yaml"
_RULE_KEYS = ("id", "files", "objects", "containers", "reason")


def parse_ids(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text or "") if part]


@record(frozen=True)
class IgnoreRule:
    """One rule of a config file's ignore list: which findings, in which files, objects and containers."""

    ids: tuple[str, ...]
    files: tuple[str, ...]
    objects: tuple[str, ...]
    containers: tuple[str, ...]
    reason: str | None
    source: str
    line: int | None
    index: int

    def matches(self, finding_id: str, obj: ManifestObject, container: str | None, base: str) -> bool:
        if ALL not in self.ids and finding_id not in self.ids:
            return False
        if self.files and not _any_match(_file_names(obj.file, base), self.files):
            return False
        names = [obj.name, f"{obj.kind}/{obj.name}"] + ([f"{obj.namespace}/{obj.name}"] if obj.namespace else [])
        if self.objects and not _any_match(names, self.objects):
            return False
        if self.containers and (container is None or not _any_match([container], self.containers)):
            return False
        return True


def _file_names(path: str, base: str) -> list[str]:
    names = [path.replace(os.sep, "/"), os.path.basename(path)]
    if base and path != STDIN:
        relative = os.path.relpath(os.path.abspath(path), base)
        names.append(relative.replace(os.sep, "/"))
    return names


def _any_match(names: list[str], patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in patterns)


@record(frozen=True)
class IgnoreConfig:
    """A review config file: its ignore rules and the paths review leaves unread."""

    rules: tuple[IgnoreRule, ...]
    source: str
    base: str  # the config file's folder: relative globs are relative to it
    exclude: tuple[str, ...] = ()  # globs of paths a review leaves unread (advisor.review.scope)


def parse_config(text: str, source: str, known_ids: list[str]) -> IgnoreConfig:
    """Read a config file; InputError naming every problem, with its line."""
    doc = parse_document(text, source, what="a config file")
    data = doc.data if doc.data is not None else {}
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InputError(doc.problem((), "a config file is a mapping with the key 'review'"))
    _unknown(doc, data, ("review",), (), problems)
    review = data.get("review") or {}
    if not isinstance(review, dict):
        raise InputError(doc.problem(("review",), "must be a mapping with the keys 'ignore' and 'exclude'"))
    _unknown(doc, review, ("ignore", "exclude"), ("review",), problems)
    exclude = review.get("exclude") or []
    if isinstance(exclude, str):
        exclude = [exclude]
    if not isinstance(exclude, list) or not all(isinstance(p, str) and p for p in exclude):
        problems.append(doc.problem(("review", "exclude"), "must be a glob or a list of globs of paths to leave "
                                                          "unread"))
        exclude = []
    items = review.get("ignore") or []
    if not isinstance(items, list):
        raise InputError(doc.problem(("review", "ignore"), "must be a list of rules"))
    rules = []
    for i, item in enumerate(items):
        path = ("review", "ignore", i)
        if not isinstance(item, dict):
            problems.append(doc.problem(path, "must be a mapping with at least 'id'"))
            continue
        _unknown(doc, item, _RULE_KEYS, path, problems)
        values = {key: _strings(doc, item, key, path, problems) for key in _RULE_KEYS[:4]}
        if not values["id"]:
            problems.append(doc.problem(path + ("id",), "is required: the finding ids to ignore, or 'all'"))
        for fid in values["id"]:
            if fid != ALL and fid not in known_ids:
                problems.append(doc.problem(path + ("id",), f"{fid!r} is not a finding of pod-advisor review",
                                            hint=did_you_mean(fid, known_ids)))
        reason = item.get("reason")
        rules.append(IgnoreRule(values["id"], values["files"], values["objects"], values["containers"],
                                str(reason) if reason is not None else None, source, doc.line(path), i))
    if problems:
        raise InputError(problems)
    return IgnoreConfig(tuple(rules), source, os.path.dirname(os.path.abspath(source)), tuple(exclude))


def _unknown(doc, data, allowed, path, problems) -> None:
    for key in data:
        if key not in allowed:
            problems.append(doc.problem(path + (key,), "unknown key",
                                        hint=did_you_mean(key, allowed, f"known keys: {', '.join(allowed)}")))


def _strings(doc, item, key, path, problems) -> tuple[str, ...]:
    value = item.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = parse_ids(value) if key == "id" else [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(doc.problem(path + (key,), "must be text or a list of texts"))
        return ()
    return tuple(value)


class Suppressor:
    """Decides, for each finding of one object, whether and by what it is suppressed."""

    def __init__(self, obj: ManifestObject, template_path: tuple, config: IgnoreConfig | None,
                 known_ids: list[str], notes: list[Note]):
        self.obj = obj
        self.config = config
        # scope (None: the object, else a container) -> each annotation's ids, with where it is
        self.by_annotation: dict[str | None, list[tuple[set, Suppression]]] = {}
        for meta_path in (("metadata",), template_path + ("metadata",) if template_path else None):
            if meta_path is None:
                continue
            annotations = obj.get(*meta_path, "annotations")
            if not isinstance(annotations, dict):
                continue
            for key, value in annotations.items():
                if key != IGNORE and not str(key).startswith(IGNORE + "."):
                    continue
                container = None if key == IGNORE else str(key)[len(IGNORE) + 1:]
                line = obj.line(*meta_path, "annotations", key)
                ids = set(parse_ids(str(value or "")))
                for fid in sorted(ids - set(known_ids) - {ALL}):
                    hint = did_you_mean(fid, known_ids)
                    notes.append(Note(obj.file, line, f"{key}: {fid!r} is not a finding of pod-advisor review"
                                                      + (f" ({hint})" if hint else "")))
                self.by_annotation.setdefault(container, []).append(
                    (ids, Suppression("annotation", obj.file, line, str(key))))

    def __call__(self, finding_id: str, container: str | None) -> Suppression | None:
        for scope in (None, container) if container else (None,):
            for ids, where in self.by_annotation.get(scope, ()):
                if finding_id in ids or ALL in ids:
                    return where
        if self.config:
            for rule in self.config.rules:
                if rule.matches(finding_id, self.obj, container, self.config.base):
                    return Suppression("config", rule.source, rule.line, f"review.ignore[{rule.index}]",
                                       rule.reason)
        return None
