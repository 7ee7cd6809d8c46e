"""The real helm on the chart of every example and fixture: it lints, its default values render
exactly the plain manifest's objects, an override renders what it says, and the schema makes
helm refuse a value of the wrong type.

helm is built by tools/build-go-tools (.ci/run calls it); without it these tests skip, and fail in CI.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict

import pytest
import yaml
from helpers.paths import EXAMPLES
from helpers.manifest_forms import charts, default_renders, helm  # noqa: F401  (fixtures)
from helpers.manifest_forms import ANSWER_FILES, IDS, as_data, namespace_flags, rendered, with_shared_image

from advisor.engine.advise import advise
from advisor.manifests import build_objects
from advisor.manifests.files import image_parts

TIMEOUT = 120


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=TIMEOUT, check=False)


def template(helm, folder, kubernetes: str, *sets: str, flags=()) -> subprocess.CompletedProcess:
    args = [helm, "template", str(folder), "--kube-version", kubernetes, *flags]
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
    images = yaml.safe_load((folder / "values.yaml").read_text())["images"]
    key = next(k for k, v in images.items() if v == image)
    sets = [f"images.{key}.tag=9.9.9", f"workloads.{plan.name}.containers.{main.name}.allowRoot=true"]
    if plan.controller in ("Deployment", "StatefulSet"):
        sets.append(f"workloads.{plan.name}.replicas=5")
        rec = advise(rec.answers.with_changes(replicas=5))  # what the rules draw for 5 replicas
    expected = with_shared_image(rec, main.name, f"{image['repository']}:9.9.9"
                                                 + (f"@{image['digest']}" if "digest" in image else ""))
    done = template(helm, folder, rec.kubernetes, *sets, flags=namespace_flags(manifest))
    assert done.returncode == 0, done.stderr
    objects = rendered(done.stdout)
    assert objects == as_data(build_objects(expected, allow_root=[main.name]))
    workload = next(o for o in objects if o["metadata"]["name"] == plan.name and o["kind"] == plan.controller)
    if plan.controller in ("Deployment", "StatefulSet"):
        assert workload["spec"]["replicas"] == 5


def test_one_replica_drops_the_spread_over_nodes_as_the_manifest_for_one_replica_does(helm, charts):
    folder, manifest = charts[EXAMPLES / "nginx-pod.yaml"]
    rec = manifest.recommendation
    done = template(helm, folder, rec.kubernetes, "workloads.web.replicas=1")
    assert done.returncode == 0, done.stderr
    objects = rendered(done.stdout)
    assert objects == as_data(build_objects(advise(rec.answers.with_changes(replicas=1))))
    assert "affinity" not in objects[0]["spec"]["template"]["spec"]


BLOG = EXAMPLES / "app-and-database.yaml"


@pytest.mark.parametrize("value, message", [
    ("workloads.blog.replicas=abc", "at '/workloads/blog/replicas': got string, want integer"),
    ("images.app.tag=2", "at '/images/app/tag': got number, want string"),
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


NODE_AGENT = EXAMPLES / "node-agent.yaml"


def test_the_extension_points_a_platform_sets_are_rendered_where_kubernetes_reads_them(helm, charts):
    folder, manifest = charts[BLOG]
    done = template(helm, folder, manifest.recommendation.kubernetes,
                    "workloads.blog.nodeSelector.pool=web", "workloads.blog.podAnnotations.team=shop",
                    "workloads.blog.imagePullSecrets[0].name=regcred",
                    "workloads.blog.tolerations[0].key=dedicated", "workloads.blog.tolerations[0].operator=Exists",
                    "workloads.blog.containers.app.env[0].name=LOG_LEVEL",
                    "workloads.blog.containers.app.env[0].value=debug")
    assert done.returncode == 0, done.stderr
    blog = next(o for o in rendered(done.stdout) if o["kind"] == "Deployment")
    template_ = blog["spec"]["template"]
    pod = template_["spec"]
    assert template_["metadata"]["annotations"] == {"team": "shop"}
    assert (pod["nodeSelector"], pod["imagePullSecrets"]) == ({"pool": "web"}, [{"name": "regcred"}])
    assert pod["tolerations"] == [{"key": "dedicated", "operator": "Exists"}]
    assert [e["name"] for e in pod["containers"][0]["env"]] == ["DATABASE_HOST", "DATABASE_PASSWORD", "LOG_LEVEL"]


def test_an_affinity_given_replaces_the_designs_spread_over_nodes(helm, charts):
    folder, manifest = charts[BLOG]
    done = template(helm, folder, manifest.recommendation.kubernetes,
                    "workloads.blog.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                    ".nodeSelectorTerms[0].matchExpressions[0].key=pool",
                    "workloads.blog.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                    ".nodeSelectorTerms[0].matchExpressions[0].operator=Exists")
    assert done.returncode == 0, done.stderr
    pod = next(o for o in rendered(done.stdout) if o["kind"] == "Deployment")["spec"]["template"]["spec"]
    assert list(pod["affinity"]) == ["nodeAffinity"] and "topologySpreadConstraints" in pod


def test_tolerations_given_are_added_to_a_node_agents_own(helm, charts):
    folder, manifest = charts[NODE_AGENT]
    done = template(helm, folder, manifest.recommendation.kubernetes,
                    "workloads.node-logs.tolerations[0].key=gpu", "workloads.node-logs.tolerations[0].operator=Exists",
                    flags=namespace_flags(manifest))
    assert done.returncode == 0, done.stderr
    pod = next(o for o in rendered(done.stdout) if o["kind"] == "DaemonSet")["spec"]["template"]["spec"]
    assert pod["tolerations"] == [{"operator": "Exists"}, {"key": "gpu", "operator": "Exists"}]


def test_more_replicas_bring_the_disruption_budget_and_the_zone_spread_the_manifest_for_them_has(helm, charts):
    folder, manifest = charts[BLOG]
    rec = manifest.recommendation
    done = template(helm, folder, rec.kubernetes, "workloads.postgres.replicas=3")
    assert done.returncode == 0, done.stderr
    objects = rendered(done.stdout)
    assert ("PodDisruptionBudget", "postgres") in {(o["kind"], o["metadata"]["name"]) for o in objects}
    postgres = next(o for o in objects if o["kind"] == "StatefulSet")
    assert "topologySpreadConstraints" in postgres["spec"]["template"]["spec"]


def test_one_replica_renders_no_disruption_budget(helm, charts):
    folder, manifest = charts[BLOG]
    done = template(helm, folder, manifest.recommendation.kubernetes, "workloads.blog.replicas=1")
    assert done.returncode == 0, done.stderr
    assert "PodDisruptionBudget" not in [o["kind"] for o in rendered(done.stdout)]


def test_a_namespace_in_the_answers_is_the_releases_in_the_chart(helm, charts, tmp_path):
    path = next(p for p in ANSWER_FILES if p.stem == "namespace-from-answers")
    folder, manifest = charts[path]
    done = template(helm, folder, manifest.recommendation.kubernetes, flags=["--namespace", "elsewhere"])
    assert done.returncode == 0, done.stderr
    assert {o["metadata"]["namespace"] for o in rendered(done.stdout)} == {"elsewhere"}
