"""The validated answers: what the rule engine reasons about.

Built by ``advisor.answers.load`` (from a file or from the wizard's data, checked
against the question definitions) and by the reviewer (``advisor.review.facts``,
from manifests, whose names and quantities Kubernetes has already accepted).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from advisor.domain.vocabulary import minor_of


@dataclass(frozen=True)
class Container:
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
    talks_over_network: bool = False
    stable_identity: bool = False
    replicas: int = 1

    @property
    def path(self) -> str:
        return f"containers[{self.index}]"

    @property
    def has_resources(self) -> bool:
        return self.cpu is not None or self.memory is not None


@dataclass(frozen=True)
class Answers:
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
