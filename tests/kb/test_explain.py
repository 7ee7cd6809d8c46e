"""pod-advisor explain: a topic as people say it finds its entry, rule or finding."""

import json

import pytest

from advisor.kb.knowledge import knowledge_base
from advisor.kb.lookup import AMBIGUOUS, FOUND, UNKNOWN, lookup


def found(topic: str):
    result = lookup(knowledge_base(), topic)
    assert result.status == FOUND, (topic, result)
    return result.topic


# -- lookup ------------------------------------------------------------------------

def test_lookup_finds_an_entry_by_its_exact_id():
    assert found("patterns.sidecar").id == "patterns.sidecar"


def test_lookup_finds_an_entry_by_its_id_in_any_case():
    assert found("Patterns.Sidecar").id == "patterns.sidecar"


def test_lookup_finds_a_finding_by_its_exact_id():
    topic = found("bare-pod")
    assert (topic.kind, topic.id) == ("finding", "bare-pod")


def test_lookup_finds_a_decision_rule_by_its_exact_id():
    topic = found("daemonset-for-node-agent")
    assert (topic.kind, topic.id) == ("rule", "daemonset-for-node-agent")


@pytest.mark.parametrize("topic,entry_id", [
    ("bare pod", "controllers.bare-pod"),
    ("restartPolicy", "restart.policy"),
    ("restartpolicy", "restart.policy"),
    ("phases", "lifecycle.phases"),
    ("daemonset", "controllers.daemonset"),
    ("CrashLoopBackOff", "lifecycle.container-states"),
])
def test_lookup_finds_an_entry_by_an_alias_in_any_case(topic, entry_id):
    assert found(topic).id == entry_id


def test_lookup_finds_an_entry_by_its_title():
    assert found("Native sidecar containers").id == "patterns.native-sidecar"


def test_lookup_finds_an_entry_by_its_id_without_the_area():
    assert found("sidecar-in-jobs").id == "patterns.sidecar-in-jobs"


@pytest.mark.parametrize("topic,entry_id", [
    ("probe", "practices.readiness-probes"),  # the alias is "probes"
    ("Init Container", "patterns.init-container"),
    ("daemon sets", "controllers.daemonset"),  # spaced and plural
])
def test_lookup_tolerates_plurals_and_spacing(topic, entry_id):
    assert found(topic).id == entry_id


@pytest.mark.parametrize("topic,entry_id", [
    ("sidcar", "patterns.sidecar"),
    ("statefull set", "controllers.statefulset"),
    ("deamonset", "controllers.daemonset"),
])
def test_lookup_finds_a_misspelt_topic(topic, entry_id):
    result = lookup(knowledge_base(), topic)
    assert (result.status, result.by, result.topic.id) == (FOUND, "spelling", entry_id)


def test_lookup_finds_an_entry_by_a_word_of_its_name():
    assert found("readiness").id == "practices.readiness-probes"


def test_a_name_shared_by_an_entry_and_a_finding_means_the_entry():
    assert found("unrelated containers").id == "mistakes.unrelated-containers"


def test_lookup_of_a_word_in_several_names_is_ambiguous_and_lists_them():
    result = lookup(knowledge_base(), "restart")
    assert result.status == AMBIGUOUS
    assert {"restart.policy", "restart.always", "restart.never"} <= {t.id for t in result.topics}


def test_lookup_of_an_unknown_topic_lists_the_entries_that_mention_it():
    result = lookup(knowledge_base(), "kubelet")
    assert result.status == UNKNOWN and result.by == "text"
    assert "restart.in-place" in {t.id for t in result.topics}


def test_lookup_of_gibberish_is_unknown_with_no_candidates():
    result = lookup(knowledge_base(), "xyzzy")
    assert (result.status, result.topics) == (UNKNOWN, ())


# -- the command -------------------------------------------------------------------

