"""What blind round 8 (bench/blind/round8) found wrong, each fixed with the behaviour its labellers
expected; the image catalogue's part is in test_review_starts.py."""

from __future__ import annotations

from helpers.review import REVIEWER, RESOURCES, pod_network

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs


def review_files(files: dict[str, str], suggest: bool = False):
    return REVIEWER.review(parse_inputs(list(files.items())), ReviewOptions(suggest=suggest))


def ids(files: dict[str, str]) -> list[str]:
    return [f.id for o in review_files(files).objects for f in o.findings]


# -- static Pods: the kubelet owns them ---------------------------------------------------------------

SCHEDULER = ("kind: Pod\napiVersion: v1\nmetadata: {name: kube-scheduler, namespace: kube-system}\nspec:\n"
             "  hostNetwork: true\n  containers:\n  - name: kube-scheduler\n"
             "    image: gcr.io/google_containers/hyperkube:v1.3.5\n"
             "    command: [/hyperkube, scheduler, --master=https://master.example.com, --leader-elect]\n"
             f"    {RESOURCES}\n")
WEB = ("apiVersion: v1\nkind: Pod\nmetadata: {name: static-web}\nspec:\n  containers:\n  - name: web\n"
       "    image: nginx:1.27\n    ports: [{name: web, containerPort: 80, protocol: TCP}]\n" f"    {RESOURCES}\n")


def test_a_host_network_pod_running_a_control_plane_component_through_hyperkube_is_a_static_pod():
    report = review_files({"manifests/master/kube-scheduler.yaml": SCHEDULER}, suggest=True)
    [obj] = report.objects
    assert "bare-pod" not in [f.id for f in obj.findings] and obj.suggestion is None


def test_the_same_component_off_the_host_network_is_still_a_bare_pod():
    assert "bare-pod" in ids({"kube-scheduler.yaml": SCHEDULER.replace("  hostNetwork: true\n", "")})


def test_a_pod_in_a_file_named_for_a_static_pod_is_a_static_pod():
    assert "bare-pod" not in ids({"staticPod.yaml": WEB})
    assert "bare-pod" in ids({"web.yaml": WEB})


def test_the_mirror_of_a_static_pod_is_the_kubelet_s():
    mirror = WEB.replace("metadata: {name: static-web}", "metadata:\n  name: static-web\n  annotations:\n"
                                                          "    kubernetes.io/config.mirror: abc\n"
                                                          "    kubernetes.io/config.source: file")
    assert "bare-pod" not in ids({"web.yaml": mirror})


# -- addresses the input's own cluster gives its nodes and Services ------------------------------------

APISERVER = ("kind: Pod\napiVersion: v1\nmetadata: {name: kube-apiserver, namespace: kube-system}\nspec:\n"
             "  hostNetwork: true\n  containers:\n  - name: kube-apiserver\n"
             "    image: gcr.io/google_containers/hyperkube:v1.3.5\n"
             "    command: [/hyperkube, apiserver, --service-cluster-ip-range=10.10.0.0/16,\n"
             "              --advertise-address=172.16.32.10]\n" f"    {RESOURCES}\n")


CONTROLLER_MANAGER = ("kind: Pod\napiVersion: v1\nmetadata: {name: kube-controller-manager, namespace: kube-system}\n"
                      "spec:\n  hostNetwork: true\n  containers:\n  - name: kube-controller-manager\n"
                      "    image: gcr.io/google_containers/hyperkube:v1.3.5\n"
                      "    command: [/hyperkube, controller-manager, --allocate-node-cidrs=true,\n"
                      "              --cluster-cidr=10.244.0.0/16]\n" f"    {RESOURCES}\n")


def keeper(variable: str, value: str) -> str:
    return ("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: keeper}\nspec:\n  replicas: 1\n"
            "  selector: {app: keeper}\n  template:\n    metadata: {labels: {app: keeper}}\n    spec:\n"
            "      containers:\n      - name: keeper\n        image: sorintlab/stolon:v0.2.0\n"
            f"        env: [{{name: {variable}, value: '{value}'}}]\n" f"        {RESOURCES}\n")


def ip_findings(files: dict[str, str]) -> list[str]:
    return [f.message for o in review_files(files).objects for f in o.findings if f.id == "pod-ip-literal"]


def test_an_address_the_input_s_host_network_api_server_advertises_is_a_node_s():
    files = {"master/kube-apiserver.yaml": APISERVER,
             "db/keeper.yaml": keeper("STKEEPER_ETCD_ENDPOINTS", "http://172.16.32.10:2379")}
    assert ip_findings(files) == []


