"""What blind round 31 (bench/blind/round31) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.review import REVIEWER, write_repository

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs


def ids_by_file(root: Path) -> dict[str, list[str]]:
    """{file relative to root: the ids of its findings} for every manifest of the checkout, reviewed together."""
    manifests = sorted(p for p in root.rglob("*.y*ml") if ".git" not in p.parts)
    report = REVIEWER.review(parse_inputs([(str(p), p.read_text()) for p in manifests]), ReviewOptions())
    found: dict[str, list[str]] = {str(p.relative_to(root)): [] for p in manifests}
    for f in report.findings:
        found[str(Path(f.file).relative_to(root))].append(f.id)
    return found


def notes_of(root: Path) -> list[str]:
    manifests = sorted(p for p in root.rglob("*.y*ml") if ".git" not in p.parts)
    return [n.text for n in REVIEWER.review(parse_inputs([(str(p), p.read_text()) for p in manifests]),
                                            ReviewOptions()).notes]


# junghoon2/diamanti-k8s-bootcamp: `kubectl get -o yaml` copies of what Helm charts and an operator made.
def statefulset(replicas: int, chart: str, service: str = "kafka-headless") -> str:
    return f"""apiVersion: apps/v1
kind: StatefulSet
metadata:
  annotations: {{meta.helm.sh/release-name: kafka}}
  labels: {{app.kubernetes.io/managed-by: Helm, helm.sh/chart: {chart}, app.kubernetes.io/name: kafka}}
  name: kafka
  namespace: kafka
spec:
  replicas: {replicas}
  serviceName: {service}
  selector: {{matchLabels: {{app.kubernetes.io/name: kafka, app.kubernetes.io/component: kafka}}}}
  template:
    metadata: {{labels: {{app.kubernetes.io/name: kafka, app.kubernetes.io/component: kafka}}}}
    spec:
      containers:
      - name: kafka
        image: bitnami/kafka:2.7.0
        ports: [{{containerPort: 9092, name: kafka}}]
        resources: {{requests: {{cpu: 100m, memory: 512Mi}}, limits: {{memory: 512Mi}}}}
"""


def service(chart: str) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  labels: {{app.kubernetes.io/managed-by: Helm, helm.sh/chart: {chart}}}
  name: kafka-headless
  namespace: kafka
spec:
  clusterIP: None
  selector: {{app.kubernetes.io/name: kafka, app.kubernetes.io/component: kafka-broker}}
  ports: [{{port: 9092, name: kafka}}]
"""


def test_a_single_replica_statefulset_a_chart_made_is_not_told_its_service_is_missing(tmp_path):
    root = write_repository(tmp_path, {"kafka/kafka-sts.yml": statefulset(1, "kafka-12.18.3")})
    assert "statefulset-without-headless-service" not in ids_by_file(root)["kafka/kafka-sts.yml"]


def test_a_single_replica_statefulset_written_by_hand_still_is():
    text = statefulset(1, "kafka-12.18.3").replace("  annotations: {meta.helm.sh/release-name: kafka}\n", "").replace(
        "app.kubernetes.io/managed-by: Helm, helm.sh/chart: kafka-12.18.3, ", "")
    report = REVIEWER.review(parse_inputs([("sts.yaml", text)]), ReviewOptions())
    assert "statefulset-without-headless-service" in {f.id for f in report.findings}


def test_another_chart_s_copy_of_the_service_is_not_held_against_the_statefulset(tmp_path):
    root = write_repository(tmp_path, {"kafka/sts.yml": statefulset(3, "kafka-12.1.0"),
                                       "kafka/svc.yml": service("kafka-0.21.2")})
    assert "statefulset-without-headless-service" not in ids_by_file(root)["kafka/sts.yml"]


def test_the_same_chart_s_service_that_misses_the_pods_still_is(tmp_path):
    root = write_repository(tmp_path, {"kafka/sts.yml": statefulset(3, "kafka-12.1.0"),
                                       "kafka/svc.yml": service("kafka-12.1.0")})
    assert "statefulset-without-headless-service" in ids_by_file(root)["kafka/sts.yml"]


# The same repository's 18.DemoPerftier: create-iperf-fio.sh fills in NODE, QOS and INDEX with sed.
TEMPLATE = """apiVersion: v1
kind: ReplicationController
metadata:
  name: ip-NODE-QOS-INDEX
spec:
  replicas: 1
  selector: {app: ip-NODE-QOS-INDEX}
  template:
    metadata: {labels: {app: ip-NODE-QOS-INDEX}}
    spec:
      containers:
      - name: iperf
        image: networkstatic/iperf3:latest
        args: [-s]
"""
SCRIPT = "for i in 1 2 3; do\n  sed -e 's/NODE/'$node'/g' -e 's/QOS/'$qos'/g' -e 's/INDEX/'$i'/g' iperf.yaml | kubectl create -f -\ndone\n"


