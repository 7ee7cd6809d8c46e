"""Grouping: which containers share the main container's Pod (the co-location test)."""

from __future__ import annotations

from advisor.domain.vocabulary import CONTAINER, OBJECT
from advisor.engine.experta_compat import MATCH, P
from advisor.engine.facts import InPod, OwnWorkload, Relation, Workload
from advisor.engine.registry import rule

NOT_PREPARE = P(lambda purpose: purpose != "prepare")


class GroupingRules:
    def _join(self, index: int, name: str, purpose: str, scales: bool, need: str, key: str) -> None:
        main = self.answers.main.name
        self.declare(InPod(index=index, name=name, purpose=purpose, scales=scales))
        self.conclude(f"{name} runs in the same Pod as {main}: {need}",
                      self.container_answer(index, key), workload=self.answers.name, container=name)

    @rule("colocate-shared-volume",
          Relation(shares_volume=True, purpose=MATCH.purpose & NOT_PREPARE, scales=MATCH.scales,
                   index=MATCH.index, name=MATCH.name),
          concern="grouping", comment=CONTAINER)
    def colocate_shared_volume(self, index, name, purpose, scales):
        self._join(index, name, purpose, scales, "the emptyDir they share files through belongs to one Pod",
                   "shares_volume")

    @rule("colocate-localhost",
          Relation(uses_localhost=True, purpose=MATCH.purpose & NOT_PREPARE, scales=MATCH.scales,
                   index=MATCH.index, name=MATCH.name),
          concern="grouping", comment=CONTAINER)
    def colocate_localhost(self, index, name, purpose, scales):
        self._join(index, name, purpose, scales, "only containers of one Pod share localhost", "uses_localhost")

    @rule("colocate-same-node",
          Relation(same_node=True, purpose=MATCH.purpose & NOT_PREPARE, scales=MATCH.scales,
                   index=MATCH.index, name=MATCH.name),
          concern="grouping", comment=CONTAINER)
    def colocate_same_node(self, index, name, purpose, scales):
        self._join(index, name, purpose, scales, "only the containers of one Pod share a node for their whole "
                   "life (Pod affinity puts separate Pods together only when they are scheduled)", "same_node")

    @rule("prepare-in-pod",
          Relation(purpose="prepare", scales=MATCH.scales, index=MATCH.index, name=MATCH.name),
          concern="grouping", comment=CONTAINER)
    def prepare_in_pod(self, index, name, scales):
        self._join(index, name, "prepare", scales,
                   "it must finish before the main container starts, and only an init container of the "
                   "same Pod can guarantee that", "purpose")

    @rule("separate-workload",
          Relation(shares_volume=False, uses_localhost=False, same_node=False,
                   purpose=MATCH.purpose & NOT_PREPARE, index=MATCH.index, name=MATCH.name),
          Workload(environment=MATCH.environment),
          concern="grouping", comment=OBJECT)
    def separate_workload(self, index, name, purpose, environment):
        self.declare(OwnWorkload(index=index, name=name, purpose=purpose, environment=environment,
                                 stable_identity=self.container(index).stable_identity))
        plan = self.plan(name, index)
        plan.layout = "single-container"
        self.place(plan, index, "main", "containers")
        self.conclude(
            f"{name} gets a Pod of its own: it shares no volume, no localhost and no node with "
            f"{self.answers.main.name}, so nothing ties their lifecycles together",
            self.container_answer(index, "shares_volume"), self.container_answer(index, "uses_localhost"),
            self.container_answer(index, "same_node"), workload=name, container=name)
