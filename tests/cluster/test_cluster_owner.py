"""A control plane started for a test run stops itself when the run is killed before its clean-up.

The session fixture stops the cluster in a ``finally``; a run killed with SIGKILL (a CI timeout, an
impatient kill) never gets there, and etcd, kube-apiserver and kube-controller-manager, each in a
session of its own, would run on. ``tools/cluster/up --owner PID`` watches PID and stops them."""

from __future__ import annotations

import subprocess
import time

from helpers.paths import ROOT
from helpers.tools import require_built

TOOLS = ROOT / "tools" / "cluster"


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, ended but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return "zombie" not in status.read().lower()
    except OSError:
        return False


def test_a_cluster_whose_owner_is_killed_stops_itself(tmp_path):
    for name in ("etcd", "kube-apiserver", "kube-controller-manager", "kubectl"):
        require_built(TOOLS / "bin" / name, "tools/cluster/build builds it")
    owner = subprocess.Popen(["sleep", "600"])
    folder = tmp_path / "cluster"
    try:
        up = subprocess.run([str(TOOLS / "up"), "--owner", str(owner.pid), str(folder)], capture_output=True,
                            text=True, timeout=600, check=False)
        assert up.returncode == 0, up.stderr
        pids = (folder / "pids").read_text()
        started = [int(line.split()[1]) for line in pids.splitlines()]
        assert len(started) == 3 and all(_alive(pid) for pid in started)
        owner.kill()  # as a test run killed before its clean-up
        owner.wait()
        deadline = time.monotonic() + 90
        while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not [pid for pid in started if _alive(pid)]
    finally:
        owner.kill()
        subprocess.run([str(TOOLS / "down"), str(folder)], timeout=120, check=False)


def test_a_cluster_started_through_a_symbolic_link_is_stopped_by_down(tmp_path):
    """The kernel names each process's program by its real path: down must resolve its own folder the
    same way, or a checkout reached through a link would leave its control plane running."""
    for name in ("etcd", "kube-apiserver", "kube-controller-manager", "kubectl"):
        require_built(TOOLS / "bin" / name, "tools/cluster/build builds it")
    linked = tmp_path / "linked"
    linked.symlink_to(TOOLS, target_is_directory=True)
    folder = tmp_path / "cluster"
    started: list[int] = []
    try:
        up = subprocess.run([str(linked / "up"), str(folder)], capture_output=True, text=True, timeout=600,
                            check=False)
        assert up.returncode == 0, up.stderr
        started = [int(line.split()[1]) for line in (folder / "pids").read_text().splitlines()]
        down = subprocess.run([str(linked / "down"), str(folder)], capture_output=True, text=True, timeout=120,
                              check=False)
        assert down.returncode == 0, down.stderr
        assert not [pid for pid in started if _alive(pid)]
    finally:
        for pid in started:  # whatever down left, so that a failure here leaks nothing
            subprocess.run(["kill", "-9", str(pid)], capture_output=True, check=False)
