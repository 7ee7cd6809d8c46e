"""What the manifest writes for each kind of advice: objects, placement, storage, probes, security, clean-up."""

from __future__ import annotations

import pytest
from helpers.paths import EXAMPLES

from advisor.answers.load import answers_from_data
from advisor.engine.advise import advise, advise_file
from advisor.system.errors import InputError
from advisor.manifests import build_manifest, build_objects
from advisor.manifests.emit import read_stream
from advisor.domain.vocabulary import CONTROLLER_KINDS, pod_template_path


def recommend(*containers: dict, name: str = "app", kubernetes: str = "1.33", **workload):
    return advise(answers_from_data({"name": name, "kubernetes": kubernetes, "workload": workload,
                                     "containers": list(containers)}, source="app.yaml"))


def container(name: str, **keys) -> dict:
    return {"name": name, "image": f"ghcr.io/example/{name}:1.0.0", "resources": {"cpu": "100m", "memory": "128Mi"},
            **keys}


def objects_of(example: str, **options) -> list[dict]:
    return read_stream(build_manifest(advise_file(str(EXAMPLES / example)), **options))


def by_kind(objects: list[dict], kind: str, name: str | None = None) -> dict:
    return next(o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name))


def pod(obj: dict) -> dict:
    spec = obj
    for key in pod_template_path(obj["kind"]) + ("spec",):
        spec = spec[key]
    return spec


def entry(obj: dict, name: str) -> dict:
    spec = pod(obj)
    return next(c for c in spec["containers"] + spec.get("initContainers", []) if c["name"] == name)


# -- objects and labels ------------------------------------------------------------

def test_workloads_use_their_stable_api_versions():
    kinds = {}
    for example in ("nginx-pod.yaml", "statefulset.yaml", "node-agent.yaml", "migration-job.yaml",
                    "nightly-cronjob.yaml", "debug-pod.yaml"):
        for obj in objects_of(example):
            kinds[obj["kind"]] = obj["apiVersion"]
    assert kinds == {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Job": "batch/v1",
                     "CronJob": "batch/v1", "Pod": "v1", "Service": "v1", "PodDisruptionBudget": "policy/v1",
                     "ServiceAccount": "v1"}


def test_app_and_database_become_two_workloads_each_with_its_service():
    objects = objects_of("app-and-database.yaml")
    assert [(o["kind"], o["metadata"]["name"]) for o in objects] == [
        ("Deployment", "blog"), ("Service", "blog"), ("PodDisruptionBudget", "blog"), ("NetworkPolicy", "blog"),
        ("StatefulSet", "postgres"), ("Service", "postgres"), ("NetworkPolicy", "postgres")]


def test_statefulset_service_name_points_at_headless_service():
    objects = objects_of("statefulset.yaml")
    service = by_kind(objects, "Service", by_kind(objects, "StatefulSet")["spec"]["serviceName"])
    assert service["spec"]["clusterIP"] == "None"


def test_clusterip_service_forwards_the_declared_port():
    service = by_kind(objects_of("nginx-pod.yaml"), "Service")
    assert "clusterIP" not in service["spec"]
    assert service["spec"]["ports"] == [{"name": "tcp-8080", "port": 8080, "targetPort": 8080, "protocol": "TCP"}]


def test_service_in_front_of_an_inbound_proxy_forwards_to_the_proxy():
    service = by_kind(objects_of("web-with-tls-proxy.yaml"), "Service")
    assert [p["targetPort"] for p in service["spec"]["ports"]] == [443]


def test_objects_carry_the_recommended_labels():
    objects = objects_of("app-and-database.yaml")
    database = by_kind(objects, "StatefulSet")
    assert database["metadata"]["labels"] == {"app.kubernetes.io/name": "postgres",
                                              "app.kubernetes.io/part-of": "blog",
                                              "app.kubernetes.io/managed-by": "pod-advisor"}
    assert database["spec"]["template"]["metadata"]["labels"] == database["metadata"]["labels"]


