"""The file that keeps a large review's parses between runs (advisor.system.cache's entries): one file, each
parsed file's pickle an entry of it under a digest of its own, read back as views of the one buffer the file
is read into and written back piece by piece, so that the store is never held twice. Damaged in any way, it
is no store: the files are parsed again, and the review says the same."""

from __future__ import annotations

import pickle

import pytest
from helpers.review import container, deployment

from advisor.review import objects
from advisor.system import cache

KIND = objects.KeptParses.KIND
ENTRIES = {cache.digest("one"): b"first entry", cache.digest("two"): b"", cache.digest("three"): b"3" * 1000}


@pytest.fixture
def texts(tmp_path):
    made = []
    for name in ("shop", "blog", "wiki"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(deployment(container(), name=name, labels=f"app: {name}", with_budget=False))
        made.append((str(path), path.read_text()))
    return made


def _parsed_from_text(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real = objects.parse_documents_apart
    monkeypatch.setattr(objects, "parse_documents_apart",
                        lambda text, source, *a, **k: parsed.append(source.rsplit("/", 1)[-1]) or real(text, source, *a, **k))
    return parsed


def _review(texts):
    return objects.parse_inputs(texts, keep=10**6)


def _small_inputs_kept(monkeypatch):
    monkeypatch.setattr(objects.KeptParses, "LEAST_BYTES", 1)
    monkeypatch.setattr(objects.KeptParses, "STORE_PER_INPUT", 1000)


def test_entries_stored_are_read_back_each_under_its_key(cache_home):
    assert cache.store_entries("kind", "key", ENTRIES.items())
    found = cache.load_entries("kind", "key")
    assert len(found) == 3 and set(found) == set(ENTRIES)
    assert {key: bytes(found.get(key)) for key in ENTRIES} == ENTRIES
    assert found.get(cache.digest("four")) is None and cache.digest("four") not in found


def test_entries_read_back_are_views_of_one_buffer_not_copies(cache_home):
    cache.store_entries("kind", "key", ENTRIES.items())
    found = cache.load_entries("kind", "key")
    views = [found.get(key) for key in ENTRIES]
    assert all(isinstance(view, memoryview) for view in views)
    assert views[0].obj is views[1].obj is views[2].obj


def test_entries_for_another_key_are_not_read(cache_home):
    cache.store_entries("kind", "old", ENTRIES.items())
    assert cache.load_entries("kind", "new") is None


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "empty", "one byte more"])
def test_a_damaged_file_of_entries_is_no_store(cache_home, damage):
    cache.store_entries("kind", "key", ENTRIES.items())
    path = cache_home / "kind.pickle"
    data = path.read_bytes()
    path.write_bytes({"truncated": data[:len(data) // 2], "flipped byte": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
                      "empty": b"", "one byte more": data + b"x"}[damage])
    assert cache.load_entries("kind", "key") is None


@pytest.mark.parametrize("payload", [
    pickle.dumps({cache.digest("one"): b"a pickled dict: the store's former format"}),
    cache.ENTRIES + (1).to_bytes(8, "little") + bytes(32) + (5).to_bytes(8, "little") + b"four",  # lengths over
    cache.ENTRIES + (1).to_bytes(8, "little") + bytes(32) + (3).to_bytes(8, "little") + b"four",  # ... and under
    cache.ENTRIES + (10**12).to_bytes(8, "little"),  # an index longer than the file
    cache.ENTRIES + (2).to_bytes(8, "little") + 2 * (bytes(32) + (1).to_bytes(8, "little")) + b"ab",  # a key twice
    cache.ENTRIES[:-1],
])
def test_a_whole_file_whose_entries_do_not_add_up_is_no_store(cache_home, payload):
    cache.store("kind", "key", payload)  # its digest is right: what it holds is checked too
    assert cache.load_entries("kind", "key") is None


def test_a_key_that_is_no_digest_is_refused_when_stored(cache_home):
    with pytest.raises(ValueError):
        cache.store_entries("kind", "key", [("not a digest", b"x")])


def test_a_review_run_again_over_a_damaged_store_parses_every_file_and_reads_the_same(texts, cache_home,
                                                                                      monkeypatch):
    _small_inputs_kept(monkeypatch)
    first = _review(texts)
    path = cache_home / f"{KIND}.pickle"
    data = path.read_bytes()
    path.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    parsed = _parsed_from_text(monkeypatch)
    again = _review(texts)
    assert parsed == ["shop.yaml", "blog.yaml", "wiki.yaml"]
    assert [o.data for o in again.objects] == [o.data for o in first.objects]
    assert [o.doc.lines for o in again.objects] == [o.doc.lines for o in first.objects]
    assert path.read_bytes() == data  # kept again, whole


def test_saving_the_store_pickles_only_the_files_parsed_not_the_store_again(texts, cache_home, monkeypatch):
    _small_inputs_kept(monkeypatch)
    _review(texts)
    texts[1] = (texts[1][0], texts[1][1].replace("nginx:1.27", "nginx:1.28"))
    pickled = []
    real = cache.pickled
    monkeypatch.setattr(cache, "pickled", lambda value: pickled.append(value) or real(value))
    parsed = _parsed_from_text(monkeypatch)
    _review(texts)
    assert parsed == ["blog.yaml"] and len(pickled) == 1  # the edited file's parse, and no dict of them all
    again = objects.KeptParses.for_size(10**6)
    assert len(again.stored) == 3


def test_a_store_read_back_unpickles_each_file_where_it_lies(texts, cache_home, monkeypatch):
    _small_inputs_kept(monkeypatch)
    _review(texts)
    kept = objects.KeptParses.for_size(10**6)
    entry = objects.KeptParses.entry(*texts[0], outline=True)
    assert isinstance(kept.stored.get(entry), memoryview)
    documents, problems = kept.get(entry)
    assert documents[0].data["metadata"]["name"] == "shop" and problems == []


def test_documents_of_a_large_input_read_back_share_their_texts_as_parsed_documents_do(texts, cache_home,
                                                                                       monkeypatch):
    _small_inputs_kept(monkeypatch)
    monkeypatch.setattr(objects, "INTERN_BYTES", 10**6)  # the input is "large" (parse_inputs' keep)
    _review(texts)
    shop, blog, _ = _review(texts).objects
    mine, theirs = (obj.get("spec", "template", "spec", "containers", 0) for obj in (shop, blog))
    assert mine["image"] is theirs["image"]  # a value: nginx:1.27 held once
    assert next(k for k in mine if k == "image") is next(k for k in theirs if k == "image")  # a key


def test_documents_of_a_smaller_input_are_read_back_as_they_were_pickled(texts, cache_home, monkeypatch):
    _small_inputs_kept(monkeypatch)
    monkeypatch.setattr(objects, "INTERN_BYTES", 10**6 + 1)  # what sharing them saves is not worth the walk
    _review(texts)
    shop, blog, _ = _review(texts).objects
    mine, theirs = (obj.get("spec", "template", "spec", "containers", 0) for obj in (shop, blog))
    assert mine["image"] == theirs["image"] and mine["image"] is not theirs["image"]
