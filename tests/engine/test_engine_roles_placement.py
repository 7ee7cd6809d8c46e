"""Roles of the containers in the main Pod, and where each goes."""

import pytest

from helpers.engine import advise, container, fired, roles, with_helper

ROLE_OF_PURPOSE = [
    ("ship-logs", "sidecar"), ("sync-content", "sidecar"), ("proxy-inbound", "sidecar"), ("other", "sidecar"),
    ("reshape-output", "adapter"), ("proxy-outbound", "ambassador"), ("prepare", "init"),
    ("separate-service", "sidecar"),
]


@pytest.mark.parametrize("purpose,role", ROLE_OF_PURPOSE)
def test_the_purpose_of_a_colocated_container_decides_its_role(purpose, role):
    rec = with_helper(purpose=purpose, shares_volume=True)
    assert roles(rec)["helper"][0] == role


def test_the_first_container_is_main_unless_another_says_so():
    first = advise(container("web", "nginx:1.27"), container("helper", shares_volume=True))
    assert roles(first)["web"] == ("main", "containers") and roles(first)["helper"][0] == "sidecar"
    said = advise(container("helper", shares_volume=True), container("web", "nginx:1.27", main=True))
    assert roles(said)["web"] == ("main", "containers") and roles(said)["helper"][0] == "sidecar"


@pytest.mark.parametrize("version", ["1.29", "1.33", "1.37"])
def test_helpers_are_native_sidecars_from_kubernetes_1_29(version):
    rec = with_helper(kubernetes=version, purpose="reshape-output", uses_localhost=True)
    plan = rec.main.containers[1]
    assert (plan.placement, plan.restart_policy) == ("initContainers", "Always")


@pytest.mark.parametrize("version", ["1.25", "1.27", "1.28"])
def test_helpers_are_ordinary_containers_before_kubernetes_1_29(version):
    rec = with_helper(kubernetes=version, purpose="proxy-outbound", uses_localhost=True)
    assert roles(rec)["helper"] == ("ambassador", "containers")
    assert "classic-sidecar" in fired(rec)


def test_init_containers_go_in_init_containers_on_every_version():
    rec = with_helper(kubernetes="1.25", purpose="prepare")
    assert roles(rec)["helper"] == ("init", "initContainers")


def test_layout_counts_init_containers():
    rec = with_helper(purpose="prepare")
    assert rec.main.layout == "multi-container"


def test_a_lone_main_container_is_single_container():
    rec = advise()
    assert rec.main.layout == "single-container"
