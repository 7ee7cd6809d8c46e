"""Findings: what to watch out for. Each rule's id is the finding id it raises."""

from __future__ import annotations

from advisor.domain import messages
from advisor.domain.vocabulary import (
    BATCH_KINDS,
    CONTAINER,
    HELPER_ROLES,
    IMAGE,
    OBJECT,
    REPLICAS,
    REPLICATED_KINDS,
    RESOURCES,
    SERVICE,
)
from advisor.engine.experta_compat import MATCH, P
from advisor.engine.facts import Container, Controller, InPod, OwnWorkload, Placement, Service, Workload
from advisor.engine.registry import rule

HELPER_PURPOSES = frozenset({"ship-logs", "sync-content", "proxy-inbound", "proxy-outbound", "reshape-output"})
MUTABLE_TAG = P(lambda tag: tag is None or tag == "latest")


class FindingRules:
    @rule("bare-pod", Controller(kind="Pod", workload=MATCH.workload), concern="findings", comment=OBJECT)
    def bare_pod(self, workload):
        self.raise_finding(f"{messages.bare_pod(workload)} Fine for an experiment; use a controller for anything "
                           f"that must keep running",
                           (), self.workload_answer("environment"))

    @rule("sidecar-blocks-completion",
          Placement(placement="containers", role=P(lambda role: role in HELPER_ROLES), name=MATCH.name),
          Controller(main=True, completes=True, kind=MATCH.kind), concern="findings", comment=CONTAINER)
    def sidecar_blocks_completion(self, name, kind):
        self.raise_finding(
            f"{messages.sidecar_blocks_completion(name, kind, self.answers.main.name)} On Kubernetes 1.29 or "
            f"newer it can be a native sidecar; here, make {name} exit when {self.answers.main.name} is done",
            (name,), self.answer("kubernetes", self.answers.kubernetes))

    @rule("colocation-vs-scaling", InPod(scales=True, name=MATCH.name, index=MATCH.index), concern="findings", comment=CONTAINER)
    def colocation_vs_scaling(self, name, index):
        self.raise_finding(
            f"{name} must share the Pod of {self.answers.main.name} but also wants its own replica count; "
            f"containers of one Pod scale together, so it stays in the Pod and scales with it",
            (name,), self.container_answer(index, "scales_independently"))

    @rule("unrelated-containers", InPod(purpose="separate-service", name=MATCH.name, index=MATCH.index),
          concern="findings", comment=CONTAINER)
    def unrelated_containers(self, name, index):
        self.raise_finding(
            f"{name} is an application of its own, forced into the Pod of {self.answers.main.name} by a "
            f"co-location need: their scaling and lifecycles are now coupled. Remove the need (talk over a "
            f"Service instead of localhost or a shared volume) if you can",
            (name,), self.container_answer(index, "purpose"))

    @rule("helper-not-colocated",
          OwnWorkload(purpose=MATCH.purpose & P(lambda p: p in HELPER_PURPOSES), name=MATCH.name,
                      index=MATCH.index),
          concern="findings", comment=OBJECT)
    def helper_not_colocated(self, purpose, name, index):
        self.raise_finding(
            f"{name} is a {purpose} helper but shares no volume, localhost or node with "
            f"{self.answers.main.name}, so it gets a Pod of its own. If it reads its files or talks to it on "
            f"localhost, say so and it will join the Pod",
            (name,), self.container_answer(index, "purpose"))

    @rule("per-node-completion-conflict",
          Controller(main=True, kind=MATCH.kind & P(lambda kind: kind in BATCH_KINDS)), Workload(one_per_node=True),
          concern="findings", comment=OBJECT)
    def per_node_completion_conflict(self, kind):
        self.raise_finding(
            f"the work runs to completion and also one per node: a {kind} does not place one Pod on each "
            f"node. For one-off work on every node, run a Job per node (node affinity) or a DaemonSet "
            f"whose container does the work and then sleeps", (),
            self.workload_answer("one_per_node"), self.workload_answer("runs_to_completion"))

    @rule("single-replica",
          Controller(production=True, replicas=1, kind=MATCH.kind & P(lambda k: k in REPLICATED_KINDS),
                     workload=MATCH.workload, main=MATCH.main, index=MATCH.index),
          concern="findings", comment=REPLICAS)
    def single_replica(self, kind, workload, main, index):
        because = self.workload_answer("replicas") if main else self.container_answer(index, "replicas")
        names = tuple(c.name for c in self.plan_of(workload).containers)
        update = ("every rolling update also stops its Pod before the new one starts" if kind == "StatefulSet"
                  else "a rolling update is not, as the new Pod is ready before the old one stops")
        self.raise_finding(
            f"{workload} runs a single replica in production: when its node fails or is drained, or its Pod "
            f"crashes, it is down until a new Pod is ready; {update}", names, because)

    @rule("mutable-image-tag",
          Container(tag=MUTABLE_TAG, digest=None, name=MATCH.name, index=MATCH.index), concern="findings", comment=IMAGE)
    def mutable_image_tag(self, name, index):
        image = self.container(index).image
        self.raise_finding(
            f"{name} uses the image {image!r} without a fixed tag: each node may pull a different version. "
            f"Pin a version tag or a digest", (name,), self.container_answer(index, "image"))

    @rule("resources-unset", Container(has_resources=False, name=MATCH.name, index=MATCH.index), concern="findings", comment=RESOURCES)
    def resources_unset(self, name, index):
        self.raise_finding(
            f"{name} declares no CPU or memory: the scheduler counts it as needing none, so it may land on a "
            f"node without room for it, and when the node runs short, using more than it requested puts it "
            f"first in line for eviction", (name,), f"{self.container(index).path}.resources is not set")

    @rule("sidecar-startup-probe-missing",
          Placement(placement="initContainers", role="ambassador", index=MATCH.index, name=MATCH.name),
          Container(ports=0, health=False, index=MATCH.index), concern="findings", comment=CONTAINER)
    def sidecar_startup_probe_missing(self, index, name):
        main = self.answers.main.name
        self.raise_finding(
            f"{name} is a native sidecar {main} connects through, but with no port and no health check in the "
            f"answers nothing can tell the kubelet when it listens: {main} may start first and fail its first "
            f"connections. Give {name} a health check (health: {{tcp: PORT}}, or an HTTP path and port) and it "
            f"gets a startup probe, which the containers after it wait for", (name,),
            self.container_answer(index, "ports"), self.container_answer(index, "health"))

    @rule("service-without-ports",
          Service(kind="ClusterIP", workload=MATCH.workload, index=MATCH.index), Container(ports=0, index=MATCH.index),
          concern="findings", comment=SERVICE)
    def service_without_ports(self, workload, index):
        name = self.container(index).name
        self.raise_finding(
            f"{workload} gets a Service, but {name} declares no port for it to forward to; add the port it "
            f"listens on", (name,), self.container_answer(index, "ports"))
