"""pod-advisor rules and docs/rules.md: generated from the engine and the knowledge base."""

import json

import pytest

from advisor.engine.advisor import registry
from advisor.system.errors import KnowledgeBaseError
from advisor.render.knowledge import REGENERATE, catalogue, rules_markdown
from advisor.kb.knowledge import cited_ids, knowledge_base
from helpers.paths import ROOT


@pytest.fixture(scope="module")
def listed():
    from helpers.cli import run_cli

    run = run_cli("rules", "--format", "json")
    assert run.status == 0, run.stderr
    return {record["id"]: record for record in json.loads(run.stdout)["rules"]}


def test_rules_lists_every_rule_of_the_engine_and_invents_none(listed):
    used_by_engine = {rid for rid, record in listed.items() if "advise" in record["used_by"]}
    assert used_by_engine == set(registry())


def test_rules_lists_the_findings_only_review_raises(listed):
    review_only = {rid for rid, record in listed.items() if record["used_by"] == ["review"]}
    kb = knowledge_base()
    assert review_only == {f.id for f in kb.findings.values() if f.sources == ("review",)}


def test_each_rule_has_the_concern_the_engine_gives_it_and_its_knowledge_base_entry_states(listed):
    # `rules` copies the engine's concern, so comparing it with the engine alone could not fail: the entry
    # in knowledge/rules states the concern too, on its own
    kb = knowledge_base()
    assert {rid: listed[rid]["concern"] for rid in registry()} == {rid: r.concern for rid, r in registry().items()}
    assert {rid: listed[rid]["concern"] for rid in kb.rules if rid in registry()} == {
        rid: info.concern for rid, info in kb.rules.items() if rid in registry()}


def test_decisions_and_findings_are_told_apart_by_the_knowledge_base(listed):
    kb = knowledge_base()
    assert {rid for rid, r in listed.items() if r["kind"] == "decision"} == set(kb.rules)
    assert {rid for rid, r in listed.items() if r["kind"] == "finding"} == set(kb.findings)


def test_every_finding_has_a_severity_a_trigger_and_a_fix(listed):
    for record in listed.values():
        if record["kind"] == "finding":
            assert record["severity"] in ("info", "warning", "error") and record["when"] and record["fix"]


def test_every_rule_cites_entries_by_id_and_title(listed):
    entries = knowledge_base().entries
    for record in listed.values():
        assert record["see"], record["id"]
        assert all(entries[ref["id"]].title == ref["title"] for ref in record["see"])


def test_a_finding_names_the_decision_that_raises_it(listed):
    assert listed["bare-pod"]["follows"] == ["bare-pod-for-experiment"]
    assert listed["bare-pod-for-experiment"]["raises"] == ["bare-pod"]


def test_rules_text_names_every_id_with_its_title(cli, listed):
    run = cli("rules")
    assert run.status == 0
    assert all(rid in run.stdout and record["title"] in run.stdout for rid, record in listed.items())


def test_the_catalogue_refuses_an_engine_rule_the_knowledge_base_does_not_describe():
    class Undocumented:
        concern = "grouping"

    with pytest.raises(KnowledgeBaseError, match="'colocate-by-magic' has no entry"):
        catalogue(knowledge_base(), {**registry(), "colocate-by-magic": Undocumented()})


def test_the_catalogue_refuses_a_description_with_no_rule_in_the_engine():
    engine = {rid: rule for rid, rule in registry().items() if rid != "native-sidecar"}
    with pytest.raises(KnowledgeBaseError, match="'native-sidecar' has no rule in the engine"):
        catalogue(knowledge_base(), engine)


def test_docs_rules_md_is_current():
    expected = rules_markdown(catalogue(knowledge_base(), registry()))
    path = ROOT / "docs" / "rules.md"
    actual = path.read_text(encoding="utf-8") if path.exists() else ""
    if actual != expected:
        pytest.fail(f"docs/rules.md is out of date with the engine and knowledge/rules; regenerate it with:\n"
                    f"    {REGENERATE}", pytrace=False)


def test_rules_markdown_is_what_docs_rules_md_is_generated_from(cli):
    assert cli("rules", "--format", "markdown").stdout == rules_markdown(catalogue(knowledge_base(), registry()))


# -- every cited knowledge-base id exists ---------------------------------------------

def test_every_knowledge_base_id_cited_anywhere_exists():
    kb = knowledge_base()
    dangling = [(where, ref) for where, ref in cited_ids(kb) if ref not in kb.entries]
    assert dangling == []


def test_the_citations_walked_include_rules_findings_question_help_and_quiz_answers():
    kinds = {where.split()[0] for where, _ in cited_ids(knowledge_base())}
    assert {"rule", "finding", "question", "quiz"} <= kinds


def test_every_finding_a_rule_raises_exists():
    kb = knowledge_base()
    assert [(r.id, f) for r in kb.rules.values() for f in r.raises if f not in kb.findings] == []


def test_every_rule_and_finding_lists_the_pages_it_rests_on(listed):
    kb = knowledge_base()
    for rid, record in listed.items():
        info = kb.rules.get(rid) or kb.findings[rid]
        assert record["pages"] == list(info.pages) and record["pages"], rid


def test_docs_rules_md_links_each_rule_s_sources():
    text = rules_markdown(catalogue(knowledge_base(), registry()))
    section = text.split("### `single-replica`")[1].split("### ")[0]
    assert "- **Sources:** <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge>" in section
