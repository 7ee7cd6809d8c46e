"""What a Pod is for, and advice that fits it (issue 20).

Each class of misreading found on repositories the reviewer was never tuned on has a
case here: the shell script read as a shell reads it, so that cosmetic variants get one
verdict; the evidence of intent ranked and recorded (restartPolicy, stdin/tty, the
image, the command, a Service, a server beside the step that prepares its content);
Pods that other controllers create, or that are kept for ``kubectl exec``; a stopper
that kills a helper through the shared process namespace; addresses for clients
outside the cluster. And the advice: where intent is not known, the finding names a
controller for each case and ``--suggest`` writes nothing, saying why; a rewrite never
changes what the Pod does. The fixtures in tests/fixtures/review/ show the same cases
end to end.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import yaml

from helpers.paths import FIXTURES
from advisor.review import ReviewOptions, Reviewer
from advisor.review.facts import describe
from advisor.review.intent import EXEC_BOX, FINISHES, PREPARED, UNKNOWN, UNTIL_STOPPED
from advisor.review.objects import parse_inputs, read_inputs
from advisor.review.runtime import runtime_of

REVIEWER = Reviewer()
CLEAN = FIXTURES / "review" / "clean"
MISTAKES = FIXTURES / "review" / "mistakes"


def subject_of(text: str, name: str = "p.yaml"):
    inputs = parse_inputs([(name, text)])
    [found] = [describe(o, inputs, "1.37", REVIEWER.purposes) for o in inputs.objects if o.reviewed]
    return found


def subject_at(path):
    return subject_of(path.read_text(), str(path))


def reviewed(path, suggest=True):
    texts, errors = read_inputs([str(path)])
    return REVIEWER.review(parse_inputs(texts, errors), ReviewOptions(suggest=suggest))


def bare_pod(container: str, pod: str = "") -> str:
    """A bare Pod with one container (YAML of its fields, indented for the container) and Pod fields."""
    return (f"apiVersion: v1\nkind: Pod\nmetadata: {{name: box}}\nspec:\n{pod}  containers:\n"
            f"    - name: box\n{container}      resources: {{requests: {{cpu: 10m, memory: 16Mi}}}}\n")


# -- the command, read as a shell reads it --------------------------------------------------------

PRINT_LOOPS = [
    "while true; do echo alive >> /var/log/out.log; sleep 5; done",
    "while true; do echo alive | tee -a /var/log/out.log; sleep 5; done",
    "set -euo pipefail; while true; do echo alive >> /var/log/out.log; sleep 5; done",
    "while true; do echo \"$(date) alive\"; sleep $((RANDOM % 10 + 1)); done",
    "for ((;;)); do printf 'alive\\n' | tee -a /var/log/out.log > /dev/null; sleep 5; done",
]


def test_cosmetic_variants_of_a_print_and_sleep_loop_get_one_verdict():
    verdicts = {(r.runs, r.idle) for r in (runtime_of({"command": ["sh", "-c", script]}) for script in PRINT_LOOPS)}
    assert verdicts == {("endless", True)}


@pytest.mark.parametrize("script", PRINT_LOOPS)
def test_a_bare_pod_running_any_variant_of_the_loop_is_a_box_without_a_finding(script):
    text = bare_pod(f"      image: busybox:1.36\n      command: [sh, -c, {json.dumps(script)}]\n")
    assert subject_of(text).intent.verdict == EXEC_BOX
    assert [f.id for f in REVIEWER.review(parse_inputs([("p.yaml", text)]), ReviewOptions()).findings] == []


@pytest.mark.parametrize("command, why", [
    (["/bin/sh", "-c", "exit 1"], "exits with status 1"),
    (["/bin/sh", "-c"], "no script"),
    (["sh"], "standard input"),
])
def test_a_command_that_ends_at_once_without_work_is_read_as_such(command, why):
    runtime = runtime_of({"command": command})
    assert runtime.finishes and runtime.at_once and why in runtime.why


def test_a_base_image_with_no_command_runs_a_shell_that_exits_without_input():
    runtime = runtime_of({"image": "busybox:1.36"})
    assert runtime.finishes and runtime.at_once and "busybox" in runtime.why


def test_a_server_piped_into_tee_after_a_conditional_exit_still_serves():
    script = "[ -f /conf/app.conf ] || exit 1; nginx -g 'daemon off;' 2>&1 | tee /var/log/nginx.log"
    assert runtime_of({"command": ["sh", "-c", script]}).endless


def test_a_client_with_a_port_flag_is_not_a_server():
    assert runtime_of({"command": ["sh", "-c", "pg_isready --host=db --port=5432 && psql --port=5432 -f x.sql"]}).finishes


def test_an_arithmetic_command_decides_nothing_so_the_step_before_it_does():
    runtime = runtime_of({"command": ["sh", "-c", "rsync -a /a /b; (( x = 1 ))"]})
    assert runtime.finishes and "('rsync')" in runtime.why


def test_a_bounded_loop_that_waits_then_kills_and_exits_finishes_and_names_what_it_kills():
    script = ("COUNTER=0; while [ $COUNTER -lt 120 ]; do let COUNTER=$COUNTER+1; sleep 10s; done; "
              "killall cloud_sql_proxy; exit 0")
    runtime = runtime_of({"command": ["bash", "-c", script]})
    assert runtime.finishes and runtime.kills == ("cloud_sql_proxy",)


def test_a_script_sourced_from_a_mounted_configmap_is_read_with_its_arguments():
    s = subject_at(CLEAN / "job-stopped-by-its-stopper.yaml")
    stopper = s.container("sidecar-controller")
    assert stopper.runtime.finishes and stopper.runtime.kills == ("cloud_sql_proxy",)


# -- the evidence of intent, ranked and recorded ---------------------------------------------------


def test_a_server_beside_the_step_that_prepares_its_content_is_the_main_container_whatever_the_order():
    s = subject_at(MISTAKES / "server-with-a-preparer-listed-first.yaml")
    assert s.main.name == "nginx" and s.container("git").purpose == "prepare"
    assert s.intent.verdict == UNTIL_STOPPED
    assert PREPARED in [e.rank for e in s.intent.evidence]


def test_restart_policy_never_is_evidence_that_the_pod_finishes():
    s = subject_of(bare_pod("      image: registry.example.com/team/report:1.4\n", "  restartPolicy: Never\n"))
    assert s.intent.verdict == FINISHES and "restartPolicy Never" in s.intent.why


LOAD_LOOP = ("      image: busybox:1.36\n      command: [sh, -c]\n"
             "      args: ['while true; do wget -q --spider http://web || true; sleep 0.01; done']\n")


def test_a_command_that_runs_until_stopped_under_restart_policy_never_does_not_say_whether_to_keep_it_up():
    """Blind round 39: a load generator its Makefile deletes by name, rewritten into a Deployment that would keep the
    load up after the delete. Run by hand until deleted, or a worker with the wrong policy: the evidence says both."""
    s = subject_of(bare_pod(LOAD_LOOP, "  restartPolicy: Never\n"))
    assert s.intent.verdict == UNKNOWN and s.intent.evidence[0].says == UNTIL_STOPPED


def test_the_bare_pod_finding_on_it_says_both_cases_and_suggest_writes_no_rewrite():
    report = REVIEWER.review(parse_inputs([("p.yaml", bare_pod(LOAD_LOOP, "  restartPolicy: Never\n"))]),
                             ReviewOptions(kubernetes="1.37", suggest=True))
    [finding] = [f for f in report.findings if f.id == "bare-pod"]
    assert "but its author wrote restartPolicy Never: if it is run by hand until someone deletes it" in finding.message
    assert "if it is to stay up, a Deployment must own it" in finding.message
    assert report.objects[0].suggestion is None
    assert any("is run by hand until deleted (a bare Pod) or is to stay up (a Deployment)" in note.text
               for note in report.notes)


def test_an_image_that_serves_under_restart_policy_never_keeps_the_note_that_says_either_controller():
    """Only a command that runs until stopped reads as a Pod run by hand; nginx's image against Never is the older
    disagreement, and --suggest's note says what its finding says (a Deployment or a Job)."""
    report = REVIEWER.review(parse_inputs([("p.yaml", bare_pod("      image: nginx:1.27\n", "  restartPolicy: Never\n"))]),
                             ReviewOptions(kubernetes="1.37", suggest=True))
    [finding] = [f for f in report.findings if f.id == "bare-pod"]
    assert "Nothing in the manifest says whether box runs until stopped or finishes" in finding.message
    assert any("nothing in the manifest says whether it runs until stopped (a Deployment) or finishes (a Job)"
               in note.text for note in report.notes)


