"""Our validator and the API server's own code agree, on random designs and on known-bad changes to them.

The generator and the mutations are bench/differential.py's (which runs thousands of
designs and reports); here hypothesis draws a bounded number of them and shrinks any
disagreement to a small design. Two apicheck processes (restricted and baseline) stay
open for the module and answer one object at a time.
"""

from __future__ import annotations

import sys
from collections import defaultdict

import pytest
from helpers.apicheck import apicheck, verdicts
from helpers.paths import EXAMPLES, FIXTURES
from helpers.tools import ROOT
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from advisor.answers.load import load_answers
from advisor.engine.advise import advise
from advisor.manifests import build_objects

sys.path.insert(0, str(ROOT / "bench"))
import differential  # noqa: E402  (bench/ is no package)
from apicheck_verdicts import Session  # noqa: E402  (on the path since helpers.apicheck)

# Mutations on which the two differ, for reasons of their own: why, and on Kubernetes 1.37
# (apicheck's) whether (ours, the API server) refuse it, by kind ("*" for any other).
EXPLAINED = {
    "null-field": ("the API server reads a null as the field left out; ours refuses what kubectl's merge "
                   "would read as a deletion", {"*": (True, False)}),
    "container-port-twice": ("the API server only warns of a duplicate port; kubectl's merge keys ports by "
                             "number and protocol", {"*": (True, False)}),
    "image-with-spaces": ("the API server refuses it in a Pod, and in a template only when the controller "
                          "creates the Pods", {"Pod": (True, True), "*": (True, False)}),
    "statefulset-name-60-characters": ("the StatefulSet controller labels each Pod NAME-HASH, which over 52 "
                                       "characters no label holds", {"*": (True, False)}),
    "statefulset-without-service-name": ("required by the schemas of 1.25 to 1.32, optional since",
                                         {"*": (False, False)}),
    "container-restart-policy-never": ("a container's restartPolicy is on by default from 1.35 only",
                                       {"*": (False, False)}),
}
MUTATIONS = [(name, mutate) for name, mutate in differential.MUTATIONS if name not in EXPLAINED]
# Designs of every kind, to mutate: Deployment, Pod, DaemonSet, CronJob, StatefulSet (with Services), Job.
BASES = [FIXTURES / "manifest" / f"{name}.yaml" for name in
         ("every-pattern", "experiment-server", "node-agent-with-adapter", "scheduled-with-helpers",
          "stateful-with-shipper")] + [EXAMPLES / "migration-job.yaml"]
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


class HypothesisPick:
    """The generator's choices, drawn by hypothesis so that a failure shrinks."""

    def __init__(self, data):
        self._data = data

    def choice(self, options):
        return self._data.draw(st.sampled_from(list(options)))

    def integer(self, low: int, high: int) -> int:
        return self._data.draw(st.integers(low, high))


@pytest.fixture(scope="module")
def sessions():
    binary = apicheck()
    opened = {level: Session(binary, level) for level in ("restricted", "baseline")}
    yield opened
    for session in opened.values():
        session.close()


def checked_design(data) -> list:
    outcome, checked = differential.build(differential.random_design(HypothesisPick(data)))
    assume(outcome == "checked")
    return checked


def verdicts_of(sessions, checked) -> list[tuple[list[str], object]]:
    """(ours, upstream's) for each object."""
    found = []
    for c in checked:
        [upstream] = sessions[c.level].check([c.obj])
        found.append((differential.our_verdict(c.obj, c.kubernetes, c.level), upstream))
    return found


def test_every_mutation_not_explained_is_one_the_bench_applies():
    assert set(EXPLAINED) <= {name for name, _ in differential.MUTATIONS}
    assert len(MUTATIONS) >= 40


@SETTINGS
@given(data=st.data())
def test_ours_and_the_api_server_agree_on_every_object_of_a_random_design(sessions, data):
    checked = checked_design(data)
    for c, (ours, upstream) in zip(checked, verdicts_of(sessions, checked)):
        assert bool(ours) == (not upstream.accepted), (c.obj, ours, str(upstream))


@SETTINGS
@given(data=st.data())
def test_ours_and_the_api_server_agree_on_a_known_bad_change_to_a_design(sessions, data):
    checked = checked_design(data)
    name, mutate = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    changed = [differential.Checked(obj, c.kubernetes, c.level) for c in checked
               if (obj := mutate(c.obj)) is not None]
    assume(changed)
    for c, (ours, upstream) in zip(changed, verdicts_of(sessions, changed)):
        assert bool(ours) == (not upstream.accepted), (name, c.obj, ours, str(upstream))


def base_objects(kubernetes: str) -> list[dict]:
    return [obj for path in BASES
            for obj in build_objects(advise(load_answers(str(path)).with_changes(kubernetes=kubernetes)))]


@pytest.fixture(scope="module")
def mutated():
    """mutation -> [(kind, ours refuses, the API server refuses)] for the base designs on 1.37, one apicheck run."""
    cases = [(name, obj) for name, mutate in differential.MUTATIONS for base in base_objects("1.37")
             if (obj := mutate(base)) is not None]
    found = defaultdict(list)
    for (name, obj), upstream in zip(cases, verdicts([obj for _, obj in cases])):
        ours = differential.our_verdict(obj, "1.37", "restricted")
        found[name].append((obj["kind"], bool(ours), not upstream.accepted))
    return found


def test_the_base_designs_are_accepted_by_both():
    objects = base_objects("1.37")
    assert {o["kind"] for o in objects} == {"Deployment", "Pod", "DaemonSet", "CronJob", "StatefulSet", "Job",
                                            "Service", "PodDisruptionBudget"}
    assert [differential.our_verdict(o, "1.37", "restricted") for o in objects] == [[]] * len(objects)
    assert all(v.accepted for v in verdicts(objects))


@pytest.mark.parametrize("name", [name for name, _ in MUTATIONS])
def test_a_known_bad_change_is_refused_by_both_validators(mutated, name):
    assert mutated[name], "the mutation applies to no object of the base designs"
    assert [(kind, ours, upstream) for kind, ours, upstream in mutated[name] if not (ours and upstream)] == []


@pytest.mark.parametrize("name", list(EXPLAINED))
def test_a_change_the_two_judge_apart_is_judged_as_explained(mutated, name):
    _, expected = EXPLAINED[name]
    assert mutated[name]
    assert all((ours, upstream) == expected.get(kind, expected["*"]) for kind, ours, upstream in mutated[name])


def test_ours_judges_by_the_target_version_where_the_api_server_changed():
    """On 1.32 a StatefulSet needs serviceName, and on 1.34 only init containers take a restartPolicy."""
    objects = base_objects("1.32")
    statefulset = next(o for o in objects if o["kind"] == "StatefulSet")
    without = dict(differential.MUTATIONS)["statefulset-without-service-name"](statefulset)
    assert differential.our_verdict(without, "1.32", "restricted") != []
    assert differential.our_verdict(without, "1.33", "restricted") == []
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    restarting = dict(differential.MUTATIONS)["container-restart-policy-never"](deployment)
    assert differential.our_verdict(restarting, "1.34", "restricted") != []
    assert differential.our_verdict(restarting, "1.35", "restricted") == []
