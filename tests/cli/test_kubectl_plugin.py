"""`kubectl pod-advisor`: the plugin kubectl finds on PATH, and `review --cluster`.

The live objects come from a stand-in kubectl on PATH (fixtures/cluster/fake_kubectl.py)
that prints `kubectl get ... -o json` output in the shape a cluster gives it: server
defaults, status, managedFields, and the ReplicaSets, Pods and Jobs controllers make.
The real kubectl is used where no cluster is needed: to find and run the plugin, and
to print objects as YAML with --local.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.review.cluster import KINDS, as_kubectl_yaml
from helpers.paths import FIXTURES
from helpers.tools import require_tool

CLUSTER = FIXTURES / "cluster"
BIN = Path(sys.executable).parent  # where pip put pod-advisor and kubectl-pod_advisor
PLUGIN = BIN / "kubectl-pod_advisor"


@pytest.fixture
def fake_kubectl(tmp_path, monkeypatch):
    """A kubectl on PATH answering from recorded JSON; ``.calls()`` are the argument lists it got."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    script = folder / "kubectl"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{CLUSTER / "fake_kubectl.py"}" "$@"\n')
    script.chmod(0o755)
    log = tmp_path / "kubectl.log"
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{BIN}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_KUBECTL_LOG", str(log))

    class Fake:
        path = script

        @staticmethod
        def calls() -> list[list[str]]:
            return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    return Fake


def _review_json(cli, *argv):
    run = cli("review", "--cluster", "--format", "json", *argv)
    assert run.status in (0, 1), run.stderr
    return run, json.loads(run.stdout)


# -- the plugin ----------------------------------------------------------------------


def test_pip_installs_the_plugin_as_kubectl_names_it():
    assert PLUGIN.is_file() and os.access(PLUGIN, os.X_OK)


