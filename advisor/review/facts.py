"""A workload object turned into the facts the engine reasons on.

The reviewer does not judge manifests with rules of its own where the advisor
already has one: it reads each object back into ``advisor.domain.model.Answers`` (the
main container and the others, what ties each to the main one, ports, resources,
the controller, restartPolicy, whether the work finishes) and lets the same engine
that answers ``pod-advisor evaluate`` say what it would recommend. The checks then
compare the manifest with that recommendation.

What a manifest does not state, the reviewer reads from evidence and says so:
which container is the main one (``main_why``), what a helper is for
(``purpose_why``), what keeps it in the Pod (``tie``), whether it finishes
(``runtime``). Where the evidence is thin it keeps the design its author wrote:
a container that nothing shows to be a service of its own stays in its Pod.
"""

from __future__ import annotations

import functools
import os
import re

from dataclasses import field
from typing import Iterator

from advisor.domain import annotations as keys
from advisor.domain.model import Answers, Container
from advisor.domain.vocabulary import POD_TEMPLATE_PATHS
from advisor.review import images
from advisor.review.addresses import without_comments
from advisor.review.images import Guess
from advisor.review.intent import (COMMAND, EXEC_BOX, FINISHES, GENERATED, IMAGE, INTERACTIVE, NAMED, POLICY,
                                   PREPARED, REACHED, SERVICE, SIBLING, STATED, UNKNOWN, UNTIL_STOPPED, WAITING_SIBLING,
                                   Evidence, Intent, ci_owner, debug_name, decide, interactive)
from advisor.review.objects import STDIN, Inputs, ManifestObject, matches
from advisor.review.repository import reached_by_name, static_placement
from advisor.review.runtime import Runtime, runtime_of
from advisor.review.ties import INDEPENDENT_VOLUMES, Member, Tie, find_ties
from advisor.system.patterns import lazy
from advisor.system.records import record

_COMPLETING_KINDS = ("Job", "CronJob")
# Families that reach the main container over localhost by nature; their upstream
# usually sits in a file the reviewer cannot read.
_LOCALHOST_BY_NATURE = frozenset({"proxy-inbound", "proxy-outbound", "reshape-output"})
# Labels and images of the control plane's static Pods, which the kubelet runs from files.
_STATIC_COMPONENTS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", "kube-vip")
# Programs that, on the host network, run as static Pods beside those: kube-proxy on every node, and the addon
# manager, whose upstream manifest (kubernetes/kubernetes cluster/gce/manifests/kube-addon-manager.yaml) the
# kubelet of each control-plane node reads from its manifest folder (it creates the cluster's add-ons).
_NODE_PROGRAMS = _STATIC_COMPONENTS + ("kube-proxy", "kube-addon-manager")
# The suffixes of the images built per architecture (kube-addon-manager-amd64, kube-proxy-arm64)
_ARCH_SUFFIX = lazy(r"-(?:amd64|arm64|arm|ppc64le|s390x)$")


@record
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
    family: Guess = field(default_factory=lambda: Guess("other", None))
    runtime: Runtime = field(default_factory=lambda: Runtime(None))
    purpose: str = "other"
    purpose_why: str | None = None  # the guess behind the purpose, None when stated or not needed
    same_node: bool = False  # stated by the pod-advisor.io/same-node.<name> annotation
    tie: Tie | None = None  # what keeps it in the main container's Pod; None: nothing does

    @property
    def ports(self) -> tuple[int, ...]:
        found = []
        for port in self.spec.get("ports") or []:
            number = port.get("containerPort") if isinstance(port, dict) else None
            if isinstance(number, int) and not isinstance(number, bool) and 0 < number < 65536:
                found.append(number)
        return tuple(found)

    @property
    def port_names(self) -> tuple[str, ...]:
        return tuple(str(p["name"]) for p in self.spec.get("ports") or [] if isinstance(p, dict) and p.get("name"))

    @property
    def image(self) -> str:
        return str(self.spec.get("image") or "")

    @property
    def mounts(self) -> tuple[str, ...]:
        """The volumes it mounts (its data, for a database)."""
        return tuple(str(m.get("name")) for m in self.spec.get("volumeMounts") or [] if isinstance(m, dict))

    @property
    def shares_volume(self) -> bool:
        return self.tie is not None and self.tie.kind == "volume"

    @property
    def uses_localhost(self) -> bool:
        return self.tie is not None and self.tie.kind == "localhost"

    def texts_only(self) -> list[tuple[str, str]]:
        """(label, text) of every command word, argument and literal env value."""
        return [(label, text) for _, label, text in self.texts()]

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


@record
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
    main_why: str | None = None  # the evidence behind the choice of main container, when it was chosen
    static_why: str | None = None  # why a bare Pod is taken for a static Pod the kubelet runs
    # why a bare Pod is taken for one that something uses as a Pod (a test waits on its phase, an admission
    # policy beside it is shown admitting or denying it), which a controller's Pods would not be
    used_why: str | None = None
    idle_why: str | None = None  # why a bare Pod is taken for a box to exec into (a debugging Pod)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, text) for the user
    intent: Intent = field(default_factory=lambda: Intent(UNKNOWN))  # what the Pod is for, and the evidence

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

    def config_values(self, c: ManifestContainer) -> Iterator[tuple[ManifestObject, str, int]]:
        """(ConfigMap, key, line) of each value a container reads from ConfigMaps in the input."""
        return config_values(self.obj, self.inputs, self.pod_spec, c.spec)


