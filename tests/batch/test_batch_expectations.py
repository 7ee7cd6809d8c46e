"""The expect: block: validated like the rest of an answer file, published in
the JSON Schema, and compared with the recommendation, each mismatch with the
advisor's reason."""

import jsonschema
import pytest
import yaml

from advisor.answers.load import answers_from_data, answers_to_data, parse_answers
from advisor.engine import Advisor
from advisor.engine.advisor import registry
from advisor.system.errors import InputError
from advisor.answers.expectations import DECIDED_BY, NOT_A_DECISION, Expectations, compare
from advisor.answers.schema_export import answers_schema
from advisor.kb.knowledge import knowledge_base

FILE = """\
name: shop
kubernetes: "1.33"
workload:
  replicas: 2
  addressed_by_others: true
containers:
  - name: web
    image: nginx:1.27
    ports: [80]
    resources: {cpu: 250m, memory: 256Mi}
  - name: log-shipper
    image: fluent/fluent-bit:3.1
    purpose: ship-logs
    shares_volume: true
    resources: {cpu: 50m}
  - name: db
    image: postgres:16.4
    purpose: separate-service
    stable_identity: true
    resources: {cpu: 500m}
"""


def load(expect: str, text: str = FILE):
    return parse_answers(text + "expect:\n" + expect, "shop.yaml")


def problems(expect: str, text: str = FILE) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(expect, text)
    return [str(p) for p in caught.value.problems]


@pytest.fixture(scope="module")
def advisor():
    return Advisor()


def mismatches(advisor, expect: str, text: str = FILE) -> list[str]:
    answers = load(expect, text)
    return [str(m) for m in compare(answers.expect, advisor.evaluate(answers), knowledge_base().findings)]


# -- validation -------------------------------------------------------------------


def test_a_misspelt_controller_names_the_line_the_key_path_and_the_likely_value():
    assert problems("  controller: Deploy\n") == [
        "shop.yaml:22: expect.controller: 'Deploy' is not one of: Deployment, StatefulSet, DaemonSet, Job, "
        "CronJob, Pod (did you mean 'Deployment'?)"]


def test_an_unknown_key_in_expect_gets_a_suggestion():
    assert problems("  restartpolicy: Always\n") == [
        "shop.yaml:22: expect.restartpolicy: unknown key (did you mean 'restartPolicy'?)"]


def test_a_container_the_file_does_not_have_is_refused_with_the_nearest_name():
    assert problems("  containers:\n    log-shiper: sidecar\n") == [
        "shop.yaml:23: expect.containers.log-shiper: no container has this name (did you mean 'log-shipper'?)"]


def test_a_role_that_does_not_exist_is_refused():
    assert problems("  containers:\n    log-shipper: {role: sidekick}\n") == [
        "shop.yaml:23: expect.containers.log-shipper.role: 'sidekick' is not one of: main, sidecar, adapter, "
        "ambassador, init (did you mean 'sidecar'?)"]


def test_a_workload_must_be_named_after_the_file_or_a_helper_container():
    assert problems("  workloads:\n    postgres: {controller: StatefulSet}\n") == [
        "shop.yaml:23: expect.workloads.postgres: is not a workload name: a workload is named after the file's "
        "name or a non-main container (the names are shop, log-shipper, db)"]


def test_an_unknown_finding_id_gets_a_suggestion():
    assert problems("  findings: [single-replicas]\n") == [
        "shop.yaml:22: expect.findings[0]: 'single-replicas' is not a finding the advisor raises "
        "(did you mean 'single-replica'?)"]


def test_a_finding_cannot_be_expected_both_raised_and_not():
    assert problems("  findings: [bare-pod]\n  no_findings: [bare-pod]\n") == [
        "shop.yaml:23: expect.no_findings: 'bare-pod' is also in findings; it cannot be both raised and not"]


def test_replicas_must_be_a_positive_whole_number_or_none():
    assert problems("  replicas: 0\n") == [
        "shop.yaml:22: expect.replicas: must be a whole number of at least 1, or none, found 0"]


