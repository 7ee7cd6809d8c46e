"""Kustomize patches among the inputs: parts of objects, not objects to review.

A kustomization names the files that patch its resources (``patches``,
``patchesStrategicMerge``, ``patchesJson6902``). Such a file looks like an object
(a kind, a name) but holds only the fields it changes: reviewed as it is, it would
raise findings about what it leaves out.
"""

from __future__ import annotations

import os
import re

from advisor.system.patterns import lazy

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_PATCH_KEYS = ("patches", "patchesStrategicMerge", "patchesJson6902")


def is_kustomization(file: str, data) -> bool:
    if not isinstance(data, dict):
        return False
    return (os.path.basename(file) in KUSTOMIZATION_FILES
            or str(data.get("kind")) in ("Kustomization", "Component"))


def patch_files(file: str, data: dict) -> set[str]:
    """The absolute paths of the patch files a kustomization at ``file`` names."""
    folder = os.path.dirname(os.path.abspath(file))
    found = set()
    for key in _PATCH_KEYS:
        entries = data.get(key)
        for entry in entries if isinstance(entries, list) else []:
            path = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(path, str) and path and "\n" not in path:
                found.add(os.path.normpath(os.path.join(folder, path)))
    return found


def generator_files(file: str, data: dict) -> set[str]:
    """The absolute paths of the files a kustomization's configMapGenerator or secretGenerator puts into a
    ConfigMap or Secret (``files: [helperPod.yaml, key=path]``): data a program reads, not objects."""
    folder = os.path.dirname(os.path.abspath(file))
    found = set()
    for key in ("configMapGenerator", "secretGenerator"):
        generators = data.get(key)
        for generator in generators if isinstance(generators, list) else []:
            files = generator.get("files") if isinstance(generator, dict) else None
            for entry in files if isinstance(files, list) else []:
                if isinstance(entry, str) and entry and "\n" not in entry:
                    path = entry.split("=", 1)[1] if "=" in entry else entry
                    found.add(os.path.normpath(os.path.join(folder, path)))
    return found


def generated_configmaps(data: dict) -> set[str]:
    """The names of the ConfigMaps a kustomization's configMapGenerator makes, or merges into or replaces (a
    ``behavior`` of merge or replace changes the ConfigMap of that name its resources hold)."""
    generators = data.get("configMapGenerator")
    return {str(g["name"]) for g in (generators if isinstance(generators, list) else [])
            if isinstance(g, dict) and isinstance(g.get("name"), str)}


def selector_labels(data: dict) -> dict:
    """The labels a kustomization writes into its resources' selectors and Pod templates: ``commonLabels``,
    and each ``labels`` entry with ``includeSelectors: true``. kustomize creates spec.selector.matchLabels
    and the template's labels where a resource has none, so a base may leave them out."""
    found = {}
    common = data.get("commonLabels")
    if isinstance(common, dict):
        found.update(common)
    entries = data.get("labels")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("includeSelectors") is True and isinstance(entry.get("pairs"), dict):
            found.update(entry["pairs"])
    return {str(k): str(v) for k, v in found.items()}


def labelled_resources(file: str, data: dict) -> set[str]:
    """The absolute paths of the resources of a kustomization at ``file`` whose selectors it fills in
    (``selector_labels``): files, and folders (another kustomization, a base, whose own resource files get
    them too: ``labelled``); none when it sets no such labels."""
    return set(_resources(file, data)) if selector_labels(data) else set()


def patch_targets(file: str, data: dict) -> dict[str, dict]:
    """The resources (absolute paths: files, and folders) of a kustomization at ``file`` that its patches may
    change, each with {kind: ``file``} for the kinds they may change; the kind None stands for any (a strategic
    merge patch names its target inside itself, a kind that is a pattern may match several). Empty when it
    patches nothing."""
    kinds = set()
    for key_ in _PATCH_KEYS:
        entries = data.get(key_)
        for entry in entries if isinstance(entries, list) else []:
            target = entry.get("target") if isinstance(entry, dict) else None
            kind = target.get("kind") if isinstance(target, dict) else None
            kinds.add(kind if isinstance(kind, str) and kind.isalnum() else None)
    return {resource: dict.fromkeys(kinds, file) for resource in _resources(file, data)} if kinds else {}


