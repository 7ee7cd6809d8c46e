"""Addresses written into configuration: which of them are a Pod's IP.

A private IPv4 address in an env value, an argument or a ConfigMap is, on real code, most
often no Pod's: a node, a LAN device, a NAS, a name server, an external database, a Service's
cluster IP, a VPN network, a placeholder in a lesson. Only the input itself can show that an
address is a Pod's: it lies in a Pod network the input declares (``pod_ranges``), or, with none
declared, on Docker's default bridge, where Docker numbers containers (``on_docker_bridge``).
``pod_ip_literals`` lists the candidates a text holds; the check keeps those the evidence marks.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Iterator

from advisor.system.patterns import lazy

_IPV4 = lazy(r"(?<![\w.])((?:\d{1,3}\.){3}\d{1,3})(?![\w.]|/\d)")
_NETWORKS = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                    "100.64.0.0/10"))
# Variables that hold network ranges or proxy exceptions, where an address is not a peer.
_RANGE_NAMES = lazy(r"cidr|subnet|netmask|range|no_proxy|allow|deny|trusted|bind|listen|local_?ip|local-ip",
                    re.IGNORECASE)


# Addresses that are a node's, never a Pod's: Docker's bridge gateway, which reaches the host.
_NODE_ADDRESSES = frozenset({"172.17.0.1"})
# kubeadm's default Service range (--service-cidr 10.96.0.0/12): an address there is a Service's cluster
# IP (10.96.0.10 is cluster DNS), which stays as long as the Service does; no Pod gets one. It still
# matters beside a declared Pod range as wide as Cilium's default cluster pool, 10.0.0.0/8.
_SERVICE_RANGE = ipaddress.ip_network("10.96.0.0/12")
# Docker's default bridge (docker0): Docker numbers the containers it runs there from 172.17.0.2, and a
# cluster that leaves Pod networking to Docker (dockershim or cri-dockerd with no CNI plugin, as minikube
# did on the Docker runtime before Kubernetes 1.24) gives its Pods those addresses. Its gateway is the host.
# minikube now enables a bridge CNI plugin (10.244.0.0/16) there too, and kind's Pods never were on it.
DOCKER_BRIDGE = ipaddress.ip_network("172.17.0.0/16")


def _for_outside_at(text: str, start: int) -> bool:
    """Whether the address at ``start`` is the value of a flag or key whose name says it is for clients
    outside the cluster: ``--web.external-url=http://192.168.99.100/``, ``public_url: http://10.0.0.5``."""
    line = text[text.rfind("\n", 0, start) + 1:start]
    key = re.search(r"([A-Za-z_][\w.-]*)\s*[=:]\s*[\"']?[^\s\"']*$", line)
    return bool(key) and for_outside(key.group(1))


# A DNS zone file's address record, ``ns1  IN  A  10.0.0.1``: data a name server answers with, which it
# never connects to; whether the address is a Pod's is the zone's business, not this container's.
_ADDRESS_RECORD = lazy(r"(?:^|\s)(?:\d+\s+)?(?:IN\s+)?A\s+$")


def is_dns_configuration(key: str) -> bool:
    """Whether a ConfigMap key holds a name server's configuration (CoreDNS's Corefile, a zone file): its
    addresses are upstream resolvers and records it serves, not peers a container connects to."""
    name = key.rsplit("/", 1)[-1].lower()
    return name == "corefile" or name.endswith((".zone", ".db")) or name.startswith("db.")


def _dns_record_at(text: str, start: int) -> bool:
    """Whether the address at ``start`` is the data of a zone file's A record."""
    line = text[text.rfind("\n", 0, start) + 1:start]
    return bool(_ADDRESS_RECORD.search(line)) and line.strip() != "A"


_MASK_AFTER = lazy(r"[ \t]+(?:netmask[ \t]+)?255\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")


def pod_ip_literals(text: str) -> list[str]:
    """Private IPv4 addresses written in ``text`` (ranges with /NN or a mask, loopback and the host's bridge excluded,
    and addresses given to a flag or key for clients outside the cluster or served as a zone's A record)."""
    found = []
    for match in _IPV4.finditer(text):
        candidate = match.group(1)
        if candidate in _NODE_ADDRESSES or _for_outside_at(text, match.start()) or _dns_record_at(text, match.start()):
            continue
        if _MASK_AFTER.match(text, match.end()):
            continue  # a network written with its mask (OpenVPN's `server 10.8.0.0 255.255.0.0`): a range
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if address in _SERVICE_RANGE:
            continue
        if any(address in network for network in _NETWORKS):
            found.append(candidate)
    return found


