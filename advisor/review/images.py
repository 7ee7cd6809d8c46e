"""What a container's image and name say about it, when the manifest says nothing more.

A manifest never states what a container is for. Images come in families whose
members do the same job everywhere (an Envoy is a proxy, a Fluent Bit ships logs, a
node-driver-registrar serves a CSI driver), so the family is the reviewer's best
evidence of a container's purpose, of whether it is a helper at all, and of the
port it listens on when the manifest declares none. Every answer comes back with
the words that justify it, so a finding that rests on one can say what it guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.domain.model import image_reference


@dataclass(frozen=True)
class Family:
    name: str  # what a person calls it, in messages: "an inbound proxy"
    purpose: str  # the answer-file purpose of a helper of this family
    words: tuple[str, ...]  # found in the container's name or its image's repository
    helper: bool = True  # never the main container when another one is not a helper
    ports: tuple[int, ...] = ()  # where it listens by default
    fronts: bool = False  # a helper only in front of an application (a web server is one of its own otherwise)


# The first family with a word in the container's name, then in its image's repository,
# wins. Names come first: "tls-proxy" running envoy is an inbound proxy, "db-proxy"
# running envoy an outbound one. Helper words come before the servers they serve:
# "mongodb-exporter" is an exporter, "mongo-sidecar" a sidecar, not a database.
FAMILIES = (
    Family("an exporter or adapter", "reshape-output",
           ("exporter", "adapter", "statsd", "json-exporter", "metrics-adapter"), ports=(9102,)),
    Family("a config reloader", "sync-content",
           ("config-reloader", "configmap-reload", "configmap-reloader", "prometheus-config-reloader",
            "k8s-sidecar", "reloader", "secrets-store", "vault-agent")),
    Family("a CSI driver's sidecar", "other",
           ("node-driver-registrar", "csi-node-driver-registrar", "csi-provisioner", "csi-attacher",
            "csi-resizer", "csi-snapshotter", "csi-external-health-monitor", "livenessprobe",
            "csi-liveness-probe", "external-provisioner", "external-attacher")),
    Family("an outbound proxy (ambassador)", "proxy-outbound",
           ("cloud-sql-proxy", "cloudsql-proxy", "cloud-sql-connectors", "alloydb-auth-proxy", "ambassador",
            "db-proxy", "egress", "outbound", "twemproxy", "nutcracker", "pgbouncer", "jaeger-agent",
            "dapr", "daprd", "kubectl-proxy", "kubeapi-proxy", "kube-api-proxy"),
           ports=(5432, 3306, 6432, 6831, 5778, 3500)),
    Family("an inbound proxy", "proxy-inbound",
           ("envoy", "istio-proxy", "proxyv2", "linkerd-proxy", "linkerd2-proxy", "oauth2-proxy",
            "kube-rbac-proxy", "ghostunnel", "stunnel", "tls-proxy", "auth-proxy", "esp", "esp-v2",
            "espv2", "oauth-proxy", "openresty-sidecar")),
    Family("a web server or reverse proxy", "proxy-inbound",
           ("nginx", "nginx-unprivileged", "openresty", "haproxy", "traefik", "caddy"), ports=(80,), fronts=True),
    Family("a log shipper", "ship-logs",
           ("fluent-bit", "fluentbit", "fluentd", "filebeat", "promtail", "logstash", "vector",
            "log-shipper", "log-forwarder", "logshipper", "log-agent", "log-router", "otel-collector",
            "opentelemetry-collector", "otelcol", "logrotate"),
           ports=(24224, 2020, 4317, 4318)),
    Family("a content syncer", "sync-content",
           ("git-sync", "gitsync", "s3-sync", "rclone", "content-sync", "syncer", "sync")),
    Family("a policy agent", "other", ("opa", "openpolicyagent", "authz", "kube-mgmt")),
    Family("a helper", "other", ("sidecar", "helper", "watcher")),
    Family("a database or other service of its own", "separate-service",
           ("postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb", "redis", "valkey", "keydb",
            "memcached", "elasticsearch", "opensearch", "rabbitmq", "kafka", "zookeeper", "cassandra",
            "couchdb", "influxdb", "clickhouse", "neo4j", "minio", "nats", "cockroach", "etcd", "mssql",
            "documentdb"),
           helper=False),
)
_SEPARATE = next(f for f in FAMILIES if f.purpose == "separate-service")

# Services of their own that keep nothing worth a stable identity unless they mount storage.
CACHES = ("redis", "valkey", "keydb", "memcached", "nats")


def is_cache(image: str) -> bool:
    haystack = _words(repository(image))
    return any(_has(haystack, word) for word in CACHES)


# The port a server listens on when nothing says otherwise, by the word in its image.
DEFAULT_PORTS = {
    "postgres": 5432, "postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mongo": 27017, "mongodb": 27017,
    "redis": 6379, "valkey": 6379, "keydb": 6379, "memcached": 11211, "elasticsearch": 9200,
    "opensearch": 9200, "rabbitmq": 5672, "kafka": 9092, "zookeeper": 2181, "cassandra": 9042,
    "couchdb": 5984, "influxdb": 8086, "clickhouse": 8123, "neo4j": 7687, "minio": 9000, "nats": 4222,
    "etcd": 2379, "mssql": 1433, "nginx": 80, "httpd": 80, "apache": 80, "tomcat": 8080, "jenkins": 8080,
    "consul": 8500, "vault": 8200, "statsd": 8125, "memcache": 11211,
}

# Images that serve until stopped, whatever their name says they serve.
SERVER_WORDS = tuple(DEFAULT_PORTS) + ("nginx-unprivileged", "haproxy", "traefik", "caddy", "envoy", "grafana",
                                       "prometheus", "alertmanager", "wordpress", "ghost", "node-exporter")


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
        for family in FAMILIES:
            for word in family.words:
                if _has(haystack, word):
                    return Guess(family.purpose, f"its {where} {text!r} suggests {family.name}", family)
    return Guess("other", None)


def default_ports(image: str) -> tuple[int, ...]:
    """Where the image's program listens when its configuration says nothing else."""
    haystack = _words(repository(image))
    found = [port for word, port in DEFAULT_PORTS.items() if _has(haystack, word)]
    for family in FAMILIES:
        if any(_has(haystack, word) for word in family.words):
            found += family.ports
    return tuple(dict.fromkeys(found))


