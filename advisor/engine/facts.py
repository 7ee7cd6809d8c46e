"""The facts the rules reason on.

Given facts come from the answers (one Workload, one Container per container);
derived facts are declared by rules and let later rules chain on earlier
conclusions. Fields hold only immutable values: experta hashes facts, and a
mutable default would be shared between facts and break matching.
"""

from __future__ import annotations

from advisor.engine.experta_compat import Fact


class Workload(Fact):
    """The main workload: name, environment, completes, scheduled, keep_failed,
    one_per_node, stable_identity, replicas, addressed, minor (Kubernetes 1.N);
    shutdown (seconds, or None), deadline (seconds, or None), host_paths, tolerate_all,
    api (it calls the Kubernetes API), network_policy, namespace (or None)."""


class Container(Fact):
    """One container, as it is: index, name, main, has_resources, tag, digest,
    ports (a count), health (the answers give a health check)."""


class Relation(Fact):
    """How a non-main container relates to the main one: index, name, purpose,
    shares_volume, uses_localhost, same_node, scales, talks."""


class InPod(Fact):
    """A non-main container joins the main container's Pod: index, name, purpose."""


class OwnWorkload(Fact):
    """A non-main container gets a workload of its own: index, name."""


class Role(Fact):
    """The role of a container in the main Pod: index, name, role."""


class Placement(Fact):
    """Where a container of the main Pod goes: index, name, role, placement."""


class Controller(Fact):
    """The controller chosen for a workload: workload, index (-1 for the main one),
    kind, completes, keep_failed, production, replicas, called (the main
    container talks to it)."""


class Service(Fact):
    """A Service recommended in front of a workload: workload, index, kind, main."""


class PreStop(Fact):
    """A workload whose serving containers wait before their stop signal: workload."""