def test_explain_prints_title_summary_details_example_and_related_titles(cli):
    run = cli("explain", "sidecar")
    entry = knowledge_base().entry("patterns.sidecar")
    assert run.status == 0
    assert run.stdout.startswith("Sidecar pattern  patterns.sidecar")
    assert "A sidecar is a helper container" in run.stdout
    assert "log-shipper" in run.stdout  # the example
    assert "patterns.native-sidecar  Native sidecar containers" in run.stdout
    assert len(entry.related) == sum(ref in run.stdout for ref in entry.related)


def test_explain_lists_the_rules_and_findings_that_cite_an_entry(cli):
    run = cli("explain", "bare pod")
    assert "bare-pod-for-experiment" in run.stdout and "findings bare-pod" in run.stdout


def test_explain_joins_several_words_into_one_topic(cli):
    assert cli("explain", "bare", "pod").stdout == cli("explain", "bare pod").stdout


def test_explain_of_a_finding_id_shows_the_finding_and_its_entries(cli):
    run = cli("explain", "bare-pod")
    assert run.status == 0
    assert "warning bare-pod" in run.stdout and "fix" in run.stdout
    assert "Bare Pods  controllers.bare-pod" in run.stdout
    assert "Mistake: bare Pods in production  mistakes.bare-pod-in-production" in run.stdout


def test_explain_of_a_misspelt_topic_says_what_it_shows_instead(cli):
    run = cli("explain", "sidcar")
    assert run.status == 0 and run.stdout.startswith("Sidecar pattern")
    assert "showing patterns.sidecar" in run.stderr


def test_explain_of_an_ambiguous_topic_lists_the_candidates_and_exits_2(cli):
    run = cli("explain", "restart")
    assert run.status == 2 and run.stdout == ""
    assert "could mean several topics" in run.stderr
    assert "restart.never         restartPolicy Never" in run.stderr


def test_explain_of_an_unknown_topic_lists_the_closest_and_exits_2(cli):
    run = cli("explain", "kubelet")
    assert run.status == 2 and run.stdout == ""
    assert "no entry, rule or finding is called 'kubelet'" in run.stderr
    assert "restart.in-place" in run.stderr


def test_explain_of_gibberish_points_to_the_list(cli):
    run = cli("explain", "xyzzy")
    assert run.status == 2 and "pod-advisor explain --list" in run.stderr


def test_explain_json_is_the_entry_with_related_titles(cli):
    record = json.loads(cli("explain", "restartPolicy", "--format", "json").stdout)
    assert (record["type"], record["id"], record["title"]) == ("entry", "restart.policy", "restartPolicy")
    assert {"id": "restart.always", "title": "restartPolicy Always"} in record["related"]


def test_explain_json_of_a_finding_carries_its_entries_summaries(cli):
    record = json.loads(cli("explain", "bare-pod", "--format", "json").stdout)
    assert (record["type"], record["severity"]) == ("finding", "warning")
    assert record["see"][0]["id"] == "controllers.bare-pod" and record["see"][0]["summary"]


def test_explain_markdown_has_a_heading_and_a_yaml_example(cli):
    run = cli("explain", "sidecar", "--format", "markdown")
    assert run.stdout.startswith("## Sidecar pattern\n") and "```yaml\n" in run.stdout


def test_explain_list_groups_every_entry_by_area(cli):
    run = cli("explain", "--list")
    kb = knowledge_base()
    assert run.status == 0
    areas = {entry_id.split(".")[0] for entry_id in kb.entries}
    assert all(f"\n{area}\n" in run.stdout for area in areas)
    assert all(entry_id in run.stdout for entry_id in kb.entries)


def test_explain_list_json_holds_every_entry_once(cli):
    record = json.loads(cli("explain", "--list", "--format", "json").stdout)
    listed = [e["id"] for entries in record["areas"].values() for e in entries]
    assert sorted(listed) == sorted(knowledge_base().entries)


def test_explain_without_a_topic_lists_the_entries_and_exits_2(cli):
    run = cli("explain")
    assert run.status == 2 and "patterns.sidecar" in run.stdout and "give a TOPIC" in run.stderr


