"""Other linters run on the same files as `pod-advisor review`, and how their checks map to ours.

Each tool is a subprocess whose output is read back into findings keyed like ours:
(file relative to the corpus root, kind, name) and the tool's check id. The namespace
is left out of the key because the tools spell "no namespace" differently (Checkov
writes "default"); two objects of one kind and name in one file are rare enough.

Runners take (root, files, index): ``index`` answers ``locate(file, line)`` (the object
enclosing a line) and ``objects_in(file)`` ((kind, name) of its objects), from what
pod-advisor read. The tools are built by bench/build-linters.sh into bench/tools/bin; one that is not
there is reported as "not installed", never an error.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

TOOLS_BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools", "bin")
TOOLS = ("checkov", "kube-score", "kube-linter")

# pod-advisor finding id -> the closest checks of each other tool (None: it has none).
# The generic checks have real counterparts; pod-advisor's design findings have none
# (no linter judges which containers belong in one Pod), and for those the benchmark
# lists what the others flag on the same objects instead. Sources: `kube-score list`,
# `kube-linter checks list`, Checkov's Kubernetes policy index (CKV_K8S_*).
#   resources-unset: requests/limits missing. Checkov splits it by CPU/memory and request/limit.
#   mutable-image-tag: :latest or no tag. kube-score also wants a pinned version (stable-version is
#     about API versions, not images, so it is not mapped).
#   readiness-probe-missing: pod-advisor asks for it only where a Service port reaches the
#     container; kube-score's pod-probes does the same (it needs a Service selecting the Pod);
#     kube-linter and Checkov ask it of every container.
#   single-replica: pod-advisor asks two replicas of a Deployment/StatefulSet that serves;
#     kube-score's deployment-replicas asks for more than one; kube-linter's
#     minimum-three-replicas is off by default (not run).
#   statefulset-without-headless-service: kube-score checks serviceName points at a headless Service.
#   bare-pod: no tool flags a bare Pod as such; Checkov and kube-linter have none, kube-score neither.
OVERLAP = {
    "resources-unset": {
        "checkov": ("CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"),
        "kube-score": ("container-resources",),
        "kube-linter": ("unset-cpu-requirements", "unset-memory-requirements"),
    },
    "mutable-image-tag": {
        "checkov": ("CKV_K8S_14",),
        "kube-score": ("container-image-tag",),
        "kube-linter": ("latest-tag",),
    },
    "readiness-probe-missing": {
        "checkov": ("CKV_K8S_9",),
        "kube-score": ("pod-probes",),
        "kube-linter": ("no-readiness-probe",),
    },
    "single-replica": {
        "checkov": None,
        "kube-score": ("deployment-replicas",),
        "kube-linter": ("minimum-three-replicas",),
    },
    "statefulset-without-headless-service": {
        "checkov": None,
        "kube-score": ("statefulset-has-servicename",),
        "kube-linter": None,
    },
}


@dataclass
class ToolRun:
    tool: str
    root: str
    installed: bool = True
    files: int = 0  # files given to the tool
    objects: int = 0  # objects it reported on
    seconds: float = 0.0
    status: int | None = None
    crashed: bool = False  # died (a signal, a Go panic, a Python traceback) instead of reporting
    errors: list = field(default_factory=list)  # (file or None, reason): inputs it refused
    findings: list = field(default_factory=list)  # (file, kind, name, check id)
    names: dict = field(default_factory=dict)  # check id -> the tool's title for it
    note: str = ""


def binary(tool: str) -> str | None:
    path = os.path.join(TOOLS_BIN, tool)
    return path if os.access(path, os.X_OK) else None


def _relative(root: str, path: str) -> str:
    """A tool's file name as a path relative to the corpus root (Checkov writes "/OWNER+REPO/...")."""
    root = os.path.abspath(root)
    if path.startswith(root + os.sep):
        return os.path.relpath(path, root)
    return path.lstrip("/")


def _run(argv: list[str], cwd: str | None = None, timeout: float = 3600) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            status = subprocess.run(argv, stdout=out, stderr=err, cwd=cwd, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            status = -9
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return status, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), wall


# -- Checkov -------------------------------------------------------------------

_CHECKOV_RESOURCE = re.compile(r"^(?P<kind>[^.]+)\.(?P<ns>[^.]*)\.(?P<name>.+)$")


def run_checkov(root: str, files: list[str], index=None) -> ToolRun:
    """checkov -d ROOT --framework kubernetes -o json --quiet: it walks the folder itself.

    Checkov reports a Pod template as a resource of its own ("Pod.ns.owner.label-value...")
    at lines inside its owner; ``index.locate(file, line)`` names the object that encloses
    a line, so such a finding counts for the Deployment (or Job, ...) it is part of.
    """
    run = ToolRun("checkov", root, files=len(files))
    exe = binary("checkov")
    if not exe:
        run.installed = False
        return run
    status, out, err, run.seconds = _run([exe, "-d", root, "--framework", "kubernetes", "-o", "json", "--quiet",
                                          "--skip-download"])
    run.status = status
    if status not in (0, 1) or not out.strip():
        run.crashed = True
        run.note = (err.strip().splitlines() or [f"exit {status}"])[-1][:200]
        return run
    try:
        data = json.loads(out)
    except ValueError:
        run.crashed = True
        run.note = "output is not JSON"
        return run
    for report in data if isinstance(data, list) else [data]:
        run.objects += (report.get("summary") or {}).get("resource_count", 0)
        results = report.get("results") or {}
        for error in results.get("parsing_errors") or []:
            run.errors.append((_relative(root, error), "parsing error"))
        for failed in results.get("failed_checks") or []:
            where = _relative(root, failed["file_path"])
            line = (failed.get("file_line_range") or [None])[0]
            found = index.locate(where, line) if index and line else None
            if found is None:
                match = _CHECKOV_RESOURCE.match(failed.get("resource", ""))
                found = (match["kind"], match["name"]) if match else (failed.get("resource", "?"), "?")
            run.findings.append((where, *found, failed["check_id"]))
            run.names[failed["check_id"]] = failed.get("check_name", "")
    return run


