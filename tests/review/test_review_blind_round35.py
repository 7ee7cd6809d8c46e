"""What blind round 35 (bench/blind/round35) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.review import REVIEWER, write_repository

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from advisor.review.runtime import runtime_of


def findings_of(root: Path, suggest: bool = False):
    manifests = sorted(p for p in root.rglob("*.y*ml") if ".git" not in p.parts)
    return REVIEWER.review(parse_inputs([(str(p), p.read_text()) for p in manifests]), ReviewOptions(None, suggest))


def ids(root: Path) -> set[str]:
    return {f.id for f in findings_of(root).findings}


# super-jkdevops/k8s-HandsON-lab: Portworx's lighthouse, whose config-sync container runs its image's program with
# the subcommand sync, the ongoing partner of its init container's init.
LIGHTHOUSE = """apiVersion: apps/v1
kind: Deployment
metadata: {name: px-lighthouse, namespace: kube-system}
spec:
  replicas: 1
  selector: {matchLabels: {tier: px-web-console}}
  template:
    metadata: {labels: {tier: px-web-console}}
    spec:
      initContainers:
      - {name: config-init, image: 'portworx/lh-config-sync:2.0.7', args: [init],
         volumeMounts: [{name: config, mountPath: /config/lh}]}
      containers:
      - name: px-lighthouse
        image: portworx/px-lighthouse:2.0.7
        args: ["-kubernetes", "true"]
        ports: [{containerPort: 80}]
        volumeMounts: [{name: config, mountPath: /config/lh}]
      - {name: config-sync, image: 'portworx/lh-config-sync:2.0.7', args: [sync],
         volumeMounts: [{name: config, mountPath: /config/lh}]}
      volumes: [{name: config, emptyDir: {}}]
"""


def test_a_subcommand_given_to_an_images_own_program_is_not_the_program_of_that_name(tmp_path):
    root = write_repository(tmp_path, {"portworx.yaml": LIGHTHOUSE})
    assert "restart-always-on-completion" not in ids(root)
    [review] = [o for o in findings_of(root, suggest=True).objects if o.ref.kind == "Deployment"]
    assert review.suggestion is None


@pytest.mark.parametrize("image", ["busybox:1.36", "python:3.12", "ubuntu:24.04"])
def test_args_alone_still_run_as_written_where_the_images_default_command_is_a_shell(image):
    assert runtime_of({"name": "c", "image": image, "args": ["echo", "done"]}).runs == "finishes"


def test_a_subcommand_word_still_says_the_work_finishes():
    assert runtime_of({"name": "c", "image": "example.com/app:1.0", "args": ["migrate"]}).runs == "finishes"
