"""The last part of answer validation, which needs the design: Kubernetes' limits on the names
and counts of the objects the advice makes. ``advise`` applies it, so that ``evaluate``,
``batch``, the wizard and ``manifest`` agree on which answer files are valid."""

from __future__ import annotations

from advisor.domain.naming import MAX_NAME, MAX_REPLICAS, RELAXED_SERVICE_NAMES_FROM, service_name_pattern
from advisor.domain.recommendation import Recommendation
from advisor.domain.vocabulary import minor_of
from advisor.system.errors import Problem


def infeasible(recommendation: Recommendation) -> list[Problem]:
    """What the answers ask that Kubernetes would not take once the design is known: names too long
    for the controller chosen, a name no Service may have, more replicas than it counts."""
    problems = []
    for plan in recommendation.workloads:
        mains = [c for c in plan.containers if c.role == "main"]
        if plan.name == recommendation.name:
            path = ("name",)
        else:
            path = ("containers", plan.main_index, "name")
        if len(mains) > 1:
            problems.append(Problem(
                f"{plan.name!r} names both the workload and a container that gets a workload of its own; "
                f"rename the container", path=("containers", mains[-1].index, "name")))
            continue
        if plan.replicas is not None and plan.replicas > MAX_REPLICAS:
            where = ("workload", "replicas") if plan.name == recommendation.name else \
                ("containers", plan.main_index, "replicas")
            problems.append(Problem(f"{plan.replicas} is more than Kubernetes takes: it counts replicas in 32 "
                                    f"bits, up to {MAX_REPLICAS}", path=where))
        limit = MAX_NAME.get(plan.controller, 63)
        if len(plan.name) > limit:
            problems.append(Problem(
                f"{plan.name!r} is too long for a {plan.controller}: Kubernetes adds to its name for the objects "
                f"it creates, so at most {limit} characters", path=path))
        if plan.service and not service_name_pattern(minor_of(recommendation.kubernetes)).match(plan.name):
            problems.append(Problem(
                f"{plan.name!r} cannot name its Service: a Service's name starts with a letter before Kubernetes "
                f"1.{RELAXED_SERVICE_NAMES_FROM}", path=path))
    return problems
