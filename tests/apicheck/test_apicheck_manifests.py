"""Every manifest `pod-advisor manifest` writes passes the API server's own create path and Pod Security admission.

The examples' and fixtures' answer files are globbed, so a new one is covered the day it
lands. Each is written as a user would write it (the `manifest` command), once as it is,
held to the "restricted" Pod Security profile, and once with ``--allow-root``, held to
"baseline"; a manifest whose workload says it needs the "privileged" level (a node agent's
host paths, annotation pod-advisor.io/pod-security) is held to that level, as it claims, and
must claim it. apicheck (tests/helpers/apicheck.py) runs once per profile on all of them.
"""

from __future__ import annotations

import pytest
import yaml
from helpers.apicheck import verdicts
from helpers.cli import run_cli
from helpers.manifest_forms import claimed_level as claimed
from helpers.paths import EXAMPLES, FIXTURES

ANSWER_FILES = sorted([*EXAMPLES.glob("*.yaml"), *(FIXTURES / "rules").glob("*.yaml"),
                       *(FIXTURES / "manifest").glob("*.yaml")])
IDS = [f"{p.parent.name}/{p.stem}" for p in ANSWER_FILES]
AS_WRITTEN, ROOT_ALLOWED = (), ("--allow-root",)
PROFILE = {AS_WRITTEN: "restricted", ROOT_ALLOWED: "baseline"}


def manifest_text(path, flags) -> str:
    written = run_cli("manifest", str(path), *flags)
    assert written.status == 0, written.stderr
    return written.stdout


@pytest.fixture(scope="module")
def verdicts_by_file():
    """(answer file, flags) -> apicheck's verdicts on the objects of its manifest, read from the text written,
    at the profile of the flags, or at the level the manifest claims."""
    found = {}
    for flags, pss in PROFILE.items():
        texts = {path: manifest_text(path, flags) for path in ANSWER_FILES}
        levels: dict[str, dict] = {}
        for path, text in texts.items():
            levels.setdefault(claimed(text) or pss, {})[path] = text
        for level, group in levels.items():
            each = iter(verdicts(list(group.values()), level))
            found.update({(path, flags): [next(each) for doc in yaml.safe_load_all(text) if doc]
                          for path, text in group.items()})
    return found


def test_a_node_agent_with_host_paths_claims_the_privileged_level_and_fails_baseline():
    path = next(p for p in ANSWER_FILES if p.stem == "host-paths-for-node-agent")
    text = manifest_text(path, AS_WRITTEN)
    assert claimed(text) == "privileged"
    refused = [v for v in verdicts([text], "baseline") if not v.accepted]
    assert [v.object for v in refused] == ["DaemonSet/fixture"] and "hostPath volumes" in refused[0].message


def test_the_answer_files_are_found():
    assert {"examples/web-with-log-shipper", "rules/native-sidecar", "manifest/every-pattern"} <= set(IDS)


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_the_manifest_is_accepted_by_the_api_server_at_restricted(verdicts_by_file, path):
    found = verdicts_by_file[path, AS_WRITTEN]
    assert found and [str(v) for v in found if not v.accepted] == []


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_the_manifest_that_allows_root_is_accepted_by_the_api_server_at_baseline(verdicts_by_file, path):
    found = verdicts_by_file[path, ROOT_ALLOWED]
    assert found and [str(v) for v in found if not v.accepted] == []


def test_names_kubectl_reads_as_no_string_are_written_so_the_api_server_reads_them_as_names(write):
    """y and n are booleans, 1e3 a number, to the YAML reader of kubectl and the API server."""
    path = write("odd-names.yaml", 'name: "n"\ncontainers:\n  - name: "y"\n    image: nginx:1.27\n    ports: [8080]\n'
                                   '  - name: "1e3"\n    image: busybox:1.36\n    purpose: ship-logs\n'
                                   '    shares_volume: true\nworkload: {addressed_by_others: true}\n')
    found = verdicts([manifest_text(path, AS_WRITTEN)])
    assert [str(v) for v in found] == ["ACCEPTED Deployment/n", "ACCEPTED Service/n"]
