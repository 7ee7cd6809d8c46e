"""Every rule is a unit: it fires on its own fixture and not on its near miss, it sets the plan
field it decides, its reasons cite the knowledge base, and the code and the knowledge base agree on
the rule set.

``tests/fixtures/rules/<id>.yaml`` is an answer file on which the rule fires; its near miss,
``tests/fixtures/rules/not/<id>.yaml``, differs from it in the one answer that matters, and the rule
does not fire there. Each file's ``expect:`` block states the decision the rule draws (the fixture)
or the one drawn instead (the near miss); BEYOND_EXPECT below names the fields an ``expect:`` block
cannot state."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import pytest
import yaml

from advisor.answers.expectations import DECIDED_BY, compare
from advisor.answers.load import load_answers
from advisor.domain.model import EnvVar, Health
from advisor.engine import Advisor, evaluate
from advisor.engine.advisor import check_registry, registry
from advisor.kb.knowledge import knowledge_base
from advisor.system.errors import KnowledgeBaseError
from helpers.paths import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "rules"
NEAR_MISSES = FIXTURES / "not"
RULE_IDS = sorted(registry())

# The decision each rule draws: the key of its fixture's `expect:` block that states it (the fixture
# says to what). The near miss draws another: its plan does not meet the fixture's expectation there.
# `containers.NAME` alone is the grouping decision: NAME runs in the main Pod (or, for the near miss,
# in a workload of its own).
DECIDES = {
    # grouping: which Pod a container runs in
    "colocate-shared-volume": "containers.shipper",
    "colocate-localhost": "containers.proxy",
    "colocate-same-node": "containers.gpu-helper",
    "prepare-in-pod": "containers.setup",
    "separate-workload": "workloads.api",
    # roles (ContainerPlan.role)
    "main-container": "containers.web",
    "sidecar-for-log-shipping": "containers.shipper.role",
    "sidecar-for-content-sync": "containers.git-sync.role",
    "sidecar-for-inbound-proxy": "containers.tls.role",
    "sidecar-for-other-helper": "containers.helper.role",
    "adapter-for-output": "containers.exporter.role",
    "ambassador-for-outbound": "containers.db-proxy.role",
    "init-for-prepare": "containers.setup",  # a step that prepares nothing joins no Pod: the role goes with it
    "separate-service-as-sidecar": "containers.cache",  # the same: without its volume the service leaves the Pod
    # placement (ContainerPlan.placement) and layout (WorkloadPlan.layout)
    "native-sidecar": "containers.shipper.placement",
    "classic-sidecar": "containers.shipper.placement",
    "init-container": "containers.setup",
    "multi-container-pod": "layout",
    "single-container-pod": "layout",
    # controller, restartPolicy, replicas (WorkloadPlan)
    "bare-pod-for-experiment": "controller",
    "cronjob-for-schedule": "controller",
    "job-for-completion": "controller",
    "daemonset-for-node-agent": "controller",
    "statefulset-for-identity": "controller",
    "deployment-by-default": "controller",
    "separate-statefulset": "workloads.db.controller",
    "separate-deployment": "workloads.api.controller",
    "restart-always-for-long-running": "restartPolicy",
    "restart-on-failure-for-batch": "restartPolicy",
    "restart-never-to-keep-attempts": "restartPolicy",
    "restart-never-for-one-off-pod": "restartPolicy",
    "replicas-from-answers": "replicas",
    # service (WorkloadPlan.service)
    "headless-service-for-statefulset": "service",
    "clusterip-when-addressed": "service",
    "clusterip-for-called-workload": "workloads.api.service",
    # Sets no field: a Job's service is none without it too. What it adds is its reason (and the comment
    # a manifest carries); the pair shows that the Job, not the answer "addressed", decides no Service.
    "no-service-for-batch": "service",
    # findings (Recommendation.findings): the fixture's `findings:` lists the rule's id, the near miss's
    # `no_findings:` too
    **{finding: "findings" for finding in (
        "bare-pod", "sidecar-blocks-completion", "colocation-vs-scaling", "unrelated-containers",
        "helper-not-colocated", "per-node-completion-conflict", "single-replica", "mutable-image-tag",
        "resources-unset", "service-without-ports", "sidecar-startup-probe-missing")},
}


class Sets(NamedTuple):
    """A plan field an `expect:` block cannot state: its value on the fixture and on the near miss."""

    plan: str  # "workload" (a WorkloadPlan by name) or "container" (a ContainerPlan by name)
    name: str
    field: str
    on_fixture: Any
    on_near_miss: Any


BEYOND_EXPECT = {
    "native-sidecar": Sets("container", "shipper", "restart_policy", "Always", None),
    "classic-sidecar": Sets("container", "shipper", "restart_policy", None, "Always"),
    "cronjob-for-schedule": Sets("workload", "fixture", "schedule", "@daily", None),
    "headless-service-for-statefulset": Sets("workload", "fixture", "service_ports", (5432,), ()),
    "clusterip-when-addressed": Sets("workload", "fixture", "service_ports", (80,), ()),
    "service-through-inbound-proxy": Sets("workload", "fixture", "service_ports", (443,), (80,)),
    # the operations rules (issue 21): what they decide is written into the manifest, and no `expect:`
    # key states it (expectations.NOT_A_DECISION); their `expect:` blocks state the plan around it
    "prepare-before-sidecars": Sets("container", "build", "starts_first", True, False),
    "prepare-after-sidecar-it-uses": Sets("container", "fetch", "starts_first", False, True),
    "disruption-budget": Sets("workload", "fixture", "disruption_budget", True, False),
    "spread-across-zones": Sets("workload", "fixture", "spread_zones", True, False),
    "rollout-keeps-capacity": Sets("workload", "fixture", "keep_capacity", True, False),
    "readiness-from-health": Sets("container", "web", "readiness", Health("http", port=8080, path="/healthz"), None),
    "startup-probe-for-sidecar": Sets("container", "db-proxy", "startup", Health("tcp", port=5432), None),
    "liveness-when-asked": Sets("container", "web", "liveness", Health("http", port=8080, path="/healthz"), None),
    "prestop-sleep": Sets("container", "web", "prestop", "sleep", None),
    "grace-period": Sets("workload", "fixture", "grace_seconds", 25, 20),
    "grace-period-from-answers": Sets("workload", "fixture", "grace_seconds", 60, None),
    "deadline-for-batch": Sets("workload", "fixture", "deadline", 3600, None),
    "ttl-for-finished-job": Sets("workload", "fixture", "ttl", 86400, None),
    "cronjob-history-not-ttl": Sets("workload", "fixture", "ttl", None, 86400),
    "host-paths-for-node-agent": Sets("workload", "fixture", "host_paths", (("/var/log", True),), ()),
    "tolerate-every-taint": Sets("workload", "fixture", "tolerate_all", True, False),
    "priority-for-node-agent": Sets("workload", "fixture", "priority_class", "system-node-critical", None),
    "service-account-for-api": Sets("workload", "fixture", "service_account", True, False),
    "no-token-without-api": Sets("workload", "fixture", "service_account", False, True),
    "network-policy": Sets("workload", "fixture", "network_policy", (8080,), None),
    "namespace-from-answers": Sets("workload", "fixture", "namespace", "shop", None),
    "password-from-secret": Sets("container", "db", "env",
                                 (EnvVar("MYSQL_ROOT_PASSWORD", source="secret", object="fixture-db-credentials",
                                         key="password"),),
                                 (EnvVar("MYSQL_ROOT_PASSWORD", source="secret", object="shop-db",
                                         key="root-password"),)),
    "data-in-subfolder": Sets("container", "db", "env",
                              (EnvVar("POSTGRES_PASSWORD", source="secret", object="shop-db", key="password"),
                               EnvVar("PGDATA", value="/var/lib/postgresql/data/pgdata")),
                              (EnvVar("POSTGRES_PASSWORD", source="secret", object="shop-db", key="password"),)),
}

# Every Pod has a main container, so main-container fires on its near miss too, about another one;
# and moving `main: true` away from web takes the helper's relation to the main container with it.
ABOUT = {"main-container": "web"}
ANSWERS_APART = {"main-container": 2}


@pytest.fixture(scope="module")
def advisor():
    return Advisor()


def fixture_path(rule_id: str, near_miss: bool = False):
    return (NEAR_MISSES if near_miss else FIXTURES) / f"{rule_id}.yaml"


@functools.cache
def _evaluated(path: str):
    answers = load_answers(path)
    return answers, evaluate(answers)


def evaluated(rule_id: str, near_miss: bool = False):
    """(answers, recommendation) of a rule's fixture or near miss, evaluated once a session."""
    return _evaluated(str(fixture_path(rule_id, near_miss)))


