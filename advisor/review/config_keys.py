"""container-cannot-start: a container that reads a key its ConfigMap does not have.

The API server takes a reference to any key of any ConfigMap; the kubelet resolves it only when it
starts the container. An env variable whose ``configMapKeyRef`` names a key the ConfigMap lacks keeps
the container from being created ("couldn't find key K in ConfigMap NS/NAME": the Pod stays in
CreateContainerConfigError, the kubelet trying again and again); a ConfigMap volume whose ``items``
name a missing key is never set up ("configmap references non-existent config key: K"), and the Pod
stays in ContainerCreating. Neither happens when the reference is ``optional: true``. The kubelet reads
an env variable from ``data`` only, a volume's item from ``data`` or ``binaryData``.

Judged only on evidence among the files reviewed: the ConfigMap is there, beside the workload (in its
namespace, or its folder when neither names one), and no ConfigMap of that name anywhere among them has
the key; nothing there may add it (a kustomize configMapGenerator of that name, a patch that may change
ConfigMaps there or the workload itself); and the ConfigMap has data at all (an empty one is a
placeholder something else fills). A key a controller adds while the cluster runs cannot be seen.
"""

from __future__ import annotations

import difflib
from typing import Iterator

from advisor.review import kustomize
from advisor.review.checks import Hit, check
from advisor.review.facts import ManifestContainer, Subject
from advisor.review.objects import ManifestObject
from advisor.review.starts import patched_base

FINDING = "container-cannot-start"
_PLACEHOLDERS = ("$", "{{", "<", "%")  # a key or name a template or a script fills in


@check(FINDING)
def missing_config_keys(s: Subject, rec) -> Iterator[Hit]:
    if not s.inputs.by_kind.get("ConfigMap") or _changed_by_kustomize(s):
        return
    for c in s.containers:
        for name, key, line, where in _env_refs(s, c):
            found = _missing(s, name, key, ("data",))
            if found is not None:
                yield Hit(FINDING,
                          f"{c.name}'s {where} reads key {key!r} of ConfigMap {name}, which has no such key in its "
                          f"data ({_place(found)}{_close(found, key, ('data',))}), and the reference is not "
                          f"optional: the kubelet does not create the container (\"couldn't find key {key} in "
                          f"ConfigMap {_namespaced(s, name)}\"), and the Pod stays in CreateContainerConfigError. "
                          f"Add the key to the ConfigMap, name one it has, or mark the reference optional: true",
                          c, line=line, guess=_GUESS)
    for volume, name, key, line in _volume_items(s):
        found = _missing(s, name, key, ("data", "binaryData"))
        c = _first_mounting(s, volume)
        if found is not None and c is not None:
            yield Hit(FINDING,
                      f"volume {volume}, which {c.name} mounts, takes key {key!r} of ConfigMap {name}, which has no "
                      f"such key ({_place(found)}{_close(found, key, ('data', 'binaryData'))}), and the volume is "
                      f"not optional: the kubelet cannot set the volume up (\"configmap references non-existent "
                      f"config key: {key}\"), and the Pod stays in ContainerCreating. Add the key to the ConfigMap, "
                      f"name one it has, or mark the volume optional: true",
                      c, line=line, guess=_GUESS)


_GUESS = ("the ConfigMap applied is taken to be the one among the files reviewed: no kustomize generator or patch "
          "among them changes it, and no other file defines it with the key; a key a controller adds while the "
          "cluster runs cannot be seen")


def _env_refs(s: Subject, c: ManifestContainer) -> Iterator[tuple[str, str, int, str]]:
    """(ConfigMap name, key, line, what reads it) of each env variable of ``c`` read from a ConfigMap key,
    not optional."""
    env = c.spec.get("env")
    for i, var in enumerate(env if isinstance(env, list) else []):
        source = var.get("valueFrom") if isinstance(var, dict) else None
        ref = source.get("configMapKeyRef") if isinstance(source, dict) else None
        if not isinstance(ref, dict) or ref.get("optional") is True:
            continue
        name, key = ref.get("name"), ref.get("key")
        if _plain(name) and _plain(key):
            line = s.obj.doc.line(c.path + ("env", i, "valueFrom", "configMapKeyRef", "key")) or c.line
            yield name, key, line, f"env {var.get('name')}"


