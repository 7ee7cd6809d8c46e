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
