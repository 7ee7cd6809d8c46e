"""Corrected objects, where the advisor can write them.

- a bare Pod wrapped in the controller the advisor recommends (a Deployment, or
  a Job for work that finishes);
- helpers of a run-to-completion Pod moved to native sidecars (1.29 and newer);
- a Job's restartPolicy set to the one the advisor recommends;
- the headless Service a StatefulSet names but lacks.

Each function takes plain data and returns new data; the input is never changed.
"""

from __future__ import annotations

import copy

import yaml

from ..recommendation import Recommendation
from .checks import HELPER_ROLES, NATIVE_SIDECARS_FROM, named_service, role_in_main_pod
from .facts import Subject

_API_VERSIONS = {"Deployment": "apps/v1", "Job": "batch/v1"}


def suggest(subject: Subject, rec: Recommendation, raised: set[str]) -> tuple[str, tuple[str, ...]] | None:
    """(YAML of the corrected object(s), the finding ids it fixes), or None when there is nothing to write."""
    data = copy.deepcopy(subject.obj.data)
    fixes: list[str] = []
    extra: list[dict] = []
    spec_path = subject.template_path + ("spec",)
    if "sidecar-blocks-completion" in raised and subject.answers.minor >= NATIVE_SIDECARS_FROM:
        helpers = [c.name for c in subject.containers
                   if not c.main and c.placement == "containers" and role_in_main_pod(rec, c.index) in HELPER_ROLES]
        _native_sidecars(_at(data, spec_path), helpers)
        fixes.append("sidecar-blocks-completion")
    if "restart-always-on-completion" in raised and subject.obj.kind in ("Pod", "Job", "CronJob"):
        _put_before(_at(data, spec_path), "restartPolicy", rec.main.restart_policy, "containers")
        fixes.append("restart-always-on-completion")
    if "bare-pod" in raised and rec.main.controller in _API_VERSIONS:
        data = wrap_pod(data, rec)
        fixes.append("bare-pod")
    if "statefulset-without-headless-service" in raised:
        extra.append(headless_service(data, subject))
        fixes.append("statefulset-without-headless-service")
    if not fixes:
        return None
    documents = extra + [data]
    text = "---\n".join(yaml.safe_dump(d, sort_keys=False, default_flow_style=False, width=100) for d in documents)
    return text, tuple(fixes)


def _at(data: dict, path: tuple) -> dict:
    for key in path:
        data = data[key]
    return data


def _native_sidecars(spec: dict, names: list[str]) -> None:
    """Move the named containers to the end of initContainers, with restartPolicy Always."""
    moving = [c for c in spec.get("containers", []) if c.get("name") in names]
    spec["containers"] = [c for c in spec.get("containers", []) if c.get("name") not in names]
    if "initContainers" not in spec:
        _put_before(spec, "initContainers", [], "containers")
    init = spec["initContainers"]
    for container in moving:
        ordered = {}
        for key, value in container.items():
            ordered[key] = value
            if key == "image":
                ordered["restartPolicy"] = "Always"
        ordered.setdefault("restartPolicy", "Always")
        init.append(ordered)


def _put_before(data: dict, key: str, value, before: str) -> None:
    """Set ``data[key]`` where a person would write it: just before ``before`` (else at the end)."""
    items = [(k, v) for k, v in data.items() if k != key]
    data.clear()
    for k, v in items:
        if k == before:
            data[key] = value
        data[k] = v
    data.setdefault(key, value)


def wrap_pod(pod: dict, rec: Recommendation) -> dict:
    """The Pod as the template of the controller the advisor recommends."""
    meta = pod.get("metadata") or {}
    # generateName is a prefix ("web-"); as a name or a label value it must end in a letter or digit
    name = meta.get("name") or str(meta.get("generateName") or "").rstrip("-.") or rec.main.name
    labels = dict(meta.get("labels") or {"app": name})
    template_meta = {"labels": labels}
    if meta.get("annotations"):
        template_meta["annotations"] = dict(meta["annotations"])
    spec = dict(pod.get("spec") or {})
    spec.pop("nodeName", None)  # the scheduler places a controller's Pods
    kind = rec.main.controller
    if kind == "Job":
        _put_before(spec, "restartPolicy", rec.main.restart_policy, "containers")
    elif spec.get("restartPolicy") not in (None, "Always"):
        spec.pop("restartPolicy")  # a Deployment allows only Always, the default
    outer = {key: copy.deepcopy(meta[key]) for key in ("name", "namespace") if meta.get(key)}
    outer.setdefault("name", name)
    outer["labels"] = dict(labels)
    body: dict = {}
    if kind == "Deployment":
        body["replicas"] = rec.main.replicas or 1
        body["selector"] = {"matchLabels": dict(labels)}
    body["template"] = {"metadata": template_meta, "spec": spec}
    return {"apiVersion": _API_VERSIONS[kind], "kind": kind, "metadata": outer, "spec": body}


def headless_service(data: dict, subject: Subject) -> dict:
    """The headless Service a StatefulSet's Pods get their DNS names from (and serviceName set to it)."""
    spec = data.setdefault("spec", {})
    name = spec.get("serviceName") or subject.obj.name
    _put_before(spec, "serviceName", name, "selector")
    existing = named_service(subject, name)
    if existing is not None:  # clusterIP cannot be changed in place: this one replaces it
        service = copy.deepcopy(existing.data)
        service.setdefault("spec", {})["clusterIP"] = "None"
        return service
    selector = (spec.get("selector") or {}).get("matchLabels") or dict(subject.labels)
    ports = []
    for c in subject.containers:
        for port in c.spec.get("ports") or []:
            if isinstance(port, dict) and isinstance(port.get("containerPort"), int):
                entry = {"name": port["name"]} if port.get("name") else {}
                entry.update({"port": port["containerPort"], "targetPort": port["containerPort"]})
                ports.append(entry)
    meta = {"name": name}
    if subject.obj.namespace:
        meta["namespace"] = subject.obj.namespace
    service_spec = {"clusterIP": "None", "selector": dict(selector)}
    if ports:
        service_spec["ports"] = ports
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": service_spec}