# -- kube-score ----------------------------------------------------------------

KUBE_SCORE_FLAGGED = 5  # grades: 1 critical, 5 warning, 7 almost ok, 10 ok


def _kube_score(exe: str, files: list[str]) -> tuple[bool, int, str, str, float, list]:
    """(parsed, status, stdout, stderr, seconds, scored objects) of one kube-score run."""
    status, out, err, wall = _run([exe, "score", "-o", "json", *files])
    try:
        data, valid = (json.loads(out) if out.strip() else None), True  # "null": nothing it scores
    except ValueError:
        data, valid = None, False
    parsed = valid and "Failed to score files" not in err and status in (0, 1)
    return parsed, status, out, err, wall, data or []


def batches(files: list[str], root: str, index=None) -> list[list[str]]:
    """kube-score keeps only the last object of each kind and name it is given (several
    overlays of one Deployment: all but one vanish), so it is run per folder, each folder's
    files split into as few batches as keep every (kind, name) once. A Service and its
    Deployment usually share a folder, so the cross-object checks still see both."""
    by_folder: dict[str, list[str]] = {}
    for path in files:
        by_folder.setdefault(os.path.dirname(path), []).append(path)
    result = []
    for folder in sorted(by_folder):
        groups: list[tuple[set, list]] = []
        for path in by_folder[folder]:
            names = set(index.objects_in(os.path.relpath(path, root))) if index else set()
            for seen, group in groups:
                if not names & seen:
                    seen |= names
                    group.append(path)
                    break
            else:
                groups.append((set(names), [path]))
        result += [group for _, group in groups]
    return result


def run_kube_score(root: str, files: list[str], index=None) -> ToolRun:
    """kube-score score -o json FILE... over batches() of the files.

    kube-score stops at the first file it cannot parse, without naming it: a batch that
    fails is scored file by file, the files it refuses are named as errors, and the batch
    is scored again without them. The time is the sum of the batches' final runs.
    """
    run = ToolRun("kube-score", root, files=len(files))
    exe = binary("kube-score")
    if not exe:
        run.installed = False
        return run
    statuses = set()
    for batch in batches(files, root, index):
        parsed, status, out, err, seconds, data = _kube_score(exe, batch)
        if not parsed:
            refused = {}
            for path in batch:
                ok, one_status, _, one_err, _, _ = _kube_score(exe, [path])
                if not ok:
                    if "panic:" in one_err or one_status < 0:
                        run.crashed = True
                    refused[path] = (one_err.strip().splitlines() or [f"exit {one_status}"])[-1][:200]
            run.errors += [(os.path.relpath(p, root), reason) for p, reason in refused.items()]
            good = [p for p in batch if p not in refused]
            parsed, status, out, err, seconds, data = (_kube_score(exe, good) if good
                                                        else (True, 0, "", "", 0.0, []))
            if not parsed:
                run.crashed = True
                run.note = (err.strip().splitlines() or [f"exit {status}"])[-1][:200]
        run.seconds += seconds
        statuses.add(status)
        if "panic:" in err or status < 0:
            run.crashed = True
        run.objects += len(data)
        for scored in data:
            kind = (scored.get("type_meta") or {}).get("kind", "?")
            name = (scored.get("object_meta") or {}).get("name", "?")
            where = _relative(root, scored.get("file_name", "?"))
            for check in scored.get("checks") or []:
                if check.get("skipped") or check.get("grade", 10) > KUBE_SCORE_FLAGGED:
                    continue
                run.findings.append((where, kind, name, check["check"]["id"]))
                run.names[check["check"]["id"]] = check["check"].get("name", "")
    run.status = max(statuses) if statuses else None
    return run


# -- kube-linter ---------------------------------------------------------------


def run_kube_linter(root: str, files: list[str], index=None) -> ToolRun:
    """kube-linter lint --format json ROOT (its default checks).

    Written from kube-linter's documented JSON report and never run here: the Go module
    proxy this machine reaches does not serve golang.stackrox.io/kube-linter.
    """
    run = ToolRun("kube-linter", root, files=len(files))
    exe = binary("kube-linter")
    if not exe:
        run.installed = False
        return run
    status, out, err, run.seconds = _run([exe, "lint", "--format", "json", root])
    run.status = status
    if "panic:" in err or status < 0:
        run.crashed = True
    try:
        data = json.loads(out) if out.strip() else {}
    except ValueError:
        run.crashed = True
        run.note = "output is not JSON"
        return run
    for report in data.get("Reports") or []:
        obj = report.get("Object", {})
        meta = obj.get("K8sObject", {})
        gvk = meta.get("GroupVersionKind", {})
        run.findings.append((_relative(root, obj.get("Metadata", {}).get("FilePath", "?")), gvk.get("Kind", "?"),
                             meta.get("Name", "?"), report.get("Check", "?")))
    for line in err.splitlines():
        if "failed to" in line or "error" in line.lower():
            run.errors.append((None, line[:200]))
    return run


RUNNERS = {"checkov": run_checkov, "kube-score": run_kube_score, "kube-linter": run_kube_linter}