def test_a_node_in_docker_s_bridge_range_that_the_api_server_advertises_is_not_taken_for_a_container():
    apiserver = APISERVER.replace("172.16.32.10", "172.17.8.10")
    assert ip_findings({"master/kube-apiserver.yaml": apiserver,
                        "db/keeper.yaml": keeper("STKEEPER_ETCD_ENDPOINTS", "http://172.17.8.10:2379")}) == []
    [message] = ip_findings({"master/kube-apiserver.yaml": apiserver, "db/keeper.yaml": keeper("PEER", "172.17.0.5")})
    assert "172.17.0.5" in message


def test_an_address_in_the_input_s_service_range_is_a_service_s_even_inside_a_wide_pod_network():
    files = {"master/kube-apiserver.yaml": APISERVER, "db/keeper.yaml": keeper("PEER", "10.10.3.7") + pod_network("10.0.0.0/8")}
    assert ip_findings(files) == []


def test_an_address_in_the_pod_network_the_controller_manager_is_given_is_found():
    files = {"kube-apiserver.yaml": APISERVER, "kube-controller-manager.yaml": CONTROLLER_MANAGER,
             "db/keeper.yaml": keeper("PEER", "10.244.1.5")}
    [message] = ip_findings(files)
    assert "10.244.1.5, inside the Pod network 10.244.0.0/16" in message


def test_a_pod_network_declared_in_a_sibling_folder_says_nothing_of_this_folder_s_addresses():
    files = {"master/kube-controller-manager.yaml": CONTROLLER_MANAGER, "db/keeper.yaml": keeper("PEER", "10.244.1.5")}
    assert ip_findings(files) == []


def test_a_variable_the_kubelet_names_for_a_service_holds_its_cluster_ip():
    assert ip_findings({"db/keeper.yaml": keeper("KUBERNETES_SERVICE_HOST", "10.244.0.1") + pod_network()}) == []


# -- a custom resource that shares a built-in kind's name -----------------------------------------------

KRUISE = ("apiVersion: apps.kruise.io/v1alpha1\nkind: StatefulSet\nmetadata: {name: guestbook}\nspec:\n"
          "  replicas: 3\n  serviceName: guestbook\n  selector: {matchLabels: {app: guestbook}}\n  template:\n"
          "    metadata: {labels: {app: guestbook}}\n    spec:\n      readinessGates: [{conditionType: InPlaceUpdateReady}]\n"
          "      containers:\n      - name: guestbook\n        image: openkruise/guestbook:v1\n"
          f"        {RESOURCES}\n  updateStrategy:\n    rollingUpdate: {{podUpdatePolicy: InPlaceIfPossible}}\n")


def test_an_openkruise_statefulset_is_a_custom_resource_not_the_built_in_kind():
    report = review_files({"guestbook.yaml": KRUISE})
    assert report.objects == []
    assert any("custom resource of the API group apps.kruise.io" in n.text for n in report.notes)


def test_a_statefulset_of_a_removed_built_in_version_is_still_refused():
    old = KRUISE.replace("apps.kruise.io/v1alpha1", "apps/v1beta1")
    assert "refused-by-api-server" in ids({"guestbook.yaml": old})


# -- a crash on purpose ----------------------------------------------------------------------------------

def crashing(script: str) -> str:
    return ("apiVersion: v1\nkind: Pod\nmetadata: {name: crashloop-pod}\nspec:\n  containers:\n  - name: app\n"
            f"    image: busybox:1.36\n    command: [sh, -c, {script!r}]\n" f"    {RESOURCES}\n")


def test_a_pod_whose_script_always_exits_with_a_failure_is_not_told_its_work_finishes():
    for script in ("echo 'Starting...' && exit 1", "echo FATAL: config missing; exit 1", "echo hi; sleep 3; exit 1"):
        report = review_files({"pod.yaml": crashing(script)}, suggest=True)
        [obj] = report.objects
        found = {f.id: f.message for f in obj.findings}
        assert "restart-always-on-completion" not in found, script
        assert "it fails on purpose" in found["bare-pod"] and obj.suggestion is None, script


def test_a_pod_whose_script_ends_in_success_is_still_told_its_work_finishes():
    assert "restart-always-on-completion" in ids({"pod.yaml": crashing("echo migrating; sleep 3; exit 0")})


# -- images ------------------------------------------------------------------------------------------------

def test_a_rebuild_of_a_base_image_under_a_server_s_project_is_not_taken_for_that_server():
    """quay.io/prometheus/busybox is busybox with Prometheus's glibc: its shell, not a Prometheus server."""
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: bad-repo}\nspec:\n  containers:\n  - name: app\n"
           "    image: quay.io/prometheus/busybox\n" f"    {RESOURCES}\n")
    report = review_files({"pod.yaml": pod}, suggest=True)
    [obj] = report.objects
    bare = next(f for f in obj.findings if f.id == "bare-pod")
    assert "Nothing in the manifest says whether app runs until stopped or finishes" in bare.message
    assert obj.suggestion is None