@record(frozen=True)
class Skip:
    """An object that is not reviewed, and why."""

    line: int
    text: str


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


def describe(obj: ManifestObject, inputs: Inputs, kubernetes: str, purposes: tuple[str, ...]) -> Subject | Skip:
    """The Subject for a reviewed object, or a Skip saying why it is not reviewed."""
    template_path = POD_TEMPLATE_PATHS[obj.kind]
    spec = obj.get(*template_path, "spec")
    containers = _containers(obj, template_path, spec) if isinstance(spec, dict) else []
    skip = _not_an_object(obj, inputs, containers)
    if skip is not None:
        return skip
    annotations = annotations_of(obj, template_path)

    owner = owner_kind(obj) if obj.kind == "Pod" else None
    controller = owner or obj.kind
    restart = str(spec.get("restartPolicy") or "Always")
    policy_completion = controller == "Pod" and restart in ("Never", "OnFailure")
    stated_completion = obj.kind in _COMPLETING_KINDS or owner in _COMPLETING_KINDS or policy_completion
    labels = obj.get(*template_path, "metadata", "labels") or {}
    services = inputs.services_selecting(obj, labels) if isinstance(labels, dict) else []

    files = _mounted_files(obj, inputs, spec)
    for c in containers:
        c.family = images.family_of(c.name, c.image)
        c.runtime = runtime_of(c.spec, files(c.spec))
    # a server whose content another container prepares runs until stopped, whatever the restartPolicy
    # says: OnFailure or Never only keeps the preparing step from running again
    prepared = _server_and_preparer(containers, spec) if policy_completion else None
    main_why = _choose_main(containers, annotations, services, stated_completion and prepared is None,
                            _workload_names(obj, labels))
    main = next(c for c in containers if c.main)

    notes: list[tuple[int, str]] = [note for c in containers if (note := _image_note(obj, c))]
    _purposes(obj, containers, annotations, purposes, notes, stated_completion and prepared is None)
    members = [Member(c.name, c.image, c.spec,
                      [(label, text) for _, label, text in c.texts()] + _config_texts(obj, inputs, spec, c.spec),
                      c.family)
               for c in containers]
    ties = find_ties(spec, members, per_node=controller == "DaemonSet")
    for c in containers:
        if c.main:
            continue
        c.same_node = annotations.get(keys.SAME_NODE + c.name) == "true"
        c.tie = ties.to_main(main.name, c.name) or _tie_by_nature(c)

    intent = _intent(obj, controller, owner, restart, containers, services, prepared, isinstance(labels, dict)
                     and labels or {}, spec, _adopter(obj, inputs, labels) if controller == "Pod" else None)
    if controller == "Pod":
        completes = intent.verdict == FINISHES
        completes_why = intent.why if completes and not intent.stated else None
    else:
        completes, completes_why = stated_completion, None

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
    bare = controller == "Pod"
    # the Pod only waits, or keeps a terminal open: a box to exec into (its helpers serve that box)
    idle_why = (f"{intent.why}: a Pod to exec into, for debugging or a demo"
                if bare and intent.verdict == EXEC_BOX else None)
    return Subject(obj, inputs, template_path, containers, annotations, services, answers, controller,
                   completes, completes_why, main_why, _static_pod(obj, spec, inputs) if bare else None,
                   used_as_an_example(obj, inputs) if bare else None, idle_why, notes, intent)


# Controllers that adopt any Pod without an owner whose labels their selector matches. A Deployment's
# ReplicaSets select its pod-template-hash too, so they adopt nothing written by hand.
_ADOPTING_KINDS = ("ReplicaSet", "ReplicationController")


_TEST_DATA_FOLDERS = ("fixtures", "testdata", "test-data", "test-fixtures", "__fixtures__", "golden")


# Folders of a repository's tests: a bare Pod there is created, waited on (kubectl wait --for
# jsonpath={.status.phase}=Running) and exec'd into by name by the tests, which a Deployment's Pods defeat.
_TEST_FOLDERS = ("test", "tests", "e2e", "e2e-tests", "integration", "test-e2e", "testing")
# API groups of admission policies: Gatekeeper's constraints, Kyverno's policies, Kubernetes' own.
_POLICY_GROUPS = ("constraints.gatekeeper.sh", "kyverno.io", "admissionregistration.k8s.io")


