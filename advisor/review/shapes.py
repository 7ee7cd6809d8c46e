"""The shapes of the fields the reviewer reads, checked once where objects are read.

A manifest can say ``ports: 80``, ``volumes: 5``, ``metadata: [p]`` or
``labels: "x"``: the API server refuses such an object, and a check that walks it
would crash. ``shape_problem`` finds the first field whose type is wrong, so that
``objects.parse_inputs`` can leave the object out (with a note naming the key path
and its line) and everything downstream can trust what it walks:

- a field described below as a mapping is a ``dict`` (or absent), a list is a
  ``list`` whose items have their shape (a container, a port, an env var, a
  volume, a volume mount, an owner reference: each a ``dict``);
- a field described as a scalar (a name, an image, a key, a port number, a
  label's value) is not a list or a mapping: a ``str``, a number, a boolean, a
  date or ``None``. Checks still ``str()`` a scalar where they need text, and test
  ``isinstance(x, int)`` where they need a number, as the API server would refuse
  ``containerPort: "80"`` too.

``null`` is the field's absence, as Kubernetes reads it (but a list's item that
should be a mapping is never null). Fields not described here are not checked,
and not read by the reviewer.
"""

from __future__ import annotations

from typing import Any

from advisor.system.errors import format_path, kind_of

SCALAR = "scalar"
TEXT = "text"  # a scalar the API server takes only as a string: a name (``name: 1234`` is refused)
MAPPING = "mapping"  # any mapping; its values are not read (a probe, an emptyDir)
LIST = "list"  # any list; its items are not read


class MapOf:
    """A mapping whose every value has one shape (labels, annotations, a ConfigMap's data)."""

    def __init__(self, value):
        self.value = value


def _keys(*names: str) -> dict:
    return {name: SCALAR for name in names}


def _texts(*names: str) -> dict:
    return {name: TEXT for name in names}


SCALARS = MapOf(SCALAR)
METADATA = {**_texts("name", "generateName", "namespace"), "labels": SCALARS, "annotations": SCALARS,
            "ownerReferences": [{**_keys("apiVersion", "kind", "name", "uid", "controller")}]}
KEY_REF = _keys("name", "key", "optional")
CONTAINER = {
    **_keys("restartPolicy", "workingDir"), **_texts("name", "image"),
    "command": [SCALAR], "args": [SCALAR],
    "env": [{**_keys("name", "value"),
             "valueFrom": {"configMapKeyRef": KEY_REF, "secretKeyRef": KEY_REF, "fieldRef": MAPPING,
                           "resourceFieldRef": MAPPING}}],
    "envFrom": [{"prefix": SCALAR, "configMapRef": _keys("name", "optional"), "secretRef": _keys("name", "optional")}],
    "ports": [{**_keys("containerPort", "protocol", "hostPort"), "name": TEXT}],
    "volumeMounts": [{**_keys("mountPath", "subPath", "readOnly"), "name": TEXT}],
    "resources": {"requests": SCALARS, "limits": SCALARS},
    "readinessProbe": MAPPING, "livenessProbe": MAPPING, "startupProbe": MAPPING,
}
VOLUME = {"name": TEXT, "configMap": _keys("name"), "secret": _keys("secretName"), "emptyDir": MAPPING,
          "persistentVolumeClaim": _keys("claimName"), "projected": MAPPING, "downwardAPI": MAPPING}
POD_SPEC = {**_keys("restartPolicy", "nodeName", "serviceAccountName"), "containers": [CONTAINER],
            "initContainers": [CONTAINER], "volumes": [VOLUME]}
TEMPLATE = {"metadata": METADATA, "spec": POD_SPEC}
SELECTOR = {"matchLabels": SCALARS, "matchExpressions": [MAPPING]}
OBJECT = {**_keys("apiVersion", "kind"), "metadata": METADATA}
WORKLOAD = {**OBJECT, "spec": {**_keys("replicas", "serviceName"), "selector": SELECTOR, "template": TEMPLATE}}
SHAPES = {
    "Pod": {**OBJECT, "spec": POD_SPEC},
    "Deployment": WORKLOAD,
    "ReplicaSet": WORKLOAD,
    "ReplicationController": {**OBJECT, "spec": {"replicas": SCALAR, "selector": SCALARS, "template": TEMPLATE}},
    "StatefulSet": {**WORKLOAD, "spec": {**WORKLOAD["spec"], "serviceName": TEXT,
                                         "volumeClaimTemplates": [{"metadata": METADATA, "spec": MAPPING}]}},
    "DaemonSet": WORKLOAD,
    "Job": {**OBJECT, "spec": {"template": TEMPLATE, "selector": SELECTOR}},
    "CronJob": {**OBJECT, "spec": {"schedule": SCALAR,
                                   "jobTemplate": {"metadata": METADATA, "spec": {"template": TEMPLATE}}}},
    "Service": {**OBJECT, "spec": {**_keys("clusterIP", "type", "publishNotReadyAddresses"), "selector": SCALARS,
                                   "ports": [{**_keys("port", "targetPort", "protocol"), "name": TEXT}]}},
    "ConfigMap": {**OBJECT, "data": SCALARS},
    "HorizontalPodAutoscaler": {**OBJECT, "spec": {"minReplicas": SCALAR,
                                                   "scaleTargetRef": _keys("apiVersion", "kind", "name")}},
}
_WHAT = {SCALAR: "a single value", TEXT: "text", MAPPING: "a mapping", LIST: "a list"}


def shape_problem(kind: str, data: dict) -> tuple[tuple, str] | None:
    """(key path, what is wrong) for the first field of an object of ``kind`` whose type is
    wrong; None when every field the reviewer reads has its shape (or the kind is not read)."""
    shape = SHAPES.get(kind)
    return _check(data, shape, ()) if shape is not None else None


def _check(value: Any, shape, path: tuple) -> tuple[tuple, str] | None:
    if value is None:
        return None  # null: the field is not set
    if shape == SCALAR:
        return _wrong(value, path, SCALAR) if isinstance(value, (dict, list)) else None
    if shape == TEXT:
        return None if isinstance(value, str) else _wrong(value, path, TEXT)
    if shape == MAPPING or isinstance(shape, (dict, MapOf)):
        if not isinstance(value, dict):
            return _wrong(value, path, MAPPING)
        if isinstance(shape, MapOf):
            return next((found for key, item in value.items()
                         if (found := _check(item, shape.value, path + (key,)))), None)
        if isinstance(shape, dict):
            return next((found for key, sub in shape.items()
                         if (found := _check(value.get(key), sub, path + (key,)))), None)
        return None
    if shape == LIST or isinstance(shape, list):
        if not isinstance(value, list):
            return _wrong(value, path, LIST)
        if isinstance(shape, list):
            return next((found for i, item in enumerate(value) if (found := _item(item, shape[0], path + (i,)))),
                        None)
        return None
    raise AssertionError(f"unknown shape {shape!r}")


def _item(item: Any, shape, path: tuple) -> tuple[tuple, str] | None:
    """A list's item: null is not an absent field there, but an item that is not what it must be."""
    if item is None and shape not in (SCALAR, TEXT):
        return _wrong(item, path, LIST if isinstance(shape, list) or shape == LIST else MAPPING)
    return _check(item, shape, path)


def _wrong(value: Any, path: tuple, expected: str) -> tuple[tuple, str]:
    return path, f"{format_path(path)} is not {_WHAT[expected]} (found {kind_of(value)})"
