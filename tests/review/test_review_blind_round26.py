"""What blind round 26 (bench/blind/round26) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest
from helpers.review import REVIEWER, bare_pods_written, server_pod

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

NGINX = ("nginx:1.27.4", 80)  # the fixtures' image and port
# ali-lasemi/k8s-platform-foundation's policy-tests/kyverno-test.yaml: the Pods it feeds its policies.
KYVERNO_TEST = """apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: kubernetes-security-baseline
policies:
  - ../security/policies/kyverno/disallow-privileged.yaml
resources:
  - fixtures/compliant/pod.yaml
  - fixtures/noncompliant/privileged-pod.yaml
results:
  - policy: disallow-privileged
    rule: privileged-containers
    resources: [privileged-pod]
    kind: Pod
    result: fail
"""
OLD_KYVERNO_TEST = """name: baseline
policies: [../policies/disallow-privileged.yaml]
resources: [fixtures/compliant/pod.yaml, fixtures/noncompliant/privileged-pod.yaml]
results: []
"""
GATOR_SUITE = """apiVersion: test.gatekeeper.sh/v1alpha1
kind: Suite
tests:
  - name: privileged
    template: template.yaml
    constraint: constraint.yaml
    cases:
      - name: allowed
        object: fixtures/compliant/pod.yaml
      - name: denied
        object: fixtures/noncompliant/privileged-pod.yaml
"""


FIXTURES = {"policy-tests/fixtures/compliant/pod.yaml": server_pod("compliant-pod", *NGINX),
            "policy-tests/fixtures/noncompliant/privileged-pod.yaml": server_pod("privileged-pod", *NGINX),
            "apps/web.yaml": server_pod("web", *NGINX)}


@pytest.mark.parametrize("test_file, text", [("policy-tests/kyverno-test.yaml", KYVERNO_TEST),
                                             ("policy-tests/kyverno-test.yaml", OLD_KYVERNO_TEST),
                                             ("policy-tests/suite.yaml", GATOR_SUITE)],
                         ids=["kyverno-test", "kyverno-test-without-apiversion", "gator-suite"])
def test_a_pod_a_policy_test_checks_is_an_example_not_a_bare_pod(tmp_path, test_file, text):
    assert bare_pods_written(tmp_path, {**FIXTURES, test_file: text}) == {"apps/web.yaml"}


def test_the_same_pods_without_the_policy_test_are_bare_pods(tmp_path):
    assert bare_pods_written(tmp_path, FIXTURES) == set(FIXTURES)


def test_a_file_that_merely_holds_a_resources_list_names_no_policy_inputs(tmp_path):
    other = "name: baseline\nresources: [fixtures/compliant/pod.yaml]\n"  # no policies: not Kyverno's test
    assert bare_pods_written(tmp_path, {**FIXTURES, "policy-tests/kyverno-test.yaml": other}) == set(FIXTURES)


# inwinstack/ckad-training: the note on rewriting a StatefulSet's serviceName told to delete it without its namespace,
# so kubectl would look in the current one.
STATEFULSET = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: elasticsearch-logging
  namespace: logging
spec:
  serviceName: elasticsearch-logging
  replicas: 2
  selector:
    matchLabels: {app: es}
  template:
    metadata:
      labels: {app: es}
    spec:
      containers:
        - name: es
          image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0
          ports: [{containerPort: 9200}, {containerPort: 9300}]
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: elasticsearch-logging
  namespace: logging
spec:
  selector: {app: es}
  ports: [{port: 9200}]
"""


def test_the_orphaning_delete_a_rewrite_asks_for_names_the_statefulsets_namespace():
    report = REVIEWER.review(parse_inputs([("es.yaml", STATEFULSET)]), ReviewOptions(suggest=True))
    [reviewed] = [o for o in report.objects if o.ref.kind == "StatefulSet"]
    assert any("kubectl delete statefulset elasticsearch-logging -n logging --cascade=orphan" in note
               for note in reviewed.suggestion_notes), reviewed.suggestion_notes


# planetarium/9c-k8s-config's onboarding-app.yaml: an env value that is a 160-bit address in hexadecimal, unquoted.
# PyYAML reads a huge integer; kubectl's YAML (Go's) reads text, which the API server takes.
ENV_VALUE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: onboarding
spec:
  selector:
    matchLabels: {app: onboarding}
  template:
    metadata:
      labels: {app: onboarding}
    spec:
      containers:
        - name: app
          image: ghcr.io/example/onboarding:1.0.0
          env:
            - name: NC_ADDRESS
              value: %s
"""


def refused(value: str) -> bool:
    report = REVIEWER.review(parse_inputs([("app.yaml", ENV_VALUE % value)]), ReviewOptions())
    return any(f.id == "refused-by-api-server" for f in report.findings)


@pytest.mark.parametrize("value", ["0x17f3e2e4b2b7d0e4d9dd4f3a6a1dd0c1a5e2f095", "12:30", "2024-01-31"],
                         ids=["hex-beyond-64-bits", "base-60", "date"])
def test_a_value_kubectl_reads_as_text_is_sent_as_text(value):
    assert not refused(value)


@pytest.mark.parametrize("value", ["0x10", "1_000", "0xffffffffffffffff", "99999999999999999999999"],
                         ids=["hex", "underscores", "hex-within-64-bits", "decimal-beyond-64-bits"])
def test_a_value_kubectl_reads_as_a_number_is_still_refused_in_a_string_field(value):
    assert refused(value)
