"""Differential test: advisor/manifests/validate.py against the API server's own code (apicheck).

    python bench/differential.py                        # 5,000 random designs, seed 1
    python bench/differential.py -n 20000 --seed 7 --json bench/out/differential.json
    python bench/differential.py --apicheck PATH        # another apicheck binary

It generates answer files at random (every controller, helper purpose, role and
placement the rules reach; Kubernetes 1.25 to 1.37; --allow-root-for some, all or no
containers; names, ports, replicas, quantities and schedules up to their limits), writes
each one's objects with the project's own manifest builder, and asks both validators
about every object:

- ours: ``validate.object_problems`` (the strict schema of the target version and the
  API server's rules we wrote down) and ``pod_security_problems``;
- upstream: apicheck (tools/apicheck: strict decoding, defaulting, the registry
  strategies' validation, Pod Security admission), one process per Pod Security level
  for all objects.

Each object is held to "baseline" when a container of it may run as root, else to
"restricted", by both. Any object one refuses and the other accepts is a disagreement,
printed with both sides' words. Then known-bad mutations (a NodePort Service with
clusterIP None, a Job restarting Always, a bad label, ...) are applied to the generated
objects, to show which each validator refuses. Answer files the loader refuses and
designs the builder refuses (names Kubernetes could not take) are counted, not compared.

It reports the counts, the disagreements grouped by message, and the seconds per 100
manifests of each validator, side by side.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools" / "apicheck"))

from advisor.answers.load import answers_from_data  # noqa: E402
from advisor.engine import evaluate  # noqa: E402
from advisor.engine.feasible import infeasible  # noqa: E402
from advisor.system.errors import InputError  # noqa: E402
from advisor.manifests.build import build_documents  # noqa: E402
from advisor.domain.vocabulary import pod_template_path  # noqa: E402
from advisor.manifests.validate import object_problems, pod_security_problems
from apicheck_verdicts import BINARY, Verdict, run  # noqa: E402

# -- random answer files ----------------------------------------------------------------


class Pick(Protocol):
    """Where the random choices come from: random.Random here, hypothesis in the property test."""

    def choice(self, options: Sequence): ...

    def integer(self, low: int, high: int) -> int: ...


class RandomPick:
    def __init__(self, seed: int):
        self._random = random.Random(seed)

    def choice(self, options: Sequence):
        return self._random.choice(list(options))

    def integer(self, low: int, high: int) -> int:
        return self._random.randint(low, high)


PURPOSES = ("ship-logs", "sync-content", "proxy-inbound", "proxy-outbound", "reshape-output", "prepare",
            "separate-service", "other")
NAMES = ("web", "shop", "api", "log-shipper", "proxy", "postgres", "exporter", "sync", "init-db", "cache", "a",
         "x1", "0ops", "9-lives", "worker-2")
IMAGES = ("nginxinc/nginx-unprivileged:1.27", "nginx:1.27", "nginx", "redis:latest", "postgres:16.4",
          "ghcr.io/example/app@sha256:" + "0123456789abcdef" * 4, "registry.example.com:5000/team/app:v1.2.3",
          "fluent/fluent-bit:3.1", "busybox", "Example/App:1.0")
PORTS = (80, 443, 8080, 9090, 5432, 6379, 53, 1, 1023, 1024, 65535)
CPUS = (None, "250m", "1", "0.5", "2", "100m", "1500m", "0.001", "1e3", "64", "10n", "3.75")
MEMORIES = (None, "256Mi", "1Gi", "128M", "1.5Gi", "64Ki", "1e9", "512", "2G", "0.5Gi", "1Ti")
SCHEDULES = ("0 3 * * *", "@daily", "@hourly", "@midnight", "*/15 * * * *", "0 0 * * 0", "0 0 * * 7",
             "30 2 1 JAN-MAR *", "0 9 * * MON-FRI", "5/10 * * * *", "? * * * *", "0 0 29 2 *", "0 0 31 * *",
             "59 23 * DEC SUN", "0-59/30 0-23/6 * * *", "*/100 * * * *")
REPLICAS = (1, 1, 2, 3, 5, 10, 100, 2 ** 31 - 1, 2 ** 31)


def dns_label(pick: Pick) -> str:
    """A name the answer format accepts: a DNS label, sometimes at its 63-character limit."""
    kind = pick.integer(0, 9)
    if kind < 6:
        return pick.choice(NAMES)
    length = pick.choice((1, 2, 20, 47, 52, 53, 58, 63))
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    middle = "".join(pick.choice(alphabet + "-") for _ in range(max(0, length - 2)))
    ends = pick.choice(alphabet) + (pick.choice(alphabet) if length > 1 else "")
    return (ends[0] + middle + ends[1:])[:length]


def boolean(pick: Pick, chance_in_4: int = 2) -> bool:
    return pick.integer(1, 4) <= chance_in_4


def answer_file(pick: Pick) -> dict:
    """An answer file's data: every key the format has, each drawn from values it accepts."""
    workload = {
        "environment": "experiment" if boolean(pick, 1) else "production",
        "runs_to_completion": boolean(pick, 1),
        "schedule": pick.choice(SCHEDULES) if boolean(pick, 2) else None,
        "keep_failed_attempts": boolean(pick, 1),
        "one_per_node": pick.integer(1, 6) == 1,
        "stable_identity": pick.integer(1, 5) == 1,
        "replicas": pick.choice(REPLICAS),
        "addressed_by_others": boolean(pick),
    }
    if workload["schedule"] and not boolean(pick, 3):
        workload["runs_to_completion"] = True
    count = pick.integer(1, 4)
    names: list[str] = []
    while len(names) < count:
        name = dns_label(pick)
        if name not in names:
            names.append(name)
    containers = []
    main = pick.integer(0, count - 1) if boolean(pick, 1) else 0
    for index, name in enumerate(names):
        container = {"name": name, "image": pick.choice(IMAGES)}
        ports = []
        for _ in range(pick.integer(0, 3)):
            port = pick.choice(PORTS)
            if port not in ports:
                ports.append(port)
        if ports:
            container["ports"] = ports
        cpu, memory = pick.choice(CPUS), pick.choice(MEMORIES)
        if cpu or memory:
            container["resources"] = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
        if index == main:
            if main:
                container["main"] = True
        else:
            container.update({
                "purpose": pick.choice(PURPOSES),
                "shares_volume": boolean(pick),
                "uses_localhost": boolean(pick),
                "same_node": boolean(pick, 1),
                "scales_independently": boolean(pick, 1),
                "talks_over_network": boolean(pick, 1),
                "stable_identity": boolean(pick, 1),
                "replicas": pick.choice(REPLICAS),
            })
        containers.append(container)
    return {"version": 1, "name": dns_label(pick), "kubernetes": f"1.{pick.integer(25, 37)}",
            "workload": workload, "containers": containers}


