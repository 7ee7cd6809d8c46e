"""Services: the stable name in front of each workload that others call."""

from __future__ import annotations

from advisor.domain.vocabulary import BATCH_KINDS, OBJECT, SERVICE
from advisor.engine.experta_compat import MATCH, P
from advisor.engine.facts import Controller, InPod, Service, Workload
from advisor.engine.registry import rule

ADDRESSABLE = P(lambda kind: kind in ("Deployment", "DaemonSet", "Pod"))
IS_BATCH = P(lambda kind: kind in BATCH_KINDS)


class ServiceRules:
    def _service(self, workload: str, index: int, kind: str, why: str, *because: str) -> None:
        plan = self.plan_of(workload)
        plan.service = kind
        plan.service_ports = self.container(index).ports
        self.declare(Service(workload=workload, index=index, kind=kind, main=index == self.answers.main.index))
        self.conclude(f"{workload} gets a {kind} Service: {why}", *because, workload=workload)

    @rule("headless-service-for-statefulset",
          Controller(kind="StatefulSet", workload=MATCH.workload, index=MATCH.index), concern="service", comment=SERVICE)
    def headless_service_for_statefulset(self, workload, index):
        self._service(workload, index, "headless",
                      f"a StatefulSet's Pods get their stable DNS names ({workload}-0.{workload}, "
                      f"{workload}-1.{workload}, ...) from a headless Service", "controller = StatefulSet")

    @rule("clusterip-when-addressed",
          Controller(main=True, kind=MATCH.kind & ADDRESSABLE, workload=MATCH.workload, index=MATCH.index),
          Workload(addressed=True), concern="service", comment=SERVICE)
    def clusterip_when_addressed(self, kind, workload, index):
        self._service(workload, index, "ClusterIP",
                      "others reach it by the Service's DNS name, never by a Pod IP that changes",
                      self.workload_answer("addressed_by_others"))

    @rule("clusterip-for-called-workload",
          Controller(main=False, kind="Deployment", called=True, workload=MATCH.workload, index=MATCH.index),
          concern="service", comment=SERVICE)
    def clusterip_for_called_workload(self, workload, index):
        container = self.container(index)
        key = "talks_over_network" if container.talks_over_network is not None else "purpose"
        ports = container.ports
        address = f"{workload}:{ports[0]}" if ports else workload
        self._service(workload, index, "ClusterIP",
                      f"{self.answers.main.name} reaches it at {address} (the Service's DNS name; "
                      f"{workload}.NAMESPACE.svc.cluster.local from other namespaces), never by a Pod IP",
                      self.container_answer(index, key))

    @rule("no-service-for-batch",
          Controller(main=True, kind=MATCH.kind & IS_BATCH, workload=MATCH.workload), Workload(addressed=True),
          concern="service", comment=OBJECT)
    def no_service_for_batch(self, kind, workload):
        self.conclude(f"{workload} gets no Service: a {kind}'s Pods come and go with each run, so clients would "
                      f"find none most of the time; have the job call out instead (Pods of an Indexed Job that "
                      f"talk to each other use a headless Service for their names)",
                      self.workload_answer("addressed_by_others"), workload=workload)

    @rule("service-through-inbound-proxy",
          Service(main=True, workload=MATCH.workload, index=MATCH.index),
          InPod(purpose="proxy-inbound", index=MATCH.proxy, name=MATCH.name), concern="service", comment=SERVICE)
    def service_through_inbound_proxy(self, workload, index, proxy, name):
        ports = self.container(proxy).ports
        if not ports:
            return  # nothing to point at; the Service keeps the main container's ports
        self.plan_of(workload).service_ports = ports
        self.conclude(f"the {workload} Service forwards to {name} (ports {', '.join(map(str, ports))}): "
                      f"traffic must pass the inbound proxy before it reaches the main container",
                      self.container_answer(proxy, "purpose"), self.container_answer(proxy, "ports"),
                      workload=workload)
