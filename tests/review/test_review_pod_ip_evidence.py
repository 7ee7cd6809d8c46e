"""pod-ip-literal fires only where the input shows an address to be a Pod's.

The evidence is a Pod network the input itself declares (each source below, in the format its
project documents), or, with none declared, Docker's default bridge. A Service's cluster IP is
no Pod's and gets no finding; any other private address (a node, a LAN device, a NAS, a name
server) is left alone.
"""

from __future__ import annotations

import pytest

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from helpers.review import RESOURCES, REVIEWER, deployment, review

ADDRESS = "10.244.1.17"


def client(address: str = ADDRESS, extra_spec: str = "") -> str:
    return deployment(f"        - name: checkout\n          image: ghcr.io/example/checkout:1.0.3\n"
                      f"          env: [{{name: PAYMENTS_URL, value: 'http://{address}:8080'}}]\n"
                      f"          {RESOURCES}\n", name="checkout", labels="app: checkout", extra_spec=extra_spec)


def ip_findings(text: str) -> list[str]:
    return [f.message for o in review(text).objects for f in o.findings if f.id == "pod-ip-literal"]


def static_pod(name: str, image: str, command: str) -> str:
    return (f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: kube-system}}\nspec:\n"
            f"  hostNetwork: true\n  containers:\n  - name: {name}\n    image: {image}\n"
            f"    command: {command}\n    {RESOURCES}\n")


def config_map(name: str, key: str, value: str) -> str:
    body = "".join(f"    {line}\n" for line in value.split("\n"))
    return f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, namespace: kube-system}}\ndata:\n  {key}: |\n{body}"


# Each source of a declared Pod network, as the project that reads it writes it.
SOURCES = {
    "kube-controller-manager --cluster-cidr": static_pod(
        "kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.31.0",
        "[kube-controller-manager, --allocate-node-cidrs=true, --cluster-cidr=10.244.0.0/16]"),
    "kube-proxy --cluster-cidr as two words": static_pod(
        "kube-proxy", "registry.k8s.io/kube-proxy:v1.31.0", "[kube-proxy, --cluster-cidr, 10.244.0.0/16]"),
    "k3s server --cluster-cidr": static_pod(
        "k3s", "rancher/k3s:v1.31.0-k3s1", "[k3s, server, '--cluster-cidr=10.244.0.0/16,fd00:10:244::/56']"),
    "kube-proxy configuration clusterCIDR in a ConfigMap": config_map(
        "kube-proxy", "config.conf",
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16"),
    "KubeProxyConfiguration object": (
        "---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n"
        "clusterCIDR: 10.244.0.0/16\n"),
    "rke2 config.yaml cluster-cidr in a ConfigMap": config_map(
        "rke2-config", "config.yaml", "write-kubeconfig-mode: '0644'\ncluster-cidr: 10.244.0.0/16\nservice-cidr: 10.43.0.0/16"),
    "kubeadm ClusterConfiguration networking.podSubnet": (
        "---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.0\n"
        "networking:\n  podSubnet: 10.244.0.0/16\n  serviceSubnet: 10.96.0.0/12\n"),
    "kubeadm-config ConfigMap ClusterConfiguration": config_map(
        "kubeadm-config", "ClusterConfiguration",
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  dnsDomain: cluster.local\n"
        "  podSubnet: 10.244.0.0/16"),
    "kind Cluster networking.podSubnet": (
        "---\nkind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  podSubnet: 10.244.0.0/16\n"
        "nodes:\n- role: control-plane\n"),
    "Cluster API Cluster clusterNetwork.pods.cidrBlocks": (
        "---\napiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: shop}\nspec:\n"
        "  clusterNetwork:\n    pods: {cidrBlocks: [10.244.0.0/16]}\n    services: {cidrBlocks: [10.96.0.0/12]}\n"),
    "Calico IPPool spec.cidr": (
        "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: default-ipv4-ippool}\n"
        "spec:\n  cidr: 10.244.0.0/16\n  ipipMode: Always\n"),
    "Calico operator Installation ipPools": (
        "---\napiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata: {name: default}\nspec:\n"
        "  calicoNetwork:\n    ipPools:\n    - {cidr: 10.244.0.0/16, encapsulation: VXLANCrossSubnet}\n"),
    "calico-node CALICO_IPV4POOL_CIDR": deployment(
        "        - name: calico-node\n          image: docker.io/calico/node:v3.28.0\n"
        "          env: [{name: CALICO_IPV4POOL_CIDR, value: 10.244.0.0/16}]\n"
        f"          {RESOURCES}\n", name="calico-node", kind="DaemonSet", labels="k8s-app: calico-node",
        extra_spec="      hostNetwork: true\n").replace("apiVersion", "---\napiVersion", 1),
    "flannel net-conf.json Network": config_map(
        "kube-flannel-cfg", "net-conf.json", '{\n  "Network": "10.244.0.0/16",\n  "Backend": {"Type": "vxlan"}\n}'),
    "Cilium cilium-config cluster-pool-ipv4-cidr": (
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-config, namespace: kube-system}\ndata:\n"
        "  ipam: cluster-pool\n  cluster-pool-ipv4-cidr: '10.244.0.0/16'\n  cluster-pool-ipv4-mask-size: '24'\n"),
    "Cilium CiliumPodIPPool": (
        "---\napiVersion: cilium.io/v2alpha1\nkind: CiliumPodIPPool\nmetadata: {name: default}\nspec:\n"
        "  ipv4: {cidrs: [10.244.0.0/16], maskSize: 24}\n"),
}


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_an_address_inside_the_pod_network_the_input_declares_is_a_pod_s(source):
    [message] = ip_findings(client() + source)
    assert f"{ADDRESS}, inside the Pod network 10.244.0.0/16 that " in message


