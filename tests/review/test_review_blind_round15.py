"""What blind round 15 (bench/blind/round15) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import copy

import pytest
from helpers.apicheck import verdicts
from helpers.review import REVIEWER

from advisor.manifests.validate import api_object_problems
from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from advisor.review.runtime import runtime_of

SELECTOR_PROBLEM = "a Job's selector is generated; setting it needs manualSelector"


def job(selector: dict) -> dict:
    """A Job whose selector and Pod labels are ``selector``, without manualSelector."""
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "restore", "namespace": "harbor"},
            "spec": {"selector": {"matchLabels": selector},
                     "template": {"metadata": {"labels": dict(selector)},
                                  "spec": {"restartPolicy": "Never",
                                           "containers": [{"name": "move", "image": "rclone/rclone:1.66"}]}}}}


OWN_NAME = [{"job-name": "restore"}, {"batch.kubernetes.io/job-name": "restore"}]
OTHER = [{"app": "restore"}, {"job-name": "restore", "app": "restore"}, {"job-name": "another"}]


@pytest.mark.parametrize("selector", OWN_NAME)
def test_a_job_selecting_its_own_name_under_the_job_name_label_needs_no_manual_selector(selector):
    """The selector the server generates holds that label too (elastisys' restore Job, applied by its script)."""
    assert SELECTOR_PROBLEM not in api_object_problems(job(selector), "1.37")


@pytest.mark.parametrize("selector", OTHER)
def test_a_job_selector_with_any_other_label_still_needs_a_manual_selector(selector):
    assert SELECTOR_PROBLEM in api_object_problems(job(selector), "1.37")


def test_the_api_server_s_own_code_takes_and_refuses_the_same_job_selectors():
    objects = [job(s) for s in OWN_NAME + OTHER]
    upstream = [v.accepted for v in verdicts(copy.deepcopy(objects), pss="none")]
    assert upstream == [True] * len(OWN_NAME) + [False] * len(OTHER)


def test_a_command_that_finishes_beside_a_declared_port_decides_nothing():
    """feiskyer's readonly-pod: `touch test.go && [ -f test.go ] && echo 'Found'`, restartPolicy Never, and a port
    80 nothing listens on. The port no longer outweighs the command: the two disagree, as a probe and a finishing
    script do, and the restartPolicy says what the author meant."""
    spec = {"name": "busybox", "image": "busybox", "ports": [{"containerPort": 80}],
            "command": ["sh", "-c", "touch test.go && [ -f test.go ] && echo 'Found'"]}
    assert runtime_of(spec).runs is None


def test_a_declared_port_still_says_a_server_when_the_command_says_nothing_else():
    spec = {"name": "app", "image": "ghcr.io/example/app:1.0", "ports": [{"containerPort": 8080}],
            "command": ["/app", "--config", "/etc/app.yaml"]}
    assert runtime_of(spec).endless and runtime_of(spec).basis == "port"


# -- the addon manager's Pod is a static Pod ---------------------------------------------------------------

ADDON_MANAGER = """\
apiVersion: v1
kind: Pod
metadata:
  name: kube-addon-manager
  namespace: kube-system
  labels: {component: kube-addon-manager}
spec:
  hostNetwork: true
  containers:
  - name: kube-addon-manager
    image: gcr.io/google-containers/kube-addon-manager:v8.6
    resources: {requests: {cpu: 5m, memory: 50Mi}}
    volumeMounts: [{name: addons, mountPath: /etc/kubernetes/, readOnly: true}]
  volumes:
  - name: addons
    hostPath: {path: /etc/kubernetes/}
"""


def finding_ids(text: str) -> list[str]:
    report = REVIEWER.review(parse_inputs([("addon-manager.yaml", text)]), ReviewOptions(suggest=True))
    return [f.id for o in report.objects for f in o.findings]


@pytest.mark.parametrize("image", ["gcr.io/google-containers/kube-addon-manager:v8.6",
                                   "gcr.io/google_containers/kube-addon-manager-amd64:v6.4"])
def test_the_addon_manager_on_the_host_network_is_a_static_pod_not_a_bare_one(image):
    """Its upstream manifest is read by each control-plane node's kubelet from its manifest folder
    (feiskyer/kubernetes-handbook says to put it there): the kubelet recreates it."""
    assert "bare-pod" not in finding_ids(ADDON_MANAGER.replace("gcr.io/google-containers/kube-addon-manager:v8.6",
                                                               image))


def test_the_addon_manager_off_the_host_network_is_still_a_bare_pod():
    assert "bare-pod" in finding_ids(ADDON_MANAGER.replace("  hostNetwork: true\n", ""))