# A file name that says it holds a patch: deployment-patch.yaml, patch_replicas.yaml, patches.yml.
_PATCH_NAME = lazy(r"(?:^|[-_.])patch(?:es)?(?:[-_.]|$)", re.IGNORECASE)


def named_patches(file: str, data: dict) -> set[str]:
    """The files beside the kustomization at ``file`` whose name says they hold a patch (csi-job-patch.yaml) and that
    it does not list as resources: patches of its own, or of an earlier version of it, never applied as objects."""
    folder = os.path.dirname(os.path.abspath(file))
    listed = set(_resources(file, data))
    try:
        names = os.listdir(folder)
    except OSError:
        return set()
    return {key(os.path.join(folder, name)) for name in names
            if name.endswith((".yaml", ".yml", ".json")) and _PATCH_NAME.search(name.rsplit(".", 1)[0])
            and os.path.join(folder, name) not in listed and name not in KUSTOMIZATION_FILES}


def _resources(file: str, data: dict) -> list[str]:
    """The absolute paths (files, and folders) of the local resources a kustomization at ``file`` lists; remote
    ones (``https://...``) are not read."""
    folder = os.path.dirname(os.path.abspath(file))
    entries = data.get("resources")
    return [os.path.normpath(os.path.join(folder, entry)) for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, str) and entry and "\n" not in entry and "://" not in entry]


def patched(file: str, kind: str, targets: dict) -> str | None:
    """The kustomization among ``targets`` (``patch_targets``, of every kustomization read) whose patches may change
    an object of ``kind`` in the resource file ``file``: one that lists the file, or the folder that holds it (one
    level, as ``labelled``); None when none does."""
    path = key(file)
    for place in (path, os.path.dirname(path)):
        kinds = targets.get(place)
        if kinds:
            found = kinds.get(kind) or kinds.get(None)
            if found:
                return found
    return None


def labelled(file: str, filled: dict) -> bool:
    """Whether a kustomization fills in the selectors of the resource file ``file``: it lists the file, or the
    folder that holds it (an overlay's ``resources: [../manager]``, whose kustomization lists the file). One
    level of folders: a base of a base is left to the reviewer's doubt, which then says what it finds."""
    path = key(file)
    return path in filled or os.path.dirname(path) in filled


def key(file: str) -> str:
    """How a file is named in ``Inputs.patches``."""
    return os.path.normpath(os.path.abspath(file))


def skaffold_kustomize_folders(file: str, data: dict) -> set[str]:
    """The absolute folders a skaffold.yaml at ``file`` renders with kustomize (``manifests.kustomize.paths``,
    or ``deploy.kustomize.paths`` before skaffold v2), in its profiles too."""
    if not isinstance(data, dict) or not str(data.get("apiVersion") or "").startswith("skaffold/"):
        return set()
    folder = os.path.dirname(os.path.abspath(file))
    found = set()
    sections = [data] + [p for p in data.get("profiles") or [] if isinstance(p, dict)]
    for section in sections:
        for outer in ("manifests", "deploy"):
            block = section.get(outer)
            custom = block.get("kustomize") if isinstance(block, dict) else None
            if not isinstance(custom, dict):
                continue
            paths = custom.get("paths")
            paths = paths if isinstance(paths, list) else [custom["path"]] if isinstance(custom.get("path"), str) else []
            if not paths and custom is not None:
                paths = ["."]  # skaffold's default: the folder of skaffold.yaml
            for path in paths:
                if isinstance(path, str) and path and "\n" not in path:
                    found.add(os.path.normpath(os.path.join(folder, path)))
    return found