def used_as_an_example(obj: ManifestObject, inputs: Inputs) -> str | None:
    """Why a bare Pod is one that something uses as a Pod (and any object one that a test or a policy check uses
    as written), or None: a test's Pod (in a folder of tests), or
    an admission policy's example, which a policy test or a policy engine's CLI matches and nothing runs (a file a
    Kyverno or Gatekeeper policy test among the inputs checks, one in a folder named for a policy's verdict beside
    its opposite, or one under the folder that holds a Gatekeeper, Kyverno or Kubernetes policy of the input, in the
    policy's own folder or below a folder named for examples or a verdict, as gatekeeper/examples/bad/ beside
    gatekeeper/policies/; not a course's other topic, cks/topic-24/ beside the policy's cks/topic-22/)."""
    if obj.file == STDIN or not os.path.isfile(obj.file):
        return None  # review --cluster: a live Pod is not an example
    # the file's folder or the one above it (tests/files/pod.vol): a test folder higher up is a checkout's
    # place, not the Pod's role (a project kept under ~/tests, a fixture of a reviewer's own tests)
    folders = [part.lower() for part in os.path.normpath(obj.file).split(os.sep)[:-1]][-2:]
    test = next((f for f in folders if f in _TEST_FOLDERS), None)
    if test:
        return f"it is in a folder of tests ({test}/), whose tests create it, wait on it and use it by its name"
    test = inputs.tested_by(obj)
    if test:
        return (f"the policy test {os.path.relpath(test, os.path.dirname(os.path.abspath(obj.file)))} checks it: it is "
                f"an example of what its policies admit or deny, matched as a Pod, and a controller's Pods would be "
                f"another case")
    pair = _verdict_folders(obj.file)
    if pair and _policy_folders(inputs):
        return (f"its folder {pair[0]}/ sits beside {pair[1]}/, and the files hold admission policies: the Pod is an "
                f"example of what a policy admits or denies, matched as a Pod, and a controller's Pods would be "
                f"another case")
    path = os.path.abspath(obj.file)
    for folder, (policy, owns) in _policy_folders(inputs).items():
        if path.startswith(folder + os.sep) and (any(path.startswith(own + os.sep) for own in owns)
                                                 or _examples_between(folder, path)):
            return (f"the admission policy {policy} sits in the same tree ({os.path.basename(folder)}/): the Pod "
                    f"is an example of what it admits or denies, and a controller's Pods would be another case")
    return None


def _examples_between(tree: str, path: str) -> bool:
    """Whether a folder between the policy's tree and the file at ``path`` is named for examples or a verdict."""
    between = os.path.relpath(os.path.dirname(path), tree).split(os.sep)
    return any(part.lower() in _EXAMPLE_FOLDERS for part in between)


# Folders that hold a policy's examples by the verdict they expect, each with its opposite beside it.
_VERDICT_FOLDERS = {"compliant": ("noncompliant", "non-compliant"), "noncompliant": ("compliant",),
                    "non-compliant": ("compliant",), "pass": ("fail",), "fail": ("pass",), "good": ("bad",),
                    "bad": ("good",), "allowed": ("denied", "disallowed"), "denied": ("allowed",),
                    "disallowed": ("allowed",), "valid": ("invalid",), "invalid": ("valid",)}


# Folders that hold a policy's examples (gatekeeper/examples/bad/ beside gatekeeper/policies/), as against a course's
# topic folders, each a lesson of its own (cks/topic-24/ beside the policy's cks/topic-22/: blind round 39).
_EXAMPLE_FOLDERS = frozenset({"example", "examples", "sample", "samples", "test", "tests", "testdata", "test-data",
                              "fixtures", *_VERDICT_FOLDERS})


def _verdict_folders(file: str) -> tuple[str, str] | None:
    """(the file's folder, its opposite beside it) when the file sits in a folder named for a verdict a policy
    test expects (compliant/, noncompliant/) with its opposite beside it, else None."""
    folder = os.path.dirname(os.path.abspath(file))
    name = os.path.basename(folder).lower()
    for other in _VERDICT_FOLDERS.get(name, ()):
        beside = os.path.join(os.path.dirname(folder), other)
        if os.path.isdir(beside):
            return os.path.basename(folder), os.path.basename(beside)
    return None


