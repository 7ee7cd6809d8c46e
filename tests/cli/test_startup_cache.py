"""The start-up cache: the checked knowledge base and the Rete network kept between runs.

It must only ever save time: the same answers with it as without, rebuilt when the
knowledge files or the rules change, and harmless when damaged, unwritable, shared
with others, or written by two processes at once.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from advisor.system import cache
from advisor.kb import knowledge
from advisor.answers.load import load_answers
from advisor.engine import Advisor
from advisor.engine.experta_compat import Fact, ReteMatcher, Rule, _describe, _Unknown
from advisor.kb.knowledge import KnowledgeBase

from helpers.paths import EXAMPLES


def _fresh_kb() -> KnowledgeBase:
    return knowledge.knowledge_base.__wrapped__()  # past the per-process lru_cache, to the user's cache


def _parsing_fails(monkeypatch):
    def refuse(sources=None):
        raise AssertionError("the knowledge base was parsed again")

    monkeypatch.setattr(knowledge, "load_knowledge_base", refuse)


def test_the_second_run_takes_the_knowledge_base_from_the_cache_without_parsing(cache_home, monkeypatch):
    first = _fresh_kb()
    assert (cache_home / "knowledge.pickle").is_file()
    _parsing_fails(monkeypatch)
    assert _fresh_kb() == first


def test_an_edited_knowledge_file_is_parsed_and_checked_again(cache_home, monkeypatch):
    _fresh_kb()
    real = knowledge._yaml_files

    def edited(package):
        files = real(package)
        return [(name, text + "\n# edited\n") for name, text in files] if package == "knowledge.kb" else files

    monkeypatch.setattr(knowledge, "_yaml_files", edited)
    parsed = []
    real_load = knowledge.load_knowledge_base
    monkeypatch.setattr(knowledge, "load_knowledge_base", lambda sources=None: parsed.append(1) or real_load(sources))
    _fresh_kb()
    assert parsed == [1]


def test_a_broken_knowledge_file_fails_even_when_an_older_cache_exists(cache_home, monkeypatch):
    _fresh_kb()
    real = knowledge._yaml_files
    monkeypatch.setattr(knowledge, "_yaml_files", lambda package: real(package) + (
        [("knowledge/kb/zz.yaml", "entries: [{id: zz.x}]")] if package == "knowledge.kb" else []))
    with pytest.raises(knowledge.KnowledgeBaseError):
        _fresh_kb()


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "empty"])
def test_a_damaged_cache_file_is_ignored_and_replaced(cache_home, monkeypatch, damage):
    good = _fresh_kb()
    path = cache_home / "knowledge.pickle"
    data = path.read_bytes()
    broken = {"truncated": data[:len(data) // 2],
              "flipped byte": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
              "empty": b""}[damage]
    path.write_bytes(broken)
    assert _fresh_kb() == good
    assert path.read_bytes() == data  # rebuilt and stored again


def test_a_payload_that_no_longer_unpickles_is_rebuilt_not_raised(cache_home):
    key = "k" * 64
    cache.store("knowledge", key, b"\x80\x05cno_such_module\nThing\n.")  # a valid digest over a bad pickle
    assert cache.load("knowledge", key) is None


def test_a_cache_folder_that_cannot_be_created_leaves_the_run_working(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # pod-advisor/ cannot be made under a file
    assert isinstance(_fresh_kb(), KnowledgeBase)
    assert cache.store("knowledge", "k" * 64, b"data") is False


def test_a_cache_folder_others_may_write_to_is_neither_read_nor_written(cache_home):
    cache_home.mkdir(parents=True)
    os.chmod(cache_home, 0o777)
    assert cache.store("knowledge", "k" * 64, b"payload") is False
    assert not (cache_home / "knowledge.pickle").exists()
    os.chmod(cache_home, 0o700)
    assert cache.store("knowledge", "k" * 64, b"payload") is True
    os.chmod(cache_home, 0o777)
    assert cache.load("knowledge", "k" * 64) is None


def test_a_cache_file_others_may_write_to_is_not_read(cache_home):
    import pickle

    cache.store("knowledge", "k" * 64, pickle.dumps("value"))
    assert cache.load("knowledge", "k" * 64) == "value"
    os.chmod(cache_home / "knowledge.pickle", 0o666)
    assert cache.load("knowledge", "k" * 64) is None


def test_a_fifo_in_place_of_the_cache_file_does_not_hang(cache_home):
    cache_home.mkdir(parents=True, mode=0o700)
    os.mkfifo(cache_home / "knowledge.pickle")
    assert cache.load("knowledge", "k" * 64) is None


def test_an_entry_for_another_key_is_not_returned(cache_home):
    import pickle

    cache.store("knowledge", "a" * 64, pickle.dumps("old version"))
    assert cache.load("knowledge", "b" * 64) is None


def test_caching_is_off_with_the_environment_variable(cache_home, monkeypatch):
    monkeypatch.setenv(cache.DISABLE, "1")
    _fresh_kb()
    assert not cache_home.exists()


def test_a_relative_xdg_cache_home_is_ignored_for_home_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.folder() == str(tmp_path / ".cache" / "pod-advisor")


def test_processes_racing_on_an_empty_cache_all_get_the_same_answer(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    env.pop(cache.DISABLE, None)
    argv = [sys.executable, "-m", "advisor", "evaluate", str(EXAMPLES / "web-with-log-shipper.yaml"), "--format",
            "json"]
    runs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, [err for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1
    # no temp file left; the catalogue is read once for the repositories of images that may need a setting to start
    assert sorted(os.listdir(tmp_path / "pod-advisor")) == ["images.pickle", "knowledge.pickle", "noted-images.pickle",
                                                           "rete.pickle"]
    again = subprocess.run(argv, env=env, capture_output=True, timeout=120)
    assert again.stdout == outputs[0][0]


# -- the Rete network ----------------------------------------------------------------


def test_an_engine_from_the_cached_network_advises_exactly_as_a_freshly_built_one(cache_home, monkeypatch):
    monkeypatch.setenv(cache.DISABLE, "1")
    built = Advisor()
    monkeypatch.delenv(cache.DISABLE)
    Advisor()  # builds the network and stores it
    assert (cache_home / "rete.pickle").is_file()

    def built_again(self):
        raise AssertionError("the Rete network was built again instead of read from the cache")

    monkeypatch.setattr(ReteMatcher, "build_network", built_again)
    cached = Advisor()
    for path in sorted(EXAMPLES.glob("*.yaml")):
        answers = load_answers(str(path))
        assert cached.evaluate(answers).to_dict() == built.evaluate(answers).to_dict(), path.name


def _rule(**pattern):
    def act(engine):
        pass

    return Rule(Fact(**pattern))(act)


def test_the_network_key_changes_with_a_rule_literal():
    assert _describe([_rule(a=1)])[0] != _describe([_rule(a=2)])[0]


def test_the_network_key_is_the_same_for_the_same_rules():
    assert _describe([_rule(a=1, b="x")])[0] == _describe([_rule(a=1, b="x")])[0]


def test_a_rule_holding_a_value_the_fingerprint_cannot_state_is_not_cached():
    with pytest.raises(_Unknown):
        _describe([_rule(a=object())])


# -- a planted link (issue 24, class 8) -------------------------------------------------------------


def test_a_symbolic_link_in_place_of_the_cache_folder_is_neither_written_nor_read(cache_home, tmp_path):
    victim = tmp_path / "victim"  # any folder of the user's that an attacker would like filled
    victim.mkdir()
    cache_home.parent.mkdir()
    cache_home.symlink_to(victim)  # planted where others may write (XDG_CACHE_HOME in a shared folder)
    assert not cache.store("knowledge", "k", cache.pickled("payload"))
    assert os.listdir(victim) == []
    (victim / "knowledge.pickle").write_bytes(b"planted")
    assert cache.load("knowledge", "k") is None


def test_a_symbolic_link_in_place_of_a_cache_file_is_not_read(cache_home, tmp_path):
    cache.store("knowledge", "k", cache.pickled("mine"))
    (tmp_path / "elsewhere.pickle").write_bytes((cache_home / "knowledge.pickle").read_bytes())
    (cache_home / "knowledge.pickle").unlink()
    (cache_home / "knowledge.pickle").symlink_to(tmp_path / "elsewhere.pickle")
    assert cache.load("knowledge", "k") is None


def test_the_installed_command_writes_nothing_through_a_planted_cache_link(tmp_path):
    from helpers.installed import run

    victim = tmp_path / "victim"
    victim.mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "pod-advisor").symlink_to(victim)
    done = run("evaluate", str(EXAMPLES / "web-with-log-shipper.yaml"), text=True,
               env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "shared")})
    assert done.returncode == 0, done.stderr
    assert os.listdir(victim) == []
