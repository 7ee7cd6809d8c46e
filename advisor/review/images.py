"""What a container's image and name say about it, when the manifest says nothing more.

A manifest never states what a container is for. Images come in families whose
members do the same job everywhere (an Envoy is a proxy, a Fluent Bit ships logs, a
node-driver-registrar serves a CSI driver), so the family is the reviewer's best
evidence of a container's purpose, of whether it is a helper at all, and of the
port it listens on when the manifest declares none. Every answer comes back with
the words that justify it, so a finding that rests on one can say what it guessed.

All of it is read from the image catalogue (advisor.kb.images, knowledge/images/), the
one the manifest writer reads too: the roles and their words, and each family's words,
ports, whether it runs until stopped and whether it is a cache. A word is a hint, never
a match: "mycorp/postgres-ha" is taken for a PostgreSQL because its name says so.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from advisor.domain.model import image_reference
from advisor.kb.images import Role, catalogue

# A family here is a role of the image catalogue (knowledge/images/roles.yaml): what a container
# of it does for a Pod, the words that hint at it and the ports it probably listens on.
Family = Role


@functools.lru_cache(maxsize=1)
def _tables() -> tuple:
    """What review reads from the catalogue, worked out once: (families, default ports by word,
    words of images that serve until stopped, words of caches)."""
    cat = catalogue()
    # The first role with a word in the container's name, then in its image's repository, wins.
    # Names come first: "tls-proxy" running envoy is an inbound proxy, "db-proxy" running envoy an
    # outbound one. Helper roles come before the servers they serve: "mongodb-exporter" is an
    # exporter, "mongo-sidecar" a sidecar, not a database (the catalogue keeps that order).
    families = tuple(role for role in cat.roles.values() if role.words)
    ports: dict[str, int] = {}
    servers: list[str] = []
    caches: list[str] = []
    for family in cat.families:
        role = cat.role(family)
        for word in family.words:
            if family.ports.value:
                ports.setdefault(word, family.ports.value[0])  # the port its clients connect to
            # a server of its own (or a web server, which is one beside nothing else), never a helper
            if family.runs.value == "until-stopped" and role is not None and (not role.helper or role.fronts):
                servers.append(word)
            if role is not None and role.cache:
                caches.append(word)
    return families, ports, tuple(dict.fromkeys(servers)), tuple(dict.fromkeys(caches))


def families() -> tuple[Family, ...]:
    return _tables()[0]


def is_cache(image: str) -> bool:
    """Services of their own that keep nothing worth a stable identity unless they mount storage."""
    haystack = _words(repository(image))
    return any(_has(haystack, word) for word in _tables()[3])


@dataclass(frozen=True)
class Guess:
    purpose: str
    why: str | None  # the words behind it; None when nothing matched
    family: Family | None = None

    @property
    def helper(self) -> bool:
        """Whether the container's family is one that serves another container."""
        return self.family is not None and self.family.helper


def _words(text: str) -> str:
    return "-" + re.sub(r"[^a-z0-9]+", "-", text.lower()) + "-"


def _has(haystack: str, word: str) -> bool:
    return f"-{word}-" in haystack or (len(word) > 5 and word in haystack)


def repository(image: str) -> str:
    """The image's repository without registry-independent noise: ``docker.io/library/redis``."""
    return image_reference(image or "")[0].lower()


def base_name(image: str) -> str:
    """The last part of the repository: ``redis`` for ``registry.k8s.io/redis:v1``."""
    return repository(image).rsplit("/", 1)[-1]


def family_of(name: str, image: str) -> Guess:
    """The family of a container, from its name first and then its image's repository."""
    for where, text in (("name", name or ""), ("image", repository(image))):
        haystack = _words(text)
        for family in families():
            for word in family.words:
                if _has(haystack, word):
                    return Guess(family.purpose, f"its {where} {text!r} suggests {family.name}", family)
    return Guess("other", None)


def default_ports(image: str) -> tuple[int, ...]:
    """Where the image's program listens when its configuration says nothing else."""
    haystack = _words(repository(image))
    found = [port for word, port in _tables()[1].items() if _has(haystack, word)]
    for family in families():
        if any(_has(haystack, word) for word in family.words):
            found += family.ports
    return tuple(dict.fromkeys(found))


def is_server_image(image: str) -> bool:
    """Whether the image serves until stopped, whatever its name says it serves."""
    haystack = _words(repository(image))
    return any(_has(haystack, word) for word in _tables()[2])


def is_separate_service(guess: Guess) -> bool:
    return guess.family is not None and guess.family.purpose == "separate-service"


# The tables review/images.py used to hold, read from the catalogue when first asked for.
_LAZY = {"FAMILIES": 0, "DEFAULT_PORTS": 1, "SERVER_WORDS": 2, "CACHES": 3}


def __getattr__(name: str):
    if name in _LAZY:
        return _tables()[_LAZY[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def kind_of(purpose: str) -> str:
    """How a message names a container of ``purpose``."""
    return next((f.name for f in families() if f.purpose == purpose and f.name != "a helper"), "a helper")
