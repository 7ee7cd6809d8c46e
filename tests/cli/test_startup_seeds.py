"""Seeds: what the start-up cache would hold for the kinds that depend only on pod-advisor's own files,
built with the package (advisor/cli/seeds.py) and read when the user's cache has nothing for the key.

A seed must only ever save time, as the cache does: used when its key and digest match, ignored
(the thing built and kept in the user's cache as before) otherwise, never written at run time, and
second to what the user's cache holds. The suite runs with seeds hidden (conftest.py); these tests
point the cache at seeds of their own.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from advisor.cli import seeds
from advisor.kb import knowledge
from advisor.system import cache

from helpers.paths import EXAMPLES, FIXTURES, ROOT


@pytest.fixture(scope="session")
def built_seeds(tmp_path_factory):
    """Every kind of seed, built by the package's own builder in a process of its own."""
    folder = tmp_path_factory.mktemp("seeds") / "seeds"
    done = subprocess.run([sys.executable, "-m", "advisor.cli.seeds", str(folder), "--kinds", "all"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def seeded(built_seeds, monkeypatch):
    """The cache reading ``built_seeds``."""
    monkeypatch.delenv(cache.NO_SEEDS, raising=False)
    monkeypatch.setattr(cache, "SEEDS", str(built_seeds))
    return built_seeds


@pytest.fixture
def own_seeds(tmp_path, monkeypatch):
    """An empty seeds folder that the cache reads, for a test to put seeds in."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    monkeypatch.delenv(cache.NO_SEEDS, raising=False)
    monkeypatch.setattr(cache, "SEEDS", str(folder))
    return folder


def _plant(folder, kind: str, key: str, value=None, payload: bytes | None = None) -> None:
    """A seed of ``kind`` for ``key`` (``value`` pickled, or ``payload``), in the cache's own format (its
    store, into a folder of the test's)."""
    home = folder.parent / "planting"
    cache.store(kind, key, payload if payload is not None else cache.pickled(value),
                environ={"XDG_CACHE_HOME": str(home)})
    os.replace(home / "pod-advisor" / f"{kind}.pickle", folder / f"{kind}.pickle")


def _first_run(seeds_folder, cache_home, *argv: str) -> subprocess.CompletedProcess:
    """``pod-advisor ARGV`` in a process of its own, with an empty cache and the seeds of ``seeds_folder``."""
    code = ("import sys; from advisor.system import cache; cache.SEEDS = sys.argv[1]; "
            "from advisor.cli.main import main; sys.exit(main(sys.argv[2:]))")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent)}
    env.pop(cache.NO_SEEDS, None)
    env.pop(cache.DISABLE, None)
    return subprocess.run([sys.executable, "-c", code, str(seeds_folder), *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _kept(cache_home) -> list[str]:
    return sorted(os.listdir(cache_home)) if cache_home.exists() else []


def test_the_knowledge_base_comes_from_its_seed_without_parsing_and_nothing_is_kept(seeded, cache_home,
                                                                                    monkeypatch):
    monkeypatch.setattr(knowledge, "load_knowledge_base", lambda sources=None: pytest.fail("parsed again"))
    assert isinstance(knowledge.knowledge_base.__wrapped__(), knowledge.KnowledgeBase)
    assert _kept(cache_home) == []


@pytest.mark.parametrize("argv", [
    ["evaluate", str(EXAMPLES / "web-with-log-shipper.yaml")],
    ["completion", "bash"],
    ["review", str(FIXTURES / "review" / "mistakes")],  # containers with shell scripts: bashlex's tables too
], ids=["evaluate", "completion", "review"])
def test_a_first_run_with_seeds_writes_none_of_the_seeded_kinds(seeded, cache_home, argv):
    done = _first_run(seeded, cache_home, *argv)
    assert done.returncode in (0, 1), done.stderr
    assert [name for name in _kept(cache_home) if name.removesuffix(".pickle") in seeds.BUILDERS] == []


def test_a_seed_built_for_another_key_is_not_returned(own_seeds, cache_home):
    _plant(own_seeds, "knowledge", "a" * 64, "another version's")
    assert cache.load("knowledge", "b" * 64) is None


def _restamped(built_seeds, folder, key: str) -> None:
    """``built_seeds`` copied into ``folder`` as if built for ``key``: good payloads, another version's key."""
    for path in built_seeds.iterdir():
        payload = path.read_bytes().split(b"\n", 3)[3]  # after the cache's magic line, key and digest
        _plant(folder, path.name.removesuffix(".pickle"), key, payload=payload)


def test_a_first_run_whose_seeds_were_built_for_another_key_builds_and_keeps_them(built_seeds, own_seeds,
                                                                                  cache_home):
    _restamped(built_seeds, own_seeds, "0" * 64)
    done = _first_run(own_seeds, cache_home, "evaluate", str(EXAMPLES / "web-with-log-shipper.yaml"))
    assert done.returncode == 0, done.stderr
    assert _kept(cache_home) == ["images.pickle", "knowledge.pickle", "noted-images.pickle", "rete.pickle"]


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "empty"])
def test_a_damaged_seed_is_not_returned(own_seeds, cache_home, damage):
    _plant(own_seeds, "knowledge", "k" * 64, "the seed's")
    path = own_seeds / "knowledge.pickle"
    data = path.read_bytes()
    at = data.rindex(b"seed")  # in the pickled text: the payload still unpickles, to another value
    path.write_bytes({"truncated": data[:-3], "flipped byte": data[:at] + b"S" + data[at + 1:], "empty": b""}[damage])
    assert cache.load("knowledge", "k" * 64) is None


