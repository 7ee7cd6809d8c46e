"""The co-location test: which containers share the main container's Pod."""

import pytest

from helpers.engine import fired, roles, with_helper


@pytest.mark.parametrize("need", ["shares_volume", "uses_localhost", "same_node"])
def test_a_colocation_need_puts_the_helper_in_the_main_pod(need):
    rec = with_helper(purpose="ship-logs", **{need: True})
    assert [w.name for w in rec.workloads] == ["app"]
    assert "helper" in roles(rec)


def test_each_colocation_need_is_its_own_reason():
    rec = with_helper(purpose="ship-logs", shares_volume=True, uses_localhost=True)
    assert {"colocate-shared-volume", "colocate-localhost"} <= fired(rec)


def test_a_prepare_step_joins_the_pod_without_any_other_need():
    rec = with_helper(purpose="prepare")
    assert roles(rec)["helper"] == ("init", "initContainers")
    assert "prepare-in-pod" in fired(rec)


def test_a_container_with_no_colocation_need_gets_a_deployment_of_its_own():
    rec = with_helper(purpose="separate-service", replicas=3)
    own = rec.workload("helper")
    assert (own.controller, own.replicas, own.layout, own.restart_policy) == ("Deployment", 3, "single-container",
                                                                              "Always")
    assert roles(rec, 1) == {"helper": ("main", "containers")}


def test_a_separated_container_with_stable_identity_gets_a_statefulset_and_headless_service():
    rec = with_helper(purpose="separate-service", stable_identity=True)
    own = rec.workload("helper")
    assert (own.controller, own.service) == ("StatefulSet", "headless")


def test_a_separated_container_the_main_one_calls_gets_a_clusterip_service():
    rec = with_helper(purpose="other", talks_over_network=True)
    assert rec.workload("helper").service == "ClusterIP"


def test_a_separate_service_gets_a_clusterip_service_even_without_talks_over_network():
    rec = with_helper(purpose="separate-service")
    assert rec.workload("helper").service == "ClusterIP"


def test_a_separated_helper_nobody_calls_gets_no_service():
    rec = with_helper(purpose="other")
    assert rec.workload("helper").service is None


def test_a_colocated_container_that_scales_independently_stays_in_the_pod():
    rec = with_helper(purpose="ship-logs", shares_volume=True, scales_independently=True)
    assert len(rec.workloads) == 1
    assert "colocation-vs-scaling" in rec.finding_ids()


def test_workloads_list_the_main_one_first_then_separated_ones_in_container_order():
    from helpers.engine import advise, container

    rec = advise(container("zeta", purpose="separate-service"), container("web", "nginx:1.27", main=True),
                 container("alpha", purpose="separate-service"))
    assert [w.name for w in rec.workloads] == ["app", "zeta", "alpha"]


def test_a_separated_service_keeps_its_own_ports_beside_an_inbound_proxy():
    from helpers.engine import advise, container

    rec = advise(container("app", ports=[8080]),
                 container("tls-proxy", ports=[8443], purpose="proxy-inbound", uses_localhost=True),
                 container("cache", ports=[6379], talks_over_network=True), addressed_by_others=True)
    assert (rec.main.service_ports, rec.workload("cache").service_ports) == ((8443,), (6379,))
