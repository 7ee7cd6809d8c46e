"""The words of Pod design, declared once: which controllers there are and what each one
is, where a kind keeps its Pod template, the roles and placements of a container, the kinds
of Service, the severities, and how a Kubernetes version is read.

Plain strings, as Kubernetes and the answer files spell them (they go straight into JSON,
YAML and manifests); the ``Literal`` types name the allowed values for the type checker
and the reader.
"""

from __future__ import annotations

from typing import Literal

# -- controllers -----------------------------------------------------------------------

ControllerKind = Literal["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"]
# What the advisor recommends to own a Pod (a bare "Pod" included), in the answers' order.
CONTROLLER_KINDS: tuple[ControllerKind, ...] = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod")
REPLICATED_KINDS = frozenset({"Deployment", "StatefulSet"})  # a replica count of their own
# The apps/v1 controllers, whose spec.selector is required and must match their Pod template.
SELECTING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
BATCH_KINDS = frozenset({"Job", "CronJob"})  # Pods that run to completion
# Controllers whose Pods run until stopped (the older ReplicaSet and ReplicationController
# included: review meets them in real manifests).
LONG_RUNNING_KINDS = frozenset({"Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet"})

# The API group and version each kind pod-advisor writes or suggests is served at.
API_VERSIONS = {
    "Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ReplicaSet": "apps/v1",
    "Job": "batch/v1", "CronJob": "batch/v1",
    "Pod": "v1", "ReplicationController": "v1", "Service": "v1",
    "PodDisruptionBudget": "policy/v1", "ServiceAccount": "v1", "NetworkPolicy": "networking.k8s.io/v1",
}

# Where each kind that holds Pods keeps its Pod template (the mapping with metadata and spec);
# () for a bare Pod.
POD_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


# The restartPolicy each controller's Pod template may have (the API server refuses any other);
# a bare Pod takes any of the three.
RESTART_POLICIES_OF: dict[str, tuple[str, ...]] = {
    "Deployment": ("Always",), "ReplicaSet": ("Always",), "ReplicationController": ("Always",),
    "StatefulSet": ("Always",), "DaemonSet": ("Always",),
    "Job": ("OnFailure", "Never"), "CronJob": ("OnFailure", "Never"),
}

# apiVersions of the kinds that hold Pods that Kubernetes no longer serves, and the release
# that removed each (what the API server answers "no matches for kind" for).
REMOVED_API_VERSIONS: dict[tuple[str, str], str] = {
    **{("extensions/v1beta1", kind): "1.16" for kind in ("Deployment", "DaemonSet", "ReplicaSet")},
    **{("apps/v1beta1", kind): "1.16" for kind in ("Deployment", "StatefulSet")},
    **{("apps/v1beta2", kind): "1.16" for kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")},
    ("batch/v1beta1", "CronJob"): "1.25",
    ("batch/v2alpha1", "CronJob"): "1.21",
}


def pod_template_path(kind: str | None) -> tuple[str, ...] | None:
    """Where a kind keeps its Pod (template); () for a bare Pod, None for a kind without Pods."""
    return POD_TEMPLATE_PATHS.get(kind)


# -- containers ------------------------------------------------------------------------

Role = Literal["main", "sidecar", "adapter", "ambassador", "init"]
HELPER_ROLES = frozenset({"sidecar", "adapter", "ambassador"})  # helpers that run beside the main container
Placement = Literal["containers", "initContainers"]  # a native sidecar is an init container restarting Always

# Where a manifest says why (advisor.manifests.why): each rule names the place its conclusion
# is written as a comment, or None when it needs none.
OBJECT = "object"  # above the workload object
CONTAINER = "container"  # above the container's entry
RESTART = "restartPolicy"  # above the Pod's restartPolicy
SERVICE = "service"  # above the workload's Service
REPLICAS = "replicas"
IMAGE = "image"
RESOURCES = "resources"
STARTUP_PROBE, READINESS_PROBE, LIVENESS_PROBE = "startupProbe", "readinessProbe", "livenessProbe"
LIFECYCLE = "lifecycle"  # above a container's lifecycle hooks
ENV = "env"  # above a container's environment variables
GRACE = "terminationGracePeriodSeconds"
STRATEGY = "strategy"  # a Deployment's rollout
SPREAD = "topologySpreadConstraints"
DISRUPTION = "disruption"  # above the workload's PodDisruptionBudget
DEADLINE = "activeDeadlineSeconds"
CLEANUP = "cleanup"  # what deletes finished Jobs
HOST_PATHS = "hostPaths"  # above a node agent's volumes from its node
TOLERATIONS = "tolerations"
PRIORITY = "priorityClassName"
ACCOUNT = "serviceAccount"  # the Pod's service account and its token
POLICY = "networkPolicy"  # above the workload's NetworkPolicy
NAMESPACE = "namespace"
START_ORDER = "initContainers"  # above the Pod's initContainers: the order they start in
CommentPlace = Literal["object", "container", "restartPolicy", "service", "replicas", "image", "resources",
                       "startupProbe", "readinessProbe", "livenessProbe", "lifecycle", "env",
                       "terminationGracePeriodSeconds", "strategy", "topologySpreadConstraints",
                       "disruption", "activeDeadlineSeconds", "cleanup", "hostPaths", "tolerations",
                       "priorityClassName", "serviceAccount", "networkPolicy",
                       "namespace", "initContainers"]
PER_CONTAINER = frozenset({CONTAINER, IMAGE, RESOURCES, STARTUP_PROBE, READINESS_PROBE, LIVENESS_PROBE, LIFECYCLE,
                           ENV})  # places of one container's entry

# -- Services --------------------------------------------------------------------------

ServiceType = Literal["ClusterIP", "headless"]  # a headless Service gives each StatefulSet Pod its DNS name

# -- findings --------------------------------------------------------------------------

Severity = Literal["info", "warning", "error"]
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")  # least severe first


def worst_of(severities) -> str | None:
    """The most severe of ``severities``; None when there are none."""
    return max(severities, key=SEVERITY_ORDER.__getitem__, default=None)


def fails_on(worst: str | None, fail_on: str | None) -> bool:
    """Whether a worst severity reaches the --fail-on threshold (None or "never": nothing does)."""
    return fail_on in SEVERITY_ORDER and worst is not None and SEVERITY_ORDER[worst] >= SEVERITY_ORDER[fail_on]


# -- versions --------------------------------------------------------------------------

def minor_of(version: str) -> int:
    """29 for "1.29" (or "v1.29")."""
    return int(version.lstrip("v").split(".")[1])
