"""What blind round 47 (bench/blind/round47) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest

from helpers.review import REVIEWER, review_suggest

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from advisor.review.starts import needs_root

# Diatonic-AI/k8s-local-config's simple-fast-deployment.yaml, shortened: the Pod asks for non-root users, and its init
# container, set to run as root, gives the data folder to the Pod's user
PREPARED_BY_ROOT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: ollama, namespace: llm}
spec:
  replicas: 1
  selector: {matchLabels: {app: ollama}}
  template:
    metadata: {labels: {app: ollama}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001}
      initContainers:
      - name: prepare-storage
        image: busybox:1.36
        command: ["sh", "-c", "install -d -m 0750 -o 1001 -g 1001 /var/lib/ollama"]
        volumeMounts: [{name: data, mountPath: /var/lib/ollama}]
        securityContext:
          runAsUser: 0
          capabilities: {drop: [ALL]}
      containers:
      - name: ollama
        image: ollama/ollama:0.3.11
        ports: [{containerPort: 11434}]
        volumeMounts: [{name: data, mountPath: /var/lib/ollama}]
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 128Mi}}
      volumes: [{name: data, emptyDir: {}}]
"""


def cannot_start_messages(text: str) -> list[str]:
    report = REVIEWER.review(parse_inputs([("app.yaml", text)]), ReviewOptions(kubernetes="1.37"))
    return [f.message for f in report.findings if f.id == "container-cannot-start"]


def test_a_container_whose_command_changes_owners_is_told_it_needs_root_not_another_uid():
    """Round 47: five init containers that chown a volume for the Pod's user were told to run as 65532, under which
    their chown fails (exit 1 on every try, or folders left to a user the program is not)."""
    [message] = cannot_start_messages(PREPARED_BY_ROOT)
    assert "Its command changes files' owners (install -o), which only root may do: let prepare-storage alone run " \
           "as root (runAsNonRoot: false on it, and CHOWN added to the capabilities it drops" in message
    assert "65532" not in message


def test_chown_is_said_to_need_its_capability_back_only_where_the_container_drops_it():
    [message] = cannot_start_messages(PREPARED_BY_ROOT.replace("          capabilities: {drop: [ALL]}\n", ""))
    assert "(runAsNonRoot: false on it; Pod Security's" in message and "CHOWN" not in message


def test_no_uid_is_written_for_a_container_whose_command_needs_root():
    ids, written, notes = review_suggest(PREPARED_BY_ROOT, name="app.yaml")
    assert "container-cannot-start" in ids and written == []
    assert any("nothing here mends the container-cannot-start finding" in note for note in notes)


def test_a_root_container_that_changes_no_owner_is_still_given_its_image_s_uid():
    ids, written, _ = review_suggest(PREPARED_BY_ROOT.replace("install -d -m 0750 -o 1001 -g 1001", "mkdir -p"),
                                     name="app.yaml")
    [deployment] = written
    [init] = deployment["spec"]["template"]["spec"]["initContainers"]
    assert init["securityContext"]["runAsUser"] == 65532


@pytest.mark.parametrize("command, found", [
    (["sh", "-c", "chown -R 1001:1001 /data"], "chown"),
    (["sh", "-c", "mkdir -p /data && chgrp 1001 /data"], "chgrp"),
    (["sh", "-c", "find /data -type d -exec chown 1001 {} +"], "chown"),
    (["install", "-d", "-o", "1001", "/data"], "install -o"),
    (["sh", "-c", "install --owner=1001 -d /data"], "install -o"),
    (["sh", "-c", "apt-get install -y -o Dpkg::Options::=--force-confold curl"], None),
    (["sh", "-c", "echo done"], None),
    (["chown"], None),  # no operand: nothing to give
])
def test_what_needs_root_in_a_command(command, found):
    assert needs_root({"command": command}) == found


# prakasha4devops/k8s-environments' cka-examples/deployment/pod.json, two of its items: the stray Pod of a kubectl
# run, and a Pod of the Deployment of the same name the exercise asked for
DUMP = """apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: nginx-dns
    namespace: default
    labels: {run: nginx-dns}
    uid: 2b1e6c1e-0000-4000-8000-000000000001
  spec:
    containers: [{name: nginx-dns, image: nginx:1.27, ports: [{containerPort: 80}]}]
  status: {phase: Running}
- apiVersion: v1
  kind: Pod
  metadata:
    name: nginx-dns-5c6b6b99df-9shbb
    namespace: default
    labels: {app: nginx-dns, pod-template-hash: 5c6b6b99df}
    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: nginx-dns-5c6b6b99df, uid: x, controller: true}]
    uid: 2b1e6c1e-0000-4000-8000-000000000002
  spec:
    containers: [{name: nginx, image: nginx:1.27}]
  status: {phase: Running}
"""


def suggest_for(text: str):
    report = REVIEWER.review(parse_inputs([("pod.yaml", text)]), ReviewOptions(kubernetes="1.37", suggest=True))
    [pod] = [o for o in report.objects if o.ref.kind == "Pod" and o.ref.name in ("nginx-dns", "web")]
    return pod.suggestion, [n.text for n in report.notes]


def test_no_deployment_is_written_under_the_name_of_one_a_dump_shows_running():
    """Round 47: the rewrite of the stray Pod wrote a Deployment nginx-dns, which applied would replace the
    Deployment nginx-dns whose Pods the same dump lists (a Deployment of that name among the files was already
    seen: round 14's tests)."""
    suggestion, notes = suggest_for(DUMP)
    assert suggestion is None
    assert any("it would become Deployment default/nginx-dns, and pod.yaml:" in note and "shows one running (Pod "
               "default/nginx-dns-5c6b6b99df-9shbb is a Pod of its ReplicaSet nginx-dns-5c6b6b99df)" in note
               for note in notes)


def test_a_pod_of_another_deployment_s_replica_set_leaves_the_name_free():
    other = DUMP.replace("name: nginx-dns-5c6b6b99df-9shbb", "name: web-5c6b6b99df-9shbb").replace(
        "name: nginx-dns-5c6b6b99df, uid", "name: web-5c6b6b99df, uid")
    suggestion, _ = suggest_for(other)
    assert suggestion is not None and "kind: Deployment" in suggestion


@pytest.mark.parametrize("script, idle", [
    ("if [ -f /work/sharedfile.txt ]; then sleep 99999; else exit; fi", True),
    ("if [ -f /work/ready ]; then sleep infinity; else exit 1; fi", True),
    ("if [ -f /work/ready ]; then exec nginx -g 'daemon off;'; else exit 1; fi", False),  # a server, when ready
    ("if [ -f /work/ready ]; then sleep 99999; else ./migrate.sh; fi", False),  # work of its own otherwise
])
def test_a_command_that_only_waits_or_else_exits_is_a_box(script, idle):
    """Round 47: init-container demonstrations whose container waits once the file is there, else exits, were told
    that nothing says whether they run until stopped or finish; they do no work of their own either way."""
    from advisor.review.runtime import runtime_of

    runtime = runtime_of({"name": "app", "image": "alpine:3.20", "command": ["sh", "-c", script]})
    assert (runtime.endless and runtime.idle) is idle