def concluded(recommendation, rule_id: str) -> bool:
    about = ABOUT.get(rule_id)
    return any(r.rule == rule_id and (about is None or r.container == about) for r in recommendation.reasons)


def plan_field(recommendation, sets: Sets):
    if sets.plan == "workload":
        return getattr(recommendation.workload(sets.name), sets.field)
    entry = next(c for w in recommendation.workloads for c in w.containers if c.name == sets.name)
    return getattr(entry, sets.field)


def differences(a, b, path: tuple = ()) -> list[tuple]:
    """The key paths where two answer files' data differ (an added or removed key or item counts once)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for key in sorted(a.keys() | b.keys(), key=str)
                for d in ([path + (key,)] if key not in a or key not in b else differences(a[key], b[key],
                                                                                          path + (key,)))]
    if isinstance(a, list) and isinstance(b, list):
        return [d for i in range(max(len(a), len(b)))
                for d in ([path + (i,)] if i >= len(a) or i >= len(b) else differences(a[i], b[i], path + (i,)))]
    return [] if a == b else [path]


def answer_data(path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    return data


# -- the catalogue ----------------------------------------------------------------------------


def test_every_rule_has_a_fixture_and_every_fixture_a_rule():
    assert sorted(p.stem for p in FIXTURES.glob("*.yaml")) == RULE_IDS


def test_every_rule_has_a_near_miss_and_every_near_miss_a_rule():
    assert sorted(p.stem for p in NEAR_MISSES.glob("*.yaml")) == RULE_IDS


def test_every_rule_names_the_plan_field_it_sets():
    assert sorted(set(DECIDES) | set(BEYOND_EXPECT)) == RULE_IDS


# -- each rule and its near miss --------------------------------------------------------------


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_on_its_fixture(rule_id):
    _, recommendation = evaluated(rule_id)
    assert concluded(recommendation, rule_id)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_does_not_fire_on_its_near_miss(rule_id):
    _, recommendation = evaluated(rule_id, near_miss=True)
    assert not concluded(recommendation, rule_id)


@pytest.mark.parametrize("near_miss", [False, True], ids=["fixture", "near-miss"])
@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_the_plan_meets_the_expect_block_of_the_rules_fixture_and_near_miss(rule_id, near_miss):
    answers, recommendation = evaluated(rule_id, near_miss)
    assert answers.expect is not None and not answers.expect.empty
    assert [str(m) for m in compare(answers.expect, recommendation, knowledge_base().findings)] == []


@pytest.mark.parametrize("rule_id", sorted(DECIDES))
def test_the_rule_draws_the_decision_its_fixture_expects_and_its_near_miss_does_not(rule_id):
    """The fixture's expectation fails on the near miss exactly where the rule decides, and the near
    miss's own expectation fails on the fixture: the two plans differ in the field the rule sets."""
    key = f"expect.{DECIDES[rule_id]}"
    fixture, fixture_plan = evaluated(rule_id)
    near_miss, near_miss_plan = evaluated(rule_id, near_miss=True)
    missed = compare(fixture.expect, near_miss_plan)
    assert [m for m in missed if (m.key == key or m.key.startswith(key + "."))
            and (key != "expect.findings" or m.expected == rule_id)] != []
    assert compare(near_miss.expect, fixture_plan) != []


