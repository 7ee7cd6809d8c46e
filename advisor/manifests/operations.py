"""What the operations rules decided (advisor.engine.operations), written into the objects.

The manifest writer (advisor.manifests.build) builds each workload and its Pod; this module adds
to them what running it in production takes, as the rules' plan fields say: the rollout strategy,
the grace period, probes and preStop hooks, the service account, node access, the spread over
zones, a Job's deadline and clean-up; and the objects beside the workload: its
PodDisruptionBudget, NetworkPolicy and ServiceAccount. It decides nothing: each comment is the
conclusion of the rule behind the field, looked up with ``Why``.
"""

from __future__ import annotations

import re

from advisor.domain import annotations as keys
from advisor.domain.model import Health
from advisor.domain.recommendation import ContainerPlan, WorkloadPlan
from advisor.domain.vocabulary import (
    ACCOUNT,
    API_VERSIONS,
    CLEANUP,
    DEADLINE,
    DISRUPTION,
    ENV,
    GRACE,
    LIFECYCLE,
    LIVENESS_PROBE,
    NAMESPACE,
    HOST_PATHS,
    POLICY,
    PRIORITY,
    READINESS_PROBE,
    SPREAD,
    STARTUP_PROBE,
    TOLERATIONS,
    STRATEGY,
)
from advisor.engine.operations import LIVENESS_FAILURES, PRESTOP_SECONDS
from advisor.manifests.why import Why

ZONE = "topology.kubernetes.io/zone"
REVISION_LABEL = "pod-template-hash"  # what a Deployment's ReplicaSet adds to each of its Pods
STARTUP_PERIOD, STARTUP_FAILURES = 2, 30  # a minute for a sidecar to start listening
# The order a reader expects the fields of a container and of a Pod in.
CONTAINER_ORDER = ("name", "image", "command", "args", "env", "restartPolicy", "ports", "startupProbe",
                   "readinessProbe", "livenessProbe", "lifecycle", "resources", "securityContext", "volumeMounts")
POD_ORDER = ("restartPolicy", "terminationGracePeriodSeconds", "serviceAccountName", "automountServiceAccountToken",
             "enableServiceLinks", "priorityClassName", "securityContext", "initContainers", "containers", "affinity",
             "topologySpreadConstraints", "tolerations", "volumes")


def ordered(mapping: dict, order: tuple[str, ...]) -> dict:
    """``mapping`` with the keys of ``order`` first, in that order, then the others as they were."""
    first = {k: mapping[k] for k in order if k in mapping}
    return {**first, **{k: v for k, v in mapping.items() if k not in first}}


# -- the workload object -----------------------------------------------------------------------

def stated_annotations(plan: WorkloadPlan) -> dict:
    """What the workload's metadata states beyond its version: the Pod Security level it needs when
    that is below restricted's reach (a node agent's host paths need privileged)."""
    return {keys.POD_SECURITY: "privileged"} if plan.host_paths else {}


def namespace(plan: WorkloadPlan, meta: dict) -> None:
    """Put the plan's namespace in an object's metadata, right after its name."""
    if plan.namespace is None:
        return
    items = list(meta.items())
    meta.clear()
    meta.update([items[0], ("namespace", plan.namespace), *items[1:]])


def namespace_note(plan: WorkloadPlan, doc, why: Why) -> None:
    """Why the workload's objects are in their namespace, said once, on the workload."""
    if plan.namespace is not None:
        doc.note(("metadata", "namespace"), *why.at(plan.name, NAMESPACE))


def workload_spec(plan: WorkloadPlan, spec: dict, doc, why: Why) -> None:
    """A Deployment's rollout strategy, written before its template."""
    if plan.keep_capacity:
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
        doc.note(("spec", "strategy"), *why.at(plan.name, STRATEGY))


def job_spec(plan: WorkloadPlan, spec: dict, doc, path: tuple, why: Why) -> None:
    """A Job's (or a CronJob's job template's) deadline, and its clean-up when it has one of its own."""
    if plan.deadline is not None:
        spec["activeDeadlineSeconds"] = plan.deadline
        doc.note(path + ("activeDeadlineSeconds",), *why.at(plan.name, DEADLINE))
    if plan.ttl is not None:
        spec["ttlSecondsAfterFinished"] = plan.ttl
        doc.note(path + ("ttlSecondsAfterFinished",), *why.at(plan.name, CLEANUP))


def cleanup_comment(plan: WorkloadPlan, why: Why) -> list[str]:
    """Why a CronJob's history limits are its clean-up."""
    return why.at(plan.name, CLEANUP)


# -- the Pod ----------------------------------------------------------------------------------