def _policy_folders(inputs: Inputs) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The folder above each admission policy's folder among the inputs -> (the first policy's label, the folders the
    policies of that tree sit in): the tree whose Pods may be their examples. Worked out once for the input."""
    return inputs.once("policy folders", lambda: _find_policy_folders(inputs))


def _find_policy_folders(inputs: Inputs) -> dict[str, tuple[str, tuple[str, ...]]]:
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for other in inputs.objects:
        group = other.group
        if other.file != STDIN and group in _POLICY_GROUPS:
            if group == "admissionregistration.k8s.io" and "Policy" not in other.kind:
                continue  # a webhook configuration: no examples are written for it
            own = os.path.dirname(os.path.abspath(other.file))
            label, owns = found.get(os.path.dirname(own), (other.label, ()))
            found[os.path.dirname(own)] = (label, owns if own in owns else owns + (own,))
    return found


def _recorded_response(obj: ManifestObject) -> str | None:
    """What the object is when it is an API server's answer kept as test data (a status, a uid, a
    creationTimestamp, in a folder of fixtures): what a stub kubectl feeds a test, not a manifest anyone
    applies."""
    if obj.file == STDIN:
        return None
    folders = {part.lower() for part in os.path.normpath(obj.file).split(os.sep)[:-1]}
    if not folders & set(_TEST_DATA_FOLDERS) or not os.path.isfile(obj.file):
        return None  # review --cluster names objects NAMESPACE/KIND/NAME, and a namespace may be "testdata"
    metadata = obj.metadata
    if obj.data.get("status") or metadata.get("uid") or metadata.get("creationTimestamp") or metadata.get(
            "resourceVersion"):
        return "an API server's answer kept as test data (it has the status or uid a server fills in)"
    return None


def _adopter(obj: ManifestObject, inputs: Inputs, labels) -> str | None:
    """The ReplicaSet or ReplicationController among the inputs (linked to the bare Pod) that adopts it."""
    if not isinstance(labels, dict) or not labels:
        return None
    for kind in _ADOPTING_KINDS:
        for other in inputs.of_kind(kind):
            selector = other.get("spec", "selector")
            if kind == "ReplicaSet":
                selector = selector.get("matchLabels") if isinstance(selector, dict) else None
            if (other is not obj and obj.links_to(other) and _one_namespace(obj, other)
                    and matches(selector, labels)):
                return (f"{other.label} ({other.file}:{other.line()}) adopts it: its selector matches the Pod's "
                        f"labels, so it owns and replaces the Pod")
    return None


def _one_namespace(pod: ManifestObject, controller: ManifestObject) -> bool:
    """Whether the Pod and the controller land in one namespace, as a controller must to adopt a Pod.

    An object that names no namespace is applied to the one kubectl is pointed at, "default" unless the
    user chose another: so a Pod that names "dev" beside a ReplicaSet that names none are, as written,
    in two namespaces, and the ReplicaSet adopts nothing (blind round 32). Linked (``links_to``) is not
    enough: it only says that nothing written sets the two apart.
    """
    return (pod.namespace or "default") == (controller.namespace or "default")


def _intent(obj, controller, owner, restart, containers, services, prepared, labels, spec,
            adopter: str | None = None) -> Intent:
    """What the Pod is for, from every piece of evidence the manifest gives (advisor.review.intent)."""
    if controller != "Pod":
        says = FINISHES if controller in _COMPLETING_KINDS else UNTIL_STOPPED
        stated = f"its owner is a {owner}" if owner else f"it is a {controller}"
        return decide([Evidence(says, STATED, stated)])
    regular = [c for c in containers if c.placement == "containers"]
    main = next(c for c in containers if c.main)
    evidence: list[Evidence] = []
    box = interactive(regular)
    if box:
        evidence.append(Evidence(EXEC_BOX, INTERACTIVE, box))
    runtime = main.runtime
    if runtime.runs is not None:
        says = EXEC_BOX if runtime.idle else UNTIL_STOPPED if runtime.endless else FINISHES
        evidence.append(Evidence(says, IMAGE if runtime.basis == "image" else COMMAND, f"{main.name}: {runtime.why}"))
    if prepared is not None:
        evidence.append(Evidence(UNTIL_STOPPED, PREPARED, prepared))
    if restart == "Never":
        evidence.append(Evidence(FINISHES, POLICY, f"restartPolicy {restart}: its author lets it end"))
    elif restart == "OnFailure":
        evidence.append(Evidence(FINISHES, POLICY, _ON_FAILURE))
    if services:
        evidence.append(Evidence(UNTIL_STOPPED, SERVICE, f"the Service {services[0].name} sends it traffic"))
    others = [c for c in regular if not c.main]
    for c in others:
        if c.runtime.endless and not c.runtime.idle and not c.family.helper:
            evidence.append(Evidence(UNTIL_STOPPED, SIBLING, f"{c.name} beside {main.name} never ends "
                                                             f"({c.runtime.why}), so the Pod never completes"))
            break
    if runtime.runs is None and not any(c.runtime.endless and not c.runtime.idle for c in others):
        waiting = next((c for c in others if c.runtime.idle), None)
        if waiting is not None:
            evidence.append(Evidence(EXEC_BOX, WAITING_SIBLING, f"{waiting.name} only waits ({waiting.runtime.why}), "
                                                                f"and nothing in the Pod serves"))
    named = debug_name(str(obj.metadata.get("name") or ""), obj.file)
    if named:
        evidence.append(Evidence(EXEC_BOX, NAMED, named))
    reached = reached_by_name(obj.file, str(obj.metadata.get("name") or ""))
    if reached:
        # a box its instructions work in, by the name they know it by (blind round 35: toolboxes a book's commands
        # exec into, a helper a script copies files out of); weak: a tutorial execs into its servers too
        evidence.append(Evidence(EXEC_BOX, REACHED, f"{reached}: it reaches into the Pod by its name"))
    if obj.metadata.get("generateName") and not obj.metadata.get("name"):
        evidence.append(Evidence(FINISHES, GENERATED, "its generateName makes it anew each time it is created, "
                                                      "as a tool or a script makes one-off Pods"))
    doubt = None
    ranked = sorted(evidence, key=lambda e: -e.rank)
    if ranked and ranked[0].rank in (COMMAND, IMAGE) and runtime.at_once:
        doubt = f"{main.name} ends at once without doing any work ({runtime.why})"
    elif ranked and ranked[0].rank == COMMAND and runtime.fails:
        # `echo Starting... && exit 1`: a lesson's CrashLoopBackOff, which neither a Job nor a Deployment mends
        doubt = f"{main.name} never succeeds ({runtime.why}): it fails on purpose"
    elif ranked and ranked[0].rank == GENERATED:
        doubt = "only its generateName suggests a one-off run"
    owner = ci_owner(spec, labels, regular) or adopter
    if (ranked and ranked[0].rank == COMMAND and ranked[0].says == UNTIL_STOPPED and restart == "Never" and not services
            and not any(c.ports for c in regular)):
        # Its command runs until stopped, serving nothing, and its author wrote that it is never restarted: a Pod run
        # by hand until someone deletes it (blind round 39: a load generator a Makefile deletes by name, which a
        # Deployment would keep up after the delete), or a worker written with the wrong policy. The evidence says
        # both. A server (a port declared) under Never is still a server: labellers of rounds 35 and 37 found the
        # policy incidental there, and its rewrite right.
        return Intent(UNKNOWN, tuple(ranked), owner)
    if ranked and ranked[0].rank == POLICY and restart == "OnFailure":
        # OnFailure alone: a Job's Pods are written so, and so is a long-running program that should restart when
        # it crashes (a queue consumer, a loop that sends every 15 s). Blind rounds 26 and 27 found three such
        # programs told to become Jobs; what the Pod is for is left to the evidence that says both.
        return Intent(UNKNOWN, tuple(ranked), owner)
    return decide(evidence, owner, doubt)


# restartPolicy OnFailure as evidence: it lets the Pod end, but says no more than that it restarts on failure.
_ON_FAILURE = "restartPolicy OnFailure: its author lets it end when it succeeds, and restarts it when it fails"


def _server_and_preparer(containers, spec: dict) -> str | None:
    """Why the Pod is a server with a step that prepares its content (nginx beside a git clone into the
    folder it serves), or None."""
    regular = [c for c in containers if c.placement == "containers"]
    volumes = spec.get("volumes") if isinstance(spec.get("volumes"), list) else []
    shareable = {v.get("name") for v in volumes if isinstance(v, dict) and not any(k in v for k in INDEPENDENT_VOLUMES)}
    servers = [c for c in regular if c.runtime.endless and not c.runtime.idle
               and (c.ports or images.is_server_image(c.image) or c.runtime.basis != "image")]
    for server in servers:
        for step in regular:
            shared = sorted(set(server.mounts) & set(step.mounts) & shareable)
            if step is not server and step.runtime.finishes and not step.runtime.at_once and shared:
                return (f"{server.name} serves and {step.name} prepares its content (they share the volume "
                        f"{shared[0]}; {step.runtime.why})")
    return None


def _mounted_files(obj: ManifestObject, inputs: Inputs, pod_spec: dict):
    """For a container spec: a function from a path in the container to the text of the ConfigMap key
    mounted there (None when the path is no ConfigMap key among the inputs)."""
    volumes = {v.get("name"): v for v in pod_spec.get("volumes") or [] if isinstance(v, dict)}

    def for_container(spec: dict):
        def read(path: str) -> str | None:
            for mount in spec.get("volumeMounts") or []:
                if not isinstance(mount, dict) or not isinstance(volumes.get(mount.get("name")), dict):
                    continue
                config = volumes[mount["name"]].get("configMap")
                where = str(mount.get("mountPath") or "").rstrip("/")
                if not isinstance(config, dict) or not where:
                    continue
                if mount.get("subPath"):
                    key = str(mount["subPath"]) if path == where else None
                elif path.startswith(where + "/"):
                    key = path[len(where) + 1:]
                else:
                    key = None
                items = config.get("items") if isinstance(config.get("items"), list) else []
                for item in items:
                    if isinstance(item, dict) and item.get("path") == key:
                        key = item.get("key")
                if key is None:
                    continue
                for found in inputs.of_kind("ConfigMap"):
                    data = found.get("data")
                    if found.name == config.get("name") and isinstance(data, dict) and key in data \
                            and found.links_to(obj):
                        return str(data[key])
            return None

        return read

    return for_container


# What a template leaves to be filled in: ${VAR} or $VAR (envsubst), APP_NAME (sed), <your-app>, __NAME__, a
# sed script's lower-case replace_name (`sed s/replace_name/$NAME/`: blind round 28, TykTechnologies/tyk-k8s-demo),
# and an expression in double parentheses, not after a $ (shell arithmetic): spruce's `(( random.String 5 ))` (blind
# round 39, a rendering pipeline's Job name), Concourse's and BOSH's `((var))`.
_BLANK_TEXT = r"<[^<>']+>"  # a blank of a form (<your-image>, <nom_du_conteneur>): also ``_BLANK`` below
_PLACEHOLDER = lazy(r"\$\{?[A-Za-z_]\w*|(?<![\w-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?!\w)|" + _BLANK_TEXT + r"|__\w+__"
                    r"|(?<![\w.-])replace_[a-z0-9]+(?:_[a-z0-9]+)*(?![a-z0-9_])|(?<!\$)\(\([^()]+\)\)")


def placeholder(text: str) -> str | None:
    """The first placeholder a template leaves in ``text`` for a script to fill in, or None."""
    match = _PLACEHOLDER.search(text or "")
    return match.group(0) if match else None


def _image_note(obj: ManifestObject, c: ManifestContainer) -> tuple[int, str] | None:
    """(line, text) when ``c``'s image is not a reference the kubelet can parse: its Pod never starts."""
    from advisor.manifests.validate import image_triggers  # (here: only an image no runtime can pull asks)

    refused = _unpullable(c.image)
    if refused is not None and (source := image_triggers(obj.data).get(c.name)):
        return (obj.doc.line(c.path + ("image",)) or c.line,
                f"{obj.label}: container {c.name}'s image {c.image!r} is left for an OpenShift image trigger to "
                f"fill in from {source} (image.openshift.io/triggers); as written, no container runtime can pull it "
                f"({refused}: InvalidImageName)")
    if refused is not None and (held := placeholder(c.image)):
        return (obj.doc.line(c.path + ("image",)) or c.line,
                f"{obj.label}: container {c.name}'s image {c.image!r} holds the placeholder {held!r}, which a "
                f"template or a script fills in before it is applied; as written, no container runtime can pull "
                f"it ({refused}: InvalidImageName)")
    if refused is not None:
        return (obj.doc.line(c.path + ("image",)) or c.line,
                f"{obj.label}: container {c.name}'s image {c.image!r} is not a reference a container runtime "
                f"can pull ({refused}): its Pod would not start (InvalidImageName)")
    return None


