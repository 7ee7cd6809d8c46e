"""Manifests as the reviewer reads them: objects with their file and lines.

Inputs are files, folders (searched for *.yaml, *.yml and *.json) and ``-`` for
standard input; each may hold several YAML documents and ``kind: List`` objects.
Workload kinds are reviewed; Services, ConfigMaps, autoscalers and claims are kept
whole for cross-checks; every other kind only as an outline (``CROSS_CHECKED_KINDS``).
In a large input (``FOLD_BYTES``) the workloads are held folded, as their files' pickles,
and read back when reviewed (``FoldedObject``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import re
import sys
from dataclasses import field
from typing import Callable, Iterator, TypeVar

from advisor.domain.vocabulary import POD_TEMPLATE_PATHS
from advisor.review import kustomize, policy_tests
from advisor.review.report import Note
from advisor.review.scope import Scope, find
from advisor.review.shapes import shape_problem
from advisor.system.errors import InputError, Problem
from advisor.system.patterns import lazy
from advisor.system.records import record
from advisor.system.yamlsource import (Document, parse_documents_apart, read_as_text_by_kubectl, read_stream,
                                      read_text)

T = TypeVar("T")

MAX_BYTES = 16 * 1024 * 1024  # rendered charts with their CRDs run to megabytes
STDIN = "<stdin>"

REVIEWED_KINDS = tuple(POD_TEMPLATE_PATHS)  # every kind that holds Pods
# The other kinds the checks read whole. Objects of any other kind are kept as an outline
# (kind, name, namespace, line): enough to count them, to link by, and for --fix to see a
# clash. A CustomResourceDefinition's schema runs to thousands of lines, and CRDs were most
# of what a review of whole repositories held in memory.
CROSS_CHECKED_KINDS = ("Service", "ConfigMap", "HorizontalPodAutoscaler", "PersistentVolumeClaim",
                       "PodDisruptionBudget")
# Kinds read whole but never linked by name: the storage servers and the networks they name (pod-ip-literal),
# skaffold's configuration (a Pod whose exact name its port forwarding uses), the Pods a
# NetworkPolicy selects (labels a rewrite gives a Pod must not put it under one), and the
# Deployment a Flagger Canary takes over (it scales it to zero and serves from a primary of its own), and
# the Namespace whose Pod Security level refuses a Pod written to be refused (no controller is written for it).
# The objects that declare a cluster's Pod or Service network (pod-ip-literal): Calico's IPPool and
# Installation, kubeadm's ClusterConfiguration, kind's and Cluster API's Cluster, Cilium's CiliumPodIPPool,
# kube-proxy's KubeProxyConfiguration.
_NETWORK_KINDS = ("IPPool", "Installation", "ClusterConfiguration", "Cluster", "CiliumPodIPPool",
                  "KubeProxyConfiguration")
READ_WHOLE_KINDS = ("PersistentVolume", "StorageClass", "Config", "NetworkPolicy", "Canary", "Namespace",
                    "InferencePool") + _NETWORK_KINDS
# Of those, the kinds that are other tools' own (skaffold's, Flagger's, the network's, the Gateway API inference
# extension's pool of model servers, which a gateway routes to as a Service's selector does), whatever their API group.
_TOOLS_KINDS = ("Config", "Canary", "InferencePool") + _NETWORK_KINDS


# What an outline keeps of an object's metadata, and the key path of each (one tuple for all outlines).
_IDENTITY = {key: ("metadata", key) for key in ("name", "generateName", "namespace")}


@record
class RenderedDocument(Document):
    """A document a tool wrote (advisor.review.rendered): ``source`` is the file it came from,
    ``lines`` are that file's lines, and ``render`` names the render (``helm template chart``),
    whose objects refer to each other as the objects of one folder do."""

    render: str = ""


@record
class ManifestObject:
    """One Kubernetes object: its data, and where in which document it sits."""

    doc: Document
    path: tuple  # the object's key path in its document: () or ("items", 3)
    data: dict
    # The files (or renders) that hold another version of this object's deployment: an object of
    # the same kind, name and namespace (Inputs.mark_alternatives). Nothing links across to them.
    rivals: frozenset = frozenset()

    @property
    def file(self) -> str:
        return self.doc.source

    @property
    def kind(self) -> str:
        return str(self.data.get("kind") or "")

    @property
    def group(self) -> str:
        """The API group of the object's apiVersion ("" for the core group)."""
        return api_group(self.data)

    @property
    def metadata(self) -> dict:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        meta = self.metadata
        return str(meta.get("name") or meta.get("generateName") or f"unnamed-{self.kind.lower()}")

    @property
    def namespace(self) -> str | None:
        namespace = self.metadata.get("namespace")
        return str(namespace) if namespace else None

    @property
    def reviewed(self) -> bool:
        return self.kind in POD_TEMPLATE_PATHS

    @property
    def stated_name(self):
        """metadata.name as written (None when there is none): what makes two objects the same one."""
        return self.metadata.get("name")

    @property
    def has_containers(self) -> bool:
        """Whether a workload's Pod template lists containers."""
        return bool(self.get(*POD_TEMPLATE_PATHS[self.kind], "spec", "containers")) if self.reviewed else False

    @property
    def told_facts(self) -> tuple | None:
        """What the checks of the whole input read of a workload's Pod spec (advisor.review.addresses.told_facts)."""
        from advisor.review.addresses import told_facts

        spec = self.get(*POD_TEMPLATE_PATHS[self.kind], "spec") if self.reviewed else None
        return told_facts(spec) if isinstance(spec, dict) else None

    @property
    def pod_labels(self) -> dict | None:
        """A workload's Pod template labels (what a budget's or a Service's selector matches), None when not a
        mapping: read by checks of one workload about the others (advisor.review.checks._sharing_pods)."""
        labels = self.get(*POD_TEMPLATE_PATHS[self.kind], "metadata", "labels") if self.reviewed else None
        return labels if isinstance(labels, dict) else None

    @property
    def label(self) -> str:
        """``Deployment web`` (with ``ns/`` when the object names a namespace)."""
        return f"{self.kind} {self.namespace + '/' if self.namespace else ''}{self.name}"

    def line(self, *sub) -> int:
        return self.doc.line(self.path + tuple(sub)) or 1

    def get(self, *keys, default=None):
        """The value at ``keys`` below the object, or ``default`` where any step is missing."""
        value = self.data
        for key in keys:
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return default
        return value

    @functools.cached_property
    def folder(self) -> str:
        """The folder of the object's file (standard input is a folder of its own, and so is each
        render of a chart or kustomization). Cached: every cross-check asks it of both objects, for
        each Service and ConfigMap of the input."""
        if isinstance(self.doc, RenderedDocument):
            return self.doc.render
        return self.file if self.file == STDIN else os.path.dirname(os.path.abspath(self.file))

    @property
    def unit(self) -> str:
        """What one version of a deployment is written in: the file, or the render."""
        return self.doc.render if isinstance(self.doc, RenderedDocument) else self.file

    def outline(self) -> "ManifestObject":
        """This object as only its identity and its line: what is kept of a kind nobody reads."""
        meta = {k: v for k, v in self.metadata.items() if k in _IDENTITY}
        data = {k: v for k, v in self.data.items() if k in ("apiVersion", "kind")}
        data["metadata"] = meta
        lines = {(): self.line()}
        lines.update({_IDENTITY[k]: self.line("metadata", k) for k in meta})
        return ManifestObject(dataclasses.replace(self.doc, data=data, lines=lines, raw={}), (), data, self.rivals)

    def links_to(self, other: "ManifestObject") -> bool:
        """Whether ``other`` may be what this object refers to (its Service, ConfigMap, autoscaler).

        Objects that name the same namespace are linked wherever they are. An object that
        names none goes wherever it is applied, so it is linked only to objects of its own
        folder (or stream): a repository of many applications keeps each in a folder, and
        one application's Service must not stand in for another's. Never to an object of a file
        that is another version of this object's deployment (``rivals``).
        """
        if other.unit in self.rivals:
            return False
        if self.namespace and other.namespace:
            return self.namespace == other.namespace
        return self.folder == other.folder