# Flags and variables whose address is for clients outside the cluster (a browser through an Ingress,
# a node's address a member advertises): no Service name could replace it.
_OUTSIDE_NAMES = lazy(r"external|public|advertis|callback|redirect", re.IGNORECASE)
# Variables and flags whose name says the address is a Service's cluster IP (BACKEND_SERVICE_IP): it is
# no Pod's IP, and it stays until the Service is deleted.
# {NAME}_SERVICE_HOST is how the kubelet names a Service's cluster IP in a container's environment.
_SERVICE_IP_NAMES = lazy(r"service_?ip|svc_?ip|cluster_?ip|service_?host", re.IGNORECASE)


# Flags and variables whose address is a storage server's (an NFS export, an iSCSI target, a Ceph
# monitor): a machine outside the cluster, or one no Service fronts.
_STORAGE_NAMES = lazy(r"nfs|iscsi|targetd|portal|smb|cifs|gluster|ceph|\bmons?\b|mon_host|storage|filer",
                      re.IGNORECASE)
# Where a volume, a PersistentVolume or a StorageClass names its storage server.
_STORAGE_KEYS = ("server", "targetPortal", "portals", "monitors", "source", "endpoints", "share")


def for_storage(name: str) -> bool:
    """Whether a flag's or a variable's name says its address is a storage server's."""
    return bool(_STORAGE_NAMES.search(name or ""))


def storage_servers(volume_sources) -> set[str]:
    """The IPv4 addresses that volume sources (a Pod's volumes, PersistentVolumes' specs, StorageClasses'
    parameters) give as their storage server: nfs.server, iscsi.targetPortal, cephfs.monitors, an SMB
    share's source."""
    found: set[str] = set()

    def walk(value, key=None, depth=0):
        if depth > 4:
            return
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k, depth + 1)
        elif isinstance(value, list):
            for v in value:
                walk(v, key, depth + 1)
        elif isinstance(value, (str, int, float)) and key in _STORAGE_KEYS:
            found.update(m.group(1) for m in _IPV4.finditer(str(value)))
            found.update(m.group(1) for m in re.finditer(r"(?<![\w.])((?:\d{1,3}\.){3}\d{1,3})(?=:\d)",
                                                          str(value)))

    for source in volume_sources:
        walk(source)
    return found


_SERVICE_RANGE_FLAG = lazy(r"--service[-_]cluster[-_]ip[-_]range[= ]((?:\d{1,3}\.){3}\d{1,3}/\d{1,2})")


def told_each(pod_spec: dict) -> Iterator[tuple[dict, list[str], list[tuple[str, str]]]]:
    """Each container and init container of a Pod spec, with what it is told: its command's and arguments'
    words, and its env's (name, value) pairs that give a value, as text."""
    for key in ("containers", "initContainers"):
        for container in pod_spec.get(key) if isinstance(pod_spec.get(key), list) else []:
            if not isinstance(container, dict):
                continue
            words = [str(w) for part in ("command", "args") if isinstance(container.get(part), list)
                     for w in container[part]]
            env = container.get("env") if isinstance(container.get("env"), list) else []
            yield container, words, [(str(e.get("name")), str(e.get("value"))) for e in env
                                     if isinstance(e, dict) and e.get("value") is not None]


def told_facts(pod_spec: dict) -> tuple | None:
    """What pod-ip-literal's pass over the whole input reads of one Pod spec (advisor.review.checks.
    _over_the_input), or None when it is nothing: (each container whose command line or env declares a network,
    as (its name, ``declared_in_text``'s networks)), whether the Pod is on its node's network, and the device
    addresses its words show (``device_addresses``)."""
    declared, words = [], []
    for container, said, env in told_each(pod_spec):
        found = declared_in_text(" ".join(said) + "\n" + "\n".join(f"{n}={v}" for n, v in env))
        if found[0] or found[1]:
            declared.append((container.get("name"), found))
        words += said + [value for _, value in env]  # ``told``, container by container
    host, devices = pod_spec.get("hostNetwork") is True, device_addresses(words)
    return (tuple(declared), host, devices) if declared or host or devices else None


def told(pod_spec: dict) -> list[str]:
    """What a Pod spec's containers and init containers are told: their commands' and arguments' words
    and their env values, as text."""
    return [word for _, words, env in told_each(pod_spec) for word in words + [value for _, value in env]]


