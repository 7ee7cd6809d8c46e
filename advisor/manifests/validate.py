"""Checking objects as a cluster of one Kubernetes version would.

Two layers. ``schema_problems``: the strict JSON schemas that kubernetes-validate
ships (1.25 to 1.37, read from its package, never from the network), with one
cached validator per version and kind: building a validator means reading a
1.4 MB definitions file, validating with a built one takes a fraction of a
millisecond. ``api_problems``: what the API server refuses although the schemas
allow it (selectors that miss their template, a Service without ports, a probe on
an init container, names too long for the controller's generated names), and the
cross-object promises of a starter manifest (each Service selects exactly one
workload's Pods, a StatefulSet's serviceName is its headless Service).

``pod_security_problems`` checks a Pod template against the Pod Security
Standards, restricted or baseline.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Iterator

from ..errors import format_path

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS_1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_IANA_SVC_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# Generated names: a CronJob's Jobs add 11 characters, a StatefulSet's revision label 11.
MAX_NAME = {"CronJob": 52, "StatefulSet": 52, "Service": 63, "Job": 63, "Pod": 63}
NATIVE_SIDECARS_FROM = 29  # restartPolicy on init containers: off by default in 1.28
# The Pod Security Standards: what "baseline" lets a container add, what "restricted" does.
BASELINE_CAPABILITIES = frozenset({"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                                   "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})
RESTRICTED_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})
RESTRICTED_VOLUMES = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                                "persistentVolumeClaim", "projected", "secret"})


def validate_objects(objects: Iterable[dict], kubernetes: str) -> list[str]:
    """Every reason a cluster of ``kubernetes`` ("1.33") would refuse these objects; empty when none.

    An object the schemas passed in an earlier run is not schema-checked again (known_valid).
    """
    from .known_valid import KnownValid

    objects = list(objects)
    problems = []
    known = KnownValid()
    for obj in objects:
        digest = known.digest(obj, kubernetes)
        if digest in known:
            continue
        found = schema_problems(obj, kubernetes)
        if not found:
            known.add(digest)
        problems += [f"{describe(obj)}: {p}" for p in found]
    known.save()
    problems += api_problems(objects, kubernetes)
    return problems


def describe(obj: dict) -> str:
    return f"{obj.get('kind', '?')} {(obj.get('metadata') or {}).get('name', '?')}"


# -- the JSON schemas ------------------------------------------------------------

def schema_problems(obj: dict, kubernetes: str) -> list[str]:
    """What the strict schema of ``kubernetes`` says about one object."""
    try:
        folder = _schema_folder(kubernetes)
    except ValueError as exc:
        return [str(exc)]
    validator = _validator(folder, obj.get("kind", ""), obj.get("apiVersion", ""))
    if validator is None:
        return [f"Kubernetes {kubernetes} has no {obj.get('apiVersion')} {obj.get('kind')}"]
    errors = sorted(validator.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{format_path(tuple(e.absolute_path)) or '(object)'}: {e.message}" for e in errors]


@functools.lru_cache(maxsize=None)
def _schema_folder(kubernetes: str) -> str:
    """The strict schema folder for a minor version: the newest shipped one not newer than it."""
    from kubernetes_validate.utils import all_versions

    wanted = _minor(kubernetes)
    shipped = sorted({v for v in all_versions() if v.split(".")[0] == "1"}, key=_minor)
    usable = [v for v in shipped if _minor(v) <= wanted]
    if not usable or wanted > _minor(shipped[-1]):
        raise ValueError(f"kubernetes-validate has no schemas for Kubernetes {kubernetes} "
                         f"(it has {shipped[0]} to {shipped[-1]})")
    return f"kubernetes-json-schema/v{usable[-1]}-local-strict"


def _minor(version: str) -> int:
    return int(version.lstrip("v").split(".")[1])


@functools.lru_cache(maxsize=None)
def _definitions(folder: str):
    from kubernetes_validate.utils import schema_contents
    from referencing import Resource

    return Resource.from_contents(schema_contents(f"{folder}/_definitions.json", folder))


@functools.lru_cache(maxsize=None)
def _validator(folder: str, kind: str, api_version: str):
    """The validator kubernetes_validate.validate builds on every call, built once."""
    import jsonschema
    from kubernetes_validate.utils import schema_contents
    from referencing import Registry, Resource

    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = schema_contents(f"{folder}/{kind.lower()}-{group}.json", folder)
    except FileNotFoundError:
        return None
    registry = _definitions(folder) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


# -- what the API server checks beyond the schemas ---------------------------------

def api_problems(objects: list[dict], kubernetes: str) -> list[str]:
    minor = _minor(kubernetes)
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for obj in objects:
        where = describe(obj)
        key = (obj.get("kind", ""), (obj.get("metadata") or {}).get("name", ""))
        if key in seen:
            problems.append(f"{where}: a second object of this kind and name")
        seen.add(key)
        problems += [f"{where}: {p}" for p in _object_problems(obj, minor)]
    problems += _service_problems(objects)
    return problems


def _object_problems(obj: dict, minor: int) -> Iterator[str]:
    kind = obj.get("kind")
    yield from _nulls(obj, ())
    yield from _metadata_problems(obj.get("metadata") or {}, kind, "metadata")
    template_path = pod_template_path(kind)
    if template_path is None:
        return
    template = dig(obj, template_path)
    yield from _metadata_problems(template.get("metadata") or {}, None, format_path(template_path + ("metadata",)))
    spec = template.get("spec") or {}
    where = format_path(template_path + ("spec",))
    yield from _pod_spec_problems(spec, where, kind, minor, claims=_claim_names(obj))
    labels = (template.get("metadata") or {}).get("labels") or {}
    selector = (obj.get("spec") or {}).get("selector")
    if kind in ("Deployment", "StatefulSet", "DaemonSet"):
        match = (selector or {}).get("matchLabels") or {}
        if not match:
            yield "spec.selector.matchLabels: empty; the controller would adopt every Pod of the namespace"
        elif any(labels.get(k) != v for k, v in match.items()):
            yield "spec.selector does not match the Pod template's labels"
    elif kind in ("Job", "CronJob") and selector:
        yield "a Job's selector is generated; setting it needs manualSelector"


def _nulls(value, path) -> Iterator[str]:
    if value is None:
        yield f"{format_path(path)}: null (leave the field out instead)"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nulls(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nulls(item, path + (i,))


def _metadata_problems(meta: dict, kind: str | None, where: str) -> Iterator[str]:
    if kind is not None:
        name = meta.get("name") or ""
        pattern = DNS_1035 if kind == "Service" else _SUBDOMAIN
        if not pattern.match(name) or len(name) > MAX_NAME.get(kind, 253):
            yield (f"{where}.name: {name!r} is not a valid {kind} name "
                   f"({'a letter first, ' if kind == 'Service' else ''}at most {MAX_NAME.get(kind, 253)} characters)")
    for key, value in (meta.get("labels") or {}).items():
        if not _qualified(key):
            yield f"{where}.labels: {key!r} is not a valid label key"
        if not isinstance(value, str) or not _LABEL_VALUE.match(value) or len(value) > 63:
            yield f"{where}.labels.{key}: {value!r} is not a valid label value"
    for key in meta.get("annotations") or {}:
        if not _qualified(key):
            yield f"{where}.annotations: {key!r} is not a valid annotation key"


def _qualified(key: str) -> bool:
    prefix, _, name = key.rpartition("/")
    if prefix and (not _SUBDOMAIN.match(prefix) or len(prefix) > 253):
        return False
    return bool(_QUALIFIED_NAME.match(name)) and len(name) <= 63


def _pod_spec_problems(spec: dict, where: str, kind: str, minor: int, claims: set[str]) -> Iterator[str]:
    containers = spec.get("containers") or []
    init = spec.get("initContainers") or []
    if not containers:
        yield f"{where}.containers: a Pod needs at least one container"
    restart = spec.get("restartPolicy", "Always")
    allowed = {"Deployment": ("Always",), "StatefulSet": ("Always",), "DaemonSet": ("Always",),
               "Job": ("OnFailure", "Never"), "CronJob": ("OnFailure", "Never")}.get(kind)
    if allowed and restart not in allowed:
        yield f"{where}.restartPolicy: {restart!r}; a {kind} accepts only {' or '.join(allowed)}"
    if kind in ("Job", "CronJob") and "restartPolicy" not in spec:
        yield f"{where}.restartPolicy: required for a {kind} (OnFailure or Never)"
    volumes = [v.get("name") for v in spec.get("volumes") or []]
    if len(set(volumes)) != len(volumes):
        yield f"{where}.volumes: a volume name is used twice"
    names = [c.get("name") for c in containers + init]
    if len(set(names)) != len(names):
        yield f"{where}: a container name is used twice"
    for placement, items in (("initContainers", init), ("containers", containers)):
        for i, container in enumerate(items):
            here = f"{where}.{placement}[{i}]"
            native = placement == "initContainers" and container.get("restartPolicy") == "Always"
            yield from _container_problems(container, here, placement, native, minor, set(volumes) | claims)


def _container_problems(container: dict, here: str, placement: str, native: bool, minor: int,
                        volumes: set[str]) -> Iterator[str]:
    policy = container.get("restartPolicy")
    if policy is not None:
        if placement == "containers":
            yield f"{here}.restartPolicy: only init containers (native sidecars) take one"
        elif policy != "Always":
            yield f"{here}.restartPolicy: {policy!r}; an init container accepts only Always"
        elif minor < NATIVE_SIDECARS_FROM:
            yield f"{here}.restartPolicy: native sidecars are off by default before Kubernetes 1.29"
    if placement == "initContainers" and not native:
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            if probe in container:
                yield f"{here}.{probe}: an init container that runs to completion cannot have probes"
    ports = [(p.get("containerPort"), p.get("protocol", "TCP")) for p in container.get("ports") or []]
    if len(set(ports)) != len(ports):
        yield f"{here}.ports: a port is listed twice"
    port_names = [p["name"] for p in container.get("ports") or [] if "name" in p]
    for name in port_names:
        if not _IANA_SVC_NAME.match(name) or len(name) > 15 or not re.search("[a-z]", name):
            yield f"{here}.ports: {name!r} is not a valid port name"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        target = (container.get(probe) or {}).get("tcpSocket", {}).get("port")
        if target is not None and target not in [p for p, _ in ports] and target not in port_names:
            yield f"{here}.{probe}: probes port {target}, which the container does not declare"
    mounts = container.get("volumeMounts") or []
    for mount in mounts:
        if mount.get("name") not in volumes:
            yield f"{here}.volumeMounts: no volume {mount.get('name')!r}"
    paths = [m.get("mountPath") for m in mounts]
    if len(set(paths)) != len(paths):
        yield f"{here}.volumeMounts: a mountPath is used twice"
    resources = container.get("resources") or {}
    for resource, request in (resources.get("requests") or {}).items():
        limit = (resources.get("limits") or {}).get(resource)
        if limit is not None and quantity(request) > quantity(limit):
            yield f"{here}.resources: the {resource} request {request} is above its limit {limit}"


def _claim_names(obj: dict) -> set[str]:
    if obj.get("kind") != "StatefulSet":
        return set()
    return {(t.get("metadata") or {}).get("name") for t in (obj.get("spec") or {}).get("volumeClaimTemplates") or []}


def _service_problems(objects: list[dict]) -> Iterator[str]:
    workloads = [o for o in objects if o.get("kind") in WORKLOAD_KINDS]
    services = {o["metadata"]["name"]: o for o in objects if o.get("kind") == "Service"}
    for name, service in services.items():
        where = describe(service)
        spec = service.get("spec") or {}
        ports = spec.get("ports") or []
        headless = spec.get("clusterIP") == "None"
        if not ports and not headless:
            yield f"{where}: spec.ports: a Service with a cluster IP needs at least one port"
        if len(ports) > 1 and not all(p.get("name") for p in ports):
            yield f"{where}: spec.ports: every port needs a name when there are several"
        for key in ("name", "port"):
            values = [p.get(key) for p in ports if p.get(key) is not None]
            if len(set(values)) != len(values):
                yield f"{where}: spec.ports: a port {key} is used twice"
        selector = spec.get("selector") or {}
        selected = [w for w in workloads if selector and _selects(selector, pod_labels(w))]
        if len(selected) != 1:
            names = ", ".join(describe(w) for w in selected) or "no Pods"
            yield f"{where}: spec.selector selects {names}; it must select the Pods of exactly one workload"
        else:
            yield from (f"{where}: {p}" for p in _targets(ports, selected[0]))
    for workload in workloads:
        if workload.get("kind") != "StatefulSet":
            continue
        name = (workload.get("spec") or {}).get("serviceName")
        service = services.get(name)
        if service is None or (service.get("spec") or {}).get("clusterIP") != "None":
            yield f"{describe(workload)}: spec.serviceName {name!r} is not a headless Service of this manifest"
        elif not _selects(service["spec"].get("selector") or {}, pod_labels(workload)):
            yield f"{describe(workload)}: its headless Service {name} does not select its Pods"


def _targets(ports: list[dict], workload: dict) -> Iterator[str]:
    spec = dig(workload, pod_template_path(workload["kind"]) + ("spec",))
    declared = {p.get("containerPort") for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])
                for p in c.get("ports") or []}
    for port in ports:
        target = port.get("targetPort", port.get("port"))
        if isinstance(target, int) and target not in declared:
            yield f"spec.ports: targetPort {target} is not a port of {describe(workload)}'s containers"


def _selects(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


# -- the Pod Security Standards ------------------------------------------------------

def pod_security_problems(obj: dict, baseline_for: Iterable[str] = ()) -> list[str]:
    """Where a workload's Pod falls short of the restricted profile (baseline for ``baseline_for`` containers)."""
    kind = obj.get("kind")
    template_path = pod_template_path(kind)
    if template_path is None:
        return []
    spec = dig(obj, template_path + ("spec",))
    pod = spec.get("securityContext") or {}
    baseline_for = set(baseline_for)
    problems = []
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key):
            problems.append(f"{key}: not allowed")
    for volume in spec.get("volumes") or []:
        kinds = set(volume) - {"name"}
        if not kinds <= RESTRICTED_VOLUMES:
            problems.append(f"volume {volume.get('name')}: {', '.join(sorted(kinds))} is not allowed")
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        name = container.get("name")
        context = container.get("securityContext") or {}
        capabilities = context.get("capabilities") or {}
        restricted = name not in baseline_for
        if context.get("privileged"):
            problems.append(f"{name}: privileged")
        seccomp = (context.get("seccompProfile") or pod.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost") and (restricted or seccomp == "Unconfined"):
            problems.append(f"{name}: seccompProfile must be RuntimeDefault or Localhost")
        allowed = RESTRICTED_CAPABILITIES if restricted else BASELINE_CAPABILITIES
        if set(capabilities.get("add") or []) - allowed:
            problems.append(f"{name}: adds capabilities beyond {'restricted' if restricted else 'baseline'}")
        if not restricted:
            continue
        if context.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{name}: allowPrivilegeEscalation must be false")
        if "ALL" not in (capabilities.get("drop") or []):
            problems.append(f"{name}: capabilities must drop ALL")
        if context.get("runAsNonRoot", pod.get("runAsNonRoot")) is not True:
            problems.append(f"{name}: runAsNonRoot must be true")
        if context.get("runAsUser", pod.get("runAsUser")) == 0:
            problems.append(f"{name}: runAsUser 0")
    return problems


# -- shared helpers --------------------------------------------------------------------

def pod_template_path(kind: str | None) -> tuple | None:
    """Where a workload kind keeps its Pod (template); () for a bare Pod, None for other kinds."""
    return {"Pod": (), "CronJob": ("spec", "jobTemplate", "spec", "template")}.get(
        kind, ("spec", "template") if kind in WORKLOAD_KINDS else None)


def pod_labels(obj: dict) -> dict:
    return (dig(obj, pod_template_path(obj.get("kind")) + ("metadata",)) or {}).get("labels") or {}


def dig(obj: dict, path: tuple) -> dict:
    for key in path:
        obj = (obj or {}).get(key) or {}
    return obj


_SUFFIXES = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
             "Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60,
             "n": 1e-9, "u": 1e-6}


def quantity(value) -> float:
    """A Kubernetes quantity ("250m", "1Gi", 2) as a number."""
    match = re.fullmatch(r"([0-9.]+(?:[eE][-+]?[0-9]+)?)([a-zA-Z]*)", str(value))
    if not match or match.group(2) not in _SUFFIXES and match.group(2):
        raise ValueError(f"not a quantity: {value!r}")
    return float(match.group(1)) * _SUFFIXES.get(match.group(2), 1)
