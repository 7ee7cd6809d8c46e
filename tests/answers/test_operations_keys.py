"""The keys a platform team needs in an answer file (issue 21): each container's command, args, env,
health and liveness; the workload's shutdown time, deadline, node access, API use, NetworkPolicy and
namespace. Files without them mean what they always meant."""

from __future__ import annotations

import json

import pytest

from advisor.answers.load import answers_to_data, dump_answers, parse_answers
from advisor.answers.schema_export import answers_schema
from advisor.domain.model import EnvVar, Health
from advisor.kb.knowledge import knowledge_base
from advisor.kb.questions import Invalid
from advisor.system.errors import InputError

WEB = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n    ports: [8080]\n"
EVERY_KEY = """\
name: shop
workload:
  replicas: 2
  addressed_by_others: true
  shutdown_seconds: 20
  uses_kubernetes_api: true
  network_policy: true
  namespace: shop
containers:
  - name: web
    image: nginx:1.27
    ports: [8080]
    command: [/app/server]
    args: [--port, "8080"]
    env: {LOG_LEVEL: info, DB_PASSWORD: {secret: db, key: password}, MODE: {config_map: settings, key: mode}}
    health: {http: /healthz}
    liveness: true
  - name: worker
    image: ghcr.io/example/worker:1.0.0
    purpose: separate-service
    talks_over_network: false
"""
AGENT = """\
name: agent
workload:
  one_per_node: true
  node_access: {read: [/var/log], write: [/var/lib/agent], tolerate_all_taints: true, priority: node-agents}
containers:
  - name: agent
    image: fluent/fluent-bit:3.1
"""


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_answers(text, "app.yaml")
    return [f"{p.line}: {'.'.join(map(str, p.path))}: {p.message}" for p in caught.value.problems]


def question(key: str):
    return knowledge_base().questions.by_key(key)


def test_a_file_without_the_new_keys_gets_the_defaults_it_always_had():
    answers = parse_answers(WEB, "app.yaml")
    web = answers.main
    assert (web.command, web.args, web.env, web.health, web.liveness) == (None, None, (), None, False)
    assert (answers.shutdown_seconds, answers.deadline, answers.node_read, answers.node_write,
            answers.tolerate_all_taints, answers.priority_class, answers.uses_kubernetes_api, answers.namespace,
            answers.network_policy) == (None, None, (), (), False, None, False, None, False)


def test_every_new_key_is_read_into_the_answers():
    answers = parse_answers(EVERY_KEY, "app.yaml")
    web = answers.main
    assert web.command == ("/app/server",) and web.args == ("--port", "8080")
    assert web.env == (EnvVar("LOG_LEVEL", value="info"), EnvVar("DB_PASSWORD", source="secret", object="db",
                                                                  key="password"),
                       EnvVar("MODE", source="config_map", object="settings", key="mode"))
    assert (web.health, web.liveness) == (Health("http", port=8080, path="/healthz"), True)
    assert (answers.shutdown_seconds, answers.uses_kubernetes_api, answers.network_policy, answers.namespace) == \
        (20, True, True, "shop")


def test_node_access_is_read_for_a_node_agent():
    answers = parse_answers(AGENT, "agent.yaml")
    assert (answers.node_read, answers.node_write, answers.tolerate_all_taints, answers.priority_class) == \
        (("/var/log",), ("/var/lib/agent",), True, "node-agents")


def test_answers_with_every_new_key_written_back_read_the_same():
    for text in (EVERY_KEY, AGENT):
        answers = parse_answers(text, "app.yaml")
        assert parse_answers(dump_answers(answers), "again.yaml") == answers.with_changes(source="again.yaml")


def test_a_separate_service_nobody_talks_to_says_so_and_keeps_it():
    answers = parse_answers(EVERY_KEY, "app.yaml")
    assert answers.containers[1].talks_over_network is False


@pytest.mark.parametrize("purpose, talked_to", [("separate-service", True), ("ship-logs", False)])
def test_talks_over_network_left_out_follows_the_purpose_as_it_always_did(purpose, talked_to):
    text = WEB + f"  - name: side\n    image: busybox:1.36\n    purpose: {purpose}\n"
    assert parse_answers(text, "app.yaml").containers[1].talks_over_network is talked_to


def test_an_http_health_check_without_a_port_uses_the_containers_first_port():
    answers = parse_answers(WEB.replace("ports: [8080]", "ports: [8080, 9090]") + "    health: {http: /ready}\n",
                            "app.yaml")
    assert answers.main.health == Health("http", port=8080, path="/ready")


@pytest.mark.parametrize("health, said", [
    ("{http: /healthz, port: 9090}", "6: containers.0.health.port: port 9090 is not one of the container's ports"),
    ("{tcp: 8080, port: 8080}", "6: containers.0.health.port: port goes with http"),
    ("{http: /a, tcp: 8080}", "6: containers.0.health: give one way to check it"),
    ("{http: healthz}", "6: containers.0.health.http: 'healthz' is not an HTTP path"),
    ("{command: []}", "6: containers.0.health.command: command must be a non-empty list"),
    ("{grpc: 8080}", "6: containers.0.health.grpc: unknown key 'grpc'"),
])
def test_a_health_check_that_cannot_be_probed_is_refused_at_its_key(health, said):
    assert [p for p in problems(WEB + f"    health: {health}\n") if p.startswith(said)]


