"""What blind round 33 (bench/blind/round33) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest

from advisor.review import ReviewOptions, Reviewer
from advisor.review.objects import parse_inputs
from advisor.review.runtime import ENDLESS, FINISHES, runtime_of

REVIEWER = Reviewer()


def ids(text: str) -> set[str]:
    return {f.id for f in REVIEWER.review(parse_inputs([("lab.yaml", text)]), ReviewOptions()).findings}


def runs(script: str) -> str | None:
    return runtime_of({"name": "load", "image": "busybox", "command": ["/bin/sh", "-c", script]}).runs


# AOEpeople/academy-kubernetes-101's resource-management/cpu.yml: a CPU burner the lab watches with kubectl top.
CPU_BURNER = """apiVersion: apps/v1
kind: Deployment
metadata: {name: resource-management-cpu, namespace: resource-management}
spec:
  replicas: 1
  selector: {matchLabels: {app: resource-management-cpu}}
  template:
    metadata: {labels: {app: resource-management-cpu}}
    spec:
      containers:
        - command: ["/bin/sh", "-c", "cat /dev/zero > /dev/null"]
          image: busybox
          name: resource-management-cpu
          resources: {limits: {memory: 40M, cpu: 100m}}
"""


def test_a_deployment_reading_dev_zero_to_its_end_is_not_told_it_finishes():
    assert "restart-always-on-completion" not in ids(CPU_BURNER)


@pytest.mark.parametrize("script", ["cat /dev/zero > /dev/null", "md5sum /dev/urandom", "cat /dev/zero | gzip > /dev/null"])
def test_a_command_reading_a_device_that_never_ends_runs_until_stopped(script):
    assert runs(script) == ENDLESS


@pytest.mark.parametrize("script", ["cat /dev/urandom | head -c 10", "cat /dev/urandom | tr -dc a-z | head -c 8",
                                    "cat /etc/hosts"])
def test_a_device_read_that_head_stops_or_a_file_read_finishes(script):
    assert runs(script) == FINISHES

