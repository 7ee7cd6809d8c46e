"""What a manifest does not say outright, guessed from names, images and commands.

A manifest never states a container's purpose, nor whether a bare Pod's work
finishes. The reviewer guesses both from the image, the container's name and its
command, and every guess comes back with the words that justify it, so a finding
that rests on one can say so.
"""

from __future__ import annotations

import ipaddress
import re

from ..model import image_reference

# (purpose, words); the first purpose with a word found in the container's name,
# then in its image's repository, wins. Names come first: "tls-proxy" running
# envoy is an inbound proxy, "db-proxy" running envoy an outbound one.
_PURPOSE_WORDS = (
    ("reshape-output", ("exporter", "adapter", "statsd")),
    ("proxy-outbound", ("cloud-sql-proxy", "cloudsql-proxy", "cloud-sql-connectors", "ambassador", "db-proxy",
                        "egress", "outbound", "twemproxy", "nutcracker", "pgbouncer")),
    ("proxy-inbound", ("envoy", "istio-proxy", "proxyv2", "linkerd-proxy", "linkerd2-proxy", "oauth2-proxy",
                       "kube-rbac-proxy", "ghostunnel", "stunnel", "tls-proxy", "auth-proxy", "haproxy",
                       "traefik", "caddy", "nginx", "ingress")),
    ("ship-logs", ("fluent-bit", "fluentbit", "fluentd", "filebeat", "promtail", "logstash", "vector",
                   "log-shipper", "log-forwarder", "logshipper", "log-agent", "otel-collector",
                   "opentelemetry-collector")),
    ("sync-content", ("git-sync", "gitsync", "s3-sync", "rclone", "content-sync", "config-reloader",
                      "configmap-reload", "syncer", "sync")),
    ("separate-service", ("postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb", "redis", "valkey", "keydb",
                          "memcached", "elasticsearch", "opensearch", "rabbitmq", "kafka", "zookeeper",
                          "cassandra", "couchdb", "influxdb", "clickhouse", "neo4j", "minio", "nats",
                          "cockroach", "etcd", "mssql")),
)
_KIND_OF = {
    "reshape-output": "an exporter or adapter",
    "proxy-outbound": "an outbound proxy (ambassador)",
    "proxy-inbound": "an inbound proxy",
    "ship-logs": "a log shipper",
    "sync-content": "a content syncer",
    "separate-service": "a database or other service of its own",
}
# Helpers that talk to the main container over localhost by nature; their
# upstream usually sits in a config file the reviewer cannot read.
LOCALHOST_BY_NATURE = frozenset({"proxy-inbound", "proxy-outbound", "reshape-output"})
DATABASES = frozenset({"separate-service"})


def _words(text: str) -> str:
    return "-" + re.sub(r"[^a-z0-9]+", "-", text.lower()) + "-"


def _has(haystack: str, word: str) -> bool:
    return f"-{word}-" in haystack or (len(word) > 5 and word in haystack)


def guess_purpose(name: str, image: str) -> tuple[str, str | None]:
    """(purpose, why) for a non-main container; ("other", None) when nothing fits."""
    repository = image_reference(image or "")[0].lower()
    for where, text in (("name", name or ""), ("image", repository)):
        haystack = _words(text)
        for purpose, words in _PURPOSE_WORDS:
            for word in words:
                if _has(haystack, word):
                    shown = name if where == "name" else repository
                    return purpose, f"its {where} {shown!r} suggests {_KIND_OF[purpose]}"
    return "other", None


_ONE_SHOT = ("migrate", "migration", "migrations", "backup", "restore", "pg_dump", "pg_restore", "mysqldump",
             "mongodump", "import", "export", "seed", "cleanup", "prune", "vacuum", "run-once", "--once",
             "oneshot", "one-shot", "batch", "report", "echo", "printf", "curl", "wget", "nslookup", "dig",
             "ping", "exit")
_LONG_RUNNING = ("sleep infinity", "tail -f", "while true", "while :", "serve", "server", "gunicorn",
                 "uvicorn", "daemon", "--watch", "watch", "listen", "forever", "nginx", "httpd", "supervisord")


def guess_completes(container: dict) -> tuple[bool, str | None]:
    """Whether a container's work looks finite, judged from its command and args."""
    if container.get("ports"):
        return False, None  # it serves a port: long-running
    words = [str(w) for key in ("command", "args") for w in (container.get(key) or []) if w is not None]
    if not words:
        return False, None
    line = " ".join(words)
    lowered = line.lower()
    if any(marker in lowered for marker in _LONG_RUNNING):
        return False, None
    tokens = set(re.split(r"[\s;&|()'\"=/]+", lowered))
    found = next((w for w in _ONE_SHOT if w in tokens), None)
    if not found:
        return False, None
    shown = line if len(line) <= 60 else line[:57] + "..."
    return True, f"its command {shown!r} looks like work that finishes ({found!r})"


_LOCALHOST = re.compile(r"(?<![\w.-])(localhost|127\.0\.0\.1|\[::1\])(?![\w-])", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])(\d{2,5})(?![\w.])")
_IPV4 = re.compile(r"(?<![\w.])((?:\d{1,3}\.){3}\d{1,3})(?![\w.]|/\d)")
_NETWORKS = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                    "100.64.0.0/10"))
# Variables that hold network ranges or proxy exceptions, where an address is not a peer.
_RANGE_NAMES = re.compile(r"cidr|subnet|netmask|range|no_proxy|allow|deny|trusted|bind|listen", re.IGNORECASE)


def mentions_localhost(text: str) -> bool:
    return bool(_LOCALHOST.search(text))


def numbers_in(text: str) -> set[int]:
    return {int(n) for n in _NUMBER.findall(text)}


def pod_ip_literals(text: str) -> list[str]:
    """Private IPv4 addresses written in ``text`` (ranges with /NN and loopback excluded)."""
    found = []
    for candidate in _IPV4.findall(text):
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if any(address in network for network in _NETWORKS):
            found.append(candidate)
    return found


def holds_ranges(variable: str) -> bool:
    """Whether an environment variable's name says it holds ranges or listen addresses."""
    return bool(_RANGE_NAMES.search(variable or ""))


def kind_of(purpose: str) -> str:
    return _KIND_OF.get(purpose, "a helper")
