"""kubectl and the server a minor release apart: Kubernetes supports kubectl "within one minor
version (older or newer) of kube-apiserver" (https://kubernetes.io/releases/version-skew-policy/#kubectl),
so a user's kubectl is often not of their cluster's release, and `review --cluster` and the
kubectl plugin must read the cluster through it just the same.

The test cluster runs the newest release pod-advisor knows, and no newer kubectl is released:
the skew tested is the server one minor newer than kubectl (tools/cluster/build builds kubectl of
the minor before as bin/kubectl-older). Every other test of this folder runs kubectl of the
server's own release.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers.cluster import (
    HELD,
    findings,
    kubernetes_release,
    namespace_of,
    objects,
    reviewed,
)
from helpers.paths import FIXTURES

BIN = Path(sys.executable).parent  # where pip put pod-advisor and kubectl-pod_advisor
# What the mistakes fixture created: every object of these namespaces stays as it was made.
NAMESPACES = {namespace_of(path) for path in HELD} | {"team"}


def versions(kubectl: str, cluster) -> tuple[dict, dict, str]:
    """kubectl's own version, the server's as kubectl reads it, and what kubectl printed on its standard error."""
    done = subprocess.run([kubectl, "version", "--output", "json", "--kubeconfig", str(cluster.kubeconfig)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    both = json.loads(done.stdout)
    return both["clientVersion"], both["serverVersion"], done.stderr


def minor(version: dict) -> int:
    return int(version["minor"].rstrip("+"))


def held(report: dict) -> dict:
    """``report`` with only the objects and findings of the namespaces the mistakes fixture made."""
    return {"objects": [o for o in report["objects"] if o["namespace"] in NAMESPACES],
            "findings": [f for f in report["findings"] if f["object"]["namespace"] in NAMESPACES]}


def in_namespaces(report: dict) -> list[tuple]:
    """The objects, and what each finding says (as findings() reads it), with the namespace of each."""
    return sorted([("object", o["namespace"], o["kind"], o["name"]) for o in report["objects"]]
                  + [("finding", f["object"]["namespace"], *findings({"findings": [f]})[0]) for f in report["findings"]],
                  key=repr)


# -- the kubectl each test runs ---------------------------------------------------------------


def test_the_kubectl_the_tests_find_on_path_is_of_the_servers_release(cluster):
    client, server, _ = versions(shutil.which("kubectl"), cluster)
    assert client["gitVersion"] == server["gitVersion"]
    assert f"{client['major']}.{client['minor']}" == kubernetes_release()


def test_the_older_kubectl_is_one_minor_older_than_the_server_and_says_nothing_of_it(cluster,
                                                                                   kubectl_one_minor_older):
    """kubectl version warns of a skew beyond the one supported; one minor is within it."""
    client, server, said = versions(str(kubectl_one_minor_older / "kubectl"), cluster)
    assert (client["major"], minor(client)) == (server["major"], minor(server) - 1)
    assert said == ""


# -- review --cluster through kubectl one minor older ---------------------------------------------


def test_the_cluster_review_through_kubectl_one_minor_older_finds_what_the_same_release_finds(
        mistakes, as_admin, kubectl_one_minor_older, monkeypatch):
    same_release = held(reviewed("--cluster", "--all-namespaces"))
    monkeypatch.setenv("PATH", f"{kubectl_one_minor_older}{os.pathsep}{os.environ['PATH']}")
    assert shutil.which("kubectl") == str(kubectl_one_minor_older / "kubectl")  # what review --cluster runs
    one_minor_older = reviewed("--cluster", "--all-namespaces")
    assert one_minor_older["kubernetes"] == kubernetes_release()  # the server's, not kubectl's
    assert in_namespaces(held(one_minor_older)) == in_namespaces(same_release)
    assert {o["namespace"] for o in same_release["objects"]} == NAMESPACES


def test_the_plugin_run_by_kubectl_one_minor_older_finds_what_the_same_release_finds(
        mistakes, kubectl_of_the_server, kubectl_one_minor_older):
    namespace = namespace_of(FIXTURES / "review/mistakes/mutable-image-tag.yaml")

    def through_the_plugin(kubectl_folder: Path) -> dict:
        done = subprocess.run([str(kubectl_folder / "kubectl"), "pod-advisor", "review", "--cluster", "--namespace",
                               namespace, "--format", "json", "--fail-on", "never"],
                              capture_output=True, text=True, timeout=120, check=False,
                              env={**os.environ, "KUBECONFIG": str(mistakes.kubeconfig),
                                   "PATH": os.pathsep.join((str(kubectl_folder), str(BIN), os.environ["PATH"]))})
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    same_release = through_the_plugin(kubectl_of_the_server)
    one_minor_older = through_the_plugin(kubectl_one_minor_older)
    assert objects(one_minor_older) == objects(same_release) == [("Deployment", "web")]
    assert findings(one_minor_older) == findings(same_release) != []
