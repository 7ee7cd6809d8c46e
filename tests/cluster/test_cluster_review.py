"""`review --cluster` on a real API server: the review fixtures' mistakes are created, each in a
namespace of its own, and reviewed as the server returns them (defaults filled in, status,
managedFields, a service-account token volume in every Pod, the namespace's kube-root-ca.crt
ConfigMap) beside what the controllers made of them (ReplicaSets, Pods).

kubectl writes its own messages to the standard error of the process, so a test that reads them
runs pod-advisor as a process; the others run it in this one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from helpers.cli import run_cli
from helpers.cluster import HELD, REFUSED, findings, kubernetes_release, namespace_of, objects, reviewed
from helpers.paths import FIXTURES

from advisor.review.cluster import KINDS, as_kubectl_yaml


def in_a_process(*argv: str, env: dict) -> subprocess.CompletedProcess:
    """`pod-advisor ARGV` as a process of its own, so that kubectl's messages are read too."""
    return subprocess.run([sys.executable, "-m", "advisor", *argv], capture_output=True, text=True, timeout=120,
                          env=env, check=False)


# -- what the cluster holds, reviewed as the files are -----------------------------------


@pytest.mark.parametrize("path", HELD, ids=lambda p: p.stem)
def test_the_cluster_review_finds_what_the_review_of_the_file_finds(mistakes, as_admin, path):
    live = reviewed("--cluster", "--namespace", namespace_of(path))
    written = reviewed(str(path), "--kubernetes", live["kubernetes"])
    assert objects(live) == objects(written) != []
    assert findings(live) == findings(written)


@pytest.mark.parametrize("stem", REFUSED)
def test_the_server_refuses_the_mistakes_it_cannot_hold(mistakes, stem):
    done = mistakes.kubectl("create", "--dry-run=server", "--namespace", "default", "-f",
                            str(FIXTURES / "review" / "mistakes" / f"{stem}.yaml"), check=False)
    assert done.returncode != 0 and REFUSED[stem] in done.stderr


def test_the_review_is_for_the_version_the_server_reports(mistakes, as_admin):
    assert reviewed("--cluster", "--namespace", "team")["kubernetes"] == kubernetes_release()


def test_a_finding_names_the_object_by_namespace_kind_and_name(mistakes, as_admin):
    report = reviewed("--cluster", "--namespace", "team")
    assert [(f["id"], f["file"]) for f in report["findings"] if f["id"] == "bare-pod"] == [("bare-pod",
                                                                                             "team/pod/web")]


# -- what controllers made -----------------------------------------------------------------


def test_what_the_controllers_made_is_left_out_and_counted(mistakes, as_admin):
    """A Deployment of two replicas: its ReplicaSet and that ReplicaSet's two Pods, owned as on any cluster."""
    namespace = namespace_of(FIXTURES / "review/mistakes/mutable-image-tag.yaml")

    def made():
        listed = json.loads(mistakes.kubectl("get", "replicasets,pods", "-n", namespace, "-o", "json").stdout)
        return sorted(item["kind"] for item in listed["items"])

    mistakes.wait_for(lambda: made() == ["Pod", "Pod", "ReplicaSet"], f"ReplicaSet and two Pods in {namespace}")
    run = run_cli("review", "--cluster", "--namespace", namespace, "--format", "json", "--fail-on", "never")
    assert objects(json.loads(run.stdout)) == [("Deployment", "web")]
    assert "left out what controllers made (2 Pods, 1 ReplicaSet): their owners are reviewed" in run.stderr