@record
class Inputs:
    """Everything read: the objects in input order and what was not Kubernetes."""

    objects: list[ManifestObject] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # files that could not be read or parsed
    patches: dict[str, str] = field(default_factory=dict)  # a file a kustomization patches with -> that kustomization
    generated: dict[str, str] = field(default_factory=dict)  # a file a kustomization's generator reads as data -> it
    generated_configmaps: set[str] = field(default_factory=set)  # the names kustomizations' configMapGenerators make
    policy_inputs: dict[str, str] = field(default_factory=dict)  # a file a policy test checks -> that test's file
    # a resource file of a kustomization that writes labels into its selectors (commonLabels) -> that kustomization
    labelled: dict[str, str] = field(default_factory=dict)
    # a resource file or folder of a kustomization that patches its resources -> {kind it may patch (None: any):
    # that kustomization} (kustomize.patch_targets)
    patch_targets: dict[str, dict] = field(default_factory=dict)
    notes: list = field(default_factory=list)  # review.report.Note: objects left out, and why
    not_objects: int = 0  # documents without a kind (values files, kustomizations' fragments)
    by_kind: dict[str, list[ManifestObject]] = field(default_factory=dict)
    _selectors: dict | None = field(default=None, repr=False)  # (label, value, where) -> Services, built once
    _names: dict | None = field(default=None, repr=False)  # (kind, name) -> objects, built once
    # What a check derives from the whole input, the same for every object it reviews (the storage servers
    # of all PersistentVolumes, say): worked out once, not once per workload (``once``).
    derived: dict = field(default_factory=dict, repr=False, compare=False)
    # (file key, kind, name, whether it has a selector) of each apps/v1 workload in a path naming overlays or base
    overlay_shapes: list = field(default_factory=list, repr=False, compare=False)
    # A large input's workloads are held folded (FoldedObject): these are their files' documents as read back.
    folds: Folds | None = field(default=None, repr=False, compare=False)
    # While a file is parsed, with ``folds``: [its pickle as held (None until needed), each of its documents' place,
    # what makes its pickle, whether it may hold a Secret]: the workloads of its documents are added folded (``add``).
    _folding: tuple | None = field(default=None, repr=False, compare=False)

    def once(self, key: str, work_out: Callable[[], T]) -> T:
        """What ``work_out()`` gives, worked out the first time ``key`` is asked for and kept for the rest of the
        review: what a check derives from the whole input, the same for each object it reviews."""
        try:
            return self.derived[key]
        except KeyError:
            found = self.derived[key] = work_out()
            return found

    def add(self, obj: ManifestObject) -> None:
        if obj.kind in _SELECTOR_KINDS and obj.file != STDIN and ("overlays" in obj.file or "base" in obj.file):
            # what _overlay_patches asks of the workloads of overlays and bases, noted while the object is whole
            self.overlay_shapes.append((kustomize.key(obj.file), obj.kind, obj.name,
                                        obj.get("spec", "selector") is not None))
        folding = self._folding
        if folding is not None and _folded_kind(obj.kind):
            if folding[0] is None:  # the file's pickle, made or found once the file has a workload
                folding[0] = self.folds.hold(folding[2](), secret=folding[3])
            obj = FoldedObject(obj, self.folds, folding[0], folding[1][id(obj.doc)])
        self.objects.append(obj)
        self.by_kind.setdefault(obj.kind, []).append(obj)
        self._selectors = None
        self._names = None

    @contextlib.contextmanager
    def reviewing(self, obj: ManifestObject):
        """While ``obj`` is reviewed: a folded object's documents are held, so that every read of it during its
        review meets the same data, whatever else the review reads."""
        if obj.__class__ is not FoldedObject:
            yield
            return
        folds = obj._folds
        before = folds.pinned
        folds.pinned = (obj._payload, folds.documents(obj._payload))
        try:
            yield
        finally:
            folds.pinned = before

    def named(self, kind: str, *names: str) -> list[ManifestObject]:
        """The objects of ``kind`` (a cross-checked one) called any of ``names``, in input order; an
        HorizontalPodAutoscaler goes by the name of the object it scales.

        Indexed once per input: a workload's look-ups (the ConfigMaps it mounts, its Service, its
        claims, its autoscaler) cost the same whether the input holds ten objects or 16,000."""
        if kind not in CROSS_CHECKED_KINDS:
            raise ValueError(f"{kind} objects are not indexed by name; add the kind to CROSS_CHECKED_KINDS")
        if self._names is None:
            self._names = {}
            for other in CROSS_CHECKED_KINDS:
                for position, obj in enumerate(self.by_kind.get(other, ())):
                    key = obj.get("spec", "scaleTargetRef", "name") if other == "HorizontalPodAutoscaler" else obj.name
                    self._names.setdefault((other, str(key)), []).append((position, obj))
        found = [entry for name in dict.fromkeys(names) for entry in self._names.get((kind, name), ())]
        if len(names) > 1:
            found.sort(key=lambda entry: entry[0])
        return [obj for _, obj in found]

    def mark_alternatives(self) -> None:
        """Make files that define the same object alternatives of each other; a note for each group says so.

        Two files that both define Deployment web (in one namespace, or in one folder without
        one) are two versions of one deployment (a tutorial's steps, a variant with a
        database), not one deployment: kubectl would apply one over the other. Neither may
        stand in for the other's Service, ConfigMap or autoscaler.
        """
        units: dict[tuple, list[ManifestObject]] = {}
        order: dict[str, int] = {}  # each unit's place in the input
        for obj in self.objects:
            order.setdefault(obj.unit, len(order))
            if obj.stated_name and self._whole(obj):
                key = (obj.kind, obj.name) + ((obj.namespace,) if obj.namespace else (None, obj.folder))
                held = units.setdefault(key, [])
                if all(other.unit != obj.unit for other in held):
                    held.append(obj)
        rivals: dict[str, set[str]] = {}
        leader: dict[str, str] = {}  # each unit -> the first unit of its group of alternatives

        def lead(unit: str) -> str:
            while leader.get(unit, unit) != unit:
                unit = leader[unit]
            return unit

        twins: list[ManifestObject] = []  # an object of each clash, for the notes
        for held in units.values():
            if len(held) < 2:
                continue
            twins.append(held[1])
            for obj in held:
                rivals.setdefault(obj.unit, set()).update(o.unit for o in held if o.unit != obj.unit)
                first, other = lead(held[0].unit), lead(obj.unit)
                if first != other:
                    leader[max(first, other, key=order.__getitem__)] = min(first, other, key=order.__getitem__)
        frozen = {unit: frozenset(others) for unit, others in rivals.items()}  # one set per file, not per object
        for obj in self.objects:
            if obj.unit in frozen:
                obj.rivals = frozen[obj.unit]
        groups: dict[str, list[str]] = {}
        for unit in sorted(rivals, key=order.__getitem__):
            groups.setdefault(lead(unit), []).append(unit)
        for head, group in groups.items():
            clashes = [obj for obj in twins if lead(obj.unit) == head]
            more = f" and {len(clashes) - 1} more of its objects" if len(clashes) > 1 else ""
            others = group[1:4] + ([f"{len(group) - 4} more"] if len(group) > 4 else [])
            listed = (", ".join(others[:-1]) + " and " if len(others) > 1 else "") + others[-1]
            if len(group) == 2:
                text = (f"{listed} also defines {clashes[0].label}{more}: the two are read as versions of one "
                        f"deployment, and neither refers to the other's objects")
            else:
                text = (f"{listed} define objects it defines too ({clashes[0].label}{more}): files that define "
                        f"the same object are read as versions of one deployment, and nothing refers across them")
            self.notes.append(Note(head, None, text))

    def patched_by(self, obj: ManifestObject) -> str | None:
        """The kustomization that patches its resources with ``obj``'s file (``obj`` is then a part of an
        object), or None."""
        return self.patches.get(kustomize.key(obj.file)) if obj.file != STDIN else None

    def generated_by(self, obj: ManifestObject) -> str | None:
        """The kustomization whose generator puts ``obj``'s file into a ConfigMap or Secret (data), or None."""
        return self.generated.get(kustomize.key(obj.file)) if obj.file != STDIN else None

    def tested_by(self, obj: ManifestObject) -> str | None:
        """The policy test (advisor.review.policy_tests) that checks ``obj``'s file against its policies, or None."""
        return self.policy_inputs.get(kustomize.key(obj.file)) if obj.file != STDIN else None

    def _whole(self, obj: ManifestObject) -> bool:
        """Whether ``obj`` is a whole object whose twin makes an alternative: a workload with
        containers or an object the checks read, in a file that is no kustomize patch."""
        if self.patched_by(obj) or self.generated_by(obj):
            return False
        if obj.kind in POD_TEMPLATE_PATHS:
            return obj.has_containers
        return obj.kind in CROSS_CHECKED_KINDS

    def of_kind(self, kind: str) -> list[ManifestObject]:
        if kind not in POD_TEMPLATE_PATHS and kind not in CROSS_CHECKED_KINDS + READ_WHOLE_KINDS:
            # A check that starts reading another kind must add it there; until then its
            # objects are outlines, and the check would silently see no fields.
            raise ValueError(f"{kind} objects are kept only as an outline; add the kind to CROSS_CHECKED_KINDS")
        return self.by_kind.get(kind, [])

    def services_selecting(self, obj: ManifestObject, labels: dict) -> list[ManifestObject]:
        """The Services (in input order) in ``obj``'s namespace whose selector ``labels`` match.

        Indexed by one pair of each selector and by where the Service is, so that a review of 3,000
        Deployments and 3,000 Services looks at the few candidates of each Pod's labels that
        ``links_to`` can accept, not at every Service of those labels in every namespace and folder:
        a Service of ``obj``'s namespace, or one naming none in ``obj``'s folder; for an ``obj``
        naming no namespace, any Service of its folder."""
        if self._selectors is None:
            self._selectors = {}
            for position, service in enumerate(self.of_kind("Service")):
                selector = service.get("spec", "selector")
                if isinstance(selector, dict) and selector:
                    pair = min((str(k), str(v)) for k, v in selector.items())
                    where = [("folder", service.folder)]
                    where.append(("namespace", service.namespace) if service.namespace else ("bare", service.folder))
                    for place in where:
                        self._selectors.setdefault((*pair, *place), []).append((position, service))
        places = [("namespace", obj.namespace), ("bare", obj.folder)] if obj.namespace else [("folder", obj.folder)]
        candidates = {position: service for key, value in labels.items() for place in places
                      for position, service in self._selectors.get((str(key), str(value), *place), ())}
        return [service for _, service in sorted(candidates.items(), key=lambda item: item[0])
                if service.links_to(obj) and selects(service, labels)]

