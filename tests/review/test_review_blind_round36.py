"""What blind round 36 (bench/blind/round36) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from pathlib import Path

from helpers.review import REVIEWER, write_repository

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs


def review_of(root: Path):
    manifests = sorted(p for p in root.rglob("*.y*ml") if ".git" not in p.parts)
    return REVIEWER.review(parse_inputs([(str(p), p.read_text()) for p in manifests]), ReviewOptions())


# stacksimplify's EKS masterclass, copied by two courses: a lesson on YAML's syntax, plain data and then a Pod.
YAML_LESSON = """# Simple Key value Pairs
person: # Dictionary
  name: kalyan
  hobbies: [cooking, cycling]
--- # YAML Document Separator
apiVersion: v1
kind: Pod
metadata: {name: myapp-pod, labels: {app: myapp}}
spec:
  containers:
    - {name: myapp, image: 'stacksimplify/kubenginx:1.0.0', ports: [{containerPort: 80}]}
"""


def test_a_pod_in_a_file_that_also_holds_plain_data_is_an_illustration_and_not_reviewed(tmp_path):
    root = write_repository(tmp_path, {"06-YAML-Basics/sample-file.yml": YAML_LESSON})
    report = review_of(root)
    assert report.findings == [] and report.objects == []
    assert any("Pod myapp-pod: its file also holds a document of plain data (line 2" in str(n) for n in report.notes)


def test_the_same_pod_in_a_file_of_its_own_is_reviewed(tmp_path):
    root = write_repository(tmp_path, {"pod.yml": YAML_LESSON.split("--- # YAML Document Separator\n")[1]})
    assert "bare-pod" in {f.id for f in review_of(root).findings}


# scraly/ovhcloud-kubernetes-cookbook: an overlay whose kustomization.yaml was never committed.
BASE = """apiVersion: apps/v1
kind: Deployment
metadata: {name: hello-ovh-deployment, labels: {app: hello-ovh}}
spec:
  replicas: 3
  selector: {matchLabels: {app: hello-ovh}}
  template:
    metadata: {labels: {app: hello-ovh}}
    spec:
      containers: [{name: hello-ovh, image: 'ovhplatform/hello:1.0', ports: [{containerPort: 80}]}]
"""
OVERLAY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: hello-ovh-deployment}
spec:
  replicas: 6
  template:
    spec:
      containers: [{name: hello-ovh, image: 'hello-ovh:1.0.0'}]
"""


def test_a_selectorless_workload_in_an_overlay_of_a_base_that_defines_it_whole_is_a_patch(tmp_path):
    root = write_repository(tmp_path, {"app/base/deployment.yaml": BASE, "app/base/kustomization.yaml":
                                       "resources: [deployment.yaml]\n", "app/overlays/prod/deployment.yaml": OVERLAY})
    report = review_of(root)
    assert not any(f.file.endswith("overlays/prod/deployment.yaml") for f in report.findings)
    assert any("is a kustomize patch (its folder is an overlay of ../../base, whose deployment.yaml defines the "
               "whole Deployment hello-ovh-deployment)" in str(n) for n in report.notes)


def test_a_selectorless_workload_outside_an_overlay_is_still_refused(tmp_path):
    root = write_repository(tmp_path, {"app/base/deployment.yaml": BASE, "app/prod/deployment.yaml": OVERLAY})
    assert any(f.id == "refused-by-api-server" and f.file.endswith("prod/deployment.yaml")
               for f in review_of(root).findings)
