"""What blind round 37 (bench/blind/round37) found wrong or debatable, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import yaml
from helpers.review import REVIEWER

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# colossus06/CKA-CKAD-Study-Group-2024's editnginx.yaml: `kubectl get pod -o yaml` of a Pod on a Calico cluster.
EXPORTED = """apiVersion: v1
kind: Pod
metadata:
  annotations:
    cni.projectcalico.org/containerID: 3f1c0e1b2a
    cni.projectcalico.org/podIP: 10.244.120.85/32
    cni.projectcalico.org/podIPs: 10.244.120.85/32
    team.example.com/owner: web
  creationTimestamp: "2024-03-01T10:00:00Z"
  labels: {run: cka}
  name: cka
  namespace: default
  resourceVersion: "4242"
  uid: 0b8c2a3e-5d1f-4c8e-9a7b-1234567890ab
spec:
  containers:
  - {name: cka, image: 'nginx:1.27', ports: [{containerPort: 80}]}
  nodeName: minikube
status:
  phase: Running
"""


def rewrite_of(text: str):
    [obj] = REVIEWER.review(parse_inputs([("editnginx.yaml", text)]), ReviewOptions(suggest=True)).objects
    [deployment] = [d for d in yaml.safe_load_all(obj.suggestion) if d and d["kind"] == "Deployment"]
    return obj.suggestion, deployment["spec"]["template"]


def test_an_exported_pod_s_template_leaves_out_the_network_plugin_s_record_of_that_pod():
    suggestion, template = rewrite_of(EXPORTED)
    assert template["metadata"]["annotations"] == {"team.example.com/owner": "web"}
    assert "and the annotations cni.projectcalico.org/containerID, cni.projectcalico.org/podIP" in suggestion


def test_a_pod_written_by_hand_keeps_every_annotation_it_was_given():
    by_hand = EXPORTED.replace('  resourceVersion: "4242"\n', "").replace(
        "  uid: 0b8c2a3e-5d1f-4c8e-9a7b-1234567890ab\n", "").replace('  creationTimestamp: "2024-03-01T10:00:00Z"\n',
                                                                    "").split("status:")[0]
    _, template = rewrite_of(by_hand)
    assert "cni.projectcalico.org/podIP" in template["metadata"]["annotations"]


# scottenriquez/ckad-exam-prep-using-amazon-eks: a security-context lesson's Pod that prints its identity and ends.
def test_a_pod_that_prints_its_identity_and_ends_is_told_it_restarts_for_ever():
    pod = """apiVersion: v1
kind: Pod
metadata: {name: security-context-pod}
spec:
  securityContext: {runAsUser: 1000, runAsGroup: 3000}
  containers:
  - {name: security-context-container, image: 'busybox:1.28', command: [sh, -c, id]}
"""
    report = REVIEWER.review(parse_inputs([("pod.yaml", pod)]), ReviewOptions())
    assert "restart-always-on-completion" in {f.id for f in report.findings}