def cluster_addresses(pod_specs) -> tuple[set[str], tuple]:
    """What the input's own cluster says of addresses: (the addresses its host-network Pods write, which
    are nodes' and hosts': an API server's --advertise-address, the etcd it lists; the Service ranges an
    API server among them is given with --service-cluster-ip-range). A hand-built cluster's manifests
    (static Pods of the control plane beside its add-ons) name their nodes this way."""
    nodes: set[str] = set()
    ranges = []
    for spec in pod_specs:
        if not isinstance(spec, dict) or spec.get("hostNetwork") is not True:
            continue
        for word in told(spec):
            nodes.update(m.group(1) for m in _IPV4.finditer(word))
            for match in _SERVICE_RANGE_FLAG.finditer(word):
                try:
                    ranges.append(ipaddress.ip_network(match.group(1), strict=False))
                except ValueError:
                    pass
    return nodes, tuple(ranges)


# Addresses of machines a text shows to be no Pod: a camera or recorder an RTSP URL streams from, a name
# server a CoreDNS Corefile forwards the queries it cannot answer to.
_RTSP_HOST = lazy(r"rtsp[sx]?://(?:[^@/\s]*@)?((?:\d{1,3}\.){3}\d{1,3})", re.IGNORECASE)
_FORWARD = lazy(r"^\s*forward\s+\S+\s+([^{\n]+)", re.MULTILINE)


def device_addresses(texts, corefiles=()) -> set[str]:
    """The addresses ``texts`` (an input's ConfigMap data, env values and arguments) show to be a device's
    or a name server's: RTSP sources, and the forward targets of ``corefiles`` (CoreDNS configurations). Home-lab and edge manifests name their cameras, recorders and home DNS this way, and a
    Service could replace none."""
    found: set[str] = set()
    for text in texts:
        if isinstance(text, str) and "." in text:
            found.update(m.group(1) for m in _RTSP_HOST.finditer(text))
    for text in corefiles:
        for line in _FORWARD.finditer(text if isinstance(text, str) else ""):
            found.update(m.group(1) for m in _IPV4.finditer(line.group(1)))
    return found


def on_docker_bridge(address: str) -> bool:
    """Whether ``address`` is one Docker gives a container on its default bridge (not the bridge's
    network, gateway or broadcast address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip in DOCKER_BRIDGE and str(ip) not in _NODE_ADDRESSES and ip not in (
        DOCKER_BRIDGE.network_address, DOCKER_BRIDGE.broadcast_address)


def in_ranges(address: str, ranges) -> bool:
    try:
        return any(ipaddress.ip_address(address) in network for network in ranges)
    except ValueError:
        return False


def for_outside(name: str) -> bool:
    """Whether a flag's or a variable's name says its address is for clients outside the cluster, or is a
    Service's cluster IP (neither is a Pod's IP, which the finding is about)."""
    return bool(_OUTSIDE_NAMES.search(name or "") or _SERVICE_IP_NAMES.search((name or "").replace("-", "_")))


def holds_ranges(variable: str) -> bool:
    """Whether an environment variable's name says it holds ranges or listen addresses."""
    return bool(_RANGE_NAMES.search(variable or ""))


_COMMENT_LINE = lazy(r"^\s*(?:#|//|;|--\s)")


def without_comments(text: str) -> str:
    """A configuration file's text without its comment lines (``#``, ``//``, ``;``, ``-- ``).

    A ConfigMap's file often quotes an address in a comment (an example log line, a
    setting left off); only what the program reads counts.
    """
    return "\n".join(line for line in text.split("\n") if not _COMMENT_LINE.match(line))


# -- the Pod and Service networks an input declares -------------------------------------------------

_CIDR = r"(?:\d{1,3}\.){3}\d{1,3}/\d{1,2}"
_CIDRS = rf"({_CIDR}(?:(?:[ \t]*,[ \t]*|[ \t]+){_CIDR})*)"
# Flags, configuration keys and variables that declare the cluster's Pod network, with their value:
# kube-controller-manager's and kube-proxy's --cluster-cidr (clusterCIDR in kube-proxy's configuration
# file), k3s's and rke2's --cluster-cidr (cluster-cidr in their config.yaml), kubeadm's --pod-network-cidr
# and podSubnet (kind's configuration uses the same key), Cilium's cluster-pool-ipv4-cidr, and Calico's
# CALICO_IPV4POOL_CIDR (calico-node's variable for the pool it creates).
_POD_RANGE_SETTING = re.compile(
    r"(?<![\w-])(--cluster-cidr|--pod-network-cidr|clusterCIDR|cluster-cidr|podSubnet|cluster-pool-ipv4-cidr"
    r"|CALICO_IPV4POOL_CIDR)[\"']?[ \t]*[=: \t][ \t]*[\"']?" + _CIDRS)
