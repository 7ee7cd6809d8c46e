"""Where the knowledge base's statements come from, and from which Kubernetes version they hold.

Every entry, rule, finding and feature of the knowledge base names its sources: pages
anyone can open (kubernetes.io with the section's anchor, a KEP or the API types on
github.com/kubernetes), and ``seed`` for what the chapter the product is built on says
(cited by name, never quoted). A source outside the allowed places is refused at load,
as a fact nobody could check.

A *feature* is a behaviour that depends on the Kubernetes version: its stages (alpha,
beta, stable) and whether it is on by default from each minor version, as the feature
gates record them. An entry lists the features its text relies on; ``pod-advisor
explain TOPIC --kubernetes 1.N`` says what each does on that version.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from advisor.system.patterns import lazy
from advisor.system.records import record

SEED = "seed"
SEED_TITLE = "the Pods chapter (Topic 05) of the course pod-advisor is built on"
# host, and the path it must start with ("" for any path on the host)
ALLOWED = (("kubernetes.io", "/docs/"), ("kubernetes.io", "/blog/"), ("github.com", "/kubernetes/"))
STAGES = ("alpha", "beta", "stable")
_GATE = lazy(r"^[A-Z][A-Za-z0-9]+$")


def source_problem(value: str) -> str | None:
    """Why ``value`` cannot be cited, or None: ``seed``, or an https URL in an allowed place."""
    if value == SEED:
        return None
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc:
        return f"{value!r} is neither seed nor an https URL"
    if not any(parts.netloc == host and parts.path.startswith(prefix) for host, prefix in ALLOWED):
        places = ", ".join(f"{host}{prefix}" for host, prefix in ALLOWED)
        return f"{value!r} is outside the places a source may be ({places})"
    if " " in value:
        return f"{value!r} has a space"
    return None


def sources_problem(values: list) -> str | None:
    """Why a list of sources cannot stand: a bad item, a repeat, or no URL at all (seed alone
    is a claim about the chapter, which a reader without it cannot check)."""
    for value in values:
        if not isinstance(value, str):
            return f"every source must be a string: {value!r}"
        problem = source_problem(value)
        if problem:
            return problem
    if len(set(values)) != len(values):
        return "a source is listed twice"
    if not any(value != SEED for value in values):
        return "needs at least one URL (seed alone cannot be checked by a reader)"
    return None


def urls(sources: tuple[str, ...]) -> list[str]:
    return [source for source in sources if source != SEED]


def source_label(source: str) -> str:
    """How a source is shown to a reader."""
    return f"seed: {SEED_TITLE}" if source == SEED else source


# -- features: what depends on the version ------------------------------------------

@record(frozen=True)
class Stage:
    """One stage of a feature: from which minor version, and whether it is on by default."""

    stage: str  # alpha, beta or stable
    since: int  # the minor version it starts at
    on: bool  # on by default at this stage


@record(frozen=True)
class Feature:
    """A behaviour that depends on the Kubernetes version (knowledge/features.yaml)."""

    id: str
    title: str
    gate: str | None  # the feature gate, or None for a change of behaviour without one
    stages: tuple[Stage, ...]  # oldest first
    without: str  # what holds on a version where it is off
    sources: tuple[str, ...]

    def at(self, minor: int) -> Stage | None:
        """The stage on Kubernetes 1.minor, None before the feature exists."""
        found = None
        for stage in self.stages:
            if stage.since <= minor:
                found = stage
        return found

    def on_at(self, minor: int) -> bool:
        stage = self.at(minor)
        return stage is not None and stage.on

    @property
    def on_from(self) -> int | None:
        """The first minor version that has it on by default."""
        return next((stage.since for stage in self.stages if stage.on), None)

    def history(self) -> str:
        """``alpha in 1.28 (off by default), beta in 1.29 (on by default), stable in 1.33``."""
        if self.gate is None:
            return f"in force from 1.{self.stages[0].since}"
        parts = []
        for stage in self.stages:
            name = "stable (GA)" if stage.stage == "stable" else stage.stage
            default = "" if stage.stage == "stable" else f" ({'on' if stage.on else 'off'} by default)"
            parts.append(f"{name} from 1.{stage.since}{default}")
        return ", ".join(parts)

    def state_text(self, minor: int) -> str:
        """What the feature is on Kubernetes 1.minor, in a sentence a person reads."""
        stage = self.at(minor)
        gate = f" (feature gate {self.gate})" if self.gate else ""
        if self.gate is None:
            if stage is None:
                return f"{self.title}: not yet in 1.{minor}; in force from 1.{self.stages[0].since}. {self.without}"
            return f"{self.title}: in force in 1.{minor} (since 1.{self.stages[0].since})."
        if stage is None:
            return (f"{self.title}: not in Kubernetes 1.{minor}{gate}; it arrives as "
                    f"{self.stages[0].stage} in 1.{self.stages[0].since}. {self.without}")
        if not stage.on:
            on = self.on_from
            later = f"; on by default from 1.{on}" if on is not None else ""
            return (f"{self.title}: {stage.stage} and off by default in 1.{minor}{gate}{later}. {self.without}")
        name = "stable (GA)" if stage.stage == "stable" else f"{stage.stage}, on by default"
        return f"{self.title}: {name} in 1.{minor}{gate}."


def parse_stages(raw: list, where: str, problems: list[str]) -> tuple[Stage, ...]:
    stages: list[Stage] = []
    for i, item in enumerate(raw):
        here = f"{where}.stages[{i}]"
        if not isinstance(item, dict) or set(item) != {"stage", "since", "on_by_default"}:
            problems.append(f"{here}: expected a mapping with stage, since and on_by_default")
            continue
        if item["stage"] not in STAGES:
            problems.append(f"{here}.stage: must be one of {', '.join(STAGES)}")
        if not isinstance(item["since"], int) or isinstance(item["since"], bool) or item["since"] < 0:
            problems.append(f"{here}.since: expected a minor version number, such as 29")
            continue
        if not isinstance(item["on_by_default"], bool):
            problems.append(f"{here}.on_by_default: expected true or false")
            continue
        if stages and item["since"] <= stages[-1].since:
            problems.append(f"{here}.since: stages must come oldest first, each in a later version")
        stages.append(Stage(item["stage"], item["since"], item["on_by_default"]))
    if not stages:
        problems.append(f"{where}.stages: needs at least one stage")
    return tuple(stages)


def gate_problem(value) -> str | None:
    if value is None or isinstance(value, str) and _GATE.match(value):
        return None
    return f"{value!r} is not a feature gate name (UpperCamelCase)"