def test_selectors_match_the_pod_template_labels():
    for obj in objects_of("app-and-database.yaml"):
        if obj["kind"] in ("Deployment", "StatefulSet"):
            labels = obj["spec"]["template"]["metadata"]["labels"]
            assert obj["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_services_of_two_answer_files_with_the_same_container_name_do_not_select_each_other():
    first = build_objects(recommend(container("app", ports=[80]), container("cache", ports=[6379],
                                    talks_over_network=True), name="shop", addressed_by_others=True))
    second = build_objects(recommend(container("app", ports=[80]), container("cache", ports=[6379],
                                     talks_over_network=True), name="blog", addressed_by_others=True))
    service = by_kind(first, "Service", "cache")
    other_cache = by_kind(second, "Deployment", "cache")
    labels = other_cache["spec"]["template"]["metadata"]["labels"]
    assert not service["spec"]["selector"].items() <= labels.items()


def test_experiment_bare_pod_carries_the_environment_annotation():
    obj = by_kind(objects_of("debug-pod.yaml"), "Pod")
    assert obj["metadata"]["annotations"]["pod-advisor.io/environment"] == "experiment"


def test_multi_container_pod_names_its_default_container_and_the_purpose_of_each_helper():
    annotations = by_kind(objects_of("web-with-log-shipper.yaml"), "Deployment")["spec"]["template"]["metadata"][
        "annotations"]
    assert annotations == {"kubectl.kubernetes.io/default-container": "web",
                           "pod-advisor.io/purpose.log-shipper": "ship-logs"}


def test_purpose_annotation_is_left_out_when_its_key_would_be_too_long():
    long_name = "h" * 60
    objects = build_objects(recommend(container("web"), container(long_name, purpose="ship-logs",
                                                                    shares_volume=True)))
    annotations = objects[0]["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {"kubectl.kubernetes.io/default-container": "web"}


# -- placement and restartPolicy ------------------------------------------------------

def test_native_sidecar_is_an_init_container_with_restart_policy_always():
    job = by_kind(objects_of("job-with-sidecar-1.33.yaml"), "Job")
    assert [c["name"] for c in pod(job)["containers"]] == ["importer"]
    assert [(c["name"], c["restartPolicy"]) for c in pod(job)["initContainers"]] == [("log-shipper", "Always")]


def test_sidecar_is_an_ordinary_container_before_1_29():
    job = by_kind(objects_of("job-with-sidecar-1.27.yaml"), "Job")
    assert [c["name"] for c in pod(job)["containers"]] == ["importer", "log-shipper"]
    assert "initContainers" not in pod(job)
    assert all("restartPolicy" not in c for c in pod(job)["containers"])


def test_init_container_keeps_no_restart_policy_and_precedes_the_sidecar_listed_after_it():
    deployment = by_kind(objects_of("web-with-init-and-content-sync.yaml"), "Deployment")
    assert [(c["name"], c.get("restartPolicy")) for c in pod(deployment)["initContainers"]] == [
        ("first-build", None), ("git-sync", "Always")]


def test_job_restarts_on_failure_and_cronjob_that_keeps_attempts_never():
    assert pod(by_kind(objects_of("migration-job.yaml"), "Job"))["restartPolicy"] == "OnFailure"
    assert pod(by_kind(objects_of("nightly-cronjob.yaml"), "CronJob"))["restartPolicy"] == "Never"


def test_one_off_bare_pod_never_restarts():
    assert pod(by_kind(objects_of("debug-pod.yaml"), "Pod"))["restartPolicy"] == "Never"


# -- volumes -----------------------------------------------------------------------------

def test_containers_that_share_a_volume_mount_one_empty_dir():
    deployment = by_kind(objects_of("web-with-init-and-content-sync.yaml"), "Deployment")
    assert pod(deployment)["volumes"][0] == {"name": "shared", "emptyDir": {}}
    for name in ("web", "first-build", "git-sync"):
        assert entry(deployment, name)["volumeMounts"][0] == {"name": "shared", "mountPath": "/shared"}


def test_pod_without_shared_files_has_only_the_volumes_its_images_write_to():
    deployment = by_kind(objects_of("db-ambassador.yaml"), "Deployment")
    assert [v["name"] for v in pod(deployment)["volumes"]] == ["api-tmp"]  # the app's assumed /tmp
    assert "volumeMounts" not in entry(deployment, "db-proxy")  # its image writes nothing


def test_statefulset_keeps_data_in_a_volume_claim_template_mounted_in_the_main_container():
    statefulset = by_kind(objects_of("statefulset.yaml"), "StatefulSet")
    claim = statefulset["spec"]["volumeClaimTemplates"][0]
    assert claim["metadata"]["name"] == "data"
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert entry(statefulset, "etcd")["volumeMounts"][0] == {"name": "data", "mountPath": "/var/lib/etcd"}  # its image's
    assert pod(statefulset)["securityContext"]["fsGroup"] == entry(statefulset, "etcd")["securityContext"]["runAsGroup"]


# -- resources and probes -------------------------------------------------------------------

def test_resources_come_from_the_answers():
    resources = entry(by_kind(objects_of("nginx-pod.yaml"), "Deployment"), "web")["resources"]
    assert resources == {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "100m", "memory": "128Mi"}}


def test_missing_resources_get_starter_values_and_the_finding_stays():
    recommendation = recommend({"name": "web", "image": "nginx:1.27"})
    resources = entry(build_objects(recommendation)[0], "web")["resources"]
    assert resources == {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "100m", "memory": "128Mi"}}
    assert "resources-unset" in recommendation.finding_ids()
    assert "[resources-unset]" in build_manifest(recommendation)


