"""What blind round 32 (bench/blind/round32) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest

from advisor.review import ReviewOptions, Reviewer
from advisor.review.objects import parse_inputs

REVIEWER = Reviewer()

POD = """apiVersion: v1
kind: Pod
metadata:
  name: pod-demo
{namespace}  labels: {{app: nginx}}
spec:
  containers:
  - {{name: nginx, image: 'nginx:1.27', ports: [{{containerPort: 80}}]}}
"""

REPLICASET = """apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: nginx-rs
{namespace}spec:
  replicas: 3
  selector: {{matchLabels: {{app: nginx}}}}
  template:
    metadata: {{labels: {{app: nginx}}}}
    spec:
      containers:
      - {{name: nginx, image: 'nginx:1.27'}}
"""


def bare_pod_raised(pod_namespace: str | None, replicaset_namespace: str | None) -> bool:
    """Whether the Pod of sources/namespace-demo.yaml is told it is bare, beside a ReplicaSet of its folder."""
    def line(namespace):
        return f"  namespace: {namespace}\n" if namespace else ""
    inputs = parse_inputs([("sources/namespace-demo.yaml", POD.format(namespace=line(pod_namespace))),
                           ("sources/replicaset.yaml", REPLICASET.format(namespace=line(replicaset_namespace)))])
    report = REVIEWER.review(inputs, ReviewOptions())
    return any(f.id == "bare-pod" and f.file == "sources/namespace-demo.yaml" for f in report.findings)


def test_a_replicaset_that_names_no_namespace_does_not_adopt_a_pod_that_names_one():
    assert bare_pod_raised("dev", None)


@pytest.mark.parametrize("pod, replicaset", [(None, None), ("dev", "dev"), ("default", None), (None, "default")])
def test_a_replicaset_of_the_pods_namespace_adopts_it(pod, replicaset):
    assert not bare_pod_raised(pod, replicaset)


def test_a_replicaset_of_another_namespace_does_not_adopt_the_pod():
    assert bare_pod_raised("dev", "prod")
