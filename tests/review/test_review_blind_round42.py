"""What blind round 42 (bench/blind/round42) asked for, each with the behaviour its labellers expected. (The canary
pair that one selector covers is in test_review_checks, beside the other disruption-budget-missing cases.)"""

from __future__ import annotations

import pytest

from helpers.review import container, deployment, review

MONGO_DISK = """          ports: [{containerPort: 27017}]
          volumeMounts: [{name: data, mountPath: /data/db}]
      volumes:
        - name: data
          gcePersistentDisk: {pdName: mongo-disk, fsType: ext4}
"""


def controller(kind: str, extra: str = "") -> str:
    """A ReplicationController (equality selector) or a ReplicaSet (matchLabels) of one MongoDB."""
    text = deployment(container("mongo", "mongo:7.0", extra), name="mongo", replicas=1, kind=kind)
    if kind == "ReplicationController":
        text = text.replace("apiVersion: apps/v1", "apiVersion: v1").replace("matchLabels: {app: web}", "app: web")
    return text


def message(text: str) -> str:
    [finding] = [f for f in review(text).findings if f.id == "replicaset-without-deployment"]
    return finding.message


@pytest.mark.parametrize("kind", ["ReplicationController", "ReplicaSet"])
def test_a_controller_on_a_disk_one_node_attaches_is_told_its_deployment_wants_strategy_recreate(kind):
    """A labeller's remark: MongoDB's ReplicationController on one GCE disk, as the classic examples wrote it, made a
    Deployment with the default rolling update, would hang its first rollout (the new Pod cannot attach the disk the
    old one holds)."""
    said = message(controller(kind, MONGO_DISK))
    assert "give it strategy Recreate: the gcePersistentDisk of the volume data attaches read-write" in said


def test_a_controller_on_a_host_port_is_told_so_too():
    said = message(controller("ReplicationController", "          ports: [{containerPort: 27017, hostPort: 27017}]\n"))
    assert "give it strategy Recreate: mongo binds host port 27017 on its node, so on a node where" in said


def test_a_controller_on_its_nodes_network_is_told_so_in_one_clause():
    said = message(controller("ReplicationController").replace("      containers:", "      hostNetwork: true\n"
                                                                                   "      containers:"))
    assert ("give it strategy Recreate: the Pod is on its node's network (hostNetwork: its ports are the node's), "
            "so on a node where the old Pod still runs") in said


def test_a_controller_whose_pods_can_run_side_by_side_is_told_nothing_of_a_strategy():
    assert "strategy" not in message(controller("ReplicationController"))
