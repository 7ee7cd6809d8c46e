"""Controller and restartPolicy of each workload (first match wins for the main one)."""

from __future__ import annotations

from advisor.domain.vocabulary import BATCH_KINDS, OBJECT, REPLICATED_KINDS, RESTART
from advisor.engine.experta_compat import AS, EXISTS, MATCH, NOT, P
from advisor.engine.facts import Controller, InPod, OwnWorkload, Workload
from advisor.engine.registry import rule

PRODUCTION = "production"
REPLICATED = P(lambda kind: kind in REPLICATED_KINDS)
IS_BATCH = P(lambda kind: kind in BATCH_KINDS)


class ControllerRules:
    def _choose(self, kind: str, w, why: str, *because: str) -> None:
        plan = self.main_plan()
        plan.controller = kind
        if kind == "CronJob":
            plan.schedule = self.answers.schedule
        self.declare(Controller(workload=w["name"], index=self.answers.main.index, main=True, kind=kind,
                                completes=w["completes"], keep_failed=w["keep_failed"],
                                production=w["environment"] == PRODUCTION, replicas=w["replicas"], called=False))
        self.conclude(f"{w['name']} runs as a {kind}: {why}", *because, workload=w["name"])

    @rule("bare-pod-for-experiment", AS.w << Workload(environment="experiment"), concern="controller", comment=OBJECT)
    def bare_pod_for_experiment(self, w):
        self._choose("Pod", w, "an experiment needs no controller, and nothing will recreate it",
                     self.workload_answer("environment"))

    @rule("cronjob-for-schedule", AS.w << Workload(environment=PRODUCTION, scheduled=True),
          concern="controller", comment=OBJECT)
    def cronjob_for_schedule(self, w):
        self._choose("CronJob", w, "it runs to completion on a schedule; the CronJob creates a Job each time",
                     self.workload_answer("schedule"))

    @rule("job-for-completion", AS.w << Workload(environment=PRODUCTION, scheduled=False, completes=True),
          concern="controller", comment=OBJECT)
    def job_for_completion(self, w):
        self._choose("Job", w, "the work runs to completion; a Job retries a failed run up to its backoffLimit, "
                     "then gives up",
                     self.workload_answer("runs_to_completion"))

    @rule("daemonset-for-node-agent",
          AS.w << Workload(environment=PRODUCTION, completes=False, one_per_node=True), concern="controller", comment=OBJECT)
    def daemonset_for_node_agent(self, w):
        self._choose("DaemonSet", w, "one copy must run on every node", self.workload_answer("one_per_node"))

    @rule("statefulset-for-identity",
          AS.w << Workload(environment=PRODUCTION, completes=False, one_per_node=False, stable_identity=True),
          concern="controller", comment=OBJECT)
    def statefulset_for_identity(self, w):
        self._choose("StatefulSet", w, "each replica needs a stable name and storage of its own",
                     self.workload_answer("stable_identity"))

    @rule("deployment-by-default",
          AS.w << Workload(environment=PRODUCTION, completes=False, one_per_node=False, stable_identity=False),
          concern="controller", comment=OBJECT)
    def deployment_by_default(self, w):
        self._choose("Deployment", w, "a long-running service with interchangeable replicas",
                     self.workload_answer("runs_to_completion"), self.workload_answer("one_per_node"),
                     self.workload_answer("stable_identity"))

    def _separate(self, kind: str, o, why: str, key: str) -> None:
        container = self.container(o["index"])
        called = container.talked_to
        self.plan_of(o["name"]).controller = kind
        self.plan_of(o["name"]).called_by_main = called
        self.declare(Controller(workload=o["name"], index=o["index"], main=False, kind=kind, completes=False,
                                keep_failed=False, production=o["environment"] == PRODUCTION,
                                replicas=container.replicas, called=called))
        self.conclude(f"{o['name']} runs as a {kind} of its own: {why}",
                      self.container_answer(o["index"], key), workload=o["name"])

    @rule("separate-statefulset", AS.o << OwnWorkload(stable_identity=True), concern="controller", comment=OBJECT)
    def separate_statefulset(self, o):
        self._separate("StatefulSet", o, "it needs a stable name and storage", "stable_identity")

    @rule("separate-deployment", AS.o << OwnWorkload(stable_identity=False), concern="controller", comment=OBJECT)
    def separate_deployment(self, o):
        self._separate("Deployment", o, "a long-running service of its own", "stable_identity")

    # -- restartPolicy and replicas -------------------------------------------

    @rule("restart-always-for-long-running",
          Controller(completes=False, workload=MATCH.workload, kind=MATCH.kind), concern="controller", comment=RESTART)
    def restart_always_for_long_running(self, workload, kind):
        self.plan_of(workload).restart_policy = "Always"
        self.conclude(f"{workload} uses restartPolicy Always: a long-running process is restarted "
                      f"whenever it exits (in place, on the same node)", f"controller = {kind}", workload=workload)

    @rule("restart-on-failure-for-batch",
          Controller(kind=MATCH.kind & IS_BATCH, keep_failed=False, workload=MATCH.workload), concern="controller", comment=RESTART)
    def restart_on_failure_for_batch(self, kind, workload):
        self.plan_of(workload).restart_policy = "OnFailure"
        self.conclude(f"{workload} uses restartPolicy OnFailure: a failed container restarts in place, and "
                      f"the Pod can reach Succeeded (Always would never let it)",
                      self.workload_answer("keep_failed_attempts"), workload=workload)

    @rule("restart-never-to-keep-attempts",
          Controller(kind=MATCH.kind & IS_BATCH, keep_failed=True, workload=MATCH.workload), concern="controller", comment=RESTART)
    def restart_never_to_keep_attempts(self, kind, workload):
        self.plan_of(workload).restart_policy = "Never"
        self.conclude(f"{workload} uses restartPolicy Never: each failed attempt's Pod stays for inspection "
                      f"and the {kind} retries in a new Pod", self.workload_answer("keep_failed_attempts"),
                      workload=workload)

    @rule("restart-never-for-one-off-pod", Controller(kind="Pod", completes=True, workload=MATCH.workload),
          concern="controller", comment=RESTART)
    def restart_never_for_one_off_pod(self, workload):
        self.plan_of(workload).restart_policy = "Never"
        self.conclude(f"{workload} uses restartPolicy Never: a one-off Pod runs once and ends Succeeded or "
                      f"Failed", self.workload_answer("runs_to_completion"), workload=workload)

    @rule("replicas-from-answers",
          Controller(kind=MATCH.kind & REPLICATED, workload=MATCH.workload, replicas=MATCH.replicas,
                     main=MATCH.main, index=MATCH.index),
          concern="controller", comment=None)
    def replicas_from_answers(self, kind, workload, replicas, main, index):
        self.plan_of(workload).replicas = replicas
        because = self.workload_answer("replicas") if main else self.container_answer(index, "replicas")
        self.conclude(f"{workload} keeps {replicas} replica{'s' if replicas != 1 else ''}", because,
                      workload=workload)

    # -- layout ----------------------------------------------------------------

    @rule("multi-container-pod", Controller(main=True, workload=MATCH.workload), EXISTS(InPod()),
          concern="placement", comment=None)
    def multi_container_pod(self, workload):
        plan = self.plan_of(workload)
        plan.layout = "multi-container"
        names = ", ".join(c.name for c in sorted(plan.containers, key=lambda c: c.index))
        self.conclude(f"{workload} is a multi-container Pod ({names}): its containers must be co-located",
                      workload=workload)

    @rule("single-container-pod", Controller(main=True, workload=MATCH.workload), NOT(InPod()),
          concern="placement", comment=None)
    def single_container_pod(self, workload):
        self.plan_of(workload).layout = "single-container"
        self.conclude(f"{workload} is a single-container Pod: no other container needs to share its node, "
                      f"network or volumes", workload=workload)
