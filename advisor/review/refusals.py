"""What the API server would refuse: every reviewed object checked for its target version.

A design finding is advice; an object the API server refuses is not deployed at all, so
it is said first (the reviewer puts this finding before the others of its object). The
object is checked by the validator ``pod-advisor manifest`` proves its own manifests
with (advisor.manifests.validate): the strict schema of the version (unknown fields,
wrong types), then what the API server checks beyond it (an apiVersion it no longer
serves, an apps/v1 workload without a selector or with one that misses its Pod
template's labels, a restartPolicy the controller does not allow, names, labels,
quantities, mounts of volumes that do not exist). The starter manifest's own promises
(every probed port declared, no null fields) are not asked of a user's objects.

Reasons another finding already gives are left to it: a Job's restartPolicy to
restart-always-on-completion, a native sidecar before 1.29 to native-sidecar-unsupported.
"""

from __future__ import annotations

import atexit
import datetime
import functools
import re
from typing import Iterator

from advisor.domain.recommendation import Recommendation
from advisor.domain.vocabulary import API_VERSIONS, BATCH_KINDS, REMOVED_API_VERSIONS
from advisor.engine.placement import NATIVE_SIDECARS_FROM
from advisor.review import kustomize, repository
from advisor.review.checks import Hit, check
from advisor.review.facts import Subject, placeholder
from advisor.system.errors import format_path
from advisor.system.patterns import lazy
from advisor.system.yamlsource import read_as_text_by_kubectl

REFUSED = "refused-by-api-server"
SHOWN_REASONS = 3  # the first reasons, in full; the count of the rest
LONGEST_REASON = 240
_REQUIRED = lazy(r"^'([^']+)' is a required property$")
_UNKNOWN = lazy(r"^Additional properties are not allowed \((.+) (?:was|were) unexpected\)$")


