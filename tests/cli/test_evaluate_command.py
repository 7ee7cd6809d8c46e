"""`pod-advisor evaluate`: what a person and a program read."""

import json
import subprocess
import sys

import yaml

from helpers.paths import EXAMPLES

SHOP = str(EXAMPLES / "web-with-log-shipper.yaml")


def test_text_draws_the_pod_with_its_containers_by_role(cli):
    out = cli("evaluate", SHOP).stdout
    assert "Deployment shop" in out and "restartPolicy Always" in out
    assert "Service shop (ClusterIP)" in out
    assert "sidecar    log-shipper" in out and "main       web" in out
    assert "shared volume: web, log-shipper" in out


def test_text_gives_one_line_of_why_per_conclusion_with_its_rule(cli):
    out = cli("evaluate", SHOP).stdout
    assert "[colocate-shared-volume]" in out and "[native-sidecar]" in out and "[deployment-by-default]" in out


def test_text_lists_findings_with_severity_and_fix(cli):
    out = cli("evaluate", str(EXAMPLES / "job-with-sidecar-1.27.yaml")).stdout
    assert "error     sidecar-blocks-completion" in out
    assert "fix: On Kubernetes 1.29 or newer" in out


def test_explain_adds_the_answers_and_the_knowledge_base_text(cli):
    plain, explained = cli("evaluate", SHOP).stdout, cli("evaluate", SHOP, "--explain").stdout
    assert "because containers[1].shares_volume = true" in explained and "because" not in plain
    assert "From the knowledge base" in explained and "(patterns.native-sidecar)" in explained


def test_json_is_the_documented_object(cli):
    data = json.loads(cli("evaluate", SHOP, "--format", "json").stdout)
    assert list(data) == ["name", "kubernetes", "workloads", "findings", "reasons"]
    assert list(data["workloads"][0]) == ["name", "controller", "restartPolicy", "replicas", "layout", "service",
                                          "containers"]
    assert data["workloads"][0]["containers"] == [
        {"name": "web", "role": "main", "placement": "containers"},
        {"name": "log-shipper", "role": "sidecar", "placement": "initContainers"}]
    assert all(set(r) == {"rule", "conclusion", "because", "see"} for r in data["reasons"])


def test_yaml_holds_the_same_data_as_json(cli):
    as_json = json.loads(cli("evaluate", SHOP, "--format", "json").stdout)
    assert yaml.safe_load(cli("evaluate", SHOP, "--format", "yaml").stdout) == as_json


def test_no_colour_when_output_is_not_a_terminal(cli):
    assert "\033[" not in cli("evaluate", SHOP).stdout


def test_colour_on_a_terminal(cli):
    assert "\033[" in cli("evaluate", SHOP, tty=True, environ={"NO_COLOR": "", "TERM": "xterm"}).stdout


def test_no_color_is_honoured_on_a_terminal(cli):
    assert "\033[" not in cli("evaluate", SHOP, tty=True, environ={"NO_COLOR": "1"}).stdout


def test_fail_on_warning_exits_1_when_a_warning_is_raised(cli):
    assert cli("evaluate", str(EXAMPLES / "job-with-sidecar-1.27.yaml"), "--fail-on", "warning").status == 1


def test_fail_on_error_exits_0_when_only_info_is_raised(cli):
    assert cli("evaluate", str(EXAMPLES / "app-and-database.yaml"), "--fail-on", "error").status == 0


def test_an_unknown_option_is_a_usage_error(cli):
    run = cli("evaluate", SHOP, "--colour")
    assert run.status == 2 and "unrecognized arguments: --colour" in run.stderr


def test_no_command_prints_usage_and_exits_2(cli):
    run = cli()
    assert run.status == 2 and "usage: pod-advisor" in run.stderr


def test_python_dash_m_advisor_runs_the_same_command():
    result = subprocess.run([sys.executable, "-m", "advisor", "evaluate", SHOP, "--format", "json"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and json.loads(result.stdout)["name"] == "shop"
    assert result.stderr == ""  # experta's logging stays out of our output


def test_help_imports_neither_the_engine_nor_prompt_toolkit_full_screen_machinery():
    code = ("import sys; from advisor.cli.main import main; main(['--help']);"
            "bad = [m for m in sys.modules if m.startswith(('experta', 'advisor.engine', "
            "'prompt_toolkit.application', 'kubernetes_validate'))]; print('LOADED', bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "LOADED []" in result.stdout


def test_schema_validates_every_example():
    import jsonschema

    from advisor.answers.schema_export import answers_schema
    from advisor.kb.knowledge import knowledge_base

    schema = answers_schema(knowledge_base().questions)
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in EXAMPLES.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)


def test_schema_refuses_a_misspelt_key():
    import jsonschema

    from advisor.answers.schema_export import answers_schema
    from advisor.kb.knowledge import knowledge_base

    validator = jsonschema.Draft202012Validator(answers_schema(knowledge_base().questions))
    assert not validator.is_valid({"name": "a", "containers": [{"name": "a", "image": "b", "prots": [1]}]})


def test_schema_command_prints_json(cli):
    assert json.loads(cli("schema").stdout)["title"] == "pod-advisor answer file, format 1"


def test_schema_output_file_is_not_overwritten_without_force(cli, write):
    path = write("schema.json", "old")
    run = cli("schema", "-o", path)
    assert run.status == 2 and "already exists; pass --force" in run.stderr
    assert cli("schema", "-o", path, "--force").status == 0


def test_schema_output_dash_is_standard_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("schema", "-o", "-")
    assert run.status == 0 and json.loads(run.stdout)["title"] == "pod-advisor answer file, format 1"
    assert not (tmp_path / "-").exists()
