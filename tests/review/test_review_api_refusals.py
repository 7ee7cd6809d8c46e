"""What the API server would refuse, said first; broken documents; resources; the headless Service's selector.

The refusals are checked against a table of objects, each accepted or refused; a second
test holds the table to apicheck (the API server's own create path, tools/apicheck), so
that the table itself cannot be wrong.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from helpers.paths import FIXTURES
from helpers.tools import require_tool

REFUSED = "refused-by-api-server"
APICHECK_HOW = "build it with tools/apicheck/build, which needs Go 1.26 or later"


def deployment(name: str, selector: str = "{matchLabels: {app: NAME}}", labels: str = "{app: NAME}",
               kind: str = "Deployment", pod: str = "") -> str:
    return (f"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec:\n"
            + (f"  selector: {selector.replace('NAME', name)}\n" if selector else "")
            + f"  template:\n    metadata: {{labels: {labels.replace('NAME', name)}}}\n"
            + f"    spec: {{{pod}containers: [{{name: web, image: nginx:1.27}}]}}\n")


# name -> (a document, whether the API server refuses it)
CASES = {
    "generated": ("apiVersion: v1\nkind: Pod\nmetadata: {generateName: generated-}\n"
                  "spec: {containers: [{name: box, image: busybox:1.36}]}\n", False),
    "dated": (deployment("dated", labels="{app: dated, released: 2024-01-31}"), False),  # kubectl reads text
    "expressions": (deployment("expressions", selector="{matchExpressions: [{key: app, operator: In, "
                                                       "values: [expressions]}]}"), False),
    "manual": ("apiVersion: batch/v1\nkind: Job\nmetadata: {name: manual}\nspec:\n  manualSelector: true\n"
               "  selector: {matchLabels: {job: manual}}\n  template:\n    metadata: {labels: {job: manual}}\n"
               "    spec: {restartPolicy: Never, containers: [{name: run, image: busybox:1.36}]}\n", False),
    "controller": ("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: controller}\nspec:\n"
                   "  template:\n    metadata: {labels: {app: controller}}\n"
                   "    spec: {containers: [{name: web, image: nginx:1.27}]}\n", False),
    # blind round 39: an exported DaemonSet's empty status; the schema's required status fields bind only kubectl's
    # own check before 1.25, never the API server, which sets the status itself
    "exported": (deployment("exported", kind="DaemonSet") + "status: {}\n", False),
    "numeric": (deployment("numeric", labels="{app: numeric, version: 1}"), True),
    # blind round 41: a lesson's node affinity with operator Equals, which the schema takes as any text
    "equals": (deployment("equals", pod="affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
                                       "{nodeSelectorTerms: [{matchExpressions: [{key: disktype, operator: Equals, "
                                       "values: [ssd]}]}]}}}, "), True),
    "affined": (deployment("affined", pod="affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: "
                                        "[{weight: 1, preference: {matchExpressions: [{key: disktype, operator: In, "
                                        "values: [ssd]}]}}]}}, "), False),
    "notin": (deployment("notin", selector="{matchExpressions: [{key: app, operator: NotIn, values: [notin]}]}"),
              True),
    "typo": (deployment("typo").replace("image: nginx:1.27", "image: nginx:1.27, imagePullPolicyy: Always"), True),
    "mount": (deployment("mount").replace("image: nginx:1.27", "image: nginx:1.27, volumeMounts: "
                                                               "[{name: data, mountPath: /data}]"), True),
    "unselected": (deployment("unselected", selector="", kind="ReplicaSet"), True),
    "automatic": ("apiVersion: batch/v1\nkind: Job\nmetadata: {name: automatic}\nspec:\n"
                  "  selector: {matchLabels: {job: automatic}}\n  template:\n"
                  "    metadata: {labels: {job: automatic}}\n"
                  "    spec: {restartPolicy: Never, containers: [{name: run, image: busybox:1.36}]}\n", True),
    "lowercase": ("apiVersion: v1\nkind: Pod\nmetadata: {name: lowercase}\nspec:\n  containers: [{name: web, "
                  "image: nginx:1.27, ports: [{containerPort: 80, protocol: tcp}]}]\n", True),
    "agent": (deployment("agent", kind="DaemonSet", pod="restartPolicy: OnFailure, "), True),
    "unrestarted": ("apiVersion: batch/v1\nkind: Job\nmetadata: {name: unrestarted}\n"
                    "spec: {template: {spec: {containers: [{name: run, image: busybox:1.36}]}}}\n", True),
}


def review(cli, *args):
    run = cli("review", *map(str, args), "--format", "json", "--fail-on", "never")
    return run, json.loads(run.stdout)


@pytest.fixture
def cases_file(write):
    return write("cases.yaml", "---\n".join(text for text, _ in CASES.values()))


def test_review_refuses_exactly_what_the_api_server_refuses_each_reason_said_once(cli, cases_file):
    _, report = review(cli, cases_file)
    refused = {f["object"]["name"] for f in report["findings"] if f["id"] == REFUSED}
    assert refused | {"unrestarted"} == {name for name, (_, refuses) in CASES.items() if refuses}
    # a Job's restartPolicy is left to the finding that explains it
    assert [f["id"] for f in report["findings"] if f["object"]["name"] == "unrestarted" and f["severity"] == "error"] \
        == ["restart-always-on-completion"]


def test_review_refuses_what_the_api_servers_own_code_rejects(cli, cases_file):
    """apicheck runs upstream Kubernetes' create path: a differential test, which also holds the table."""
    run = subprocess.run([require_tool("apicheck", APICHECK_HOW), "--pss", "none", cases_file],
                         capture_output=True, text=True)
    verdicts = re.findall(r"^(ACCEPTED|REJECTED) \w+/(\S*?)(?:-\*)?(?::|$)", run.stdout, re.MULTILINE)
    assert len(verdicts) == len(CASES), run.stdout + run.stderr
    rejected = {name for word, name in verdicts if word == "REJECTED"}
    _, report = review(cli, cases_file)
    said = {f["object"]["name"] for f in report["findings"] if f["id"] == REFUSED
            or "the API server rejects it" in f["message"]}
    assert said == rejected == {name for name, (_, refuses) in CASES.items() if refuses}