def root_allowed(pick: Pick, names: list[str]) -> bool | list[str]:
    """--allow-root (True), --allow-root-for some containers, or neither."""
    how = pick.integer(0, 3)
    if how == 0:
        return True
    if how == 1:
        return [n for n in names if boolean(pick)] or names[:1]
    return False


@dataclass
class Design:
    data: dict
    allow_root: bool | list[str]


def random_design(pick: Pick) -> Design:
    data = answer_file(pick)
    return Design(data, root_allowed(pick, [c["name"] for c in data["containers"]]))


# -- both verdicts ----------------------------------------------------------------------------


@dataclass
class Checked:
    """One object of a built design, with the Pod Security level it is held to and our verdict."""
    obj: dict
    kubernetes: str
    level: str                 # restricted or baseline
    ours: list[str] = field(default_factory=list)
    upstream: Verdict | None = None
    roles: tuple[str, ...] = ()  # each container's role and placement, for a workload: "sidecar in initContainers"


def pod_containers(obj: dict) -> list[str]:
    path = pod_template_path(obj.get("kind"))
    if path is None:
        return []
    spec = obj
    for key in path + ("spec",):
        spec = spec.get(key) or {}
    return [c.get("name") for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])]


def our_verdict(obj: dict, kubernetes: str, level: str) -> list[str]:
    """Every reason ours gives to refuse one object at a Pod Security level (empty: accepted)."""
    baseline_for = pod_containers(obj) if level == "baseline" else ()
    try:
        return (object_problems(obj, kubernetes)
                + [f"Pod Security: {p}" for p in pod_security_problems(obj, baseline_for=baseline_for)])
    except Exception as exc:  # a validator that crashes has refused nothing: report it as such
        return [f"CRASH {type(exc).__name__}: {exc}"]


