"""Every object `review --suggest` writes for the review fixtures passes the API server's create path.

A suggestion corrects the Pod design of the object it was given and keeps the rest,
security settings included, so it is held to the Pod Security profile that object
meets: the strictest of restricted, baseline and privileged at which apicheck accepts
the fixture's objects. Most fixtures are written without a securityContext, as most
manifests are, and meet baseline; so each fixture is also reviewed hardened (every
container given the restricted securityContext), which brings all but those that need
the host (hostNetwork, hostPath) to restricted. One apicheck run per level checks every
fixture, original and suggestion, as they are and hardened.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from helpers.paths import FIXTURES
from helpers.cli import run_cli
from test_apicheck_oracle import RESTRICTED, verdicts

# Each file a manifest of its own (the kustomize/ fixtures are a base and overlays, reviewed built).
REVIEW_FILES = sorted(p for folder in ("clean", "mistakes") for p in (FIXTURES / "review" / folder).iterdir()
                      if p.suffix in (".yaml", ".json"))
IDS = [f"{p.parent.name}/{p.stem}" for p in REVIEW_FILES]
LEVELS = ("restricted", "baseline", "none")  # strictest first; none is "privileged": no Pod Security
AS_THEY_ARE, HARDENED = "as they are", "hardened"
# Fixtures whose mistake the API server refuses as well: (fixture, a part of upstream's message).
REFUSED_AS_THEY_ARE = {"restart-always-on-completion": "spec.template.spec.restartPolicy: Required value",
                       "refused-deployment-without-selector": "spec.selector: Required value",
                       "refused-restart-never-on-a-deployment": "spec.template.spec.restartPolicy: Unsupported value",
                       "refused-selector-misses-the-template": "`selector` does not match template `labels`"}
# Fixtures that need the host, which no securityContext makes restricted or baseline.
PRIVILEGED = {"socket-shared-with-a-sibling": "hostPath volumes", "static-control-plane-pod": "hostNetwork=true",
              "cli-polling-its-version-for-exec": "hostNetwork=true",
              "network-services-on-the-host-network": "hostNetwork=true"}


def read_objects(path) -> list[dict]:
    """The objects of a manifest file, a List's items one by one."""
    text = path.read_text(encoding="utf-8")
    documents = [json.loads(text)] if path.suffix == ".json" else [d for d in yaml.safe_load_all(text) if d]
    return [item for d in documents for item in (d["items"] if d.get("kind") == "List" else [d])]


def hardened(value):
    """A copy in which every container of every Pod spec has the restricted securityContext."""
    value = copy.deepcopy(value)
    if isinstance(value, dict):
        for key in ("containers", "initContainers"):
            for container in value.get(key) or []:
                container["securityContext"] = copy.deepcopy(RESTRICTED)
        return {k: hardened(v) for k, v in value.items()}
    if isinstance(value, list):
        return [hardened(v) for v in value]
    return value


def suggestions(path) -> list[str]:
    """The text `review --suggest` writes for each object of ``path`` it corrects."""
    reviewed = run_cli("review", str(path), "--format", "json", "--suggest", "--fail-on", "never")
    assert reviewed.status == 0, reviewed.stderr
    return [o["suggestion"] for o in json.loads(reviewed.stdout)["objects"] if o.get("suggestion")]


def objects_of(texts: list[str]) -> list[dict]:
    return [obj for text in texts for obj in yaml.safe_load_all(text) if obj]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """(fixture, variant) -> (its objects, the texts of its suggestions), as they are and hardened."""
    folder = tmp_path_factory.mktemp("hardened")
    found = {}
    for path in REVIEW_FILES:
        objects = read_objects(path)
        found[path, AS_THEY_ARE] = objects, suggestions(path)
        copy_path = folder / f"{path.parent.name}-{path.stem}.yaml"
        copy_path.write_text(yaml.safe_dump_all(hardened(objects), sort_keys=False), encoding="utf-8")
        found[path, HARDENED] = hardened(objects), suggestions(copy_path)
    return found


@pytest.fixture(scope="module")
def verdicts_by_level(cases):
    """(fixture, variant) -> {level: (verdicts on its objects, verdicts on the objects of its suggestions)}."""
    items = [item for objects, texts in cases.values() for item in objects + texts]
    found: dict = {key: {} for key in cases}
    for level in LEVELS:
        each = iter(verdicts(items, level))
        for key, (objects, texts) in cases.items():
            found[key][level] = [next(each) for _ in objects], [next(each) for _ in objects_of(texts)]
    return found


def profile(by_level: dict) -> str:
    """The strictest level whose Pod Security admission refuses none of the fixture's objects."""
    return next(level for level in LEVELS
                if not any("violates PodSecurity" in v.message for v in by_level[level][0]))


def test_the_review_fixtures_are_found_and_some_get_suggestions(cases):
    assert {"clean/list", "mistakes/bare-pod", "mistakes/statefulset-without-headless-service"} <= set(IDS)
    suggested = {path.stem for (path, variant), (_, texts) in cases.items() if texts and variant == AS_THEY_ARE}
    assert {"bare-pod", "restart-always-on-completion", "sidecar-blocks-completion"} <= suggested


@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_hardening_a_fixture_changes_none_of_its_suggestions_but_their_security(cases, path):
    """So that the hardened fixtures check the same corrections, held to restricted."""
    assert hardened(objects_of(cases[path, AS_THEY_ARE][1])) == objects_of(cases[path, HARDENED][1])


@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_the_api_server_takes_the_fixture_unless_it_refuses_its_mistake_too(verdicts_by_level, path):
    originals, _ = verdicts_by_level[path, AS_THEY_ARE]["none"]
    refused = [v.message for v in originals if not v.accepted]
    expected = REFUSED_AS_THEY_ARE.get(path.stem)
    assert (len(refused) == 1 and expected in refused[0]) if expected else refused == [], refused


@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_a_hardened_fixture_meets_restricted_unless_it_needs_the_host(verdicts_by_level, path):
    level = profile(verdicts_by_level[path, HARDENED])
    if path.stem in PRIVILEGED:
        refused = verdicts_by_level[path, HARDENED]["baseline"][0]
        assert level == "none" and any(PRIVILEGED[path.stem] in v.message for v in refused)
    else:
        assert level == "restricted"


@pytest.mark.parametrize("variant", [AS_THEY_ARE, HARDENED])
@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_each_suggestion_is_accepted_at_the_profile_of_the_object_it_corrects(verdicts_by_level, path, variant):
    by_level = verdicts_by_level[path, variant]
    _, suggested = by_level[profile(by_level)]
    if not suggested:
        pytest.skip("review suggests nothing for this fixture")  # an empty list would pass, checking nothing
    assert [str(v) for v in suggested if not v.accepted] == []
