"""Each review check on small manifests: when it fires, when it must not, and where it points.

The fixtures in tests/fixtures/review/ hold one positive case per finding; these
tests add the negative cases and the edges (which containers, which kinds, which
lines), through the reviewer's own API.
"""

import pytest

from helpers.review import (RESOURCES, REVIEWER, SHARED, budget, container, deployment, found, ids, job, pod_network,
                            review, service)

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# A Service with a port selecting deployment()'s Pods: what makes a replicated Deployment need a budget.
SERVED = service(extra="  ports: [{port: 80}]\n")

# -- bare-pod --------------------------------------------------------------------------


POD = f"""apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {{app: web}}
ANNOTATIONS
spec:
  containers:
    - name: web
      image: nginx:1.27
      {RESOURCES}
"""


def test_a_bare_pod_is_reported_with_the_controller_the_advisor_recommends():
    [finding] = review(POD.replace("ANNOTATIONS\n", "")).findings
    assert finding.id == "bare-pod" and "recommends a Deployment" in finding.message and finding.line == 1


def test_a_bare_pod_marked_as_an_experiment_is_not_reported():
    text = POD.replace("ANNOTATIONS", "  annotations: {pod-advisor.io/environment: experiment}")
    assert ids(text) == set()


def test_a_pod_owned_by_a_controller_is_not_bare():
    owned = "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d4f, uid: x, controller: true}]"
    assert "bare-pod" not in ids(POD.replace("ANNOTATIONS", owned))


def test_a_bare_pod_whose_work_finishes_is_advised_into_a_job_and_says_it_guessed():
    text = POD.replace("ANNOTATIONS\n", "").replace("image: nginx:1.27", 'image: ghcr.io/x/blog:1.8.0\n'
                                                    '      command: ["python", "manage.py", "migrate"]')
    finding = next(f for f in review(text).findings if f.id == "bare-pod")
    assert "recommends a Job" in finding.message and "migrate" in finding.guess


# -- unrelated-containers and network-services-in-one-pod -----------------------------


def test_a_log_shipper_that_shares_a_volume_with_the_main_container_belongs_in_its_pod():
    text = deployment(container(extra=SHARED) + container("log-shipper", "fluent/fluent-bit:3.1", SHARED),
                      extra_spec="      volumes: [{name: shared, emptyDir: {}}]\n")
    assert ids(text) == set()


def test_a_log_shipper_that_shares_nothing_visible_stays_in_its_pod():
    # it may receive the logs over localhost, configured in a file the reviewer cannot read
    text = deployment(container() + container("log-shipper", "fluent/fluent-bit:3.1"))
    assert ids(text) == set()


def test_a_database_that_shares_nothing_is_an_unrelated_container():
    text = deployment(container("app", "ghcr.io/x/blog:1.8.0") + container("cache", "redis:7.4"))
    [finding] = review(text).findings
    assert (finding.id, finding.container) == ("unrelated-containers", "cache")
    assert finding.container_line == 17 and "Deployment of its own" in finding.message
    assert "redis" in finding.guess


def test_a_container_the_reviewer_cannot_place_stays_where_its_author_put_it():
    assert ids(deployment(container() + container("sidekick", "ghcr.io/x/sidekick:1.0.0"))) == set()


def test_sharing_only_a_configmap_volume_is_no_reason_to_share_a_pod():
    mounts = "          volumeMounts: [{name: config, mountPath: /etc/app}]\n"
    text = deployment(container("app", "ghcr.io/x/blog:1.8.0", mounts) + container("cache", "redis:7.4", mounts),
                      extra_spec="      volumes: [{name: config, configMap: {name: app}}]\n")
    assert found(text) == [("unrelated-containers", "cache")]


def test_a_database_sharing_a_data_volume_with_the_main_container_is_tied_to_it():
    text = deployment(container("app", "ghcr.io/x/blog:1.8.0", SHARED) + container("cache", "redis:7.4", SHARED),
                      extra_spec="      volumes: [{name: shared, emptyDir: {}}]\n")
    assert ids(text) == set()


