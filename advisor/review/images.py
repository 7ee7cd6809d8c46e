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

from advisor.domain.model import image_reference
from advisor.kb.images import Role, catalogue
from advisor.system.patterns import lazy
from advisor.system.records import record

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
    servers, caches = tuple(dict.fromkeys(servers)), tuple(dict.fromkeys(caches))
    return (families, ports, servers, caches,
            tuple((family, _Hints(family.words)) for family in families), _Hints(servers), _Hints(caches))


def families() -> tuple[Family, ...]:
    return _tables()[0]


def is_cache(image: str) -> bool:
    """Services of their own that keep nothing worth a stable identity unless they mount storage."""
    return _tables()[6].in_text(repository(image))


@record(frozen=True)
class Guess:
    """What a container is for, as its image and names suggest, and the words behind the guess."""

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


class _Hints:
    """Words, asked whether a text has one: ``any(_has(_words(text), w) for w in words)``, sorted once so
    that a text is not searched word by word (family_of asks it of every container's name and image).

    A word of more than five letters is had wherever it is in the haystack (that includes between
    dashes). Any other word without a dash is had when it is one of the haystack's dash-separated
    pieces: the haystack starts and ends with a dash, so its pieces are what stands between two."""

    __slots__ = ("anywhere", "pieces", "bounded")

    def __init__(self, words):
        self.anywhere = tuple(w for w in words if len(w) > 5)
        self.pieces = frozenset(w for w in words if len(w) <= 5 and w and "-" not in w)
        self.bounded = tuple(w for w in words if len(w) <= 5 and w not in self.pieces)

    def in_text(self, text: str) -> bool:
        return self.in_haystack(_words(text))

    def in_haystack(self, haystack: str, pieces: frozenset | None = None) -> bool:
        if not self.pieces.isdisjoint(pieces if pieces is not None else haystack.split("-")):
            return True
        return any(f"-{w}-" in haystack for w in self.bounded) or any(w in haystack for w in self.anywhere)


@functools.lru_cache(maxsize=4096)  # asked of every image by every guess: parsed once each
def repository(image: str) -> str:
    """The image's repository without registry-independent noise: ``docker.io/library/redis``."""
    return image_reference(image or "")[0].lower()


def base_name(image: str) -> str:
    """The last part of the repository: ``redis`` for ``registry.k8s.io/redis:v1``."""
    return repository(image).rsplit("/", 1)[-1]


@functools.lru_cache(maxsize=4096)  # the same sidecars and images come back in every workload
def family_of(name: str, image: str) -> Guess:
    """The family of a container, from its name first and then its image's repository."""
    for where, text in (("name", name or ""), ("image", repository(image))):
        family = _family_in(text)
        if family is not None:
            said = f"its {where} {text!r} suggests {family.name}"
            if family.purpose == "separate-service" and (sidecar := _named_a_sidecar(name, image)):
                # a service's word in a helper made to run beside it (combor/k8s-mongo-labeler-sidecar, which labels
                # the MongoDB primary it reaches on localhost: blind round 39): its author says where it belongs
                return Guess("other", f"{said}, but {sidecar} says it is a sidecar", None)
            return Guess(family.purpose, said, family)
    return Guess("other", None)


def _named_a_sidecar(name: str, image: str) -> str | None:
    """What names the container a sidecar, in a word of its own: its name, or its image's repository."""
    for where, text in (("its name", name or ""), ("its image", repository(image))):
        if "-sidecar-" in _words(text):
            return f"{where} {text!r}"
    return None


@functools.lru_cache(maxsize=4096)  # a name or an image comes back beside other images and names
def _family_in(text: str) -> Family | None:
    """The first family with a word in ``text``."""
    haystack = _words(text)
    pieces = frozenset(haystack.split("-"))
    return next((family for family, hints in _tables()[4] if hints.in_haystack(haystack, pieces)), None)


def default_ports(image: str) -> tuple[int, ...]:
    """Where the image's program listens when its configuration says nothing else."""
    haystack = _words(repository(image))
    found = [port for word, port in _tables()[1].items() if _has(haystack, word)]
    for family, hints in _tables()[4]:
        if hints.in_haystack(haystack):
            found += family.ports
    return tuple(dict.fromkeys(found))


def is_server_image(image: str) -> bool:
    """Whether the image serves until stopped, whatever its name says it serves."""
    return _tables()[5].in_text(repository(image))


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


# -- what an image does when it runs: the evidence of a Pod's intent --------------------------

UNTIL_STOPPED, FINISHES, EXEC_BOX, SHELL, CI_AGENT = "until-stopped", "finishes", "exec-box", "shell", "ci-agent"


@record(frozen=True)
class Nature:
    """What running an image does, when the manifest gives it no command of its own (or only flags)."""

    runs: str  # UNTIL_STOPPED, FINISHES, EXEC_BOX, SHELL (its default command is a shell), CI_AGENT
    name: str  # how a message calls it: "a finite image builder"
    repositories: tuple[str, ...]  # matched whole, or as the end of a repository after a "/"
    tags: tuple[str, ...] = ()  # when set: only tags ending in one of these

    def why(self, image: str) -> str:
        return f"its image {repository(image)!r} is {self.name}"