# Workload kinds whose objects other objects' reviews read (a bare Pod's ReplicaSet or ReplicationController,
# advisor.review.facts._adopter, for each bare Pod): never folded, lest each of those reads unfold a file.
READ_BY_OTHERS = ("ReplicaSet", "ReplicationController")
# From this many bytes of input on, the workloads are held folded (FoldedObject); below it, the memory that
# saves is not worth reading their documents again (once for their review, once for each pass over them all).
FOLD_BYTES = 16 * 1024 * 1024


class FoldedObject(ManifestObject):
    """A workload of a large input held as its file's pickle (what the kept store holds of it anyway), not as
    Python objects: its documents are read back (``Folds``) when its data or document is asked for, and let go
    again when other files' are read. What links it to other objects (kind, API group, file, name, namespace,
    whether it has containers) is kept as it is: every review reads those of every object; so is what the
    checks of the whole input read of its Pod spec (``told_facts``) and of its Pod template's labels
    (``pod_labels``), worked out as it is parsed.

    The workloads' data and key-path lines were over half of what a review of 10 copies of the shared corpus
    held, all of it from the parse to the last object's review. Each object is read back once for its own
    review (``Inputs.reviewing`` holds it meanwhile), file by file, in input order."""

    def __init__(self, obj: ManifestObject, folds: Folds, payload, at: int):  # noqa: D107 - not a record's
        meta = obj.metadata
        self.__dict__.update(path=obj.path, rivals=obj.rivals, _folds=folds, _payload=payload, _at=at,
                             _identity=(obj.kind, obj.group, obj.doc.source, meta.get("name"), obj.name,
                                        obj.namespace, obj.has_containers, obj.told_facts, obj.pod_labels))

    @property
    def doc(self) -> Document:
        return self._folds.documents(self._payload)[self._at]

    @property
    def data(self) -> dict:
        value = self.doc.data
        for key in self.path:
            value = value[key]
        return value

    kind = property(lambda self: self._identity[0])
    group = property(lambda self: self._identity[1])
    file = property(lambda self: self._identity[2])
    unit = file  # never a render's: only files' documents are folded
    stated_name = property(lambda self: self._identity[3])
    name = property(lambda self: self._identity[4])
    namespace = property(lambda self: self._identity[5])
    has_containers = property(lambda self: self._identity[6])
    told_facts = property(lambda self: self._identity[7])  # worked out while the documents were read
    pod_labels = property(lambda self: self._identity[8])  # likewise

    @functools.cached_property
    def folder(self) -> str:
        return self.file if self.file == STDIN else os.path.dirname(os.path.abspath(self.file))

    def __reduce__(self):
        """Sent to another process (--jobs where workers are not forked) as the object it folds."""
        return ManifestObject, (self.doc, self.path, self.data, self.rivals)


