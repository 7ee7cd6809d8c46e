"""Every finding id of the contract: raised when it should be, and only then."""

import pytest

from helpers.engine import advise, container, main_only, with_helper


def ids(rec):
    return rec.finding_ids()


def test_bare_pod_is_raised_for_an_experiment():
    assert "bare-pod" in ids(main_only(environment="experiment"))


def test_bare_pod_is_not_raised_for_production():
    assert "bare-pod" not in ids(main_only())


def test_sidecar_blocks_completion_for_a_classic_sidecar_in_a_job():
    rec = with_helper(kubernetes="1.28", workload={"runs_to_completion": True}, purpose="ship-logs",
                      shares_volume=True)
    finding = next(f for f in rec.findings if f.id == "sidecar-blocks-completion")
    assert (finding.severity, finding.containers) == ("error", ("helper",))


def test_sidecar_blocks_completion_for_a_classic_sidecar_in_a_one_off_pod():
    rec = with_helper(kubernetes="1.27", workload={"environment": "experiment", "runs_to_completion": True},
                      purpose="ship-logs", shares_volume=True)
    assert "sidecar-blocks-completion" in ids(rec)


def test_sidecar_blocks_completion_is_not_raised_for_a_native_sidecar():
    rec = with_helper(kubernetes="1.29", workload={"runs_to_completion": True}, purpose="ship-logs",
                      shares_volume=True)
    assert "sidecar-blocks-completion" not in ids(rec)


def test_sidecar_blocks_completion_is_not_raised_for_an_init_container():
    rec = with_helper(kubernetes="1.27", workload={"runs_to_completion": True}, purpose="prepare")
    assert "sidecar-blocks-completion" not in ids(rec)


def test_sidecar_blocks_completion_is_not_raised_for_long_running_work():
    rec = with_helper(kubernetes="1.27", purpose="ship-logs", shares_volume=True)
    assert "sidecar-blocks-completion" not in ids(rec)


def test_colocation_vs_scaling_is_not_raised_for_a_separated_container():
    assert "colocation-vs-scaling" not in ids(with_helper(purpose="other", scales_independently=True))


def test_unrelated_containers_when_a_separate_service_is_forced_into_the_pod():
    rec = with_helper(purpose="separate-service", uses_localhost=True)
    assert "unrelated-containers" in ids(rec)


def test_unrelated_containers_is_not_raised_for_a_separated_service():
    assert "unrelated-containers" not in ids(with_helper(purpose="separate-service"))


@pytest.mark.parametrize("purpose", ["ship-logs", "sync-content", "proxy-inbound", "proxy-outbound",
                                     "reshape-output"])
def test_helper_not_colocated_when_a_helper_shares_nothing(purpose):
    rec = with_helper(purpose=purpose)
    assert "helper-not-colocated" in ids(rec)
    assert rec.workload("helper").controller == "Deployment"


@pytest.mark.parametrize("purpose", ["other", "separate-service"])
def test_helper_not_colocated_is_not_raised_for_purposes_that_do_not_imply_colocation(purpose):
    assert "helper-not-colocated" not in ids(with_helper(purpose=purpose))


def test_per_node_completion_conflict_is_not_raised_for_a_daemonset():
    assert "per-node-completion-conflict" not in ids(main_only(one_per_node=True))


def test_single_replica_for_a_production_deployment_with_one_replica():
    finding = next(f for f in main_only(replicas=1).findings if f.id == "single-replica")
    assert finding.severity == "info"


def test_single_replica_for_a_separated_statefulset_with_one_replica():
    rec = with_helper(workload={"replicas": 2}, purpose="separate-service", stable_identity=True, replicas=1)
    assert [f.containers for f in rec.findings if f.id == "single-replica"] == [("helper",)]


@pytest.mark.parametrize("workload", [{"replicas": 2}, {"one_per_node": True}, {"runs_to_completion": True},
                                      {"environment": "experiment"}])
def test_single_replica_is_not_raised_without_a_single_production_replica(workload):
    assert "single-replica" not in ids(main_only(**workload))


@pytest.mark.parametrize("image", ["nginx", "nginx:latest", "localhost:5000/app", "registry.io:443/team/app:latest"])
def test_mutable_image_tag_for_no_tag_or_latest(image):
    assert "mutable-image-tag" in ids(advise(container("web", image)))


@pytest.mark.parametrize("image", ["nginx:1.27", "localhost:5000/app:2.1", "nginx@sha256:" + "a" * 64,
                                   "nginx:latest@sha256:" + "b" * 64])
def test_mutable_image_tag_is_not_raised_for_a_pinned_tag_or_digest(image):
    assert "mutable-image-tag" not in ids(advise(container("web", image)))


def test_resources_unset_names_each_container_without_resources():
    rec = advise({"name": "web", "image": "nginx:1.27"}, container("shipper", shares_volume=True))
    assert [f.containers for f in rec.findings if f.id == "resources-unset"] == [("web",)]


def test_resources_unset_is_not_raised_when_only_cpu_is_given():
    assert "resources-unset" not in ids(advise({"name": "web", "image": "nginx:1.27", "resources": {"cpu": 1}}))


def test_service_without_ports_when_a_service_has_nothing_to_forward_to():
    assert "service-without-ports" in ids(advise(container("worker"), addressed_by_others=True))


def test_service_without_ports_is_not_raised_for_a_headless_service():
    assert "service-without-ports" not in ids(advise(container("db"), stable_identity=True))


def test_findings_list_errors_before_warnings_before_info():
    # a Job's classic sidecar (error) with a mutable tag (warning) beside a separated service with one
    # replica (info), listed before the helper in the answers so that answer order is not severity order
    rec = advise(container("task"), container("api", purpose="separate-service"),
                 container("shipper", "fluent/fluent-bit", purpose="ship-logs", shares_volume=True),
                 kubernetes="1.27", runs_to_completion=True)
    severities = [f.severity for f in rec.findings]
    assert set(severities) == {"error", "warning", "info"}
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