def test_a_damaged_seed_of_the_knowledge_base_is_ignored_and_the_knowledge_base_built_and_kept(built_seeds,
                                                                                                own_seeds, cache_home):
    data = (built_seeds / "knowledge.pickle").read_bytes()
    (own_seeds / "knowledge.pickle").write_bytes(data[:len(data) // 2])
    assert isinstance(knowledge.knowledge_base.__wrapped__(), knowledge.KnowledgeBase)
    assert _kept(cache_home) == ["knowledge.pickle"]


def test_the_seeds_folder_is_not_written_by_a_run(own_seeds, cache_home):
    for kind in seeds.BUILDERS:
        _plant(own_seeds, kind, "0" * 64, "another version's")  # stale: the run builds every kind
    before = {path.name: path.read_bytes() for path in own_seeds.iterdir()}
    done = _first_run(own_seeds, cache_home, "review", str(FIXTURES / "review" / "mistakes"))
    assert done.returncode in (0, 1), done.stderr
    assert {path.name: path.read_bytes() for path in own_seeds.iterdir()} == before


def test_the_user_s_cache_wins_over_a_seed(own_seeds, cache_home):
    _plant(own_seeds, "knowledge", "k" * 64, "the seed's")
    cache.store("knowledge", "k" * 64, cache.pickled("the user's"))
    assert cache.load("knowledge", "k" * 64) == "the user's"


def test_seeds_are_not_read_when_hidden(own_seeds, cache_home, monkeypatch):
    _plant(own_seeds, "knowledge", "k" * 64, "the seed's")
    assert cache.load("knowledge", "k" * 64) == "the seed's"
    monkeypatch.setenv(cache.NO_SEEDS, "1")
    assert cache.load("knowledge", "k" * 64) is None


def test_seeds_are_not_read_when_the_cache_is_off(own_seeds, cache_home, monkeypatch):
    _plant(own_seeds, "knowledge", "k" * 64, "the seed's")
    monkeypatch.setenv(cache.DISABLE, "1")
    assert cache.load("knowledge", "k" * 64) is None


def test_seeds_built_by_another_build_of_the_same_python_are_used(seeded, cache_home, monkeypatch):
    from advisor.engine import Advisor
    from advisor.engine.experta_compat import ReteMatcher

    monkeypatch.setattr(sys, "version", sys.version.replace(")", ", built elsewhere)", 1))  # a wheel's builder
    monkeypatch.setattr(knowledge, "load_knowledge_base", lambda sources=None: pytest.fail("parsed again"))
    monkeypatch.setattr(ReteMatcher, "build_network", lambda self: pytest.fail("the network was built again"))
    Advisor(knowledge.knowledge_base.__wrapped__())
    assert _kept(cache_home) == []
