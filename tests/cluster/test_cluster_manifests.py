"""Every example's manifest, Helm chart and Kustomize base, applied to a real API server in a
namespace that holds Pods to a Pod Security level: admitted with no warning.

As written, a manifest is held to "restricted"; written with --allow-root, to "baseline" (the
profile it promises); a workload that says it needs "privileged" (a node agent's hostPath mounts,
in its pod-advisor.io/pod-security annotation), to that. Objects the answers put in a namespace
are applied in the test's, as `kustomize edit set namespace` or `helm template --namespace` would. The namespace enforces and warns at that level: a bare Pod that breaks it
is refused, and a workload whose Pod template breaks it is stored with a warning (its Pods would
then be refused), which kubectl prints on its standard error. Applied server-side with
--dry-run=server: decoding, defaulting, validation and admission run, and nothing is stored.
"""

from __future__ import annotations

import subprocess

import pytest
import yaml
from helpers.paths import EXAMPLES
from helpers.cli import run_cli
from helpers.manifest_forms import helm, kustomize  # noqa: F401  (fixtures)
from helpers.manifest_forms import claimed_level, manifest_of

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
LEVELS = {"restricted": (), "baseline": ("--allow-root",)}  # the level a manifest written with these flags meets


@pytest.fixture(scope="module")
def namespace_at(cluster):
    """{level: a namespace that enforces and warns at that Pod Security level}."""
    return {level: cluster.create_namespace(f"pss-{level}", **{f"pod-security.kubernetes.io/{mode}": level
                                                               for mode in ("enforce", "warn", "audit")})
            for level in (*LEVELS, "privileged")}


def moved_to(text: str, namespace: str) -> str:
    """The objects, each one that names a namespace moved to ``namespace``."""
    docs = [doc for doc in yaml.safe_load_all(text) if doc]
    for doc in docs:
        if "namespace" in doc["metadata"]:
            doc["metadata"]["namespace"] = namespace
    return yaml.safe_dump_all(docs, sort_keys=False)


def written(path, flags, *, form: str = "yaml", tmp_path=None) -> str:
    """What `pod-advisor manifest --format FORM` writes for ``path``: the text, or the folder it wrote."""
    if form == "yaml":
        run = run_cli("manifest", str(path), *flags)
        assert run.status == 0, run.stderr
        return run.stdout
    folder = tmp_path / form
    run = run_cli("manifest", str(path), "--format", form, "-o", str(folder), *flags)
    assert run.status == 0, run.stderr
    return str(folder)


def rendered(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def admitted_with_no_warning(cluster, text: str, namespace_at: dict, level: str) -> None:
    namespace = namespace_at[claimed_level(text) or level]
    text = moved_to(text, namespace)
    done = applied(cluster, text, namespace)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # where kubectl prints the server's warnings
    objects = [doc for doc in yaml.safe_load_all(text) if doc]
    assert done.stdout.count("serverside-applied (server dry run)") == len(objects) > 0


def applied(cluster, text: str, namespace: str) -> subprocess.CompletedProcess:
    return cluster.kubectl("apply", "--server-side", "--dry-run=server", "--namespace", namespace, "-f", "-",
                           stdin=text, check=False)


EACH = pytest.mark.parametrize("path,level", [(p, level) for p in EXAMPLE_FILES for level in LEVELS],
                               ids=[f"{p.stem}-{level}" for p in EXAMPLE_FILES for level in LEVELS])


@EACH
def test_the_manifest_is_admitted_with_no_warning(cluster, namespace_at, path, level):
    admitted_with_no_warning(cluster, written(path, LEVELS[level]), namespace_at, level)


@EACH
def test_the_helm_chart_is_admitted_with_no_warning(cluster, namespace_at, helm, tmp_path, path, level):
    chart = written(path, LEVELS[level], form="helm", tmp_path=tmp_path)
    kubernetes = manifest_of(path).recommendation.kubernetes
    text = rendered(helm, "template", path.stem, chart, "--kube-version", kubernetes)
    admitted_with_no_warning(cluster, text, namespace_at, level)


@EACH
def test_the_kustomize_base_is_admitted_with_no_warning(cluster, namespace_at, kustomize, tmp_path, path, level):
    folder = written(path, LEVELS[level], form="kustomize", tmp_path=tmp_path)
    admitted_with_no_warning(cluster, rendered(kustomize, "build", f"{folder}/base"), namespace_at, level)


def test_a_workload_allowed_to_run_as_root_is_admitted_with_a_warning_at_restricted(cluster, namespace_at):
    """What the test above rules out, shown: Pod Security admits the Deployment and warns of its Pods."""
    text = written(EXAMPLES / "nginx-pod.yaml", LEVELS["baseline"])
    done = applied(cluster, text, namespace_at["restricted"])
    assert done.returncode == 0, done.stderr
    assert 'Warning: would violate PodSecurity "restricted:latest"' in done.stderr
    assert "deployment.apps/web serverside-applied (server dry run)" in done.stdout


def test_a_node_agent_that_mounts_node_paths_is_refused_its_pods_below_privileged(cluster, namespace_at):
    """Why the node agent claims "privileged": at baseline its hostPath volumes are warned of."""
    text = written(EXAMPLES / "node-agent.yaml", ())
    done = applied(cluster, text, namespace_at["baseline"])
    assert done.returncode == 0, done.stderr
    assert 'would violate PodSecurity "baseline:latest": hostPath volumes' in done.stderr


def test_a_bare_pod_allowed_to_run_as_root_is_refused_at_restricted(cluster, namespace_at):
    text = written(EXAMPLES / "debug-pod.yaml", LEVELS["baseline"])
    done = applied(cluster, text, namespace_at["restricted"])
    assert done.returncode != 0
    assert 'violates PodSecurity "restricted:latest"' in done.stderr