def test_expect_must_be_a_mapping():
    assert problems("  - controller\n") == ["shop.yaml:21: expect: must be a mapping of expected decisions"]


def test_none_and_null_both_mean_no_service():
    a, b = load("  service: none\n"), load("  service: null\n")
    assert a.expect == b.expect and a.expect.workloads[0].decisions == (("service", None),)


def test_the_main_workload_may_also_be_named_under_workloads():
    answers = load("  controller: Deployment\n  workloads:\n    shop: {layout: multi-container}\n")
    assert answers.expect.workloads[0].decisions == (("controller", "Deployment"), ("layout", "multi-container"))


def test_a_decision_or_container_stated_twice_for_the_main_workload_is_refused_where_it_is_written():
    found = problems("  controller: Deployment\n  containers:\n    web: main\n  workloads:\n"
                     "    shop:\n      controller: Deployment\n      containers: {web: main}\n")
    assert found == ["shop.yaml:27: expect.workloads.shop.controller: already stated at the top of expect "
                     "(the main workload)",
                     "shop.yaml:28: expect.workloads.shop.containers.web: already stated at the top of expect "
                     "(the main workload)"]


def test_a_container_named_like_a_decision_is_not_that_decision_stated_twice():
    text = FILE.replace("name: db", "name: service")
    answers = load("  service: ClusterIP\n  workloads:\n    shop:\n      containers: {service: sidecar}\n", text)
    assert answers.expect.workloads[0].decisions == (("service", "ClusterIP"),)
    assert [c.name for c in answers.expect.workloads[0].containers] == ["service"]


def test_an_answer_file_round_trips_its_expectations():
    answers = load("  controller: Deployment\n  service: none\n  containers:\n    log-shipper: sidecar\n"
                   "  workloads:\n    db: {controller: StatefulSet, replicas: none}\n  no_findings: [bare-pod]\n")
    again = answers_from_data(yaml.safe_load(yaml.safe_dump(answers_to_data(answers))))
    assert again.expect == answers.expect and isinstance(again.expect, Expectations)


def test_evaluate_ignores_expectations_the_advice_does_not_meet(cli, write):
    path = write("shop.yaml", FILE + "expect:\n  controller: CronJob\n  findings: [bare-pod]\n")
    assert cli("evaluate", path, "--format", "json").status == 0


# -- JSON Schema ------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    return answers_schema(knowledge_base().questions)


def test_the_schema_accepts_an_expect_block_the_loader_accepts(schema):
    expect = ("  controller: Deployment\n  replicas: 2\n  service: ClusterIP\n  containers:\n    web: main\n"
              "    log-shipper: {role: sidecar, placement: initContainers}\n"
              "  workloads:\n    db: {controller: StatefulSet, service: headless, replicas: none}\n"
              "  findings: [single-replica]\n  no_findings: [bare-pod]\n")
    load(expect)
    jsonschema.validate(yaml.safe_load(FILE + "expect:\n" + expect), schema)


@pytest.mark.parametrize("expect", ["  controller: Deploy\n", "  findings: [nope]\n", "  colour: red\n",
                                    "  containers:\n    web: {role: main, where: here}\n"])
def test_the_schema_refuses_what_the_loader_refuses(schema, expect):
    with pytest.raises(InputError):
        load(expect)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(FILE + "expect:\n" + expect), schema)


# -- comparison -------------------------------------------------------------------

MATCHING = """\
  controller: Deployment
  restartPolicy: Always
  replicas: 2
  layout: multi-container
  service: ClusterIP
  containers:
    web: main
    log-shipper: {role: sidecar, placement: initContainers}
  workloads:
    db: {controller: StatefulSet, service: headless, replicas: 1, containers: {db: main}}
  findings: [single-replica]
  no_findings: [bare-pod, mutable-image-tag]
"""


def test_a_recommendation_that_meets_every_expectation_has_no_mismatch(advisor):
    assert mismatches(advisor, MATCHING) == []


def test_a_controller_mismatch_says_expected_what_the_advisor_says_and_its_reason(advisor):
    assert mismatches(advisor, "  controller: StatefulSet\n") == [
        "expect.controller: expected StatefulSet, advisor says Deployment, because shop runs as a Deployment: "
        "a long-running service with interchangeable replicas [deployment-by-default]"]