def test_the_same_address_with_no_pod_network_declared_is_left_alone():
    assert ip_findings(client()) == []


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_an_address_outside_the_declared_pod_network_is_left_alone(source):
    assert ip_findings(client("10.50.69.50") + source) == []


def test_the_finding_says_where_the_pod_network_is_declared():
    [message] = ip_findings(client() + SOURCES["flannel net-conf.json Network"])
    assert "that ConfigMap kube-flannel-cfg key net-conf.json (app.yaml:32) declares" in message


def test_a_pod_network_setting_in_a_comment_line_declares_nothing():
    commented = config_map("kube-proxy", "config.conf", "mode: ipvs\n# clusterCIDR: 10.244.0.0/16")
    assert ip_findings(client() + commented) == []


def test_flannel_s_network_key_counts_only_in_its_net_conf():
    other = config_map("app", "settings.json", '{"Network": "10.244.0.0/16"}')
    assert ip_findings(client() + other) == []


def test_an_ip_pool_of_another_project_than_calico_declares_no_pod_network():
    nvidia = ("---\napiVersion: nv-ipam.nvidia.com/v1alpha1\nkind: IPPool\nmetadata: {name: pool1}\n"
              "spec: {subnet: 10.244.0.0/16, perNodeBlockSize: 100, gateway: 10.244.0.1}\n")
    assert ip_findings(client() + nvidia) == []


def test_a_secondary_network_s_whereabouts_range_declares_no_pod_network():
    # a macvlan network's range is usually the LAN's own subnet, shared with the devices on it
    attachment = ("---\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: lan}\n"
                  "spec:\n  config: '{\"type\": \"macvlan\", \"master\": \"eth0\", "
                  "\"ipam\": {\"type\": \"whereabouts\", \"range\": \"10.244.0.0/16\"}}'\n")
    assert ip_findings(client() + attachment) == []


# -- Docker's default bridge -----------------------------------------------------------------------------


def test_an_address_docker_gives_a_container_on_its_default_bridge_is_taken_for_a_pod_s():
    [message] = ip_findings(client("172.17.0.2"))
    assert "172.17.0.2, on Docker's default bridge 172.17.0.0/16" in message


def test_the_bridge_s_gateway_is_the_host_not_a_container():
    assert ip_findings(client("172.17.0.1")) == []


