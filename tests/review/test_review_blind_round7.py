"""What blind round 7 (bench/blind/round7) found wrong or debatable, each fixed with the behaviour its
labeller expected. rabbitmq's configuration folder is in test_review_starts.py."""

from __future__ import annotations

from helpers.review import REVIEWER, RESOURCES

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

POD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec:\n  restartPolicy: Always\n"
       "SPEC  containers:\n  - name: web\n    image: nginxinc/nginx-unprivileged:1.27\n"
       "    ports: [{containerPort: 8080PORT}]\n" f"    {RESOURCES}\n")


def rewritten(text: str):
    report = REVIEWER.review(parse_inputs([("pod.yaml", text)]), ReviewOptions(suggest=True))
    [obj] = report.objects
    return obj


def test_a_pod_on_its_node_s_network_is_rewritten_to_a_deployment_that_replaces_it_before_starting_another():
    obj = rewritten(POD.replace("SPEC", "  hostNetwork: true\n").replace("PORT", ""))
    assert obj.replacement["kind"] == "Deployment"
    assert obj.replacement["spec"]["strategy"] == {"type": "Recreate"} and "hostNetwork" in obj.suggestion


def test_a_pod_that_binds_a_host_port_is_rewritten_with_the_recreate_strategy():
    obj = rewritten(POD.replace("SPEC", "").replace("PORT", ", hostPort: 80"))
    assert obj.replacement["spec"]["strategy"] == {"type": "Recreate"} and "host port 80" in obj.suggestion


def test_a_pod_that_binds_no_host_port_keeps_the_rolling_update():
    obj = rewritten(POD.replace("SPEC", "").replace("PORT", ""))
    assert obj.replacement["kind"] == "Deployment" and "strategy" not in obj.replacement["spec"]
