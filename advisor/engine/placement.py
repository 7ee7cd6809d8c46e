"""Placement: which list of the Pod spec each container of the main Pod goes in."""

from __future__ import annotations

from advisor.domain.vocabulary import CONTAINER, HELPER_ROLES
from advisor.engine.experta_compat import MATCH, TEST, P
from advisor.engine.facts import Placement, Relation, Role, Workload
from advisor.engine.registry import rule

IS_HELPER = P(lambda role: role in HELPER_ROLES)
NATIVE_SIDECARS_FROM = 29  # SidecarContainers: alpha (off) in 1.28, on by default from 1.29, GA in 1.33


class PlacementRules:
    @rule("native-sidecar",
          Role(role=MATCH.role & IS_HELPER, index=MATCH.index, name=MATCH.name),
          Workload(minor=MATCH.minor & P(lambda minor: minor >= NATIVE_SIDECARS_FROM)),
          concern="placement", comment=CONTAINER)
    def native_sidecar(self, role, index, name, minor):
        self.place(self.main_plan(), index, role, "initContainers", restart_policy="Always")
        self.declare(Placement(index=index, name=name, role=role, placement="initContainers"))
        self.conclude(
            f"{name} is a native sidecar (an init container with restartPolicy: Always): it starts before "
            f"the main container, runs beside it, and never holds up the Pod's completion",
            self.answer("kubernetes", self.answers.kubernetes), workload=self.answers.name, container=name)

    @rule("classic-sidecar",
          Role(role=MATCH.role & IS_HELPER, index=MATCH.index, name=MATCH.name),
          Workload(minor=MATCH.minor & P(lambda minor: minor < NATIVE_SIDECARS_FROM)),
          concern="placement", comment=CONTAINER)
    def classic_sidecar(self, role, index, name, minor):
        self.place(self.main_plan(), index, role, "containers")
        self.declare(Placement(index=index, name=name, role=role, placement="containers"))
        self.conclude(
            f"{name} goes in containers: native sidecars are not on by default before Kubernetes 1.29",
            self.answer("kubernetes", self.answers.kubernetes), workload=self.answers.name, container=name)

    @rule("init-container", Role(role="init", index=MATCH.index, name=MATCH.name), concern="placement", comment=CONTAINER)
    def init_container(self, index, name):
        self.place(self.main_plan(), index, "init", "initContainers")
        self.declare(Placement(index=index, name=name, role="init", placement="initContainers"))
        self.conclude(f"{name} goes in initContainers: it must complete before the main container starts",
                      self.container_answer(index, "purpose"), workload=self.answers.name, container=name)

    # -- the order init containers start in ----------------------------------------------

    @rule("prepare-before-sidecars",
          Placement(role="init", index=MATCH.step, name=MATCH.name),
          Relation(index=MATCH.step, uses_localhost=False),
          Placement(placement="initContainers", role=IS_HELPER, index=MATCH.sidecar, name=MATCH.sidecar_name),
          TEST(lambda step, sidecar: sidecar < step), concern="placement", comment=CONTAINER)
    def prepare_before_sidecars(self, step, name, sidecar, sidecar_name):
        plan = self.main_plan()
        next(c for c in plan.containers if c.index == step).starts_first = True
        self.conclude(f"{name} starts before {sidecar_name}, though the answers list it after: init containers "
                      f"start in the order of the list, and a preparation step finishes before the native "
                      f"sidecars start, so {sidecar_name} never works on files {name} has not made yet",
                      self.container_answer(step, "purpose"), self.container_answer(step, "uses_localhost"),
                      workload=self.answers.name, container=name)

    @rule("prepare-after-sidecar-it-uses",
          Placement(role="init", index=MATCH.step, name=MATCH.name),
          Relation(index=MATCH.step, uses_localhost=True),
          Placement(placement="initContainers", role=IS_HELPER, index=MATCH.sidecar, name=MATCH.sidecar_name),
          TEST(lambda step, sidecar: sidecar < step), concern="placement", comment=CONTAINER)
    def prepare_after_sidecar_it_uses(self, step, name, sidecar, sidecar_name):
        self.conclude(f"{name} starts after {sidecar_name}, as the answers list them: it uses localhost, which "
                      f"only a native sidecar already running serves before the main container starts",
                      self.container_answer(step, "uses_localhost"), workload=self.answers.name, container=name)