def build(design: Design) -> tuple[str, list[Checked] | str]:
    """("checked", objects), or ("invalid", why) for answers the loader refuses, ("refused", why) the builder."""
    try:
        answers = answers_from_data(copy.deepcopy(design.data), "<generated>")
    except InputError as exc:
        return "invalid", str(exc.problems[0])
    recommendation = evaluate(answers)
    limits = infeasible(recommendation)  # names and counts Kubernetes would not take
    if limits:
        return "refused", f"<generated>: {limits[0]}"
    try:
        built = build_documents(recommendation, design.allow_root)
    except InputError as exc:
        return "refused", str(exc.problems[0])
    plans = {plan.name: plan for plan in recommendation.workloads}
    checked = []
    for document in built.documents:
        root = set(pod_containers(document.obj)) & built.root
        plan = plans.get(document.obj["metadata"]["name"]) if document.obj["kind"] != "Service" else None
        roles = tuple(f"{c.role} in {c.placement}" for c in plan.containers) if plan else ()
        checked.append(Checked(document.obj, recommendation.kubernetes, "baseline" if root else "restricted",
                               roles=roles))
    return "checked", checked


def build_anyway(design: Design) -> list[Checked]:
    """The objects of a design the advice refuses, written with its checks of names and counts skipped."""
    from unittest import mock

    with mock.patch.dict(globals(), {"infeasible": lambda recommendation: []}):
        return build(design)[1]


def upstream_verdicts(binary: Path, checked: list[Checked]) -> list[Verdict]:
    """apicheck's verdicts, in the order of ``checked``, one apicheck process per level."""
    found: dict[int, Verdict] = {}
    for level in ("restricted", "baseline"):
        indexes = [i for i, c in enumerate(checked) if c.level == level]
        for i, verdict in zip(indexes, run(binary, [checked[i].obj for i in indexes], level)):
            found[i] = verdict
    return [found[i] for i in range(len(checked))]


def disagreement(ours: list[str], upstream: Verdict) -> str | None:
    if bool(ours) == (not upstream.accepted):
        return None
    return f"ours: {'; '.join(ours)}" if ours else f"upstream: {upstream.message}"


def shape(text: str) -> str:
    """A message with its names and numbers blanked, to group disagreements of one cause."""
    text = re.sub(r'"[^"]*"', '"…"', text)
    text = re.sub(r"'[^']*'", "'…'", text)
    return re.sub(r"\d+", "N", text)[:240]


# -- known-bad mutations ------------------------------------------------------------------------


def _pod_spec(obj: dict) -> dict | None:
    path = pod_template_path(obj.get("kind"))
    if path is None:
        return None
    spec = obj
    for key in path + ("spec",):
        spec = spec[key]
    return spec


def _on_pod(change: Callable[[dict], None], kinds: Sequence[str] = ()) -> Callable[[dict], dict | None]:
    def mutate(obj: dict) -> dict | None:
        if _pod_spec(obj) is None or (kinds and obj["kind"] not in kinds):
            return None
        obj = copy.deepcopy(obj)
        change(_pod_spec(obj))
        return obj
    return mutate


def _on(kind: str, change: Callable[[dict], None]) -> Callable[[dict], dict | None]:
    def mutate(obj: dict) -> dict | None:
        if obj["kind"] != kind:
            return None
        obj = copy.deepcopy(obj)
        change(obj)
        return obj
    return mutate


def _any(change: Callable[[dict], None]) -> Callable[[dict], dict | None]:
    def mutate(obj: dict) -> dict | None:
        obj = copy.deepcopy(obj)
        change(obj)
        return obj
    return mutate


def _first(spec: dict) -> dict:
    return spec["containers"][0]


def _set(target: dict, **values) -> None:
    target.update(values)


