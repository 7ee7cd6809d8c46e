"""A real control plane for the tests in this folder: etcd, kube-apiserver and
kube-controller-manager of the release tools/apicheck pins, on 127.0.0.1.

tools/cluster/build builds them (.ci/run calls it); the ``cluster`` fixture starts them once a
session with tools/cluster/up and always stops them with tools/cluster/down. Without the
binaries or kubectl the tests skip and say why; in CI they fail. There is no kubelet: Pods are
stored, admitted and owned as on any cluster, and never run.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from helpers.paths import ROOT
from helpers.tools import require_built, require_tool

TOOLS = ROOT / "tools" / "cluster"
HOW = "tools/cluster/build builds it"
TIMEOUT = 120


@dataclass(frozen=True)
class Cluster:
    folder: Path  # what tools/cluster/up wrote: kubeconfig, viewer.kubeconfig, the logs
    kubectl_path: str

    @property
    def kubeconfig(self) -> Path:
        """The admin's: context "admin", namespace default."""
        return self.folder / "kubeconfig"

    @property
    def viewer_kubeconfig(self) -> Path:
        """User "viewer", allowed to get and list the reviewed kinds in namespace "team" only."""
        return self.folder / "viewer.kubeconfig"

    def kubectl(self, *args: str, stdin: str | None = None, kubeconfig: Path | None = None,
                check: bool = True) -> subprocess.CompletedProcess:
        """kubectl ARGS as the admin (or with ``kubeconfig``); a failure fails the test unless ``check`` is off."""
        done = subprocess.run([self.kubectl_path, "--kubeconfig", str(kubeconfig or self.kubeconfig), *args],
                              input=stdin, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        if check and done.returncode != 0:
            pytest.fail(f"kubectl {' '.join(args)} failed: {done.stderr}", pytrace=False)
        return done

    def create_namespace(self, name: str, **labels: str) -> str:
        """A new namespace with ``labels``, once its ServiceAccount default is there (Pods need it)."""
        namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}
        self.kubectl("create", "-f", "-", stdin=yaml.safe_dump(namespace))
        return self.ready_for_pods(name)

    def ready_for_pods(self, namespace: str) -> str:
        """``namespace``, once the controllers gave it the ServiceAccount default that Pods run as."""
        self.wait_for(lambda: self.kubectl("get", "serviceaccount", "default", "-n", namespace,
                                           check=False).returncode == 0,
                      f"ServiceAccount default in namespace {namespace}")
        return namespace

    @staticmethod
    def wait_for(condition, what: str, seconds: float = 120) -> None:
        """Until ``condition()`` holds (what controllers do, they do soon, not at once); fail after ``seconds``."""
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"still no {what} after {seconds} s", pytrace=False)
            time.sleep(0.2)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    for name in ("etcd", "kube-apiserver", "kube-controller-manager"):
        require_built(TOOLS / "bin" / name, HOW)
    kubectl = require_tool("kubectl", "apt-get install kubernetes-client")
    folder = tmp_path_factory.mktemp("cluster")
    try:
        up = subprocess.run([str(TOOLS / "up"), str(folder)], capture_output=True, text=True, timeout=600,
                            check=False)
        if up.returncode != 0:
            pytest.fail(f"tools/cluster/up failed:\n{up.stderr}", pytrace=False)
        yield Cluster(folder, kubectl)
    finally:
        subprocess.run([str(TOOLS / "down"), str(folder)], timeout=TIMEOUT, check=False)


@pytest.fixture
def as_admin(cluster, monkeypatch):
    """kubectl, and so `review --cluster`, reads the test cluster as its admin."""
    monkeypatch.setenv("KUBECONFIG", str(cluster.kubeconfig))
    return cluster


@pytest.fixture
def as_viewer(cluster, monkeypatch):
    """kubectl reads the test cluster as the user allowed into namespace "team" only."""
    monkeypatch.setenv("KUBECONFIG", str(cluster.viewer_kubeconfig))
    return cluster
