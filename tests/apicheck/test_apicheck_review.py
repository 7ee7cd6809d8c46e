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
from typing import NamedTuple

import pytest
import yaml
from helpers.apicheck import RESTRICTED, verdicts
from helpers.cli import run_cli
from helpers.paths import FIXTURES
from helpers.starts import container_count, images_of, start_verdicts

from advisor.kb.starts import plan_start

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
CANNOT_START = "container-cannot-start"  # a finding about security, which hardening changes
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


class Case(NamedTuple):
    objects: list[dict]  # the fixture's objects (hardened or not)
    texts: list[str]  # the text `review --suggest` writes for each object it corrects
    fixes: set[str]  # the findings those suggestions fix
    not_started: set[str]  # Kind/name/container review says the kubelet refuses (container-cannot-start)


def reviewed(objects: list[dict], path) -> Case:
    """`review --suggest` of the fixture at ``path``, whose objects are ``objects``."""
    run = run_cli("review", str(path), "--format", "json", "--suggest", "--fail-on", "never")
    assert run.status == 0, run.stderr
    report = json.loads(run.stdout)
    corrected = [o for o in report["objects"] if o.get("suggestion")]
    refused = {f"{f['object']['kind']}/{f['object']['name']}/{f['container']['name']}" for f in report["findings"]
               if f["id"] == CANNOT_START and "runAsNonRoot" in f["message"]}
    return Case(objects, [o["suggestion"] for o in corrected], {f for o in corrected for f in o["suggestion_fixes"]},
                refused)


def objects_of(texts: list[str]) -> list[dict]:
    return [obj for text in texts for obj in yaml.safe_load_all(text) if obj]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """(fixture, variant) -> its Case, as it is and hardened."""
    folder = tmp_path_factory.mktemp("hardened")
    found = {}
    for path in REVIEW_FILES:
        objects = read_objects(path)
        found[path, AS_THEY_ARE] = reviewed(objects, path)
        copy_path = folder / f"{path.parent.name}-{path.stem}.yaml"
        copy_path.write_text(yaml.safe_dump_all(hardened(objects), sort_keys=False), encoding="utf-8")
        found[path, HARDENED] = reviewed(hardened(objects), copy_path)
    return found


@pytest.fixture(scope="module")
def verdicts_by_level(cases):
    """(fixture, variant) -> {level: (verdicts on its objects, verdicts on the objects of its suggestions)}."""
    items = [item for case in cases.values() for item in case.objects + case.texts]
    found: dict = {key: {} for key in cases}
    for level in LEVELS:
        each = iter(verdicts(items, level))
        for key, case in cases.items():
            found[key][level] = [next(each) for _ in case.objects], [next(each) for _ in objects_of(case.texts)]
    return found


def profile(by_level: dict) -> str:
    """The strictest level whose Pod Security admission refuses none of the fixture's objects."""
    return next(level for level in LEVELS
                if not any("violates PodSecurity" in v.message for v in by_level[level][0]))


def test_the_review_fixtures_are_found_and_some_get_suggestions(cases):
    assert {"clean/list", "mistakes/bare-pod", "mistakes/statefulset-without-headless-service"} <= set(IDS)
    suggested = {path.stem for (path, variant), case in cases.items() if case.texts and variant == AS_THEY_ARE}
    assert {"bare-pod", "restart-always-on-completion", "sidecar-blocks-completion"} <= suggested


@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_hardening_a_fixture_changes_none_of_its_suggestions_but_their_security(cases, path):
    """So that the hardened fixtures check the same corrections, held to restricted. Security is what
    container-cannot-start is about (hardening asks for runAsNonRoot, under which an image that runs
    as root does not start, and takes away a read-only root filesystem): a fixture whose suggestion
    fixes it, or mends some of it (where another container's image needs root), as it is or hardened, is held
    to the same design corrections only."""
    as_they_are, when_hardened = cases[path, AS_THEY_ARE], cases[path, HARDENED]
    if CANNOT_START in as_they_are.fixes | when_hardened.fixes or as_they_are.not_started | when_hardened.not_started:
        assert as_they_are.fixes - {CANNOT_START} == when_hardened.fixes - {CANNOT_START}
    else:
        assert hardened(objects_of(as_they_are.texts)) == objects_of(when_hardened.texts)


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


# -- the kubelet's start check (apicheck start, with the image catalogue's users) -----------------


@pytest.fixture(scope="module")
def start_by_case(cases):
    """(fixture, variant) -> (verdicts on its objects, verdicts on its suggestions), from one run."""
    items = [item for case in cases.values() for item in case.objects + case.texts]
    each = iter(start_verdicts(items))
    found = {}
    for key, case in cases.items():
        found[key] = ([next(each) for obj in case.objects for _ in range(container_count(obj))],
                      [next(each) for text in case.texts for _ in range(container_count(text))])
    return found


def _refused(found) -> set[str]:
    """Kind/name/container of the refused containers, but those of images the catalogue does not know."""
    return {f"{v.object}/{v.container}" for v in found if not v.starts and "is unknown" not in v.reason}


@pytest.mark.parametrize("variant", [AS_THEY_ARE, HARDENED])
@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_review_says_a_container_cannot_start_exactly_where_the_kubelet_refuses_it(cases, start_by_case, path,
                                                                                    variant):
    originals, _ = start_by_case[path, variant]
    assert _refused(originals) == cases[path, variant].not_started


@pytest.mark.parametrize("variant", [AS_THEY_ARE, HARDENED])
@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_each_suggestion_starts_unless_its_image_needs_root(cases, start_by_case, path, variant):
    """--suggest gives each container the UID its image starts under; an image that needs root it
    cannot fix that way (the finding names its unprivileged build instead)."""
    _, suggested = start_by_case[path, variant]
    if not suggested:
        pytest.skip("review suggests nothing for this fixture")  # an empty list would pass, checking nothing
    images = images_of(cases[path, variant].texts)
    assert [name for name in _refused(suggested) if not plan_start(images[name]).needs_root] == []


def test_the_fixtures_hold_containers_the_kubelet_refuses_and_suggestions_that_fix_them(cases, start_by_case):
    """So that the two tests above check refusals and their fixes, not only their absence."""
    refused = {key for key, (originals, _) in start_by_case.items() if _refused(originals)}
    fixed = {key for key in refused if not _refused(start_by_case[key][1]) and cases[key].texts}
    assert len(refused) > 5 and fixed
