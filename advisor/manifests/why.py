"""Where the manifest says why: each rule's conclusion, as a comment at the field it decided.

Every decision rule and every finding of the knowledge base has a place here (a
test walks the catalogue), so a new rule cannot go unmentioned by accident:
give it a place, or ``None`` when its conclusion needs no comment (the main
container is the first one; a Deployment keeps the replicas asked for).
"""

from __future__ import annotations

from advisor.domain.recommendation import Finding, Reason, Recommendation, WorkloadPlan

OBJECT = "object"  # above the workload object
CONTAINER = "container"  # above the container's entry
RESTART = "restartPolicy"  # above the Pod's restartPolicy
SERVICE = "service"  # above the workload's Service
REPLICAS = "replicas"
IMAGE = "image"
RESOURCES = "resources"

RULE_PLACES = {
    # grouping
    "colocate-shared-volume": CONTAINER,
    "colocate-localhost": CONTAINER,
    "colocate-same-node": CONTAINER,
    "prepare-in-pod": CONTAINER,
    "separate-workload": OBJECT,
    # roles
    "main-container": None,
    "sidecar-for-log-shipping": CONTAINER,
    "sidecar-for-content-sync": CONTAINER,
    "sidecar-for-inbound-proxy": CONTAINER,
    "sidecar-for-other-helper": CONTAINER,
    "adapter-for-output": CONTAINER,
    "ambassador-for-outbound": CONTAINER,
    "init-for-prepare": None,  # prepare-in-pod and init-container say it
    "separate-service-as-sidecar": CONTAINER,
    # placement
    "native-sidecar": CONTAINER,
    "classic-sidecar": CONTAINER,
    "init-container": CONTAINER,
    "multi-container-pod": None,
    "single-container-pod": None,
    # controller
    "bare-pod-for-experiment": OBJECT,
    "cronjob-for-schedule": OBJECT,
    "job-for-completion": OBJECT,
    "daemonset-for-node-agent": OBJECT,
    "statefulset-for-identity": OBJECT,
    "deployment-by-default": OBJECT,
    "separate-statefulset": OBJECT,
    "separate-deployment": OBJECT,
    "restart-always-for-long-running": RESTART,
    "restart-on-failure-for-batch": RESTART,
    "restart-never-to-keep-attempts": RESTART,
    "restart-never-for-one-off-pod": RESTART,
    "replicas-from-answers": None,
    # service
    "headless-service-for-statefulset": SERVICE,
    "clusterip-when-addressed": SERVICE,
    "clusterip-for-called-workload": SERVICE,
    "no-service-for-batch": OBJECT,
    "service-through-inbound-proxy": SERVICE,
}

FINDING_PLACES = {
    "bare-pod": OBJECT,
    "sidecar-blocks-completion": CONTAINER,
    "colocation-vs-scaling": CONTAINER,
    "unrelated-containers": CONTAINER,
    "helper-not-colocated": OBJECT,
    "per-node-completion-conflict": OBJECT,
    "single-replica": REPLICAS,
    "mutable-image-tag": IMAGE,
    "resources-unset": RESOURCES,
    "service-without-ports": SERVICE,
}


def cite(text: str, rule: str) -> str:
    return f"{text} [{rule}]"


class Why:
    """The comments of one recommendation, looked up by workload, place and container."""

    def __init__(self, recommendation: Recommendation):
        self.recommendation = recommendation
        self._notes: dict[tuple[str, str, str | None], list[str]] = {}
        for reason in recommendation.reasons:
            if reason.workload is not None and RULE_PLACES.get(reason.rule):
                self._add_reason(reason)
        for finding in recommendation.findings:
            self._add_finding(finding)

    def at(self, workload: str, place: str, container: str | None = None) -> list[str]:
        return list(self._notes.get((workload, place, container), ()))

    def _put(self, workload: str, place: str, container: str | None, text: str) -> None:
        self._notes.setdefault((workload, place, container), []).append(text)

    def _add_reason(self, reason: Reason) -> None:
        place = RULE_PLACES[reason.rule]
        container = None
        if place == CONTAINER:
            plan = self._plan(reason.workload)
            # The container-level rules open their conclusion with the container's name.
            container = next((c.name for c in plan.containers if reason.conclusion.startswith(c.name + " ")), None)
            if container is None:
                place = OBJECT
        self._put(reason.workload, place, container, cite(_sentence(reason.conclusion), reason.rule))

    def _add_finding(self, finding: Finding) -> None:
        place = FINDING_PLACES.get(finding.id)
        if place is None:
            return  # the header lists every finding
        names = finding.containers or (self.recommendation.main.main.name,)
        plans = []
        for name in names:
            plan = self._plan_of_container(name)
            if plan is not None and plan not in plans:
                plans.append(plan)
        for plan in plans:
            if place in (CONTAINER, IMAGE, RESOURCES):
                for name in names:
                    if any(c.name == name for c in plan.containers):
                        self._put(plan.name, place, name, finding_comment(finding))
            else:
                self._put(plan.name, place, None, finding_comment(finding))

    def _plan(self, workload: str) -> WorkloadPlan:
        return self.recommendation.workload(workload)

    def _plan_of_container(self, name: str) -> WorkloadPlan | None:
        return next((w for w in self.recommendation.workloads if any(c.name == name for c in w.containers)), None)


def finding_comment(finding: Finding) -> str:
    if finding.id == "resources-unset":
        return cite("No resources in the answers: these are conservative starter values, not measurements; "
                    "measure the container under load and adjust", finding.id)
    return cite(f"{finding.severity.upper()}: {_sentence(finding.message)}", finding.id)


def findings_summary(recommendation: Recommendation) -> str:
    if not recommendation.findings:
        return "none"
    return ", ".join(f"{f.severity} {f.id}" + (f" ({', '.join(f.containers)})" if f.containers else "")
                     for f in recommendation.findings)


def _sentence(text: str) -> str:
    """End with a full stop; never capitalise, since most conclusions open with a name (git-sync)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