def _volume_items(s: Subject) -> Iterator[tuple[str, str, str, int]]:
    """(volume, ConfigMap name, key, line) of each item a ConfigMap volume (or a projected volume's ConfigMap
    source) takes, not optional."""
    volumes = s.pod_spec.get("volumes")
    for i, volume in enumerate(volumes if isinstance(volumes, list) else []):
        if not isinstance(volume, dict):
            continue
        sources = [(("configMap",), volume.get("configMap"))]
        projected = volume.get("projected") if isinstance(volume.get("projected"), dict) else {}
        listed = projected.get("sources") if isinstance(projected.get("sources"), list) else []
        sources += [(("projected", "sources", j, "configMap"), source.get("configMap"))
                    for j, source in enumerate(listed) if isinstance(source, dict)]
        for path, source in sources:
            if not isinstance(source, dict) or source.get("optional") is True or not _plain(source.get("name")):
                continue
            items = source.get("items")
            for k, item in enumerate(items if isinstance(items, list) else []):
                key = item.get("key") if isinstance(item, dict) else None
                if _plain(key):
                    at = s.template_path + ("spec", "volumes", i) + path + ("items", k, "key")
                    yield str(volume.get("name")), source["name"], key, s.obj.line(*at)


def _plain(value) -> bool:
    """A name or key written out, not one a template or a script fills in."""
    return isinstance(value, str) and bool(value) and not any(p in value for p in _PLACEHOLDERS)


def _missing(s: Subject, name: str, key: str, fields: tuple[str, ...]) -> ManifestObject | None:
    """The ConfigMap ``name`` beside the reviewed object when the evidence says it lacks ``key`` (in ``fields``),
    else None: no such ConfigMap beside it, one of that name anywhere has the key, or it has no data at all."""
    found = s.inputs.named("ConfigMap", name)
    beside = [config for config in found if config.links_to(s.obj)]
    if not beside or name in s.inputs.generated_configmaps:
        return None
    for config in found:
        if not _keys(config, ("data", "binaryData")):
            return None  # an empty ConfigMap: a placeholder something else fills
        if key in _keys(config, fields) or kustomize.patched(config.file, "ConfigMap", s.inputs.patch_targets):
            return None
    return beside[0]


def _keys(config: ManifestObject, fields: tuple[str, ...]) -> list[str]:
    """The keys of the ConfigMap's ``fields`` (data, binaryData), in order."""
    return [str(k) for field in fields if isinstance(config.get(field), dict) for k in config.get(field)]


def _changed_by_kustomize(s: Subject) -> bool:
    """Whether a kustomization among the inputs may change the reviewed object: it patches the object's kind in
    its file or folder, or a patch file of its kind and name is among the inputs (an overlay may then point the
    reference elsewhere, or bring the key)."""
    return bool(kustomize.patched(s.obj.file, s.obj.kind, s.inputs.patch_targets)) or patched_base(s)


def _first_mounting(s: Subject, volume: str) -> ManifestContainer | None:
    for c in s.containers:
        mounts = c.spec.get("volumeMounts")
        if any(isinstance(m, dict) and m.get("name") == volume for m in (mounts if isinstance(mounts, list) else [])):
            return c
    return None


def _place(config: ManifestObject) -> str:
    return f"{config.file}:{config.line()}"


def _close(config: ManifestObject, key: str, fields: tuple[str, ...]) -> str:
    """", its keys are ..." with the one closest to ``key`` first when one is close (a typing mistake)."""
    keys = _keys(config, fields)
    if not keys:
        return "; it has binaryData only, which env cannot read"
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.75)
    if close:
        return f"; it has {close[0]!r}"
    shown = ", ".join(repr(k) for k in keys[:4]) + (f" and {len(keys) - 4} more" if len(keys) > 4 else "")
    return f"; its keys: {shown}"


def _namespaced(s: Subject, name: str) -> str:
    """NAMESPACE/NAME as the kubelet writes it; a manifest that names no namespace goes where it is applied."""
    return f"{s.obj.namespace or '<its namespace>'}/{name}"
