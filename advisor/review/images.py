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
