"""Expectations: the decisions a team agreed on, written in an answer file's
``expect:`` block, and how they compare with what the advisor recommends.

```yaml
expect:
  controller: Deployment        # the main workload (named after the file's `name`)
  restartPolicy: Always
  replicas: 2                   # or none: DaemonSets, Jobs, CronJobs and bare Pods have no count
  layout: multi-container
  service: ClusterIP            # or headless, or none
  containers:                   # by name: the role in this workload's Pod ...
    web: main
    log-shipper: {role: sidecar, placement: initContainers}   # ... and where it goes
  workloads:                    # any workload by name: a container with a Pod of its own
    postgres: {controller: StatefulSet, service: headless}
  findings: [single-replica]    # must be raised (anywhere in the file)
  no_findings: [mutable-image-tag, resources-unset]   # must not be raised
```

``parse_expectations`` validates the block (the answer loader calls it, so a
mistake is a Problem with its key path and line) into an ``Expectations``;
``compare`` lists each ``Mismatch`` with the advisor's own reason for its
decision. Only ``pod-advisor batch --check`` compares; ``evaluate`` ignores them.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

from advisor.domain.vocabulary import CONTROLLER_KINDS
from advisor.kb.knowledge import knowledge_base
from advisor.system.errors import did_you_mean
from advisor.system.records import record

RESTART_POLICIES = ("Always", "OnFailure", "Never")
LAYOUTS = ("single-container", "multi-container")
SERVICES = ("ClusterIP", "headless", "none")
ROLES = ("main", "sidecar", "adapter", "ambassador", "init")
PLACEMENTS = ("containers", "initContainers")
NONE = "none"  # what a team writes for "no Service" or "no replica count" (null works too)

# A workload's decisions: the key in `expect:` -> (the allowed values, the WorkloadPlan attribute).
DECISIONS = {
    "controller": (CONTROLLER_KINDS, "controller"),
    "restartPolicy": (RESTART_POLICIES, "restart_policy"),
    "replicas": (None, "replicas"),
    "layout": (LAYOUTS, "layout"),
    "service": (SERVICES, "service"),
}
WORKLOAD_KEYS = tuple(DECISIONS) + ("containers",)
TOP_KEYS = WORKLOAD_KEYS + ("workloads", "findings", "no_findings")
CONTAINER_KEYS = ("role", "placement")

# Which engine rules draw each decision: their reasons are the "because" of a
# mismatch. tests/batch/test_batch_expectations.py checks that every rule of these
# concerns is listed here (or in NOT_A_DECISION), so a new rule cannot be missed.
DECIDED_BY = {
    "controller": ("bare-pod-for-experiment", "cronjob-for-schedule", "job-for-completion",
                   "daemonset-for-node-agent", "statefulset-for-identity", "deployment-by-default",
                   "separate-statefulset", "separate-deployment"),
    "restartPolicy": ("restart-always-for-long-running", "restart-on-failure-for-batch",
                      "restart-never-to-keep-attempts", "restart-never-for-one-off-pod"),
    "replicas": ("replicas-from-answers",),
    "layout": ("multi-container-pod", "single-container-pod", "separate-workload"),
    "service": ("headless-service-for-statefulset", "clusterip-when-addressed", "clusterip-for-called-workload",
                "no-service-for-batch"),
    # per container (the reason's conclusion starts with the container's name)
    "grouping": ("colocate-shared-volume", "colocate-localhost", "colocate-same-node", "prepare-in-pod",
                 "separate-workload"),
    "role": ("main-container", "sidecar-for-log-shipping", "sidecar-for-content-sync", "sidecar-for-inbound-proxy",
             "sidecar-for-other-helper", "adapter-for-output", "ambassador-for-outbound", "init-for-prepare",
             "separate-service-as-sidecar"),
    "placement": ("main-container", "native-sidecar", "classic-sidecar", "init-container"),
}
NOT_A_DECISION = (
    "service-through-inbound-proxy",  # which ports a Service forwards: not expected
    # the order init containers start in, and how the workload runs in production (issue 21): written into
    # the manifest, not decisions a team records in expect
    "prepare-before-sidecars", "prepare-after-sidecar-it-uses", "prestop-sleep", "disruption-budget",
    "rollout-keeps-capacity", "spread-across-zones", "readiness-from-health", "startup-probe-for-sidecar",
    "liveness-when-asked", "grace-period", "grace-period-from-answers", "deadline-for-batch", "ttl-for-finished-job",
    "cronjob-history-not-ttl", "host-paths-for-node-agent", "tolerate-every-taint", "priority-for-node-agent",
    "service-account-for-api", "no-token-without-api", "network-policy", "namespace-from-answers",
    "password-from-secret",  # a variable the manifest reads from a Secret, so that the image starts
    "data-in-subfolder",  # a variable that keeps a database's data off its volume's root, so that the image starts
)
# When a decision has no reason of its own (no replica count for a DaemonSet), it follows from the controller.
FOLLOWS_CONTROLLER = ("restartPolicy", "replicas")


@record(frozen=True)
class ContainerExpectation:
    """What an answer file's ``expect:`` says of one container."""

    name: str
    role: str | None = None
    placement: str | None = None

    def to_data(self) -> Any:
        if self.placement is None:
            return self.role
        return {k: v for k, v in (("role", self.role), ("placement", self.placement)) if v is not None}


