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


# AMINE7119/microservices-deployment-pipeline: a base Deployment naming no namespace (its production overlay sets
# one), and budgets in another folder, in that namespace.
SERVED = BASE.replace("hello-ovh-deployment", "api-gateway").replace("hello-ovh", "api-gateway") + """---
apiVersion: v1
kind: Service
metadata: {name: api-gateway}
spec: {selector: {app: api-gateway}, ports: [{port: 80}]}
"""
BUDGET = """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api-gateway-pdb, namespace: microservices}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: api-gateway}}
"""


def budget_asked(root: Path, files: dict, version_control: bool = True) -> bool:
    root.mkdir(parents=True, exist_ok=True)
    root = write_repository(root, files, version_control)
    return any(f.id == "disruption-budget-missing" for f in review_of(root).findings)


def test_a_budget_elsewhere_in_the_checkout_for_the_namespace_an_overlay_sets_is_the_workloads(tmp_path):
    assert not budget_asked(tmp_path, {"kubernetes/base/api-gateway/deployment.yaml": SERVED,
                                       "optimization/scaling/pdb.yaml": BUDGET})


def test_a_budget_of_another_folder_selecting_other_labels_or_outside_a_checkout_does_not_count(tmp_path):
    other = BUDGET.replace("app: api-gateway}", "app: user-service}")
    assert budget_asked(tmp_path / "a", {"base/deployment.yaml": SERVED, "scaling/pdb.yaml": other})
    assert budget_asked(tmp_path / "b", {"base/deployment.yaml": SERVED, "scaling/pdb.yaml": BUDGET},
                        version_control=False)


def test_an_empty_selector_elsewhere_does_not_stand_for_every_workload(tmp_path):
    empty = BUDGET.replace("selector: {matchLabels: {app: api-gateway}}", "selector: {}")
    assert budget_asked(tmp_path, {"base/deployment.yaml": SERVED, "scaling/pdb.yaml": empty})


# The same repository's prometheus-federation: two replicas on one ReadWriteOnce claim.
CLAIM = """---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: tsdb}
spec: {accessModes: [%s], resources: {requests: {storage: 10Gi}}}
"""
ON_A_CLAIM = SERVED.replace("ports: [{containerPort: 80}]}]",
                            "ports: [{containerPort: 80}], volumeMounts: [{name: data, mountPath: /prometheus}]}]\n"
                            "      volumes: [{name: data, persistentVolumeClaim: {claimName: tsdb}}]")


def test_replicas_sharing_a_claim_only_one_node_mounts_are_not_asked_for_a_budget(tmp_path):
    assert not budget_asked(tmp_path, {"monitoring/prometheus.yaml": ON_A_CLAIM + CLAIM % "ReadWriteOnce"})


def test_replicas_sharing_a_claim_many_nodes_mount_or_one_not_among_the_files_are_asked(tmp_path):
    assert budget_asked(tmp_path / "a", {"monitoring/prometheus.yaml": ON_A_CLAIM + CLAIM % "ReadWriteMany"})
    assert budget_asked(tmp_path / "b", {"monitoring/prometheus.yaml": ON_A_CLAIM})


def test_replicas_whose_shared_claim_another_file_defines_are_still_asked(tmp_path):
    """Round 33's labellers found the budget right for two servers whose claim another file of the folder defines."""
    assert budget_asked(tmp_path, {"app/deployment.yaml": ON_A_CLAIM, "app/claim.yaml": CLAIM % "ReadWriteOnce"})