def test_a_database_reached_over_localhost_is_a_network_service_in_the_pod():
    env = "          env: [{name: DATABASE_URL, value: 'postgres://localhost:5432/blog'}]\n"
    text = deployment(container("app", "ghcr.io/x/blog:1.8.0", env)
                      + container("postgres", "postgres:16.4", "          ports: [{containerPort: 5432}]\n"
                                  "          env: [{name: POSTGRES_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: pw}}}]\n"))
    assert found(text) == [("network-services-in-one-pod", "postgres")]


def test_a_proxy_is_taken_to_reach_the_main_container_over_localhost():
    text = deployment(container("api", "ghcr.io/x/api:2.0.0")
                      + container("tls-proxy", "envoyproxy/envoy:v1.31.0", "          ports: [{containerPort: 443}]\n"))
    assert ids(text) == set()


def test_a_helper_that_talks_to_localhost_itself_stays_in_the_pod():
    args = "          args: ['--scrape', 'http://localhost:80/status']\n"
    assert ids(deployment(container() + container("status-poller", "ghcr.io/x/poller:1.0.0", args))) == set()


def test_the_purpose_annotation_overrides_the_guess():
    text = deployment(container() + container("sidekick", "ghcr.io/x/sidekick:1.0.0"))
    assert ids(text) == set()
    stated = text.replace("      labels: {app: web}\n    spec:",
                          "      labels: {app: web}\n      annotations: {pod-advisor.io/purpose.sidekick: separate-service}\n"
                          "    spec:")
    assert found(stated) == [("unrelated-containers", "sidekick")]


def test_a_plain_init_container_is_a_preparation_step_and_never_unrelated():
    init = "      initContainers:\n" + container("migrate", "ghcr.io/x/migrate:1.0.0")
    assert ids(deployment(container(), extra_spec=init)) == set()


# -- sidecar-blocks-completion and native-sidecar-unsupported -------------------------


def test_a_jobs_ordinary_sidecar_blocks_completion_and_the_fix_depends_on_the_version():
    text = job(container("importer", "ghcr.io/x/importer:5.0.2", SHARED)
               + container("log-shipper", "fluent/fluent-bit:3.1", SHARED))
    new = next(f for f in review(text, kubernetes="1.33").findings if f.id == "sidecar-blocks-completion")
    old = next(f for f in review(text, kubernetes="1.27").findings if f.id == "sidecar-blocks-completion")
    assert "native sidecar" in new.message and "need Kubernetes 1.29" in old.message


def test_a_native_sidecar_in_a_job_is_fine_from_1_29():
    init = "      initContainers:\n" + container("log-shipper", "fluent/fluent-bit:3.1",
                                                 SHARED + "          restartPolicy: Always\n")
    text = job(container("importer", "ghcr.io/x/importer:5.0.2", SHARED), init=init)
    assert ids(text, kubernetes="1.29") == set()
    assert ids(text, kubernetes="1.28") == {"native-sidecar-unsupported"}


def test_a_long_running_pods_ordinary_sidecar_blocks_nothing():
    text = deployment(container(extra=SHARED) + container("log-shipper", "fluent/fluent-bit:3.1", SHARED),
                      extra_spec="      volumes: [{name: shared, emptyDir: {}}]\n")
    assert "sidecar-blocks-completion" not in ids(text, kubernetes="1.27")


# -- restart-always-on-completion ---------------------------------------------------------


@pytest.mark.parametrize("restart", [None, "Always"])
def test_a_job_without_on_failure_or_never_is_refused(restart):
    assert ids(job(container("task", "ghcr.io/x/task:1.0.0"), restart=restart)) == {"restart-always-on-completion"}


@pytest.mark.parametrize("restart", ["OnFailure", "Never"])
def test_a_job_with_on_failure_or_never_is_fine(restart):
    assert ids(job(container("task", "ghcr.io/x/task:1.0.0"), restart=restart)) == set()