@record(frozen=True)
class WorkloadExpectation:
    """What is expected of one workload; ``name`` None is the main workload."""

    name: str | None
    decisions: tuple[tuple[str, Any], ...] = ()  # (key of DECISIONS, value; None for "none")
    containers: tuple[ContainerExpectation, ...] = ()

    @property
    def path(self) -> str:
        return "expect" if self.name is None else f"expect.workloads.{self.name}"

    def to_data(self) -> dict:
        data: dict = {key: NONE if value is None else value for key, value in self.decisions}
        if self.containers:
            data["containers"] = {c.name: c.to_data() for c in self.containers}
        return data


@record(frozen=True)
class Expectations:
    """An answer file's ``expect:``: the recommendation it expects."""

    workloads: tuple[WorkloadExpectation, ...] = ()
    findings: tuple[str, ...] = ()
    no_findings: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (any(w.decisions or w.containers for w in self.workloads) or self.findings or self.no_findings)

    def to_data(self) -> dict:
        """The ``expect:`` block, as a person would write it."""
        data: dict = {}
        for workload in self.workloads:
            if workload.name is None:
                data.update(workload.to_data())
            else:
                data.setdefault("workloads", {})[workload.name] = workload.to_data()
        if self.findings:
            data["findings"] = list(self.findings)
        if self.no_findings:
            data["no_findings"] = list(self.no_findings)
        return data


# -- validation -----------------------------------------------------------------

Report = Callable[..., None]  # report(path, message, hint=None): the answer loader's Problem collector


def advised_finding_ids() -> list[str]:
    """The finding ids the advisor can raise (the reviewer's own are not expected of it)."""

    return [fid for fid, info in knowledge_base().findings.items() if "advise" in info.sources]


def _choice(value: Any, allowed: Sequence[str], path: tuple, report: Report) -> str | None:
    if isinstance(value, str) and value in allowed:
        return value
    report(path, f"{value!r} is not one of: {', '.join(allowed)}",
           did_you_mean(value, allowed) if isinstance(value, str) else None)
    return None


def _mapping(value: Any, path: tuple, what: str, report: Report) -> dict:
    if isinstance(value, dict):
        return value
    report(path, f"must be a mapping of {what}")
    return {}


def _unknown_keys(data: dict, allowed: Sequence[str], path: tuple, report: Report) -> None:
    for key in data:
        if key not in allowed:
            report(path + (key,), "unknown key", did_you_mean(key, allowed, f"known keys: {', '.join(allowed)}"))


