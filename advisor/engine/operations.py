"""Operations: what running the design in production takes beyond its Pods' layout.

Disruptions (a PodDisruptionBudget, spread over zones, a rollout that keeps capacity), health
(readiness from the answers' health checks, a startup probe on a native sidecar the main
container talks through, liveness when asked for), shutdown (a preStop wait and the grace
period), work that finishes (a deadline, clean-up that keeps a CronJob's history), node agents
(host paths, tolerations, a priority) and access (a ServiceAccount or no token, NetworkPolicies,
the namespace). Each rule sets fields of a workload's plan; the manifest writes them.
"""

from __future__ import annotations

from advisor.domain.model import EnvVar, Health
from advisor.domain.recommendation import ContainerPlan, WorkloadPlan
from advisor.domain.vocabulary import (
    ACCOUNT,
    BATCH_KINDS,
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
    REPLICATED_KINDS,
    SPREAD,
    STARTUP_PROBE,
    TOLERATIONS,
    STRATEGY,
)
from advisor.engine.experta_compat import MATCH, NOT, TEST, P
from advisor.engine.facts import Controller, PreStop, Service, Workload
from advisor.engine.registry import rule

PRESTOP_SECONDS = 5  # long enough for endpoints, kube-proxy and load balancers to drop a stopping Pod
DEFAULT_GRACE = 30  # Kubernetes' terminationGracePeriodSeconds when a Pod sets none
DEFAULT_DEADLINE = 3600  # seconds a run of work that finishes may take when the answers give no deadline
FINISHED_JOB_TTL = 86400  # a day to read a finished Job's logs
NODE_PRIORITY = "system-node-critical"
SECRET_KEY = "password"  # the key of the Secret a password the answers do not give is read from
LIVENESS_FAILURES = 6  # liveness gives up after a minute of failures (every 10 s), readiness after 3
REPLICATED = P(lambda kind: kind in REPLICATED_KINDS)
IS_BATCH = P(lambda kind: kind in BATCH_KINDS)
LONG_RUNNING = P(lambda kind: kind in ("Deployment", "StatefulSet", "DaemonSet", "Pod"))
TWO_OR_MORE = P(lambda replicas: replicas is not None and replicas >= 2)
GIVEN = P(lambda value: value is not None)


def _seconds(n: int) -> str:
    return f"{n} second{'s' if n != 1 else ''}"