def is_server_image(image: str) -> bool:
    haystack = _words(repository(image))
    return any(_has(haystack, word) for word in SERVER_WORDS)


def is_separate_service(guess: Guess) -> bool:
    return guess.family is _SEPARATE


def kind_of(purpose: str) -> str:
    """How a message names a container of ``purpose``."""
    return next((f.name for f in FAMILIES if f.purpose == purpose and f.name != "a helper"), "a helper")


# -- what an image does when it runs: the evidence of a Pod's intent --------------------------

UNTIL_STOPPED, FINISHES, EXEC_BOX, SHELL, CI_AGENT = "until-stopped", "finishes", "exec-box", "shell", "ci-agent"


@dataclass(frozen=True)
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
_REGISTRY = re.compile(r"^[^/]*[.:][^/]*/|^localhost/")


def _path(image: str) -> str:
    """The repository's path without its registry host and Docker Hub's ``library/``."""
    path = _REGISTRY.sub("", repository(image))
    return path[len("library/"):] if path.startswith("library/") else path


def nature(image: str) -> Nature | None:
    """What the image does by design when it runs its own default command, or None when not known."""
    path = _path(image)
    tag = image_reference(image or "")[1] or ""
    for entry in NATURES:
        if any(path == r or path.endswith("/" + r) for r in entry.repositories):
            if not entry.tags or any(tag.endswith(t) or f"{t}-" in tag for t in entry.tags):
                return entry
    return None
