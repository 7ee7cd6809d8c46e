"""What blind round 33 (bench/blind/round33) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest
import yaml
from helpers import hostile
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.review import ReviewOptions, Reviewer
from advisor.review.objects import parse_inputs
from advisor.review.runtime import ENDLESS, FINISHES, runtime_of
from advisor.system.errors import InputError

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


# ramishtaha/kubernetes-project-learning's 26-security-hardening: a namespace enforcing baseline, and a Pod
# its header says "should be DENIED" (privileged, hostNetwork, hostPID, / mounted from the node).
NAMESPACE = """apiVersion: v1
kind: Namespace
metadata:
  name: secure-namespace
  labels: {pod-security.kubernetes.io/enforce: %s}
"""

INSECURE_POD = """apiVersion: v1
kind: Pod
metadata: {name: insecure-pod, namespace: secure-namespace, labels: {app: insecure-example}}
spec:
  containers:
  - name: privileged-container
    image: nginx:1.27
    securityContext: {privileged: true}
    ports: [{containerPort: 80}]
  hostNetwork: true
"""


def rewrite_and_notes(namespace_level: str, pod: str = INSECURE_POD):
    report = REVIEWER.review(parse_inputs([("manifests/01-namespace.yaml", NAMESPACE % namespace_level),
                                           ("manifests/04-insecure-pod.yaml", pod)]), ReviewOptions(None, True))
    [obj] = [o for o in report.objects if o.ref.kind == "Pod"]
    return obj.suggestion, [str(n) for n in report.notes]


def test_a_pod_its_namespace_refuses_by_pod_security_is_not_rewritten_into_a_controller():
    suggestion, notes = rewrite_and_notes("baseline")
    assert suggestion is None
    assert any("enforces Pod Security 'baseline', which refuses it (hostNetwork: not allowed" in n for n in notes)


def test_a_pod_its_namespace_admits_is_still_rewritten():
    assert rewrite_and_notes("privileged")[0] is not None
    admitted = INSECURE_POD.replace("    securityContext: {privileged: true}\n", "").replace("  hostNetwork: true\n", "")
    assert rewrite_and_notes("baseline", admitted)[0] is not None


@settings(max_examples=150, deadline=None)
@given(st.tuples(hostile.mutated_data(yaml.safe_load(NAMESPACE % "baseline")), hostile.mutated_data(
    yaml.safe_load(INSECURE_POD))))
def test_any_namespace_and_pod_written_to_be_refused_are_reviewed_with_suggest_without_raising(documents):
    texts = [hostile.dump_any(d) for d in documents]
    try:
        inputs = parse_inputs([("manifests/01-namespace.yaml", texts[0]), ("manifests/04-insecure-pod.yaml", texts[1])])
    except InputError:
        return  # a file review names as unreadable, as it does any
    REVIEWER.review(inputs, ReviewOptions(None, True))