@check(REFUSED)
def refused_by_api_server(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    from advisor.manifests.validate import api_object_problems, schema_problems, served

    obj, version = s.obj, s.answers.kubernetes
    data = _decrypted_shape(_as_sent(obj))
    api_version, kind = str(data.get("apiVersion") or ""), obj.kind
    if not api_version:
        yield Hit(REFUSED, f"{obj.label} names no apiVersion, and the API server needs one to know what the "
                           f"object is (apiVersion: {API_VERSIONS.get(kind, 'v1')})", line=obj.line())
        return
    known = known_valid()
    digest = known.digest(data, version)
    # what the schemas said of the very same object in an earlier run: no need to load them again
    outcome = known.outcome(digest)
    if outcome is None:
        is_served = served(data, version)
        outcome = (is_served, tuple(schema_problems(data, version)) if is_served else ())
        known.remember(digest, *outcome)
    if not outcome[0]:
        removed = REMOVED_API_VERSIONS.get((api_version, kind))
        since = f" (removed in Kubernetes {removed})" if removed else ""
        yield Hit(REFUSED, f"Kubernetes {version} serves no {api_version} {kind}{since}: the API server answers "
                           f"\"no matches for kind {kind} in version {api_version}\". Use apiVersion "
                           f"{API_VERSIONS.get(kind, 'v1')}" + (", which requires spec.selector"
                                                                if kind in ("Deployment", "DaemonSet", "ReplicaSet",
                                                                            "StatefulSet") else ""),
                  line=obj.line("apiVersion"))
        return
    if str(obj.name).startswith("<") and placeholder(str(obj.name)):
        return  # named <service-name>: a document's outline of an object (a contract, a schema), not one to apply
    reasons = api_object_problems(data, version, promises=False)
    if reasons and _holds_null(data):  # (asked only of a refused object: the walk is not free)
        reasons = api_object_problems(_as_decoded(data), version, promises=False)
    reasons = [r for r in reasons if not _said_elsewhere(r, s)]
    paths = {_path_of(r) for r in reasons}
    for reason in (_server_words(r) for r in outcome[1]):
        if _path_of(reason) not in paths and not _said_elsewhere(reason, s) and not _null_quantity(reason):
            reasons.append(reason)
    # a value a template fills in before the object is sent (APP_NAME, ${PORT}, <your-image>) is not what
    # the API server receives: its reason is the placeholder's, not the object's
    tokens = repository.sed_placeholders(obj.file) if reasons else frozenset()
    reasons = [r for r in reasons if not _names_a_placeholder(r, tokens) and _SOPS_VALUE not in r]
    reasons = list(dict.fromkeys(_shortened(r) for r in reasons))
    if not reasons:
        return
    more = len(reasons) - SHOWN_REASONS
    said = "; ".join(reasons[:SHOWN_REASONS]) + (f"; and {more} more" if more > 0 else "")
    yield Hit(REFUSED, f"the API server of Kubernetes {version} would refuse {obj.label}: {said}",
              line=_line_of(reasons[0], s))


def _null_quantity(reason: str) -> bool:
    """Whether the schemas' ``reason`` is about a resource quantity written null (``cpu: null``, which a chart
    writes to drop a default). The schemas take a quantity as a string or a number, each nullable, so a null
    matches both and fails their oneOf; the API server reads it as a field left out (or, sent as it is, as a
    quantity of 0): only a request above its limit would be refused, and which reading applies the manifest
    does not say."""
    path, _, said = reason.partition(": ")
    return said.startswith("None ") and (".resources.limits." in f".{path}" or ".resources.requests." in f".{path}")


@functools.cache
def known_valid():
    """What the schemas said of objects in earlier runs (advisor.manifests.known_valid), kept once a
    process and saved when it ends: importing jsonschema and reading the schemas was most of the
    start-up of a review of one file, and validating each object most of a large review."""
    from advisor.manifests.known_valid import KnownValid

    known = KnownValid()
    atexit.register(known.save)
    return known


# A value SOPS encrypted in place: the text the decryption replaces with the value, of whatever type it was.
_SOPS_VALUE = "ENC[AES256_GCM,"


def _decrypted_shape(data: dict) -> dict:
    """The object as it reaches the API server when its file is encrypted with SOPS (a top-level ``sops`` block with
    its ``mac``): whoever decrypts it (sops -d, Flux, an Argo CD plugin) removes that block; the values it encrypted
    (``ENC[AES256_GCM,...]``) come back as what they were, which ``refused_by_api_server`` leaves unjudged."""
    block = data.get("sops")
    if isinstance(block, dict) and "mac" in block:
        return {k: v for k, v in data.items() if k != "sops"}
    return data


def _as_sent(obj) -> dict:
    """The object as kubectl sends it: what kubectl's YAML reads as text where PyYAML reads a date or a number
    (``2024-01-31``, ``12:30``, ``0x17f3...`` beyond 64 bits: yamlsource.read_as_text_by_kubectl) is the text as
    written."""
    raw = obj.doc.raw
    if not raw and not _holds_date(obj.data):
        return obj.data  # most objects: as they were read (nothing here changes them)

    def sent(value, path):
        if isinstance(value, dict):
            return {k: sent(v, path + (k,)) for k, v in value.items()}
        if isinstance(value, list):
            return [sent(v, path + (i,)) for i, v in enumerate(value)]
        text = raw.get(path)
        if text is not None and read_as_text_by_kubectl(text):
            return text
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        return value

    return sent(obj.data, obj.path)


def _as_decoded(value):
    """The object as the API server decodes it: a field written null (``restartPolicy:`` with nothing after it) is
    read as one left out (Go's JSON decoder leaves a field at its zero value for a null, which is what a field left
    out gets), then defaulted and validated as that. Only kubectl's own check before 1.25 refused a null
    ("unknown object type nil"). Blind round 46: an empty restartPolicy was reported as the value None. A null
    item of a list stays: it is decoded as an empty item, which the checks judge as they find it."""
    if isinstance(value, dict):
        return {k: _as_decoded(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_as_decoded(v) for v in value]
    return value


def _holds_null(value) -> bool:
    """Whether a field written null is anywhere in ``value``."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if None in value.values():
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


_PLAIN = frozenset({str, int, bool, float, type(None)})  # what a YAML reader makes besides dates and collections


def _holds_date(value) -> bool:
    """Whether a date or time is anywhere in ``value`` (a loop, not a recursion: it runs on every object)."""
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        value = pop()
        kind = value.__class__
        if kind is dict:
            push(value.values())
        elif kind is list:
            push(value)
        elif kind in _PLAIN:
            continue
        elif isinstance(value, (datetime.date, datetime.datetime)):
            return True
        elif isinstance(value, dict):
            push(value.values())
        elif isinstance(value, list):
            push(value)
    return False


def _said_elsewhere(reason: str, s: Subject) -> bool:
    """Whether another finding of the object already says this (with advice of its own), or what the API
    server receives is not what the file says: a kustomization that lists the file (or its folder) and sets
    commonLabels writes the selector and the template's labels kustomize builds it with, and one that patches
    objects of its kind may change them (a base whose selector its patches complete or replace)."""
    if s.inputs.labelled and _selector_reason(reason) and kustomize.labelled(s.obj.file, s.inputs.labelled):
        return True
    if s.inputs.patch_targets and _selector_reason(reason) and kustomize.patched(s.obj.file, s.obj.kind,
                                                                                  s.inputs.patch_targets):
        return True
    path = _path_of(reason)
    if s.obj.kind in BATCH_KINDS and path.endswith("spec.restartPolicy"):
        return True  # restart-always-on-completion
    if s.answers.minor < NATIVE_SIDECARS_FROM and "initContainers[" in path and "restartPolicy" in reason:
        return True  # native-sidecar-unsupported
    return False


def _selector_reason(reason: str) -> bool:
    return reason.startswith(("spec.selector", "spec.template.metadata.labels"))


_QUOTED = lazy(r"'([^']*)'")


def _names_a_placeholder(reason: str, tokens: frozenset[str] = frozenset()) -> bool:
    """Whether a reason is about a value that holds a template's placeholder (the value it quotes). A bare
    capitalised word (APP_NAME) counts only where the field takes no such word as it is (a name, a number):
    a port's protocol T_CP is a misspelt choice, not a placeholder. ``tokens``: the words in capitals the
    repository's sed commands replace (ip-NODE-QOS-INDEX, filled in by create-iperf-fio.sh)."""
    for value in _QUOTED.findall(reason):
        held = placeholder(value)
        if held and (held[0] in "$<_" or "one of" not in reason):
            return True
        if tokens and tokens & set(_CAPITAL_WORD.findall(value)):
            return True
    return False


_CAPITAL_WORD = lazy(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9_]+(?![A-Za-z0-9])")


def _path_of(reason: str) -> str:
    return reason.split(": ", 1)[0] if ": " in reason else ""


def _server_words(reason: str) -> str:
    """A schema error as the API server words it: an unknown field, a required one."""
    path, _, message = reason.partition(": ")
    path = "" if path == "(object)" else path
    if match := _REQUIRED.match(message):
        return f"{_joined(path, match.group(1))}: required"
    if match := _UNKNOWN.match(message):
        names = re.findall(r"'([^']+)'", match.group(1))
        if names:
            return f"{_joined(path, names[0])}: unknown field" + (
                f" (and {', '.join(names[1:])})" if len(names) > 1 else "")
    return f"{path}: {message}" if path else message


def _joined(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _shortened(reason: str) -> str:
    return reason if len(reason) <= LONGEST_REASON else reason[:LONGEST_REASON - 1] + "…"


def _line_of(reason: str, s: Subject) -> int:
    """The line of the field a reason names (or of its nearest ancestor the file has), else the object's."""
    obj = s.obj
    depth = len(obj.path)
    lines = {format_path(p[depth:]): line for p, line in obj.doc.lines.items() if tuple(p[:depth]) == obj.path}
    path = _path_of(reason) or reason.split(" ", 1)[0]  # "spec.selector does not match ..."
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return obj.line()
