"""The real helm on the chart of every example and fixture: it lints, its default values render
exactly the plain manifest's objects, an override renders what it says, and the schema makes
helm refuse a value of the wrong type.

helm is built by tools/build-go-tools (.ci/run calls it); without it these tests skip, and fail in CI.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict

import pytest
from helpers.paths import EXAMPLES
from helpers.manifest_forms import charts, default_renders, helm  # noqa: F401  (fixtures)
from helpers.manifest_forms import ANSWER_FILES, IDS, as_data, rendered, with_image, with_workload

from advisor.manifests import build_objects
from advisor.manifests.files import image_parts

TIMEOUT = 120


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=TIMEOUT, check=False)


def template(helm, folder, kubernetes: str, *sets: str) -> subprocess.CompletedProcess:
    args = [helm, "template", str(folder), "--kube-version", kubernetes]
    for value in sets:
        args += ["--set", value]
    return run(*args)


@pytest.fixture(scope="session")
def lint_reports(helm, charts):
    """helm lint --strict once for all the charts of each Kubernetes version: {folder: its report}."""
    by_version = defaultdict(list)
    for folder, manifest in charts.values():
        by_version[manifest.recommendation.kubernetes].append(folder)
    reports = {}
    for version, folders in by_version.items():
        done = run(helm, "lint", "--strict", "--kube-version", version, *map(str, folders))
        for block in done.stdout.split("==> Linting ")[1:]:
            folder, _, report = block.partition("\n")
            reports[folder.strip()] = report
    return reports


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_helm_lint_finds_nothing_wrong(path, charts, lint_reports):
    folder, _ = charts[path]
    report = lint_reports[str(folder)]
    assert "[ERROR]" not in report and "[WARNING]" not in report, report


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_the_default_values_render_exactly_the_plain_manifest(path, charts, default_renders):
    _, manifest = charts[path]
    done = default_renders[path]
    assert done.returncode == 0, done.stderr
    assert rendered(done.stdout) == as_data(manifest.objects)


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_an_override_renders_what_the_manifest_for_those_answers_would(path, helm, charts):
    """Replicas 5 (where the controller has replicas), another image tag and root for the main
    container: the objects pod-advisor builds for those answers, no more, no less."""
    folder, manifest = charts[path]
    rec = manifest.recommendation
    plan, main = rec.main, rec.main.main
    image = image_parts(main.image)
    sets = [f"workloads.{plan.name}.containers.{main.name}.image.tag=9.9.9",
            f"workloads.{plan.name}.containers.{main.name}.allowRoot=true"]
    expected = with_image(rec, main.name, f"{image['repository']}:9.9.9"
                                           + (f"@{image['digest']}" if "digest" in image else ""))
    if plan.controller in ("Deployment", "StatefulSet"):
        sets.append(f"workloads.{plan.name}.replicas=5")
        expected = with_workload(expected, plan.name, replicas=5)
    done = template(helm, folder, rec.kubernetes, *sets)
    assert done.returncode == 0, done.stderr
    objects = rendered(done.stdout)
    assert objects == as_data(build_objects(expected, allow_root=[main.name]))
    workload = next(o for o in objects if o["metadata"]["name"] == plan.name and o["kind"] != "Service")
    if plan.controller in ("Deployment", "StatefulSet"):
        assert workload["spec"]["replicas"] == 5


def test_one_replica_drops_the_spread_over_nodes_as_the_manifest_for_one_replica_does(helm, charts):
    folder, manifest = charts[EXAMPLES / "nginx-pod.yaml"]
    rec = manifest.recommendation
    done = template(helm, folder, rec.kubernetes, "workloads.web.replicas=1")
    assert done.returncode == 0, done.stderr
    objects = rendered(done.stdout)
    assert objects == as_data(build_objects(with_workload(rec, "web", replicas=1)))
    assert "affinity" not in objects[0]["spec"]["template"]["spec"]


BLOG = EXAMPLES / "app-and-database.yaml"


@pytest.mark.parametrize("value, message", [
    ("workloads.blog.replicas=abc", "at '/workloads/blog/replicas': got string, want integer"),
    ("workloads.blog.containers.app.image.tag=2", "at '/workloads/blog/containers/app/image/tag': got number, "
                                                  "want string"),
    ("workloads.blog.replica=3", "additional properties 'replica' not allowed"),
    ("workloads.blog.service.ports.tcp-8000=99999", "at '/workloads/blog/service/ports/tcp-8000'"),
])
def test_the_schema_makes_helm_template_refuse_a_wrong_value(helm, charts, value, message):
    folder, manifest = charts[BLOG]
    done = template(helm, folder, manifest.recommendation.kubernetes, value)
    assert done.returncode != 0 and done.stdout == ""
    assert message in done.stderr


def test_the_schema_makes_helm_lint_refuse_a_wrong_value(helm, charts):
    folder, manifest = charts[BLOG]
    done = run(helm, "lint", str(folder), "--kube-version", manifest.recommendation.kubernetes,
               "--set", "workloads.blog.replicas=abc")
    assert done.returncode != 0
    assert "at '/workloads/blog/replicas': got string, want integer" in done.stdout + done.stderr


def test_helm_refuses_a_cluster_older_than_the_design_targets(helm, charts):
    folder, _ = charts[BLOG]  # for Kubernetes 1.33
    done = template(helm, folder, "1.30")
    assert done.returncode != 0
    assert "chart requires kubeVersion: >=1.33.0-0 which is incompatible with Kubernetes v1.30" in done.stderr