def test_more_objects_than_kubectl_asks_for_in_one_page_are_all_read(cluster, as_admin):
    """kubectl lists 500 objects a request (--chunk-size) and joins the pages into one list: 501 Pods,
    written in one request list (a Deployment of 501 replicas takes the controllers half a minute)."""
    namespace = cluster.create_namespace("many-pods")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"app": "many"}},
           "spec": {"containers": [{"name": "app", "image": "ghcr.io/example/app:1.0.0"}]}}
    pods = [{**pod, "metadata": {**pod["metadata"], "name": f"pod-{i:03d}"}} for i in range(501)]
    cluster.kubectl("create", "--namespace", namespace, "-f", "-",
                    stdin=yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": pods}))
    try:
        run = run_cli("review", "--cluster", "--namespace", namespace, "--format", "json", "--fail-on", "never")
        reviewed = json.loads(run.stdout)["objects"]
        assert len(reviewed) == 501 and {o["name"] for o in reviewed} == {p["metadata"]["name"] for p in pods}
    finally:
        cluster.kubectl("delete", "namespace", namespace, "--wait=false")


# -- which namespaces ------------------------------------------------------------------------


def test_every_namespace_is_reviewed_with_all_namespaces(mistakes, as_admin):
    everywhere = reviewed("--cluster", "--all-namespaces")
    found = {(f["object"]["namespace"], f["object"]["kind"], f["object"]["name"], f["id"])
             for f in everywhere["findings"]}
    for path in HELD:
        one = reviewed("--cluster", "--namespace", namespace_of(path))
        assert {(namespace_of(path), *finding[:3]) for finding in findings(one)} <= found
    assert ("team", "Pod", "web", "bare-pod") in found


def test_a_namespace_with_no_workload_is_said_to_hold_nothing_to_review(mistakes, as_admin):
    """Every namespace holds the ConfigMap kube-root-ca.crt, which is read and not reviewed."""
    namespace = mistakes.create_namespace("nothing-here")
    run = run_cli("review", "--cluster", "--namespace", namespace)
    assert run.status == 0
    assert "kubectl listed nothing to review in namespace nothing-here" in run.stderr


def test_a_context_reads_its_own_namespace(mistakes, as_admin, tmp_path, monkeypatch):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(mistakes.kubeconfig.read_text())
    mistakes.kubectl("config", "set-context", "mistakes", "--cluster", "pod-advisor-test", "--user", "admin",
                     "--namespace", namespace_of(FIXTURES / "review/mistakes/single-replica.yaml"),
                     kubeconfig=kubeconfig)
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    assert objects(reviewed("--cluster")) == []  # the current context's namespace, default
    assert objects(reviewed("--cluster", "--context", "mistakes")) == [("Deployment", "web")]


# -- who may read what -------------------------------------------------------------------------


def test_a_user_allowed_into_one_namespace_reviews_it(mistakes, as_viewer):
    report = reviewed("--cluster")
    assert {(o["namespace"], o["kind"], o["name"]) for o in report["objects"]} == {("team", "Pod", "web")}


def test_a_user_allowed_into_one_namespace_is_told_why_every_namespace_cannot_be_read(mistakes):
    done = in_a_process("review", "--cluster", "--all-namespaces",
                        env={**os.environ, "KUBECONFIG": str(mistakes.viewer_kubeconfig)})
    assert done.returncode == 2
    assert 'User "viewer" cannot list resource "pods" in API group "" at the cluster scope' in done.stderr
    assert "pod-advisor: `kubectl get pods," in done.stderr
    assert "review one namespace at a time: -n NAMESPACE" in done.stderr


def test_credentials_the_server_refuses_are_invalid_input_naming_the_command(mistakes, tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(re.sub(r"token: \w+", "token: not-a-token", mistakes.kubeconfig.read_text()))
    done = in_a_process("review", "--cluster", env={**os.environ, "KUBECONFIG": str(kubeconfig)})
    assert done.returncode == 2
    assert "You must be logged in to the server" in done.stderr  # kubectl's words
    assert done.stderr.splitlines()[-1].startswith("pod-advisor: `kubectl get pods,")
    assert "failed (exit status 1); kubectl's message is above" in done.stderr


def test_the_review_adds_nothing_of_kubectl_to_the_terminal_when_all_is_well(mistakes):
    """Not even the warning `kubectl version` would give when kubectl and the server are more than
    one minor apart: the review asks the server itself for its version (``/version``). Here kubectl
    is of the server's release; tests/cluster/test_cluster_skew.py runs one a minor older."""
    done = in_a_process("review", "--cluster", "--namespace", "team", "--fail-on", "never",
                        env={**os.environ, "KUBECONFIG": str(mistakes.kubeconfig)})
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if not line.startswith("pod-advisor: ")] == []


# -- lines as kubectl prints them --------------------------------------------------------------


def test_each_object_is_written_line_for_line_as_kubectl_get_o_yaml_prints_it(mistakes):
    """One object of each kind the review reads, as the server holds it: the line of a finding is
    the line in `kubectl get KIND NAME -n NAMESPACE -o yaml`."""
    listed = json.loads(mistakes.kubectl("get", ",".join(KINDS), "--all-namespaces", "-o", "json").stdout)
    one_of_each = {}
    for item in listed["items"]:
        if item["metadata"]["namespace"] in {namespace_of(path) for path in HELD}:  # not one another test deletes
            one_of_each.setdefault(item["kind"], item)
    assert {"Pod", "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "Job", "Service", "ConfigMap",
            "PersistentVolumeClaim"} <= set(one_of_each)
    for kind, item in sorted(one_of_each.items()):
        held, printed = _as_json_and_yaml(mistakes, kind, item["metadata"]["namespace"], item["metadata"]["name"])
        assert _unquoted(as_kubectl_yaml(held)) == _unquoted(printed), kind


def _as_json_and_yaml(cluster, kind: str, namespace: str, name: str) -> tuple[dict, str]:
    """The object as `kubectl get -o json` and `-o yaml` print it, at one resourceVersion (a
    controller may write its status between the two)."""
    while True:
        argv = ("get", kind, name, "--namespace", namespace, "--output")
        held = json.loads(cluster.kubectl(*argv, "json").stdout)
        printed = cluster.kubectl(*argv, "yaml").stdout
        if yaml.safe_load(printed)["metadata"]["resourceVersion"] == held["metadata"]["resourceVersion"]:
            return held, printed


def _unquoted(text: str) -> list[str]:
    """kubectl quotes with ", PyYAML with ': the same strings."""
    return [line.replace('"', "").replace("'", "") for line in text.splitlines()]
