"""A finding says the same thing whether the engine raises it from answers or review from a
manifest: its words are advisor.domain.messages', and each side only adds what it alone knows."""

from __future__ import annotations

from advisor.answers.load import load_answers
from advisor.domain import messages
from advisor.engine import Advisor
from advisor.review import ReviewOptions, Reviewer
from advisor.review.objects import parse_inputs
from helpers.paths import FIXTURES


def engine_message(fixture: str, finding_id: str) -> str:
    recommendation = Advisor().evaluate(load_answers(str(FIXTURES / "rules" / fixture)))
    return next(f.message for f in recommendation.findings if f.id == finding_id)


def review_message(fixture: str, finding_id: str) -> str:
    path = FIXTURES / "review" / "mistakes" / fixture
    report = Reviewer().review(parse_inputs([(str(path), path.read_text())]), ReviewOptions())
    return next(f.message for f in report.findings if f.id == finding_id)


def test_bare_pod_opens_with_the_same_words_from_answers_and_from_a_manifest():
    assert engine_message("bare-pod.yaml", "bare-pod").startswith(messages.bare_pod("fixture"))
    assert review_message("bare-pod.yaml", "bare-pod").startswith(messages.bare_pod("web"))


def test_a_blocking_sidecar_opens_with_the_same_words_from_answers_and_from_a_manifest():
    said = messages.sidecar_blocks_completion
    assert engine_message("sidecar-blocks-completion.yaml", "sidecar-blocks-completion").startswith(
        said("shipper", "Job", "task"))
    assert review_message("sidecar-blocks-completion.yaml", "sidecar-blocks-completion").startswith(
        said("log-shipper", "Job", "importer"))
