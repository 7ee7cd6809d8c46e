"""The YAML text: scalars that read back as written, and comments that cite the rule behind a choice."""

from __future__ import annotations

import pytest
from helpers.engine import advise, container
from helpers.paths import EXAMPLES, FIXTURES

from advisor.engine.advise import advise_file
from advisor.kb.knowledge import knowledge_base
from advisor.manifests import build_manifest
from advisor.manifests.emit import emit_stream, read_stream
from advisor.domain.vocabulary import CONTAINER
from advisor.manifests.why import comment_places

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*.yaml"))


def manifest_of(example: str, **options) -> str:
    return build_manifest(advise_file(str(EXAMPLES / example)), **options)


def comment_above(text: str, line: str) -> str:
    """The comment block right above the first line that is ``line`` once stripped."""
    lines = text.splitlines()
    index = next(i for i, candidate in enumerate(lines) if candidate.strip() == line)
    block = []
    for candidate in reversed(lines[:index]):
        if not candidate.strip().startswith("#"):
            break
        block.insert(0, candidate.strip().lstrip("# "))
    return " ".join(block)


@pytest.mark.parametrize("value", ["1.27", "true", "no", "null", "0 3 * * *", "@daily", "None", "*", "80",
                                   "a: b", "x #y", "", "- item", "~", "é", "'quoted'", "0o17", "1e3"])
def test_strings_read_back_as_the_same_strings(value):
    assert read_stream(emit_stream([({"key": value, "list": [value]}, {})])) == [{"key": value, "list": [value]}]


def test_comments_are_written_above_the_field_they_explain():
    text = emit_stream([({"a": {"b": 1}, "items": [{"name": "x", "v": 2}]},
                         {(): ["top"], ("a", "b"): ["on b"], ("items", 0): ["on x"], ("items", 0, "v"): ["on v"]})])
    assert text == "---\n# top\na:\n  # on b\n  b: 1\nitems:\n  # on x\n  - name: x\n    # on v\n    v: 2\n"


def test_long_comments_are_wrapped_to_the_width():
    text = manifest_of("web-with-tls-proxy.yaml")
    assert max(len(line) for line in text.splitlines() if line.lstrip().startswith("#")) <= 100


def test_the_controller_comment_cites_its_rule():
    text = manifest_of("statefulset.yaml")
    assert "[statefulset-for-identity]" in comment_above(text, "apiVersion: apps/v1")


def test_the_restart_policy_comment_cites_its_rule():
    text = manifest_of("migration-job.yaml")
    assert "[restart-on-failure-for-batch]" in comment_above(text, "restartPolicy: OnFailure")


def test_a_native_sidecar_says_why_above_its_entry():
    why = comment_above(manifest_of("web-with-log-shipper.yaml"), "- name: log-shipper")
    assert "[colocate-shared-volume]" in why and "[sidecar-for-log-shipping]" in why and "[native-sidecar]" in why


def test_a_finding_on_a_container_is_said_above_it():
    why = comment_above(manifest_of("job-with-sidecar-1.27.yaml"), "- name: log-shipper")
    assert "ERROR:" in why and "[sidecar-blocks-completion]" in why


def test_the_service_says_why_it_exists_and_where_it_forwards():
    why = comment_above(manifest_of("web-with-tls-proxy.yaml"), "apiVersion: v1")  # the Service's
    assert "[clusterip-when-addressed]" in why and "[service-through-inbound-proxy]" in why


def test_the_header_lists_the_findings():
    assert "# Findings: warning bare-pod." in manifest_of("debug-pod.yaml")


def test_the_security_context_of_an_image_that_needs_root_says_what_to_run_instead():
    text = build_manifest(advise(container("web", "nginx:1.27", ports=[80])))
    why = comment_above(text.split("containers:", 1)[1], "securityContext:")
    assert "--allow-root-for web" in why and "nginxinc/nginx-unprivileged:1.27" in why


def test_no_comments_leaves_every_comment_out():
    assert "#" not in manifest_of("web-with-tls-proxy.yaml", comments=False)


def test_every_decision_rule_and_finding_declares_the_place_of_its_comment():
    kb = knowledge_base()
    decisions = {rule for rule, info in kb.rules.items() if info.concern != "review"}
    raised = {finding for finding, info in kb.findings.items() if "advise" in info.sources}
    assert set(comment_places()) == decisions | raised


def test_every_container_level_reason_names_a_container_of_its_workload():
    """Over every example and rule fixture at once: half the examples have no helper, so no such reason."""
    checked, astray = 0, []
    for path in EXAMPLE_FILES + RULE_FIXTURES:
        recommendation = advise_file(str(path))
        for reason in recommendation.reasons:
            if reason.workload is not None and comment_places().get(reason.rule) == CONTAINER:
                checked += 1
                if reason.container not in [c.name for c in recommendation.workload(reason.workload).containers]:
                    astray.append((path.stem, reason.rule, reason.container))
    assert checked >= 50 and astray == []
