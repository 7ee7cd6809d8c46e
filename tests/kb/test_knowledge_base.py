"""The knowledge base: it covers the chapter, and its schema is enforced at load."""

import pytest

from advisor.kb import knowledge
from advisor.system.errors import KnowledgeBaseError
from advisor.kb.knowledge import knowledge_base, load_knowledge_base

# Every concept, mistake, best practice and knowledge-check question of the Pod
# chapter the product is built on, with the entry that covers it.
CHAPTER = {
    "the Pod, smallest unit Kubernetes runs": "pod.definition",
    "the Pod model: a shared context": "pod.model",
    "shared network: one IP, localhost": "pod.shared-network",
    "shared storage: volumes in several containers": "pod.shared-storage",
    "co-scheduling: same node, start and stop together": "pod.co-scheduling",
    "each Pod gets its own cluster IP": "pod.ip",
    "Pod vs container vs node": "pod.vs-container-vs-node",
    "a minimal Pod manifest": "pod.minimal-manifest",
    "docker run as the rough single-host analog": "pod.docker-run-analogy",
    "single-container Pods": "layout.single-container",
    "multi-container Pods": "layout.multi-container",
    "the co-location test": "layout.colocation-test",
    "sidecar pattern": "patterns.sidecar",
    "adapter pattern": "patterns.adapter",
    "ambassador pattern": "patterns.ambassador",
    "init containers": "patterns.init-container",
    "native sidecars (1.28 alpha, 1.29 default, 1.33 GA)": "patterns.native-sidecar",
    "phases": "lifecycle.phases",
    "phase Pending": "lifecycle.pending",
    "phase Running": "lifecycle.running",
    "phase Succeeded": "lifecycle.succeeded",
    "phase Failed": "lifecycle.failed",
    "phase Unknown (not in the chapter)": "lifecycle.unknown",
    "container states": "lifecycle.container-states",
    "Pod conditions": "lifecycle.conditions",
    "restartPolicy": "restart.policy",
    "restartPolicy Always": "restart.always",
    "restartPolicy OnFailure": "restart.on-failure",
    "restartPolicy Never": "restart.never",
    "restarts happen in place, never rescheduled": "restart.in-place",
    "why bare Pods are for debugging only": "controllers.bare-pod",
    "controllers add the reconcile loop": "controllers.overview",
    "Deployment": "controllers.deployment",
    "StatefulSet": "controllers.statefulset",
    "DaemonSet": "controllers.daemonset",
    "Job": "controllers.job",
    "CronJob": "controllers.cronjob",
    "Service: a stable address in front of Pods": "networking.service",
    "DNS names instead of Pod IPs": "networking.dns",
    "mistake: bare Pods in production": "mistakes.bare-pod-in-production",
    "mistake: unrelated containers in one Pod": "mistakes.unrelated-containers",
    "mistake: assuming a Pod IP is stable": "mistakes.stable-pod-ip",
    "mistake: two network services in one Pod": "mistakes.network-services-in-one-pod",
    "mistake: restartPolicy Always on run-to-completion work": "mistakes.always-on-completion",
    "practice: run Pods through controllers": "practices.use-controllers",
    "practice: single-container unless co-located": "practices.single-container-default",
    "practice: Pods are disposable": "practices.disposable-pods",
    "practice: requests and limits on every container": "practices.resources",
    "practice: Service or DNS name, never a Pod IP": "practices.service-names",
    "containers in different Pods talk over the network": "networking.pod-to-pod",
    "Pods are replaced with new IPs, not repaired": "pod.disposable",
}
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


def _load_with(monkeypatch, package, name, text):
    real = knowledge._yaml_files

    def patched(pkg):
        files = real(pkg)
        return files + [(f"{pkg.replace('.', '/')}/{name}", text)] if pkg == package else files

    monkeypatch.setattr(knowledge, "_yaml_files", patched)
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base()
    return "\n".join(caught.value.problems)


def test_an_unknown_key_in_an_entry_fails_the_load(monkeypatch):
    problems = _load_with(monkeypatch, "knowledge.kb", "pod2.yaml", """
entries:
  - {id: pod2.x, title: X, summary: s, details: d, related: [], sources: [seed, 'https://kubernetes.io/docs/concepts/workloads/pods/'], colour: red}
""")
    assert "knowledge/kb/pod2.yaml: entries[0]: unknown key 'colour'" in problems


def test_a_dangling_related_id_fails_the_load(monkeypatch):
    problems = _load_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: zz.x, title: X, summary: s, details: d, related: [pod.nowhere], sources: ['https://kubernetes.io/docs/concepts/workloads/pods/']}
""")
    assert "entry zz.x related: no entry 'pod.nowhere'" in problems


def test_an_id_outside_its_file_prefix_fails_the_load(monkeypatch):
    problems = _load_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: pod.elsewhere, title: X, summary: s, details: d, related: [], sources: ['https://kubernetes.io/docs/']}
""")
    assert "must start with 'zz'" in problems


def test_an_alias_used_twice_fails_the_load(monkeypatch):
    problems = _load_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: zz.x, title: X, summary: s, details: d, related: [], sources: ['https://kubernetes.io/docs/'], aliases: [sidecar]}
""")
    assert "'sidecar' is also an alias of patterns.sidecar" in problems


def test_every_problem_is_reported_not_only_the_first(monkeypatch):
    problems = _load_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: zz.a, title: X, summary: s, details: d, related: [nope.a], sources: ['https://kubernetes.io/docs/']}
  - {id: zz.b, title: X, summary: s, details: d, related: [], sources: [web]}
""")
    assert "no entry 'nope.a'" in problems and "'web' is neither seed nor an https URL" in problems


def test_a_finding_with_an_unknown_severity_fails_the_load(monkeypatch):
    problems = _load_with(monkeypatch, "knowledge.rules", "zz.yaml", """
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
