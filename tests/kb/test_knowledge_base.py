"""The knowledge base: it covers the chapter, and its schema is enforced at load."""

import pytest

from advisor.kb.knowledge import knowledge_base

from helpers.chapter import CHAPTER
from helpers.knowledge import problems_with

CHAPTER_QUIZ = ["quiz.pod-sharing", "quiz.bare-pod", "quiz.colocation"]


@pytest.mark.parametrize("concept,entry_id", sorted(CHAPTER.items()))
def test_every_chapter_concept_has_an_entry(concept, entry_id):
    entry = knowledge_base().entries[entry_id]
    assert entry.summary and entry.details


def test_the_chapter_knowledge_check_questions_are_in_the_quiz():
    quiz = {q.id: q for q in knowledge_base().quiz}
    assert all(quiz[qid].from_seed for qid in CHAPTER_QUIZ)


def test_every_question_has_a_prompt_and_help():
    for question in knowledge_base().questions.all():
        assert question.prompt.strip() and len(question.help) > 20, question.id


def test_the_kubernetes_default_is_the_newest_supported_version():
    questions = knowledge_base().questions
    assert questions.by_id("kubernetes").default == questions.supported_versions[-1] == "1.37"


def test_an_unknown_key_in_an_entry_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.kb", "pod2.yaml", """
entries:
  - {id: pod2.x, title: X, summary: s, details: d, related: [], sources: [seed, 'https://kubernetes.io/docs/concepts/workloads/pods/'], colour: red}
""")
    assert "knowledge/kb/pod2.yaml: entries[0]: unknown key 'colour'" in problems


def test_a_dangling_related_id_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: zz.x, title: X, summary: s, details: d, related: [pod.nowhere], sources: ['https://kubernetes.io/docs/concepts/workloads/pods/']}
""")
    assert "entry zz.x related: no entry 'pod.nowhere'" in problems


def test_an_id_outside_its_file_prefix_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: pod.elsewhere, title: X, summary: s, details: d, related: [], sources: ['https://kubernetes.io/docs/']}
""")
    assert "must start with 'zz'" in problems


def test_an_alias_used_twice_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: zz.x, title: X, summary: s, details: d, related: [], sources: ['https://kubernetes.io/docs/'], aliases: [sidecar]}
""")
    assert "'sidecar' is also an alias of patterns.sidecar" in problems


def test_every_problem_is_reported_not_only_the_first(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: zz.a, title: X, summary: s, details: d, related: [nope.a], sources: ['https://kubernetes.io/docs/']}
  - {id: zz.b, title: X, summary: s, details: d, related: [], sources: [web]}
""")
    assert "no entry 'nope.a'" in problems and "'web' is neither seed nor an https URL" in problems


def test_a_finding_with_an_unknown_severity_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.rules", "zz.yaml", """
findings:
  - {id: zz-finding, severity: fatal, title: t, when: w, fix: f, see: [], pages: ['https://kubernetes.io/docs/']}
""")
    assert "severity: must be one of info, warning, error" in problems


def test_importing_experta_adds_no_log_handler():
    import subprocess
    import sys

    code = "import logging; import advisor.engine.experta_compat; print(len(logging.getLogger().handlers))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"