def _decision(key: str, value: Any, path: tuple, report: Report) -> tuple[bool, Any]:
    """(valid, value) of one workload decision; "none" and null both mean none."""
    if key == "replicas":
        if value is None or value == NONE:
            return True, None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return True, value
        report(path, f"must be a whole number of at least 1, or {NONE}, found {value!r}")
        return False, None
    if key == "service" and value is None:
        return True, None
    checked = _choice(value, DECISIONS[key][0], path, report)
    if checked is None:
        return False, None
    return True, None if checked == NONE else checked


def _container(name: str, value: Any, path: tuple, report: Report) -> ContainerExpectation | None:
    if isinstance(value, str):
        role = _choice(value, ROLES, path, report)
        return ContainerExpectation(name, role) if role else None
    if not isinstance(value, dict) or not value:
        report(path, f"must be a role ({', '.join(ROLES)}) or a mapping with role and/or placement")
        return None
    _unknown_keys(value, CONTAINER_KEYS, path, report)
    role = _choice(value["role"], ROLES, path + ("role",), report) if "role" in value else None
    placement = (_choice(value["placement"], PLACEMENTS, path + ("placement",), report)
                 if "placement" in value else None)
    if role is None and placement is None:
        return None
    return ContainerExpectation(name, role, placement)


def _workload(name: str | None, data: dict, keys: Sequence[str], path: tuple, containers: dict | None,
              report: Report) -> WorkloadExpectation:
    _unknown_keys(data, keys, path, report)
    decisions = []
    for key in DECISIONS:
        if key in data:
            ok, value = _decision(key, data[key], path + (key,), report)
            if ok:
                decisions.append((key, value))
    expected = []
    if "containers" in data:
        for cname, value in _mapping(data["containers"], path + ("containers",), "container names to roles",
                                     report).items():
            cpath = path + ("containers", cname)
            if containers is not None and cname not in containers:
                report(cpath, "no container has this name",
                       did_you_mean(cname, containers, f"the containers are {', '.join(containers)}"))
                continue
            item = _container(str(cname), value, cpath, report)
            if item:
                expected.append(item)
    return WorkloadExpectation(name, tuple(decisions), tuple(expected))


def _finding_ids(value: Any, path: tuple, known: list[str], report: Report) -> tuple[str, ...]:
    if not isinstance(value, list):
        report(path, "must be a list of finding ids, such as [single-replica]")
        return ()
    ids: list[str] = []
    for i, item in enumerate(value):
        if item in known:
            if item not in ids:
                ids.append(item)
            continue
        report(path + (i,), f"{item!r} is not a finding the advisor raises",
               did_you_mean(item, known, f"known: {', '.join(known)}"))
    return tuple(ids)


def parse_expectations(data: Any, report: Report, name: str | None = None,
                       containers: Sequence[tuple[str, bool]] | None = None) -> Expectations | None:
    """Validate an ``expect:`` block, reporting each problem; None when it is absent (null).

    ``name`` is the answer file's name; ``containers`` its (name, is main) pairs,
    or None when they did not validate (names are then not cross-checked).
    """
    if data is None:
        return None
    path = ("expect",)
    data = _mapping(data, path, "expected decisions", report)
    names = [n for n, _ in containers] if containers is not None else None
    main = _workload(None, data, TOP_KEYS, path, names, report)
    workloads = [main]
    for wname, value in _mapping(data.get("workloads", {}), path + ("workloads",), "workload names to decisions",
                                 report).items():
        wpath = path + ("workloads", wname)
        if containers is not None:
            own = [n for n, is_main in containers if not is_main]  # a helper can get a workload of its own
            if wname != name and wname not in own:
                candidates = ([name] if name else []) + own
                report(wpath, "is not a workload name: a workload is named after the file's name or a "
                              "non-main container", did_you_mean(wname, candidates,
                                                                 f"the names are {', '.join(candidates)}"))
                continue
        workload = _workload(str(wname), _mapping(value, wpath, "decisions", report), WORKLOAD_KEYS, wpath, names,
                             report)
        if wname == name:  # the main workload by name: merge with the top-level keys
            # Decisions and containers are apart: a container may be named like a decision (service).
            stated = {(k,) for k, _ in main.decisions} | {("containers", c.name) for c in main.containers}
            again = [(k,) for k, _ in workload.decisions] + [("containers", c.name) for c in workload.containers]
            for key in again:
                if key in stated:
                    report(wpath + key, "already stated at the top of expect (the main workload)")
            main = WorkloadExpectation(None, main.decisions + workload.decisions,
                                       main.containers + workload.containers)
            workloads[0] = main
        else:
            workloads.append(workload)
    listed = [key for key in ("findings", "no_findings") if key in data]
    known = advised_finding_ids() if listed else []
    found = {key: _finding_ids(data[key], path + (key,), known, report) for key in listed}
    for both in sorted(set(found.get("findings", ())) & set(found.get("no_findings", ()))):
        report(path + ("no_findings",), f"{both!r} is also in findings; it cannot be both raised and not")
    return Expectations(tuple(workloads), found.get("findings", ()), found.get("no_findings", ()))