@functools.lru_cache(maxsize=4096)  # the same images come back in every workload: each parsed once
def _unpullable(image: str) -> str | None:
    """Why the kubelet cannot parse ``image`` as a reference, or None when it can."""
    from ..domain.image_reference import InvalidReference, parse

    try:
        parse(image)
    except InvalidReference as exc:
        return str(exc)
    return None


def _not_an_object(obj: ManifestObject, inputs: Inputs, containers: list) -> Skip | None:
    """Why ``obj`` is a part of an object (a patch, a snippet) or holds nothing to review; None when it is whole."""
    patched_by = inputs.patched_by(obj)
    if patched_by:
        return Skip(obj.line(), f"{obj.label} is a kustomize patch ({patched_by}), a part of an object; not reviewed")
    read_by = inputs.generated_by(obj)
    if read_by:
        return Skip(obj.line(), f"{obj.label} is data: {read_by} puts its file into a ConfigMap or Secret "
                                f"(configMapGenerator files) for a program to read, not an object to create; "
                                f"not reviewed")
    recorded = _recorded_response(obj)
    if recorded:
        return Skip(obj.line(), f"{obj.label} is {recorded}; not reviewed")
    if not containers:
        return Skip(obj.line(), f"{obj.label} has no containers; not reviewed")
    if obj.get(*POD_TEMPLATE_PATHS[obj.kind], "spec", "ephemeralContainers"):
        return Skip(obj.line(), f"{obj.label} has ephemeralContainers, which no Pod is created with (kubectl "
                                f"debug adds them): a copy of a live Pod or an illustration; not reviewed")
    if not obj.metadata.get("name") and not obj.metadata.get("generateName"):
        return Skip(obj.line(), f"{obj.label} has no name, so it is a part of an object (a snippet, a test's "
                                f"expected state), not one a cluster could create; not reviewed")
    partial = [c.name for c in containers if not c.image]
    if partial:
        return Skip(obj.line(), f"{obj.label} looks like a patch, a part of an object: its container "
                                f"{partial[0]} has no image; not reviewed")
    blank = next((c.name for c in containers if _BLANK.search(c.name)), None)
    if blank is not None:
        # (blind round 43: a course's pod-template.yaml, `name: <nom_du_conteneur>` beside `# TODO`s, that the
        # learner completes) a container's name holds no < or >: the Pod spec is a form, not yet a Pod. An object
        # whose own name alone is a blank (rook's cleanup Job for <node-hostname>) is whole otherwise, and reviewed
        return Skip(obj.line(), f"{obj.label} is a form to fill in: its container's name {blank!r} is a blank left "
                                f"for its reader (no name holds < or >); not reviewed")
    return None


