"""pod-advisor review as a user meets it: inputs, formats, -o, and exit statuses."""

import json
from pathlib import Path

import jsonschema
import pytest

from helpers.paths import FIXTURES

MISTAKES = FIXTURES / "review" / "mistakes"
CLEAN = FIXTURES / "review" / "clean"
BARE_POD = str(MISTAKES / "bare-pod.yaml")
JOB_SIDECAR = str(MISTAKES / "sidecar-blocks-completion.yaml")

# The part of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that code-scanning tools
# rely on: the required properties of sarifLog, run, tool, toolComponent, result, message,
# location, physicalLocation, artifactLocation, region and reportingDescriptor.
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "version": {"type": "string"},
                        "rules": {"type": "array", "items": {
                            "type": "object", "required": ["id"],
                            "properties": {
                                "id": {"type": "string"},
                                "shortDescription": {"$ref": "#/definitions/message"},
                                "fullDescription": {"$ref": "#/definitions/message"},
                                "help": {"$ref": "#/definitions/message"},
                                "defaultConfiguration": {"type": "object", "properties": {
                                    "level": {"enum": ["none", "note", "warning", "error"]}}},
                            }}},
                    }}}},
                "results": {"type": "array", "items": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "ruleIndex": {"type": "integer", "minimum": -1},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": {"$ref": "#/definitions/message"},
                        "locations": {"type": "array", "items": {
                            "type": "object",
                            "properties": {"physicalLocation": {
                                "type": "object",
                                "anyOf": [{"required": ["address"]}, {"required": ["artifactLocation"]}],
                                "properties": {
                                    "artifactLocation": {"type": "object", "properties": {
                                        "uri": {"type": "string", "format": "uri-reference"}}},
                                    "region": {"type": "object", "properties": {
                                        "startLine": {"type": "integer", "minimum": 1}}},
                                }}}}},
                        "suppressions": {"type": "array", "items": {
                            "type": "object", "required": ["kind"],
                            "properties": {"kind": {"enum": ["inSource", "external"]}}}},
                    }}},
            }}},
    },
    "definitions": {"message": {"type": "object", "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
                                "properties": {"text": {"type": "string"}}}},
}


def test_text_groups_findings_by_file_and_object_with_file_and_line(cli):
    run = cli("review", JOB_SIDECAR, BARE_POD)
    lines = run.stdout.splitlines()
    assert lines[0] == JOB_SIDECAR and lines[1].split() == ["Job", "import", f"{JOB_SIDECAR}:3"]
    assert f"    {JOB_SIDECAR}:24: error sidecar-blocks-completion  container log-shipper" in lines
    assert BARE_POD in lines and f"    {BARE_POD}:3: warning bare-pod" in lines
    assert lines[-1] == "2 objects reviewed in 2 files: 1 error, 1 warning."


def test_text_names_the_fix_and_what_a_guess_rests_on(cli):
    run = cli("review", str(MISTAKES / "restart-always-on-completion-deployment.yaml"))
    assert "fix: Run finite work as a Job" in run.stdout
    assert "guess: its command '/bin/sh -c pg_dump" in run.stdout


def test_a_clean_review_says_so(cli):
    run = cli("review", str(CLEAN / "deployment-with-service.yaml"))
    assert (run.status, run.stdout) == (0, "1 object reviewed in 1 file (also read: 1 PodDisruptionBudget, 1 Service): "
                                           "no findings.\n")


@pytest.mark.parametrize("api, kind, two", [
    ("networking.k8s.io/v1", "NetworkPolicy", "2 NetworkPolicies"), ("networking.k8s.io/v1", "Ingress", "2 Ingresses"),
    ("v1", "Endpoints", "2 Endpoints"), ("gateway.networking.k8s.io/v1", "Gateway", "2 Gateways"),
    ("monitoring.coreos.com/v1", "Prometheus", "2 Prometheuses"), ("ceph.rook.io/v1", "CephNFS", "2 CephNFSes")])
def test_the_kinds_also_read_are_counted_in_the_plural_english_gives_them(cli, write, api, kind, two):
    other = "".join(f"---\napiVersion: {api}\nkind: {kind}\nmetadata: {{name: n{i}}}\n" for i in range(2))
    path = write("input.yaml", (CLEAN / "deployment-with-service.yaml").read_text() + other)
    summary = cli("review", str(path)).stdout.splitlines()[-1]
    assert f" {two}," in summary or f" {two})" in summary