@pytest.mark.parametrize("rule_id", sorted(BEYOND_EXPECT))
def test_the_rule_sets_the_plan_field_an_expect_block_cannot_state(rule_id):
    sets = BEYOND_EXPECT[rule_id]
    _, fixture_plan = evaluated(rule_id)
    _, near_miss_plan = evaluated(rule_id, near_miss=True)
    assert (plan_field(fixture_plan, sets), plan_field(near_miss_plan, sets)) == (sets.on_fixture,
                                                                                  sets.on_near_miss)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_a_near_miss_differs_from_its_fixture_in_the_one_answer_that_matters(rule_id):
    apart = differences(answer_data(fixture_path(rule_id)), answer_data(fixture_path(rule_id, near_miss=True)))
    assert len(apart) == ANSWERS_APART.get(rule_id, 1), apart


# -- reasons ----------------------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_reasons_cite_its_knowledge_base_entries(rule_id):
    kb = knowledge_base()
    info = kb.rules.get(rule_id) or kb.findings[rule_id]
    _, recommendation = evaluated(rule_id)
    reason = next(r for r in recommendation.reasons if r.rule == rule_id)
    assert reason.see and reason.see == info.see and all(ref in kb.entries for ref in reason.see)


@pytest.mark.parametrize("finding_id", sorted(d for d, key in DECIDES.items() if key == "findings"))
def test_every_finding_is_raised_by_the_rule_of_the_same_id(finding_id):
    _, recommendation = evaluated(finding_id)
    assert {f.rule for f in recommendation.findings if f.id == finding_id} == {finding_id}