class Folds:
    """The documents of folded objects' files as read back: the few files read last, and the file of the object
    under review (``Inputs.reviewing``). Read in input order, each file is read back once.

    The files' pickles are written to a temporary file of their own (``hold``; unnamed, readable by this user
    only, gone when the review ends), and read from it with pread (a forked helper or worker shares it): held in
    memory, they were 6.6 MiB of a review of 10 copies of the shared corpus. A file that may hold a Secret, and
    any pickle when the file cannot be written, stays in memory instead."""

    KEEP = 4  # files

    def __init__(self):
        self.recent: dict[int, tuple] = {}  # id(payload) -> (payload, documents), the last read last
        self.pinned: tuple | None = None  # (payload, documents) of the object under review
        self.reads = 0  # files read back (for tests and the bench)
        self.spill = None  # the temporary file of the pickles, opened when the first one is held
        self.end = 0  # its size

    def hold(self, payload: bytes, secret: bool = False):
        """What a folded object keeps of its file's pickle ``payload``: (where, how long) in the temporary
        file, or, when it may hold a Secret or cannot be written there, the pickle itself."""
        if secret:
            return _own(payload)
        try:
            if self.spill is None:
                import tempfile

                self.spill = tempfile.TemporaryFile(prefix="pod-advisor-folded-")
            written = 0
            while written < len(payload):
                written += os.pwrite(self.spill.fileno(), memoryview(payload)[written:], self.end + written)
        except OSError:  # no temporary folder, a full disk: held in memory
            return _own(payload)
        place = (self.end, len(payload))
        self.end += len(payload)
        return place

    def documents(self, payload) -> list[Document]:
        pinned = self.pinned
        if pinned is not None and pinned[0] is payload:
            return pinned[1]
        found = self.recent.pop(id(payload), None)
        if found is None:
            from advisor.system.cache import loads

            # as read, not shared with others' texts nor key paths (``unpickled``): let go again soon
            found = (payload, loads(self._pickle(payload))[0])
            self.reads += 1
            if len(self.recent) >= self.KEEP:
                del self.recent[next(iter(self.recent))]
        self.recent[id(payload)] = found
        return found[1]

    def _pickle(self, payload) -> bytes:
        if payload.__class__ is not tuple:
            return payload
        start, size = payload
        read = os.pread(self.spill.fileno(), size, start)
        while len(read) < size:  # (a regular file gives it all at once)
            more = os.pread(self.spill.fileno(), size - len(read), start + len(read))
            if not more:
                raise OSError(f"the review's temporary file ended at {start + len(read)} of {start + size}")
            read += more
        return read

    def __getstate__(self):
        """Sent to a worker that is not forked, with the objects unfolded (``FoldedObject.__reduce__``): empty."""
        return {"recent": {}, "pinned": None, "reads": 0, "spill": None, "end": 0}


def matches(selector, labels) -> bool:
    """Whether a non-empty equality ``selector`` (a Service's selector, a matchLabels) matches Pod
    ``labels``, as Kubernetes matches them (as text)."""
    return (isinstance(selector, dict) and bool(selector) and isinstance(labels, dict)
            and all(k in labels and str(labels[k]) == str(v) for k, v in selector.items()))


def selects(service: ManifestObject, labels: dict) -> bool:
    """Whether ``service``'s selector matches Pod ``labels``."""
    return matches(service.get("spec", "selector"), labels)


