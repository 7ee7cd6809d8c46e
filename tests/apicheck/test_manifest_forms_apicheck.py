"""What helm renders from the chart and kustomize from the base passes the API server's own
create path and Pod Security admission (apicheck, tests/helpers/apicheck.py): "restricted" as
written, "baseline" where the values let every container run as root, or the level the objects say they
need (a node agent's host paths: "privileged"). One apicheck run per level."""

from __future__ import annotations

import pytest
import yaml
from helpers.apicheck import verdicts
from helpers.manifest_forms import (  # noqa: F401  (fixtures)
    ANSWER_FILES,
    IDS,
    base_builds,
    charts,
    claimed_level,
    default_renders,
    helm,
    kustomize,
    run_all,
)
from helpers.paths import EXAMPLES

FORMS = ("helm", "kustomize")


@pytest.fixture(scope="module")
def verdicts_by_render(default_renders, base_builds):
    """(form, answer file) -> apicheck's verdicts on what helm template / kustomize build rendered."""
    texts = {}
    for path in ANSWER_FILES:
        for form, done in (("helm", default_renders[path]), ("kustomize", base_builds[path])):
            assert done.returncode == 0, done.stderr
            texts[form, path] = done.stdout
    return by_level(texts, "restricted")


def by_level(texts: dict, level: str) -> dict:
    """{key: apicheck's verdicts on the objects of its text}, each text held to ``level`` or to the level it claims."""
    groups: dict = {}
    for key, text in texts.items():
        groups.setdefault(claimed_level(text) or level, {})[key] = text
    found = {}
    for pss, group in groups.items():
        each = iter(verdicts(list(group.values()), pss))
        found.update({key: [next(each) for doc in yaml.safe_load_all(text) if doc] for key, text in group.items()})
    return found


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
@pytest.mark.parametrize("form", FORMS)
def test_what_the_form_renders_is_accepted_by_the_api_server_at_restricted(verdicts_by_render, form, path):
    found = verdicts_by_render[form, path]
    assert found and [str(v) for v in found if not v.accepted] == []


def test_a_chart_whose_values_let_every_container_run_as_root_renders_what_baseline_accepts(helm, charts):
    commands = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        folder, manifest = charts[path]
        rec = manifest.recommendation
        argv = [helm, "template", str(folder), "--kube-version", rec.kubernetes]
        for plan in rec.workloads:
            for c in plan.containers:
                argv += ["--set", f"workloads.{plan.name}.containers.{c.name}.allowRoot=true"]
        commands[path] = argv
    renders = run_all(commands)
    assert all(done.returncode == 0 for done in renders.values()), [d.stderr for d in renders.values()]
    found = [v for group in by_level({path: done.stdout for path, done in renders.items()}, "baseline").values()
             for v in group]
    assert found and [str(v) for v in found if not v.accepted] == []