def test_an_http_health_check_on_a_container_without_ports_is_refused():
    text = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n    health: {http: /healthz}\n"
    assert problems(text) == ["5: containers.0.health: an HTTP health check needs a port, and the container "
                              "declares none"]


def test_liveness_without_a_health_check_is_refused():
    assert problems(WEB + "    liveness: true\n") == [
        "6: containers.0.liveness: liveness uses the container's health check, and it has none"]


def test_a_number_among_the_arguments_is_refused_with_a_hint_to_quote_it():
    with pytest.raises(InputError) as caught:
        parse_answers(WEB + "    args: [--port, 8080]\n", "app.yaml")
    problem = caught.value.problems[0]
    assert (problem.path, problem.hint) == (("containers", 0, "args", 1), 'write it in quotes: "8080"')


def test_an_empty_command_is_refused_rather_than_read_as_the_images_own():
    assert [p for p in problems(WEB + "    command: []\n") if "leave it out" in p]


@pytest.mark.parametrize("env, said", [
    ("{PORT: 8080}", "containers.0.env.PORT: the value of PORT is a number"),
    ("{1X: a}", "containers.0.env.1X: '1X' is not a variable name"),
    ("{PW: {secret: db}}", "containers.0.env.PW: a reference names one ConfigMap or Secret and its key"),
    ("{PW: {secret: db, config_map: c, key: k}}", "containers.0.env.PW: a reference names one"),
    ("{PW: {secrt: db, key: k}}", "containers.0.env.PW.secrt: 'secrt' is not a key of a reference"),
    ("{PW: {secret: Db_1, key: k}}", "containers.0.env.PW.secret: 'Db_1' is not the name of a Secret"),
])
def test_an_environment_variable_kubernetes_would_refuse_is_refused_at_its_name(env, said):
    assert [p for p in problems(WEB + f"    env: {env}\n") if said in p]


def test_a_deadline_on_a_workload_that_keeps_running_is_refused():
    assert [p for p in problems(WEB + "workload: {deadline: 600}\n") if "workload.deadline: a deadline limits" in p]


def test_a_deadline_is_read_for_work_that_finishes():
    answers = parse_answers(WEB + "workload: {runs_to_completion: true, deadline: 600}\n", "app.yaml")
    assert answers.deadline == 600


def test_node_access_on_a_workload_that_is_not_a_node_agent_is_refused():
    text = AGENT.replace("one_per_node: true", "one_per_node: false")
    assert [p for p in problems(text) if "workload.node_access: node_access is for node agents" in p]


@pytest.mark.parametrize("path, said", [
    ("var/log", "is not an absolute path"), ("/var/../etc", "climbs with '..'"), ("/", "the node's whole file"),
])
def test_a_host_path_that_is_not_a_folder_of_the_node_is_refused(path, said):
    text = AGENT.replace("read: [/var/log]", f"read: ['{path}']")
    assert [p for p in problems(text) if "workload.node_access.read.0" in p and said in p]


def test_a_namespace_that_is_not_a_dns_label_is_refused_with_a_suggestion():
    with pytest.raises(InputError) as caught:
        parse_answers(WEB + "workload: {namespace: My_Team}\n", "app.yaml")
    assert caught.value.problems[0].hint == "did you mean 'my-team'?"


@pytest.mark.parametrize("key, typed, data", [
    ("containers[].health", "http /healthz 8080", {"http": "/healthz", "port": 8080}),
    ("containers[].health", "tcp 5432", {"tcp": 5432}),
    ("containers[].health", "command pg_isready -U app", {"command": ["pg_isready", "-U", "app"]}),
    ("containers[].command", "/app/server --config '/etc/my app.yaml'", ["/app/server", "--config", "/etc/my app.yaml"]),
    ("containers[].env", "LOG=info PW=secret:db/password M=configmap:s/mode",
     {"LOG": "info", "PW": {"secret": "db", "key": "password"}, "M": {"config_map": "s", "key": "mode"}}),
    ("workload.node_access.read", "/var/log, /run/agent", ["/var/log", "/run/agent"]),
])
def test_what_a_person_types_in_the_wizard_is_the_files_value_and_shown_back_the_same(key, typed, data):
    asked = question(key)
    assert asked.parse_text(typed) == data
    assert asked.parse_text(asked.as_text(data)) == data


def test_a_health_check_typed_in_an_unknown_form_is_refused_with_the_forms():
    with pytest.raises(Invalid, match="http PATH"):
        question("containers[].health").parse_text("grpc 8080")


def test_the_json_schema_admits_every_new_key_and_refuses_a_health_check_of_two_kinds():
    import jsonschema
    import yaml

    schema = answers_schema(knowledge_base().questions)
    for text in (EVERY_KEY, AGENT):
        jsonschema.validate(yaml.safe_load(text), schema)
    wrong = yaml.safe_load(WEB + "    health: {http: /a, tcp: 8080}\n")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, schema)


def test_answers_to_data_leaves_out_the_optional_keys_a_container_does_not_use():
    item = answers_to_data(parse_answers(WEB, "app.yaml"))["containers"][0]
    assert not {"command", "args", "env", "health"} & set(item)
    assert json.dumps(item)  # plain data