def test_a_server_that_declares_a_port_under_restart_policy_never_is_still_a_server():
    """Rounds 35 and 37: hello-app and apache2 Pods under Never, whose rewrites into Deployments labellers found right."""
    server = LOAD_LOOP + "      ports: [{containerPort: 8080}]\n"
    assert subject_of(bare_pod(server, "  restartPolicy: Never\n")).intent.verdict == UNTIL_STOPPED


def test_restart_policy_on_failure_alone_does_not_say_whether_the_pod_finishes():
    """Blind rounds 26 and 27: a queue consumer and a loop that sends every 15 s, restarted when they fail."""
    s = subject_of(bare_pod("      image: registry.example.com/team/report:1.4\n", "  restartPolicy: OnFailure\n"))
    assert s.intent.verdict == UNKNOWN and "restartPolicy OnFailure" in s.intent.evidence[0].why


def test_restart_policy_on_failure_with_a_command_that_finishes_is_a_pod_that_finishes():
    s = subject_of(bare_pod("      image: busybox:1.36\n      command: [sh, -c, 'tar czf /backup/db.tgz /data']\n",
                            "  restartPolicy: OnFailure\n"))
    assert s.intent.verdict == FINISHES


def test_a_finite_image_builder_finishes_by_its_image_and_restart_always_is_flagged():
    s = subject_at(MISTAKES / "image-builder-in-a-bare-pod.yaml")
    assert s.intent.verdict == FINISHES and "image builder" in s.intent.why
    assert {f.id for f in reviewed(MISTAKES / "image-builder-in-a-bare-pod.yaml").findings} == {
        "bare-pod", "restart-always-on-completion"}