def pod_spec(plan: WorkloadPlan, spec: dict, doc, path: tuple, why: Why, selector: dict) -> dict:
    """The Pod spec with what the rules decided for it, its fields in a reader's order."""
    if plan.grace_seconds is not None:
        spec["terminationGracePeriodSeconds"] = plan.grace_seconds
        doc.note(path + ("terminationGracePeriodSeconds",), *why.at(plan.name, GRACE))
    account = why.at(plan.name, ACCOUNT)
    if plan.service_account:
        spec["serviceAccountName"] = plan.name
        spec["automountServiceAccountToken"] = True
        doc.note(path + ("serviceAccountName",), *account)
    else:
        spec["automountServiceAccountToken"] = False
        doc.note(path + ("automountServiceAccountToken",), *account)
    if plan.priority_class:
        spec["priorityClassName"] = plan.priority_class
        doc.note(path + ("priorityClassName",), *why.at(plan.name, PRIORITY))
    if plan.spread_zones:
        constraint = {"maxSkew": 1, "topologyKey": ZONE, "whenUnsatisfiable": "ScheduleAnyway",
                      "labelSelector": {"matchLabels": dict(selector)}}
        if plan.spread_by_revision:
            constraint["matchLabelKeys"] = [REVISION_LABEL]
        spec["topologySpreadConstraints"] = [constraint]
        doc.note(path + ("topologySpreadConstraints",), *why.at(plan.name, SPREAD))
    if plan.tolerate_all:
        spec["tolerations"] = [{"operator": "Exists"}]
        doc.note(path + ("tolerations",), *why.at(plan.name, TOLERATIONS))
    if plan.host_paths:
        volumes = spec.setdefault("volumes", [])
        doc.note(path + ("volumes", len(volumes)), *why.at(plan.name, HOST_PATHS))
        for volume, (where, read_only) in zip(host_volume_names(plan), plan.host_paths):
            # DirectoryOrCreate: a folder one kind of node lacks (/var/lib/docker on containerd) is made
            # empty rather than keeping the Pod from starting.
            volumes.append({"name": volume, "hostPath": {"path": where, "type": "DirectoryOrCreate"}})
    return ordered(spec, POD_ORDER)


def notes(plan: WorkloadPlan, root: frozenset[str]) -> list[str]:
    """What the reader must do before applying: a node agent that mounts host paths usually reads
    files only root may read."""
    main = plan.main.name
    if not plan.host_paths or main in root:
        return []
    said = [f"{main} mounts {', '.join(p for p, _ in plan.host_paths)} from each node, where files often belong "
            f"to root and only root may read them; if it cannot, write the manifest again with --allow-root-for "
            f"{main}"]
    written = [p for p, read_only in plan.host_paths if not read_only]
    if written:
        # DirectoryOrCreate: the kubelet makes a missing folder owned by root with mode 0755, which no other
        # user may write; so a writable host path is not a guess, unless the folder is made beforehand.
        said.append(f"{main} writes {', '.join(written)} on each node, and a folder the kubelet creates there "
                    f"(hostPath DirectoryOrCreate) belongs to root with mode 0755: run as non-root, {main} cannot "
                    f"write it unless each node already has it owned by {main}'s UID; otherwise write the "
                    f"manifest again with --allow-root-for {main}")
    return said


def referenced(plans: list[WorkloadPlan]) -> list[str]:
    """What the reader must create before applying: each Secret or ConfigMap the answers' env reads from."""
    read: dict[tuple[str, str], dict[str, None]] = {}  # (kind, name) -> the containers that read it, in order
    for plan in plans:
        for c in plan.containers:
            for v in c.env:
                if v.source is not None:
                    read.setdefault(("Secret" if v.source == "secret" else "ConfigMap", v.object), {})[c.name] = None
    return [f"create {kind} {name} before applying, in the same namespace: {' and '.join(readers)} "
            f"{'reads' if len(readers) == 1 else 'read'} variables from it, and the kubelet does not start a "
            f"container whose variables it cannot fill (CreateContainerConfigError); the manifest writes no "
            f"{kind}, as its values do not belong in the answers" for (kind, name), readers in read.items()]


def host_volume_names(plan: WorkloadPlan) -> list[str]:
    """A volume name for each host path: host-var-log for /var/log, unique within the Pod."""
    names: list[str] = []
    for where, _ in plan.host_paths:
        base = "host-" + (re.sub(r"[^a-z0-9]+", "-", where.lower()).strip("-") or "root")
        base = base[:58].rstrip("-")
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.append(name)
    return names