def test_half_given_resources_keep_the_given_half():
    recommendation = recommend({"name": "web", "image": "nginx:1.27", "resources": {"memory": "1Gi"}})
    assert entry(build_objects(recommendation)[0], "web")["resources"]["limits"] == {"cpu": "100m", "memory": "1Gi"}


def test_readiness_probe_checks_a_declared_port_of_the_long_running_main_container():
    web = entry(by_kind(objects_of("nginx-pod.yaml"), "Deployment"), "web")
    assert web["readinessProbe"]["tcpSocket"] == {"port": 8080}
    assert "livenessProbe" not in web


PAYMENTS = (container("app", ports=[8443]),
            container("tls-proxy", ports=[443], purpose="proxy-inbound", uses_localhost=True))


def test_readiness_probe_goes_on_the_inbound_proxy_the_service_forwards_to():
    deployment = build_objects(recommend(*PAYMENTS, replicas=2, addressed_by_others=True))[0]
    assert entry(deployment, "tls-proxy")["readinessProbe"]["tcpSocket"] == {"port": 443}
    assert "readinessProbe" not in entry(deployment, "app")


def test_an_app_behind_an_inbound_proxy_with_a_health_check_is_probed_too_so_no_request_reaches_it_early():
    """The proxy's port opens while the app behind it still boots: the app's own check keeps the Pod unready."""
    app = {**PAYMENTS[0], "health": {"http": "/healthz"}}
    deployment = build_objects(recommend(app, PAYMENTS[1], replicas=2, addressed_by_others=True))[0]
    assert entry(deployment, "app")["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": 8443}
    assert entry(deployment, "tls-proxy")["readinessProbe"]["tcpSocket"] == {"port": 443}


def test_container_without_ports_gets_no_probe():
    shipper = entry(by_kind(objects_of("web-with-log-shipper.yaml"), "Deployment"), "log-shipper")
    assert "readinessProbe" not in shipper


@pytest.mark.parametrize("example", ["migration-job.yaml", "nightly-cronjob.yaml", "debug-pod.yaml",
                                     "web-with-init-and-content-sync.yaml"])
def test_no_probes_on_jobs_cronjobs_one_off_pods_or_init_containers(example):
    for obj in objects_of(example):
        if obj["kind"] not in CONTROLLER_KINDS:
            continue
        spec = pod(obj)
        checked = spec.get("initContainers", []) if obj["kind"] == "Deployment" else spec["containers"]
        for c in checked:
            assert not {"readinessProbe", "livenessProbe", "startupProbe"} & set(c)


def test_job_with_a_port_still_gets_no_probe():
    job = build_objects(recommend(container("batch", ports=[8080]), runs_to_completion=True))[0]
    assert "readinessProbe" not in entry(job, "batch")


# -- security ----------------------------------------------------------------------------------

def test_pods_mount_no_service_account_token_and_no_service_links():
    for obj in objects_of("app-and-database.yaml"):
        if obj["kind"] in CONTROLLER_KINDS:
            assert pod(obj)["automountServiceAccountToken"] is False
            assert pod(obj)["enableServiceLinks"] is False


def test_init_containers_get_the_restricted_security_context_too():
    first_build = entry(by_kind(objects_of("web-with-init-and-content-sync.yaml"), "Deployment"), "first-build")
    assert first_build["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                              "runAsNonRoot": True, "runAsUser": 65532, "runAsGroup": 65532,
                                              "capabilities": {"drop": ["ALL"]},
                                              "seccompProfile": {"type": "RuntimeDefault"}}


def test_allow_root_for_one_container_relaxes_only_that_container():
    deployment = by_kind(objects_of("web-with-log-shipper.yaml", allow_root=["web"]), "Deployment")
    assert "runAsNonRoot" not in pod(deployment)["securityContext"]
    web = entry(deployment, "web")["securityContext"]
    assert web["runAsNonRoot"] is False and web["allowPrivilegeEscalation"] is False
    assert web["capabilities"]["drop"] == ["ALL"] and "SETUID" in web["capabilities"]["add"]
    assert entry(deployment, "log-shipper")["securityContext"]["runAsNonRoot"] is True


