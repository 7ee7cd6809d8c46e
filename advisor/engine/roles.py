"""Roles: the pattern each container of the main Pod follows."""

from __future__ import annotations

from advisor.domain.vocabulary import CONTAINER
from advisor.engine.experta_compat import MATCH
from advisor.engine.facts import Container, InPod, Role
from advisor.engine.registry import rule


class RoleRules:
    def _assign(self, index: int, name: str, role: str, why: str) -> None:
        self.declare(Role(index=index, name=name, role=role))
        noun = "an init container" if role == "init" else f"{'an' if role[0] in 'aeiou' else 'a'} {role}"
        self.conclude(f"{name} is {noun}: {why}",
                      self.container_answer(index, "purpose"), workload=self.answers.name, container=name)

    @rule("main-container", Container(main=True, index=MATCH.index, name=MATCH.name), concern="roles", comment=None)
    def main_container(self, index, name):
        plan = self.main_plan()
        self.place(plan, index, "main", "containers")
        self.declare(Role(index=index, name=name, role="main"))
        because = (self.answer(f"{self.container(index).path}.main", True) if index != 0
                   else "it is the first container and no other says main: true")
        self.conclude(f"{name} is the main container; it goes in containers", because,
                      workload=self.answers.name, container=name)

    @rule("sidecar-for-log-shipping", InPod(purpose="ship-logs", index=MATCH.index, name=MATCH.name),
          concern="roles", comment=CONTAINER)
    def sidecar_for_log_shipping(self, index, name):
        self._assign(index, name, "sidecar", "it extends the main container by forwarding what it writes")

    @rule("sidecar-for-content-sync", InPod(purpose="sync-content", index=MATCH.index, name=MATCH.name),
          concern="roles", comment=CONTAINER)
    def sidecar_for_content_sync(self, index, name):
        self._assign(index, name, "sidecar", "it keeps the files the main container serves or reads up to date")

    @rule("sidecar-for-inbound-proxy", InPod(purpose="proxy-inbound", index=MATCH.index, name=MATCH.name),
          concern="roles", comment=CONTAINER)
    def sidecar_for_inbound_proxy(self, index, name):
        self._assign(index, name, "sidecar",
                     "it fronts the main container's traffic (TLS, authentication, mesh) over localhost")

    @rule("sidecar-for-other-helper", InPod(purpose="other", index=MATCH.index, name=MATCH.name),
          concern="roles", comment=CONTAINER)
    def sidecar_for_other_helper(self, index, name):
        self._assign(index, name, "sidecar", "a co-located helper that supports the main container")

    @rule("adapter-for-output", InPod(purpose="reshape-output", index=MATCH.index, name=MATCH.name),
          concern="roles", comment=CONTAINER)
    def adapter_for_output(self, index, name):
        self._assign(index, name, "adapter",
                     "it turns the main container's output into the format the outside world expects")

    @rule("ambassador-for-outbound", InPod(purpose="proxy-outbound", index=MATCH.index, name=MATCH.name),
          concern="roles", comment=CONTAINER)
    def ambassador_for_outbound(self, index, name):
        self._assign(index, name, "ambassador",
                     "it carries the main container's outbound connections; the app talks to localhost")

    @rule("init-for-prepare", InPod(purpose="prepare", index=MATCH.index, name=MATCH.name), concern="roles", comment=None)
    def init_for_prepare(self, index, name):
        self._assign(index, name, "init", "it runs once, to completion, before the main container starts")

    @rule("separate-service-as-sidecar",
          InPod(purpose="separate-service", index=MATCH.index, name=MATCH.name), concern="roles", comment=CONTAINER)
    def separate_service_as_sidecar(self, index, name):
        self._assign(index, name, "sidecar",
                     "an application of its own, kept in the Pod only because of its co-location need")
