"""Building answers in tests without writing files."""

from __future__ import annotations

from advisor.answers.load import answers_from_data
from advisor.engine import evaluate


def container(name: str, image: str | None = None, **keys) -> dict:
    data = {"name": name, "image": image or f"ghcr.io/example/{name}:1.0.0",
            "resources": {"cpu": "100m", "memory": "128Mi"}}
    data.update(keys)
    return data


def advise(*containers: dict, kubernetes: str = "1.33", **workload):
    data = {"name": "app", "kubernetes": kubernetes, "workload": workload,
            "containers": list(containers) or [container("web", "nginx:1.27", ports=[80])]}
    return evaluate(answers_from_data(data))


def main_only(**workload):
    return advise(container("web", "nginx:1.27", ports=[80]), **workload)


def with_helper(kubernetes: str = "1.33", workload: dict | None = None, **helper):
    helper.setdefault("name", "helper")
    name = helper.pop("name")
    return advise(container("web", "nginx:1.27", ports=[80]), container(name, **helper),
                  kubernetes=kubernetes, **(workload or {}))


def roles(recommendation, workload: int = 0) -> dict:
    return {c.name: (c.role, c.placement) for c in recommendation.workloads[workload].containers}


def fired(recommendation) -> set[str]:
    return {reason.rule for reason in recommendation.reasons}