def test_with_a_pod_network_declared_the_docker_bridge_is_no_evidence():
    assert ip_findings(client("172.17.0.2") + SOURCES["flannel net-conf.json Network"]) == []


def test_the_rest_of_172_16_0_0_12_is_not_docker_s_default_bridge():
    assert ip_findings(client("172.18.0.2")) == []


# -- Service cluster IPs: no finding ----------------------------------------------------------------------


def test_the_cluster_ip_a_service_of_the_input_sets_is_no_pod_s_even_inside_the_pod_network():
    service = ("---\napiVersion: v1\nkind: Service\nmetadata: {name: payments}\nspec:\n"
               f"  clusterIP: {ADDRESS}\n  selector: {{app: payments}}\n  ports: [{{port: 8080}}]\n")
    network = SOURCES["flannel net-conf.json Network"]
    assert ip_findings(client() + network + service) == []
    assert ip_findings(client() + network + service.replace(ADDRESS, "10.244.9.9")) != []


def test_an_address_in_a_declared_service_network_is_no_pod_s_even_inside_a_wide_pod_network():
    # Cilium's default cluster pool, 10.0.0.0/8, holds k3s's Service network 10.43.0.0/16
    k3s = config_map("k3s-config", "config.yaml", "cluster-cidr: 10.0.0.0/8\nservice-cidr: 10.43.0.0/16")
    assert ip_findings(client("10.43.0.10") + k3s) == []
    assert ip_findings(client("10.42.0.10") + k3s) != []


def test_an_address_on_the_docker_bridge_that_a_service_sets_as_its_cluster_ip_is_no_container_s():
    service = ("---\napiVersion: v1\nkind: Service\nmetadata: {name: payments}\nspec:\n"
               "  clusterIP: 172.17.0.20\n  selector: {app: payments}\n  ports: [{port: 8080}]\n")
    assert ip_findings(client("172.17.0.20") + service) == []


# -- where a declared Pod network counts ---------------------------------------------------------------


def test_a_pod_network_one_lab_s_cluster_declares_says_nothing_of_another_lab_s_addresses():
    # blind round 12: a workshop's kind configuration for lab 11 (Calico's 192.168.0.0/16) beside lab 8's
    # placeholder database_host 192.168.0.1
    kind = SOURCES["kind Cluster networking.podSubnet"].replace("10.244.0.0/16", "192.168.0.0/16")
    files = {"advanced/lab11/kind-config.yaml": kind, "basic/lab8/app.yaml": client("192.168.0.1")}
    report = REVIEWER.review(parse_inputs(list(files.items())), ReviewOptions())
    assert [f for f in report.findings if f.id == "pod-ip-literal"] == []
    files["basic/kind-config.yaml"] = kind  # a folder above lab 8's declares it: it counts there
    report = REVIEWER.review(parse_inputs(list(files.items())), ReviewOptions())
    assert [f.id for f in report.findings if f.id == "pod-ip-literal"] == ["pod-ip-literal"]


def test_a_pod_network_declared_in_the_workload_s_own_namespace_counts_wherever_its_file_is():
    # review --cluster names each object NAMESPACE/KIND/NAME: a kind per folder, one namespace
    network = SOURCES["flannel net-conf.json Network"].replace("namespace: kube-system", "namespace: shop")
    workload = client().replace("  name: checkout\n", "  name: checkout\n  namespace: shop\n", 1)
    files = [("shop/ConfigMap/kube-flannel-cfg", network), ("shop/Deployment/checkout", workload)]
    report = REVIEWER.review(parse_inputs(files), ReviewOptions())
    assert [f.id for f in report.findings if f.id == "pod-ip-literal"] == ["pod-ip-literal"]
    files[0] = ("kube-system/ConfigMap/kube-flannel-cfg", SOURCES["flannel net-conf.json Network"])
    report = REVIEWER.review(parse_inputs(files), ReviewOptions())
    assert [f.id for f in report.findings if f.id == "pod-ip-literal"] == []
