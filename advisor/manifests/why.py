"""Where the manifest says why: each rule's conclusion, as a comment at the field it decided.

Each rule declares the place of its comment where it is defined (``@rule(..., comment=)``,
advisor.engine.registry), or ``None`` when its conclusion needs no comment; the places are
those of advisor.domain.vocabulary.
"""

from __future__ import annotations

import functools

from advisor.domain.recommendation import Finding, Reason, Recommendation, WorkloadPlan
from advisor.domain.vocabulary import CONTAINER, IMAGE, OBJECT, PER_CONTAINER, RESOURCES
from advisor.engine import registry
from advisor.engine.advisor import PodAdvisorEngine


@functools.cache
def comment_places() -> dict[str, str | None]:
    """{rule or finding id: the place of its comment}, as each rule declares it (``@rule(comment=)``)."""
    return registry.comment_places(PodAdvisorEngine)


def cite(text: str, rule: str) -> str:
    return f"{text} [{rule}]"


class Why:
    """The comments of one recommendation, looked up by workload, place and container."""

    def __init__(self, recommendation: Recommendation):
        self.recommendation = recommendation
        self._notes: dict[tuple[str, str, str | None], list[str]] = {}
        for reason in recommendation.reasons:
            if reason.workload is not None and comment_places().get(reason.rule):
                self._add_reason(reason)
        for finding in recommendation.findings:
            self._add_finding(finding)

    def at(self, workload: str, place: str, container: str | None = None) -> list[str]:
        return list(self._notes.get((workload, place, container), ()))

    def _put(self, workload: str, place: str, container: str | None, text: str) -> None:
        self._notes.setdefault((workload, place, container), []).append(text)

    def _add_reason(self, reason: Reason) -> None:
        place = comment_places()[reason.rule]
        container = None
        if place in PER_CONTAINER:
            plan = self._plan(reason.workload)
            container = reason.container if any(c.name == reason.container for c in plan.containers) else None
            if container is None:
                place = OBJECT
        self._put(reason.workload, place, container, cite(_sentence(reason.conclusion), reason.rule))

    def _add_finding(self, finding: Finding) -> None:
        place = comment_places().get(finding.id)
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