def test_a_build_script_beside_a_docker_daemon_finishes_and_the_daemon_is_what_blocks_completion():
    report = reviewed(MISTAKES / "build-script-on-failure.yaml")
    [bare] = [f for f in report.findings if f.id == "bare-pod"]
    [blocks] = [f for f in report.findings if f.id == "sidecar-blocks-completion"]
    assert "a Job (its work finishes)" in bare.message and blocks.container == "dind"
    assert yaml.safe_load_all(report.objects[0].suggestion).__next__()["kind"] == "Job"


def test_stdin_and_tty_make_a_box_to_attach_to():
    s = subject_at(CLEAN / "interactive-box-with-generate-name.yaml")
    assert s.intent.verdict == EXEC_BOX and "stdin: true and tty: true" in s.intent.why


@pytest.mark.parametrize("fixture", ["cli-polling-its-version-for-exec.yaml", "toolbox-for-exec.yaml"])
def test_a_tool_kept_for_kubectl_exec_is_a_box_not_a_deployment(fixture):
    assert subject_at(CLEAN / fixture).intent.verdict == EXEC_BOX


def test_a_jenkins_agent_pod_is_owned_by_its_ci_server():
    s = subject_at(CLEAN / "jenkins-agent-pod.yaml")
    assert s.intent.owner and "Jenkins" in s.intent.owner


def test_a_database_beside_an_unknown_application_makes_the_pod_run_until_stopped():
    text = bare_pod("      image: registry.example.com/team/api:1.0\n").replace(
        "  containers:\n", "  containers:\n    - {name: db, image: 'mongo:7.0', resources: {requests: {cpu: 10m, "
                           "memory: 16Mi}}}\n")
    s = subject_of(text)
    assert s.main.name == "box" and s.intent.verdict == UNTIL_STOPPED and "db beside box" in s.intent.why


def test_an_unknown_container_beside_a_box_that_only_waits_is_a_box():
    text = bare_pod("      image: registry.example.com/team/tool:1.0\n").replace(
        "  containers:\n", "  containers:\n    - {name: waiter, image: 'busybox:1.36', command: [sleep, '3600'], "
                           "resources: {requests: {cpu: 10m, memory: 16Mi}}}\n")
    assert subject_of(text).intent.verdict == EXEC_BOX


