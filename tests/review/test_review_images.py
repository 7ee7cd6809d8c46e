"""What review guesses from a container's image and name, read from the image catalogue
(advisor.review.images over advisor.kb.images): no table of its own. The guesses review made
before the catalogue held them are kept, word for word (PREVIOUS_PORTS, PREVIOUS_SERVERS)."""

from __future__ import annotations

import pytest

from advisor.kb.images import catalogue
from advisor.review import images

# The default ports review/images.py held as a table of its own, before it read the catalogue.
PREVIOUS_PORTS = {
    "postgres": 5432, "postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mongo": 27017, "mongodb": 27017,
    "redis": 6379, "valkey": 6379, "keydb": 6379, "memcached": 11211, "elasticsearch": 9200,
    "opensearch": 9200, "rabbitmq": 5672, "kafka": 9092, "zookeeper": 2181, "cassandra": 9042,
    "couchdb": 5984, "influxdb": 8086, "clickhouse": 8123, "neo4j": 7687, "minio": 9000, "nats": 4222,
    "etcd": 2379, "mssql": 1433, "nginx": 80, "httpd": 80, "apache": 80, "tomcat": 8080, "jenkins": 8080,
    "consul": 8500, "vault": 8200, "statsd": 8125, "memcache": 11211,
}
PREVIOUS_SERVERS = tuple(PREVIOUS_PORTS) + ("nginx-unprivileged", "haproxy", "traefik", "caddy", "envoy", "grafana",
                                            "prometheus", "alertmanager", "wordpress", "ghost", "node-exporter")
# Changed on purpose: their families serve another container (an inbound proxy, exporters), which
# review already takes to run until stopped as helpers; a server of its own they are not.
NOW_HELPERS = ("envoy", "node-exporter", "statsd")


@pytest.mark.parametrize("word, port", sorted(PREVIOUS_PORTS.items()))
def test_a_word_review_knew_a_default_port_for_still_gives_it(word, port):
    assert images.default_ports(f"registry.example.com/team/{word}:1.0")[0] == port


@pytest.mark.parametrize("word", sorted(set(PREVIOUS_SERVERS) - set(NOW_HELPERS)))
def test_a_word_review_took_for_a_server_still_is_one(word):
    assert images.is_server_image(f"registry.example.com/team/{word}:1.0")


@pytest.mark.parametrize("word", NOW_HELPERS)
def test_a_helper_review_took_for_a_server_is_a_helper_now(word):
    assert not images.is_server_image(f"registry.example.com/team/{word}:1.0")
    assert images.family_of("", f"registry.example.com/team/{word}:1.0").helper


def test_the_default_port_of_a_word_is_the_first_port_its_family_lists():
    """The one its clients connect to, by the catalogue's convention (knowledge/images/roles.yaml)."""
    rabbitmq = catalogue().match("rabbitmq:4.1")
    assert images.default_ports("mycorp/rabbitmq-ha:1")[0] == rabbitmq.ports.value[0] == 5672


def test_an_image_whose_family_serves_another_container_is_no_server_of_its_own():
    assert not images.is_server_image("fluent/fluent-bit:3.1")
    assert not images.is_server_image("registry.k8s.io/git-sync/git-sync:v4.2.3")


def test_a_cache_is_an_image_of_a_family_whose_role_is_a_cache():
    assert images.is_cache("eqalpha/keydb:6.3") and images.is_cache("memcached:1.6")
    assert not images.is_cache("postgres:16.4")


def test_the_family_of_a_container_is_the_first_role_with_a_word_in_its_name_then_its_image():
    assert images.family_of("tls-proxy", "envoyproxy/envoy:v1.31.0").family.id == "inbound-proxy"
    assert images.family_of("db-proxy", "envoyproxy/envoy:v1.31.0").family.id == "outbound-proxy"
    assert images.family_of("app", "mycorp/mongodb-exporter:1").family.id == "exporter"


def _texts_around(words) -> list[str]:
    """Names and repositories near each word: the word whole, inside another, cut short, cased and
    punctuated otherwise, and two words run together."""
    texts = ["", "-", "a", "--x--"]
    for word in words:
        texts += [word, f"x-{word}", f"{word}1", word[:-1], f"my{word}s", word.upper(), f"a.{word}/b",
                  f"{word}-{word[:3]}", f"-{word}", word.replace("-", "_"), word.replace("-", ""), f"{word}{words[0]}"]
    return texts


def test_hints_have_a_word_exactly_where_a_word_by_word_search_finds_one():
    cases = [(family.words, family.words) for family in images.families()]
    cases += [(images.SERVER_WORDS, images.SERVER_WORDS), (images.CACHES, images.CACHES),
              (("ab", "a-b", "abcdef", "abcdefg-h", "x.y", "Up"), ("ab", "a-b", "abcdef", "x.y", "Up", "xab-", "a"))]
    for words, near in cases:
        hints = images._Hints(words)
        for text in _texts_around(list(near)):
            haystack = images._words(text)
            assert hints.in_text(text) == any(images._has(haystack, word) for word in words), (text, words)
