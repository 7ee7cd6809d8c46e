"""The Helm chart of a design, as files: what is a value, what is fixed, and the comments kept.

The real helm renders the charts in test_manifest_helm_tools.py.
"""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from helpers.paths import EXAMPLES
from helpers.manifest_forms import ANSWER_FILES, IDS, manifest_of

from advisor.manifests.files import object_file
from advisor.manifests.helm import chart_files

APP_AND_DATABASE = EXAMPLES / "app-and-database.yaml"
NIGHTLY = EXAMPLES / "nightly-cronjob.yaml"
LOG_SHIPPER = EXAMPLES / "web-with-log-shipper.yaml"


def chart(path, **options):
    return chart_files(manifest_of(path, **options))


def values(path, **options):
    return yaml.safe_load(chart(path, **options)["values.yaml"])


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_the_chart_holds_its_metadata_values_schema_helpers_notes_and_a_template_per_object():
    manifest = manifest_of(APP_AND_DATABASE)
    files = chart_files(manifest)
    assert sorted(files) == sorted(["Chart.yaml", "values.yaml", "values.schema.json", "templates/_helpers.tpl",
                                    "templates/NOTES.txt", *(f"templates/{object_file(o)}" for o in manifest.objects),
                                    "templates/poddisruptionbudget-postgres.yaml"])  # for 2 replicas and more
    assert "templates/statefulset-postgres.yaml" in files and "templates/service-blog.yaml" in files


def test_chart_yaml_is_api_v2_for_the_target_kubernetes_version():
    meta = yaml.safe_load(chart(APP_AND_DATABASE)["Chart.yaml"])
    assert meta["apiVersion"] == "v2" and meta["name"] == "blog" and meta["type"] == "application"
    assert meta["kubeVersion"] == ">=1.33.0-0"
    assert meta["appVersion"] == "1.8.0"  # the main container's tag


def test_values_are_what_teams_change_per_environment():
    found = values(APP_AND_DATABASE)
    workloads = found["workloads"]
    assert workloads["blog"] == {
        "replicas": 2,
        "containers": {"app": {"resources": {"requests": {"cpu": "250m", "memory": "256Mi"},
                                             "limits": {"cpu": "250m", "memory": "256Mi"}},
                               "allowRoot": False, "env": []}},
        "service": {"ports": {"tcp-8000": 8000}},
        "podAnnotations": {}, "nodeSelector": {}, "tolerations": [], "affinity": {}, "imagePullSecrets": []}
    assert workloads["postgres"]["replicas"] == 1
    assert found["images"] == {"app": {"repository": "ghcr.io/example/blog", "tag": "1.8.0"},
                               "postgres": {"repository": "bitnamilegacy/postgresql", "tag": "16.4.0"}}


def test_an_image_several_containers_run_is_one_value(write):
    path = write("shared.yaml", "name: web\ncontainers:\n  - name: web\n    image: ghcr.io/example/web:1.0.0\n"
                                "    ports: [8000]\n  - name: worker\n    image: ghcr.io/example/web:1.0.0\n"
                                "    purpose: separate-service\n    talks_over_network: false\n")
    files = chart(path)
    assert yaml.safe_load(files["values.yaml"])["images"] == {"web": {"repository": "ghcr.io/example/web",
                                                                      "tag": "1.0.0"}}
    assert '(index $.Values.images "web")' in files["templates/deployment-worker.yaml"]


def test_a_cronjob_has_its_schedule_as_a_value_and_no_replicas():
    entry = values(NIGHTLY)["workloads"]["nightly-report"]
    assert entry["schedule"] == "0 3 * * *" and "replicas" not in entry


def test_the_design_is_no_value():
    text = chart(LOG_SHIPPER)["values.yaml"]
    for fixed in ("restartPolicy", "initContainers", "Deployment:", "securityContext", "readinessProbe"):
        assert fixed not in yaml.safe_dump(yaml.safe_load(text)), fixed


def test_allow_root_for_makes_that_container_allowed_to_run_as_root_by_default():
    containers = values(LOG_SHIPPER, allow_root=["web"])["workloads"]["shop"]["containers"]
    assert containers["web"]["allowRoot"] is True and containers["log-shipper"]["allowRoot"] is False


