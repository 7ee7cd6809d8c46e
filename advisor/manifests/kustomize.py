"""The design as a Kustomize base: ``pod-advisor manifest FILE --format kustomize -o DIR``.

``base/`` holds one file per object of the plain manifest (``<kind>-<name>.yaml``, with
its comments) and a kustomization that lists them and sets the labels every object
shares, so they are said once: ``kustomize build DIR/base`` renders exactly the plain
manifest's objects, in its order. ``overlays/production/`` is a commented example of
what an environment changes: replicas and image tags.
"""

from __future__ import annotations

from advisor import __version__
from advisor.domain.vocabulary import REPLICATED_KINDS
from advisor.manifests.build import MANAGED_BY, MANAGED_BY_LABEL, PART_OF_LABEL
from advisor.manifests.emit import BlockList, emit_stream
from advisor.manifests.files import image_parts, object_file, pod_containers, replace_labels, yaml_file
from advisor.manifests.why import findings_summary

API_VERSION = "kustomize.config.k8s.io/v1beta1"
FIFO = {"order": "fifo"}  # objects in the order listed (kustomize sorts them by kind otherwise)


def kustomize_files(manifest, comments: bool = True) -> dict[str, str]:
    """The base and the example overlay, by path inside the folder."""
    rec = manifest.recommendation
    files = {}
    resources = []
    for doc in manifest.documents:
        name = doc.obj["metadata"]["name"]
        obj = replace_labels(doc.obj, rec.name, name, labels=_without_shared, selector=_without_shared)
        file = object_file(doc.obj)
        resources.append(file)
        header = [f"{doc.obj['kind']} {name} of the Kustomize base of {rec.name}; kustomization.yaml adds the "
                  f"labels {PART_OF_LABEL} and {MANAGED_BY_LABEL}."]
        files[f"base/{file}"] = emit_stream([(obj, doc.comments if comments else {})], header if comments else ())
    files["base/kustomization.yaml"] = yaml_file(_base(rec, resources, {d.obj["kind"] for d in manifest.documents}), _base_notes(manifest) if comments else {})
    overlay, notes = _overlay(manifest)
    files["overlays/production/kustomization.yaml"] = yaml_file(overlay, notes if comments else {})
    return files


def _without_shared(labels: dict) -> dict:
    return {k: v for k, v in labels.items() if k not in (PART_OF_LABEL, MANAGED_BY_LABEL)}


def _base(rec, resources: list[str], kinds: set[str]) -> dict:
    managed = {"pairs": {MANAGED_BY_LABEL: MANAGED_BY}, "includeSelectors": False, "includeTemplates": True}
    if "StatefulSet" in kinds:
        # includeTemplates reaches Pod templates, not a StatefulSet's volume claim templates.
        managed["fields"] = [{"path": "spec/volumeClaimTemplates[]/metadata/labels", "kind": "StatefulSet",
                              "create": True}]
    return {
        "apiVersion": API_VERSION,
        "kind": "Kustomization",
        "labels": [{"pairs": {PART_OF_LABEL: rec.name}, "includeSelectors": True}, managed],
        "resources": BlockList(resources),
        "sortOptions": FIFO,
    }


def _base_notes(manifest) -> dict:
    rec = manifest.recommendation
    source = manifest.source
    return {
        (): [f"The Kustomize base of {rec.name} for Kubernetes {rec.kubernetes}, written by pod-advisor "
             f"{__version__}{' from ' + source if source else ''}: `kustomize build` (or `kubectl apply -k`) "
             f"renders what `pod-advisor manifest` writes. Keep changes per environment in an overlay "
             f"(../overlays/production is an example).",
             f"Findings: {findings_summary(rec)}.",
             *(f"TO DO: {note}." for note in manifest.notes)],
        ("labels", 0): [f"Every object is part of {rec.name}, and so is what its workloads and Services "
                        f"select (includeSelectors)."],
        ("labels", 1): ["Who manages them: on every object and Pod template, never in a selector, which cannot "
                        "change once a workload exists."],
        ("resources",): ["One file per object, <kind>-<name>.yaml."],
        ("sortOptions",): ["In the order listed, as the plain manifest has them: each workload, then its Service and "
                           "the objects beside it."],
    }


def _overlay(manifest) -> tuple[dict, dict]:
    overlay: dict = {"apiVersion": API_VERSION, "kind": "Kustomization", "resources": BlockList(["../../base"])}
    notes: dict = {
        (): ["An example overlay: what production changes in the base. Copy it for each environment "
             "(overlays/staging, ...) and change what differs; `kustomize build overlays/production` renders "
             "it. As written it changes nothing: each value is the base's own."],
        ("resources",): ["Everything in the base."],
    }
    replicas = [{"name": d.obj["metadata"]["name"], "count": d.obj["spec"]["replicas"]}
                for d in manifest.documents if d.obj["kind"] in REPLICATED_KINDS
                and "replicas" in d.obj["spec"]]
    if replicas:
        overlay["replicas"] = replicas
        notes[("replicas",)] = ["How many Pods each workload runs in production."]
    # Kustomize finds an image by its name and sets one tag for every container that runs it;
    # an image without a tag, or pinned by digest, or run with two tags, is left out.
    tags: dict[str, set] = {}
    for doc in manifest.documents:
        for c in pod_containers(doc.obj):
            parts = image_parts(c["image"])
            tags.setdefault(parts["repository"], set()).add("" if parts.get("digest") else parts["tag"])
    images = [{"name": name, "newTag": next(iter(found))} for name, found in tags.items()
              if len(found) == 1 and "" not in found]
    if images:
        overlay["images"] = images
        notes[("images",)] = ["The image each container runs, by name: set newTag to the release production "
                              "runs (newName moves it to another registry, digest pins it)."]
    overlay["sortOptions"] = FIFO
    notes[("sortOptions",)] = ["In the base's order."]
    return overlay, notes