# A blank of a form in a name (<nom_du_conteneur>, <your-app>): a name can hold neither < nor >.
_BLANK = lazy(_BLANK_TEXT)


def _containers(obj, template_path, spec) -> list[ManifestContainer]:
    base = obj.path + template_path + ("spec",)
    regular, init = [], []
    for placement, target in (("containers", regular), ("initContainers", init)):
        items = spec.get(placement)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            target.append(ManifestContainer(
                index=0, name=str(item.get("name") or f"{placement}[{i}]"), spec=item, placement=placement,
                native=placement == "initContainers" and item.get("restartPolicy") == "Always",
                path=base + (placement, i), line=obj.doc.line(base + (placement, i)) or 1,
            ))
    ordered = regular + init
    for index, container in enumerate(ordered):
        container.index = index
    return ordered if regular else []


def service_targets(services: list[ManifestObject]) -> dict[str, str]:
    """target port (number or name, as text) -> the Service that sends traffic there."""
    targets = {}
    for service in services:
        ports = service.get("spec", "ports")
        for port in ports if isinstance(ports, list) else []:
            if isinstance(port, dict):
                targets.setdefault(str(port.get("targetPort", port.get("port"))), service.name)
    return targets


def targeted_by(c: ManifestContainer, targets: dict[str, str]) -> str | None:
    """The Service whose port leads to ``c``, if any."""
    return next((targets[str(p)] for p in (*c.ports, *c.port_names) if str(p) in targets), None)


def _workload_names(obj: ManifestObject, labels) -> set[str]:
    """The names the workload goes by: its own, and its Pods' app labels."""
    names = {obj.name}
    if isinstance(labels, dict):
        names |= {str(labels[k]) for k in ("app", "app.kubernetes.io/name", "k8s-app", "name") if k in labels}
    return names


def _named_after(container: str, workload_names: set[str]) -> bool:
    """Whether the workload goes by the container's name: ``prometheus``, or ``config-watcher-controller``
    for ``config-watcher``."""
    return any(name == container or (len(container) >= 4 and name.startswith(container + "-"))
               for name in workload_names)