# The same for the Service network: kube-apiserver's --service-cluster-ip-range, k3s's and rke2's
# --service-cidr (service-cidr), kubeadm's --service-cidr and serviceSubnet.
_SERVICE_RANGE_SETTING = re.compile(
    r"(?<![\w-])(--service-cluster-ip-range|--service-cidr|service-cidr|serviceSubnet)[\"']?[ \t]*[=: \t][ \t]*"
    r"[\"']?" + _CIDRS)
# flannel's net-conf.json: {"Network": "10.244.0.0/16", "Backend": {...}}
_FLANNEL_NETWORK = re.compile(r'"Network"\s*:\s*"(' + _CIDR + ')"')


def networks(text) -> list:
    """The IPv4 networks written in ``text`` (a CIDR, or several separated by commas or spaces)."""
    found = []
    for word in re.findall(_CIDR, str(text or "")):
        try:
            found.append(ipaddress.ip_network(word, strict=False))
        except ValueError:
            pass
    return found


def declared_in_text(text: str, label: str = "") -> tuple[list, list]:
    """(Pod networks, Service networks) that a text declares: a container's command line and env
    (``NAME=value`` lines), a configuration file a ConfigMap holds (kube-proxy's, kubeadm's, k3s's,
    Cilium's keys). ``label`` is the file's key: flannel's ``Network`` counts only in net-conf.json."""
    if not isinstance(text, str) or "/" not in text:
        return [], []
    pods = [n for m in _POD_RANGE_SETTING.finditer(text) for n in networks(m.group(2))]
    services = [n for m in _SERVICE_RANGE_SETTING.finditer(text) for n in networks(m.group(2))]
    if label.rsplit("/", 1)[-1] == "net-conf.json":
        pods += [n for m in _FLANNEL_NETWORK.finditer(text) for n in networks(m.group(1))]
    return pods, services


def _dig(value, *path):
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _listed(value) -> list:
    return value if isinstance(value, list) else []


def declared_by_object(kind: str, group: str, data: dict) -> tuple[list, list]:
    """(Pod networks, Service networks) that a cluster's or a network plugin's own object declares: a
    Calico IPPool's spec.cidr, the Calico operator's Installation's spec.calicoNetwork.ipPools[].cidr,
    kubeadm's ClusterConfiguration and kind's Cluster networking.podSubnet (serviceSubnet), Cluster
    API's Cluster spec.clusterNetwork.pods.cidrBlocks (services.cidrBlocks), Cilium's CiliumPodIPPool
    spec.ipv4.cidrs, kube-proxy's KubeProxyConfiguration clusterCIDR."""
    pods, services = [], []
    if kind == "IPPool" and group.endswith("projectcalico.org"):
        pods = networks(_dig(data, "spec", "cidr"))
    elif kind == "Installation" and group == "operator.tigera.io":
        pods = [n for pool in _listed(_dig(data, "spec", "calicoNetwork", "ipPools")) for n in networks(_dig(pool, "cidr"))]
    elif (kind == "ClusterConfiguration" and group == "kubeadm.k8s.io") or (kind == "Cluster" and group == "kind.x-k8s.io"):
        pods, services = networks(_dig(data, "networking", "podSubnet")), networks(_dig(data, "networking", "serviceSubnet"))
    elif kind == "Cluster" and group == "cluster.x-k8s.io":
        pods = [n for c in _listed(_dig(data, "spec", "clusterNetwork", "pods", "cidrBlocks")) for n in networks(c)]
        services = [n for c in _listed(_dig(data, "spec", "clusterNetwork", "services", "cidrBlocks")) for n in networks(c)]
    elif kind == "CiliumPodIPPool" and group == "cilium.io":
        pods = [n for c in _listed(_dig(data, "spec", "ipv4", "cidrs")) for n in networks(c)]
    elif kind == "KubeProxyConfiguration" and group == "kubeproxy.config.k8s.io":
        pods = networks(_dig(data, "clusterCIDR"))
    return pods, services