RESTARTS_ALWAYS = ("Deployment", "StatefulSet", "DaemonSet")
# (name, mutation: object -> mutated copy, or None where it does not apply)
MUTATIONS: list[tuple[str, Callable[[dict], dict | None]]] = [
    ("nodeport-service-with-clusterip-none", _on("Service", lambda o: _set(o["spec"], type="NodePort",
                                                                           clusterIP="None"))),
    ("loadbalancer-service-with-clusterip-none", _on("Service", lambda o: _set(o["spec"], type="LoadBalancer",
                                                                               clusterIP="None"))),
    ("clusterip-service-without-ports", _on("Service", lambda o: (o["spec"].pop("clusterIP", None),
                                                                  _set(o["spec"], ports=[])))),
    ("service-port-out-of-range", _on("Service", lambda o: o["spec"].setdefault("ports", [{}])[0].update(
        name="tcp", port=70000))),
    ("job-restart-always", _on_pod(lambda s: _set(s, restartPolicy="Always"), ("Job", "CronJob"))),
    ("controller-restart-never", _on_pod(lambda s: _set(s, restartPolicy="Never"), RESTARTS_ALWAYS)),
    ("controller-pods-with-a-deadline", _on_pod(lambda s: _set(s, activeDeadlineSeconds=600), RESTARTS_ALWAYS)),
    ("bad-label-key", _any(lambda o: o["metadata"].setdefault("labels", {}).update({"bad key": "x"}))),
    ("bad-label-value", _any(lambda o: o["metadata"].setdefault("labels", {}).update({"app": "no spaces"}))),
    ("label-value-64-characters", _any(lambda o: o["metadata"].setdefault("labels", {}).update({"app": "v" * 64}))),
    ("bad-annotation-key", _any(lambda o: o["metadata"].setdefault("annotations", {}).update({"a/b/c": "x"}))),
    # (not a PodDisruptionBudget: the API server takes any path segment as its name)
    ("upper-case-name", lambda o: None if o["kind"] == "PodDisruptionBudget" else
     _any(lambda x: _set(x["metadata"], name=x["metadata"]["name"].upper() + "X"))(o)),
    ("unknown-field", _on_pod(lambda s: _set(_first(s), imagePullPolice="Always"))),
    ("null-field", _any(lambda o: _set(o["metadata"], annotations=None))),
    ("selector-misses-template", lambda o: _on(o["kind"], lambda x: _set(
        x["spec"]["selector"], matchLabels={"app": "other"}))(o) if o["kind"] in RESTARTS_ALWAYS else None),
    ("job-selector-without-manual-selector", _on("Job", lambda o: _set(o["spec"], selector={
        "matchLabels": {"app": "x"}}))),
    ("probe-on-an-init-container", _on_pod(lambda s: s.setdefault("initContainers", []).append(
        {"name": "probed-init", "image": "busybox:1.36", "readinessProbe": {"tcpSocket": {"port": 80}},
         "securityContext": copy.deepcopy(_first(s).get("securityContext"))}))),
    ("init-container-restart-sometimes", _on_pod(lambda s: s.setdefault("initContainers", []).append(
        {"name": "odd-init", "image": "busybox:1.36", "restartPolicy": "Sometimes",
         "securityContext": copy.deepcopy(_first(s).get("securityContext"))}))),
    ("duplicate-container-name", _on_pod(lambda s: s["containers"].append(copy.deepcopy(_first(s))))),
    ("mount-of-no-volume", _on_pod(lambda s: _first(s).setdefault("volumeMounts", []).append(
        {"name": "nowhere", "mountPath": "/nowhere"}))),
    ("duplicate-mount-path", _on_pod(lambda s: (s.setdefault("volumes", []).extend(
        [{"name": "one", "emptyDir": {}}, {"name": "two", "emptyDir": {}}]), _first(s).setdefault(
        "volumeMounts", []).extend([{"name": "one", "mountPath": "/same"}, {"name": "two", "mountPath": "/same"}])))),
    ("duplicate-volume-name", _on_pod(lambda s: s.setdefault("volumes", []).extend(
        [{"name": "twice", "emptyDir": {}}, {"name": "twice", "emptyDir": {}}]))),
    ("request-above-limit", _on_pod(lambda s: _set(_first(s), resources={"requests": {"cpu": "2"},
                                                                         "limits": {"cpu": "1"}}))),
    ("cpu-not-a-quantity", _on_pod(lambda s: _set(_first(s), resources={"requests": {"cpu": "lots"}}))),
    ("negative-memory", _on_pod(lambda s: _set(_first(s), resources={"requests": {"memory": "-1Gi"}}))),
    ("container-port-0", _on_pod(lambda s: _set(_first(s), ports=[{"containerPort": 0}]))),
    ("container-port-70000", _on_pod(lambda s: _set(_first(s), ports=[{"containerPort": 70000}]))),
    ("container-port-twice", _on_pod(lambda s: _set(_first(s), ports=[{"containerPort": 8080},
                                                                      {"containerPort": 8080}]))),
    ("port-name-too-long", _on_pod(lambda s: _set(_first(s), ports=[{"containerPort": 8080,
                                                                     "name": "a-very-long-port-name"}]))),
    ("port-name-all-digits", _on_pod(lambda s: _set(_first(s), ports=[{"containerPort": 8080, "name": "8080"}]))),
    ("replicas-above-int32", lambda o: _on(o["kind"], lambda x: _set(x["spec"], replicas=2 ** 31))(o)
     if o["kind"] in ("Deployment", "StatefulSet") else None),
    ("negative-replicas", lambda o: _on(o["kind"], lambda x: _set(x["spec"], replicas=-1))(o)
     if o["kind"] in ("Deployment", "StatefulSet") else None),
    ("no-containers", _on_pod(lambda s: _set(s, containers=[]))),
    ("empty-image", _on_pod(lambda s: _set(_first(s), image=""))),
    ("image-with-spaces", _on_pod(lambda s: _set(_first(s), image=" nginx:1.27"))),
    ("cron-day-of-week-7", _on("CronJob", lambda o: _set(o["spec"], schedule="0 3 * * 7"))),
    ("cron-time-zone-in-schedule", _on("CronJob", lambda o: _set(o["spec"], schedule="TZ=UTC 0 3 * * *"))),
    ("cron-six-fields", _on("CronJob", lambda o: _set(o["spec"], schedule="0 0 3 * * *"))),
    ("cronjob-name-53-characters", _on("CronJob", lambda o: _set(o["metadata"], name="c" * 53))),
    ("statefulset-name-60-characters", _on("StatefulSet", lambda o: _set(o["metadata"], name="s" * 60))),
    ("statefulset-without-service-name", _on("StatefulSet", lambda o: o["spec"].pop("serviceName"))),
    ("privileged", _on_pod(lambda s: _first(s)["securityContext"].update(privileged=True))),
    ("run-as-user-0", _on_pod(lambda s: _first(s)["securityContext"].update(runAsUser=0))),
    ("allow-privilege-escalation", _on_pod(lambda s: _first(s)["securityContext"].update(
        allowPrivilegeEscalation=True))),
    ("no-seccomp-profile", _on_pod(lambda s: (_first(s)["securityContext"].pop("seccompProfile", None),
                                              (s.get("securityContext") or {}).pop("seccompProfile", None)))),
    ("seccomp-unconfined", _on_pod(lambda s: _first(s)["securityContext"].update(
        seccompProfile={"type": "Unconfined"}))),
    ("capability-sys-admin", _on_pod(lambda s: _first(s)["securityContext"].setdefault(
        "capabilities", {}).update(add=["SYS_ADMIN"]))),
    ("host-path-volume", _on_pod(lambda s: s.setdefault("volumes", []).append(
        {"name": "host", "hostPath": {"path": "/var/log"}}))),
    ("host-network", _on_pod(lambda s: _set(s, hostNetwork=True))),
    ("host-port", _on_pod(lambda s: _set(_first(s), ports=[{"containerPort": 8080, "hostPort": 8080}]))),
    ("proc-mount-unmasked", _on_pod(lambda s: _first(s)["securityContext"].update(procMount="Unmasked"))),
    ("unsafe-sysctl", _on_pod(lambda s: s.setdefault("securityContext", {}).update(
        sysctls=[{"name": "kernel.msgmax", "value": "65536"}]))),
    ("selinux-type-spc", _on_pod(lambda s: _first(s)["securityContext"].update(seLinuxOptions={"type": "spc_t"}))),
    ("apparmor-unconfined", _on_pod(lambda s: _first(s)["securityContext"].update(
        appArmorProfile={"type": "Unconfined"}))),
    ("probe-with-a-host", _on_pod(lambda s: _set(_first(s), livenessProbe={"tcpSocket": {"port": 80,
                                                                                         "host": "10.0.0.1"}}))),
    ("windows-host-process", _on_pod(lambda s: _first(s)["securityContext"].update(
        windowsOptions={"hostProcess": True}))),
    # Not bad on 1.35 and newer, where any container may set a restartPolicy: both should accept there.
    ("container-restart-policy-never", _on_pod(lambda s: _set(_first(s), restartPolicy="Never"))),
    # found by apicheck on review --suggest over public manifests: a user's Pod carries them into the suggestion
    ("port-protocol-in-lower-case", _on_pod(lambda s: _set(_first(s), ports=[{"containerPort": 80, "protocol": "tcp"}]))),
    ("ephemeral-containers-in-a-template", _on_pod(lambda s: _set(s, ephemeralContainers=[
        {"name": "debug", "image": "busybox:1.36"}]))),
    ("toleration-operator-gt", _on_pod(lambda s: _set(s, tolerations=[{"key": "k", "operator": "Gt", "value": "5"}]))),
    ("pod-restart-policy-in-capitals", _on_pod(lambda s: _set(s, restartPolicy="ON_FAILURE"))),
    ("probe-with-two-handlers", _on_pod(lambda s: _set(_first(s), livenessProbe={
        "httpGet": {"path": "/", "port": 8080}, "tcpSocket": {"port": 8080}}))),
    ("probe-without-a-handler", _on_pod(lambda s: _set(_first(s), readinessProbe={"periodSeconds": 5}))),
    ("hook-with-two-handlers", _on_pod(lambda s: _set(_first(s), lifecycle={"preStop": {
        "sleep": {"seconds": 5}, "exec": {"command": ["true"]}}}))),
    ("extended-resource-without-limit", _on_pod(lambda s: _first(s).setdefault("resources", {}).setdefault(
        "requests", {}).update({"example.com/gpu": "1"}) or _first(s)["resources"].setdefault("limits", {}).pop(
        "example.com/gpu", None))),
]


