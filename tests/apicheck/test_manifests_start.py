"""What pod-advisor writes starts: the kubelet's run-as-non-root check (``apicheck start``), with each
image's user from the image catalogue, on every manifest, rendered Helm chart and Kustomize base.

The API server accepts ``runAsNonRoot: true`` whatever the image; the kubelet then refuses a
container whose UID it cannot show is not 0. Every example's containers start, in all three
forms. A fixture may name an image that needs root (nginx:1.27): the one thing allowed then is
a refusal the manifest itself announces (its notes: stderr, the header's TO DO, evaluate's text),
never a silent one; and with --allow-root every container starts. One apicheck run checks them all.
"""

from __future__ import annotations

import pytest
from helpers.cli import run_cli
from helpers.manifest_forms import base_builds, charts, default_renders, helm, kustomize  # noqa: F401  (fixtures)
from helpers.manifest_forms import ANSWER_FILES, IDS, manifest_of
from helpers.paths import EXAMPLES
from helpers.starts import container_count, images_of, start_verdicts

from advisor.kb.starts import plan_start

FORMS = ("manifest", "helm", "kustomize")
EXAMPLE_FILES = [p for p in ANSWER_FILES if p.parent == EXAMPLES]
EXAMPLE_IDS = [p.stem for p in EXAMPLE_FILES]


@pytest.fixture(scope="module")
def texts(default_renders, base_builds):
    """(form, answer file) -> the text of that form: the manifest, helm template's, kustomize build's."""
    found = {}
    for path in ANSWER_FILES:
        found["manifest", path] = manifest_of(path).text()
        for form, done in (("helm", default_renders[path]), ("kustomize", base_builds[path])):
            assert done.returncode == 0, done.stderr
            found[form, path] = done.stdout
    return found


@pytest.fixture(scope="module")
def verdicts_by_form(texts):
    """(form, answer file) -> apicheck start's verdicts on its containers, from one run."""
    each = iter(start_verdicts(list(texts.values())))
    return {key: [next(each) for _ in range(container_count(text))] for key, text in texts.items()}


def noted(path) -> set[str]:
    """The containers the manifest of ``path`` says will not start as written."""
    return {note.split(" ", 1)[0] for note in manifest_of(path).notes if "will not start" in note}


def test_the_examples_are_found():
    assert {"web-with-log-shipper", "nginx-pod", "app-and-database"} <= set(EXAMPLE_IDS)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=EXAMPLE_IDS)
@pytest.mark.parametrize("form", FORMS)
def test_every_container_of_every_example_starts(verdicts_by_form, form, path):
    found = verdicts_by_form[form, path]
    assert found and [str(v) for v in found if not v.starts] == []


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
@pytest.mark.parametrize("form", FORMS)
def test_a_container_is_refused_only_where_the_manifest_says_it_will_not_start(verdicts_by_form, form, path):
    found = verdicts_by_form[form, path]
    assert found and {v.container for v in found if not v.starts} == noted(path)


def test_the_fixtures_hold_a_refusal_the_manifest_announces():
    """So that the test above checks the announcement, not only its absence."""
    assert any(noted(path) for path in ANSWER_FILES)


def test_with_allow_root_every_container_of_every_answer_file_starts():
    written = {path: manifest_of(path, allow_root=True).text() for path in ANSWER_FILES}
    refused = [f"{path.stem}: {v}" for path, v in zip(
        [p for p, text in written.items() for _ in range(container_count(text))],
        start_verdicts(list(written.values()))) if not v.starts]
    assert refused == []


def test_an_image_the_catalogue_does_not_know_starts_because_it_is_given_a_uid_not_because_of_its_own(texts):
    """apicheck is told no user for it: the kubelet's check passes on runAsUser alone."""
    text = texts["manifest", EXAMPLES / "migration-job.yaml"]
    [image] = images_of([text]).values()
    assert plan_start(image).basis == "unknown"
    [found] = start_verdicts([text])
    assert found.starts and "65532" in found.reason, str(found)


def test_the_old_nginx_example_writes_a_manifest_that_says_it_will_not_start(write):
    """The README's first example as it was (nginx:1.27 on port 80): refused by the kubelet, and said."""
    path = write("shop.yaml", "name: shop\ncontainers:\n  - {name: web, image: nginx:1.27, ports: [80]}\n"
                              "workload: {addressed_by_others: true}\n")
    run = run_cli("manifest", str(path))
    assert run.status == 0 and "pod-advisor: to do: web (nginx:1.27) will not start as written" in run.stderr
    assert "nginxinc/nginx-unprivileged:1.27" in run.stderr and "--allow-root-for web" in run.stderr
    [found] = start_verdicts([run.stdout])
    assert not found.starts and "image will run as root" in found.reason
