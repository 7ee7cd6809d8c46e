"""What review reads, indexed for the checks: the Services that select a Pod, and what is kept of each object."""

from __future__ import annotations

import pytest

from advisor.review.objects import parse_inputs, selects

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: web, image: nginx:1}\n"


def test_the_services_selecting_a_pod_are_found_by_index_as_a_full_scan_finds_them():
    services = "".join(f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\n"
                       f"spec: {{selector: {{app: a{i % 3}, tier: t{i % 2}}}}}\n" for i in range(12))
    inputs = parse_inputs([("k8s.yaml", POD + services)])
    pod = inputs.of_kind("Pod")[0]
    for labels in ({"app": "a1", "tier": "t0"}, {"app": "a2"}, {"tier": "t1", "app": "a0", "x": "y"}, {}):
        scan = [s for s in inputs.of_kind("Service") if s.links_to(pod) and selects(s, labels)]
        assert inputs.services_selecting(pod, labels) == scan


CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  labels: {app: widgets}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
"""


def test_an_object_of_a_kind_no_check_reads_is_kept_as_its_identity_and_line():
    inputs = parse_inputs([("k8s.yaml", POD + "---\n" + CRD)])
    crd = next(o for o in inputs.objects if o.kind == "CustomResourceDefinition")
    assert crd.data == {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                        "metadata": {"name": "widgets.example.com"}}
    assert (crd.file, crd.line(), crd.line("metadata", "name")) == ("k8s.yaml", 8, 11)


def test_reviewed_and_cross_checked_objects_are_kept_whole():
    service = "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n"
    inputs = parse_inputs([("k8s.yaml", POD + service)])
    assert inputs.of_kind("Pod")[0].get("spec", "containers", 0, "image") == "nginx:1"
    assert inputs.of_kind("Service")[0].get("spec", "ports") == [{"port": 80}]


def test_asking_for_a_kind_kept_only_as_an_outline_is_a_programming_error():
    inputs = parse_inputs([("k8s.yaml", CRD)])
    with pytest.raises(ValueError, match="CROSS_CHECKED_KINDS"):
        inputs.of_kind("CustomResourceDefinition")