def test_json_carries_each_finding_with_object_and_container_places_and_the_advice(cli):
    run = cli("review", JOB_SIDECAR, "--format", "json", "--kubernetes", "1.33")
    report = json.loads(run.stdout)
    [finding] = report["findings"]
    assert finding["object"] == {"kind": "Job", "name": "import", "namespace": None, "file": JOB_SIDECAR, "line": 3}
    assert finding["container"] == {"name": "log-shipper", "line": 24}
    assert finding["see"] == ["patterns.sidecar-in-jobs", "patterns.native-sidecar"]
    [obj] = report["objects"]
    assert obj["recommendation"][0]["containers"][1] == {"name": "log-shipper", "role": "sidecar",
                                                         "placement": "initContainers"}
    assert obj["answers"]["workload"]["runs_to_completion"] is True
    assert report["summary"]["findings"] == {"error": 1, "warning": 0, "info": 0}


def test_sarif_output_has_what_the_2_1_0_schema_requires(cli):
    run = cli("review", str(MISTAKES), "--format", "sarif", "--kubernetes", "1.28")
    sarif = json.loads(run.stdout)
    jsonschema.validate(sarif, SARIF_SUBSET, format_checker=jsonschema.FormatChecker())
    driver = sarif["runs"][0]["tool"]["driver"]
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} <= {rule["id"] for rule in driver["rules"]}
    assert all(driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_sarif_rules_carry_their_help_from_the_knowledge_base(cli):
    sarif = json.loads(cli("review", BARE_POD, "--format", "sarif").stdout)
    rule = next(r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "pod-ip-literal")
    assert rule["shortDescription"]["text"] == "A Pod IP written into configuration"
    assert "Mistake: relying on a Pod's IP" in rule["help"]["text"] and "A heuristic" in rule["help"]["text"]
    [result] = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert result["level"] == "warning"


def test_sarif_marks_suppressed_results_instead_of_dropping_them(cli, write):
    text = (MISTAKES / "mutable-image-tag.yaml").read_text().replace(
        "  name: web\n", "  name: web\n  annotations: {pod-advisor.io/ignore: mutable-image-tag}\n", 1)
    sarif = json.loads(cli("review", write("web.yaml", text), "--format", "sarif").stdout)
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"][0]["kind"] == "inSource"


# -- inputs -------------------------------------------------------------------------------------


def test_standard_input_is_read_with_a_dash(cli):
    run = cli("review", "-", "--format", "json", stdin=(MISTAKES / "bare-pod.yaml").read_text())
    [finding] = json.loads(run.stdout)["findings"]
    assert (finding["id"], finding["file"], finding["line"]) == ("bare-pod", "<stdin>", 3)


@pytest.mark.parametrize("stdin", ["", "\n  \n", "# rendered by nothing\n---\n"], ids=["empty", "blank", "comments"])
def test_empty_standard_input_is_nothing_to_review_and_exits_2(cli, stdin):
    run = cli("review", "-", stdin=stdin)
    assert run.status == 2
    assert "<stdin>: nothing to review: standard input is empty" in run.stderr


def test_a_renderer_that_fails_before_the_pipe_fails_the_review(tmp_path):
    # As in `helm template ./chart | pod-advisor review -` with a chart helm cannot render.
    import shlex
    import subprocess

    from helpers.installed import TIMEOUT, console_script, default_signals

    done = subprocess.run(["sh", "-c", f"false | {shlex.quote(console_script())} review -"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=TIMEOUT, preexec_fn=default_signals)
    assert done.returncode == 2
    assert "nothing to review" in done.stderr


def test_a_folder_is_searched_recursively_for_yaml_yml_and_json(cli, write, tmp_path):
    write("k8s/a/web.yml", (MISTAKES / "bare-pod.yaml").read_text())
    write("k8s/b/api.json", (CLEAN / "db-ambassador.json").read_text())
    write("k8s/README.md", "not a manifest")
    write("k8s/.hidden/skip.yaml", "kind: Pod\n")
    report = json.loads(cli("review", str(tmp_path / "k8s"), "--format", "json").stdout)
    assert report["summary"]["files"] == 2 and report["summary"]["objects"] == 2
    assert [f["id"] for f in report["findings"]] == ["bare-pod"]


def test_documents_that_are_not_kubernetes_objects_are_skipped(cli, write):
    values = write("values.yaml", "replicaCount: 2\nimage: {tag: latest}\n")
    run = cli("review", values, str(CLEAN / "node-agent.yaml"))
    assert run.status == 0 and "1 object reviewed in 2 files" in run.stdout


def test_objects_beside_plain_data_in_one_file_are_an_illustration_and_not_reviewed(cli, write):
    """kubectl apply reports the plain document as an error: nobody applies such a file as it is (blind round 36)."""
    path = write("values.yaml", "replicaCount: 2\nimage: {tag: latest}\n---\n" + (CLEAN / "node-agent.yaml").read_text())
    run = cli("review", path)
    assert run.status == 0 and "0 objects reviewed" in run.stdout
    assert "its file also holds a document of plain data (line 1: no apiVersion or kind)" in run.stderr


@pytest.mark.parametrize("text, message", [
    ("kind: Pod\nmetadata: {name: x\n", "not valid YAML"),
    ("kind: Pod\nmetadata:\n  name: a\n  name: b\n", ":4: metadata.name: the key 'name' appears twice"),
])
def test_an_unreadable_file_is_named_with_its_place_and_exits_2(cli, write, text, message):
    run = cli("review", write("bad.yaml", text))
    assert run.status == 2
    assert message in run.stderr and "Traceback" not in run.stderr
    assert "0 objects reviewed in 0 files" in run.stdout and "1 file could not be reviewed" in run.stdout


def test_one_unreadable_file_does_not_hide_the_findings_of_the_others(cli, write, tmp_path):
    write("k8s/bad.yaml", "kind: Pod\nmetadata: {name: x\n")
    write("k8s/pod.yaml", Path(BARE_POD).read_text())
    run = cli("review", str(tmp_path / "k8s"))
    assert run.status == 2
    assert "bad.yaml:3: not valid YAML" in run.stderr
    assert "bare-pod" in run.stdout and "1 object reviewed in 1 file" in run.stdout


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_files_that_could_not_be_reviewed_are_in_the_json_and_sarif(cli, write, tmp_path, fmt):
    write("k8s/bad.yaml", "kind: Pod\nmetadata:\n  name: a\n  name: b\n")
    write("k8s/pod.yaml", Path(BARE_POD).read_text())
    run = cli("review", str(tmp_path / "k8s"), "--format", fmt)
    assert run.status == 2
    data = json.loads(run.stdout)
    if fmt == "json":
        assert [(e["file"].endswith("bad.yaml"), e["line"]) for e in data["errors"]] == [(True, 4)]
        assert data["summary"]["errors"] == 1 and [f["id"] for f in data["findings"]] == ["bare-pod"]
    else:
        invocation = data["runs"][0]["invocations"][0]
        assert invocation["executionSuccessful"] is False
        [note] = invocation["toolExecutionNotifications"]
        assert note["level"] == "error" and note["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
        assert [r["ruleId"] for r in data["runs"][0]["results"]] == ["bare-pod"]


def test_a_helm_template_gets_a_hint_to_render_it_first(cli, write):
    run = cli("review", write("templates/deployment.yaml", "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"))
    assert run.status == 2 and "helm template CHART | pod-advisor review -" in run.stderr


def test_every_missing_path_is_named(cli):
    run = cli("review", "nope.yaml", "nope-dir/")
    assert run.status == 2
    assert "nope.yaml: no such file or folder" in run.stderr and "nope-dir/: no such file or folder" in run.stderr


@pytest.mark.parametrize("version", ["1.24", "2.0", "latest"])
def test_an_unsupported_kubernetes_version_is_refused(cli, version):
    run = cli("review", BARE_POD, "--kubernetes", version)
    assert run.status == 2 and "--kubernetes" in run.stderr


# -- exit status and -o -----------------------------------------------------------------------------


@pytest.mark.parametrize("fail_on, status", [("error", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on_sets_the_lowest_severity_that_fails_the_run(cli, fail_on, status):
    assert cli("review", BARE_POD, "--fail-on", fail_on).status == status


def test_by_default_only_errors_fail_the_run(cli):
    assert cli("review", BARE_POD).status == 0
    assert cli("review", JOB_SIDECAR).status == 1


def test_output_file_is_written_and_not_overwritten_without_force(cli, tmp_path):
    target = tmp_path / "review.sarif"
    first = cli("review", BARE_POD, "--format", "sarif", "-o", str(target))
    assert (first.status, first.stdout) == (0, "") and json.loads(target.read_text())["version"] == "2.1.0"
    again = cli("review", BARE_POD, "-o", str(target))
    assert again.status == 2 and "already exists; pass --force" in again.stderr
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert cli("review", BARE_POD, "-o", str(target), "--force").status == 0
    assert target.read_text().startswith(BARE_POD)


def test_no_colour_codes_unless_stdout_is_a_terminal(cli):
    assert "\033[" not in cli("review", BARE_POD).stdout
    assert "\033[" in cli("review", BARE_POD, tty=True, environ={"NO_COLOR": "", "TERM": "xterm"}).stdout


def test_output_dash_is_standard_output_as_for_manifest_and_batch(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("review", BARE_POD, "--format", "json", "-o", "-")
    assert run.status == 0 and json.loads(run.stdout)["summary"]["objects"] == 1
    assert not (tmp_path / "-").exists() and "wrote" not in run.stderr


def test_a_plain_equals_sign_is_read_as_the_string_kubectl_sees(cli, write):
    # YAML 1.1 gives a plain "=" a tag of its own; Kubernetes' YAML reader takes it as text.
    text = Path(BARE_POD).read_text() + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ops}\ndata:\n  op: =\n"
    run = cli("review", write("pod.yaml", text), "--format", "json")
    assert run.status == 0 and json.loads(run.stdout)["summary"]["errors"] == 0
