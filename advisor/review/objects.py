"""Manifests as the reviewer reads them: objects with their file and lines.

Inputs are files, folders (searched for *.yaml, *.yml and *.json) and ``-`` for
standard input; each may hold several YAML documents and ``kind: List`` objects.
Workload kinds are reviewed; Services, ConfigMaps, autoscalers and claims are kept
whole for cross-checks; every other kind only as an outline (``CROSS_CHECKED_KINDS``).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field

from advisor.domain.vocabulary import POD_TEMPLATE_PATHS
from advisor.review import kustomize
from advisor.review.report import Note
from advisor.review.shapes import shape_problem
from advisor.system.errors import InputError, Problem
from advisor.system.yamlsource import Document, parse_documents, read_stream, read_text

MAX_BYTES = 16 * 1024 * 1024  # rendered charts with their CRDs run to megabytes
EXTENSIONS = (".yaml", ".yml", ".json")
STDIN = "<stdin>"

REVIEWED_KINDS = tuple(POD_TEMPLATE_PATHS)  # every kind that holds Pods
# The other kinds the checks read whole. Objects of any other kind are kept as an outline
# (kind, name, namespace, line): enough to count them, to link by, and for --fix to see a
# clash. A CustomResourceDefinition's schema runs to thousands of lines, and CRDs were most
# of what a review of whole repositories held in memory.
CROSS_CHECKED_KINDS = ("Service", "ConfigMap", "HorizontalPodAutoscaler", "PersistentVolumeClaim",
                       "PodDisruptionBudget")


@dataclass
class ManifestObject:
    """One Kubernetes object: its data, and where in which document it sits."""

    doc: Document
    path: tuple  # the object's key path in its document: () or ("items", 3)
    data: dict

    @property
    def file(self) -> str:
        return self.doc.source

    @property
    def kind(self) -> str:
        return str(self.data.get("kind") or "")

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
        """The folder of the object's file (standard input is a folder of its own). Cached: every
        cross-check asks it of both objects, for each Service and ConfigMap of the input."""
        return self.file if self.file == STDIN else os.path.dirname(os.path.abspath(self.file))

    def outline(self) -> "ManifestObject":
        """This object as only its identity and its line: what is kept of a kind nobody reads."""
        meta = {k: v for k, v in self.metadata.items() if k in ("name", "generateName", "namespace")}
        data = {k: v for k, v in self.data.items() if k in ("apiVersion", "kind")}
        data["metadata"] = meta
        lines = {(): self.line()}
        lines.update({("metadata", k): self.line("metadata", k) for k in meta})
        return ManifestObject(Document(data, self.doc.source, lines=lines, index=self.doc.index), (), data)

    def links_to(self, other: "ManifestObject") -> bool:
        """Whether ``other`` may be what this object refers to (its Service, ConfigMap, autoscaler).

        Objects that name the same namespace are linked wherever they are. An object that
        names none goes wherever it is applied, so it is linked only to objects of its own
        folder (or stream): a repository of many applications keeps each in a folder, and
        one application's Service must not stand in for another's.
        """
        if self.namespace and other.namespace:
            return self.namespace == other.namespace
        return self.folder == other.folder


@dataclass
class Inputs:
    """Everything read: the objects in input order and what was not Kubernetes."""

    objects: list[ManifestObject] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # files that could not be read or parsed
    patches: dict[str, str] = field(default_factory=dict)  # a file a kustomization patches with -> that kustomization
    notes: list = field(default_factory=list)  # review.report.Note: objects left out, and why
    not_objects: int = 0  # documents without a kind (values files, kustomizations' fragments)
    by_kind: dict[str, list[ManifestObject]] = field(default_factory=dict)
    _selectors: dict | None = field(default=None, repr=False)  # (label, value) -> Services, built once

    def add(self, obj: ManifestObject) -> None:
        self.objects.append(obj)
        self.by_kind.setdefault(obj.kind, []).append(obj)
        self._selectors = None

    def of_kind(self, kind: str) -> list[ManifestObject]:
        if kind not in POD_TEMPLATE_PATHS and kind not in CROSS_CHECKED_KINDS:
            # A check that starts reading another kind must add it there; until then its
            # objects are outlines, and the check would silently see no fields.
            raise ValueError(f"{kind} objects are kept only as an outline; add the kind to CROSS_CHECKED_KINDS")
        return self.by_kind.get(kind, [])

    def services_selecting(self, obj: ManifestObject, labels: dict) -> list[ManifestObject]:
        """The Services (in input order) in ``obj``'s namespace whose selector ``labels`` match.

        Indexed by one pair of each selector, so that a review of 3,000 Deployments and 3,000
        Services looks at the few candidates of each Pod's labels, not at every Service."""
        if self._selectors is None:
            self._selectors = {}
            for position, service in enumerate(self.of_kind("Service")):
                selector = service.get("spec", "selector")
                if isinstance(selector, dict) and selector:
                    key, value = min((str(k), str(v)) for k, v in selector.items())
                    self._selectors.setdefault((key, value), []).append((position, service))
        candidates = {position: service for key, value in labels.items()
                      for position, service in self._selectors.get((str(key), str(value)), ())}
        return [service for _, service in sorted(candidates.items(), key=lambda item: item[0])
                if service.links_to(obj) and selects(service, labels)]