def find_files(paths: list[str], scope: Scope | None = None) -> tuple[list[str], list[Problem]]:
    """Expand folders (recursively, hidden folders skipped) into their manifest files (advisor.review.scope).

    ``read_inputs`` reads what a folder holds only if it is a regular file (a FIFO would
    block the read for ever) and names the rest; a path given outright is read whatever it
    is, so that ``review <(helm template chart)`` works.
    """
    found = find(paths, scope or Scope())
    return found.files, found.problems


@record
class Gathered:
    """Everything read from the paths given, before parsing."""

    texts: list[tuple[str, str]] = field(default_factory=list)  # (name, text) of each file read as it is
    # (gather(keep=False): an iterator that reads each file when it is reached, adding to problems)
    problems: list[Problem] = field(default_factory=list)  # what could not be read
    notes: list[Note] = field(default_factory=list)  # what was left out, and why
    rendered: list[Document] = field(default_factory=list)  # objects of rendered charts and kustomizations
    size: int = 0  # the bytes of the files to read, as the file system gives them (standard input aside)
    files: list[str] = field(default_factory=list)  # the files ``texts`` reads, in order (- for standard input)
    named: set[str] = field(default_factory=set)  # those given outright (read whatever they are)


def gather(paths: list[str], stdin=None, scope: Scope | None = None, keep: bool = True) -> Gathered:
    """Read every input: each file as it is, each chart and kustomization as its tool renders it
    (with ``scope.render``), and say what was left out. One unreadable file never hides the others.

    Standard input (``-``) is read from the stream ``stdin`` as a file is: at most MAX_BYTES,
    UTF-8 or UTF-16 with its BOM. Standard input with nothing in it (no YAML, only blanks,
    comments or markers) is a problem, not a clean review: a renderer that failed before the
    pipe wrote nothing, and that must not pass.

    ``keep=False``: the texts are read only as ``parse_inputs`` reaches them, and each is let go
    once parsed, so that a review holds its objects, not every file at once (its problems are
    added to ``problems`` as they are met, and ``parse_inputs`` puts them first all the same).
    """
    scope = scope or Scope()
    found = find(paths, scope)
    out = Gathered(problems=list(found.problems), notes=list(found.notes))
    files = found.files
    if found.charts or found.kustomizations:
        if scope.render:
            from advisor.review.rendered import render

            rendered = render(found, scope)
            files, out.rendered = rendered.files, rendered.documents
            out.notes += rendered.notes
        else:
            files = _without_templates(found)
            out.notes += [Note(os.path.join(chart, "Chart.yaml"), None, "a Helm chart: its templates are not "
                                                                         "reviewed (they are YAML only once "
                                                                         "rendered: helm template CHART | "
                                                                         "pod-advisor review -)")
                          for chart in found.charts]
    out.size = sum(_size(path) for path in files if path != "-")
    out.files, out.named = files, found.named
    texts = _each_text(files, found.named, stdin, out.problems)
    out.texts = list(texts) if keep else texts
    return out


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _each_text(files: list[str], named, stdin, problems: list[Problem]) -> Iterator[tuple[str, str]]:
    for path in files:
        try:
            if path == "-":
                text = read_stream(stdin, STDIN, MAX_BYTES)
                if _holds_nothing(text):  # `helm template ... | pod-advisor review -` where helm failed
                    problems.append(Problem("nothing to review: standard input is empty (did the command "
                                            "before the pipe fail?)", file=STDIN))
                    continue
                yield STDIN, text
            else:
                yield path, read_text(path, max_bytes=MAX_BYTES, regular_only=path not in named)
        except InputError as exc:
            problems += exc.problems


def _holds_nothing(text: str) -> bool:
    """No YAML content at all: empty, or only blank lines, comments and document markers."""
    return all(not line.strip() or line.lstrip().startswith("#") or line.rstrip() in ("---", "...")
               for line in text.splitlines())


def _without_templates(found) -> list[str]:
    """The files found, less the templates of charts (which are not YAML until rendered)."""
    folders = [os.path.join(os.path.abspath(chart), "templates") + os.sep for chart in found.charts]
    return [f for f in found.files if f in found.named or not os.path.abspath(f).startswith(tuple(folders))]


