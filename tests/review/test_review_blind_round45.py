"""What blind round 45 (bench/blind/round45) found missed, with the behaviour its labeller expected."""

from __future__ import annotations

import pytest

from helpers.review import REVIEWER, write_repository

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from advisor.review.repository import _exposed_deployments

# a lesson's Deployment of three replicas, which its script serves with kubectl expose
LESSON = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: deployment
spec:
  replicas: 3
  selector:
    matchLabels: {app: app2}
  template:
    metadata:
      labels: {app: app2}
    spec:
      containers:
        - name: simple-app
          image: vietaws/eks:v2
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 128Mi}}
"""
SCRIPT = "kubectl scale --replicas=2 deployment/deployment\n kubectl expose deployment deployment --port=8080 --name=svc1\n"


def budget_findings(root):
    path = root / "lab" / "deployment.yaml"
    report = REVIEWER.review(parse_inputs([(str(path), path.read_text())]), ReviewOptions(kubernetes="1.37"))
    return [f for f in report.findings if f.id == "disruption-budget-missing"]


def test_replicas_the_repository_exposes_with_kubectl_are_asked_for_a_budget(tmp_path):
    """Round 45: three replicas of a web app that the lesson's script puts behind a NodePort Service with kubectl
    expose; the budget was asked only where a Service among the files selects the Pods."""
    root = write_repository(tmp_path, {"lab/deployment.yaml": LESSON, "lab/lab.sh": SCRIPT})
    [finding] = budget_findings(root)
    assert "(its repository's lab/lab.sh:2 runs kubectl expose deployment deployment --port=8080 --name=svc1, a " \
           "Service in front of it)" in finding.message


def test_replicas_nothing_exposes_are_still_not_asked(tmp_path):
    root = write_repository(tmp_path, {"lab/deployment.yaml": LESSON, "lab/lab.sh": SCRIPT.replace("expose", "get")})
    assert budget_findings(root) == []


def test_outside_a_checkout_no_script_is_read(tmp_path):
    root = write_repository(tmp_path, {"lab/deployment.yaml": LESSON, "lab/lab.sh": SCRIPT}, version_control=False)
    assert budget_findings(root) == []


@pytest.mark.parametrize("command, name", [("kubectl expose deploy/web --port=80", "web"),
                                           ("k expose deployments api --port 8080 --type=NodePort", "api"),
                                           ("kubectl expose pod web --port=80", None),
                                           ("kubectl expose service web --port=80", None)])
def test_the_deployments_kubectl_expose_names(command, name):
    found = _exposed_deployments([("/repo/lab.sh", command + "\n")])
    assert list(found) == ([name] if name else [])


def test_a_deployment_the_documents_create_with_kubectl_is_not_the_one_their_expose_serves():
    """As for kubectl run's Pods: `kubectl create deployment nginx` then `kubectl expose deployment nginx` serves the
    Deployment the lesson made by hand, which may not be the manifest's."""
    documents = [("/repo/README.md", "kubectl create deployment nginx --image=nginx\n"),
                 ("/repo/lab.sh", "kubectl expose deployment nginx --port=80\n")]
    assert _exposed_deployments(documents) == {}