def container(plan: WorkloadPlan, c: ContainerPlan, entry: dict, doc, path: tuple, why: Why) -> dict:
    """A container's entry with its command, env, probes, preStop hook and host mounts, in a reader's order."""
    if c.command is not None:
        entry["command"] = list(c.command)
    if c.args is not None:
        entry["args"] = list(c.args)
    if c.env:
        entry["env"] = [env_entry(v) for v in c.env]
        said = why.at(plan.name, ENV, c.name)
        if said:
            doc.note(path + ("env",), *said)
    if c.startup is not None:
        entry["startupProbe"] = {**probe(c.startup), "periodSeconds": STARTUP_PERIOD,
                                 "failureThreshold": STARTUP_FAILURES}
    if c.readiness is not None:
        entry["readinessProbe"] = {**probe(c.readiness), "periodSeconds": 10}
    if c.liveness is not None:
        entry["livenessProbe"] = {**probe(c.liveness), "periodSeconds": 10, "timeoutSeconds": 2,
                                  "failureThreshold": LIVENESS_FAILURES}
    for key, place in (("startupProbe", STARTUP_PROBE), ("readinessProbe", READINESS_PROBE),
                       ("livenessProbe", LIVENESS_PROBE)):
        said = why.at(plan.name, place, c.name)
        if said and key in entry:
            doc.note(path + (key,), *said)
    if c.prestop == "sleep":
        entry["lifecycle"] = {"preStop": {"sleep": {"seconds": PRESTOP_SECONDS}}}
    elif c.prestop == "exec":
        entry["lifecycle"] = {"preStop": {"exec": {"command": ["sleep", str(PRESTOP_SECONDS)]}}}
    waits = why.at(plan.name, LIFECYCLE, c.name)
    if waits:
        doc.note(path + ("lifecycle",) if "lifecycle" in entry else path, *waits)
    if plan.host_paths and c.role == "main":
        mounts = entry.setdefault("volumeMounts", [])
        for volume, (where, read_only) in zip(host_volume_names(plan), plan.host_paths):
            mount = {"name": volume, "mountPath": where}
            if read_only:
                mount["readOnly"] = True
            mounts.append(mount)
    return ordered(entry, CONTAINER_ORDER)


def env_entry(v) -> dict:
    if v.source is None:
        return {"name": v.name, "value": v.value}
    ref = "secretKeyRef" if v.source == "secret" else "configMapKeyRef"
    return {"name": v.name, "valueFrom": {ref: {"name": v.object, "key": v.key}}}


def probe(health: Health) -> dict:
    if health.kind == "http":
        return {"httpGet": {"path": health.path, "port": health.port}}
    if health.kind == "tcp":
        return {"tcpSocket": {"port": health.port}}
    return {"exec": {"command": list(health.command)}}


# -- the objects beside the workload -------------------------------------------------------------

def beside(plan: WorkloadPlan, why: Why, metadata, selector: dict, make_document) -> list:
    """The PodDisruptionBudget, NetworkPolicy and ServiceAccount of a workload, in that order."""
    documents = []
    if plan.disruption_budget:
        doc = make_document({"apiVersion": API_VERSIONS["PodDisruptionBudget"], "kind": "PodDisruptionBudget",
                             "metadata": metadata(plan)})
        spec: dict = {"maxUnavailable": 1, "selector": {"matchLabels": dict(selector)}}
        if plan.evict_unhealthy:
            spec["unhealthyPodEvictionPolicy"] = "AlwaysAllow"
        doc.obj["spec"] = spec
        doc.note((), *why.at(plan.name, DISRUPTION))
        documents.append(doc)
    if plan.network_policy is not None:
        doc = make_document({"apiVersion": API_VERSIONS["NetworkPolicy"], "kind": "NetworkPolicy",
                             "metadata": metadata(plan)})
        spec = {"podSelector": {"matchLabels": dict(selector)}, "policyTypes": ["Ingress"]}
        if plan.network_policy:
            rule: dict = {}
            if plan.admit_from is not None:
                rule["from"] = [{"podSelector": {"matchLabels": dict(plan_selector)}}
                                for plan_selector in (selector_of(selector, plan.admit_from), selector)]
            rule["ports"] = [{"port": p, "protocol": "TCP"} for p in plan.network_policy]
            spec["ingress"] = [rule]
        doc.obj["spec"] = spec
        doc.note((), *why.at(plan.name, POLICY))
        documents.append(doc)
    if plan.service_account:
        doc = make_document({"apiVersion": API_VERSIONS["ServiceAccount"], "kind": "ServiceAccount",
                             "metadata": metadata(plan)})
        doc.note((), f"The account {plan.name}'s Pods call the Kubernetes API as. It grants nothing by itself: "
                     f"bind a Role with only the verbs and resources it needs (kubectl create role, kubectl "
                     f"create rolebinding --serviceaccount NAMESPACE:{plan.name}).")
        documents.append(doc)
    return documents


def selector_of(selector: dict, workload: str) -> dict:
    """The selector of another workload of the same design: the same labels, with its name."""
    from advisor.manifests.build import NAME_LABEL  # build imports this module

    return {**selector, NAME_LABEL: workload}
