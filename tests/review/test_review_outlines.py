"""Objects kept only as an outline (a CustomResourceDefinition, a Secret, any kind the checks do
not read) are not built whole: after their ``kind``, the reader checks the rest of them as
any input is checked and keeps only apiVersion, kind and metadata. What a review reads of
them, and every error, is what it was with the whole object built."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.system.errors import InputError
from advisor.review import objects
from advisor.review.objects import parse_inputs
from advisor.system.yamlsource import parse_documents
from helpers import hostile

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  labels: {app: widgets}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
"""


def everything_read(text: str, name: str = "k8s/all.yaml"):
    """What parse_inputs gives, in full: every object's data, lines and place, the errors and notes."""
    try:
        inputs = parse_inputs([(name, text)])
    except InputError as exc:  # parse_inputs reports bad files itself; this is for completeness
        return [str(p) for p in exc.problems]
    return repr(([(o.kind, o.name, o.namespace, o.path, o.data, list(o.doc.lines.items()), o.doc.index)
                  for o in inputs.objects],
                 [str(p) for p in inputs.errors], [str(n) for n in inputs.notes], inputs.files,
                 inputs.not_objects, inputs.patches))


def test_an_outlined_document_keeps_its_identity_and_the_lines_of_it():
    [doc] = parse_documents(CRD, "crd.yaml", outline=objects.outlined)
    assert doc.data == {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                        "metadata": {"name": "widgets.example.com", "labels": {"app": "widgets"}}}
    assert (doc.line(()), doc.line(("metadata", "name")), doc.line(("spec", "group"))) == (1, 4, 1)


def test_a_kind_the_review_reads_is_built_whole():
    text = CRD.replace("kind: CustomResourceDefinition", "kind: ConfigMap")
    [doc] = parse_documents(text, "cm.yaml", outline=objects.outlined)
    assert doc.data["spec"]["group"] == "example.com" and doc.line(("spec", "group")) == 7


@pytest.mark.parametrize("change", [
    ("  group: example.com\n", "  group: example.com\n  group: example.org\n"),  # a duplicate key
    ("type: object\n", "type: !!binary object\n"),  # a tag that does not fit
    ("      schema:\n", "      ? [a]\n      : b\n      schema:\n"),  # a key that is a list
    ("  versions:\n", "  versions: [\n"),  # not YAML
])
def test_what_is_wrong_in_an_outlined_part_is_refused_as_in_a_whole_object(change, monkeypatch):
    text = CRD.replace(*change)
    outlined = everything_read(text)
    monkeypatch.setattr(objects, "outlined", lambda kind: False)
    assert outlined == everything_read(text)
    assert outlined[:20] in ("([], ['k8s/all.yaml:", '([], ["k8s/all.yaml:')  # no object, an error naming the file


@pytest.mark.parametrize("change", [
    ("  group: example.com\n", "  group: &g example.com\n  other: *g\n"),  # an anchor and an alias
    ("    - name: v1\n", "    - name: v1\n      deep:" + " [" * 120 + "]" * 120 + "\n"),  # deeper than the reader goes
    ("    - name: v1\n", "    - name: v1\n      deep:" + " [" * 99 + "]" * 99 + "\n"),  # as deep as it goes
])
def test_what_the_reader_leaves_to_the_composer_in_an_outlined_part_is_read_as_in_a_whole_object(change, monkeypatch):
    text = CRD.replace(*change)
    outlined = everything_read(text)
    monkeypatch.setattr(objects, "outlined", lambda kind: False)
    assert outlined == everything_read(text)
    assert outlined.startswith("([('CustomResourceDefinition', 'widgets.example.com'")


def test_a_kustomization_file_is_always_built_whole():
    text = "apiVersion: v1\nkind: Widget\nmetadata: {name: w}\npatches: [{path: patch.yaml}]\n"
    inputs = parse_inputs([("k8s/kustomization.yaml", text)])
    assert list(inputs.patches) and inputs.patches[next(iter(inputs.patches))] == "k8s/kustomization.yaml"


OUTLINED_SEEDS = st.sampled_from(hostile.MANIFEST_SEEDS).map(hostile.seed_text).flatmap(
    lambda text: st.sampled_from(["Widget", "Secret", "CustomResourceDefinition", "Deployment"]).map(
        lambda kind: text.replace("kind: Deployment", f"kind: {kind}").replace("kind: Pod", f"kind: {kind}")))


@given(st.one_of(OUTLINED_SEEDS.flatmap(hostile.mutated_text), st.just(CRD).flatmap(hostile.mutated_text)))
def test_a_review_reads_the_same_with_outlines_as_with_every_object_built(text):
    outlined = everything_read(text)
    saved = objects.outlined
    objects.outlined = lambda kind: False
    try:
        assert outlined == everything_read(text)
    finally:
        objects.outlined = saved
