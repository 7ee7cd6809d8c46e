"""The event reader (yamlsource reads plain YAML straight from libyaml's events) reads every
input as the composer does: the same documents, lines and texts, or the same error."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from advisor.system import yamlsource
from advisor.system.errors import InputError
from advisor.system.yamlsource import parse_documents
from helpers import hostile

needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml reads with the composer")

PLAIN = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: "nginx:1.27"
          args: [--port, "8080", 8080, true, ~]
          ports: [{containerPort: 8080}]
          env:
            - {name: STARTED, value: 2020-01-01}
            - {name: RETRIES, value: 0x10}
            - {name: PLAIN, value: yes}
            - {name: EMPTY, value: }
---
---
just text
"""


def read(text: str):
    """What parse_documents gives: (data, lines, raw, index) of each document, or the error."""
    try:
        return repr([(d.data, d.lines, d.raw, d.index, d.source) for d in parse_documents(text, "m.yaml")])
    except InputError as exc:
        return [str(problem) for problem in exc.problems]


def read_by_composer(text: str):
    saved = yamlsource._read_events
    yamlsource._read_events = lambda *args: None
    try:
        return read(text)
    finally:
        yamlsource._read_events = saved


@needs_libyaml
def test_plain_yaml_is_read_from_the_events_without_the_composer():
    documents = yamlsource._read_events(PLAIN, "m.yaml", None)
    assert documents is not None and [d.index for d in documents] == [0, 1, 2]
    assert read(PLAIN) == read_by_composer(PLAIN)


@needs_libyaml
@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",  # anchors and aliases
    "base: &b {a: 1}\nmerged: {<<: *b, c: 2}\n",  # a merge key
    "a: !!int 5\n",  # a tag
    "a: 1\na: 2\n",  # a duplicate key
    "? [a]\n: 1\n",  # a key that is a list
    "a: [1\n",  # not YAML
    "a:\n" + "".join(f"{'  ' * i}- k{i}:\n" for i in range(1, 150)) + "x",  # nesting deeper than the reader goes
])
def test_what_the_event_reader_does_not_handle_is_read_by_the_composer(text):
    assert yamlsource._read_events(text, "m.yaml", None) is None
    assert read(text) == read_by_composer(text)


@needs_libyaml
def test_one_document_too_many_is_refused_as_the_composer_refuses_it():
    with pytest.raises(InputError, match="holds several YAML documents"):
        yamlsource.parse_documents("a: 1\n---\nb: 2\n", "answers.yaml", at_most=1)


@given(st.one_of(st.sampled_from(hostile.MANIFEST_SEEDS).map(hostile.seed_text).flatmap(hostile.mutated_text),
                 hostile.ANY_VALUE.map(hostile.dump_any),
                 st.lists(hostile.ANY_VALUE.map(hostile.dump_any), min_size=2, max_size=3).map("---\n".join)))
def test_any_text_is_read_alike_by_the_event_reader_and_the_composer(text):
    assert read(text) == read_by_composer(text)


@needs_libyaml
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_past_the_first_thousand_are_numbered_as_the_composer_numbers_them(newline):
    text = newline.join(f"key{i}: [{i}, x]" for i in range(3000)) + newline
    assert yamlsource._read_events(text, "m.yaml", None) is not None
    assert read(text) == read_by_composer(text)


@needs_libyaml
def test_documents_of_the_same_shape_share_their_key_paths():
    first, second = parse_documents("spec: {template: {containers: [{name: a}]}}\n---\n"
                                    "spec: {template: {containers: [{name: b}]}}\n", "m.yaml")
    path = ("spec", "template", "containers", 0, "name")
    [held] = [p for p in second.lines if p == path]
    assert next(p for p in first.lines if p == path) is held
    assert next(iter(second.data["spec"])) is held[1]  # the key itself is the path's


def test_the_text_as_written_is_kept_for_scalars_not_read_as_text():
    [doc] = parse_documents("version: 1.10\nport: 0x1F\nenabled: yes\nname: web\nquoted: '1.10'\n", "m.yaml")
    assert doc.raw == {("version",): "1.10", ("port",): "0x1F", ("enabled",): "yes"}
