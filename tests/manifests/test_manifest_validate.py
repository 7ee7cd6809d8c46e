"""validate_objects: what a cluster of the target version would refuse, strict schema and API rules both."""

from __future__ import annotations

import copy

import pytest
from helpers.paths import EXAMPLES

from advisor.engine.advise import advise_file
from advisor.manifests import build_objects, validate_objects
from advisor.manifests.validate import pod_security_problems, quantity


def objects_of(example: str) -> list[dict]:
    return copy.deepcopy(build_objects(advise_file(str(EXAMPLES / example))))


def pod_spec(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]


def test_unknown_field_is_refused_in_strict_mode():
    objects = objects_of("nginx-pod.yaml")
    pod_spec(objects[0])["containers"][0]["imagePullPolice"] = "Always"
    assert validate_objects(objects, "1.33") == [
        "Deployment web: spec.template.spec.containers[0]: Additional properties are not allowed "
        "('imagePullPolice' was unexpected)"]


def test_native_sidecar_is_refused_before_1_29():
    objects = objects_of("job-with-sidecar-1.33.yaml")
    assert validate_objects(objects, "1.29") == []
    assert any("native sidecars are off by default" in p for p in validate_objects(objects, "1.28"))
    assert any("'restartPolicy' was unexpected" in p for p in validate_objects(objects, "1.27"))


def test_selector_that_misses_the_template_is_refused():
    objects = objects_of("nginx-pod.yaml")
    objects[0]["spec"]["selector"]["matchLabels"]["tier"] = "web"
    assert "Deployment web: spec.selector does not match the Pod template's labels" in validate_objects(objects, "1.33")


def test_service_that_selects_no_pods_is_refused():
    objects = objects_of("nginx-pod.yaml")
    objects[1]["spec"]["selector"]["app.kubernetes.io/name"] = "other"
    assert any("selects no Pods" in p for p in validate_objects(objects, "1.33"))


def test_service_that_forwards_to_an_undeclared_port_is_refused():
    objects = objects_of("nginx-pod.yaml")
    objects[1]["spec"]["ports"][0]["targetPort"] = 8081
    assert any("targetPort 8081 is not a port" in p for p in validate_objects(objects, "1.33"))


def test_clusterip_service_without_ports_is_refused():
    objects = objects_of("nginx-pod.yaml")
    del objects[1]["spec"]["ports"]
    assert any("needs at least one port" in p for p in validate_objects(objects, "1.33"))


def test_probe_on_an_init_container_that_runs_to_completion_is_refused():
    objects = objects_of("web-with-init-and-content-sync.yaml")
    pod_spec(objects[0])["initContainers"][0]["readinessProbe"] = {"tcpSocket": {"port": 80}}
    assert any("cannot have probes" in p for p in validate_objects(objects, "1.33"))


def test_statefulset_whose_service_is_not_headless_is_refused():
    objects = objects_of("statefulset.yaml")
    del objects[1]["spec"]["clusterIP"]
    assert any("is not a headless Service" in p for p in validate_objects(objects, "1.33"))


def test_request_above_its_limit_is_refused():
    objects = objects_of("nginx-pod.yaml")
    pod_spec(objects[0])["containers"][0]["resources"]["requests"]["memory"] = "1Gi"
    assert any("memory request 1Gi is above its limit 128Mi" in p for p in validate_objects(objects, "1.33"))


def test_null_value_is_refused_although_the_schema_allows_it():
    objects = objects_of("nginx-pod.yaml")
    objects[0]["spec"]["replicas"] = None
    assert "Deployment web: spec.replicas: null (leave the field out instead)" in validate_objects(objects, "1.33")


def test_version_without_schemas_is_a_problem_not_a_crash():
    assert any("no schemas for Kubernetes 1.20" in p for p in validate_objects(objects_of("nginx-pod.yaml"), "1.20"))


def test_job_with_restart_policy_always_is_refused():
    objects = objects_of("migration-job.yaml")
    pod_spec(objects[0])["restartPolicy"] = "Always"
    assert any("a Job accepts only OnFailure or Never" in p for p in validate_objects(objects, "1.33"))


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"])
def test_a_deadline_on_the_pods_of_a_controller_that_keeps_them_running_is_refused(kind):
    objects = objects_of("nginx-pod.yaml")
    objects[0]["kind"] = kind
    pod_spec(objects[0])["activeDeadlineSeconds"] = 600
    assert any(f"spec.template.spec.activeDeadlineSeconds: forbidden in a {kind}'s Pods" in p
               for p in validate_objects(objects, "1.33"))