def test_a_server_command_is_not_taken_for_finite_work():
    command = '          command: ["sh", "-c", "python manage.py migrate && gunicorn blog.wsgi"]\n'
    assert ids(deployment(container("app", "ghcr.io/x/blog:1.8.0", command))) == set()


# -- readiness-probe-missing ----------------------------------------------------------------


def test_a_deployment_no_service_selects_needs_no_readiness_probe():
    assert ids(deployment(container()) + service(selector="app: other")) == set()


def test_the_readiness_probe_is_asked_of_the_container_the_service_targets():
    ports = "          ports: [{containerPort: 8443}]\n"
    text = deployment(container("app", "ghcr.io/x/app:1.0.0")
                      + container("tls-proxy", "envoyproxy/envoy:v1.31.0", ports)) + service(
        extra="  ports: [{port: 443, targetPort: 8443}]\n")
    assert found(text) == [("readiness-probe-missing", "tls-proxy")]


def test_jobs_and_init_containers_are_never_asked_for_a_readiness_probe():
    init = "      initContainers:\n" + container("prepare", "ghcr.io/x/prepare:1.0.0")
    text = job(container("task", "ghcr.io/x/task:1.0.0"), init=init).replace(
        "    spec:\n", "    metadata: {labels: {app: web}}\n    spec:\n", 1) + service()
    assert ids(text) == set()


def test_a_service_that_publishes_pods_before_they_are_ready_needs_no_readiness_probe():
    assert ids(deployment(container()) + service(extra="  publishNotReadyAddresses: true\n")) == set()


def test_a_service_in_another_namespace_does_not_select_the_pods():
    text = deployment(container()).replace("  name: web\n", "  name: web\n  namespace: shop\n", 1) + service(
    ).replace("  name: web\n", "  name: web\n  namespace: other\n")
    assert ids(text) == set()


# -- pod-ip-literal ----------------------------------------------------------------------------


def test_ranges_loopback_and_public_addresses_are_not_pod_ips():
    env = ("          env:\n"
           "            - {name: NO_PROXY, value: '10.0.0.0/8,.svc'}\n"
           "            - {name: POD_CIDR, value: 10.244.0.0}\n"
           "            - {name: UPSTREAM, value: 'http://127.0.0.1:8080'}\n"
           "            - {name: DNS, value: 8.8.8.8}\n")
    assert ids(deployment(container(extra=env))) == set()


def test_a_pod_ip_in_an_argument_points_at_that_argument():
    args = "          args:\n            - --upstream\n            - 172.17.0.4:9000\n"
    [finding] = review(deployment(container(extra=args))).findings
    assert (finding.id, finding.line, finding.container_line) == ("pod-ip-literal", 19, 14)


# -- single-replica, replicaset-without-deployment, statefulset ------------------------


AUTOSCALER_OF_THREE = """---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
"""


def test_an_autoscaler_s_minimum_replaces_the_replica_count():
    assert ids(deployment(container(), replicas=1)) == {"single-replica"}
    assert ids(deployment(container(), replicas=1) + AUTOSCALER_OF_THREE + budget()) == set()


def test_an_autoscaled_deployment_of_three_or_more_replicas_needs_its_budget_too():
    assert "disruption-budget-missing" in ids(deployment(container(), replicas=1) + AUTOSCALER_OF_THREE + SERVED)


def test_an_autoscaler_with_a_malformed_target_is_passed_over_not_a_crash():
    hpa = """---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: web
  minReplicas: 3
"""
    assert ids(deployment(container(), replicas=1) + hpa) == {"single-replica"}


def test_a_replicaset_owned_by_a_deployment_is_fine():
    owned = deployment(container(), kind="ReplicaSet").replace(
        "  name: web\n", "  name: web\n  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: x, "
                          "controller: true}]\n", 1)
    assert ids(owned) == set()


def test_a_statefulset_whose_service_is_elsewhere_says_where_it_looked():
    text = deployment(container(), kind="StatefulSet").replace("  replicas: 2\n", "  replicas: 2\n  serviceName: db\n")
    [finding] = review(text).findings
    assert finding.id == "statefulset-without-headless-service" and "files reviewed" in finding.guess