def _choose_main(containers, annotations, services, completing: bool, workload_names: set[str]) -> str | None:
    """Mark the main container, and return the evidence when it is not simply the first one.

    The kubectl default-container annotation says it outright. Otherwise the main one
    is the container that does the Pod's work: in a Pod whose work finishes, one that
    finishes; in a long-running Pod, one that keeps running; of those, one named after
    its workload, one that no image family marks as a helper (a proxy, a reloader, a
    log shipper), an application before a database beside it, the one a Service sends
    traffic to, one that declares a port, and the first listed last of all.
    """
    regular = [c for c in containers if c.placement == "containers"]
    stated = annotations.get(keys.DEFAULT_CONTAINER)
    chosen = next((c for c in regular if c.name == stated), None)
    if chosen is not None:
        chosen.main = True
        return None
    targets = service_targets(services)

    def plain_family(c: ManifestContainer) -> int:
        return 2 if c.family.helper else 1 if images.is_separate_service(c.family) else 0

    # A web server stands in front of an application beside it; beside a database alone it is the application.
    apps = {c.name for c in regular if plain_family(c) == 0 and not c.runtime.idle}
    servers = {c.name for c in regular if c.ports or images.is_server_image(c.image)}

    def rank(c: ManifestContainer):
        if completing:
            runs = {"finishes": 0, None: 1, "endless": 2}[c.runtime.runs]
        else:
            runs = 1 if c.runtime.finishes else 0
        family = plain_family(c)
        if c.family.family is not None and c.family.family.fronts and not apps - {c.name}:
            family = 0
        elif c.runtime.idle and family < 2 and servers - {c.name}:
            family = 1.5  # a box that only waits beside a server: after it, before the helpers
        named = 0 if _named_after(c.name, workload_names) else 1
        return runs, named, family, 0 if targeted_by(c, targets) else 1, 0 if c.ports else 1, regular.index(c)

    chosen = min(regular, key=rank)
    chosen.main = True
    if chosen is regular[0]:
        return None
    first = regular[0]
    reasons = []
    if rank(first)[0] > rank(chosen)[0]:
        reasons.append(f"{first.name} {'never ends' if completing else 'exits'} ({first.runtime.why})")
    elif first.runtime.idle and not chosen.runtime.idle:
        reasons.append(f"{first.name} only waits ({first.runtime.why})")
    if _named_after(chosen.name, workload_names) and not _named_after(first.name, workload_names):
        reasons.append(f"{chosen.name} is named after its workload")
    elif first.family.helper:
        reasons.append(first.family.why)
    service = targeted_by(chosen, targets)
    if service and not reasons:
        reasons.append(f"the Service {service} sends its traffic to {chosen.name}")
    because = "; ".join(reasons) or f"{chosen.name} is the likelier application"
    return f"{chosen.name} is taken for the main container, not {first.name}: {because}"


def _purposes(obj, containers, annotations, purposes, notes, completing: bool) -> None:
    main = next(c for c in containers if c.main)
    for c in containers:
        if c.main:
            continue
        stated = annotations.get(keys.PURPOSE + c.name)
        if stated is not None:
            if stated in purposes:
                c.purpose = stated
                continue
            notes.append((obj.line("metadata"), f"annotation {keys.PURPOSE}{c.name}: {stated!r} "
                                                f"is not a purpose ({', '.join(purposes)}); guessing instead"))
        if c.placement == "initContainers" and not c.native:
            c.purpose = "prepare"
        elif c.placement == "containers" and not completing and c.runtime.finishes:
            # it exits in a Pod that keeps running: a step that prepares, in the wrong list
            c.purpose, c.purpose_why = "prepare", f"{c.name} exits when done: {c.runtime.why}"
        elif images.repository(c.image) == images.repository(main.image) and not c.family.helper:
            # a second role of the main container's own program (a Redis master and its sentinel)
            c.purpose, c.purpose_why = "other", None
        elif c.runtime.idle and images.is_separate_service(c.family):
            # a box that only waits to be exec'd into serves nothing, whatever its name says: a terraform
            # toolbox named tf-kafka-config is no Kafka of its own
            c.purpose, c.purpose_why = "other", None
        else:
            c.purpose, c.purpose_why = c.family.purpose, c.family.why


def _tie_by_nature(c: ManifestContainer) -> Tie | None:
    """What keeps a helper in its Pod when the manifest shows nothing: its family, or its author's choice."""
    if c.purpose in _LOCALHOST_BY_NATURE and c.purpose_why:
        return Tie(f"{images.kind_of(c.purpose)} reaches the main container over localhost by nature (its "
                   f"upstream is in a file the reviewer cannot read)", evidence=False, kind="localhost")
    if c.purpose == "separate-service" or c.purpose == "prepare":
        return None
    what = images.kind_of(c.purpose) if c.purpose_why else "a container the reviewer cannot place"
    return Tie(f"{c.name} is {what}; the manifest shows no tie to the main container, but nothing shows it "
               f"to be a service of its own either, so it stays where its author put it", evidence=False)