# Each entry states what its images do by design, from their published Dockerfiles and
# documentation: a builder builds and exits, a CLI runs one command, a toolbox only waits
# for someone to exec into it, a base image's default command is a shell (which exits at
# once with no standard input), a CI agent is created and deleted by its CI server.
NATURES = (
    Nature(FINISHES, "a finite image builder (it builds, pushes and exits)",
           ("kaniko-project/executor", "kaniko-project/warmer", "kaniko", "buildpacksio/pack", "paketobuildpacks/builder",
            "jib-cli")),
    Nature(FINISHES, "a command-line tool, which runs one command and exits",
           ("bitnami/kubectl", "rancher/kubectl", "lachlanevenson/k8s-kubectl", "alpine/k8s", "alpine/helm",
            "curlimages/curl", "appropriate/curl", "amazon/aws-cli", "google/cloud-sdk", "cloudsdktool/cloud-sdk",
            "azure-cli", "hashicorp/terraform", "minio/mc", "alpine/git", "bitnami/git", "mikefarah/yq")),
    Nature(EXEC_BOX, "a toolbox, whose default command only waits for someone to exec into it",
           ("rook/toolbox", "rook/ceph-toolbox", "calico/ctl", "e2e-test-images/jessie-dnsutils", "tutum/dnsutils",
            "infoblox/dnstools", "praqma/network-multitool", "wbitt/network-multitool")),
    Nature(CI_AGENT, "a CI agent, which its CI server creates for a build and deletes after it",
           ("jenkins/inbound-agent", "jenkins/jnlp-slave", "jenkinsci/jnlp-slave", "jenkins/jnlp-agent",
            "jenkins/agent", "gitlab-runner-helper", "gitlab-org/gitlab-runner/gitlab-runner-helper",
            "argoproj/argoexec", "tektoncd/pipeline/cmd/entrypoint")),
    Nature(SHELL, "a base image whose default command is a shell",
           ("busybox", "alpine", "ubuntu", "debian", "centos", "fedora", "rockylinux", "almalinux", "amazonlinux",
            "opensuse/leap", "opensuse/tumbleweed", "archlinux", "bash", "nicolaka/netshoot", "oraclelinux",
            "redhat/ubi8", "redhat/ubi9", "ubi8/ubi", "ubi9/ubi", "ubi8/ubi-minimal", "ubi9/ubi-minimal",
            "photon", "clearlinux", "gentoo/stage3", "mageia", "cirros")),
    Nature(SHELL, "an interpreter whose default command is its prompt",
           ("python", "node", "ruby", "perl", "pypy", "erlang", "elixir")),
    Nature(UNTIL_STOPPED, "the Docker daemon (Docker in Docker), which serves until stopped", ("docker",),
           tags=("dind", "-dind", "-dind-rootless")),
    Nature(UNTIL_STOPPED, "a web server with PHP (its tag names the server)", ("php",), tags=("-apache", "-fpm",
                                                                                             "-fpm-alpine")),
)
_REGISTRY = lazy(r"^[^/]*[.:][^/]*/|^localhost/")


def _path(image: str) -> str:
    """The repository's path without its registry host and Docker Hub's ``library/``."""
    path = _REGISTRY.sub("", repository(image))
    return path[len("library/"):] if path.startswith("library/") else path


# Owners under which a one-word repository is still the Docker official image: mirrors of Docker Hub's
# library (mcr.microsoft.com/mirror/docker/library/nginx, public.ecr.aws/docker/library/busybox), its
# architecture variants (arm64v8/python), and republishers of the same program. Anywhere else a one-word
# name is another project's image: quay.io/calico/node is Calico's node agent, not Node.js.
_OFFICIAL_OWNERS = frozenset({"library", "docker", "dockerhub", "mirror", "google-containers", "google_containers",
                              "bitnami", "amd64", "arm64v8", "arm32v7", "arm32v6", "i386", "ppc64le", "s390x",
                              "riscv64", "windows-amd64"})


def _names(path: str, repository_name: str) -> bool:
    """Whether the repository ``path`` is ``repository_name``: the whole path, or its end after an owner
    (any owner for a name with a "/" in it; a one-word name only after an owner of the official image)."""
    if path == repository_name:
        return True
    if not path.endswith("/" + repository_name):
        return False
    if "/" in repository_name:
        return True
    owner = path[:-len(repository_name) - 1].rsplit("/", 1)[-1]
    return owner in _OFFICIAL_OWNERS


@functools.lru_cache(maxsize=4096)  # asked of every container's image; the same few images come back
def nature(image: str) -> Nature | None:
    """What the image does by design when it runs its own default command, or None when not known."""
    path = _path(image)
    tag = image_reference(image or "")[1] or ""
    for entry in NATURES:
        if any(_names(path, r) for r in entry.repositories):
            if not entry.tags or any(tag.endswith(t) or f"{t}-" in tag for t in entry.tags):
                return entry
    return None
