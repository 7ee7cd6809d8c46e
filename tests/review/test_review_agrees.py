"""The advisor agrees with itself: the manifests `pod-advisor manifest` writes for the
examples and for every rule's fixture pass `pod-advisor review` with no warning or error that `pod-advisor
evaluate` of the same answers did not already raise."""


import pytest

from advisor.answers.load import load_answers
from advisor.engine.advise import advise
from advisor.manifests import build_manifest, make_manifest
from advisor.kb.starts import plan_start
from advisor.review import ReviewOptions, Reviewer
from advisor.review.objects import parse_inputs
from helpers.paths import EXAMPLES, FIXTURES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*.yaml"))


@pytest.fixture(scope="module")
def reviewer():
    return Reviewer()


@pytest.mark.parametrize("example", EXAMPLE_FILES + RULE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_reviewing_the_manifest_written_for_an_example_raises_nothing_new(reviewer, example):
    answers = load_answers(str(example))
    recommendation = advise(answers)
    text = build_manifest(recommendation)
    report = reviewer.review(parse_inputs([(f"{example.stem}.manifest.yaml", text)]),
                             ReviewOptions(kubernetes=answers.kubernetes))
    already = {f.id for f in recommendation.findings}
    # what evaluate and manifest say will not start (an image that needs root), review says too
    noted = {c.name for w in recommendation.workloads for c in w.containers if plan_start(c.image).needs_root}
    new = [(f.id, f.object.label, f.container, f.message) for f in report.findings
           if f.severity in ("warning", "error") and f.id not in already
           and not (f.id == "container-cannot-start" and f.container in noted)]
    assert new == []


@pytest.mark.parametrize("example", EXAMPLE_FILES + RULE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_review_says_a_written_container_cannot_start_exactly_where_the_writer_noted_it(reviewer, example):
    answers = load_answers(str(example))
    manifest = make_manifest(advise(answers))
    report = reviewer.review(parse_inputs([("m.yaml", manifest.text())]), ReviewOptions(kubernetes=answers.kubernetes))
    refused = sorted({f.container for f in report.findings if f.id == "container-cannot-start"})
    assert refused == sorted({note.split(" ", 1)[0] for note in manifest.notes if "will not start" in note})


def test_every_workload_of_an_experiment_is_reviewed_as_one(reviewer):
    """A separated database of a throw-away Pod is no more production than the Pod itself."""
    answers = load_answers(str(EXAMPLES / "app-and-database.yaml")).with_changes(environment="experiment")
    recommendation = advise(answers)
    report = reviewer.review(parse_inputs([("m.yaml", build_manifest(recommendation))]),
                             ReviewOptions(kubernetes=answers.kubernetes))
    assert "single-replica" not in recommendation.finding_ids()
    assert [(f.id, f.object.label) for f in report.findings if f.id == "single-replica"] == []


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_the_manifest_written_for_an_example_is_read_back_as_the_same_design(reviewer, example):
    answers = load_answers(str(example))
    recommendation = advise(answers)
    report = reviewer.review(parse_inputs([("m.yaml", build_manifest(recommendation))]),
                             ReviewOptions(kubernetes=answers.kubernetes))
    main = next(o for o in report.objects if o.ref.name == recommendation.main.name)
    assert main.recommendation.main.controller == recommendation.main.controller


def test_review_reads_the_target_version_from_the_manifest_it_was_written_for(cli, tmp_path):
    """A 1.27 manifest is reviewed as 1.27: its fix is for 1.27, not native sidecars the cluster lacks."""
    manifest = tmp_path / "import.yaml"
    assert cli("manifest", str(EXAMPLES / "job-with-sidecar-1.27.yaml"), "-o", str(manifest)).status == 0
    assert "on 1.27, have log-shipper exit" in cli("review", str(manifest)).stdout


def test_the_kubernetes_option_overrides_the_manifests_own_version(cli, tmp_path):
    manifest = tmp_path / "import.yaml"
    assert cli("manifest", str(EXAMPLES / "job-with-sidecar-1.27.yaml"), "-o", str(manifest)).status == 0
    assert "on 1.27" not in cli("review", str(manifest), "--kubernetes", "1.33").stdout
