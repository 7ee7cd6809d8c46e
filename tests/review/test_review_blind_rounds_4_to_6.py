"""The causes of rounds 4 to 6's wrong findings and rewrites (bench/blind/round4-6), each a specification.

Found by the blind labellers after each round was scored; each test fails on the reviewer that round
measured (318ad6c for round 4, b6442e8 for round 5, 78f9d94 for round 6)."""

from __future__ import annotations

import yaml

from advisor.review import ReviewOptions, Reviewer
from advisor.review.images import nature
from advisor.review.objects import parse_inputs
from advisor.review.runtime import runtime_of
from helpers.review import pod_network

REVIEWER = Reviewer()


def review(text: str, suggest: bool = False):
    return REVIEWER.review(parse_inputs([("lesson.yaml", text)]), ReviewOptions(None, suggest))


def ids(text: str) -> set[str]:
    return {f.id for f in review(text).findings}


POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{environment: production}}
spec:
{extra}  containers:
    - name: app
      image: {image}
      ports: [{{containerPort: 80}}]
"""


def test_a_bare_pod_a_replicaset_among_the_files_adopts_has_a_controller():
    replicaset = ("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: nginx-replicaset\nspec:\n  replicas: 2\n"
                  "  selector: {matchLabels: {environment: production}}\n  template:\n"
                  "    metadata: {labels: {environment: production}}\n    spec:\n      containers:\n"
                  "        - name: nginx\n          image: nginx:1.27\n")
    pod = POD.format(name="matching", image="nginx:1.27", extra="")
    assert "bare-pod" not in ids(pod + "---\n" + replicaset)
    assert "bare-pod" in ids(pod + "---\n" + replicaset.replace("{environment: production}}\n  template",
                                                                 "{environment: staging}}\n  template"))


def test_a_rewrite_keeps_the_node_a_pod_is_pinned_to():
    pod = POD.format(name="server", image="nginx:1.27", extra="  nodeName: node01\n")
    [obj] = review(pod, suggest=True).objects
    [deployment] = [d for d in yaml.safe_load_all(obj.suggestion) if d and d.get("kind") == "Deployment"]
    assert deployment["spec"]["template"]["spec"]["nodeName"] == "node01"


def test_a_variable_named_for_a_services_cluster_ip_holds_no_pod_ip_even_in_a_pod_network():
    env = "      env: [{name: BACKEND_SERVICE_IP, value: 10.244.220.18}]\n"
    pod = POD.format(name="frontend", image="nginx:1.27", extra="").replace("      ports:", env + "      ports:")
    pod += pod_network()
    assert "pod-ip-literal" not in ids(pod)
    assert "pod-ip-literal" in ids(pod.replace("BACKEND_SERVICE_IP", "BACKEND_ADDRESS"))


def test_a_one_word_image_name_under_another_projects_owner_is_that_projects_image():
    assert nature("quay.io/calico/node:v3.28.0") is None  # Calico's node agent, not Node.js
    assert nature("node:22").name == nature("public.ecr.aws/docker/library/node:22").name


def test_an_image_name_that_says_server_decides_nothing_against_a_restart_policy_that_says_it_ends():
    pod = POD.format(name="vault-kubernetes", image="arungupta/vault-kubernetes:1.0",
                     extra="  restartPolicy: Never\n").replace("      ports: [{containerPort: 80}]\n", "")
    [finding] = [f for f in review(pod).findings if f.id == "bare-pod"]
    assert "runs a server, but restartPolicy Never" in finding.message
    [obj] = review(pod, suggest=True).objects
    assert obj.suggestion is None


# -- round 5 (bench/blind/round5): found by its labellers after it was scored ------------------------


def test_a_server_tied_to_nothing_beside_a_finite_container_of_a_bare_pod_is_not_called_a_blocking_helper():
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: lesson\nspec:\n  restartPolicy: Never\n  containers:\n"
           "    - name: nginx-container\n      image: nginx:1.27\n"
           "    - name: debian-container\n      image: debian:12\n      command: [sleep]\n      args: ['60']\n")
    assert "sidecar-blocks-completion" not in ids(pod)
    job = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: lesson\nspec:\n  template:\n    spec:\n"
           "      restartPolicy: Never\n      containers:\n        - name: nginx-container\n          image: nginx:1.27\n"
           "        - name: debian-container\n          image: debian:12\n          command: [sleep]\n"
           "          args: ['60']\n")
    assert "sidecar-blocks-completion" in ids(job)


def test_no_rewrite_is_written_for_an_object_the_api_server_refuses():
    pod = POD.format(name="network-call", image="alpine:3.20", extra="").replace(
        "  labels: {environment: production}\n",
        "  labels: {environment: production}\n  securityContext: {appArmorProfile: {type: Localhost}}\n")
    report = review(pod, suggest=True)
    assert "refused-by-api-server" in {f.id for f in report.findings}
    [obj] = report.objects
    assert obj.suggestion is None


DAEMONSET = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector: {{matchLabels: {{app: agent}}}}
  template:
    metadata: {{labels: {{app: agent}}}}
    spec:
      containers:
        - name: agent
          image: {image}
{command}"""


