"""What blind round 10 (bench/blind/round10) found wrong, each fixed with the behaviour its labellers
expected."""

from __future__ import annotations

from helpers.review import REVIEWER, RESOURCES, deployment

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

TEMPLATE = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: APP_NAME, namespace: PROJECT_NAME}\nspec:\n"
            "  replicas: 2\n  selector: {matchLabels: {app: APP_NAME}}\n  template:\n"
            "    metadata: {labels: {app: APP_NAME}}\n    spec:\n      containers:\n      - name: APP_NAME\n"
            "        image: CONTAINER_REGISTRY_URLAPP_NAME:APP_VERSION\n        ports: [{containerPort: APP_PORT}]\n"
            f"        {RESOURCES}\n")


def review(text: str):
    return REVIEWER.review(parse_inputs([("deploy/env/base/deployment.yaml", text)]), ReviewOptions())


def refusals(text: str) -> list[str]:
    return [f.message for o in review(text).objects for f in o.findings if f.id == "refused-by-api-server"]


def test_a_template_s_placeholders_are_not_what_the_api_server_would_refuse():
    assert refusals(TEMPLATE) == []


def test_a_placeholder_image_is_said_to_be_one_and_what_it_does_as_written():
    [note] = [n.text for n in review(TEMPLATE).notes if "image" in n.text]
    assert "holds the placeholder 'CONTAINER_REGISTRY_URLAPP_NAME', which a template or a script fills in" in note
    assert "as written, no container runtime can pull it" in note


def test_what_a_template_writes_beside_its_placeholders_is_still_refused():
    broken = TEMPLATE.replace("  replicas: 2\n", "  replicas: 2\n  minReadySecond: 5\n")
    [message] = refusals(broken)
    assert message.endswith(": spec.minReadySecond: unknown field") and "not a valid" not in message


def test_grafana_writes_no_log_folder_it_logs_to_the_console():
    volume = "          volumeMounts: [{name: data, mountPath: /var/lib/grafana}]\n"
    text = deployment(f"        - name: grafana\n          image: grafana/grafana:11.0.0\n          {RESOURCES}\n"
                      f"          securityContext: {{readOnlyRootFilesystem: true}}\n{volume}",
                      extra_spec="      volumes: [{name: data, emptyDir: {}}]\n")
    found = [f for o in review(text).objects for f in o.findings if f.id == "container-cannot-start"]
    assert found == []


def test_a_misspelt_choice_in_capitals_is_still_refused():
    text = TEMPLATE.replace("APP_NAME", "web").replace("PROJECT_NAME", "shop").replace(
        "CONTAINER_REGISTRY_URLweb:APP_VERSION", "nginx:1.27").replace("APP_PORT", "80").replace(
        "{containerPort: 80}", "{containerPort: 80, protocol: T_CP}")
    [message] = refusals(text)
    assert "'T_CP'; one of TCP, UDP, SCTP" in message