# -- the run ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--designs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--apicheck", type=Path, default=BINARY, help="the apicheck binary (tools/apicheck/build)")
    parser.add_argument("--mutate", type=int, default=400,
                        help="apply every mutation to the objects of this many checked designs")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if not args.apicheck.is_file():
        print(f"differential: no apicheck at {args.apicheck}; build it with tools/apicheck/build", file=sys.stderr)
        return 2

    pick = RandomPick(args.seed)
    outcomes: Counter = Counter()
    checked_designs: list[list[Checked]] = []
    refused_why: Counter = Counter()
    refused_designs: list[tuple[str, list[Checked]]] = []
    started = time.perf_counter()
    for _ in range(args.designs):
        design = random_design(pick)
        outcome, result = build(design)
        outcomes[outcome] += 1
        if outcome == "checked":
            checked_designs.append(result)
        else:
            why = f"{outcome}: {shape(result.split(': ', 1)[-1])}"
            refused_why[why] += 1
            if outcome == "refused":
                refused_designs.append((why, build_anyway(design)))
    generated = time.perf_counter() - started
    # Does upstream refuse what the builder refuses to write? (one object refused is enough)
    anyway = [c for _, design in refused_designs for c in design]
    each = iter(upstream_verdicts(args.apicheck, anyway))
    upstream_refused: Counter = Counter()
    for why, design in refused_designs:
        upstream_refused[why] += not all([next(each).accepted for _ in design])

    objects = [c for design in checked_designs for c in design]
    started = time.perf_counter()
    for c in objects:
        c.ours = our_verdict(c.obj, c.kubernetes, c.level)
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    upstream = upstream_verdicts(args.apicheck, objects)
    upstream_seconds = time.perf_counter() - started

    disagreements = defaultdict(list)
    for c, verdict in zip(objects, upstream):
        c.upstream = verdict
        found = disagreement(c.ours, verdict)
        if found:
            disagreements[shape(found)].append((c, verdict))
    kinds = Counter(c.obj["kind"] for c in objects)
    levels = Counter(c.level for c in objects)
    versions = Counter(c.kubernetes for c in objects)
    roles = Counter(role for c in objects for role in c.roles)
    manifests = len(checked_designs)
    per_100 = lambda seconds: 100 * seconds / manifests if manifests else 0.0  # noqa: E731

    print(f"designs generated: {args.designs} (seed {args.seed}, {generated:.1f} s to build): "
          f"{outcomes['checked']} manifests checked, {outcomes['invalid']} answer files the loader refused, "
          f"{outcomes['refused']} designs the builder refused")
    print("  why (and, for a design the builder refused, how many of them apicheck refuses too):")
    for why, count in refused_why.most_common():
        also = f" (apicheck: {upstream_refused[why]})" if why.startswith("refused") else ""
        print(f"  {count:5d}{also}  {why}")
    print(f"objects compared: {len(objects)}  by kind: {dict(sorted(kinds.items()))}")
    print(f"  by level: {dict(levels)}  by version: {len(versions)} versions, "
          f"{min(versions, key=lambda v: int(v.split('.')[1]))} to {max(versions, key=lambda v: int(v.split('.')[1]))}")
    print(f"  containers by role and placement: {dict(sorted(roles.items()))}")
    accepted = sum(1 for v in upstream if v.accepted)
    print(f"apicheck accepted {accepted} of {len(objects)}; ours accepted {sum(1 for c in objects if not c.ours)}")
    print(f"disagreements: {sum(len(v) for v in disagreements.values())}")
    for cause, cases in sorted(disagreements.items(), key=lambda kv: -len(kv[1])):
        c, verdict = cases[0]
        print(f"  {len(cases):5d}  {cause}")
        print(f"         e.g. {c.obj['kind']} {c.obj['metadata']['name']} (Kubernetes {c.kubernetes}, {c.level}): "
              f"upstream {verdict}")
    print(f"seconds per 100 manifests: ours {per_100(ours_seconds):.3f}, apicheck {per_100(upstream_seconds):.3f} "
          f"(2 processes, {len(objects)} objects), ratio apicheck/ours "
          f"{upstream_seconds / ours_seconds if ours_seconds else 0:.2f}")

    mutated_report = mutations(args.apicheck, checked_designs[:args.mutate])
    print(f"known-bad mutations of the objects both accept, of {min(args.mutate, manifests)} manifests "
          f"(objects mutated: both refused / only upstream refused / only ours refused / both accepted):")
    for name, counts in mutated_report.items():
        print(f"  {name:40s} {counts['objects']:5d}: {counts['both']:5d} / {counts['upstream only']:5d} / "
              f"{counts['ours only']:5d} / {counts['neither']:5d}   {counts.get('example', '')[:150]}")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "designs": args.designs, "seed": args.seed, "outcomes": outcomes, "objects": len(objects),
            "refused": {why: {"count": count, "apicheck_refuses": upstream_refused.get(why)}
                        for why, count in refused_why.items()},
            "kinds": kinds, "levels": levels, "versions": versions, "roles": roles,
            "disagreements": {cause: {"count": len(cases), "ours": cases[0][0].ours,
                                      "upstream": str(cases[0][1]), "kind": cases[0][0].obj["kind"],
                                      "kubernetes": cases[0][0].kubernetes, "level": cases[0][0].level}
                              for cause, cases in disagreements.items()},
            "seconds_per_100_manifests": {"ours": per_100(ours_seconds), "apicheck": per_100(upstream_seconds)},
            "mutations": mutated_report,
        }, indent=2, default=dict), encoding="utf-8")
    return 1 if disagreements else 0


def mutations(binary: Path, designs: list[list[Checked]]) -> dict[str, dict]:
    """For each mutation: how many of the mutated objects each validator refused."""
    report = {}
    for name, mutate in MUTATIONS:
        cases = []
        for design in designs:
            for c in design:
                obj = mutate(c.obj) if not c.ours and c.upstream.accepted else None
                if obj is not None:
                    cases.append(Checked(obj, c.kubernetes, c.level))
        counts: Counter = Counter(objects=len(cases))
        if cases:
            for c in cases:
                c.ours = our_verdict(c.obj, c.kubernetes, c.level)
            for c, verdict in zip(cases, upstream_verdicts(binary, cases)):
                refused = (bool(c.ours), not verdict.accepted)
                key = {(True, True): "both", (False, True): "upstream only", (True, False): "ours only",
                       (False, False): "neither"}[refused]
                counts[key] += 1
                if key != "both" and "example" not in counts:
                    counts["example"] = (f"{key}: upstream {verdict.message or 'ACCEPTED'}" if key != "ours only"
                                         else f"ours: {'; '.join(c.ours)}")
        report[name] = counts
    return report


if __name__ == "__main__":
    sys.exit(main())
