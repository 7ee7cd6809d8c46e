"""What blind round 20 (bench/blind/round20) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest
import yaml
from helpers.review import REVIEWER

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# -- a StatefulSet whose Pods already have a headless Service, under another name -------------------------------

HEADLESS = """\
apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{port: 80}]
"""

STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  SERVICE_NAME
  replicas: 2
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
"""

NODE_PORT = """\
apiVersion: v1
kind: Service
metadata: {name: thewebserver}
spec:
  type: NodePort
  selector: {app: nginx}
  ports: [{port: 80}]
"""


def statefulset(service_name: str, *others: str):
    files = [("service.yaml", HEADLESS), ("statefulset.yaml", STATEFULSET.replace("SERVICE_NAME", service_name))]
    files += [(f"other-{i}.yaml", text) for i, text in enumerate(others)]
    [found] = [o for o in REVIEWER.review(parse_inputs(files), ReviewOptions(suggest=True)).objects
               if o.ref.kind == "StatefulSet"]
    return found


def written(found) -> list[dict]:
    return [d for d in yaml.safe_load_all(found.suggestion) if d]


@pytest.mark.parametrize("service_name, others", [
    ("serviceName: thewebserver", ()),  # names no Service at all
    ("serviceName: thewebserver", (NODE_PORT,)),  # names one that is not headless
    ("minReadySeconds: 0", ()),  # names none
], ids=["missing", "not-headless", "unset"])
def test_the_rewrite_names_the_headless_service_that_selects_the_pods_and_writes_no_second_one(service_name, others):
    """fritzduchardt/troubleshooting-k8s-apps's lesson (serviceName: thewebserver beside the headless 'nginx'; its
    SOLUTION.md sets serviceName: nginx) and cuijiyao01/docker-k8s-training's Elasticsearch (a NodePort
    'elasticsearch' named, the headless 'elasticsearch-discovery' beside it): a new headless Service gave the
    Pods names under its own, which nothing calls."""
    found = statefulset(service_name, *others)
    documents = written(found)
    assert [d["kind"] for d in documents] == ["StatefulSet"]
    assert documents[0]["spec"]["serviceName"] == "nginx"


@pytest.mark.parametrize("service_name, others", [
    ("serviceName: thewebserver", ()), ("serviceName: thewebserver", (NODE_PORT,)), ("minReadySeconds: 0", ())],
    ids=["missing", "not-headless", "unset"])
def test_the_finding_names_the_headless_service_that_selects_the_pods(service_name, others):
    [finding] = [f for f in statefulset(service_name, *others).findings
                 if f.id == "statefulset-without-headless-service"]
    assert "The headless Service 'nginx' (service.yaml:1) already selects these Pods" in finding.message
    assert "web-0.nginx" in finding.message


def test_changing_or_setting_service_name_says_the_statefulset_must_be_deleted_orphaning_its_pods_first():
    """spec.serviceName is immutable: the API server refuses the rewrite over a StatefulSet that exists."""
    assert any("--cascade=orphan" in note for note in statefulset("minReadySeconds: 0").suggestion_notes)


def test_with_two_headless_services_selecting_the_pods_a_headless_service_of_its_own_is_written_as_before():
    """Which of the two the Pods are known by is the author's to say."""
    other = HEADLESS.replace("name: nginx", "name: nginx-peers")
    documents = written(statefulset("serviceName: thewebserver", other))
    assert [d["kind"] for d in documents] == ["Service", "StatefulSet"]
    assert documents[1]["spec"]["serviceName"] == "thewebserver"


# -- a bare Pod on a cloud disk of its own becomes a Deployment that does not roll ------------------------------

MONGO = """\
apiVersion: v1
kind: Pod
metadata: {name: mongodb}
spec:
  volumes:
  - name: mongodb-data
    DISK
  containers:
  - name: mongodb
    image: mongo:7.0
    volumeMounts: [{name: mongodb-data, mountPath: /data/db}]
    ports: [{containerPort: 27017}]
"""


def deployment_for(disk: str) -> dict:
    [found] = REVIEWER.review(parse_inputs([("mongo-pod.yml", MONGO.replace("DISK", disk))]),
                              ReviewOptions(suggest=True)).objects
    [written_deployment] = written(found)
    assert written_deployment["kind"] == "Deployment"
    return written_deployment


@pytest.mark.parametrize("disk", ["gcePersistentDisk: {pdName: mongodb, fsType: ext4}",
                                  "awsElasticBlockStore: {volumeID: vol-0abc}",
                                  "azureDisk: {diskName: mongodb, diskURI: /subscriptions/x/disks/mongodb}",
                                  "cinder: {volumeID: 0abc}"])
def test_a_pod_writing_a_cloud_disk_becomes_a_deployment_whose_strategy_is_recreate(disk):
    """nik786/kube-learn's mongo on a GCE persistent disk: the labeller saw the mysql rewrite beside it (on a claim)
    get strategy Recreate, and this one not; a rolling update's new Pod on another node cannot attach the disk."""
    assert deployment_for(disk)["spec"]["strategy"] == {"type": "Recreate"}


def test_a_cloud_disk_mounted_read_only_leaves_the_rolling_update():
    assert "strategy" not in deployment_for("gcePersistentDisk: {pdName: mongodb, readOnly: true}")["spec"]