def test_the_evidence_is_recorded_in_the_json_report_strongest_first(cli):
    run = cli("review", str(MISTAKES / "server-with-a-preparer-listed-first.yaml"), "--format", "json",
              "--fail-on", "never")
    intent = json.loads(run.stdout)["objects"][0]["intent"]
    ranks = [e["rank"] for e in intent["evidence"]]
    assert intent["verdict"] == UNTIL_STOPPED and ranks == sorted(ranks, reverse=True) and len(ranks) >= 3
    assert {e["says"] for e in intent["evidence"]} == {UNTIL_STOPPED, FINISHES}  # restartPolicy said the other


# -- advice that fits the evidence ---------------------------------------------------------------------


def test_where_intent_is_unknown_the_finding_names_a_controller_for_each_case_and_no_rewrite_is_written():
    report = reviewed(MISTAKES / "bare-pod-whose-intent-is-unknown.yaml")
    [finding] = report.findings
    assert "if it finishes, a Job must own it; if it runs until stopped, a Deployment" in finding.message
    assert report.objects[0].suggestion is None
    assert any("no controller is written" in n.text for n in report.notes)


def test_a_pod_that_ends_at_once_gets_no_rewrite_and_the_finding_says_why():
    report = reviewed(MISTAKES / "bare-pod-that-ends-at-once.yaml")
    [finding] = [f for f in report.findings if f.id == "bare-pod"]
    assert "ends at once without doing any work" in finding.message and "sleep infinity" in finding.message
    assert report.objects[0].suggestion is None


def test_fix_rewrites_only_the_pods_whose_intent_the_evidence_decides(cli, tmp_path):
    unknown = (MISTAKES / "bare-pod-whose-intent-is-unknown.yaml").read_text()
    (tmp_path / "unknown.yaml").write_text(unknown)
    (tmp_path / "site.yaml").write_text((MISTAKES / "server-with-a-preparer-listed-first.yaml").read_text())
    run = cli("review", str(tmp_path), "--fix", "--fail-on", "never")
    assert run.status == 0, run.stderr
    assert (tmp_path / "unknown.yaml").read_text() == unknown
    assert yaml.safe_load((tmp_path / "site.yaml").read_text())["kind"] == "Deployment"


def test_a_rewrite_keeps_the_preparing_step_as_an_init_container_and_every_command():
    [review] = reviewed(MISTAKES / "server-with-a-preparer-listed-first.yaml").objects
    spec = review.replacement["spec"]["template"]["spec"]
    assert review.replacement["kind"] == "Deployment"
    assert [c["name"] for c in spec["initContainers"]] == ["git"] and [c["name"] for c in spec["containers"]] == ["nginx"]
    assert spec["initContainers"][0]["args"][0] == "clone"


def test_a_stopper_that_kills_the_helper_through_the_shared_process_namespace_tells_it_to_exit():
    assert reviewed(CLEAN / "job-stopped-by-its-stopper.yaml").findings == []


def test_an_external_url_is_not_a_pod_ip_but_a_peer_address_still_is():
    assert reviewed(CLEAN / "external-url-is-not-a-pod-ip.yaml").findings == []
    text = (CLEAN / "external-url-is-not-a-pod-ip.yaml").read_text().replace(
        '"--web.external-url=http://192.168.99.100/prometheus"', '"--alertmanager.url=http://10.1.2.3:9093"')
    text += "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: pods}\nspec: {cidr: 10.1.0.0/16}\n"
    found = REVIEWER.review(parse_inputs([("p.yaml", text)]), ReviewOptions()).findings
    assert [f.id for f in found] == ["pod-ip-literal"]


def test_a_pod_on_the_host_network_is_not_split_onto_service_names_it_cannot_resolve():
    report = reviewed(MISTAKES / "network-services-on-the-host-network.yaml")
    [finding] = report.findings
    assert "ClusterFirstWithHostNet" in finding.message
    assert report.objects[0].suggestion is None
    assert any("host network" in n.text and "not split" in n.text for n in report.notes)


