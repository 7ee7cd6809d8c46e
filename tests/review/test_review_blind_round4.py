"""The causes of round 4's wrong findings and rewrites (bench/blind/round4), each as a specification.

Found by the blind labellers after the round was scored; these tests fail on the reviewer that was
measured (318ad6c)."""

from __future__ import annotations

import yaml

from advisor.review import ReviewOptions, Reviewer
from advisor.review.images import nature
from advisor.review.objects import parse_inputs

REVIEWER = Reviewer()


def review(text: str, suggest: bool = False):
    return REVIEWER.review(parse_inputs([("lesson.yaml", text)]), ReviewOptions(None, suggest))


def ids(text: str) -> set[str]:
    return {f.id for f in review(text).findings}


POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{environment: production}}
spec:
{extra}  containers:
    - name: app
      image: {image}
      ports: [{{containerPort: 80}}]
"""


def test_a_bare_pod_a_replicaset_among_the_files_adopts_has_a_controller():
    replicaset = ("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: nginx-replicaset\nspec:\n  replicas: 2\n"
                  "  selector: {matchLabels: {environment: production}}\n  template:\n"
                  "    metadata: {labels: {environment: production}}\n    spec:\n      containers:\n"
                  "        - name: nginx\n          image: nginx:1.27\n")
    pod = POD.format(name="matching", image="nginx:1.27", extra="")
    assert "bare-pod" not in ids(pod + "---\n" + replicaset)
    assert "bare-pod" in ids(pod + "---\n" + replicaset.replace("{environment: production}}\n  template",
                                                                 "{environment: staging}}\n  template"))


def test_a_rewrite_keeps_the_node_a_pod_is_pinned_to():
    pod = POD.format(name="server", image="nginx:1.27", extra="  nodeName: node01\n")
    [obj] = review(pod, suggest=True).objects
    [deployment] = [d for d in yaml.safe_load_all(obj.suggestion) if d and d.get("kind") == "Deployment"]
    assert deployment["spec"]["template"]["spec"]["nodeName"] == "node01"


def test_a_variable_named_for_a_services_cluster_ip_holds_no_pod_ip():
    env = "      env: [{name: BACKEND_SERVICE_IP, value: 10.99.220.18}]\n"
    pod = POD.format(name="frontend", image="nginx:1.27", extra="").replace("      ports:", env + "      ports:")
    assert "pod-ip-literal" not in ids(pod)
    assert "pod-ip-literal" in ids(pod.replace("BACKEND_SERVICE_IP", "BACKEND_ADDRESS"))


def test_a_one_word_image_name_under_another_projects_owner_is_that_projects_image():
    assert nature("quay.io/calico/node:v3.28.0") is None  # Calico's node agent, not Node.js
    assert nature("node:22").name == nature("public.ecr.aws/docker/library/node:22").name


def test_an_image_name_that_says_server_decides_nothing_against_a_restart_policy_that_says_it_ends():
    pod = POD.format(name="vault-kubernetes", image="arungupta/vault-kubernetes:1.0",
                     extra="  restartPolicy: Never\n").replace("      ports: [{containerPort: 80}]\n", "")
    [finding] = [f for f in review(pod).findings if f.id == "bare-pod"]
    assert "runs a server, but restartPolicy Never" in finding.message
    [obj] = review(pod, suggest=True).objects
    assert obj.suggestion is None