def expectations_schema(finding_ids: Iterable[str] | None = None) -> dict:
    """The JSON Schema of the ``expect:`` block (for `pod-advisor schema`)."""
    finding = {"type": "string", "enum": list(finding_ids)} if finding_ids is not None else {"type": "string"}
    container = {"oneOf": [
        {"type": "string", "enum": list(ROLES)},
        {"type": "object", "additionalProperties": False, "minProperties": 1,
         "properties": {"role": {"type": "string", "enum": list(ROLES)},
                        "placement": {"type": "string", "enum": list(PLACEMENTS)}}},
    ]}
    workload_properties = {
        "controller": {"type": "string", "enum": list(CONTROLLER_KINDS)},
        "restartPolicy": {"type": "string", "enum": list(RESTART_POLICIES)},
        "replicas": {"anyOf": [{"type": "integer", "minimum": 1}, {"const": NONE}, {"type": "null"}],
                     "description": f"The replica count, or {NONE} for a controller without one."},
        "layout": {"type": "string", "enum": list(LAYOUTS)},
        "service": {"anyOf": [{"type": "string", "enum": list(SERVICES)}, {"type": "null"}],
                    "description": f"The Service in front of the workload, or {NONE}."},
        "containers": {"type": "object", "additionalProperties": container,
                       "description": "The role (and placement) of each container of this workload's Pod, "
                                      "by container name."},
    }
    workload = {"type": "object", "additionalProperties": False, "properties": workload_properties}
    findings = {"type": "array", "items": finding, "uniqueItems": True}
    return {
        "type": "object", "additionalProperties": False,
        "description": "Decisions a team agreed on, checked by `pod-advisor batch --check`; `evaluate` ignores "
                       "them. The keys at the top describe the main workload.",
        "properties": {
            **workload_properties,
            "workloads": {"type": "object", "additionalProperties": workload,
                          "description": "Other workloads (a container with a Pod of its own), by name."},
            "findings": {**findings, "description": "Finding ids that must be raised."},
            "no_findings": {**findings, "description": "Finding ids that must not be raised."},
        },
    }


# -- comparison ------------------------------------------------------------------


@record(frozen=True)
class Mismatch:
    """One expectation the recommendation does not meet, with the advisor's reason."""

    key: str  # where the expectation is written: expect.controller, expect.workloads.db.service, ...
    expected: str
    actual: str
    because: str | None = None
    rule: str | None = None

    def __str__(self) -> str:
        text = f"{self.key}: expected {self.expected}, advisor says {self.actual}"
        if self.because:
            text += f", because {self.because}"
        if self.rule:
            text += f" [{self.rule}]"
        return text

    def to_dict(self) -> dict:
        return {"key": self.key, "expected": self.expected, "actual": self.actual, "because": self.because,
                "rule": self.rule}


def _shown(value: Any) -> str:
    return NONE if value is None else str(value)


