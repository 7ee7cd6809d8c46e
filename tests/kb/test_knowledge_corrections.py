"""The claims issue 22 found wrong or misleading stay corrected, where code makes them: conclusions,
finding messages, manifest comments, question help, and the entries that say them."""

import pytest

from advisor.kb.knowledge import knowledge_base
from advisor.manifests import build_manifest
from helpers.engine import advise, container, main_only, with_helper
from helpers.review import SHARED, job, review


def _flat(text: str) -> str:
    return " ".join(text.split())


def conclusion(recommendation, rule: str) -> str:
    return next(reason.conclusion for reason in recommendation.reasons if reason.rule == rule)


def message(recommendation, finding: str) -> str:
    return next(f.message for f in recommendation.findings if f.id == finding)


# -- conclusions -----------------------------------------------------------------------------

def test_a_job_is_said_to_retry_up_to_its_backoff_limit_not_until_it_succeeds():
    text = conclusion(main_only(runs_to_completion=True), "job-for-completion")
    assert "up to its backoffLimit" in text and "until it succeeds" not in text


def test_a_shared_volume_ties_containers_through_an_emptydir_not_through_every_volume():
    text = conclusion(with_helper(purpose="ship-logs", shares_volume=True), "colocate-shared-volume")
    assert "emptyDir" in text and "a volume is shared only by" not in text


def test_a_shared_node_conclusion_allows_for_pod_affinity():
    text = conclusion(with_helper(purpose="other", same_node=True), "colocate-same-node")
    assert "for their whole life" in text and "Pod affinity" in text


def test_no_service_for_a_job_names_the_indexed_job_exception():
    text = conclusion(main_only(runs_to_completion=True, addressed_by_others=True), "no-service-for-batch")
    assert "Indexed Job" in text and "nothing can rely on reaching them" not in text


# -- finding messages ------------------------------------------------------------------------

def test_a_single_replica_deployment_is_not_said_to_be_down_during_a_rollout():
    text = message(main_only(replicas=1), "single-replica")
    assert "node fails or is drained" in text and "new Pod is ready before the old one stops" in text


def test_a_single_replica_statefulset_is_said_to_be_down_during_an_update():
    text = message(main_only(replicas=1, stable_identity=True), "single-replica")
    assert "stops its Pod before the new one starts" in text


def test_a_container_without_resources_is_said_to_count_as_needing_none():
    rec = advise({"name": "web", "image": "nginx:1.27"})
    text = message(rec, "resources-unset")
    assert "counts it as needing none" in text and "cannot place" not in text


def _native_sidecar_job() -> str:
    init = "      initContainers:\n" + (
        "        - name: log-shipper\n          image: fluent/fluent-bit:3.1\n"
        "          resources: {requests: {cpu: 100m, memory: 128Mi}}\n" + SHARED
        + "          restartPolicy: Always\n")
    return job("        - name: importer\n          image: ghcr.io/x/importer:5.0.2\n"
               "          resources: {requests: {cpu: 100m, memory: 128Mi}}\n" + SHARED, init=init)


def test_a_native_sidecar_before_1_28_is_said_to_be_refused_by_strict_field_validation():
    finding = next(f for f in review(_native_sidecar_job(), kubernetes="1.27").findings
                   if f.id == "native-sidecar-unsupported")
    assert "strict field validation refuses the manifest" in finding.message


def test_a_native_sidecar_on_1_28_is_said_to_be_dropped():
    finding = next(f for f in review(_native_sidecar_job(), kubernetes="1.28").findings
                   if f.id == "native-sidecar-unsupported")
    assert "the field is dropped" in finding.message and "strict" not in finding.message


# -- manifest comments -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cronjob_manifest() -> str:
    """The manifest's comments, joined into one line."""
    rec = advise(container("report"), schedule="0 3 * * *", runs_to_completion=True)
    return _flat(" ".join(line.strip()[1:] for line in build_manifest(rec).splitlines()
                          if line.strip().startswith("#")))


def test_the_forbid_comment_says_a_held_back_run_may_still_start_within_the_deadline(cronjob_manifest):
    assert "counts as missed, and may still start when the last one ends, within startingDeadlineSeconds" \
        in cronjob_manifest


def test_the_history_limit_comment_says_no_ttl_defeats_the_limits(cronjob_manifest):
    """A TTL in the job template deleted each Job a day after it finished, whatever the limits kept (issue 21)."""
    assert "a TTL would delete each Job after that time whatever the limits say" in cronjob_manifest


def test_the_backoff_limit_comment_says_the_work_must_be_safe_to_repeat(cronjob_manifest):
    assert "must be safe to repeat" in cronjob_manifest


# -- question help -----------------------------------------------------------------------------

@pytest.mark.parametrize("question,says,not_says", [
    ("same_node", "Pod affinity puts separate Pods together only when they are scheduled",
     "are guaranteed to share a node"),
    ("shares_volume", "The emptyDir volume such files are shared through belongs to one Pod",
     "Sharing a volume needs both containers in one Pod"),
    ("container_cpu", "counts as needing none", "without them it cannot"),
])
def test_question_help_states_the_corrected_claim(question, says, not_says):
    help_text = _flat(knowledge_base().questions.by_id(question).help)
    assert says in help_text and not_says not in help_text


# -- the entries -------------------------------------------------------------------------------

@pytest.mark.parametrize("entry_id,says,not_says", [
    ("restart.policy", "From 1.35 (beta, on by default; alpha in 1.34) any app or regular init container may also "
                       "set its own restartPolicy", "You set it once per Pod, not per container"),
    ("lifecycle.phases", "a Pod the kubelet evicts for lack of memory or disk is Failed",
     "they only happen for Pods whose restartPolicy"),
    ("lifecycle.succeeded", "it can still end as Succeeded when it is deleted", "can only get here if"),
    ("practices.replicas", "one replica gets its new Pod ready before the old one stops", "every rollout"),
    ("pod.disposable", "a StatefulSet's replacement keeps its name", "fresh one with a new name and IP"),
    ("practices.resources", "it is not what the kubelet ranks by", "which decides eviction order"),
    ("pod.co-scheduling", "effective request", "summed resource requests"),
    ("patterns.native-sidecar", "kubectl's strict field validation refuses it", "the field is dropped and the helper"),
    ("practices.security-context", "it is the Pods it then creates that are refused", None),
    ("availability.pod-disruption-budgets", "deleting Pods and rolling updates do not ask", None),
    ("lifecycle.unknown", "has not set it since 2015", "almost always because it has lost contact"),
    ("lifecycle.termination", "covers the hook and the stop together", None),
    ("patterns.init-container", "cannot have lifecycle hooks or liveness, readiness or startup probes", None),
    ("restart.in-place", "a node's kubelet configuration may set a lower one", None),
    ("pod.labels", "a Deployment manages ReplicaSets rather than counting Pods itself", None),
    ("controllers.job", "must be safe to repeat", None),
])
def test_an_entry_states_the_corrected_claim(entry_id, says, not_says):
    entry = knowledge_base().entry(entry_id)
    text = _flat(f"{entry.summary} {entry.details}")
    assert says in text
    assert not_says is None or not_says not in text


def test_max_failed_indexes_ends_the_job_when_more_indexes_than_it_have_failed():
    # found by the blind check of 60 texts (bench/kb-blind-check.md): "once that many" was one too few
    details = knowledge_base().entry("jobs.backoff-limit-per-index").details
    assert "once more\n      than that many" not in details  # the YAML's folding is not the text
    assert "more than that many indexes have failed" in " ".join(details.split())
