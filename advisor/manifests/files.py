"""What the Helm chart and the Kustomize base share: the objects of the plain manifest, one
file per object, and each container's image in the parts a team changes (repository, tag).

Both forms are made from ``Manifest.documents``, the checked objects and comments of
``pod-advisor manifest``, so that neither can say something the plain manifest does not.
"""

from __future__ import annotations

import copy

from advisor.domain.model import image_reference
from advisor.domain.vocabulary import pod_template_path
from advisor.manifests.build import NAME_LABEL, PART_OF_LABEL, object_labels, selector_labels
from advisor.manifests.emit import emit_stream


def object_file(obj: dict) -> str:
    """``deployment-web.yaml``: the file of one object, ``<kind>-<name>.yaml``."""
    return f"{obj['kind'].lower()}-{obj['metadata']['name']}.yaml"


def image_parts(image: str) -> dict:
    """``{"repository": ..., "tag": ...}`` (and ``"digest"`` for ``name@sha256:...``); "" for no tag."""
    repository, tag, digest = image_reference(image)
    parts = {"repository": repository, "tag": tag or ""}
    if digest:
        parts["digest"] = digest
    return parts


def pod_spec_of(obj: dict) -> dict | None:
    """The Pod spec of a workload object (its template's, or a bare Pod's own); None for a Service."""
    path = pod_template_path(obj["kind"])
    if path is None:
        return None
    for key in path + ("spec",):
        obj = obj[key]
    return obj


def pod_containers(obj: dict) -> list[dict]:
    """The entries of a workload's Pod, in the order written: init containers, then containers."""
    spec = pod_spec_of(obj) or {}
    return [*spec.get("initContainers", ()), *spec.get("containers", ())]


def replace_labels(value, part_of: str, name: str, labels, selector):
    """A deep copy of ``value`` with each mapping equal to the workload's labels replaced by
    ``labels(mapping)``, and each equal to the selector of a workload of the design (its own, or
    another's that a NetworkPolicy admits) by ``selector(mapping)``."""
    everything = object_labels(part_of, name)

    def walk(item):
        if isinstance(item, dict):
            if item == everything:
                return labels(item)
            if set(item) == {NAME_LABEL, PART_OF_LABEL} and item == selector_labels(part_of, item[NAME_LABEL]):
                return selector(item)
            return {key: walk(child) for key, child in item.items()}
        if isinstance(item, list):
            return [walk(child) for child in item]
        return copy.copy(item)

    return walk(value)


def yaml_file(obj: dict, notes: dict) -> str:
    """One YAML document with its comments, ``notes[()]`` above it, and no ``---`` (Chart.yaml, ...)."""
    lines = emit_stream([(obj, {k: v for k, v in notes.items() if k != ()})], notes.get((), ())).split("\n")
    lines.remove("---")
    return "\n".join(lines)
