"""Every example's recommendation, as a newcomer would read it."""

import pytest

from advisor.answers.load import load_answers
from advisor.engine import evaluate
from helpers.paths import EXAMPLES

# file: [(workload, controller, restartPolicy, replicas, layout, service, {container: (role, placement)})], findings
EXPECTED = {
    "nginx-pod": ([("web", "Deployment", "Always", 2, "single-container", "ClusterIP",
                    {"web": ("main", "containers")})], []),
    "web-with-log-shipper": ([("shop", "Deployment", "Always", 2, "multi-container", "ClusterIP",
                               {"web": ("main", "containers"), "log-shipper": ("sidecar", "initContainers")})], []),
    "metrics-adapter": ([("cache", "Deployment", "Always", 2, "multi-container", "ClusterIP",
                          {"redis": ("main", "containers"), "exporter": ("adapter", "initContainers")})], []),
    "db-ambassador": ([("orders-api", "Deployment", "Always", 3, "multi-container", "ClusterIP",
                        {"api": ("main", "containers"), "db-proxy": ("ambassador", "initContainers")})], []),
    "app-and-database": ([("blog", "Deployment", "Always", 2, "single-container", "ClusterIP",
                           {"app": ("main", "containers")}),
                          ("postgres", "StatefulSet", "Always", 1, "single-container", "headless",
                           {"postgres": ("main", "containers")})], ["single-replica"]),
    "migration-job": ([("migrate-schema", "Job", "OnFailure", None, "single-container", None,
                        {"migrate": ("main", "containers")})], []),
    "nightly-cronjob": ([("nightly-report", "CronJob", "Never", None, "single-container", None,
                          {"report": ("main", "containers")})], []),
    "node-agent": ([("node-logs", "DaemonSet", "Always", None, "single-container", None,
                     {"collector": ("main", "containers")})], []),
    "statefulset": ([("etcd", "StatefulSet", "Always", 3, "single-container", "headless",
                      {"etcd": ("main", "containers")})], []),
    "debug-pod": ([("curl-test", "Pod", "Never", None, "single-container", None,
                    {"curl": ("main", "containers")})], ["bare-pod"]),
    "job-with-sidecar-1.27": ([("import", "Job", "OnFailure", None, "multi-container", None,
                                {"importer": ("main", "containers"), "log-shipper": ("sidecar", "containers")})],
                              ["sidecar-blocks-completion"]),
    "job-with-sidecar-1.33": ([("import", "Job", "OnFailure", None, "multi-container", None,
                                {"importer": ("main", "containers"),
                                 "log-shipper": ("sidecar", "initContainers")})], []),
    "web-with-init-and-content-sync": ([("docs", "Deployment", "Always", 2, "multi-container", "ClusterIP",
                                         {"web": ("main", "containers"), "first-build": ("init", "initContainers"),
                                          "git-sync": ("sidecar", "initContainers")})], []),
    "web-with-tls-proxy": ([("payments", "Deployment", "Always", 3, "multi-container", "ClusterIP",
                             {"app": ("main", "containers"), "tls-proxy": ("sidecar", "initContainers")})], []),
}


def test_every_example_has_its_expected_recommendation_listed():
    assert sorted(p.stem for p in EXAMPLES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_recommendation(name):
    workloads, findings = EXPECTED[name]
    rec = evaluate(load_answers(str(EXAMPLES / f"{name}.yaml")))
    got = [(w.name, w.controller, w.restart_policy, w.replicas, w.layout, w.service,
            {c.name: (c.role, c.placement) for c in w.containers}) for w in rec.workloads]
    assert got == workloads
    assert rec.finding_ids() == findings


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_example_opens_with_a_comment_on_what_it_shows(path):
    assert path.read_text().startswith("# ") and "Shows:" in path.read_text()