class OperationsRules:
    # -- helpers ------------------------------------------------------------------------

    def _feature_on(self, feature: str) -> bool:
        return self.kb.features[feature].on_at(self.answers.minor)

    def _version(self) -> str:
        return self.answer("kubernetes", self.answers.kubernetes)

    @staticmethod
    def _serving(plan: WorkloadPlan) -> list[ContainerPlan]:
        """The containers that take the workload's traffic: its main one, an inbound proxy, and any
        container whose port its Service forwards."""
        return [c for c in plan.containers if c.role != "init" and (
            c.role == "main" or c.purpose == "proxy-inbound" or set(c.ports) & set(plan.service_ports))]

    # -- disruptions ----------------------------------------------------------------------

    @rule("disruption-budget",
          Controller(kind=MATCH.kind & REPLICATED, replicas=MATCH.replicas & TWO_OR_MORE, production=True,
                     workload=MATCH.workload, main=MATCH.main, index=MATCH.index),
          concern="operations", comment=DISRUPTION)
    def disruption_budget(self, kind, replicas, workload, main, index):
        plan = self.plan_of(workload)
        plan.disruption_budget = True
        plan.evict_unhealthy = self._feature_on("pdb-unhealthy-pod-eviction-policy")
        unhealthy = (" unhealthyPodEvictionPolicy AlwaysAllow lets a drain evict Pods that run but are not ready, "
                     "so a rollout gone wrong cannot hold up node maintenance" if plan.evict_unhealthy else "")
        because = self.workload_answer("replicas") if main else self.container_answer(index, "replicas")
        self.conclude(f"{workload} gets a PodDisruptionBudget of maxUnavailable 1: a node drain or a cluster "
                      f"autoscaler evicts its Pods one at a time, each replaced before the next goes, so "
                      f"{replicas - 1} of its {replicas} replicas {'keeps' if replicas == 2 else 'keep'} "
                      f"serving.{unhealthy}",
                      because, f"controller = {kind}", workload=workload)

    @rule("rollout-keeps-capacity",
          Controller(kind="Deployment", production=True, workload=MATCH.workload), concern="operations",
          comment=STRATEGY)
    def rollout_keeps_capacity(self, workload):
        self.plan_of(workload).keep_capacity = True
        self.conclude(f"{workload} rolls out with maxUnavailable 0 and maxSurge 25%: each new Pod starts, and is "
                      f"ready, before an old one stops, so a rollout never leaves fewer ready Pods than its "
                      f"replicas (it needs room for the extra Pods meanwhile)", "controller = Deployment",
                      workload=workload)

    @rule("spread-across-zones",
          Controller(kind=MATCH.kind & REPLICATED, replicas=TWO_OR_MORE, production=True, workload=MATCH.workload),
          concern="operations", comment=SPREAD)
    def spread_across_zones(self, kind, workload):
        plan = self.plan_of(workload)
        plan.spread_zones = True
        plan.spread_by_revision = kind == "Deployment" and self._feature_on("match-label-keys")
        revision = (" Only the Pods of one rollout are counted (matchLabelKeys pod-template-hash), so old and "
                    "new ones do not skew it" if plan.spread_by_revision else "")
        self.conclude(f"{workload}'s replicas are spread over zones where the scheduler can (maxSkew 1, "
                      f"ScheduleAnyway): losing a zone takes some of them, not all, and a cluster in one zone "
                      f"still schedules them.{revision}", f"controller = {kind}",
                      f"replicas = {plan.replicas}", workload=workload)

    # -- health ----------------------------------------------------------------------------

    @rule("readiness-from-health",
          Controller(kind=LONG_RUNNING, completes=False, workload=MATCH.workload), concern="operations",
          comment=READINESS_PROBE)
    def readiness_from_health(self, workload):
        plan = self.plan_of(workload)
        for c in self._serving(plan):
            health = self.container(c.index).health
            if health is None:
                continue
            c.readiness = health
            effect = ("its Pod gets no requests through its Services, and gets them again once it passes"
                      if plan.service else "its Pod does not count as ready, and a rolling update waits for it "
                                           "before it replaces the next one")
            self.conclude(f"{c.name} is ready only while {health.describe()} succeeds (its readiness probe): while "
                          f"it fails, {effect}",
                          self.container_answer(c.index, "health"), workload=workload, container=c.name)

    @rule("startup-probe-for-sidecar", Controller(main=True, workload=MATCH.workload), concern="operations",
          comment=STARTUP_PROBE)
    def startup_probe_for_sidecar(self, workload):
        plan = self.plan_of(workload)
        main = plan.main.name
        for c in plan.init_order:
            if not c.native_sidecar:
                continue
            health = self.container(c.index).health
            if c.purpose == "proxy-outbound" and health is None and c.ports:
                probe, because = Health("tcp", port=c.ports[0]), self.container_answer(c.index, "ports")
            elif health is not None:
                probe, because = health, self.container_answer(c.index, "health")
            else:
                continue
            c.startup = probe
            why = (f"{main} connects through it and would fail while it is not listening" if
                   c.purpose == "proxy-outbound" else f"{main} then starts with its helper already working")
            self.conclude(f"{c.name} has a startup probe ({probe.describe()}): the kubelet starts the containers "
                          f"after a native sidecar only once its startup probe passes, so {why}",
                          because, self.container_answer(c.index, "purpose"), workload=workload, container=c.name)

    @rule("liveness-when-asked", Controller(workload=MATCH.workload), concern="operations", comment=LIVENESS_PROBE)
    def liveness_when_asked(self, workload):
        plan = self.plan_of(workload)
        for c in plan.containers:
            answers = self.container(c.index)
            if not answers.liveness or c.role == "init" or answers.health is None:
                continue
            c.liveness = answers.health
            self.conclude(f"{c.name} is restarted when {answers.health.describe()} fails {LIVENESS_FAILURES} times "
                          f"in a row, a minute (its liveness probe, asked for): more patient than readiness, since "
                          f"each failure it sees becomes a restart", self.container_answer(c.index, "liveness"),
                          workload=workload, container=c.name)

    # -- shutdown ----------------------------------------------------------------------------

    @rule("prestop-sleep",
          Service(workload=MATCH.workload),
          Controller(kind=LONG_RUNNING, completes=False, production=True, workload=MATCH.workload),
          concern="service", comment=LIFECYCLE)
    def prestop_sleep(self, workload):
        plan = self.plan_of(workload)
        builtin = self._feature_on("prestop-sleep")
        waiting = False
        for c in self._serving(plan):
            why = ("its Service stops sending it new requests at once, but kube-proxy and load balancers take a "
                   "moment to notice, and requests that still arrive are served instead of refused")
            if builtin:
                c.prestop = "sleep"
                how = "the built-in sleep action, which needs nothing in the image"
                because = (self._version(),)
            else:
                from advisor.kb.images import match  # the catalogue loads only where its answer is needed

                family = match(c.image)
                shell = family.shell.value if family is not None else None
                if shell is False:
                    self.conclude(f"{c.name} gets no preStop wait: Kubernetes {self.answers.kubernetes} has no "
                                  f"built-in sleep action (from 1.30), and its image ({family.title}) has no "
                                  f"shell or sleep program to run one; it gets its stop signal at once",
                                  self._version(), f"{self.container(c.index).path}.image = {c.image}",
                                  workload=workload, container=c.name)
                    continue
                c.prestop = "exec"
                how = ("a sleep command, as Kubernetes " + self.answers.kubernetes + " has no built-in sleep action"
                       + ("" if shell else "; if the image has no sleep program, the hook fails, an event says "
                                           "so, and the container stops at once as it would without one"))
                because = (self._version(),)
            waiting = True
            self.conclude(f"{c.name} waits {_seconds(PRESTOP_SECONDS)} before its stop signal (a preStop hook, "
                          f"with {how}): {why}", *because, workload=workload, container=c.name)
        if waiting:
            self.declare(PreStop(workload=workload))

    def _grace(self, workload: str, shutdown: int, wait: int, *because: str, said: bool) -> None:
        plan = self.plan_of(workload)
        plan.grace_seconds = wait + shutdown
        whose = "as the answers say" if said else "Kubernetes' default"
        first = f"the {wait}-second preStop wait, then " if wait else ""
        self.conclude(f"{workload}'s Pods get terminationGracePeriodSeconds {plan.grace_seconds}: {first}"
                      f"{_seconds(shutdown)} for the process to finish its work after its stop signal ({whose}); "
                      f"what still runs then is killed", *because, workload=workload)

    @rule("grace-period", Controller(workload=MATCH.workload, main=MATCH.main), PreStop(workload=MATCH.workload),
          concern="operations", comment=GRACE)
    def grace_period(self, workload, main):
        given = self.answers.shutdown_seconds if main else None
        self._grace(workload, given or DEFAULT_GRACE, PRESTOP_SECONDS,
                    self.workload_answer("shutdown_seconds") if main else "a workload of its own",
                    said=given is not None)

    @rule("grace-period-from-answers",
          Controller(main=True, workload=MATCH.workload), Workload(shutdown=MATCH.shutdown & GIVEN),
          NOT(PreStop(workload=MATCH.workload)), concern="operations", comment=GRACE)
    def grace_period_from_answers(self, workload, shutdown):
        self._grace(workload, shutdown, 0, self.workload_answer("shutdown_seconds"), said=True)

    # -- work that finishes ---------------------------------------------------------------------

    @rule("deadline-for-batch",
          Controller(main=True, kind=MATCH.kind & IS_BATCH, workload=MATCH.workload),
          Workload(deadline=MATCH.deadline), concern="operations", comment=DEADLINE)
    def deadline_for_batch(self, kind, workload, deadline):
        plan = self.plan_of(workload)
        plan.deadline = deadline or DEFAULT_DEADLINE
        given = "the longest a run may take, as the answers say" if deadline else \
            "an hour as a start; set workload.deadline to the longest a healthy run takes"
        blocked = ("; with concurrencyPolicy Forbid, a run that hangs would otherwise hold up every later one"
                   if kind == "CronJob" else "")
        self.conclude(f"each run of {workload} is stopped, and counts as failed, after {_seconds(plan.deadline)} "
                      f"(activeDeadlineSeconds): {given}{blocked}", self.workload_answer("deadline"),
                      workload=workload)

    @rule("ttl-for-finished-job", Controller(kind="Job", workload=MATCH.workload), concern="operations",
          comment=CLEANUP)
    def ttl_for_finished_job(self, workload):
        self.plan_of(workload).ttl = FINISHED_JOB_TTL
        self.conclude(f"{workload} and its Pods are deleted a day after it finishes (ttlSecondsAfterFinished): "
                      f"time to read their logs, and nothing else deletes a finished Job", "controller = Job",
                      workload=workload)

    @rule("cronjob-history-not-ttl", Controller(kind="CronJob", workload=MATCH.workload), concern="operations",
          comment=CLEANUP)
    def cronjob_history_not_ttl(self, workload):
        self.plan_of(workload).ttl = None
        self.conclude(f"{workload}'s Jobs get no ttlSecondsAfterFinished: the CronJob keeps its newest finished "
                      f"runs of each outcome (its history limits) and deletes older ones, and a TTL would delete "
                      f"each Job after that time whatever the limits say, failed runs before anyone looks",
                      "controller = CronJob", workload=workload)

    # -- node agents ------------------------------------------------------------------------------

    @rule("host-paths-for-node-agent",
          Controller(kind="DaemonSet", main=True, workload=MATCH.workload), Workload(host_paths=True),
          concern="operations", comment=HOST_PATHS)
    def host_paths_for_node_agent(self, workload):
        answers = self.answers
        plan = self.plan_of(workload)
        plan.host_paths = tuple((p, True) for p in answers.node_read) + \
            tuple((p, False) for p in answers.node_write if p not in answers.node_read)
        read = f"reads {', '.join(answers.node_read)} (mounted read-only)" if answers.node_read else ""
        write = f"writes {', '.join(answers.node_write)}" if answers.node_write else ""
        because = [self.answer(f"workload.node_access.{k}", v) for k, v in
                   (("read", answers.node_read), ("write", answers.node_write)) if v]
        self.conclude(f"{plan.main.name} {' and '.join(x for x in (read, write) if x)} from each node, through "
                      f"hostPath volumes. Pod Security's baseline and restricted levels refuse any hostPath, so "
                      f"{workload} runs only in a namespace whose level is privileged "
                      f"(pod-security.kubernetes.io/enforce: privileged); the rest of its Pod still meets "
                      f"restricted", *because, workload=workload)

    @rule("tolerate-every-taint",
          Controller(kind="DaemonSet", main=True, workload=MATCH.workload), Workload(tolerate_all=True),
          concern="operations", comment=TOLERATIONS)
    def tolerate_every_taint(self, workload):
        self.plan_of(workload).tolerate_all = True
        self.conclude(f"{workload} tolerates every taint (operator Exists): it runs on the control plane, on "
                      f"nodes kept for other work, and stays on nodes that are not ready or are being drained",
                      self.answer("workload.node_access.tolerate_all_taints", True), workload=workload)

    @rule("priority-for-node-agent", Controller(kind="DaemonSet", main=True, workload=MATCH.workload),
          concern="operations", comment=PRIORITY)
    def priority_for_node_agent(self, workload):
        given = self.answers.priority_class
        plan = self.plan_of(workload)
        plan.priority_class = given or NODE_PRIORITY
        why = "as the answers say" if given else (
            "the class Kubernetes keeps for what a node cannot do without; some providers admit it only in "
            "namespaces with a matching ResourceQuota, so name a class of your own there")
        self.conclude(f"{workload}'s Pods get the PriorityClass {plan.priority_class} ({why}): when a node runs "
                      f"short they are evicted last, and a new node's agent is placed ahead of other Pods",
                      self.answer("workload.node_access.priority", given), workload=workload)

    # -- access ---------------------------------------------------------------------------------------

    @rule("service-account-for-api", Controller(main=True, workload=MATCH.workload), Workload(api=True),
          concern="operations", comment=ACCOUNT)
    def service_account_for_api(self, workload):
        self.plan_of(workload).service_account = True
        self.conclude(f"{workload} gets a ServiceAccount of its own, its token mounted in its Pods: it calls the "
                      f"Kubernetes API as {workload}, and a Role bound to that account grants only what it needs "
                      f"(the account alone grants nothing)", self.workload_answer("uses_kubernetes_api"),
                      workload=workload)

    @rule("no-token-without-api",
          Controller(main=MATCH.main, workload=MATCH.workload), Workload(api=MATCH.api),
          TEST(lambda main, api: not (main and api)), concern="operations", comment=ACCOUNT)
    def no_token_without_api(self, main, workload, api):
        self.plan_of(workload).service_account = False
        because = self.workload_answer("uses_kubernetes_api") if main else \
            "a workload of its own (the answers' uses_kubernetes_api is the main workload's)"
        self.conclude(f"{workload}'s Pods get no Kubernetes API token (automountServiceAccountToken: false): it "
                      f"does not call the API, and a token in the container is one a break-in could use", because,
                      workload=workload)

    @rule("network-policy",
          Controller(main=MATCH.main, called=MATCH.called, workload=MATCH.workload), Workload(network_policy=True),
          concern="operations", comment=POLICY)
    def network_policy(self, main, called, workload):
        plan = self.plan_of(workload)
        plan.network_policy = plan.service_ports if plan.service else ()
        plan.admit_from = self.answers.name if not main and called else None
        if not plan.network_policy:
            what = "admits no connections: nothing is meant to call it (it has no Service with a port)"
        else:
            ports = ", ".join(map(str, plan.network_policy))
            who = (f"from the Pods of {plan.admit_from} and its own only" if plan.admit_from else "from anywhere")
            what = f"admits connections to port {ports} {who}: its Service's ports, nothing else"
        self.conclude(f"{workload} gets a NetworkPolicy that {what}. Outgoing traffic is not restricted; a cluster "
                      f"whose network plugin does not enforce NetworkPolicies ignores it",
                      self.workload_answer("network_policy"), workload=workload)

    # -- what an image will not start without -------------------------------------------------------

    @rule("password-from-secret", Controller(workload=MATCH.workload), concern="operations", comment=ENV)
    def password_from_secret(self, workload):
        from advisor.kb.starts import env_given, may_need_env, missing_env, one_of, plan_start  # for such images only

        plan = self.plan_of(workload)
        for c in plan.containers:
            if not may_need_env(c.image):
                continue
            start = plan_start(c.image)
            needed = missing_env(start, env_given(c.env), c.command, c.args)
            if needed is None:
                continue
            name = needed[0].partition("=")[0]
            secret = f"{workload}-credentials" if c.name == workload else f"{workload}-{c.name}-credentials"
            c.env = c.env + (EnvVar(name, source="secret", object=secret, key=SECRET_KEY),)
            self.conclude(f"{c.name} takes {name} from the Secret {secret} (key {SECRET_KEY}): its image "
                          f"({start.family.title}) stops at its first start, on an empty data folder, unless "
                          f"{one_of(needed)} is set, and the answers set none. The manifest writes no Secret, as a "
                          f"password does not belong in it: create {secret} before applying (kubectl create secret "
                          f"generic {secret} "
                          f"--from-literal={SECRET_KEY}=...)",
                          *self._image_and_env(c), workload=workload, container=c.name)

    @rule("data-in-subfolder", Controller(workload=MATCH.workload, kind="StatefulSet"), concern="operations",
          comment=ENV)
    def data_in_subfolder(self, workload):
        from advisor.kb.starts import may_keep_data_below, plan_start  # the catalogue: for such images only

        main = self.plan_of(workload).main
        if not may_keep_data_below(main.image):
            return
        start = plan_start(main.image)
        below = start.data_env
        if below is None or any(v.name == below.name for v in main.env):
            return
        main.env = main.env + (EnvVar(below.name, value=below.path),)
        self.conclude(f"{main.name} keeps its data in {below.path} ({below.name}), a folder below the root of its "
                      f"volume at {start.data_path}: {start.family.title} will not set up a new database "
                      f"on the root of a volume that holds anything, and a new disk's file system (ext4, as most "
                      f"cloud providers format volumes) holds lost+found there",
                      *self._image_and_env(main), workload=workload, container=main.name)

    def _image_and_env(self, c) -> tuple[str, str]:
        """What a setting the manifest adds to a container's env rests on: the image the answers name, and the
        variables they set (the names only: a value the answers give may be a password of its own)."""
        answers = self.container(c.index)
        return (f"{answers.path}.image = {c.image}",
                f"{answers.path}.env sets " + (", ".join(v.name for v in answers.env) or "nothing"))

    @rule("namespace-from-answers",
          Controller(workload=MATCH.workload), Workload(namespace=MATCH.namespace & GIVEN), concern="operations",
          comment=NAMESPACE)
    def namespace_from_answers(self, workload, namespace):
        self.plan_of(workload).namespace = namespace
        self.conclude(f"{workload}'s objects go in the namespace {namespace}, written on each",
                      self.workload_answer("namespace"), workload=workload)