def test_a_container_that_ends_without_work_or_fails_on_purpose_is_not_told_to_become_a_job():
    placeholder = DAEMONSET.format(image="busybox:1.37", command="")
    crash = DAEMONSET.format(image="nginx:1.27", command="          command: [sh, -c, 'sleep 60; exit 1']\n")
    work = DAEMONSET.format(image="nginx:1.27", command="          command: [sh, -c, 'cp /a /b']\n")
    assert "restart-always-on-completion" not in ids(placeholder) | ids(crash)
    assert "restart-always-on-completion" in ids(work)


def test_a_loop_whose_condition_of_several_commands_ends_in_echo_runs_for_ever():
    script = ("apt-get update && apt-get install -y curl || exit 1\n"
              "while true\n  # how busy to be\n  USAGE=$(curl -s http://api/usage)\n  echo $USAGE\n"
              "do timeout 1 yes >/dev/null; sleep 1; done\n")
    assert runtime_of({"command": ["/bin/sh", "-c", script]}).endless
    assert runtime_of({"command": ["sh", "-c", "while read line; do echo $line; done"]}).runs is None


STATEFULSET = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
{metadata}spec:
  serviceName: db
  replicas: 3
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      containers:
        - name: db
          image: mariadb:11.4
          ports: [{{containerPort: 3306}}]
