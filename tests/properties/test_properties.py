"""Properties that hold for any input (issue 11): random and mutated answer files through
evaluate, manifest and batch; random and mutated manifests through review (text, JSON,
--suggest); and the manifest round trip: any valid answer file gives a manifest that reads
back as exactly the objects built.

Each runs the examples of the Hypothesis profile (conftest.py): a bounded, repeatable few in
the suite; ``python bench/fuzz.py`` runs them long.
"""

from __future__ import annotations

import json

import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from advisor.answers.load import answers_from_data, parse_answers
from advisor.engine.advise import advise
from advisor.system.errors import InputError
from advisor.manifests import make_manifest
from advisor.manifests.emit import read_stream
from advisor.system.yamlsource import parse_documents
from helpers.cli import run_cli
from helpers import hostile as hostile

OUTCOMES = {0, 1, 2}  # fine, findings, invalid input; never 3 (our failure) nor an exception


def valid_answers(data):
    try:
        return answers_from_data(data)
    except InputError:
        assume(False)


@given(hostile.answer_data())
def test_any_valid_answer_file_gives_a_manifest_that_reads_back_as_its_objects(data):
    expected = valid_answers(data)
    answers = parse_answers(hostile.answer_text(data), "app.yaml")
    assert answers == expected
    try:
        manifest = make_manifest(advise(answers))
    except InputError as exc:  # a name Kubernetes would not take for an object (too long for a CronJob)
        assert all(p.path for p in exc.problems)
        return
    for comments in (True, False):
        text = manifest.text(comments=comments)  # it checks the read-back itself; this says it again
        assert read_stream(text) == manifest.objects
        assert [d.data for d in parse_documents(text, "m.yaml")] == manifest.objects
        assert list(yaml.safe_load_all(text)) == manifest.objects  # the pure-Python reader agrees
        assert text.isascii() or comments  # the data is ASCII; a comment may quote an image as it is


@given(hostile.answer_data())
def test_any_valid_answer_file_is_evaluated_in_every_format(data):
    answers = valid_answers(data)
    try:
        advise(answers)
    except InputError:  # a name Kubernetes would not take for the design's objects: invalid input, said so
        assume(False)
    path = _write(hostile.answer_text(data))
    for fmt in ("text", "json", "yaml"):
        run = run_cli("evaluate", path, "--format", fmt)
        assert run.status == 0, run.stderr
    assert json.loads(run_cli("evaluate", path, "--format", "json").stdout)["workloads"]


answer_seeds = st.sampled_from(hostile.ANSWER_SEEDS).map(hostile.seed_text)


@given(st.one_of(answer_seeds.flatmap(hostile.mutated_text),
                 hostile.answer_data().map(hostile.answer_text).flatmap(hostile.mutated_text),
                 st.sampled_from(hostile.ANSWER_SEEDS).map(lambda p: hostile.seed_data(p)[0])
                 .flatmap(hostile.mutated_data).map(hostile.dump_any)))
def test_a_mutated_answer_file_is_advice_or_invalid_input_in_evaluate_and_manifest(text):
    path = _write(text)
    for args in (("evaluate", path), ("evaluate", path, "--format", "json"), ("manifest", path)):
        run = run_cli(*args)
        assert run.status in OUTCOMES and "Traceback" not in run.stderr, (args, run.stderr)


@given(st.lists(answer_seeds.flatmap(hostile.mutated_text), min_size=2, max_size=3))
def test_a_batch_of_mutated_answer_files_gives_one_row_each_never_an_error_row(texts):
    import tempfile

    folder = tempfile.mkdtemp(prefix="pod-advisor-fuzz-")
    for i, text in enumerate(texts):
        _write(text, f"{folder}/f{i}.yaml")
    run = run_cli("batch", folder, "--format", "jsonl")
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.status in OUTCOMES and len(rows) == len(texts)
    assert {row["status"] for row in rows} <= {"ok", "flagged", "invalid"}


manifest_seeds = st.sampled_from(hostile.MANIFEST_SEEDS)


@given(st.one_of(manifest_seeds.map(hostile.seed_text).flatmap(hostile.mutated_text),
                 manifest_seeds.map(hostile.seed_data).flatmap(hostile.mutated_data)
                 .map(lambda docs: "---\n".join(hostile.dump_any(d) for d in docs) if isinstance(docs, list)
                      else hostile.dump_any(docs))))
def test_a_mutated_manifest_is_reviewed_or_named_in_every_output(text):
    path = _write(text)
    for args in ((), ("--format", "json"), ("--format", "sarif"), ("--suggest",)):
        run = run_cli("review", path, *args)
        assert run.status in OUTCOMES and "Traceback" not in run.stderr, (args, run.stderr)
        if args[:1] == ("--format",):
            json.loads(run.stdout)


def _write(text: str, path: str | None = None) -> str:
    import tempfile

    if path is None:
        handle, path = tempfile.mkstemp(prefix="pod-advisor-fuzz-", suffix=".yaml")
        import os

        os.close(handle)
    with open(path, "w", encoding="utf-8", errors="surrogatepass") as out:
        out.write(text)
    return path
