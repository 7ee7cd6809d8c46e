"""Reading a live cluster for ``review --cluster``: the objects kubectl shows, as manifests.

Everything goes through the user's own ``kubectl`` (found on PATH) with their
kubeconfig, context and credentials; pod-advisor holds none of its own and talks
to no server itself. ``kubectl get KINDS -o json`` lists every workload and the
objects the checks read beside them (Services, ConfigMaps, autoscalers).

A live cluster also holds what controllers made: the ReplicaSets of a Deployment,
the Pods of a ReplicaSet, Job or DaemonSet, the Jobs of a CronJob. Those are the
controller's design, not the user's, and reviewing them would call every
Deployment's Pod a bare Pod: an object with a controlling owner is left out, and
its owner reviewed.

Each object becomes one YAML document named ``NAMESPACE/KIND/NAME``, written as
``kubectl get KIND NAME -n NAMESPACE -o yaml`` prints it (keys sorted, the same
line breaks; managedFields hidden, as kubectl hides them), so the line of a
finding is the line in that command's output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from typing import NamedTuple

import yaml

from advisor.system.errors import InputError, Problem

KINDS = ("pods", "replicasets", "replicationcontrollers", "deployments", "statefulsets", "daemonsets", "jobs",
         "cronjobs", "services", "configmaps", "horizontalpodautoscalers", "persistentvolumeclaims",
         "poddisruptionbudgets")
WORKLOADS = {"Pod", "ReplicaSet", "ReplicationController", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
MAX_BYTES = 512 * 1024 * 1024  # more than this is better reviewed a namespace at a time
CHUNK = 1024 * 1024


def kubectl_get(namespace: str | None, all_namespaces: bool, context: str | None) -> list[str]:
    """The kubectl arguments that list the objects to review."""
    argv = ["get", ",".join(KINDS), "--output", "json"]
    argv += ["--all-namespaces"] if all_namespaces else (["--namespace", namespace] if namespace else [])
    return argv + (["--context", context] if context else [])


def _kubectl(argv: list[str], hint: str | None = None) -> bytes:
    """kubectl's standard output, or an InputError (with ``hint``) when it fails.

    kubectl keeps the terminal: its messages (an expired login, a server it cannot
    reach) go to the user's standard error as kubectl words them, and a credential
    plugin that asks the user to log in can ask. Ctrl-C stops it with us.
    """
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise InputError(Problem("--cluster reads the cluster through kubectl, and kubectl is not on PATH",
                                 hint="install kubectl, or review manifest files instead"))
    shown = "kubectl " + " ".join(argv)
    try:
        process = subprocess.Popen([kubectl, *argv], stdout=subprocess.PIPE)
    except OSError as exc:
        raise InputError(Problem(f"cannot run kubectl: {exc.strerror}")) from None
    try:
        chunks, size = [], 0
        while chunk := process.stdout.read(CHUNK):
            size += len(chunk)
            if size > MAX_BYTES:
                raise InputError(Problem(f"`{shown}` printed more than {MAX_BYTES // (1024 * 1024)} MiB",
                                         hint="review one namespace at a time: -n NAMESPACE"))
            chunks.append(chunk)
        process.wait()
    finally:  # Ctrl-C, too much output: never leave kubectl running
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    if process.returncode != 0:
        raise InputError(Problem(f"`{shown}` failed (exit status {process.returncode}); kubectl's message is "
                                 f"above", hint=hint))
    return b"".join(chunks)


def server_minor(context: str | None) -> str | None:
    """The cluster's minor version ("1.29") as the server reports it, or None when it does not say.

    The server's own answer (``kubectl get --raw /version``): ``kubectl version`` would also warn,
    on the user's terminal, when kubectl and the server are more than one minor apart, about a
    command the user did not type.
    """
    argv = ["get", "--raw", "/version"] + (["--context", context] if context else [])
    try:
        server = json.loads(_kubectl(argv))
        minor = "".join(ch for ch in str(server["minor"]) if ch.isdigit())  # GKE says "29+"
        return f"{int(server['major'])}.{int(minor)}"
    except (InputError, ValueError, KeyError, TypeError):
        return None


class ClusterObjects(NamedTuple):
    texts: list[tuple[str, str]]  # (NAMESPACE/KIND/NAME, YAML) of every object to review
    notes: list[str]  # what was left out, and why
    kubernetes: str | None  # the server's minor version ("1.29"), when kubectl says it


def read_cluster(namespace: str | None, all_namespaces: bool, context: str | None) -> ClusterObjects:
    """The objects of the cluster kubectl points at (or of ``context``), to review as manifests."""
    argv = kubectl_get(namespace, all_namespaces, context)
    raw = _kubectl(argv, hint="if you may list only some namespaces, review one namespace at a time: -n NAMESPACE"
                   if all_namespaces else None)
    try:
        listing = _as_go_reads(json.loads(raw), raw)
    except ValueError as exc:
        raise InputError(Problem(f"`kubectl {' '.join(argv)}` did not print JSON: {exc}")) from None
    items = listing.get("items") if isinstance(listing, dict) else None
    if not isinstance(items, list):
        raise InputError(Problem(f"`kubectl {' '.join(argv)}` printed no list of objects"))
    texts, managed, workloads = [], Counter(), 0
    for item in items:
        if not isinstance(item, dict):
            continue
        metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
        if any(isinstance(ref, dict) and ref.get("controller") for ref in metadata.get("ownerReferences") or ()):
            managed[str(item.get("kind") or "object")] += 1
            continue
        texts.append((_name(item, metadata), as_kubectl_yaml(item)))
        workloads += item.get("kind") in WORKLOADS
    notes = []
    if managed:
        kinds = ", ".join(f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in sorted(managed.items()))
        notes.append(f"left out what controllers made ({kinds}): their owners are reviewed")
    if not workloads:  # every namespace holds a ConfigMap (kube-root-ca.crt), read and not reviewed
        where = "any namespace" if all_namespaces else f"namespace {namespace}" if namespace else "the current namespace"
        notes.append(f"kubectl listed nothing to review in {where}")
    return ClusterObjects(texts, notes, server_minor(context))


def _as_go_reads(value, raw: bytes):
    """``value`` with each lone surrogate (a ``\\ud800`` escape without its pair, which no UTF-8 text
    can hold) read as U+FFFD, as Go's JSON decoder and so the API server read it."""
    import re

    if not re.search(rb"\\u[dD][89a-fA-F]", raw):
        return value  # the usual case: nothing to walk

    def text(s: str) -> str:
        return re.sub("[\ud800-\udfff]", "\ufffd", s)

    def walk(item):
        if isinstance(item, str):
            return text(item)
        if isinstance(item, list):
            return [walk(v) for v in item]
        if isinstance(item, dict):
            return {text(k): walk(v) for k, v in item.items()}
        return item

    return walk(value)


def _name(item: dict, metadata: dict) -> str:
    kind = str(item.get("kind") or "object").lower()
    return f"{metadata.get('namespace') or '-'}/{kind}/{metadata.get('name') or '?'}"


def as_kubectl_yaml(item: dict) -> str:
    """``item`` as ``kubectl get -o yaml`` prints it, line for line: kubectl's YAML library is a
    port of libyaml, as PyYAML's emitter is; keys sorted, multi-line strings as blocks."""
    metadata = item.get("metadata")
    if isinstance(metadata, dict) and "managedFields" in metadata:
        item = {**item, "metadata": {k: v for k, v in metadata.items() if k != "managedFields"}}
    return yaml.dump(item, Dumper=_KubectlDumper, sort_keys=True, default_flow_style=False, allow_unicode=True)


class _KubectlDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Safe YAML, with a string holding line breaks written as a block (|), as kubectl does."""


def _string(dumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_KubectlDumper.add_representer(str, _string)