def test_an_image_pinned_by_digest_keeps_its_digest_as_a_value(write):
    path = write("digest.yaml", "name: web\ncontainers:\n  - name: web\n"
                                "    image: nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n")
    image = values(path)["images"]["web"]
    assert image == {"repository": "nginx", "tag": "1.27", "digest": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_the_schema_accepts_the_default_values(path):
    files = chart(path)
    jsonschema.validate(yaml.safe_load(files["values.yaml"]), yaml.safe_load(files["values.schema.json"]))


@pytest.mark.parametrize("change, message", [
    (lambda v: v["workloads"]["blog"].update(replicas="abc"), "'abc' is not of type 'integer'"),
    (lambda v: v["workloads"]["blog"].update(replica=3), "'replica' was unexpected"),
    (lambda v: v["images"]["app"].update(tag=2), "2 is not of type 'string'"),
    (lambda v: v["workloads"]["blog"].update(nodeSelector={"pool": 1}), "1 is not of type 'string'"),
    (lambda v: v["workloads"]["blog"].update(imagePullSecrets=[{"secret": "x"}]), "'name' is a required property"),
    (lambda v: v["workloads"]["blog"]["containers"]["app"].update(env=[{"value": "x"}]),
     "'name' is a required property"),
    (lambda v: v["workloads"]["blog"]["containers"]["app"]["resources"]["limits"].update(memory="1GB"),
     "'1GB' does not match"),
    (lambda v: v["workloads"]["blog"]["service"]["ports"].update({"tcp-8000": 70000}),
     "70000 is greater than the maximum of 65535"),
    (lambda v: v["workloads"]["blog"]["containers"]["app"].update(allowRoot="yes"), "'yes' is not of type 'boolean'"),
])
def test_the_schema_refuses_a_value_of_the_wrong_type_or_name(change, message):
    files = chart(APP_AND_DATABASE)
    wrong = yaml.safe_load(files["values.yaml"])
    change(wrong)
    with pytest.raises(jsonschema.ValidationError, match=message):
        jsonschema.validate(wrong, yaml.safe_load(files["values.schema.json"]))


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_the_templates_keep_every_why_comment_of_the_plain_manifest(path):
    manifest = manifest_of(path)
    files = chart_files(manifest)
    plain = comment_lines(manifest.text().split("\n---\n", 1)[1])  # after the header, which values.yaml has
    templates = [line for name, text in files.items() if name.startswith("templates/")
                 for line in comment_lines(text)]
    assert [line for line in plain if line not in templates] == []


def test_no_comments_writes_a_chart_without_yaml_comments():
    files = chart_files(manifest_of(LOG_SHIPPER), comments=False)
    for name, text in files.items():
        if name.endswith(".yaml"):
            assert comment_lines(text) == [], name


def test_the_templates_name_objects_as_the_design_does_not_after_the_release():
    files = chart(APP_AND_DATABASE)
    assert ".Release.Name" not in files["templates/statefulset-postgres.yaml"]
    assert "name: postgres" in files["templates/service-postgres.yaml"]


def test_labels_come_from_the_helpers():
    files = chart(APP_AND_DATABASE)
    assert 'define "blog.labels"' in files["templates/_helpers.tpl"]
    assert 'define "blog.selectorLabels"' in files["templates/_helpers.tpl"]
    deployment = files["templates/deployment-blog.yaml"]
    assert 'labels: {{- include "blog.labels" "blog" | nindent 4 }}' in deployment
    assert "app.kubernetes.io/part-of" not in deployment


def test_notes_say_how_to_reach_each_service():
    notes = chart(APP_AND_DATABASE)["templates/NOTES.txt"]
    assert "blog.{{ .Release.Namespace }}.svc.cluster.local:" in notes
    assert "postgres-0.postgres.{{ .Release.Namespace }}.svc.cluster.local:" in notes
    assert "kubectl port-forward --namespace {{ .Release.Namespace }} service/blog 8080:" in notes


def test_notes_say_where_a_job_and_a_cronjob_leave_their_logs():
    assert "kubectl logs --namespace {{ .Release.Namespace }} job/migrate-schema" in \
        chart(EXAMPLES / "migration-job.yaml")["templates/NOTES.txt"]
    assert "kubectl get jobs" in chart(NIGHTLY)["templates/NOTES.txt"]
