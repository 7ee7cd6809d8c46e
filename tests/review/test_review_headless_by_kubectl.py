"""A StatefulSet's headless Service that its repository's instructions create with kubectl is there: blind round 30,
a CKAD lab whose problem.md runs `k create svc clusterip hls --clusterip="None"` before applying the StatefulSet
that names hls."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.review import REVIEWER, write_repository

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

STATEFULSET = """apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: hls
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80, name: web}]
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
"""


def headless_findings(root: Path) -> list[str]:
    path = root / "lab" / "sfset.yml"
    report = REVIEWER.review(parse_inputs([(str(path), path.read_text())]), ReviewOptions())
    assert report.objects, "nothing was reviewed"
    return [f.message for f in report.findings if f.id == "statefulset-without-headless-service"]


@pytest.mark.parametrize("command", ['k create svc clusterip hls --clusterip="None"',
                                     "kubectl create service clusterip hls --clusterip=None --tcp=80:80",
                                     "kubectl expose statefulset web --cluster-ip=None --name=hls",
                                     "oc -n lab expose sts/web --port 80 --cluster-ip None --name hls"])
def test_a_headless_service_the_lab_creates_with_kubectl_is_not_missing(tmp_path, command):
    root = write_repository(tmp_path, {"lab/sfset.yml": STATEFULSET, "lab/problem.md": f"1. `{command}`\n"})
    assert headless_findings(root) == []


@pytest.mark.parametrize("command", ["kubectl create svc clusterip hls --tcp=80:80",
                                     'k create svc clusterip other --clusterip="None"',
                                     "kubectl expose statefulset web --cluster-ip=None"])
def test_a_service_created_with_a_virtual_ip_or_under_another_name_is_not_the_one(tmp_path, command):
    root = write_repository(tmp_path, {"lab/sfset.yml": STATEFULSET, "lab/problem.md": f"1. `{command}`\n"})
    assert len(headless_findings(root)) == 1


def test_outside_a_checkout_the_instructions_are_not_read(tmp_path):
    root = write_repository(tmp_path, {"lab/sfset.yml": STATEFULSET,
                                       "lab/problem.md": 'k create svc clusterip hls --clusterip="None"\n'},
                            version_control=False)
    assert len(headless_findings(root)) == 1