def test_allow_root_for_every_container_says_the_pod_meets_baseline():
    text = build_manifest(advise_file(str(EXAMPLES / "nginx-pod.yaml")), allow_root=True)
    assert '"baseline"' in text
    assert "runAsNonRoot: true" not in text


def test_allow_root_for_an_unknown_container_is_an_input_error():
    with pytest.raises(InputError) as error:
        build_objects(advise_file(str(EXAMPLES / "nginx-pod.yaml")), allow_root=["wbe"])
    assert "did you mean 'web'?" in str(error.value)


# -- jobs and spreading ----------------------------------------------------------------------

def test_job_has_a_backoff_limit_and_is_cleaned_up_after_it_finishes():
    spec = by_kind(objects_of("migration-job.yaml"), "Job")["spec"]
    assert spec["backoffLimit"] == 3 and spec["ttlSecondsAfterFinished"] == 86400
    assert "selector" not in spec


def test_cronjob_forbids_overlapping_runs_and_limits_its_history():
    spec = by_kind(objects_of("nightly-cronjob.yaml"), "CronJob")["spec"]
    assert spec["schedule"] == "0 3 * * *"
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["successfulJobsHistoryLimit"] == 3 and spec["failedJobsHistoryLimit"] == 3
    assert spec["jobTemplate"]["spec"]["backoffLimit"] == 3


def test_a_cronjobs_runs_are_cleaned_up_by_its_history_limits_not_a_ttl_that_would_defeat_them():
    spec = by_kind(objects_of("nightly-cronjob.yaml"), "CronJob")["spec"]
    assert "ttlSecondsAfterFinished" not in spec["jobTemplate"]["spec"]
    assert spec["failedJobsHistoryLimit"] == 3


def test_a_job_is_deleted_a_day_after_it_finishes_and_has_a_deadline():
    spec = by_kind(objects_of("migration-job.yaml"), "Job")["spec"]
    assert (spec["ttlSecondsAfterFinished"], spec["activeDeadlineSeconds"]) == (86400, 600)


def test_replicated_workload_prefers_its_replicas_on_different_nodes():
    deployment = by_kind(objects_of("nginx-pod.yaml"), "Deployment")
    term = pod(deployment)["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
    assert term["podAffinityTerm"]["labelSelector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]


def test_single_replica_has_no_anti_affinity():
    statefulset = by_kind(objects_of("app-and-database.yaml"), "StatefulSet")
    assert "affinity" not in pod(statefulset)


# -- answers Kubernetes would not take as names ----------------------------------------------

def test_clusterip_service_without_ports_is_left_out_with_a_note():
    recommendation = recommend(container("worker"), replicas=2, addressed_by_others=True)
    assert [o["kind"] for o in build_objects(recommendation)] == ["Deployment", "PodDisruptionBudget"]
    assert "TO DO: app gets a ClusterIP Service, but no container port" in build_manifest(recommendation)


# Refused before any object is built: by advise (as evaluate and batch --check are), or by the answer loader.

def test_cronjob_name_longer_than_52_characters_is_an_input_error():
    with pytest.raises(InputError) as error:
        recommend(container("report"), name="r" * 53, schedule="@daily")
    assert "at most 52 characters" in str(error.value)
    assert error.value.problems[0].path == ("name",)


def test_service_name_starting_with_a_digit_is_an_input_error():
    with pytest.raises(InputError) as error:
        recommend(container("web", ports=[80]), name="1shop", addressed_by_others=True)
    assert "starts with a letter" in str(error.value)


def test_container_named_like_the_answer_file_that_gets_its_own_workload_is_an_input_error():
    with pytest.raises(InputError) as error:
        answers_from_data({"name": "app", "containers": [container("web", ports=[80]),
                                                         container("app", purpose="separate-service")]})
    assert error.value.problems[0].path == ("containers", 1, "name")


def test_separated_service_keeps_its_own_port_beside_an_inbound_proxy():
    recommendation = recommend(container("app", ports=[8080]),
                               container("tls-proxy", ports=[8443], purpose="proxy-inbound", uses_localhost=True),
                               container("cache", ports=[6379], talks_over_network=True),
                               replicas=2, addressed_by_others=True)
    service = by_kind(read_stream(build_manifest(recommendation)), "Service", "cache")
    assert [p["port"] for p in service["spec"]["ports"]] == [6379]