def test_a_deadline_on_a_job_s_pods_is_taken():
    objects = objects_of("migration-job.yaml")
    pod_spec(objects[0])["activeDeadlineSeconds"] = 600
    assert not any("activeDeadlineSeconds" in p for p in validate_objects(objects, "1.33"))


def test_container_that_may_run_as_root_falls_short_of_restricted():
    objects = objects_of("nginx-pod.yaml")
    del pod_spec(objects[0])["securityContext"]["runAsNonRoot"]
    del pod_spec(objects[0])["containers"][0]["securityContext"]["runAsNonRoot"]
    assert pod_security_problems(objects[0]) == ["web: runAsNonRoot must be true"]
    assert pod_security_problems(objects[0], baseline_for=["web"]) == []


@pytest.mark.parametrize("text, value", [("250m", 0.25), ("2", 2), ("1Gi", 2 ** 30), ("128Mi", 128 * 2 ** 20),
                                         ("1e3", 1000), ("1.5", 1.5)])
def test_quantities_compare_by_their_value(text, value):
    assert quantity(text) == value


# -- what the API server refuses, as apicheck showed on the suggestions for real manifests ----------


@pytest.mark.parametrize("change, message", [
    (lambda s: s["containers"][0]["ports"][0].__setitem__("protocol", "tcp"), "one of TCP, UDP, SCTP"),
    (lambda s: s.__setitem__("ephemeralContainers", [{"name": "debug", "image": "busybox:1.36"}]),
     "ephemeralContainers"),
    (lambda s: s.__setitem__("tolerations", [{"key": "k", "operator": "Gt", "value": "5"}]), "Equal or Exists"),
    (lambda s: s["containers"][0]["resources"]["requests"].__setitem__("example.com/gpu", "1"),
     "an extended resource cannot be overcommitted"),
    (lambda s: s["containers"][0].__setitem__("livenessProbe", {"httpGet": {"path": "/", "port": 8080},
                                                                "tcpSocket": {"port": 8080}}),
     "livenessProbe: httpGet and tcpSocket; give exactly one handler"),
    (lambda s: s["containers"][0].__setitem__("readinessProbe", {"periodSeconds": 5}),
     "readinessProbe: no handler; give exactly one of exec, httpGet, tcpSocket, grpc"),
    (lambda s: s["containers"][0].__setitem__("lifecycle", {"preStop": {"sleep": {"seconds": 5},
                                                                        "exec": {"command": ["true"]}}}),
     "lifecycle.preStop: exec and sleep; give exactly one handler"),
])
def test_what_the_api_server_refuses_in_a_pod_spec_is_refused(change, message):
    objects = objects_of("nginx-pod.yaml")
    change(pod_spec(objects[0]))
    assert any(message in p for p in validate_objects(objects, "1.37"))


def test_a_pod_whose_restart_policy_is_none_of_the_three_is_refused():
    objects = objects_of("debug-pod.yaml")
    objects[0]["spec"]["restartPolicy"] = "ON_FAILURE"
    assert validate_objects(objects, "1.37") == [
        "Pod curl-test: spec.restartPolicy: 'ON_FAILURE'; a Pod accepts only Always or OnFailure or Never"]


def test_an_extended_resource_whose_limit_equals_its_request_is_fine():
    objects = objects_of("nginx-pod.yaml")
    resources = pod_spec(objects[0])["containers"][0]["resources"]
    resources["requests"]["example.com/gpu"] = resources["limits"]["example.com/gpu"] = "1"
    assert validate_objects(objects, "1.37") == []


def test_without_promises_only_what_the_api_server_refuses_counts():
    from advisor.manifests.validate import api_problems

    objects = objects_of("nginx-pod.yaml")
    pod_spec(objects[0])["containers"][0]["command"] = None  # the API server drops a null
    objects[1]["spec"]["ports"][0]["targetPort"] = 8081  # a Service may target a port nobody declares
    assert len(api_problems(objects, "1.37")) == 2
    assert api_problems(objects, "1.37", promises=False) == []