def one_mysql(service_spec: str) -> str:
    """A one-replica MySQL StatefulSet without serviceName, and a Service selecting its Pod beside it."""
    extra = ("          ports: [{containerPort: 3306}]\n"
             "          env: [{name: MYSQL_ROOT_PASSWORD, valueFrom: {secretKeyRef: {name: s, key: p}}}]\n")
    return (deployment(container("db", "mysql:8.4", extra=extra), name="db", replicas=1, kind="StatefulSet",
                       labels="app: db")
            + service(selector="app: db", extra=service_spec + "  ports: [{port: 3306}]\n"))


def test_one_replica_without_service_name_beside_the_headless_service_of_its_pod_is_told_to_name_it():
    """Blind round 37's labeller: a MySQL StatefulSet of one replica, its headless Service in the same file, and no
    serviceName: the link is left out (no DNS name of the Pod's own; older kubectl refuses the object)."""
    [finding] = [f for f in review(one_mysql("  clusterIP: None\n")).findings
                 if f.id == "statefulset-without-headless-service"]
    assert "names no Service in spec.serviceName, though the headless Service 'web'" in finding.message
    assert "Name it in spec.serviceName" in finding.message


def test_suggest_names_the_headless_service_of_the_one_replica_in_service_name():
    report = REVIEWER.review(parse_inputs([("app.yaml", one_mysql("  clusterIP: None\n"))]),
                             ReviewOptions(kubernetes="1.37", suggest=True))
    [statefulset] = [r for r in report.objects if r.ref.kind == "StatefulSet"]
    assert "\n  serviceName: web\n" in statefulset.suggestion


def test_one_replica_beside_a_service_with_a_cluster_ip_is_not_told_to_name_it():
    assert "statefulset-without-headless-service" not in ids(one_mysql(""))


# -- reading -----------------------------------------------------------------------------------


def test_other_kinds_are_read_and_counted_but_not_reviewed():
    report = review("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n" + service())
    assert report.objects == [] and report.skipped == {"ConfigMap": 1, "Service": 1}


def test_a_workload_without_containers_is_noted_not_reviewed():
    report = review("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {}\n")
    assert report.objects == [] and "no containers" in report.notes[0].text


def test_findings_in_a_list_point_at_the_items_lines():
    item = deployment(container(image="nginx"), with_budget=False).rstrip("\n").split("\n")
    text = "apiVersion: v1\nkind: List\nitems:\n  - " + "\n".join([item[0]] + ["    " + line for line in item[1:]])
    [finding] = [f for f in review(text).findings if f.id == "mutable-image-tag"]
    assert (finding.object.kind, finding.object.line, finding.container_line, finding.line) == ("Deployment", 4, 17, 18)


def test_a_headless_service_with_no_port_in_front_of_a_portless_container_needs_no_readiness_probe():
    text = deployment(container("db", "postgres:16.4"), name="db", kind="StatefulSet",
                      extra_spec="      # serviceName set below\n").replace(
        "spec:\n  replicas", "spec:\n  serviceName: web\n  replicas", 1) + service(extra="  clusterIP: None\n")
    assert "readiness-probe-missing" not in ids(text)


def test_a_service_with_a_port_still_asks_a_portless_main_container_for_a_readiness_probe():
    text = deployment(container()) + service(extra="  ports: [{port: 80}]\n")
    assert "readiness-probe-missing" in ids(text)


def test_an_address_in_a_comment_of_a_configmap_file_is_not_configuration():
    config = pod_network() + """---
apiVersion: v1
kind: ConfigMap
metadata: {name: app}
data:
  fluent.conf: |
    # Example: POST /stats (13ms) 200 [10.244.1.3:40537]
    <match **>
      @type stdout
    </match>
"""
    mounts = "          volumeMounts: [{name: config, mountPath: /etc/app}]\n"
    text = deployment(container(extra=mounts), extra_spec="      volumes: [{name: config, configMap: {name: app}}]\n")
    assert "pod-ip-literal" not in ids(text + config)
    assert "pod-ip-literal" in ids(text + config.replace("# Example: ", ""))


