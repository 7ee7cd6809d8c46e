"""What blind round 35 (bench/blind/round35) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.review import REVIEWER, write_repository
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from advisor.review.repository import _POD_NAME, _reached_by_name
from advisor.review.runtime import runtime_of


def findings_of(root: Path, suggest: bool = False):
    manifests = sorted(p for p in root.rglob("*.y*ml") if ".git" not in p.parts)
    return REVIEWER.review(parse_inputs([(str(p), p.read_text()) for p in manifests]), ReviewOptions(None, suggest))


def ids(root: Path) -> set[str]:
    return {f.id for f in findings_of(root).findings}


# StarsinLiver/kubernetes-studying (a book's labs): toolbox Pods of images nothing here knows, which the repository's
# command list reaches into by name.
TOOLBOX = """apiVersion: v1
kind: Pod
metadata: {name: sre-user}
spec:
  serviceAccountName: user-cert-generator
  containers:
    - name: user-cert-generator
      image: kiamol/ch17-user-cert-generator
      env: [{name: USER_NAME, value: sre1}]
"""


@pytest.mark.parametrize("command", ["kubectl exec sre-user -- kubectl auth can-i delete pods",
                                     "kubectl exec -it sre-user -- sh",
                                     "kubectl cp sre-user:/certs/user.key user.key",
                                     "kubectl cp default.json sre-user:/default.json"])
def test_a_bare_pod_the_repositorys_commands_work_in_by_name_is_a_box_not_a_bare_pod(tmp_path, command):
    root = write_repository(tmp_path, {"ch17/sre-user.yaml": TOOLBOX, "commands.txt": f"# ch17\n{command}\n"})
    assert "bare-pod" not in ids(root)


@pytest.mark.parametrize("command", ["kubectl exec sre-user -- cat /app/config.json",  # a look at what it holds
                                     "kubectl logs sre-user", "kubectl exec other-pod -- sh"])
def test_a_look_into_the_pod_or_a_command_for_another_leaves_it_a_bare_pod(tmp_path, command):
    root = write_repository(tmp_path, {"ch17/sre-user.yaml": TOOLBOX, "commands.txt": f"{command}\n"})
    assert "bare-pod" in ids(root)


def test_a_server_the_repository_execs_into_is_still_a_bare_pod(tmp_path):
    server = TOOLBOX.replace("kiamol/ch17-user-cert-generator", "nginx:1.27")
    root = write_repository(tmp_path, {"ch17/sre-user.yaml": server, "commands.txt": "kubectl exec -it sre-user -- sh\n"})
    assert "bare-pod" in ids(root)


def test_commands_outside_a_checkout_say_nothing(tmp_path):
    root = write_repository(tmp_path, {"ch17/sre-user.yaml": TOOLBOX, "commands.txt": "kubectl exec -it sre-user -- sh\n"},
                            version_control=False)
    assert "bare-pod" in ids(root)


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


_PIECES = ["kubectl ", "k ", "oc ", "exec ", "cp ", "attach ", "run ", "--image=", "-it ", "-n ", "-c ", "--", " -- ", "pod/", "deploy/",
           "box", ":", "/x", " ", "\n", "sh", "cat ", "$POD", ";", "|", "'", "é",
           "POD=", "export ", '"', "${POD}", "=", "$(", ")"]  # variables given a value (round 46)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_any_instructions_text_gives_pod_names_without_raising(text):
    found = _reached_by_name([("/repo/commands.txt", text)])
    assert all(_POD_NAME.fullmatch(name) and where == "/repo/commands.txt" for name, (where, _, _) in found.items())


@pytest.mark.parametrize("args, runs", [(["sleep", "3600"], "endless"), (["echo", "done"], "finishes")])
def test_args_naming_a_program_an_entrypoint_script_runs_are_still_read_for_any_image(args, runs):
    assert runtime_of({"name": "c", "image": "example.com/app:1.0", "args": args}).runs == runs