WORKLOAD_DECISIONS = (("controller", "controller"), ("restartPolicy", "restart_policy"), ("replicas", "replicas"),
                      ("layout", "layout"), ("service", "service"))


@pytest.mark.parametrize("path", sorted([*FIXTURES.glob("*.yaml"), *NEAR_MISSES.glob("*.yaml")]),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_decision_in_the_plan_has_a_reason_from_a_rule_that_draws_it(path):
    _, recommendation = _evaluated(str(path))
    reasons = recommendation.reasons
    unexplained = []
    for plan in recommendation.workloads:
        for key, field in WORKLOAD_DECISIONS:
            if getattr(plan, field) is not None and not any(
                    r.rule in DECIDED_BY[key] and r.workload == plan.name for r in reasons):
                unexplained.append(f"{plan.name}.{key}")
        # A separated container is the main one of its own Pod because it was separated.
        separated = DECIDED_BY["grouping"] if plan is not recommendation.main else ()
        for entry in plan.containers:
            for key in ("role", "placement"):
                if not any(r.rule in DECIDED_BY[key] + separated and r.container == entry.name for r in reasons):
                    unexplained.append(f"{plan.name}.{entry.name}.{key}")
    assert unexplained == []


def test_reasons_about_a_container_name_it():
    _, recommendation = evaluated("native-sidecar")
    about = {(r.rule, r.container) for r in recommendation.reasons}
    assert {("colocate-shared-volume", "shipper"), ("sidecar-for-log-shipping", "shipper"),
            ("native-sidecar", "shipper"), ("main-container", "web")} <= about


# -- the engine and the knowledge base --------------------------------------------------------


def test_an_engine_rule_without_a_knowledge_base_entry_stops_the_engine():
    kb = knowledge_base()
    crippled = type(kb)(kb.entries, kb.quiz, {k: v for k, v in kb.rules.items() if k != "native-sidecar"},
                        kb.findings, kb.questions, kb.aliases)
    with pytest.raises(KnowledgeBaseError, match="native-sidecar"):
        check_registry(crippled)


def test_a_knowledge_base_rule_without_code_stops_the_engine():
    kb = knowledge_base()
    extra = dict(kb.rules)
    extra["invented-rule"] = kb.rules["native-sidecar"].__class__("invented-rule", "roles", "t", "w", ())
    crippled = type(kb)(kb.entries, kb.quiz, extra, kb.findings, kb.questions, kb.aliases)
    with pytest.raises(KnowledgeBaseError, match="invented-rule"):
        check_registry(crippled)


def test_reusing_the_engine_gives_the_same_result_as_a_fresh_one(advisor):
    answers = load_answers(str(fixture_path("separate-statefulset")))
    advisor.evaluate(load_answers(str(fixture_path("sidecar-blocks-completion"))))
    assert advisor.evaluate(answers).to_dict() == Advisor().evaluate(answers).to_dict()