def test_a_name_whose_capital_words_the_repository_s_sed_fills_in_is_a_template_s(tmp_path):
    root = write_repository(tmp_path, {"perf/iperf.yaml": TEMPLATE, "perf/create.sh": SCRIPT})
    assert "refused-by-api-server" not in ids_by_file(root)["perf/iperf.yaml"]


def test_without_the_sed_the_name_is_refused(tmp_path):
    root = write_repository(tmp_path, {"perf/iperf.yaml": TEMPLATE, "perf/create.sh": "kubectl create -f iperf.yaml\n"})
    assert "refused-by-api-server" in ids_by_file(root)["perf/iperf.yaml"]


# ChunPingWang/spring-petclinic-on-k8s: a specification's outline of the Deployment each service gets.
def test_an_object_named_by_a_placeholder_in_angle_brackets_is_an_outline_not_refused():
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: <service-name>\n  labels:\n"
            "    app: <service-name>\n    component: business-service | infrastructure\nspec:\n  replicas: 2\n"
            "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
            "    spec: {containers: [{name: app, image: 'registry.example.com/app:1.0'}]}\n")
    report = REVIEWER.review(parse_inputs([("contract.yaml", text)]), ReviewOptions())
    assert "refused-by-api-server" not in {f.id for f in report.findings}


# jannegpriv/k3s-cluster-config: a Rook toolbox whose script, written over several lines in a double-quoted
# scalar, YAML folds so that each paragraph's first comment swallows its code, the keep-alive loop with it.
TOOLBOX = '''apiVersion: apps/v1
kind: Deployment
metadata: {name: rook-ceph-tools}
spec:
  replicas: 1
  selector: {matchLabels: {app: rook-ceph-tools}}
  template:
    metadata: {labels: {app: rook-ceph-tools}}
    spec:
      containers:
      - name: rook-ceph-tools
        image: quay.io/ceph/ceph:v18
        command: ["/bin/bash"]
        args: ["-c", "
          # Wait for the configuration
          while [ ! -f /etc/ceph/ceph.conf ]; do
            sleep 5
          done

          echo 'Ceph configuration is available.'

          # Keep the container running
          while true; do
            sleep 3600
          done
        "]
'''


def test_a_script_whose_code_yaml_folded_into_a_comment_is_not_read_as_work_that_finishes():
    report = REVIEWER.review(parse_inputs([("toolbox.yaml", TOOLBOX)]), ReviewOptions())
    assert "restart-always-on-completion" not in {f.id for f in report.findings}


def test_a_comment_of_prose_does_not_hide_what_the_script_does():
    copies = TOOLBOX.split('args: ["-c", "')[0] + ("args:\n        - -c\n        - |\n"
                                                   "          # Wait for the configuration, then copy it\n"
                                                   "          cp /etc/ceph/a /tmp/b\n")
    report = REVIEWER.review(parse_inputs([("toolbox.yaml", copies)]), ReviewOptions())
    assert "restart-always-on-completion" in {f.id for f in report.findings}


# The same repository's rook-ceph folder: csi-version-job-patch.yaml, a patch an earlier kustomization listed.
JOB_PATCH = """apiVersion: batch/v1
kind: Job
metadata: {name: rook-ceph-csi-detect-version, namespace: rook-ceph}
spec:
  template:
    spec:
      containers:
      - {name: cmd-reporter, image: 'quay.io/cephcsi/cephcsi:v3.11.0', command: [/cephcsi], args: [--version]}
"""


@pytest.mark.parametrize("name", ["csi-version-job-patch.yaml", "patch-job.yaml", "patches.yml"])
def test_a_file_named_a_patch_beside_a_kustomization_that_does_not_list_it_is_not_reviewed(tmp_path, name):
    root = write_repository(tmp_path, {"rook/kustomization.yaml": "resources: [toolbox.yaml]\n",
                                       "rook/toolbox.yaml": TOOLBOX, f"rook/{name}": JOB_PATCH})
    assert f"rook/{name}" not in ids_by_file(root) or ids_by_file(root)[f"rook/{name}"] == []
    assert any(n.startswith("Job rook-ceph/rook-ceph-csi-detect-version is a kustomize patch") for n in notes_of(root))


def test_a_file_named_a_patch_that_the_kustomization_lists_as_a_resource_is_reviewed(tmp_path):
    root = write_repository(tmp_path, {"rook/kustomization.yaml": "resources: [toolbox.yaml, job-patch.yaml]\n",
                                       "rook/toolbox.yaml": TOOLBOX, "rook/job-patch.yaml": JOB_PATCH})
    assert "restart-always-on-completion" in ids_by_file(root)["rook/job-patch.yaml"]