def test_an_address_a_name_server_serves_in_its_zone_file_is_not_one_it_connects_to():
    config = pod_network("10.0.0.0/8") + """---
apiVersion: v1
kind: ConfigMap
metadata: {name: zones}
data:
  db.example.local: |
    @   IN  SOA ns1.example.local. admin.example.local. (1 3600 600 86400 60)
        IN  NS  ns1.example.local.
    ns1 IN  A   10.0.0.1
"""
    mounts = "          volumeMounts: [{name: config, mountPath: /etc/bind}]\n"
    text = deployment(container(extra=mounts), extra_spec="      volumes: [{name: config, configMap: {name: zones}}]\n")
    assert "pod-ip-literal" not in ids(text + config)
    assert "pod-ip-literal" in ids(text + config.replace("ns1 IN  A   10.0.0.1", "upstream 10.0.0.1:53")
                                   .replace("db.example.local:", "app.conf:"))


def test_a_helper_the_main_container_shuts_down_does_not_block_a_job():
    # the way before native sidecars: the job calls the proxy's /quitquitquit when it is done
    command = ('          command: ["sh", "-c", "import-all --db 127.0.0.1:5432 && '
               'curl -X POST localhost:9091/quitquitquit"]\n')
    proxy = '          args: ["--admin-port=9091", "--quitquitquit", "--port=5432", "p:r:db"]\n'
    text = job(container("importer", "ghcr.io/x/importer:5.0.2", command)
               + container("cloud-sql-proxy", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1", proxy))
    assert "sidecar-blocks-completion" not in ids(text, kubernetes="1.27")
    assert "sidecar-blocks-completion" in ids(text.replace("quitquitquit\"]", "done\"]"), kubernetes="1.27")


def test_a_bare_pod_that_runs_once_with_restart_policy_never_is_the_one_off_the_advisor_allows():
    once = POD.replace("ANNOTATIONS\n", "").replace(
        "spec:\n", "spec:\n  restartPolicy: Never\n", 1).replace(
        "image: nginx:1.27", 'image: busybox:1.36\n      command: ["nslookup", "kubernetes.default"]')
    assert "bare-pod" not in ids(once)
    assert "bare-pod" in ids(once.replace("  restartPolicy: Never\n", "  restartPolicy: OnFailure\n"))


def test_a_bare_pod_that_only_prints_and_sleeps_is_a_placeholder_not_a_workload():
    loop = POD.replace("ANNOTATIONS\n", "").replace(
        "image: nginx:1.27", 'image: busybox:1.36\n      command: ["sh", "-c", "while true; do date >> /data/out; sleep 5; done"]')
    assert "bare-pod" not in ids(loop)
    assert "bare-pod" in ids(loop.replace("date >> /data/out", "python3 /app/poll.py"))


def test_a_pod_copied_with_its_ephemeral_containers_is_not_reviewed():
    text = POD.replace("ANNOTATIONS\n", "") + "  ephemeralContainers:\n    - {name: debug, image: 'busybox:1.36'}\n"
    report = review(text)
    assert report.objects == [] and "ephemeralContainers" in report.notes[0].text


def test_a_single_replica_statefulset_needs_no_headless_service():
    # no serviceName: one Pod has no peers to find by name (a serviceName naming nothing is another case)
    text = deployment(container(), kind="StatefulSet", replicas=1)
    assert "statefulset-without-headless-service" not in ids(text)
    assert "statefulset-without-headless-service" in ids(text.replace("replicas: 1", "replicas: 3"))


def test_the_docker_bridge_gateway_is_the_node_not_a_pod():
    env = "          env: [{name: UPSTREAM_HOST, value: 172.17.0.1}]\n"
    assert "pod-ip-literal" not in ids(deployment(container(extra=env)))
    assert "pod-ip-literal" in ids(deployment(container(extra=env.replace("172.17.0.1", "172.17.0.9"))))


def test_a_bare_pod_that_only_burns_cpu_is_a_demo_of_limits_not_a_workload():
    load = POD.replace("ANNOTATIONS\n", "").replace(
        "image: nginx:1.27", 'image: busybox:1.36\n      command: ["dd", "if=/dev/zero", "of=/dev/null"]')
    assert "bare-pod" not in ids(load)


def test_a_pod_behind_many_services_names_three_and_counts_the_rest():
    many = "".join(service(extra="  ports: [{port: 80}]\n").replace("name: web\n", f"name: web-{i}\n", 1)
                   for i in range(5))
    [finding] = [f for f in review(deployment(container()) + many).findings if f.id == "readiness-probe-missing"]
    assert "web-0, web-1, web-2 and 2 more" in finding.message


# -- disruption-budget-missing and sidecar-startup-probe-missing --------------------------------------


def test_two_replicas_behind_a_service_without_a_budget_are_reported_with_what_was_guessed():
    [finding] = [f for f in review(deployment(container(), with_budget=False) + SERVED).findings
                 if f.id != "readiness-probe-missing"]
    assert finding.id == "disruption-budget-missing" and finding.severity == "info"
    assert "only among the files reviewed together" in finding.guess


def test_one_replica_needs_no_budget():
    assert "disruption-budget-missing" not in ids(deployment(container(), replicas=1, with_budget=False) + SERVED)


def test_a_deployment_no_service_selects_is_not_asked_for_a_budget():
    """A load generator or a queue worker loses nobody's requests when all its Pods go at once."""
    assert "disruption-budget-missing" not in ids(deployment(container(), with_budget=False))


@pytest.mark.parametrize("pinned", ["      nodeSelector: {kubernetes.io/hostname: worker-1}\n",
                                    "      nodeName: worker-1\n"])
def test_replicas_pinned_to_one_node_are_not_asked_for_a_budget_that_could_only_hold_up_its_drain(pinned):
    """Round 30: all replicas on one node go when it is drained, whatever a budget says."""
    text = deployment(container(), with_budget=False, extra_spec=pinned) + SERVED
    assert "disruption-budget-missing" not in ids(text)


def test_replicas_on_nodes_of_a_label_many_nodes_may_carry_are_still_asked_for_a_budget():
    text = deployment(container(), with_budget=False, extra_spec="      nodeSelector: {pool: web}\n") + SERVED
    assert "disruption-budget-missing" in ids(text)


def test_a_budget_of_another_deployment_does_not_cover_this_one():
    text = deployment(container(), with_budget=False) + SERVED + budget("other", labels="app: other")
    assert "disruption-budget-missing" in ids(text)


def test_a_budget_in_another_folder_does_not_cover_a_deployment_without_a_namespace():
    from advisor.review import ReviewOptions
    from advisor.review.objects import parse_inputs
    from helpers.review import REVIEWER

    inputs = parse_inputs([("a/web.yaml", deployment(container(), with_budget=False) + SERVED),
                           ("b/pdb.yaml", budget())])
    assert "disruption-budget-missing" in {f.id for f in REVIEWER.review(inputs, ReviewOptions(kubernetes="1.37"))
                                          .findings}


def _canary(version: str, selector: str = "app: web") -> str:
    """A Deployment named web-VERSION whose Pods are labelled app: web and version: VERSION."""
    text = "---\n" + deployment(container(), name=f"web-{version}", with_budget=False)
    return text.replace("matchLabels: {app: web}", f"matchLabels: {{{selector}}}").replace(
        "labels: {app: web}", f"labels: {{app: web, version: {version}}}")


def test_deployments_under_one_selector_are_told_to_share_one_budget():
    """Round 42: a canary's v1 and v2 under the selector app: web; a budget for each would select the Pods of
    both, and the eviction API refuses a Pod that two budgets select."""
    findings = [f for f in review(_canary("v1") + _canary("v2") + SERVED).findings
                if f.id == "disruption-budget-missing"]
    assert {f.object.name: f.message.split("Its selector also selects the Pods of ")[1].split(",")[0]
            for f in findings} == {"web-v1": "Deployment web-v2", "web-v2": "Deployment web-v1"}
    assert all("wherever they run in one namespace: give them one budget, not one each" in f.message for f in findings)


def test_a_name_several_files_give_a_workload_is_named_once():
    """A folder of exercises holding several Deployments called web-v2 (only one of which can exist at a time)."""
    text = _canary("v1") + _canary("v2") + _canary("v2") + SERVED
    [finding] = [f for f in review(text).findings if f.id == "disruption-budget-missing" and f.object.name == "web-v1"]
    assert "selects the Pods of Deployment web-v2, wherever" in finding.message


def test_deployments_whose_selectors_tell_their_pods_apart_are_told_nothing_of_each_other():
    text = _canary("v1", "app: web, version: v1") + _canary("v2", "app: web, version: v2") + SERVED
    findings = [f for f in review(text).findings if f.id == "disruption-budget-missing"]
    assert len(findings) == 2 and not any("also selects" in f.message for f in findings)


def test_a_deployment_of_another_namespace_under_the_same_labels_shares_no_budget():
    other = _canary("v2").replace("  name: web-v2\n", "  name: web-v2\n  namespace: other\n", 1)
    mine = _canary("v1").replace("  name: web-v1\n", "  name: web-v1\n  namespace: shop\n", 1)
    served = SERVED.replace("  name: web\n", "  name: web\n  namespace: shop\n", 1)
    [finding] = [f for f in review(mine + other + served).findings if f.id == "disruption-budget-missing"]
    assert "also selects" not in finding.message


def test_a_budget_of_expressions_is_taken_to_cover_it():
    text = deployment(container(), with_budget=False) + SERVED + budget().replace(
        "matchLabels: {app: web}", "matchExpressions: [{key: app, operator: In, values: [web]}]")
    assert "disruption-budget-missing" not in ids(text)


def test_a_statefulset_is_not_asked_for_a_budget_by_review():
    assert "disruption-budget-missing" not in ids(deployment(container("db", "postgres:16.4"), name="db",
                                                             kind="StatefulSet", replicas=3))


PROXY = """        - name: cloud-sql-proxy
          image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.4
          restartPolicy: Always
          args: ["--port=5432", "example:europe-west1:books"]
          {RESOURCES}
{PROBE}"""


def proxy_before(main: str, probe: str = "") -> str:
    return deployment(main, extra_spec="      initContainers:\n" + PROXY.replace("{RESOURCES}", RESOURCES)
                      .replace("{PROBE}", probe))


def test_a_native_sidecar_proxy_without_a_startup_probe_is_reported_with_its_guess():
    [finding] = review(proxy_before(container("app", "ghcr.io/example/app:1.0.0"))).findings
    assert (finding.id, finding.container) == ("sidecar-startup-probe-missing", "cloud-sql-proxy")
    assert finding.guess


def test_a_native_sidecar_proxy_with_a_startup_probe_is_not_reported():
    probe = "          startupProbe: {tcpSocket: {port: 5432}}\n"
    assert ids(proxy_before(container("app", "ghcr.io/example/app:1.0.0"), probe)) == set()


def test_a_log_shipper_as_a_native_sidecar_needs_no_startup_probe():
    shipper = PROXY.replace("cloud-sql-proxy", "fluent-bit").replace(
        "gcr.io/cloud-sql-connectors/fluent-bit:2.11.4", "fluent/fluent-bit:3.1").replace(
        '          args: ["--port=5432", "example:europe-west1:books"]\n', "")
    text = deployment(container("app", "ghcr.io/example/app:1.0.0"),
                      extra_spec="      initContainers:\n" + shipper.replace("{RESOURCES}", RESOURCES)
                      .replace("{PROBE}", ""))
    assert "sidecar-startup-probe-missing" not in ids(text)


def test_before_native_sidecars_the_version_is_the_finding_not_the_probe():
    found_ids = ids(proxy_before(container("app", "ghcr.io/example/app:1.0.0")), kubernetes="1.28")
    assert "native-sidecar-unsupported" in found_ids and "sidecar-startup-probe-missing" not in found_ids
