"""Suppression: by annotation on the object or for one container, and by a config
file for manifests that cannot be edited. A suppressed finding is never dropped:
the JSON output lists it with what suppressed it."""

import json

import pytest

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
OBJECT_ANNOTATIONS
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
TEMPLATE_ANNOTATIONS
    spec:
      containers:
        - name: web
          image: nginx:latest
        - name: metrics
          image: nginx/nginx-prometheus-exporter:1.3.0
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
"""


def manifest(object_annotations="", template_annotations=""):
    return (DEPLOYMENT.replace("OBJECT_ANNOTATIONS\n", object_annotations)
            .replace("TEMPLATE_ANNOTATIONS\n", template_annotations))


def review(cli, *paths_and_flags):
    run = cli("review", "--format", "json", "--fail-on", "never", *paths_and_flags)
    assert run.status == 0, run.stderr
    return json.loads(run.stdout), run


def pairs(findings):
    return sorted((f["id"], (f["container"] or {}).get("name")) for f in findings)


def test_without_suppression_every_finding_is_active(cli, write):
    report, _ = review(cli, write("web.yaml", manifest()))
    assert pairs(report["findings"]) == [("mutable-image-tag", "web"), ("resources-unset", "metrics"),
                                         ("resources-unset", "web")]
    assert report["suppressed"] == []


def test_the_object_annotation_suppresses_the_ids_it_names_and_says_where(cli, write):
    annotations = '  annotations:\n    pod-advisor.io/ignore: "mutable-image-tag, resources-unset"\n'
    report, _ = review(cli, write("web.yaml", manifest(object_annotations=annotations)))
    assert report["findings"] == []
    assert len(report["suppressed"]) == 3
    assert {(s["suppressed"]["by"], s["suppressed"]["key"], s["suppressed"]["line"])
            for s in report["suppressed"]} == {("annotation", "pod-advisor.io/ignore", 6)}


def test_a_container_annotation_suppresses_only_that_containers_findings(cli, write):
    annotations = "      annotations:\n        pod-advisor.io/ignore.metrics: resources-unset\n"
    report, _ = review(cli, write("web.yaml", manifest(template_annotations=annotations)))
    assert pairs(report["findings"]) == [("mutable-image-tag", "web"), ("resources-unset", "web")]
    assert pairs(report["suppressed"]) == [("resources-unset", "metrics")]
    assert report["suppressed"][0]["suppressed"]["key"] == "pod-advisor.io/ignore.metrics"


def test_all_suppresses_every_finding_of_the_object(cli, write):
    report, _ = review(cli, write("web.yaml", manifest('  annotations: {pod-advisor.io/ignore: all}\n')))
    assert report["findings"] == [] and len(report["suppressed"]) == 3


def test_an_unknown_id_in_an_annotation_is_noted_with_a_suggestion(cli, write):
    _, run = review(cli, write("web.yaml", manifest('  annotations: {pod-advisor.io/ignore: resource-unset}\n')))
    assert "web.yaml:5: pod-advisor.io/ignore: 'resource-unset' is not a finding" in run.stderr
    assert "did you mean 'resources-unset'?" in run.stderr


CONFIG = """review:
  ignore:
    - id: [resources-unset]
      files: "vendor/*"
      objects: Deployment/web
      reason: the vendor's chart; a LimitRange sets resources
"""


def test_a_config_rule_suppresses_by_id_file_glob_and_object_with_its_reason(cli, write):
    config = write(".pod-advisor.yaml", CONFIG)
    inside = write("vendor/chart/web.yaml", manifest())
    outside = write("web.yaml", manifest())
    report, _ = review(cli, inside, outside, "--config", config)
    assert pairs(report["suppressed"]) == [("resources-unset", "metrics"), ("resources-unset", "web")]
    assert {s["file"] for s in report["suppressed"]} == {inside}
    assert report["suppressed"][0]["suppressed"] == {"by": "config", "file": config, "line": 3,
                                                     "key": "review.ignore[0]",
                                                     "reason": "the vendor's chart; a LimitRange sets resources"}
    assert len(report["findings"]) == 4  # both of web.yaml's, and the inside file's mutable tag, twice over


def test_a_config_rule_for_one_container_leaves_the_others(cli, write):
    config = write("ignore.yaml", "review:\n  ignore:\n    - id: resources-unset\n      containers: metrics\n")
    report, _ = review(cli, write("web.yaml", manifest()), "--config", config)
    assert pairs(report["suppressed"]) == [("resources-unset", "metrics")]


def test_the_config_file_in_the_current_folder_is_read_by_default(cli, write, tmp_path, monkeypatch):
    write(".pod-advisor.yaml", "review:\n  ignore:\n    - id: all\n")
    path = write("web.yaml", manifest())
    monkeypatch.chdir(tmp_path)
    report, _ = review(cli, path)
    assert report["findings"] == [] and len(report["suppressed"]) == 3


@pytest.mark.parametrize("text, message", [
    ("review:\n  ignore:\n    - id: resource-unset\n", ":3: review.ignore[0].id: 'resource-unset' is not a finding"),
    ("review:\n  ignore:\n    - id: bare-pod\n      file: x\n", ":4: review.ignore[0].file: unknown key (did you mean 'files'?)"),
    ("review:\n  ignores: []\n", ":2: review.ignores: unknown key"),
    ("review:\n  ignore:\n    - files: x\n", "review.ignore[0].id: is required"),
    ("review: {}\n---\nreview: {}\n", "holds several YAML documents; a config file is one"),
])
def test_a_broken_config_file_is_refused_with_its_line(cli, write, text, message):
    config = write("ignore.yaml", text)
    run = cli("review", write("web.yaml", manifest()), "--config", config)
    assert run.status == 2 and run.stdout == ""
    assert message in run.stderr


def test_suppressed_findings_do_not_fail_the_run(cli, write):
    path = write("web.yaml", manifest('  annotations: {pod-advisor.io/ignore: all}\n'))
    assert cli("review", path, "--fail-on", "warning").status == 0
    assert cli("review", write("other.yaml", manifest()), "--fail-on", "warning").status == 1


def test_the_text_output_lists_each_suppression_with_its_source(cli, write):
    path = write("web.yaml", manifest('  annotations: {pod-advisor.io/ignore: mutable-image-tag}\n'))
    run = cli("review", path)
    assert "Suppressed" in run.stdout
    assert f"{path}:16  mutable-image-tag [web]  by annotation pod-advisor.io/ignore ({path}:5)" in run.stdout


def test_each_finding_names_the_annotation_that_suppressed_it_when_object_and_template_both_ignore(cli, write):
    objects = '  annotations:\n    pod-advisor.io/ignore: mutable-image-tag\n'
    template = "      annotations:\n        pod-advisor.io/ignore: resources-unset\n"
    report, _ = review(cli, write("web.yaml", manifest(objects, template)))
    assert report["findings"] == []
    assert {(s["id"], s["suppressed"]["line"]) for s in report["suppressed"]} == {
        ("mutable-image-tag", 6), ("resources-unset", 15)}
