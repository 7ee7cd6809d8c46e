"""Every object `review --suggest` writes for the review fixtures passes the API server's create path.

A suggestion corrects the Pod design of the object it was given and keeps the rest,
security settings included, so it is held to the Pod Security profile of that object: the
fixtures (written without securityContext, as most manifests are) at "baseline", and each
fixture hardened to "restricted" (every container given the restricted securityContext)
at "restricted". One apicheck run per profile checks every fixture, original and suggestion.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from conftest import FIXTURES, run_cli
from test_apicheck_oracle import RESTRICTED, verdicts

REVIEW_FILES = sorted(p for p in (FIXTURES / "review").rglob("*") if p.suffix in (".yaml", ".json"))
IDS = [f"{p.parent.name}/{p.stem}" for p in REVIEW_FILES]


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
    """(fixture, profile) -> (its objects, the texts of its suggestions), as they are and hardened."""
    folder = tmp_path_factory.mktemp("hardened")
    found = {}
    for path in REVIEW_FILES:
        objects = read_objects(path)
        found[path, "baseline"] = objects, suggestions(path)
        copy_path = folder / f"{path.parent.name}-{path.stem}.yaml"
        copy_path.write_text(yaml.safe_dump_all(hardened(objects), sort_keys=False), encoding="utf-8")
        found[path, "restricted"] = hardened(objects), suggestions(copy_path)
    return found


@pytest.fixture(scope="module")
def verdicts_by_case(cases):
    """(fixture, profile) -> (verdicts on its objects, verdicts on the objects of its suggestions)."""
    found = {}
    for pss in ("baseline", "restricted"):
        chosen = {key: value for key, value in cases.items() if key[1] == pss}
        each = iter(verdicts([item for objects, texts in chosen.values() for item in objects + texts], pss))
        found.update({key: ([next(each) for _ in objects], [next(each) for _ in objects_of(texts)])
                      for key, (objects, texts) in chosen.items()})
    return found


def test_the_review_fixtures_are_found_and_some_get_suggestions(cases):
    assert {"clean/list", "mistakes/bare-pod", "mistakes/statefulset-without-headless-service"} <= set(IDS)
    suggested = {path.stem for (path, pss), (_, texts) in cases.items() if texts and pss == "baseline"}
    assert {"bare-pod", "restart-always-on-completion", "sidecar-blocks-completion"} <= suggested


@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_hardening_a_fixture_changes_none_of_its_suggestions_but_their_security(cases, path):
    """So that the restricted case below checks the same corrections."""
    assert hardened(objects_of(cases[path, "baseline"][1])) == objects_of(cases[path, "restricted"][1])


# Fixtures whose mistake is one the API server refuses too: (fixture, a part of upstream's message).
REFUSED_AS_THEY_ARE = {"restart-always-on-completion": "spec.template.spec.restartPolicy: Required value"}


@pytest.mark.parametrize("pss", ["baseline", "restricted"])
@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_the_fixture_is_accepted_at_its_profile_unless_the_api_server_refuses_its_mistake(verdicts_by_case, path,
                                                                                          pss):
    originals, _ = verdicts_by_case[path, pss]
    refused = [v.message for v in originals if not v.accepted]
    expected = REFUSED_AS_THEY_ARE.get(path.stem)
    assert (len(refused) == 1 and expected in refused[0]) if expected else refused == []


@pytest.mark.parametrize("pss", ["baseline", "restricted"])
@pytest.mark.parametrize("path", REVIEW_FILES, ids=IDS)
def test_each_suggestion_is_accepted_at_the_profile_of_the_object_it_corrects(verdicts_by_case, path, pss):
    _, suggested = verdicts_by_case[path, pss]
    assert [str(v) for v in suggested if not v.accepted] == []