def test_a_mismatch_in_another_workload_cites_that_workloads_reason(advisor):
    assert mismatches(advisor, "  workloads:\n    db: {service: ClusterIP}\n") == [
        "expect.workloads.db.service: expected ClusterIP, advisor says headless, because db gets a headless "
        "Service: a StatefulSet's Pods get their stable DNS names (db-0.db, db-1.db, ...) from a headless Service "
        "[headless-service-for-statefulset]"]


def test_a_role_mismatch_cites_the_role_rule(advisor):
    assert mismatches(advisor, "  containers:\n    log-shipper: adapter\n") == [
        "expect.containers.log-shipper.role: expected adapter, advisor says sidecar, because log-shipper is a "
        "sidecar: it extends the main container by forwarding what it writes [sidecar-for-log-shipping]"]


def test_a_placement_mismatch_cites_the_placement_rule(advisor):
    [text] = mismatches(advisor, "  containers:\n    log-shipper: {placement: containers}\n")
    assert text.startswith("expect.containers.log-shipper.placement: expected containers, advisor says "
                           "initContainers, because log-shipper is a native sidecar")
    assert text.endswith("[native-sidecar]")


def test_a_container_expected_in_the_pod_but_given_its_own_workload_cites_the_grouping_rule(advisor):
    [text] = mismatches(advisor, "  containers:\n    db: sidecar\n")
    assert text.startswith("expect.containers.db: expected sidecar in shop, advisor says it runs in the workload "
                           "db, because db gets a Pod of its own")
    assert text.endswith("[separate-workload]")


def test_a_workload_expected_for_a_co_located_container_cites_the_grouping_rule(advisor):
    [text] = mismatches(advisor, "  workloads:\n    log-shipper: {controller: Deployment}\n")
    assert text.startswith("expect.workloads.log-shipper: expected a workload log-shipper, advisor says "
                           "log-shipper runs in the Pod of shop, because log-shipper runs in the same Pod as web")
    assert text.endswith("[colocate-shared-volume]")


def test_a_replica_count_a_daemonset_does_not_have_cites_the_controller_rule(advisor):
    daemon = FILE.replace("  replicas: 2\n", "  one_per_node: true\n")
    assert mismatches(advisor, "  replicas: 3\n", daemon) == [
        "expect.replicas: expected 3, advisor says none, because shop runs as a DaemonSet: one copy must run on "
        "every node [daemonset-for-node-agent]"]


def test_a_missing_service_without_a_rule_says_so(advisor):
    quiet = FILE.replace("  addressed_by_others: true\n", "")
    assert mismatches(advisor, "  service: ClusterIP\n", quiet) == [
        "expect.service: expected ClusterIP, advisor says none, because no rule recommends one"]


def test_a_finding_that_is_not_raised_says_when_it_would_be(advisor):
    assert mismatches(advisor, "  findings: [bare-pod]\n") == [
        "expect.findings: expected bare-pod, advisor says it is not raised, because nothing matches its rule: "
        "the advice is a bare Pod, which no controller recreates [bare-pod]"]


def test_a_finding_that_must_not_be_raised_cites_its_message_once_per_container(advisor):
    latest = FILE.replace("nginx:1.27", "nginx").replace("postgres:16.4", "postgres:latest")
    found = mismatches(advisor, "  no_findings: [mutable-image-tag]\n", latest)
    assert [t.split(", because ")[0] for t in found] == [
        "expect.no_findings: expected no mutable-image-tag, advisor says mutable-image-tag (warning)"] * 2
    assert "web uses the image 'nginx'" in found[0] and "db uses the image 'postgres:latest'" in found[1]


def test_every_deciding_rule_is_mapped_to_the_decision_it_draws():
    decisions = {rid for rules in DECIDED_BY.values() for rid in rules} | set(NOT_A_DECISION)
    deciding = {rid for rid, rule in registry().items() if rule.concern != "findings"}
    assert deciding == decisions
