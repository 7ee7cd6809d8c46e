"""A real control plane for the tests in this folder: etcd, kube-apiserver and
kube-controller-manager of the release tools/apicheck pins, on 127.0.0.1, and kubectl of that
release (not whichever kubectl the machine has) to drive it.

tools/cluster/build builds them (.ci/run calls it), and kubectl of the minor release before
(bin/kubectl-older) for the tests of a skew of one minor; the ``cluster`` fixture starts the
control plane once a session with tools/cluster/up and always stops it with tools/cluster/down.
Every test here finds the built kubectl first on PATH, as `review --cluster` looks for it there.
Without the binaries the tests skip and say why; in CI they fail. There is no kubelet: Pods are
stored, admitted and owned as on any cluster, and never run.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from helpers.cluster import HELD, namespace_of
from helpers.paths import FIXTURES, ROOT
from helpers.tools import require_built

TOOLS = ROOT / "tools" / "cluster"
HOW = "tools/cluster/build builds it"
TIMEOUT = 120


@dataclass(frozen=True)
class Cluster:
    folder: Path  # what tools/cluster/up wrote: kubeconfig, viewer.kubeconfig, the logs
    kubectl_path: str  # tools/cluster/bin/kubectl, of the server's release

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


def kubectl_alone(folder: Path, kubectl: Path) -> Path:
    """``folder``, made to hold one file, ``kubectl``, standing for the binary ``kubectl``: put first
    on PATH, the kubectl that `review --cluster` and the kubectl plugin find there."""
    folder.mkdir()
    (folder / "kubectl").symlink_to(kubectl)
    return folder


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    for name in ("etcd", "kube-apiserver", "kube-controller-manager", "kubectl"):
        require_built(TOOLS / "bin" / name, HOW)
    folder = tmp_path_factory.mktemp("cluster")
    try:
        # --owner: if this test run is killed before the finally below, the cluster stops itself
        up = subprocess.run([str(TOOLS / "up"), "--owner", str(os.getpid()), str(folder)], capture_output=True,
                            text=True, timeout=600, check=False)
        if up.returncode != 0:
            pytest.fail(f"tools/cluster/up failed:\n{up.stderr}", pytrace=False)
        yield Cluster(folder, str(TOOLS / "bin" / "kubectl"))
    finally:
        subprocess.run([str(TOOLS / "down"), str(folder)], timeout=TIMEOUT, check=False)


@pytest.fixture(scope="session")
def kubectl_of_the_server(cluster, tmp_path_factory) -> Path:
    """A folder holding only the built kubectl of the server's release, as ``kubectl``."""
    return kubectl_alone(tmp_path_factory.mktemp("kubectl") / "same-release", TOOLS / "bin" / "kubectl")


@pytest.fixture(scope="session")
def kubectl_one_minor_older(cluster, tmp_path_factory) -> Path:
    """A folder holding only the built kubectl of the minor release before the server's, as ``kubectl``."""
    older = require_built(TOOLS / "bin" / "kubectl-older", HOW)
    return kubectl_alone(tmp_path_factory.mktemp("kubectl") / "one-minor-older", older)


@pytest.fixture(autouse=True)
def kubectl_of_the_server_first_on_path(kubectl_of_the_server, monkeypatch):
    """Every test here: the kubectl on PATH is the one of the server's release, not the machine's
    (whose release is anyone's guess, and may be more than one minor from the server's)."""
    monkeypatch.setenv("PATH", f"{kubectl_of_the_server}{os.pathsep}{os.environ['PATH']}")


@pytest.fixture(scope="session")
def mistakes(cluster):
    """Each review fixture the server holds, created in its own namespace; the bare Pod also in "team"."""
    for path in HELD:
        cluster.create_namespace(namespace_of(path))
        cluster.kubectl("create", "--namespace", namespace_of(path), "-f", str(path))
    cluster.kubectl("create", "--namespace", cluster.ready_for_pods("team"), "-f",
                    str(FIXTURES / "review/mistakes/bare-pod.yaml"))
    return cluster


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
