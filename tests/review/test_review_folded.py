"""A large input's workloads held folded (advisor.review.objects.FoldedObject): each as its file's pickle, read
back when its data is asked for and let go again, so that a review does not hold every workload's documents
from the parse to the end. The report is the one the same objects held whole give."""

from __future__ import annotations

import pickle

import pytest

from advisor.kb.knowledge import knowledge_base
from advisor.render.review import render_json
from advisor.review import ReviewOptions, Reviewer, objects
from helpers.paths import FIXTURES

FOLDER = FIXTURES / "review"
OPTIONS = ReviewOptions(kubernetes="1.37", suggest=True)
SECRET = "apiVersion: v1\nkind: Secret\nmetadata: {name: token}\nstringData: {token: hunter2}\n"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""


@pytest.fixture
def texts():
    return [(str(path), path.read_text()) for path in sorted(FOLDER.rglob("*.yaml"))
            if "chart" not in path.parts and path.name != "kustomization.yaml"]


@pytest.fixture
def large(monkeypatch):
    """Every input is large enough to fold (parse_inputs' keep)."""
    monkeypatch.setattr(objects, "FOLD_BYTES", 1)


def _folded(inputs) -> list:
    return [obj for obj in inputs.objects if isinstance(obj, objects.FoldedObject)]


def _report(inputs) -> str:
    return render_json(Reviewer().review(inputs, OPTIONS), knowledge_base())


def test_a_large_input_holds_its_workloads_folded_and_reviews_them_as_held_whole(texts, large, cache_home):
    whole = objects.parse_inputs(texts)
    folded = objects.parse_inputs(texts, keep=10**6)
    assert len(_folded(folded)) > 20 and _folded(whole) == []
    assert _report(folded) == _report(whole)


def test_a_folded_workload_reads_as_the_object_held_whole(texts, large, cache_home):
    whole = objects.parse_inputs(texts).objects
    folded = objects.parse_inputs(texts, keep=10**6).objects
    for one, other in zip(whole, folded):
        assert (other.kind, other.name, other.namespace, other.file, other.folder, other.unit, other.group) == (
            one.kind, one.name, one.namespace, one.file, one.folder, one.unit, one.group)
        assert (other.data, other.doc.lines, other.doc.raw, other.doc.index, other.line()) == (
            one.data, one.doc.lines, one.doc.raw, one.doc.index, one.line())


def test_a_small_input_holds_its_workloads_whole(texts, cache_home):
    assert _folded(objects.parse_inputs(texts, keep=10**6)) == []


def test_folded_workloads_are_let_go_once_other_files_are_read(texts, large, cache_home):
    inputs = objects.parse_inputs(texts, keep=10**6)
    first, *others = _folded(inputs)
    data = first.data
    for obj in others:
        obj.data
    assert first.data == data and first.data is not data  # read back again: it was not held meanwhile
    assert len(inputs.folds.recent) == objects.Folds.KEEP


def test_each_file_is_read_back_once_when_its_workloads_are_read_in_order(texts, large, cache_home):
    inputs = objects.parse_inputs(texts, keep=10**6)
    for obj in _folded(inputs):
        obj.data
    assert inputs.folds.reads == len({id(obj._payload) for obj in _folded(inputs)})


def test_the_workload_under_review_meets_the_same_data_whatever_else_is_read(texts, large, cache_home):
    inputs = objects.parse_inputs(texts, keep=10**6)
    first, *others = _folded(inputs)
    with inputs.reviewing(first):
        data = first.data
        for obj in others:
            obj.data
        assert first.data is data


def test_the_workloads_other_reviews_read_are_not_folded(texts, large, cache_home):
    inputs = objects.parse_inputs(texts, keep=10**6)
    kinds = {obj.kind for obj in inputs.objects if obj.reviewed and obj not in _folded(inputs)}
    assert kinds == {"ReplicaSet", "ReplicationController"}


def test_a_folded_workload_sent_to_another_process_is_the_object_held_whole(texts, large, cache_home):
    folded = _folded(objects.parse_inputs(texts, keep=10**6))[0]
    sent = pickle.loads(pickle.dumps(folded))
    assert sent.__class__ is objects.ManifestObject
    assert (sent.data, sent.doc.lines, sent.path, sent.file) == (folded.data, folded.doc.lines, folded.path, folded.file)


