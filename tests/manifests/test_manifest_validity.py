"""Every manifest pod-advisor writes is one the target Kubernetes version accepts, and says what the advice says.

The answer files are globbed, so a new example or rule fixture is covered the day it lands.
"""

from __future__ import annotations

import pytest
from helpers.paths import EXAMPLES, FIXTURES

from advisor.answers.load import load_answers
from advisor.engine.advise import advise
from advisor.manifests import build_manifest, build_objects, validate_objects
from advisor.manifests.emit import read_stream
from advisor.domain import annotations as keys
from advisor.domain.vocabulary import CONTROLLER_KINDS, pod_template_path
from advisor.manifests.validate import pod_labels, pod_security_problems

ANSWER_FILES = sorted([*EXAMPLES.glob("*.yaml"), *(FIXTURES / "rules").glob("*.yaml"),
                       *(FIXTURES / "manifest").glob("*.yaml")])
VERSIONS = ("1.27", "1.29", "1.33", "1.37")
CASES = [pytest.param(path, version, id=f"{path.parent.name}/{path.stem}@{version}")
         for path in ANSWER_FILES for version in VERSIONS]


def recommendation_for(path, version):
    return advise(load_answers(str(path)).with_changes(kubernetes=version))


def pod_spec(obj):
    spec = obj
    for key in pod_template_path(obj["kind"]) + ("spec",):
        spec = spec[key]
    return spec


def workloads_of(objects) -> list[dict]:
    return [o for o in objects if o["kind"] in CONTROLLER_KINDS]


def privileged(obj) -> bool:
    """Whether a workload says it needs the privileged Pod Security level (a node agent's host paths)."""
    return obj["metadata"].get("annotations", {}).get(keys.POD_SECURITY) == "privileged"


def test_the_answer_files_are_found():
    names = {p.name for p in ANSWER_FILES}
    assert "web-with-log-shipper.yaml" in names and "every-pattern.yaml" in names


@pytest.mark.parametrize("path, version", CASES)
def test_manifest_validates_against_the_strict_schema_of_its_version(path, version):
    objects = build_objects(recommendation_for(path, version))
    assert validate_objects(objects, version) == []


@pytest.mark.parametrize("path, version", CASES)
def test_manifest_text_reads_back_as_the_objects_built(path, version):
    recommendation = recommendation_for(path, version)
    assert read_stream(build_manifest(recommendation)) == build_objects(recommendation)


@pytest.mark.parametrize("path, version", CASES)
def test_manifest_follows_the_recommendation(path, version):
    recommendation = recommendation_for(path, version)
    objects = read_stream(build_manifest(recommendation))
    workloads = {o["metadata"]["name"]: o for o in workloads_of(objects)}
    assert list(workloads) == [w.name for w in recommendation.workloads]
    for plan in recommendation.workloads:
        obj = workloads[plan.name]
        assert obj["kind"] == plan.controller
        spec = pod_spec(obj)
        assert spec["restartPolicy"] == plan.restart_policy
        placed = {c["name"]: ("containers", c.get("restartPolicy")) for c in spec["containers"]}
        placed.update({c["name"]: ("initContainers", c.get("restartPolicy")) for c in spec.get("initContainers", [])})
        assert placed == {c.name: (c.placement, c.restart_policy) for c in plan.containers}
        assert spec["containers"][0]["name"] == plan.main.name


@pytest.mark.parametrize("path, version", CASES)
def test_each_service_selects_exactly_the_pods_of_its_workload(path, version):
    """Each Service selects its own workload's Pods, and only a workload the advice gives a Service has one
    (so that a design without a Service checks something too)."""
    recommendation = recommendation_for(path, version)
    objects = read_stream(build_manifest(recommendation))
    workloads = workloads_of(objects)
    selected = {service["metadata"]["name"]: [w["metadata"]["name"] for w in workloads
                                              if all(pod_labels(w).get(k) == v
                                                     for k, v in service["spec"]["selector"].items())]
                for service in objects if service["kind"] == "Service"}
    assert selected == {name: [name] for name in selected}
    assert set(selected) <= {plan.name for plan in recommendation.workloads if plan.service}


@pytest.mark.parametrize("path, version", CASES)
def test_every_container_meets_the_restricted_profile(path, version):
    objects = read_stream(build_manifest(recommendation_for(path, version)))
    for obj in workloads_of(objects):
        assert pod_security_problems(obj, host_paths=privileged(obj)) == []
        for container in pod_spec(obj)["containers"] + pod_spec(obj).get("initContainers", []):
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["runAsNonRoot"] is True
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}


@pytest.mark.parametrize("path", [pytest.param(p, id=f"{p.parent.name}/{p.stem}") for p in ANSWER_FILES])
def test_manifest_that_allows_root_validates_and_meets_baseline(path):
    recommendation = advise(load_answers(str(path)))
    objects = read_stream(build_manifest(recommendation, allow_root=True))
    assert validate_objects(objects, recommendation.kubernetes) == []
    names = [c.name for w in recommendation.workloads for c in w.containers]
    assert all(pod_security_problems(o, baseline_for=names, host_paths=privileged(o)) == []
               for o in workloads_of(objects))
