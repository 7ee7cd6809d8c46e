"""What review reads, indexed for the checks: the Services that select a Pod."""

from __future__ import annotations

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