"""


def test_a_statefulset_file_a_helm_release_made_or_a_cluster_gave_back_has_its_service_elsewhere(tmp_path):
    from advisor.review.objects import read_inputs

    def found(text):
        (tmp_path / "statefulset.yaml").write_text(text)
        texts, errors = read_inputs([str(tmp_path / "statefulset.yaml")])
        return {f.id for f in REVIEWER.review(parse_inputs(texts, errors), ReviewOptions()).findings}

    assert "statefulset-without-headless-service" in found(STATEFULSET.format(metadata=""))
    helm = STATEFULSET.format(metadata="  annotations: {meta.helm.sh/release-name: wordpress}\n")
    dumped = STATEFULSET.format(metadata="  uid: 9d2c6f6e-0b7a-4c4e-9a55-6b6f1f0f3b1a\n")
    assert "statefulset-without-headless-service" not in found(helm) | found(dumped)


def test_of_services_of_that_name_in_other_folders_the_fitting_one_or_the_nearest_is_taken(tmp_path):
    from advisor.review.objects import read_inputs

    service = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n"
               "  selector: {{app: {app}}}\n  ports: [{{port: 3306}}]\n")
    (tmp_path / "lab" / "update").mkdir(parents=True)
    (tmp_path / "hackathon").mkdir()
    (tmp_path / "lab" / "update" / "statefulset.yaml").write_text(STATEFULSET.format(metadata=""))
    (tmp_path / "hackathon" / "service.yaml").write_text(service.format(app="other"))
    (tmp_path / "lab" / "service.yaml").write_text(service.format(app="db"))
    texts, errors = read_inputs([str(tmp_path)])
    report = REVIEWER.review(parse_inputs(texts, errors), ReviewOptions())
    assert "statefulset-without-headless-service" not in {f.id for f in report.findings}


# -- round 6 (bench/blind/round6): found by its labellers after it was scored ------------------------


def test_a_comment_in_a_script_bashlex_refuses_hides_only_its_own_line():
    script = ("apk add --no-cache jq\necho \"started (v1)\" )\n# follow the file\n"
              "tail -F /var/log/app.log | while read line; do echo \"$line\"; done\n")
    assert runtime_of({"command": ["sh", "-c", script]}).endless


def test_addresses_in_a_host_network_pod_are_nodes_and_host_containers_not_pods():
    # on its node's network, even an address on Docker's bridge is a container of that host, not a Pod
    pod = POD.format(name="etcd", image="registry.k8s.io/etcd:3.5.15-0", extra="  hostNetwork: true\n").replace(
        "      ports:", "      command: [etcd, --initial-cluster=a=https://172.17.0.10:2380]\n      ports:")
    assert "pod-ip-literal" not in ids(pod)
    assert "pod-ip-literal" in ids(pod.replace("  hostNetwork: true\n", ""))


def test_a_corefile_holds_upstream_resolvers_and_host_records_not_pod_ips():
    config = ("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns}\ndata:\n  Corefile: |\n"
              "    company.internal:53 {\n        forward . 10.200.0.10 10.200.0.11\n    }\n")
    mounts = "      volumeMounts: [{name: config, mountPath: /etc/coredns}]\n"
    pod = POD.format(name="coredns", image="coredns/coredns:1.11.3",
                     extra="  volumes: [{name: config, configMap: {name: coredns}}]\n").replace(
        "      ports:", mounts + "      ports:")
    pod += pod_network("10.0.0.0/8")  # Cilium's default cluster pool holds the corporate resolvers' range
    assert "pod-ip-literal" not in ids(pod + config)
    assert "pod-ip-literal" in ids(pod + config.replace("Corefile:", "app.conf:"))


def test_a_probed_container_whose_script_ends_is_not_known_to_run_until_stopped():
    demo = {"command": ["sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 30"],
            "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}}}
    assert runtime_of(demo).runs is None
    assert runtime_of({**demo, "command": ["sh", "-c", "python app.py"]}).endless


def test_an_api_answer_kept_as_test_data_is_not_reviewed(tmp_path):
    from advisor.review.objects import read_inputs

    recorded = POD.format(name="web-abc123", image="nginx:1.27", extra="") + "status: {phase: Running}\n"
    (tmp_path / "tests" / "fixtures").mkdir(parents=True)
    (tmp_path / "tests" / "fixtures" / "pod.yaml").write_text(recorded)
    (tmp_path / "pod.yaml").write_text(recorded.replace("web-abc123", "web"))
    texts, errors = read_inputs([str(tmp_path)])
    report = REVIEWER.review(parse_inputs(texts, errors), ReviewOptions())
    assert [o.ref.name for o in report.objects] == ["web"]
    assert any("kept as test data" in n.text for n in report.notes)


def test_an_address_in_kubeadms_service_range_is_a_cluster_ip_not_a_pod_ip_even_in_a_wide_pod_network():
    env = "      env: [{name: ETCD_URLS, value: 'http://10.96.113.214:2379'}]\n"
    pod = POD.format(name="external-dns", image="registry.k8s.io/external-dns/external-dns:v0.15.0", extra="")
    pod = pod.replace("      ports:", env + "      ports:") + pod_network("10.0.0.0/8")
    assert "pod-ip-literal" not in ids(pod)
    assert "pod-ip-literal" in ids(pod.replace("10.96.113.214", "10.244.1.14"))


def test_a_statefulset_read_from_a_cluster_is_still_told_its_named_service_is_missing():
    # review --cluster: objects named NAMESPACE/KIND/NAME, each with the uid and status the server fills in
    live = STATEFULSET.format(metadata="  uid: 9d2c6f6e-0b7a-4c4e-9a55-6b6f1f0f3b1a\n") + "status: {replicas: 3}\n"
    report = REVIEWER.review(parse_inputs([("shop/StatefulSet/db", live)]), ReviewOptions())
    assert "statefulset-without-headless-service" in {f.id for f in report.findings}