def test_a_split_service_targets_the_port_the_process_is_told_to_listen_on():
    [review] = reviewed(MISTAKES / "network-service-on-a-port-of-its-own.yaml").objects
    [service] = [o for o in review.added if o["kind"] == "Service"]
    assert service["spec"]["ports"] == [{"port": 7000, "targetPort": 7000}]
    env = review.replacement["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [{"name": "CACHE_URL", "value": "redis://redis:7000/0"}]


def test_a_service_listening_only_on_loopback_is_not_split_out():
    text = (MISTAKES / "network-service-on-a-port-of-its-own.yaml").read_text().replace(
        'args: ["--port", "7000"]', 'args: ["--port", "7000", "--bind", "127.0.0.1"]')
    report = REVIEWER.review(parse_inputs([("p.yaml", text)]), ReviewOptions(suggest=True))
    assert report.objects[0].suggestion is None
    assert any("loopback" in n.text for n in report.notes)


def test_a_single_replica_etcd_is_not_told_to_run_two_replicas():
    [finding] = reviewed(MISTAKES / "single-replica-etcd.yaml").findings
    assert "at least two" not in finding.message and "three for a quorum" in finding.message


def test_names_in_a_message_are_listed_once():
    service = ("apiVersion: v1\nkind: Service\nmetadata: {name: echo-1}\nspec:\n  selector: {app: echo}\n"
               "  ports: [{port: 80}]\n")
    app = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: echo}\nspec:\n  replicas: 2\n"
           "  selector: {matchLabels: {app: echo}}\n  template:\n    metadata: {labels: {app: echo}}\n    spec:\n"
           "      containers:\n        - name: echo\n          image: ealen/echo-server:0.9.2\n"
           "          ports: [{containerPort: 80}]\n"
           "          resources: {requests: {cpu: 10m, memory: 16Mi}}\n")
    report = REVIEWER.review(parse_inputs([("all.yaml", "---\n".join([app, service, service, service]))]),
                             ReviewOptions())
    [finding] = [f for f in report.findings if f.id == "readiness-probe-missing"]
    assert finding.message.count("echo-1") == 1


def test_a_bare_localhost_in_a_database_variable_beside_a_database_is_the_tie_to_it():
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: blog}\nspec:\n  replicas: 2\n"
            "  selector: {matchLabels: {app: blog}}\n  template:\n    metadata: {labels: {app: blog}}\n    spec:\n"
            "      containers:\n        - name: blog\n          image: wordpress:6.6-php8.2\n"
            "          env: [{name: WORDPRESS_DB_HOST, value: 127.0.0.1}]\n"
            "          resources: {requests: {cpu: 10m, memory: 16Mi}}\n"
            "        - name: mysql\n          image: mysql:8.4\n"
            "          resources: {requests: {cpu: 10m, memory: 16Mi}}\n")
    tie = subject_of(text).container("mysql").tie
    assert tie.kind == "localhost" and tie.evidence and "WORDPRESS_DB_HOST" in tie.why


def test_a_split_service_also_exposes_the_port_its_caller_uses_when_another_is_declared():
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: demo}\nspec:\n  replicas: 2\n"
            "  selector: {matchLabels: {app: demo}}\n  template:\n    metadata: {labels: {app: demo}}\n    spec:\n"
            "      containers:\n        - name: db\n          image: mongo:7.0\n"
            "          args: [--rest]\n          ports: [{containerPort: 28017}]\n"
            "          resources: {requests: {cpu: 10m, memory: 16Mi}}\n"
            "        - name: api\n          image: registry.example.com/team/api:1.0\n"
            "          env: [{name: DB, value: localhost}]\n"
            "          resources: {requests: {cpu: 10m, memory: 16Mi}}\n")
    [review] = REVIEWER.review(parse_inputs([("p.yaml", text)]), ReviewOptions(suggest=True)).objects
    [service] = [o for o in review.added if o["kind"] == "Service"]
    assert {p["targetPort"] for p in service["spec"]["ports"]} == {28017, 27017}


_PIECES = list("abc ;&|()$`'\"{}[]<>\\#!=*\n\t01") + [
    "while ", "do ", "done", "if ", "then ", "fi", "$((", "))", "sleep ", "exit ", "case ", "esac", "for ((",
    "[[ ", " ]]", "exec ", "killall ", ". /s.sh "]


@settings(max_examples=300, deadline=None)
@given(script=st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_any_script_text_gets_a_verdict_and_never_raises(script):
    runtime = runtime_of({"command": ["sh", "-c", script]}, read_file=lambda path: script)
    assert runtime.runs in ("endless", "finishes", None)