def test_workloads_read_from_the_kept_store_keep_their_own_copy_not_the_store(texts, large, cache_home,
                                                                               monkeypatch):
    monkeypatch.setattr(objects.KeptParses, "LEAST_BYTES", 1)
    monkeypatch.setattr(objects.KeptParses, "STORE_PER_INPUT", 1000)
    objects.parse_inputs(texts, keep=10**6)
    again = objects.parse_inputs(texts, keep=10**6)  # read back from the store
    assert _folded(again) and not any(isinstance(obj._payload, memoryview) for obj in _folded(again))
    assert _report(again) == _report(objects.parse_inputs(texts))


def test_folded_workloads_pickles_are_held_in_a_temporary_file_not_in_memory(texts, large, cache_home):
    inputs = objects.parse_inputs(texts, keep=10**6)
    held = {id(obj._payload): obj._payload for obj in _folded(inputs)}.values()
    assert all(place.__class__ is tuple for place in held)  # (where, how long) in the file
    assert inputs.folds.end == sum(size for _, size in held) > 0


def test_a_file_that_may_hold_a_secret_is_never_written_to_the_temporary_file(texts, large, cache_home):
    texts.append(("with-token.yaml", SECRET + "---\n" + DEPLOYMENT))
    inputs = objects.parse_inputs(texts, keep=10**6)
    [folded] = [obj for obj in _folded(inputs) if obj.file == "with-token.yaml"]
    assert folded._payload.__class__ is bytes and folded.data["metadata"]["name"] == "web"
    inputs.folds.spill.seek(0)
    assert b"with-token.yaml" not in inputs.folds.spill.read()


def test_without_a_temporary_file_the_pickles_are_held_in_memory_and_the_review_is_the_same(texts, large,
                                                                                          cache_home, monkeypatch):
    import tempfile

    def refused(*args, **kwargs):
        raise OSError("no temporary folder")

    whole = objects.parse_inputs(texts)
    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    inputs = objects.parse_inputs(texts, keep=10**6)
    assert all(obj._payload.__class__ is bytes for obj in _folded(inputs)) and inputs.folds.spill is None
    assert _report(inputs) == _report(whole)


def test_a_review_reads_each_folded_file_back_for_its_own_workloads_only(texts, large, cache_home):
    inputs = objects.parse_inputs(texts, keep=10**6)
    files = len({id(obj._payload) for obj in _folded(inputs)})
    hosts = len({id(obj._payload) for obj in _folded(inputs) if obj.told_facts and obj.told_facts[1]})
    Reviewer().review(inputs, ReviewOptions(kubernetes="1.37"))  # (--suggest reads the workloads it may clash with)
    assert "addresses over the input" in inputs.derived  # pod-ip-literal's pass over every workload's Pod spec
    assert inputs.folds.reads <= files + hosts  # which read what was worked out as they were parsed


def test_a_folded_workload_keeps_what_the_checks_of_the_whole_input_read_of_it(texts, large, cache_home):
    texts.append(("proxy.yaml", DEPLOYMENT.replace('image: "nginx:1.27"', 'image: "kube-proxy:1.31", '
                                                   'command: [kube-proxy, --cluster-cidr=10.244.0.0/16]')))
    whole = [obj for obj in objects.parse_inputs(texts).objects if obj.reviewed]
    folded = [obj for obj in objects.parse_inputs(texts, keep=10**6).objects if obj.reviewed]
    assert [obj.told_facts for obj in folded] == [obj.told_facts for obj in whole]
    assert any(obj.told_facts and obj.told_facts[0] for obj in folded)  # a network a command line declares


def test_a_folded_workload_keeps_its_pod_labels_for_the_checks_of_the_other_workloads(texts, large, cache_home):
    """disruption-budget-missing asks which other workloads a Deployment's selector selects: a folded one answers
    without its file being read back."""
    whole = [obj for obj in objects.parse_inputs(texts).objects if obj.reviewed]
    inputs = objects.parse_inputs(texts, keep=10**6)
    folded = [obj for obj in inputs.objects if obj.reviewed]
    reads = inputs.folds.reads
    assert [obj.pod_labels for obj in folded] == [obj.pod_labels for obj in whole]
    assert any(obj.pod_labels for obj in folded) and inputs.folds.reads == reads


def test_documents_of_workloads_to_be_folded_are_read_back_as_they_were_pickled():
    from advisor.system.cache import pickled
    from advisor.system.yamlsource import parse_documents_apart

    payload = pickled(parse_documents_apart(DEPLOYMENT + "---\n" + SECRET, "web.yaml", outline=objects.outlined))
    paths: dict = {}
    objects.unpickled(payload, paths, intern=True, fold=True)
    assert paths and ("spec", "template") not in paths  # the Secret's outline's key paths shared, not the Deployment's
    objects.unpickled(payload, paths, intern=True)
    assert ("spec", "template") in paths