def _reason(recommendation, rules: Sequence[str], workload: str | None = None, container: str | None = None):
    """The first reason drawn by one of ``rules`` (for a workload, or about a container)."""
    for reason in recommendation.reasons:
        if reason.rule not in rules:
            continue
        if workload is not None and reason.workload != workload:
            continue
        if container is not None and reason.container != container:
            continue
        return reason
    return None


def _mismatch(key: str, expected: Any, actual: Any, reason=None, because: str | None = None) -> Mismatch:
    if reason is not None:
        return Mismatch(key, _shown(expected), _shown(actual), reason.conclusion, reason.rule)
    return Mismatch(key, _shown(expected), _shown(actual), because)


def _compare_workload(expected: WorkloadExpectation, recommendation) -> list[Mismatch]:
    name = recommendation.main.name if expected.name is None else expected.name
    plan = next((w for w in recommendation.workloads if w.name == name), None)
    if plan is None:  # a helper expected to have a workload of its own is in the main Pod
        reason = _reason(recommendation, DECIDED_BY["grouping"], container=name)
        return [_mismatch(expected.path, f"a workload {name}", f"{name} runs in the Pod of {recommendation.main.name}",
                          reason)]
    mismatches = []
    for key, value in expected.decisions:
        actual = getattr(plan, DECISIONS[key][1])
        if actual == value:
            continue
        reason = _reason(recommendation, DECIDED_BY[key], workload=name)
        if reason is None and key in FOLLOWS_CONTROLLER:
            reason = _reason(recommendation, DECIDED_BY["controller"], workload=name)
        because = None if reason else "no rule recommends one"
        mismatches.append(_mismatch(f"{expected.path}.{key}", value, actual, reason, because))
    for item in expected.containers:
        mismatches += _compare_container(item, plan, expected.path, recommendation)
    return mismatches


def _compare_container(expected: ContainerExpectation, plan, path: str, recommendation) -> list[Mismatch]:
    key = f"{path}.containers.{expected.name}"
    entry = next((c for c in plan.containers if c.name == expected.name), None)
    if entry is None:
        home = next((w for w in recommendation.workloads if any(c.name == expected.name for c in w.containers)), None)
        actual = f"it runs in the workload {home.name}" if home else "it is in no workload"
        reason = _reason(recommendation, DECIDED_BY["grouping"], container=expected.name)
        wanted = " in ".join(filter(None, (expected.role, expected.placement)))
        return [_mismatch(key, f"{wanted} in {plan.name}", actual, reason)]
    mismatches = []
    for attribute, rules in (("role", DECIDED_BY["role"]), ("placement", DECIDED_BY["placement"])):
        value = getattr(expected, attribute)
        if value is None or getattr(entry, attribute) == value:
            continue
        reason = _reason(recommendation, rules, container=expected.name)
        mismatches.append(_mismatch(f"{key}.{attribute}", value, getattr(entry, attribute), reason))
    return mismatches


def compare(expectations: Expectations, recommendation, findings_info: dict | None = None) -> list[Mismatch]:
    """Every way ``recommendation`` differs from ``expectations``, in the order they are written.

    ``findings_info`` ({id: FindingInfo}) words a missing finding with when it is raised.
    """
    mismatches: list[Mismatch] = []
    for workload in expectations.workloads:
        mismatches += _compare_workload(workload, recommendation)
    raised = recommendation.finding_ids()
    for finding_id in expectations.findings:
        if finding_id not in raised:
            info = (findings_info or {}).get(finding_id)
            because = f"nothing matches its rule: {info.when[0].lower()}{info.when[1:].rstrip('.')}" if info else None
            mismatches.append(Mismatch("expect.findings", finding_id, "it is not raised", because, finding_id))
    for finding in recommendation.findings:
        if finding.id in expectations.no_findings:
            mismatches.append(Mismatch("expect.no_findings", f"no {finding.id}", f"{finding.id} ({finding.severity})",
                                       finding.message, finding.rule))
    return mismatches
