"""The Advisor: one engine per process, reset for each evaluation.

experta builds its Rete network when the engine is created, which is the
expensive part; ``reset`` + ``declare`` + ``run`` is cheap. Engines are neither
thread-safe nor picklable, so each process (or batch worker) builds its own.
"""

from __future__ import annotations

from advisor.domain.model import Answers, image_reference
from advisor.domain.recommendation import Recommendation
from advisor.engine.base import AdvisorEngine
from advisor.engine.controller import ControllerRules
from advisor.engine.facts import Container, Relation, Workload
from advisor.engine.findings import FindingRules
from advisor.engine.grouping import GroupingRules
from advisor.engine.operations import OperationsRules
from advisor.engine.placement import PlacementRules
from advisor.engine.registry import rules_of
from advisor.engine.roles import RoleRules
from advisor.engine.service import ServiceRules
from advisor.kb.knowledge import KnowledgeBase, knowledge_base
from advisor.system.errors import KnowledgeBaseError


class PodAdvisorEngine(GroupingRules, RoleRules, PlacementRules, ControllerRules, ServiceRules, OperationsRules,
                       FindingRules, AdvisorEngine):
    """Every rule of pod-advisor, grouped by concern in the mixins above."""


def registry() -> dict:
    """{rule id: experta Rule} of the engine: the single source for `pod-advisor rules`."""
    return rules_of(PodAdvisorEngine)


def check_registry(kb: KnowledgeBase) -> None:
    """Every rule in the code has its knowledge-base entry, and every entry its rule."""
    code = registry()
    documented = set(kb.rules) | {f for f, info in kb.findings.items() if "advise" in info.sources}
    problems = [f"rule {rid!r} ({code[rid].concern}) has no entry in knowledge/rules" for rid in code
                if rid not in kb.rules and rid not in kb.findings]
    problems += [f"knowledge/rules entry {rid!r} has no rule in the engine" for rid in sorted(documented)
                 if rid not in code]
    for rid, compiled in code.items():
        info = kb.rules.get(rid)
        if info and info.concern != compiled.concern:
            problems.append(f"rule {rid!r}: the code says concern {compiled.concern}, the entry {info.concern}")
    if problems:
        raise KnowledgeBaseError(problems)


class Advisor:
    """Evaluate answers into a Recommendation; build once, call ``evaluate`` many times."""

    def __init__(self, kb: KnowledgeBase | None = None):
        self.kb = kb or knowledge_base()
        check_registry(self.kb)
        self.engine = PodAdvisorEngine(self.kb)

    def evaluate(self, answers: Answers) -> Recommendation:
        engine = self.engine
        engine.begin(answers)
        engine.start(*given_facts(answers))  # reset, then declare them (in this order: the ids are the same)
        engine.run()
        try:
            return engine.result()
        finally:
            engine.begin(None)


def given_facts(answers: Answers) -> list:
    """The facts the answers give the rules: the Workload, then each container's Container and,
    for a helper, its Relation to the main one."""
    facts = [Workload(
        name=answers.name, environment=answers.environment,
        completes=answers.runs_to_completion or answers.schedule is not None,
        scheduled=answers.schedule is not None, keep_failed=answers.keep_failed_attempts,
        one_per_node=answers.one_per_node, stable_identity=answers.stable_identity,
        replicas=answers.replicas, addressed=answers.addressed_by_others, minor=answers.minor,
        shutdown=answers.shutdown_seconds, deadline=answers.deadline,
        host_paths=bool(answers.node_read or answers.node_write), tolerate_all=answers.tolerate_all_taints,
        api=answers.uses_kubernetes_api, network_policy=answers.network_policy, namespace=answers.namespace,
    )]
    for container in answers.containers:
        _, tag, digest = image_reference(container.image)
        facts.append(Container(
            index=container.index, name=container.name, main=container.main,
            has_resources=container.has_resources, tag=tag, digest=digest, ports=len(container.ports),
            health=container.health is not None,
        ))
        if not container.main:
            facts.append(Relation(
                index=container.index, name=container.name, purpose=container.purpose,
                shares_volume=container.shares_volume, uses_localhost=container.uses_localhost,
                same_node=container.same_node, scales=container.scales_independently,
                talks=container.talked_to,
            ))
    return facts


_default: Advisor | None = None


def evaluate(answers: Answers) -> Recommendation:
    """Evaluate with this process's shared Advisor (built on first use)."""
    global _default
    if _default is None:
        _default = Advisor()
    return _default.evaluate(answers)