def read_inputs(paths: list[str], stdin=None,
                scope: Scope | None = None) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(name, text) of every input file that can be read, and a Problem for each one that cannot
    (``gather`` without the renders and notes)."""
    gathered = gather(paths, stdin, scope)
    return gathered.texts, gathered.problems


def parse_inputs(texts: list[tuple[str, str]], errors: list[Problem] | None = None, rendered=(),
                 notes=(), keep: int = 0, ahead: Gathered | None = None) -> Inputs:
    """Parse every text into objects; a document that is not valid YAML becomes one of ``Inputs.errors``
    (the other documents of its file are read). ``rendered``: documents a tool wrote
    (advisor.review.rendered), added after the files.

    ``errors`` are problems found before parsing (files that could not be read); they
    come first, as ``notes`` do. ``keep``: the input's size in bytes (``Gathered.size``), to read a large
    input with the files parsed by the last large review (``KeptParses``), as the review command does;
    0 never does. ``ahead``: what ``texts`` reads (``Gathered``), for a helper process to parse from the
    last file back (advisor.review.ahead), as the review command does; the objects are the same.
    """
    import gc

    collecting = gc.isenabled()
    gc.disable()  # parsing makes objects that stay and no cycles: collector passes over them would find nothing
    try:
        kept = KeptParses.for_size(keep) if keep else None
        if ahead is not None and ahead.size >= AHEAD_BYTES:
            from advisor.review.ahead import parsed_ahead

            with parsed_ahead(ahead, kept) as found:
                inputs = _parse_inputs(texts, errors, rendered, notes, found, folds_at(keep))
        else:
            inputs = _parse_inputs(texts, errors, rendered, notes, kept, folds_at(keep))
        if kept is not None:
            kept.save()
        return inputs
    finally:
        if collecting:
            gc.enable()


# Smaller inputs are parsed without a helper (advisor.review.ahead): forking one and sending back what it
# parsed would take about as long as the parse it saves.
AHEAD_BYTES = 256 * 1024
_SECRET = re.compile(r"""kind["']?\s*:\s*["']?Secret\b""")  # kind: Secret, "kind": "Secret", {kind: Secret}
# A ytt template (Carvel): a value its annotation computes (``matchLabels: #@ labels()``, ``- #@ item``) reads as
# null to YAML, and ``#@ load(...)``, ``#@ def``, ``#@ for``, ``#@overlay/...`` shape the documents around them.
_YTT = lazy(r"(?m)[:-][ \t]+#@[ \t]*\S|^[ \t]*#@[ \t]*(?:load\(|def\b|for\b|if\b|end\b|overlay/|data/values"
                  r"|yaml/text-templated-strings|template\.replace)")


class KeptParses:
    """The files the last large review parsed, kept between runs in advisor.system.cache.

    Parsing is most of a review of a large tree, and the next review (pre-commit, CI with a
    kept cache) mostly reads the same files again. A file's documents and problems are a
    function of its name and text, the code that reads them and PyYAML, so they are kept
    under a digest of the name and text, in a store keyed by that code (by size and time of
    change) and PyYAML: the next review unpickles them (about a tenth of the parse) and parses
    only the files that changed. The store holds the files of the last review that used it
    (it never grows past one tree), is read only when the input is large and the store not
    much larger than it, and leaves out standard input and files that may hold a Secret (its data
    is not copied anywhere).
    """

    KIND = "parsed"
    LEAST_BYTES = 512 * 1024  # smaller inputs parse faster than the store is read and written
    # The store is read when it holds at most this many bytes per byte of input: a pickled file is about a
    # fifth of its text and reads about ten times faster than it parses, so a store as large as the input
    # still pays; a larger one is another tree's (written over by this review).
    STORE_PER_INPUT = 1.0

    def __init__(self, key: str, stored, intern: bool = False, fold: bool = False):
        # stored: the store as read (advisor.system.cache.Entries: one bytes object, each file's pickle a view of
        # its part), or {}; used: the pickles of the files of this review, views of the store's or new bytes
        self.key, self.stored = key, stored
        self.intern = intern  # whether the documents read back share their texts (``unpickled``)
        self.fold = fold  # whether their workloads will be folded (``unpickled``)
        self.used: dict[str, bytes | memoryview] = {}
        self.changed = False
        self.paths: dict[tuple, tuple] = {}  # each key path of the documents unpickled, once

    @classmethod
    def for_size(cls, total: int) -> KeptParses | None:
        """The store for an input of ``total`` bytes, or None when the input is too small for one."""
        from importlib.machinery import PathFinder

        from advisor import __version__
        from advisor.system import cache, yamlsource

        if total < cls.LEAST_BYTES or cache.folder() is None:
            return None
        yaml_spec = PathFinder.find_spec("yaml")
        libyaml = PathFinder.find_spec("_yaml", yaml_spec.submodule_search_locations) if yaml_spec else None
        from advisor.domain import vocabulary
        from advisor.system import errors

        key = cache.digest(cls.KIND, __version__, sys.version, *cache.stamps(
            __file__, yamlsource.__file__, kustomize.__file__, policy_tests.__file__, vocabulary.__file__,
            errors.__file__, cache.__file__,
            yaml_spec.origin if yaml_spec else None, libyaml.origin if libyaml else None))
        size = cache.size(cls.KIND)
        stored = cache.load_entries(cls.KIND, key) if size is not None and size <= total * cls.STORE_PER_INPUT \
            else None
        return cls(key, stored if stored is not None else {}, interns(total), folds_at(total))

    @staticmethod
    def entry(name: str, text: str, outline: bool) -> str | None:
        from advisor.system.cache import digest

        if name == STDIN or _SECRET.search(text):
            return None
        return digest(name, text, "outline" if outline else "whole")

    def get(self, entry: str | None):
        """(documents, problems) kept for ``entry``, or None."""
        found = self.stored.get(entry) if entry is not None else None
        if found is None:
            return None
        self.used[entry] = found
        try:
            return unpickled(found, self.paths, self.intern, self.fold)
        except Exception:  # noqa: BLE001 - an entry that no longer fits the code: parse the file again
            del self.used[entry]
            return None

    def payload(self, entry: str):
        """The pickle of the file of ``entry`` read or made by this review (``get``, ``add``), or None."""
        return self.used.get(entry)

    def add(self, entry: str | None, parsed) -> None:
        from advisor.system.cache import pickled

        if entry is not None:
            self.used[entry] = pickled(parsed)
            self.changed = True

    def save(self) -> None:
        from advisor.system import cache

        if self.changed or len(self.used) != len(self.stored):
            # written piece by piece from the store read and the new pickles: no dict of them pickled into one more
            # copy of the whole store
            cache.store_entries(self.KIND, self.key, self.used.items())
        self.stored, self.used = {}, {}


# From this many bytes of input on, the documents read from pickles share their texts (``unpickled``): below it, what
# that saves (1.6 MiB of the shared corpus's 6.9 MB) is not worth the walk (10 ms of its 0.35 s kept run).
INTERN_BYTES = 16 * 1024 * 1024


def folds_at(size: int) -> bool:
    """Whether the workloads of an input of ``size`` bytes are held folded (``FOLD_BYTES``)."""
    return size >= FOLD_BYTES


def interns(size: int) -> bool:
    """Whether the documents of an input of ``size`` bytes, read from pickles, share their texts."""
    return size >= INTERN_BYTES


def unpickled(payload: bytes | memoryview, paths: dict[tuple, tuple], intern: bool = False, fold: bool = False):
    """A file's (documents, problems) from their pickle, each key path one of ``paths`` (added to it when
    new). A file's pickle shares key paths among its documents, not with other files' as the parser
    does (yamlsource): shared again, a review read from pickles does not hold a copy of each per file.
    ``payload`` may be a view of the kept store (cache.Entries), unpickled where it lies. ``intern``: each text of
    the data the one interned copy of it, as the parser gives it (``_interned``). ``fold``: the workloads will be
    folded (``FOLD_BYTES``): the documents of one are let go after the parse, and neither is done for them."""
    from advisor.system.cache import loads

    documents, problems = loads(payload)
    for doc in documents:
        if fold and _folded_kind(doc.data.get("kind") if doc.data.__class__ is dict else None):
            continue
        doc.lines = {paths.setdefault(path, path): line for path, line in doc.lines.items()}
        if intern and (doc.data.__class__ is dict or doc.data.__class__ is list):
            doc.data = _interned(doc.data)
    return documents, problems


def _folded_kind(kind) -> bool:
    """Whether the objects of ``kind`` are held folded in a large input: the workloads, but those that other
    objects' reviews read (``READ_BY_OTHERS``). Both ``Inputs.add``, which folds them, and ``unpickled``, which
    leaves their documents as read, ask this."""
    return kind.__class__ is str and kind in POD_TEMPLATE_PATHS and kind not in READ_BY_OTHERS


def _interned(value):
    """``value`` (a document's data: a tree of dicts and lists, never shared, as the parser makes it) with each
    text, key or value, the one interned copy of that text, as the parser gives it. A pickle shares texts only
    within one file: unpickled as they are, the documents of a large review held a copy of each key and each
    repeated value per file, 16 MiB more than parsed (10 copies of the shared corpus), for a walk that takes
    about a third as long as the unpickling (``INTERN_BYTES``)."""
    intern = sys.intern
    if value.__class__ is dict:
        return {intern(k) if k.__class__ is str else k:
                intern(v) if v.__class__ is str else _interned(v) if v.__class__ is dict or v.__class__ is list else v
                for k, v in value.items()}
    return [intern(v) if v.__class__ is str else _interned(v) if v.__class__ is dict or v.__class__ is list else v
            for v in value]


def outline_of(name: str):
    """What ``parse_documents_apart`` is given as ``outline`` for the file ``name``: a kustomization is
    read whole, any other file's objects of kinds that are not reviewed are outlined."""
    return None if os.path.basename(name) in kustomize.KUSTOMIZATION_FILES else outlined


def _parse_inputs(texts, errors, rendered, notes, kept: KeptParses | None = None, fold: bool = False) -> Inputs:
    inputs = Inputs(notes=list(notes), folds=Folds() if fold else None)
    problems: list[Problem] = []  # after ``errors``, which reading ``texts`` may still add to
    for name, text in texts:
        if "#@" in text and _YTT.search(text):
            # what its annotations write is not in the file: reviewed as written, its selectors read as empty (and
            # so it is not parsed, nor kept among the parses)
            inputs.notes.append(Note(name, None, "a ytt template (Carvel): the values its #@ annotations compute are "
                                                 "not in the file, so it is not reviewed; render it first: ytt -f "
                                                 "FOLDER | pod-advisor review -"))
            continue
        outline = outline_of(name)
        entry = kept.entry(name, text, outline is not None) if kept is not None else None
        parsed = kept.get(entry) if entry is not None else None
        if parsed is None:
            try:
                parsed = parse_documents_apart(text, name, outline=outline)
            except InputError as exc:
                parsed = [], exc.problems
            trim_raw(parsed[0])
            if entry is not None:
                kept.add(entry, parsed)
        documents, broken = parsed
        if "{{" in text:
            broken = [Problem(p.message, file=p.file, line=p.line, path=p.path,
                              hint=p.hint or "a Helm template? render it first: helm template CHART | "
                                             "pod-advisor review -") for p in broken]
        problems += broken
        if not documents and broken:
            continue
        inputs.files.append(name)
        if fold:
            inputs._folding = [None, {id(doc): place for place, doc in enumerate(documents)},
                               functools.partial(_payload, kept, entry, parsed),
                               name == STDIN or _SECRET.search(text) is not None]
        illustration = _illustration(documents)
        for doc in documents:
            if illustration is not None and isinstance(doc.data, dict) and doc.data.get("kind"):
                inputs.notes.append(Note(name, doc.line(()), f"{ManifestObject(doc, (), doc.data).label}: {illustration}"))
                continue
            if name != STDIN and kustomize.is_kustomization(name, doc.data):
                inputs.patches.update(dict.fromkeys(kustomize.patch_files(name, doc.data), name))
                for patch in kustomize.named_patches(name, doc.data):
                    inputs.patches.setdefault(patch, f"{name} is beside it, and its file's name says it is a patch")
                inputs.generated.update(dict.fromkeys(kustomize.generator_files(name, doc.data), name))
                inputs.generated_configmaps.update(kustomize.generated_configmaps(doc.data))
                inputs.labelled.update(dict.fromkeys(kustomize.labelled_resources(name, doc.data), name))
                for resource, kinds in kustomize.patch_targets(name, doc.data).items():
                    inputs.patch_targets.setdefault(resource, {}).update(kinds)
            if name != STDIN:
                inputs.policy_inputs.update(dict.fromkeys(policy_tests.inputs_of(name, doc.data), name))
            _collect(doc, (), doc.data, inputs)
        inputs._folding = None
    inputs.errors = list(errors or ()) + problems
    for doc in rendered:
        if doc.source not in inputs.files:
            inputs.files.append(doc.source)
        _collect(doc, (), doc.data, inputs)
    _skaffold_patches(inputs)
    _overlay_patches(inputs)
    inputs.mark_alternatives()
    return inputs


def _illustration(documents) -> str | None:
    """Why the objects of a file are an illustration, not a manifest to apply, or None: beside them the file holds a
    document that is plain data, a mapping with neither apiVersion nor kind (a lesson on YAML's syntax shows
    ``person: {name: ..., hobbies: [...]}`` and then a Pod), which ``kubectl apply -f`` reports as an error
    ("Object 'Kind' is missing"): nobody applies such a file as it is (blind round 36)."""
    if not any(isinstance(d.data, dict) and d.data.get("kind") for d in documents):
        return None
    for doc in documents:
        if isinstance(doc.data, dict) and doc.data and "apiVersion" not in doc.data and "kind" not in doc.data:
            return (f"its file also holds a document of plain data (line {doc.line(())}: no apiVersion or kind), "
                    f"which kubectl apply reports as an error: an illustration of YAML, not a manifest applied as "
                    f"it is; not reviewed")
    return None


def _payload(kept, entry, parsed) -> bytes | memoryview:
    """The pickle of a file's ``parsed`` documents, for its folded objects (``Folds.hold``): the one the store of
    parses has or the parse helper sent, else made here."""
    found = kept.payload(entry) if kept is not None and entry is not None else None
    if found is None:
        from advisor.system.cache import pickled

        return pickled(parsed)
    return found


def _own(payload: bytes | memoryview) -> bytes:
    """``payload`` as bytes of its own: a view of the kept store, copied, so that the store is let go after the
    parse."""
    return bytes(payload) if isinstance(payload, memoryview) else payload


def trim_raw(documents) -> None:
    """Keep of each document's scalars as written those kubectl reads as text (``_as_text_by_kubectl``): what the
    review reads of them, wherever a file is parsed (here, or by the helper of advisor.review.ahead, whose parse
    is the same)."""
    for doc in documents:
        if doc.raw:
            doc.raw = _as_text_by_kubectl(doc.raw)


def _as_text_by_kubectl(raw: dict) -> dict:
    """Of a document's scalars as written (``Document.raw``: every number, boolean, null and date), those a
    review reads: the ones kubectl's YAML reads as text where PyYAML does not (dates, base 60, integers
    beyond 64 bits: yamlsource.read_as_text_by_kubectl), which it sends as written
    (advisor.review.refusals._as_sent); the others were a tenth of what a large review held of its documents."""
    # (the length and colon first: most scalars are short numbers, booleans and nulls, none of them such)
    return {path: text for path, text in raw.items()
            if (len(text) >= 10 or ":" in text) and read_as_text_by_kubectl(text)}


# The kinds the API server refuses without a spec.selector (apps/v1): a fragment of one, beside the whole
# object in a folder kustomize renders, is a patch.
_SELECTOR_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")


def _overlay_patches(inputs: Inputs) -> None:
    """Mark as patches the fragments in a kustomize overlay whose kustomization is not among the inputs (not
    committed; made by a script): an apps/v1 workload without a selector in a folder overlays/NAME/, when the
    folder base/ beside overlays/ defines the whole object of the same kind and name (blind round 36: a cookbook's
    overlays/prod/deployment.yaml, which its README renders with ``kustomize build .``)."""
    # from what Inputs.add noted of each such workload while it was whole: a folded one is not read back for this
    for key, kind, name, selected in inputs.overlay_shapes:
        parts = key.split("/")
        if selected or "overlays" not in parts[:-2] or key in inputs.patches:
            continue
        at = len(parts) - 1 - parts[::-1].index("overlays")
        base = "/".join(parts[:at] + ["base"]) + "/"
        whole = next((k for k, other_kind, other_name, has in inputs.overlay_shapes if has and other_kind == kind
                      and other_name == name and k.startswith(base)), None)
        if whole is not None:
            said = os.path.relpath(base.rstrip("/"), os.path.dirname(key))
            inputs.patches[key] = (f"its folder is an overlay of {said}, whose {os.path.basename(whole)} "
                                   f"defines the whole {kind} {name}")


def _skaffold_patches(inputs: Inputs) -> None:
    """Mark as patches the fragments in a folder a skaffold.yaml renders with kustomize whose kustomization is
    not among the inputs: an apps/v1 workload without a selector, in a file of its own, beside a file that
    defines the whole object of the same kind and name."""
    folders: dict[str, str] = {}
    for config in inputs.by_kind.get("Config", ()):
        if config.file != STDIN:
            folders.update(dict.fromkeys(kustomize.skaffold_kustomize_folders(config.file, config.data), config.file))
    if not folders:
        return
    for obj in inputs.objects:
        if obj.file == STDIN or obj.kind not in _SELECTOR_KINDS or obj.get("spec", "selector") is not None:
            continue
        folder = os.path.dirname(kustomize.key(obj.file))
        if folder not in folders or kustomize.key(obj.file) in inputs.patches:
            continue
        whole = [o for o in inputs.by_kind.get(obj.kind, ()) if o is not obj and o.name == obj.name
                 and o.file != obj.file and o.file != STDIN and os.path.dirname(kustomize.key(o.file)) == folder
                 and o.get("spec", "selector") is not None]
        if whole:
            inputs.patches[kustomize.key(obj.file)] = f"{folders[folder]} renders its folder with kustomize"


def outlined(kind) -> bool:
    """Whether an object whose ``kind`` is this is kept only as an outline (``_collect``): not a
    reviewed kind nor one read whole, not a list of objects, not a kustomization nor a policy test."""
    if not kind:
        return False
    kind = str(kind)
    return (kind not in POD_TEMPLATE_PATHS and kind not in CROSS_CHECKED_KINDS and kind not in READ_WHOLE_KINDS
            and not kind.endswith("List")
            and kind not in ("Kustomization", "Component") + policy_tests.KINDS)


def api_group(data: dict) -> str:
    """The API group of an object's apiVersion: ``apps`` of apps/v1, "" of the core group's v1."""
    api_version = str(data.get("apiVersion") or "")
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def custom_group(data: dict) -> str | None:
    """The API group of an object whose kind is one review reads (a workload, a Service) but whose group
    is a custom resource's: a DNS name of its own, not Kubernetes' (``*.k8s.io``); else None."""
    kind = str(data.get("kind"))
    if kind not in POD_TEMPLATE_PATHS and kind not in CROSS_CHECKED_KINDS and kind not in READ_WHOLE_KINDS \
            or kind in _TOOLS_KINDS:
        return None
    group = api_group(data)
    if "." in group and not group.endswith(".k8s.io") and group != "k8s.io":
        return group
    return None


def _collect(doc: Document, path: tuple, data, inputs: Inputs) -> None:
    if not isinstance(data, dict) or not data.get("kind"):
        inputs.not_objects += 1
        return
    items = data.get("items")
    if str(data["kind"]).endswith("List") and isinstance(items, list):
        for i, item in enumerate(items):
            _collect(doc, path + ("items", i), item, inputs)
        return
    obj = ManifestObject(doc, path, data)
    group = custom_group(data)
    if group is not None:
        # OpenKruise's apps.kruise.io StatefulSet, Knative's serving.knative.dev Service: a CRD's kind that
        # shares a built-in kind's name is not that kind, and its own fields are not the built-in's
        if obj.reviewed:
            inputs.notes.append(Note(obj.file, obj.line(), f"{obj.label} is a custom resource of the API group "
                                                          f"{group}, not the built-in {obj.kind}; not reviewed"))
        return
    wrong = shape_problem(obj.kind, data)
    if wrong is not None:
        # The API server refuses it too; left out, the checks can trust every shape they walk.
        where, what = wrong
        inputs.notes.append(Note(obj.file, obj.line(*where), f"{obj.label}: {what}; not reviewed"))
        return
    inputs.add(obj if obj.reviewed or obj.kind in CROSS_CHECKED_KINDS + READ_WHOLE_KINDS else obj.outline())
