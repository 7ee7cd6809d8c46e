"""`kubectl pod-advisor`: the plugin kubectl finds on PATH, and `review --cluster` where no
cluster is needed.

What `review --cluster` reads from a cluster is tested against a real one in tests/cluster/ (the
objects, the namespaces, the credentials, the plugin through kubectl). A stand-in kubectl on
PATH (fixtures/cluster/fake_kubectl.py) remains for what that cluster cannot show, each test
saying why. The real kubectl is used where no cluster is needed: to find and run the plugin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import FIXTURES
from helpers.tools import require_tool

CLUSTER = FIXTURES / "cluster"
BIN = Path(sys.executable).parent  # where pip put pod-advisor and kubectl-pod_advisor
PLUGIN = BIN / "kubectl-pod_advisor"


@pytest.fixture
def fake_kubectl(tmp_path, monkeypatch):
    """A kubectl on PATH answering from recorded JSON."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    script = folder / "kubectl"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{CLUSTER / "fake_kubectl.py"}" "$@"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return script


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


def test_an_older_server_is_reviewed_for_the_version_it_reports(cli, fake_kubectl):
    """Stand-in: the test cluster runs one release, the one tools/cluster builds (the newest
    pod-advisor knows); a provider's server words its minor version its own way ("28+")."""
    _, report = _review_json(cli)
    assert report["kubernetes"] == "1.28"
    assert "native-sidecar-unsupported" in {f["id"] for f in report["findings"]}
    _, newer = _review_json(cli, "--kubernetes", "1.33")
    assert newer["kubernetes"] == "1.33"
    assert "native-sidecar-unsupported" not in {f["id"] for f in newer["findings"]}


def test_kubectl_printing_something_other_than_a_list_is_invalid_input(cli, fake_kubectl, monkeypatch):
    """Stand-in: a real kubectl asked for JSON prints JSON; this is the guard against one that does
    not (a wrapper script that prints a banner, a broken install)."""
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
