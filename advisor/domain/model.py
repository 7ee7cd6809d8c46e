"""The validated answers: what the rule engine reasons about.

Built by ``advisor.answers.load`` (from a file or from the wizard's data, checked
against the question definitions) and by the reviewer (``advisor.review.facts``,
from manifests, whose names and quantities Kubernetes has already accepted).
"""

from __future__ import annotations

from dataclasses import field, replace
from typing import Any

from advisor.domain.vocabulary import minor_of
from advisor.system.records import record


@record(frozen=True)
class EnvVar:
    """One environment variable: a value, or a key of a ConfigMap or Secret (``source`` names which)."""

    name: str
    value: str | None = None
    source: str | None = None  # "config_map" or "secret"
    object: str | None = None  # the ConfigMap's or Secret's name
    key: str | None = None

    def to_data(self):
        if self.source is None:
            return self.value
        return {self.source: self.object, "key": self.key}


@record(frozen=True)
class Health:
    """How to tell that a container can do its work: an HTTP GET of a path, a TCP connection, or a command."""

    kind: str  # "http", "tcp" or "command"
    port: int | None = None
    path: str | None = None
    command: tuple[str, ...] = ()

    def to_data(self) -> dict:
        if self.kind == "http":
            return {"http": self.path, "port": self.port}
        if self.kind == "tcp":
            return {"tcp": self.port}
        return {"command": list(self.command)}

    def describe(self) -> str:
        if self.kind == "http":
            return f"an HTTP GET of {self.path} on port {self.port}"
        if self.kind == "tcp":
            return f"a TCP connection to port {self.port}"
        return f"the command {' '.join(self.command)!r}"


@record(frozen=True)
class Container:
    """One container of the answers: its image, ports and resources, and what it is to the main one."""

    index: int
    name: str
    image: str
    main: bool
    ports: tuple[int, ...] = ()
    cpu: str | None = None
    memory: str | None = None
    purpose: str = "other"
    shares_volume: bool = False
    uses_localhost: bool = False
    same_node: bool = False
    scales_independently: bool = False
    talks_over_network: bool | None = None  # None: not said; then a separate-service is talked to
    stable_identity: bool = False
    replicas: int = 1
    command: tuple[str, ...] | None = None  # None: the image's entrypoint
    args: tuple[str, ...] | None = None  # None: the image's command
    env: tuple[EnvVar, ...] = ()
    health: Health | None = None
    liveness: bool = False  # also restart the container when its health check keeps failing

    @property
    def talked_to(self) -> bool:
        """Whether the main container talks to it over the network: as answered, else when it is a
        service of its own (a separate-service), which is what it is for."""
        if self.talks_over_network is not None:
            return self.talks_over_network
        return self.purpose == "separate-service"

    @property
    def path(self) -> str:
        return f"containers[{self.index}]"

    @property
    def has_resources(self) -> bool:
        return self.cpu is not None or self.memory is not None


@record(frozen=True)
class Answers:
    """An answer file, validated: the workload's answers and its containers, the main one among them."""

    name: str
    containers: tuple[Container, ...]
    kubernetes: str = "1.37"
    environment: str = "production"
    runs_to_completion: bool = False
    schedule: str | None = None
    keep_failed_attempts: bool = False
    one_per_node: bool = False
    stable_identity: bool = False
    replicas: int = 1
    addressed_by_others: bool = False
    shutdown_seconds: int | None = None  # what the process needs to stop after its stop signal
    deadline: int | None = None  # the longest a run of work that finishes may take, in seconds
    node_read: tuple[str, ...] = ()  # host paths a node agent reads
    node_write: tuple[str, ...] = ()  # host paths a node agent writes
    tolerate_all_taints: bool = False
    priority_class: str | None = None
    uses_kubernetes_api: bool = False
    namespace: str | None = None
    network_policy: bool = False
    version: int = 1
    expect: Any = None  # advisor.answers.expectations.Expectations, or None
    source: str | None = field(default=None, compare=False)

    @property
    def main(self) -> Container:
        return next(c for c in self.containers if c.main)

    @property
    def helpers(self) -> tuple[Container, ...]:
        return tuple(c for c in self.containers if not c.main)

    @property
    def minor(self) -> int:
        return minor_of(self.kubernetes)

    def with_changes(self, **changes: Any) -> "Answers":
        return replace(self, **changes)


def image_reference(image: str) -> tuple[str, str | None, str | None]:
    """Split an image reference into (repository, tag, digest) (advisor.domain.image_reference)."""
    from advisor.domain.image_reference import split

    return split(image)
