"""The recommendation: what the rules concluded, with the reasons they recorded.

Renderers (text, JSON, YAML, manifests) only read this; they decide nothing.
``to_dict`` is the JSON object of the spec.
"""

from __future__ import annotations

from dataclasses import field

from advisor.domain.model import Answers, EnvVar, Health
from advisor.domain.vocabulary import ControllerKind, Placement, Role, ServiceType, worst_of
from advisor.system.records import record


@record
class ContainerPlan:
    """Where one container goes and in what role, with the probes and commands the rules decided."""

    index: int
    name: str
    role: Role
    placement: Placement
    image: str
    ports: tuple[int, ...] = ()
    cpu: str | None = None
    memory: str | None = None
    purpose: str | None = None
    shares_volume: bool = False  # mounts the Pod's shared volume
    uses_localhost: bool = False
    same_node: bool = False
    restart_policy: str | None = None  # "Always" for a native sidecar
    command: tuple[str, ...] | None = None
    args: tuple[str, ...] | None = None
    env: tuple[EnvVar, ...] = ()
    starts_first: bool = False  # a preparation step that starts before the native sidecars listed above it
    readiness: Health | None = None  # the probes the rules decided (the manifest adds a starter TCP readiness)
    startup: Health | None = None
    liveness: Health | None = None
    prestop: str | None = None  # "sleep" (the built-in action) or "exec" (a sleep command) before the stop signal

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "placement": self.placement}

    @property
    def native_sidecar(self) -> bool:
        return self.placement == "initContainers" and self.role != "init"


@record
class WorkloadPlan:
    """One workload the rules decided: its controller, restart policy, Service and containers."""

    name: str
    main_index: int
    controller: ControllerKind | None = None
    restart_policy: str | None = None
    replicas: int | None = None
    layout: str | None = None
    service: ServiceType | None = None
    service_ports: tuple[int, ...] = ()  # the ports the Service forwards (set with the Service)
    containers: list[ContainerPlan] = field(default_factory=list)
    schedule: str | None = None
    called_by_main: bool = False  # a separate workload the main container talks to
    namespace: str | None = None
    disruption_budget: bool = False  # a PodDisruptionBudget of maxUnavailable 1
    evict_unhealthy: bool = False  # ... with unhealthyPodEvictionPolicy AlwaysAllow
    keep_capacity: bool = False  # a rollout with maxUnavailable 0 and a surge
    spread_zones: bool = False  # topologySpreadConstraints over zones
    spread_by_revision: bool = False  # ... counting only the Pods of one rollout (matchLabelKeys)
    grace_seconds: int | None = None  # terminationGracePeriodSeconds
    deadline: int | None = None  # activeDeadlineSeconds of each run
    ttl: int | None = None  # ttlSecondsAfterFinished of a Job
    host_paths: tuple[tuple[str, bool], ...] = ()  # (path on the node, read-only)
    tolerate_all: bool = False
    priority_class: str | None = None
    service_account: bool = False  # a ServiceAccount of its own, its token mounted; False: no token
    network_policy: tuple[int, ...] | None = None  # the ports it admits; None: no NetworkPolicy
    admit_from: str | None = None  # only from the Pods of this workload (and its own)

    @property
    def main(self) -> ContainerPlan:
        return next(c for c in self.containers if c.role == "main")

    @property
    def init_order(self) -> list[ContainerPlan]:
        """The init containers in the order they start: preparation steps the rules moved ahead first."""
        return sorted((c for c in self.containers if c.placement == "initContainers"),
                      key=lambda c: (not c.starts_first, c.index))

    @property
    def shares_volume(self) -> bool:
        return any(c.shares_volume for c in self.containers)

    def to_dict(self) -> dict:
        order = sorted(self.containers, key=lambda c: (c.role != "main", c.index))
        starting = iter(self.init_order)  # the init containers keep their places, in the order they start
        order = [next(starting) if c.placement == "initContainers" else c for c in order]
        return {
            "name": self.name,
            "controller": self.controller,
            "restartPolicy": self.restart_policy,
            "replicas": self.replicas,
            "layout": self.layout,
            "service": self.service,
            "containers": [c.to_dict() for c in order],
        }


@record(frozen=True)
class Finding:
    """A finding the rules raised: its id, severity and message, and the containers it is about."""

    id: str
    severity: str
    message: str
    containers: tuple[str, ...] = ()
    rule: str = ""
    fix: str = ""
    see: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "severity": self.severity, "message": self.message,
                "containers": list(self.containers)}


@record(frozen=True)
class Reason:
    """Why a rule concluded what it did: the answers it rests on and the knowledge-base entries it cites."""

    rule: str
    conclusion: str
    because: tuple[str, ...]
    see: tuple[str, ...]
    workload: str | None = None
    container: str | None = None  # the container the conclusion is about, if one

    def to_dict(self) -> dict:
        return {"rule": self.rule, "conclusion": self.conclusion, "because": list(self.because),
                "see": list(self.see)}


@record
class Recommendation:
    """What the rules concluded for one set of answers: the workloads, findings and reasons."""

    name: str
    kubernetes: str
    workloads: list[WorkloadPlan]
    findings: list[Finding]
    reasons: list[Reason]
    answers: Answers | None = field(default=None, compare=False, repr=False)

    @property
    def main(self) -> WorkloadPlan:
        return self.workloads[0]

    @property
    def source(self) -> str | None:
        """The answer file the advice was drawn from (or a stand-in such as <wizard>), if known."""
        return self.answers.source if self.answers is not None else None

    @property
    def environment(self) -> str | None:
        """production or experiment, as answered: the writers word a bare Pod by it."""
        return self.answers.environment if self.answers is not None else None

    def workload(self, name: str) -> WorkloadPlan:
        return next(w for w in self.workloads if w.name == name)

    def finding_ids(self) -> list[str]:
        return [f.id for f in self.findings]

    def worst_severity(self) -> str | None:
        return worst_of(f.severity for f in self.findings)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kubernetes": self.kubernetes,
            "workloads": [w.to_dict() for w in self.workloads],
            "findings": [f.to_dict() for f in self.findings],
            "reasons": [r.to_dict() for r in self.reasons],
        }
