"""A workload object turned into the facts the engine reasons on.

The reviewer does not judge manifests with rules of its own where the advisor
already has one: it reads each object back into ``advisor.model.Answers`` (the
main container and the others, shared volumes, localhost, ports, resources, the
controller, restartPolicy, whether the work finishes) and lets the same engine
that answers ``pod-advisor evaluate`` say what it would recommend. The checks
then compare the manifest with that recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import annotations as keys
from ..model import Answers, Container
from . import guess
from .objects import TEMPLATE_PATHS, Inputs, ManifestObject

# Volumes any Pod can mount on its own: sharing one is no reason to share a Pod.
_INDEPENDENT_VOLUMES = ("configMap", "secret", "projected", "downwardAPI")
_COMPLETING_KINDS = ("Job", "CronJob")


@dataclass
class ManifestContainer:
    """A container as the manifest has it, and what the reviewer read from it."""

    index: int  # its position in the Answers (regular containers first, then init containers)
    name: str
    spec: dict
    placement: str  # containers | initContainers
    native: bool  # an init container with restartPolicy Always (a native sidecar)
    path: tuple  # key path in the document
    line: int
    main: bool = False
    purpose: str = "other"
    purpose_why: str | None = None  # the guess behind the purpose, None when stated or not needed
    shares_volume: bool = False
    same_node: bool = False  # stated by the pod-advisor.io/same-node.<name> annotation
    localhost_why: str | None = None  # why it is taken to talk with the main container over localhost

    @property
    def ports(self) -> tuple[int, ...]:
        found = []
        for port in self.spec.get("ports") or []:
            number = port.get("containerPort") if isinstance(port, dict) else None
            if isinstance(number, int) and not isinstance(number, bool) and 0 < number < 65536:
                found.append(number)
        return tuple(found)

    @property
    def image(self) -> str:
        return str(self.spec.get("image") or "")

    def texts(self) -> list[tuple[tuple, str, str]]:
        """(key path, label, text) of every command word, argument and literal env value."""
        found = []
        for key in ("command", "args"):
            for i, word in enumerate(self.spec.get(key) or []):
                if isinstance(word, (str, int, float)):
                    found.append((self.path + (key, i), key, str(word)))
        for i, var in enumerate(self.spec.get("env") or []):
            if isinstance(var, dict) and isinstance(var.get("value"), (str, int, float)):
                found.append((self.path + ("env", i, "value"), f"env {var.get('name')}", str(var["value"])))
        return found


@dataclass
class Subject:
    """One reviewed object: the manifest side and the answers read from it."""

    obj: ManifestObject
    inputs: Inputs
    template_path: tuple
    containers: list[ManifestContainer]
    annotations: dict[str, str]
    services: list[ManifestObject]
    answers: Answers
    controller: str  # what owns the Pods: the kind, or a bare Pod's owner kind, or "Pod"
    completes: bool
    completes_why: str | None = None  # the guess behind completes, None when the manifest says so
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, text) for the user

    @property
    def pod_spec(self) -> dict:
        spec = self.obj.get(*self.template_path, "spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def labels(self) -> dict:
        labels = self.obj.get(*self.template_path, "metadata", "labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def main(self) -> ManifestContainer:
        return next(c for c in self.containers if c.main)

    @property
    def restart_policy(self) -> str:
        """The Pod's restartPolicy as Kubernetes applies it (Always when unset)."""
        return str(self.pod_spec.get("restartPolicy") or "Always")

    def container(self, name: str) -> ManifestContainer | None:
        return next((c for c in self.containers if c.name == name), None)

    def spec_line(self, *keys) -> int:
        return self.obj.line(*self.template_path, "spec", *keys)


def annotations_of(obj: ManifestObject, template_path: tuple) -> dict[str, str]:
    """The object's annotations, then its Pod template's (which win on a clash)."""
    merged: dict[str, str] = {}
    for meta in (obj.metadata, obj.get(*template_path, "metadata") if template_path else None):
        notes = meta.get("annotations") if isinstance(meta, dict) else None
        if isinstance(notes, dict):
            merged.update({str(k): "" if v is None else str(v) for k, v in notes.items()})
    return merged


def owner_kind(obj: ManifestObject) -> str | None:
    for ref in obj.metadata.get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller") is True:
            return str(ref.get("kind") or "") or None
    return None


def selects(service: ManifestObject, labels: dict) -> bool:
    selector = service.get("spec", "selector")
    return (isinstance(selector, dict) and bool(selector)
            and all(k in labels and str(labels[k]) == str(v) for k, v in selector.items()))


def describe(obj: ManifestObject, inputs: Inputs, kubernetes: str, purposes: tuple[str, ...]) -> Subject | None:
    """The Subject for a reviewed object, or None when it holds no container to review."""
    template_path = TEMPLATE_PATHS[obj.kind]
    spec = obj.get(*template_path, "spec")
    if not isinstance(spec, dict) or not isinstance(spec.get("containers"), list) or not spec["containers"]:
        return None
    annotations = annotations_of(obj, template_path)
    containers = _containers(obj, template_path, spec, annotations)
    if not containers:
        return None
    notes: list[tuple[int, str]] = []
    _purposes(obj, containers, annotations, purposes, notes)
    _colocation(spec, containers)
    for container in containers:
        container.same_node = annotations.get(keys.SAME_NODE + container.name) == "true"

    owner = owner_kind(obj) if obj.kind == "Pod" else None
    controller = owner or obj.kind
    restart = str(spec.get("restartPolicy") or "Always")
    completes, completes_why = _completes(obj.kind, owner, restart, containers)
    labels = obj.get(*template_path, "metadata", "labels") or {}
    services = [s for s in inputs.of_kind("Service")
                if s.same_namespace(obj) and isinstance(labels, dict) and selects(s, labels)]

    name = obj.name
    if any(c.name == name and not c.main for c in containers):
        name += "-workload"  # the engine names a separated container's workload after it
    answers = Answers(
        name=name,
        containers=tuple(_answer(c) for c in containers),
        kubernetes=kubernetes,
        environment="experiment" if annotations.get(keys.ENVIRONMENT) == "experiment" else "production",
        runs_to_completion=completes,
        schedule=str(obj.get("spec", "schedule")) if obj.kind == "CronJob" and obj.get("spec", "schedule") else None,
        keep_failed_attempts=completes and restart == "Never",
        one_per_node=controller == "DaemonSet",
        stable_identity=controller == "StatefulSet",
        replicas=_replicas(obj, inputs),
        addressed_by_others=bool(services),
        source=obj.file,
    )
    return Subject(obj, inputs, template_path, containers, annotations, services, answers, controller,
                   completes, completes_why, notes)


