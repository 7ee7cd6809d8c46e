"""What blind round 24 (bench/blind/round24) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import json
import os

import pytest
from helpers.review import REVIEWER

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# leoviana00/lab-kustomize-app-demo's kustomize-overlays/base/simple-with-json-patches: the Deployment's selector holds
# labels its template lacks ("# will delete"), and the kustomization beside it removes and replaces them.
BASE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: simple-deployment
  labels: {app: simple-deployment}
spec:
  selector:
    matchLabels: {app: simple-deployment, to_del: to_be_removed, tier: web}
  template:
    metadata:
      labels: {app: simple-deployment, tier: web}
    spec:
      containers:
        - name: simple-app
          image: gcr.io/google-samples/hello-app:1.0
          ports: [{containerPort: 8080}]
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
"""
JSON_PATCHES = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [deployment.yaml]
patches:
  - target: {kind: %s, labelSelector: app=simple-deployment}
    patch: |-
      - op: remove
        path: /spec/selector/matchLabels/to_del
"""
# simple-with-strategic-merge: the patch is a file naming its target inside it
STRATEGIC = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [deployment.yaml]
patches: [patch-selector.yaml]
"""
PLAIN = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [deployment.yaml]
"""


def refused(kustomization: str, base: str = BASE) -> bool:
    files = [("base/deployment.yaml", base), ("base/kustomization.yaml", kustomization)]
    report = REVIEWER.review(parse_inputs(files), ReviewOptions())
    return "refused-by-api-server" in [f.id for o in report.objects for f in o.findings]


@pytest.mark.parametrize("kustomization", [JSON_PATCHES % "Deployment", STRATEGIC],
                         ids=["json-patch-targeting-deployments", "strategic-merge-patch-file"])
def test_a_base_whose_selector_its_kustomization_patches_is_not_refused_for_that_selector(kustomization):
    assert not refused(kustomization)


def test_the_same_base_is_refused_when_its_kustomization_patches_nothing():
    assert refused(PLAIN)


def test_the_same_base_is_refused_when_its_kustomization_patches_only_another_kind():
    assert refused(JSON_PATCHES % "Service")


def test_a_patched_base_is_still_refused_for_what_no_selector_explains():
    unknown_field = BASE.replace("          ports:", "          ReadinessProbe: {tcpSocket: {port: 8080}}\n          ports:")
    assert refused(JSON_PATCHES % "Deployment", unknown_field.replace("to_del: to_be_removed, ", ""))


# jessesuen/kustomize-examples' json-6902-patch: the kustomization adds an argument to the Pod's container by a JSON
# patch aimed at kind Pod; written as a Deployment, the Pod the patch was for is gone and the argument silently with it.
POD = """apiVersion: v1
kind: Pod
metadata:
  name: guestbook
  labels: {app: guestbook}
spec:
  containers:
    - name: guestbook
      image: ghcr.io/example/guestbook:1.0.0
      command: [server, --redis, "redis:6379"]
      ports: [{containerPort: 3000}]
"""
POD_PATCH = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [pod.yaml]
patchesJson6902:
  - path: add-cli-arg.yaml
    target: {kind: %s, name: guestbook, version: v1}
"""


def rewrite(cli, write, kustomization: str):
    write("kustomization.yaml", kustomization)
    path = write("pod.yaml", POD)
    run = cli("review", os.path.dirname(path), "--suggest", "--format", "json", "--fail-on", "never")
    [pod] = [o for o in json.loads(run.stdout)["objects"] if o["kind"] == "Pod"]
    return pod["suggestion"], run.stderr


def test_a_pod_its_kustomization_patches_as_a_pod_gets_no_controller_and_a_note_says_why(cli, write):
    suggestion, said = rewrite(cli, write, POD_PATCH % "Pod")
    assert suggestion is None
    assert "no controller is written for Pod guestbook: the kustomization" in said
    assert "a patch written for a Pod does not reach a controller's Pod template" in said


def test_a_pod_whose_kustomization_patches_another_kind_still_gets_its_deployment(cli, write):
    suggestion, _ = rewrite(cli, write, POD_PATCH % "Service")
    assert "kind: Deployment" in suggestion
