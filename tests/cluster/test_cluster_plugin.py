"""`kubectl pod-advisor review --cluster`: kubectl finds the plugin pip installed on PATH and runs
it, and the plugin reads the cluster through that same kubectl's configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers.paths import FIXTURES

BIN = Path(sys.executable).parent  # where pip put pod-advisor and kubectl-pod_advisor


def test_kubectl_runs_the_installed_plugin_to_review_the_cluster(cluster):
    namespace = cluster.create_namespace("plugin")
    cluster.kubectl("create", "--namespace", namespace, "-f", str(FIXTURES / "review/mistakes/bare-pod.yaml"))
    done = subprocess.run([cluster.kubectl_path, "pod-advisor", "review", "--cluster", "--namespace", namespace,
                           "--format", "json", "--fail-on", "warning"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
                               "KUBECONFIG": str(cluster.kubeconfig)})
    assert done.returncode == 1, done.stderr  # bare-pod is a warning
    report = json.loads(done.stdout)
    assert [(f["id"], f["file"]) for f in report["findings"] if f["id"] == "bare-pod"] == [
        ("bare-pod", f"{namespace}/pod/web")]
