"""The operations rules (issue 21): each fires where its fixture says (test_engine_rules.py), and here,
where it must not, and what it decides, as the advice, the picture and the manifest say it. With the
two conclusions that were wrong before: a Service for a separate service nobody calls, and the order
init containers start in."""

from __future__ import annotations

import json

import pytest

from advisor.answers.load import answers_from_data
from advisor.domain.vocabulary import CONTROLLER_KINDS
from advisor.engine.advise import advise
from advisor.manifests import build_manifest, build_objects
from advisor.manifests.emit import read_stream
from advisor.render.graph import to_mermaid
from advisor.render.structured import to_json
from advisor.render.text import render_text
from advisor.kb.knowledge import knowledge_base
from advisor.system.text import Style


def recommend(*containers: dict, kubernetes: str = "1.33", **workload):
    return advise(answers_from_data({"name": "shop", "kubernetes": kubernetes, "workload": workload,
                                     "containers": list(containers)}, source="shop.yaml"))


def container(name: str, image: str | None = None, **keys) -> dict:
    return {"name": name, "image": image or f"ghcr.io/example/{name}:1.0.0",
            "resources": {"cpu": "100m", "memory": "128Mi"}, **keys}


def rules(rec) -> set[str]:
    return {r.rule for r in rec.reasons}


def pod(obj: dict) -> dict:
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"] if obj["kind"] != "Pod" else spec


def entry(obj: dict, name: str) -> dict:
    spec = pod(obj)
    return next(c for c in spec.get("initContainers", []) + spec["containers"] if c["name"] == name)


WEB = container("web", ports=[8080])


# -- a Service only for what the main container calls -----------------------------------------

WORKER = container("worker", purpose="separate-service", talks_over_network=False)


def test_a_separate_service_the_main_container_does_not_call_gets_no_service():
    rec = recommend(WEB, WORKER, replicas=2, addressed_by_others=True)
    assert rec.workload("worker").service is None
    assert "clusterip-for-called-workload" not in {r.rule for r in rec.reasons if r.workload == "worker"}


def test_a_separate_service_nobody_calls_raises_no_service_without_ports():
    assert "service-without-ports" not in recommend(WEB, WORKER, replicas=2).finding_ids()


def test_a_separate_service_nobody_calls_is_drawn_without_a_call():
    picture = to_mermaid(recommend(WEB, WORKER, replicas=2))
    assert "calls" not in picture and "Service worker" not in picture


def test_a_separate_service_nobody_calls_leaves_nothing_to_do_in_the_manifest():
    text = build_manifest(recommend(WEB, WORKER, replicas=2))
    assert "TO DO" not in text and "Service worker" not in text


def test_a_separate_service_that_says_nothing_is_still_called_as_before():
    rec = recommend(WEB, container("api", ports=[9000], purpose="separate-service"), replicas=2)
    assert rec.workload("api").service == "ClusterIP"


# -- preparation steps before the native sidecars ------------------------------------------------

SYNC = container("sync", purpose="sync-content", shares_volume=True)
BUILD = container("build", purpose="prepare", shares_volume=True)


def test_a_preparation_step_listed_after_a_native_sidecar_starts_before_it_in_the_advice():
    rec = recommend(WEB, SYNC, BUILD, replicas=2)
    assert [c["name"] for c in rec.to_dict()["workloads"][0]["containers"]] == ["web", "build", "sync"]
    assert "prepare-before-sidecars" in rules(rec)


def test_the_text_the_picture_and_the_manifest_agree_on_the_order_init_containers_start_in():
    rec = recommend(WEB, SYNC, BUILD, replicas=2)
    text = render_text(rec, knowledge_base(), Style(False, False))
    assert text.index("build ") < text.index("sync ")
    picture = to_mermaid(rec)
    assert "1 · build" in picture and "2 · sync" in picture
    deployment = build_objects(rec)[0]
    assert [c["name"] for c in pod(deployment)["initContainers"]] == ["build", "sync"]
    assert json.loads(to_json(rec))["workloads"][0]["containers"][1]["name"] == "build"