def test_kubectl_lists_the_plugin_it_finds_on_path():
    kubectl = require_tool("kubectl", "apt-get install kubectl")
    done = subprocess.run([kubectl, "plugin", "list"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"})
    assert str(PLUGIN) in done.stdout


def test_kubectl_pod_advisor_review_reviews_manifest_files():
    kubectl = require_tool("kubectl", "apt-get install kubectl")
    manifest = FIXTURES / "review" / "mistakes" / "bare-pod.yaml"
    done = subprocess.run([kubectl, "pod-advisor", "review", str(manifest), "--fail-on", "warning"],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"})
    assert done.returncode == 1, done.stderr
    assert "warning bare-pod" in done.stdout


def test_the_plugin_names_itself_as_kubectl_pod_advisor_in_its_usage():
    done = subprocess.run([str(PLUGIN), "review"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "usage: kubectl pod-advisor" in subprocess.run([str(PLUGIN), "--help"], capture_output=True,
                                                          text=True, timeout=60).stdout


# -- review --cluster ----------------------------------------------------------------


def test_cluster_review_asks_kubectl_for_every_kind_the_review_reads_as_json(cli, fake_kubectl):
    _review_json(cli)
    assert fake_kubectl.calls() == [["get", ",".join(KINDS), "--output", "json"], ["version", "--output", "json"]]


def test_namespace_all_namespaces_and_context_are_passed_to_kubectl(cli, fake_kubectl):
    _review_json(cli, "-n", "kube-system", "--context", "prod")
    _review_json(cli, "--all-namespaces")
    gets = [call for call in fake_kubectl.calls() if call[0] == "get"]
    assert gets[0][-4:] == ["--namespace", "kube-system", "--context", "prod"]
    assert gets[1][-1] == "--all-namespaces"
    assert ["version", "--output", "json", "--context", "prod"] in fake_kubectl.calls()


def test_cluster_review_reviews_what_people_wrote_not_what_controllers_made(cli, fake_kubectl):
    run, report = _review_json(cli)
    reviewed = sorted(f"{o['kind']}/{o['name']}" for o in report["objects"])
    assert reviewed == ["CronJob/nightly-report", "Deployment/api", "Deployment/web", "Pod/orders-worker",
                        "StatefulSet/db"]
    ids = {f["id"] for f in report["findings"]}
    assert "replicaset-without-deployment" not in ids  # the Deployments' ReplicaSets were left out
    assert [f["object"]["name"] for f in report["findings"] if f["id"] == "bare-pod"] == ["orders-worker"]
    assert "left out what controllers made (1 Job, 5 Pods, 2 ReplicaSets)" in run.stderr


def test_cluster_review_uses_the_services_and_config_maps_it_read(cli, fake_kubectl):
    _, report = _review_json(cli)
    ids = {(f["id"], f["object"]["name"]) for f in report["findings"]}
    assert ("pod-ip-literal", "api") in ids  # the address is in ConfigMap api-config
    assert ("statefulset-without-headless-service", "db") in ids
    assert not any(name == "web" for _, name in ids)  # its Service, probe and resources are all there


def test_cluster_review_is_for_the_version_the_cluster_runs(cli, fake_kubectl):
    _, report = _review_json(cli)
    assert report["kubernetes"] == "1.28"  # the server says 1.28+ (a GKE version)
    assert "native-sidecar-unsupported" in {f["id"] for f in report["findings"]}
    _, newer = _review_json(cli, "--kubernetes", "1.33")
    assert newer["kubernetes"] == "1.33"
    assert "native-sidecar-unsupported" not in {f["id"] for f in newer["findings"]}


def test_every_namespace_brings_in_the_system_daemon_sets(cli, fake_kubectl):
    _, report = _review_json(cli, "-A")
    assert {"kube-system", "shop"} == {o["namespace"] for o in report["objects"]}


def test_a_finding_names_the_object_as_namespace_kind_and_name(cli, fake_kubectl):
    _, report = _review_json(cli)
    bare = next(f for f in report["findings"] if f["id"] == "bare-pod")
    assert bare["file"] == "shop/pod/orders-worker"


def test_a_namespace_with_nothing_to_review_says_so_and_passes(cli, fake_kubectl):
    run = cli("review", "--cluster", "-n", "empty")
    assert run.status == 0
    assert "kubectl listed nothing to review in namespace empty" in run.stderr


def test_kubectl_refusing_the_request_is_invalid_input_naming_the_command(cli, fake_kubectl, monkeypatch):
    monkeypatch.setenv("FAKE_KUBECTL_FAIL", "1")
    run = cli("review", "--cluster")
    assert run.status == 2
    assert run.stderr.startswith("pod-advisor: `kubectl get pods,")  # no "<input>:" (issue 11)
    assert "failed (exit status 1); kubectl's message is above" in run.stderr


def test_kubectl_printing_something_other_than_a_list_is_invalid_input(cli, fake_kubectl, monkeypatch):
    monkeypatch.setenv("FAKE_KUBECTL_OUTPUT", "Error from server: not json\n")
    run = cli("review", "--cluster")
    assert run.status == 2 and "did not print JSON" in run.stderr


def test_without_kubectl_on_path_the_cluster_cannot_be_read(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    run = cli("review", "--cluster")
    assert run.status == 2
    assert "kubectl is not on PATH" in run.stderr


@pytest.mark.parametrize("argv,message", [
    (["review", "--cluster", "k8s/"], "give manifest files or --cluster, not both"),
    (["review", "k8s/", "-n", "shop"], "-n, -A and --context choose what --cluster reads; add --cluster"),
    (["review", "--cluster", "-n", "shop", "-A"], "-n NAMESPACE and -A (every namespace) exclude each other"),
    (["review"], "give a manifest file, a folder, or - for standard input (or --cluster"),
    (["review", "--cluster", "--fix"], "--fix and --diff change manifest files, and --cluster reads none"),
])
def test_options_that_do_not_go_together_are_usage_errors(cli, argv, message):
    run = cli(*argv)
    assert run.status == 2 and message in run.stderr


def test_the_installed_plugin_reviews_the_cluster_through_kubectl(fake_kubectl):
    done = subprocess.run([str(PLUGIN), "review", "--cluster", "--fail-on", "error"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr  # native-sidecar-unsupported is an error on 1.28
    assert "shop/deployment/api" in done.stdout


# -- lines as kubectl prints them ----------------------------------------------------


def _objects():
    items = json.loads((CLUSTER / "recorded" / "shop.json").read_text())["items"]
    return [item for item in items if item["kind"] in ("Deployment", "ConfigMap", "Pod")][:4]


@pytest.mark.parametrize("item", _objects(), ids=lambda item: f"{item['kind']}-{item['metadata']['name']}")
def test_each_object_is_written_line_for_line_as_kubectl_get_o_yaml_prints_it(item, tmp_path):
    kubectl = require_tool("kubectl", "apt-get install kubectl")
    source = tmp_path / "object.json"
    source.write_text(json.dumps(item))
    key, value = next(iter(item["metadata"]["labels"].items())) if item["metadata"].get("labels") else ("x", None)
    if value is None:  # a label kubectl --local can overwrite with itself, so that the object is unchanged
        item["metadata"]["labels"] = {"x": "y"}
        source.write_text(json.dumps(item))
        key, value = "x", "y"
    done = subprocess.run([kubectl, "label", "--local", "--overwrite", "-f", str(source), f"{key}={value}", "-o",
                           "yaml"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "KUBECONFIG": os.devnull})
    assert done.returncode == 0, done.stderr
    ours = as_kubectl_yaml(item).splitlines()
    theirs = [line for line in done.stdout.splitlines()]
    without_managed = _drop_managed_fields(theirs)

    def unquoted(lines):  # kubectl quotes with ", PyYAML with ': the same strings
        return [line.replace('"', "").replace("'", "") for line in lines]

    assert unquoted(ours) == unquoted(without_managed)


def _drop_managed_fields(lines: list[str]) -> list[str]:
    """kubectl get hides managedFields by default; kubectl label --local prints them."""
    out, skipping = [], False
    for line in lines:
        if line == "  managedFields:":
            skipping = True
            continue
        if skipping and (line.startswith("  - ") or line.startswith("    ")):
            continue
        skipping = False
        out.append(line)
    return out