def selects(service: ManifestObject, labels: dict) -> bool:
    """Whether ``service``'s selector matches Pod ``labels``, as Kubernetes matches them (as text)."""
    selector = service.get("spec", "selector")
    return (isinstance(selector, dict) and bool(selector)
            and all(k in labels and str(labels[k]) == str(v) for k, v in selector.items()))


def find_files(paths: list[str]) -> tuple[list[str], list[Problem]]:
    """Expand folders (recursively, hidden folders skipped) into their manifest files.

    ``read_inputs`` reads what a folder holds only if it is a regular file (a FIFO would
    block the read for ever) and names the rest; a path given outright is read whatever it
    is, so that ``review <(helm template chart)`` works.
    """
    found, problems = [], []
    for path in paths:
        if path == "-":
            found.append(path)
        elif os.path.isdir(path):
            matches = []
            for folder, subfolders, files in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                matches += [os.path.join(folder, f) for f in sorted(files) if f.endswith(EXTENSIONS)]
            if not matches:
                problems.append(Problem("holds no *.yaml, *.yml or *.json file", file=path))
            found += matches
        elif os.path.exists(path):
            found.append(path)
        else:
            problems.append(Problem("no such file or folder", file=path))
    return found, problems


def read_inputs(paths: list[str], stdin=None) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(name, text) of every input file that can be read, and a Problem for each one that cannot.

    One unreadable file never hides the others: the caller reviews what was read and
    reports the rest. Standard input (``-``) is read from the stream ``stdin`` as a file
    is: at most MAX_BYTES, UTF-8 or UTF-16 with its BOM.
    """
    files, problems = find_files(paths)
    named = set(paths)
    texts = []
    for path in files:
        try:
            if path == "-":
                texts.append((STDIN, read_stream(stdin, STDIN, MAX_BYTES)))
            else:
                texts.append((path, read_text(path, max_bytes=MAX_BYTES, regular_only=path not in named)))
        except InputError as exc:
            problems += exc.problems
    return texts, problems


def parse_inputs(texts: list[tuple[str, str]], errors: list[Problem] | None = None) -> Inputs:
    """Parse every text into objects; a file that is not valid YAML becomes one of ``Inputs.errors``.

    ``errors`` are problems found before parsing (files that could not be read); they
    come first.
    """
    inputs = Inputs(errors=list(errors or ()))
    problems = inputs.errors
    for name, text in texts:
        try:
            documents = parse_documents(text, name)
        except InputError as exc:
            if "{{" in text:
                exc.problems[-1] = Problem(exc.problems[-1].message, file=exc.problems[-1].file,
                                           line=exc.problems[-1].line,
                                           hint="a Helm template? render it first: helm template CHART | "
                                                "pod-advisor review -")
            problems += exc.problems
            continue
        inputs.files.append(name)
        for doc in documents:
            if name != STDIN and kustomize.is_kustomization(name, doc.data):
                inputs.patches.update(dict.fromkeys(kustomize.patch_files(name, doc.data), name))
            _collect(doc, (), doc.data, inputs)
    return inputs


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
    wrong = shape_problem(obj.kind, data)
    if wrong is not None:
        # The API server refuses it too; left out, the checks can trust every shape they walk.
        where, what = wrong
        inputs.notes.append(Note(obj.file, obj.line(*where), f"{obj.label}: {what}; not reviewed"))
        return
    inputs.add(obj if obj.reviewed or obj.kind in CROSS_CHECKED_KINDS else obj.outline())