def test_a_preparation_step_that_uses_a_sidecar_on_localhost_keeps_its_place_after_it():
    proxy = container("egress", ports=[3128], purpose="proxy-outbound", uses_localhost=True)
    fetch = container("fetch", purpose="prepare", uses_localhost=True)
    rec = recommend(WEB, proxy, fetch)
    assert [c.name for c in rec.main.init_order] == ["egress", "fetch"]
    assert "prepare-after-sidecar-it-uses" in rules(rec) and "prepare-before-sidecars" not in rules(rec)


def test_before_native_sidecars_every_init_container_runs_before_the_helpers_anyway():
    rec = recommend(WEB, SYNC, BUILD, kubernetes="1.28")
    assert "prepare-before-sidecars" not in rules(rec)


# -- disruptions -------------------------------------------------------------------------------------

def test_one_replica_gets_no_disruption_budget_and_no_zone_spread():
    rec = recommend(WEB, replicas=1)
    assert not {"disruption-budget", "spread-across-zones"} & rules(rec)
    assert [o["kind"] for o in build_objects(rec)] == ["Deployment"]


def test_a_node_agent_gets_no_disruption_budget():
    assert "disruption-budget" not in rules(recommend(WEB, one_per_node=True))


def test_the_budget_lets_a_drain_evict_unhealthy_pods_where_the_version_has_it():
    new = [o for o in build_objects(recommend(WEB, replicas=2)) if o["kind"] == "PodDisruptionBudget"][0]
    old = [o for o in build_objects(recommend(WEB, replicas=2, kubernetes="1.26"))
           if o["kind"] == "PodDisruptionBudget"][0]
    assert new["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow"
    assert "unhealthyPodEvictionPolicy" not in old["spec"] and old["spec"]["maxUnavailable"] == 1


def test_a_statefulset_is_spread_over_zones_without_a_rollout_label():
    objects = build_objects(recommend(WEB, replicas=3, stable_identity=True))
    (constraint,) = pod(objects[0])["topologySpreadConstraints"]
    assert constraint["topologyKey"] == "topology.kubernetes.io/zone" and "matchLabelKeys" not in constraint


def test_only_a_deployment_rolls_out_with_max_unavailable_zero():
    assert "rollout-keeps-capacity" not in rules(recommend(WEB, replicas=3, stable_identity=True))
    strategy = build_objects(recommend(WEB, replicas=3))[0]["spec"]["strategy"]
    assert strategy["rollingUpdate"] == {"maxSurge": "25%", "maxUnavailable": 0}


# -- health ------------------------------------------------------------------------------------------------

def test_no_health_check_keeps_the_starter_tcp_probe_and_no_reason_of_the_rule():
    rec = recommend(WEB, addressed_by_others=True)
    assert "readiness-from-health" not in rules(rec)
    assert entry(build_objects(rec)[0], "web")["readinessProbe"]["tcpSocket"] == {"port": 8080}


def test_a_command_health_check_is_an_exec_probe():
    web = {**WEB, "health": {"command": ["/web", "check"]}}
    probe = entry(build_objects(recommend(web, addressed_by_others=True))[0], "web")["readinessProbe"]
    assert probe["exec"] == {"command": ["/web", "check"]}


def test_a_job_gets_no_readiness_probe_from_its_health_check():
    job = {**WEB, "health": {"http": "/healthz"}}
    assert "readiness-from-health" not in rules(recommend(job, runs_to_completion=True))


def test_a_log_shipper_without_a_health_check_gets_no_startup_probe():
    shipper = container("shipper", purpose="ship-logs", shares_volume=True)
    rec = recommend(WEB, shipper)
    assert "startup-probe-for-sidecar" not in rules(rec)


def test_an_outbound_proxy_without_a_port_or_a_health_check_gets_no_startup_probe():
    proxy = container("egress", purpose="proxy-outbound", uses_localhost=True)
    assert "startup-probe-for-sidecar" not in rules(recommend(WEB, proxy))


def test_an_outbound_proxy_gets_its_startup_probe_in_a_job_too():
    proxy = container("egress", ports=[3128], purpose="proxy-outbound", uses_localhost=True)
    job = build_objects(recommend(container("batch"), proxy, runs_to_completion=True))[0]
    assert entry(job, "egress")["startupProbe"]["tcpSocket"] == {"port": 3128}


def test_no_liveness_probe_unless_the_answers_ask_for_one():
    web = {**WEB, "health": {"http": "/healthz"}}
    rec = recommend(web, addressed_by_others=True)
    assert "liveness-when-asked" not in rules(rec)
    assert "livenessProbe" not in entry(build_objects(rec)[0], "web")


# -- shutdown ---------------------------------------------------------------------------------------------

def test_the_built_in_sleep_action_from_the_version_that_has_it_on():
    web = entry(build_objects(recommend(WEB, addressed_by_others=True, kubernetes="1.30"))[0], "web")
    assert web["lifecycle"] == {"preStop": {"sleep": {"seconds": 5}}}


def test_before_it_an_image_with_a_shell_sleeps_with_a_command():
    nginx = container("web", "nginx:1.27", ports=[8080])
    web = entry(build_objects(recommend(nginx, addressed_by_others=True, kubernetes="1.29"))[0], "web")
    assert web["lifecycle"] == {"preStop": {"exec": {"command": ["sleep", "5"]}}}


def test_before_it_an_image_without_a_shell_gets_no_wait_and_says_why():
    static = container("web", "gcr.io/distroless/static-debian12:nonroot", ports=[8080])
    rec = recommend(static, addressed_by_others=True, kubernetes="1.29")
    assert "lifecycle" not in entry(build_objects(rec)[0], "web")
    assert any("gets no preStop wait" in r.conclusion for r in rec.reasons if r.rule == "prestop-sleep")
    assert "grace-period" not in rules(rec)


def test_no_wait_for_a_workload_without_a_service():
    rec = recommend(WEB)
    assert not {"prestop-sleep", "grace-period", "grace-period-from-answers"} & rules(rec)


def test_the_grace_period_is_the_wait_and_the_shutdown_time():
    rec = recommend(WEB, addressed_by_others=True, shutdown_seconds=20)
    assert pod(build_objects(rec)[0])["terminationGracePeriodSeconds"] == 25
    default = recommend(WEB, addressed_by_others=True)
    assert pod(build_objects(default)[0])["terminationGracePeriodSeconds"] == 35


# -- work that finishes ---------------------------------------------------------------------------------

def test_a_job_without_a_deadline_in_the_answers_gets_an_hour():
    job = build_objects(recommend(container("batch"), runs_to_completion=True))[0]
    assert job["spec"]["activeDeadlineSeconds"] == 3600


def test_a_jobs_deadline_is_the_one_the_answers_give():
    job = build_objects(recommend(container("batch"), runs_to_completion=True, deadline=600))[0]
    assert job["spec"]["activeDeadlineSeconds"] == 600


def test_a_cronjobs_deadline_is_on_its_job_template():
    cron = build_objects(recommend(container("batch"), schedule="@daily", deadline=900))[0]
    assert cron["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"] == 900


def test_a_long_running_workload_gets_no_deadline_and_no_ttl():
    assert not {"deadline-for-batch", "ttl-for-finished-job", "cronjob-history-not-ttl"} & rules(recommend(WEB))


# -- node agents ----------------------------------------------------------------------------------------

def host_paths(obj: dict) -> dict:
    """{path on the node: mounted read-only} (the image's own writable folders, emptyDirs, aside)."""
    nodes = {v["name"]: v["hostPath"]["path"] for v in pod(obj).get("volumes", []) if "hostPath" in v}
    return {nodes[m["name"]]: m.get("readOnly", False) for c in pod(obj)["containers"]
            for m in c.get("volumeMounts", []) if m["name"] in nodes}


def test_a_node_agent_without_node_access_mounts_nothing_from_the_node_and_keeps_restricted():
    rec = recommend(container("agent"), one_per_node=True)
    assert not {"host-paths-for-node-agent", "tolerate-every-taint"} & rules(rec)
    daemonset = build_objects(rec)[0]
    assert host_paths(daemonset) == {} and "tolerations" not in pod(daemonset)
    assert "pod-advisor.io/pod-security" not in daemonset["metadata"]["annotations"]
    assert pod(daemonset)["priorityClassName"] == "system-node-critical"


def test_a_node_agent_gets_the_priority_class_the_answers_name():
    daemonset = build_objects(recommend(container("agent"), one_per_node=True,
                                        node_access={"priority": "node-agents"}))[0]
    assert pod(daemonset)["priorityClassName"] == "node-agents"


def test_a_node_agents_read_paths_are_read_only_and_its_write_paths_are_not():
    rec = recommend(container("agent"), one_per_node=True,
                    node_access={"read": ["/var/log"], "write": ["/var/lib/agent"]})
    daemonset = build_objects(rec)[0]
    assert host_paths(daemonset) == {"/var/log": True, "/var/lib/agent": False}
    assert daemonset["metadata"]["annotations"]["pod-advisor.io/pod-security"] == "privileged"


def test_the_comment_says_outright_that_host_paths_need_the_privileged_level():
    rec = recommend(container("agent"), one_per_node=True, node_access={"read": ["/var/log"]})
    assert "pod-security.kubernetes.io/enforce: privileged" in build_manifest(rec)


# -- access ------------------------------------------------------------------------------------------------

def test_a_workload_that_calls_the_api_gets_its_account_and_its_token():
    objects = build_objects(recommend(WEB, uses_kubernetes_api=True))
    spec = pod(objects[0])
    assert (spec["serviceAccountName"], spec["automountServiceAccountToken"]) == ("shop", True)
    assert ("ServiceAccount", "shop") in {(o["kind"], o["metadata"]["name"]) for o in objects}


def test_a_workload_of_its_own_gets_no_token_even_when_the_main_one_calls_the_api():
    rec = recommend(WEB, container("db", ports=[5432], purpose="separate-service"), uses_kubernetes_api=True)
    assert rec.workload("db").service_account is False


def test_no_network_policy_unless_the_answers_ask_for_one():
    assert "NetworkPolicy" not in [o["kind"] for o in build_objects(recommend(WEB, addressed_by_others=True))]


def test_a_database_the_app_calls_admits_the_app_and_its_own_pods_only():
    db = container("db", ports=[5432], purpose="separate-service", stable_identity=True)
    objects = build_objects(recommend(WEB, db, addressed_by_others=True, network_policy=True))
    policy = next(o for o in objects if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "db")
    (rule,) = policy["spec"]["ingress"]
    assert [f["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for f in rule["from"]] == ["shop", "db"]
    assert rule["ports"] == [{"port": 5432, "protocol": "TCP"}]


def test_a_workload_nobody_calls_admits_no_connections():
    objects = build_objects(recommend(container("worker"), network_policy=True))
    policy = next(o for o in objects if o["kind"] == "NetworkPolicy")
    assert policy["spec"] == {"podSelector": policy["spec"]["podSelector"], "policyTypes": ["Ingress"]}


def test_the_namespace_is_on_every_object():
    db = container("db", ports=[5432], purpose="separate-service")
    objects = build_objects(recommend(WEB, db, addressed_by_others=True, replicas=2, namespace="team-a",
                                      network_policy=True))
    assert {o["metadata"].get("namespace") for o in objects} == {"team-a"}
    assert len([o for o in objects if o["kind"] in CONTROLLER_KINDS]) == 2


@pytest.mark.parametrize("example", ["node-agent", "app-and-database", "web-with-tls-proxy"])
def test_reading_an_examples_manifest_back_gives_the_same_objects(example):
    from helpers.paths import EXAMPLES
    from advisor.engine.advise import advise_file

    rec = advise_file(str(EXAMPLES / f"{example}.yaml"))
    assert read_stream(build_manifest(rec)) == build_objects(rec)


def test_a_reason_quotes_a_health_check_as_the_answer_file_writes_it():
    rec = recommend(container("web", ports=[8080], health={"http": "/healthz"}), addressed_by_others=True)
    reason = next(r for r in rec.reasons if r.rule == "readiness-from-health")
    assert reason.because == ("containers[0].health = {http: /healthz, port: 8080}",)


def test_a_readiness_check_of_a_workload_without_a_service_speaks_of_rollouts_not_requests():
    rec = recommend(container("agent", ports=[2020], health={"http": "/health"}), one_per_node=True)
    reason = next(r for r in rec.reasons if r.rule == "readiness-from-health")
    assert "rolling update waits" in reason.conclusion and "Services" not in reason.conclusion