def _containers(obj, template_path, spec, annotations) -> list[ManifestContainer]:
    base = obj.path + template_path + ("spec",)
    regular, init = [], []
    for placement, target in (("containers", regular), ("initContainers", init)):
        for i, item in enumerate(spec.get(placement) or []):
            if not isinstance(item, dict):
                continue
            target.append(ManifestContainer(
                index=0, name=str(item.get("name") or f"{placement}[{i}]"), spec=item, placement=placement,
                native=placement == "initContainers" and item.get("restartPolicy") == "Always",
                path=base + (placement, i), line=obj.doc.line(base + (placement, i)) or 1,
            ))
    if not regular:
        return []
    default = annotations.get(keys.DEFAULT_CONTAINER)
    main = next((c for c in regular if c.name == default), regular[0])
    main.main = True
    ordered = regular + init
    for index, container in enumerate(ordered):
        container.index = index
    return ordered


def _purposes(obj, containers, annotations, purposes, notes) -> None:
    for container in containers:
        if container.main:
            continue
        stated = annotations.get(keys.PURPOSE + container.name)
        if stated is not None:
            if stated in purposes:
                container.purpose = stated
                continue
            notes.append((obj.line("metadata"), f"annotation {keys.PURPOSE}{container.name}: {stated!r} "
                                                f"is not a purpose ({', '.join(purposes)}); guessing instead"))
        if container.placement == "initContainers" and not container.native:
            container.purpose = "prepare"
        else:
            container.purpose, container.purpose_why = guess.guess_purpose(container.name, container.image)


def _colocation(spec: dict, containers: list[ManifestContainer]) -> None:
    """Shared volumes and localhost, read from volume mounts, env values and arguments."""
    independent = {v.get("name") for v in spec.get("volumes") or []
                   if isinstance(v, dict) and any(k in v for k in _INDEPENDENT_VOLUMES)}

    def mounts(c: ManifestContainer) -> set:
        return {m.get("name") for m in c.spec.get("volumeMounts") or [] if isinstance(m, dict)} - independent

    main = next(c for c in containers if c.main)
    main_text = " ".join(text for _, _, text in main.texts())
    main_localhost = guess.mentions_localhost(main_text)
    main_numbers = guess.numbers_in(main_text)
    helpers = [c for c in containers if not c.main]
    matched = [c for c in helpers if main_localhost and main_numbers & set(c.ports)]
    for c in helpers:
        c.shares_volume = bool(mounts(c) & mounts(main))
        if c in matched:
            c.localhost_why = f"{main.name} addresses localhost at its port"
        elif main_localhost and not matched:
            c.localhost_why = f"{main.name} addresses localhost (which container, the reviewer cannot tell)"
        elif guess.mentions_localhost(" ".join(text for _, _, text in c.texts())):
            c.localhost_why = f"{c.name} addresses localhost"
        elif c.purpose in guess.LOCALHOST_BY_NATURE:
            c.localhost_why = f"{guess.kind_of(c.purpose)} reaches the main container over localhost by nature"


def _completes(kind, owner, restart, containers) -> tuple[bool, str | None]:
    if kind in _COMPLETING_KINDS or owner in _COMPLETING_KINDS:
        return True, None
    if kind != "Pod" or owner:
        return False, None
    if restart in ("Never", "OnFailure"):
        return True, None
    main = next(c for c in containers if c.main)
    return guess.guess_completes(main.spec)


def _replicas(obj: ManifestObject, inputs: Inputs) -> int:
    replicas = obj.get("spec", "replicas")
    for hpa in inputs.of_kind("HorizontalPodAutoscaler"):
        target = ("spec", "scaleTargetRef")
        if hpa.same_namespace(obj) and hpa.get(*target, "kind") == obj.kind and hpa.get(*target, "name") == obj.name:
            replicas = hpa.get("spec", "minReplicas", default=1)
    if isinstance(replicas, bool) or not isinstance(replicas, int):
        replicas = 1
    return max(1, replicas)


def _answer(c: ManifestContainer) -> Container:
    resources = c.spec.get("resources") if isinstance(c.spec.get("resources"), dict) else {}

    def quantity(name: str) -> str | None:
        for level in ("requests", "limits"):
            values = resources.get(level)
            if isinstance(values, dict) and values.get(name) is not None:
                return str(values[name])
        return None

    return Container(
        index=c.index, name=c.name, image=c.image, main=c.main, ports=c.ports,
        cpu=quantity("cpu"), memory=quantity("memory"),
        purpose="other" if c.main else c.purpose,
        shares_volume=not c.main and c.shares_volume,
        uses_localhost=not c.main and c.localhost_why is not None,
        same_node=not c.main and c.same_node,
        stable_identity=c.purpose in guess.DATABASES,
    )
