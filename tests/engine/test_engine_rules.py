"""Every rule is a unit: it fires on its own fixture, its reasons cite the
knowledge base, and the code and the knowledge base agree on the rule set."""


import pytest

from advisor.answers.load import load_answers
from advisor.engine import Advisor
from advisor.engine.advisor import check_registry, registry
from advisor.system.errors import KnowledgeBaseError
from advisor.kb.knowledge import knowledge_base
from helpers.paths import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "rules"
RULE_IDS = sorted(registry())


@pytest.fixture(scope="module")
def advisor():
    return Advisor()


def test_every_rule_has_a_fixture_and_every_fixture_a_rule():
    assert sorted(p.stem for p in FIXTURES.glob("*.yaml")) == RULE_IDS


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_on_its_fixture(advisor, rule_id):
    rec = advisor.evaluate(load_answers(str(FIXTURES / f"{rule_id}.yaml")))
    assert rule_id in {reason.rule for reason in rec.reasons}


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_reasons_cite_its_knowledge_base_entries(advisor, rule_id):
    kb = knowledge_base()
    info = kb.rules.get(rule_id) or kb.findings[rule_id]
    rec = advisor.evaluate(load_answers(str(FIXTURES / f"{rule_id}.yaml")))
    reason = next(r for r in rec.reasons if r.rule == rule_id)
    assert reason.see == info.see and all(ref in kb.entries for ref in reason.see)


def test_every_finding_is_raised_by_the_rule_of_the_same_id(advisor):
    kb = knowledge_base()
    for finding_id, info in kb.findings.items():
        if "advise" not in info.sources:
            continue
        rec = advisor.evaluate(load_answers(str(FIXTURES / f"{finding_id}.yaml")))
        assert [f.rule for f in rec.findings if f.id == finding_id][:1] == [finding_id]


def test_an_engine_rule_without_a_knowledge_base_entry_stops_the_engine():
    kb = knowledge_base()
    crippled = type(kb)(kb.entries, kb.quiz, {k: v for k, v in kb.rules.items() if k != "native-sidecar"},
                        kb.findings, kb.questions, kb.aliases)
    with pytest.raises(KnowledgeBaseError, match="native-sidecar"):
        check_registry(crippled)


def test_a_knowledge_base_rule_without_code_stops_the_engine():
    kb = knowledge_base()
    extra = dict(kb.rules)
    extra["invented-rule"] = kb.rules["native-sidecar"].__class__("invented-rule", "roles", "t", "w", ())
    crippled = type(kb)(kb.entries, kb.quiz, extra, kb.findings, kb.questions, kb.aliases)
    with pytest.raises(KnowledgeBaseError, match="invented-rule"):
        check_registry(crippled)


def test_reusing_the_engine_gives_the_same_result_as_a_fresh_one(advisor):
    answers = load_answers(str(FIXTURES / "separate-statefulset.yaml"))
    advisor.evaluate(load_answers(str(FIXTURES / "sidecar-blocks-completion.yaml")))
    assert advisor.evaluate(answers).to_dict() == Advisor().evaluate(answers).to_dict()


def test_every_conclusion_has_a_reason_naming_its_rule(advisor):
    rec = advisor.evaluate(load_answers(str(FIXTURES / "separate-statefulset.yaml")))
    concluded = {r.rule for r in rec.reasons}
    for needed in ("separate-workload", "separate-statefulset", "headless-service-for-statefulset",
                   "deployment-by-default", "restart-always-for-long-running", "single-container-pod"):
        assert needed in concluded


def test_reasons_about_a_container_name_it(advisor):
    rec = advisor.evaluate(load_answers(str(FIXTURES / "native-sidecar.yaml")))
    about = {(r.rule, r.container) for r in rec.reasons}
    assert {("colocate-shared-volume", "shipper"), ("sidecar-for-log-shipping", "shipper"),
            ("native-sidecar", "shipper"), ("main-container", "web")} <= about