def _static_pod(obj: ManifestObject, spec: dict, inputs: Inputs) -> str | None:
    """Why a bare Pod is taken for a static Pod (the kubelet runs it from a file), or None."""
    labels = obj.metadata.get("labels") if isinstance(obj.metadata.get("labels"), dict) else {}
    if labels.get("tier") == "control-plane" or str(labels.get("component")) in _STATIC_COMPONENTS:
        return f"its labels mark it a control-plane component ({labels.get('component') or 'tier: control-plane'})"
    annotations = obj.metadata.get("annotations") if isinstance(obj.metadata.get("annotations"), dict) else {}
    if "kubernetes.io/config.mirror" in annotations or str(annotations.get("kubernetes.io/config.source")) == "file":
        return "its kubernetes.io/config annotations mark it the mirror of a static Pod the kubelet runs from a file"
    critical = str(spec.get("priorityClassName") or "") in ("system-node-critical", "system-cluster-critical")
    if obj.namespace == "kube-system" and spec.get("hostNetwork") is True and critical:
        return "it runs in kube-system on the host network at a system-critical priority, as static Pods do"
    if spec.get("hostNetwork") is True:
        component = next((c for c in map(_node_component, spec.get("containers") or []) if c), None)
        if component:
            return (f"it runs {component} on its node's network, as the static Pods a kubelet starts from its "
                    f"manifest folder do")
    if _STATIC_FILE.search(os.path.basename(obj.file)):
        return "its file is named for a static Pod, which the kubelet runs from its manifest folder"
    if _STATIC_FOLDER in "/" + os.path.normpath(obj.file).replace(os.sep, "/"):
        # a node's filesystem as configuration management copies it (an Ansible role's files/etc/kubernetes/manifests/:
        # blind round 41, a control plane's haproxy and keepalived)
        return ("its file sits in a copy of a node's /etc/kubernetes/manifests, the folder the kubelet runs static "
                "Pods from")
    if obj.file != STDIN and os.path.isfile(obj.file):
        return static_placement(obj.file, inputs.files)
    return None


# The kubelet's manifest folder (kubeadm's staticPodPath), in a file's path.
_STATIC_FOLDER = "/etc/kubernetes/manifests/"
# A file named for a static Pod: staticPod.yaml, static-pod.yml, static_pods.json.
_STATIC_FILE = lazy(r"static[-_]?pods?\b|static[-_]?pods?[-_.]", re.IGNORECASE)


def _node_component(container) -> str | None:
    """The control-plane component, kube-proxy or the addon manager a container runs (by its program, or
    hyperkube's first argument), or None."""
    if not isinstance(container, dict):
        return None
    words = [str(w) for key in ("command", "args") for w in (container.get(key) or [])
             if isinstance(container.get(key), list)][:2]
    programs = [os.path.basename(w) for w in words] + [str(container.get("image") or "").rsplit("/", 1)[-1]
                                                         .split(":", 1)[0].split("@", 1)[0]]
    if programs and programs[0] == "hyperkube" and len(programs) > 1:
        programs = [programs[1], "kube-" + programs[1]] + programs[2:]
    return next((p for p in (_ARCH_SUFFIX.sub("", p) for p in programs) if p in _NODE_PROGRAMS), None)


def config_values(obj: ManifestObject, inputs: Inputs, pod_spec: dict, spec: dict
                  ) -> Iterator[tuple[ManifestObject, str, int]]:
    """(ConfigMap, key, line) of each value a container reads from ConfigMaps in the input."""
    names = set()
    for ref in spec.get("envFrom") if isinstance(spec.get("envFrom"), list) else []:
        if isinstance(ref, dict) and isinstance(ref.get("configMapRef"), dict):
            names.add(str(ref["configMapRef"].get("name")))
    mounted = {m.get("name") for m in spec.get("volumeMounts") or [] if isinstance(m, dict)}
    for volume in pod_spec.get("volumes") if isinstance(pod_spec.get("volumes"), list) else []:
        if not isinstance(volume, dict) or volume.get("name") not in mounted:
            continue
        if isinstance(volume.get("configMap"), dict):
            names.add(str(volume["configMap"].get("name")))
        projected = volume.get("projected") if isinstance(volume.get("projected"), dict) else {}
        for source in projected.get("sources") if isinstance(projected.get("sources"), list) else []:
            if isinstance(source, dict) and isinstance(source.get("configMap"), dict):
                names.add(str(source["configMap"].get("name")))
    keys_read: dict[str, set] = {}
    for var in spec.get("env") if isinstance(spec.get("env"), list) else []:
        source = var.get("valueFrom") if isinstance(var, dict) else None
        ref = source.get("configMapKeyRef") if isinstance(source, dict) else None
        if isinstance(ref, dict):
            keys_read.setdefault(str(ref.get("name")), set()).add(str(ref.get("key")))
    if not names and not keys_read:
        return
    for config in inputs.named("ConfigMap", *sorted(names | set(keys_read))):
        data = config.get("data")
        if not isinstance(data, dict) or not config.links_to(obj):
            continue
        for key in data:
            if config.name in names or str(key) in keys_read.get(config.name, ()):
                yield config, str(key), config.line("data", key)


def _config_texts(obj, inputs, pod_spec, spec) -> list[tuple[str, str]]:
    """(where, text) of each ConfigMap value a container reads, without its comment lines."""
    return [(f"ConfigMap {config.name} key {key}", without_comments(str(config.get("data", key))))
            for config, key, _ in config_values(obj, inputs, pod_spec, spec)]


def _replicas(obj: ManifestObject, inputs: Inputs) -> int:
    replicas = obj.get("spec", "replicas")
    for hpa in inputs.named("HorizontalPodAutoscaler", obj.name):
        target = ("spec", "scaleTargetRef")
        if hpa.links_to(obj) and hpa.get(*target, "kind") == obj.kind and hpa.get(*target, "name") == obj.name:
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
        uses_localhost=not c.main and c.uses_localhost,
        same_node=not c.main and (c.same_node or (c.tie is not None and c.tie.kind == "node")),
        stable_identity=c.purpose == "separate-service" and (not images.is_cache(c.image) or bool(c.mounts)),
    )