def test_a_removed_api_version_is_refused_with_the_release_that_removed_it(cli):
    _, report = review(cli, FIXTURES / "review" / "refused" / "removed-api-version.yaml")
    [finding] = [f for f in report["findings"] if f["id"] == REFUSED]
    assert finding["line"] == 3 and finding["severity"] == "error"
    assert "serves no extensions/v1beta1 Deployment (removed in Kubernetes 1.16)" in finding["message"]
    assert "Use apiVersion apps/v1" in finding["message"]


def test_the_refusal_is_said_before_the_objects_other_findings(cli, write):
    """single-replica's line comes first in the file; the refusal still leads."""
    text = deployment("web", pod="restartPolicy: Never, ").replace("spec:\n  selector", "spec:\n  replicas: 1\n"
                                                                                          "  selector", 1)
    _, report = review(cli, write("web.yaml", text))
    assert [f["id"] for f in report["findings"]][:2] == [REFUSED, "single-replica"]
    assert report["findings"][0]["line"] > report["findings"][1]["line"]


def test_a_refused_object_fails_the_run_at_the_default_threshold(cli):
    run = cli("review", str(FIXTURES / "review" / "mistakes" / "refused-restart-never-on-a-deployment.yaml"))
    assert run.status == 1
    assert f"error {REFUSED}" in run.stdout


# -- broken documents -------------------------------------------------------------------


BROKEN = """apiVersion: v1
kind: Pod
metadata:
  name: first
spec:
  containers:
    - name: web
      image: nginx:1.27
      resources:
        requests: {cpu: 100m, memory: 128Mi}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: twice
data:
  a: "1"
  a: "2"
---
apiVersion: v1
kind: Pod
metadata:
  name: third
spec:
  containers:
    - name: web
      image: nginx:latest
      resources:
        requests: {cpu: 100m, memory: 128Mi}
"""