# -- the seed's own words ------------------------------------------------------------------

@pytest.mark.parametrize("words,entry_id", [
    ("co-location", "layout.colocation-test"),  # the chapter's name for the test, not co-scheduling
    ("co-located", "layout.colocation-test"),
    ("co-scheduled", "pod.co-scheduling"),
    ("sidecar", "patterns.sidecar"),
    ("adapter", "patterns.adapter"),
    ("ambassador", "patterns.ambassador"),
    ("bare Pod", "controllers.bare-pod"),
    ("phase", "lifecycle.phases"),
    ("reconcile loop", "controllers.overview"),
    ("self-healing", "controllers.overview"),
    ("shared context", "pod.model"),
    ("unit of scheduling", "pod.model"),
    ("localhost", "pod.shared-network"),
    ("docker run", "pod.docker-run-analogy"),
    ("node", "pod.vs-container-vs-node"),
    ("DNS name", "networking.dns"),
])
def test_explain_finds_the_entry_a_reader_of_the_chapter_means(words, entry_id):
    assert found(words).id == entry_id


# -- sources and versions --------------------------------------------------------------------

def test_explain_lists_the_pages_an_entry_rests_on(cli):
    run = cli("explain", "restartPolicy")
    sources = run.stdout.split("\nSources\n")[1]
    assert "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy" in sources


def test_explain_names_the_chapter_when_an_entry_rests_on_it(cli):
    assert "seed: the Pods chapter (Topic 05)" in cli("explain", "co-location test").stdout


def test_explain_of_a_rule_lists_its_pages(cli):
    run = cli("explain", "single-replica")
    assert "source  https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge" in run.stdout


def test_explain_without_a_version_gives_a_feature_its_whole_history(cli):
    text = " ".join(cli("explain", "native sidecar").stdout.split())
    assert "alpha from 1.28 (off by default), beta from 1.29 (on by default), stable (GA) from 1.33" in text


@pytest.mark.parametrize("version,said", [
    ("1.27", "not in Kubernetes 1.27"),
    ("1.28", "alpha and off by default in 1.28"),
    ("1.30", "beta, on by default in 1.30"),
])
def test_explain_for_a_version_says_what_the_entry_s_features_do_there(cli, version, said):
    run = cli("explain", "native sidecar", "--kubernetes", version)
    text = " ".join(run.stdout.split())
    assert run.status == 0 and f"On Kubernetes {version}" in run.stdout and said in text


def test_explain_for_a_version_before_a_feature_says_what_holds_instead(cli):
    text = " ".join(cli("explain", "container restart rules", "--kubernetes", "1.33").stdout.split())
    assert "only the Pod's restartPolicy governs app containers" in text


def test_explain_of_a_rule_for_a_version_states_the_features_of_its_entries(cli):
    text = " ".join(cli("explain", "classic-sidecar", "--kubernetes", "1.27").stdout.split())
    assert "not in Kubernetes 1.27 (feature gate SidecarContainers)" in text


def test_explain_refuses_a_version_it_does_not_know(cli):
    run = cli("explain", "sidecar", "--kubernetes", "1.12")
    assert run.status == 2 and "--kubernetes" in run.stderr and run.stdout == ""


def test_explain_json_carries_the_sources_and_the_state_on_the_version(cli):
    record = json.loads(cli("explain", "native sidecar", "--kubernetes", "1.28", "--format", "json").stdout)
    assert record["kubernetes"] == "1.28" and record["source"] == "kubernetes"
    assert "https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#sidecar-containers-and-pod-lifecycle" \
        in record["sources"]
    state = record["versions"][0]["at"]
    assert (state["stage"], state["on_by_default"]) == ("alpha", False)


def test_explain_markdown_links_the_sources(cli):
    run = cli("explain", "restartPolicy", "--format", "markdown")
    assert "**Sources:** seed (the Pods chapter" in run.stdout
    assert "<https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy>" in run.stdout
