"""What blind round 46 (bench/blind/round46) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from helpers.review import REVIEWER

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# a CKA drill's Pod whose restartPolicy is left empty: YAML's null, which the API server reads as a field left out
EMPTY_RESTART_POLICY = """apiVersion: v1
kind: Pod
metadata:
  name: full-pod-a
  namespace: full-access
  labels: {run: full-pod-a}
spec:
  containers:
  - image: nginx:1.27
    name: full-pod-a
  restartPolicy:
"""


def findings_of(text: str, name: str = "pod.yaml") -> list:
    return REVIEWER.review(parse_inputs([(name, text)]), ReviewOptions(kubernetes="1.37")).findings


def test_a_field_written_null_is_not_refused_as_the_value_none():
    """Round 46: `restartPolicy:` with nothing after it was reported as "spec.restartPolicy: None; a Pod accepts only
    Always or OnFailure or Never"; the API server decodes a null as no value and defaults it to Always."""
    assert "refused-by-api-server" not in {f.id for f in findings_of(EMPTY_RESTART_POLICY)}


def test_a_field_written_null_is_judged_as_one_left_out():
    """A Job's template with an empty restartPolicy is refused as one with none: a Job needs OnFailure or Never."""
    job = """apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      containers: [{name: once, image: busybox:1.36, command: [sh, -c, "true"]}]
      restartPolicy:
"""
    ids = {f.id for f in findings_of(job)}
    assert "restart-always-on-completion" in ids


def test_a_value_the_api_server_refuses_is_still_refused_beside_a_null():
    refused = EMPTY_RESTART_POLICY.replace("labels: {run: full-pod-a}", "labels: {run: 'not ok!'}")
    [finding] = [f for f in findings_of(refused) if f.id == "refused-by-api-server"]
    assert "'not ok!' is not a valid label value" in finding.message and "None" not in finding.message