def test_a_broken_document_is_reported_and_the_files_other_documents_reviewed(cli, write):
    path = write("three.yaml", BROKEN)
    run, report = review(cli, path)
    assert run.status == 2
    assert report["errors"] == [{"file": path, "line": 18, "message": f"{path}:18: data.a: the key 'a' appears twice"}]
    assert {(f["object"]["name"], f["id"]) for f in report["findings"]} == {
        ("first", "bare-pod"), ("third", "bare-pod"), ("third", "mutable-image-tag")}


def test_a_file_with_a_broken_document_is_left_unfixed_with_a_note(cli, write):
    path = write("three.yaml", BROKEN)
    run = cli("review", path, "--fix", "--fail-on", "never")
    assert "Pod first: not fixed: it was not read from this file as written" in run.stderr
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == BROKEN


# -- resources-unset, what is missing ---------------------------------------------------


# resources -> the start of the message, or None for no finding
RESOURCES = {
    "{limits: {cpu: 500m}}": "web sets a CPU limit but no memory request or memory limit",
    "{requests: {cpu: 100m}}": "web sets a CPU request but no memory request or memory limit",
    "{requests: {memory: 128Mi}, limits: {memory: 128Mi}}": "web sets a memory request and a memory limit but no "
                                                            "CPU request",
    "{limits: {cpu: 500m, memory: 256Mi}}": None,  # limits alone are the requests too
    "{requests: {cpu: 100m, memory: 128Mi}}": None,  # a missing memory limit alone is the team's policy
}


def test_resources_unset_says_what_each_container_misses_of_requests_and_a_memory_limit(cli, write):
    texts = [deployment(f"web-{i}").replace("image: nginx:1.27", f"image: nginx:1.27, resources: {resources}")
             for i, resources in enumerate(RESOURCES)]
    _, report = review(cli, write("web.yaml", "---\n".join(texts)))
    said = {f["object"]["name"]: f["message"].split(":")[0] for f in report["findings"]
            if f["id"] == "resources-unset"}
    assert [said.get(f"web-{i}") for i in range(len(RESOURCES))] == list(RESOURCES.values())


# -- the headless Service selects the StatefulSet's Pods --------------------------------------


def test_a_headless_service_that_selects_other_pods_is_named_with_its_selector(cli):
    path = FIXTURES / "review" / "mistakes" / "statefulset-headless-service-selects-other-pods.yaml"
    _, report = review(cli, path)
    [finding] = report["findings"]
    assert "headless Service 'etcd'" in finding["message"]
    assert "does not select its Pods: its selector (app: etcd-v2) is not among their labels" in finding["message"]


JOB_READ_BACK = """apiVersion: batch/v1
kind: Job
metadata: {name: import}
spec:
  selector:
    matchLabels: {batch.kubernetes.io/controller-uid: 6f1c2b9e-0000-4000-8000-000000000001}
  template:
    metadata:
      labels: {batch.kubernetes.io/controller-uid: 6f1c2b9e-0000-4000-8000-000000000001, job-name: import}
    spec:
      restartPolicy: Never
      containers:
        - {name: importer, image: busybox:1.36, command: [sh, -c, "echo done"]}
"""


def test_a_job_read_back_from_a_cluster_keeps_the_selector_the_server_generated(cli, write):
    run = cli("review", write("job.yaml", JOB_READ_BACK), "--format", "json", "--fail-on", "never")
    assert REFUSED not in {f["id"] for f in json.loads(run.stdout)["findings"]}


def test_a_job_with_a_selector_of_its_own_and_no_manual_selector_is_refused(cli, write):
    text = JOB_READ_BACK.replace("batch.kubernetes.io/controller-uid: 6f1c2b9e-0000-4000-8000-000000000001", "app: import")
    run = cli("review", write("job.yaml", text), "--format", "json", "--fail-on", "never")
    assert REFUSED in {f["id"] for f in json.loads(run.stdout)["findings"]}
