"""The engine's bookkeeping: what rules call to record conclusions.

Rules never build output directly from the answers; they call ``conclude`` (a
reason, tied to the firing rule's id and knowledge-base entries) and
``raise_finding``, and set fields of the plan they decided.
"""

from __future__ import annotations

from advisor.domain.model import Answers
from advisor.domain.recommendation import ContainerPlan, Finding, Reason, Recommendation, WorkloadPlan
from advisor.domain.vocabulary import SEVERITY_ORDER
from advisor.engine.experta_compat import CachedReteMatcher, DepthStrategy, Engine
from advisor.kb.knowledge import KnowledgeBase


def shown(value) -> str:
    """An answer as an answer file writes it (a health check as {http: /healthz, port: 8080})."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "to_data"):
        return shown(value.to_data())
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(map(shown, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {shown(item)}" for key, item in value.items() if item is not None) + "}"
    return str(value)


class AdvisorEngine(Engine):
    __matcher__ = CachedReteMatcher  # the Rete network is built once, then kept in the user's cache
    __strategy__ = DepthStrategy

    def get_deffacts(self):
        """experta finds them with ``inspect.getmembers`` at every reset; they never change."""
        if getattr(self, "_deffacts", None) is None:
            self._deffacts = super().get_deffacts()
        return self._deffacts

    def __init__(self, kb: KnowledgeBase):
        super().__init__()
        self.kb = kb
        self.firing: str | None = None
        self.begin(None)

    # -- per evaluation ------------------------------------------------------

    def begin(self, answers: Answers | None) -> None:
        self.answers = answers
        self.plans: dict[str, WorkloadPlan] = {}
        self.findings: list[Finding] = []
        self.reasons: list[Reason] = []

    def result(self) -> Recommendation:
        answers = self.answers
        order = {answers.main.index: -1}
        workloads = sorted(self.plans.values(), key=lambda w: order.get(w.main_index, w.main_index))
        for plan in workloads:
            plan.containers.sort(key=lambda c: c.index)
        # Firing order within a salience level is experta's business; the output's is ours.
        positions = {c.name: c.index for c in answers.containers}
        findings = sorted(self.findings, key=lambda f: (
            -SEVERITY_ORDER[f.severity], f.id, [positions.get(name, -1) for name in f.containers]))
        return Recommendation(answers.name, answers.kubernetes, workloads, findings, self.reasons, answers)

    # -- what rules call -----------------------------------------------------

    def answer(self, path: str, value) -> str:
        """A ``because`` line quoting one answer."""
        return f"{path} = {shown(value)}"

    def container(self, index: int):
        return self.answers.containers[index]

    def container_answer(self, index: int, key: str) -> str:
        container = self.container(index)
        return self.answer(f"{container.path}.{key}", getattr(container, key))

    def workload_answer(self, key: str) -> str:
        value = self.answers.schedule if key == "schedule" else getattr(self.answers, key)
        return self.answer(f"workload.{key}", value)

    def conclude(self, conclusion: str, *because: str, workload: str | None = None,
                 container: str | None = None) -> None:
        info = self.kb.rules.get(self.firing) or self.kb.findings[self.firing]
        self.reasons.append(Reason(self.firing, conclusion, tuple(because), info.see, workload, container))

    def raise_finding(self, message: str, containers=(), *because: str) -> None:
        info = self.kb.findings[self.firing]
        self.findings.append(Finding(info.id, info.severity, message, tuple(containers), self.firing,
                                     info.fix, info.see))
        self.conclude(f"raises {info.id}: {message}", *because)

    def plan(self, name: str, main_index: int) -> WorkloadPlan:
        if name not in self.plans:
            self.plans[name] = WorkloadPlan(name=name, main_index=main_index)
        return self.plans[name]

    def main_plan(self) -> WorkloadPlan:
        return self.plan(self.answers.name, self.answers.main.index)

    def plan_of(self, workload: str) -> WorkloadPlan:
        return self.plans[workload]

    def place(self, plan: WorkloadPlan, index: int, role: str, placement: str,
              restart_policy: str | None = None) -> ContainerPlan:
        container = self.container(index)
        for existing in plan.containers:
            if existing.index == index:
                existing.role, existing.placement, existing.restart_policy = role, placement, restart_policy
                return existing
        entry = ContainerPlan(
            index=index, name=container.name, role=role, placement=placement, image=container.image,
            ports=container.ports, cpu=container.cpu, memory=container.memory,
            purpose=None if container.main else container.purpose,
            shares_volume=container.shares_volume, uses_localhost=container.uses_localhost,
            same_node=container.same_node, restart_policy=restart_policy,
            command=container.command, args=container.args, env=container.env,
        )
        plan.containers.append(entry)
        return entry
