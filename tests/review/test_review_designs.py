"""The reviewer evaluates each distinct design once (advisor.review.designs): objects alike
but for their names share one engine run, and each gets the recommendation a run of its
own would have given, with its own names."""

from __future__ import annotations

import dataclasses

import pytest

from advisor.answers.load import load_answers
from advisor.engine import Advisor
from advisor.review import ReviewOptions, Reviewer
from advisor.review.designs import Designs
from helpers.paths import EXAMPLES, FIXTURES

WEB_WITH_SHIPPER = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: {main}
          image: nginx:1.27
          volumeMounts: [{{name: logs, mountPath: /var/log/nginx}}]
        - name: {helper}
          image: fluent/fluent-bit:3.1
          volumeMounts: [{{name: logs, mountPath: /logs}}]
      volumes: [{{name: logs, emptyDir: {{}}}}]
"""
ANSWER_FILES = sorted((FIXTURES / "rules").glob("*.yaml")) + sorted(EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="module")
def advisor():
    return Advisor()


def test_objects_alike_but_for_their_names_share_one_engine_run():
    reviewer = Reviewer()
    text = "---\n".join(WEB_WITH_SHIPPER.format(name=name, main=main, helper=helper)
                        for name, main, helper in (("shop", "web", "shipper"), ("blog", "nginx", "logs")))
    report = reviewer.review_texts([("apps.yaml", text)], ReviewOptions())
    assert (reviewer.designs.evaluated, reviewer.designs.reused) == (1, 1)
    plans = [review.recommendation.to_dict() for review in report.objects]
    assert [[plan["name"], [c["name"] for c in plan["containers"]]] for plan in plans[0]["workloads"]] == [
        ["shop", ["web", "shipper"]]]
    assert [[plan["name"], [c["name"] for c in plan["containers"]]] for plan in plans[1]["workloads"]] == [
        ["blog", ["nginx", "logs"]]]
    messages = [f.message for review in report.objects for f in review.findings if f.id == "single-replica"]
    assert messages[0].startswith("shop runs a single replica") and messages[1].startswith("blog runs a single")


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_design_read_back_from_the_cache_is_what_the_engine_concludes_for_its_names(path, advisor):
    answers = load_answers(str(path)).with_changes(expect=None)
    designs = Designs(advisor)
    first = designs.evaluate(answers)
    renamed = answers.with_changes(name="other-" + answers.name, containers=tuple(  # equal names stay equal
        dataclasses.replace(c, name="other-" + c.name) for c in answers.containers))
    second = designs.evaluate(renamed)
    assert designs.evaluated == 1
    assert first == advisor.evaluate(answers) and first.answers is answers
    assert second == advisor.evaluate(renamed) and second.answers is renamed


def test_names_that_clash_are_put_back_as_they_clash(advisor):
    answers = load_answers(str(EXAMPLES / "app-and-database.yaml"))
    same = answers.with_changes(containers=tuple(dataclasses.replace(c, name=answers.name) if c.main else c
                                                 for c in answers.containers))
    assert Designs(advisor).evaluate(same) == advisor.evaluate(same)


def test_a_name_holding_a_token_character_is_evaluated_as_it_is(advisor):
    answers = load_answers(str(EXAMPLES / "web-with-log-shipper.yaml"))
    odd = answers.with_changes(name="web\ue0000\ue001")
    designs = Designs(advisor)
    assert designs.evaluate(odd) == advisor.evaluate(odd)
    assert designs.recommendations == {}


def test_an_answer_the_engine_writes_out_holding_a_token_character_is_evaluated_as_it_is(advisor):
    answers = load_answers(str(EXAMPLES / "web-with-log-shipper.yaml"))
    odd = answers.with_changes(namespace="team\ue0000\ue001")  # the engine writes the namespace into its plan
    designs = Designs(advisor)
    assert designs.evaluate(odd) == advisor.evaluate(odd)
    assert designs.recommendations == {}
