"""Every statement of the knowledge base can be traced to a page, and says from which version it holds."""

import re

import pytest

from advisor.kb.knowledge import knowledge_base
from advisor.kb.sources import SEED, source_problem

from helpers.chapter import CHAPTER
from helpers.knowledge import problems_with

PAGE = "https://kubernetes.io/docs/concepts/workloads/pods/"


def _records():
    kb = knowledge_base()
    yield from ((f"entry {e.id}", e.sources) for e in kb.entries.values())
    yield from ((f"rule {r.id}", r.pages) for r in kb.rules.values())
    yield from ((f"finding {f.id}", f.pages) for f in kb.findings.values())
    yield from ((f"feature {f.id}", f.sources) for f in kb.features.values())


# -- the load refuses what cannot be checked -------------------------------------------

def test_an_entry_that_cites_only_the_seed_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: zz.x, title: X, summary: s, details: d, related: [], sources: [seed]}
""")
    assert "entries[0].sources: needs at least one URL" in problems


def test_an_entry_without_sources_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.kb", "zz.yaml", """
entries:
  - {id: zz.x, title: X, summary: s, details: d, related: []}
""")
    assert "knowledge/kb/zz.yaml: entries[0]: missing key 'sources'" in problems


@pytest.mark.parametrize("url", [
    "https://medium.com/some-post/pods",
    "http://kubernetes.io/docs/concepts/workloads/pods/",  # not https
    "https://github.com/someone/kubernetes-notes",  # github, but not the kubernetes organisation
    "https://kubernetes.io.example.com/docs/",
])
def test_a_source_outside_the_allowed_places_fails_the_load(monkeypatch, url):
    problems = problems_with(monkeypatch, "knowledge.kb", "zz.yaml", f"""
entries:
  - {{id: zz.x, title: X, summary: s, details: d, related: [], sources: ['{url}']}}
""")
    assert f"entries[0].sources: {url!r}" in problems


def test_a_rule_without_pages_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.rules", "zz.yaml", """
rules:
  - {id: zz-rule, concern: grouping, title: t, when: w, see: []}
""")
    assert "knowledge/rules/zz.yaml: rules[0]: missing key 'pages'" in problems


def test_a_feature_whose_stages_go_back_in_time_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge", "features.yaml", f"""
features:
  - id: zz-feature
    title: t
    gate: ZzFeature
    stages:
      - {{stage: beta, since: 30, on_by_default: true}}
      - {{stage: alpha, since: 28, on_by_default: false}}
    without: w
    sources: ['{PAGE}']
""")
    assert "stages must come oldest first" in problems


def test_an_entry_relying_on_an_unknown_feature_fails_the_load(monkeypatch):
    problems = problems_with(monkeypatch, "knowledge.kb", "zz.yaml", f"""
entries:
  - {{id: zz.x, title: X, summary: s, details: d, related: [], sources: ['{PAGE}'], features: [warp-drive]}}
""")
    assert "entry zz.x features: no feature 'warp-drive'" in problems


# -- the shipped catalogue ---------------------------------------------------------------

def test_every_entry_rule_finding_and_feature_cites_a_page_in_an_allowed_place():
    for where, sources in _records():
        assert any(source != SEED for source in sources), where
        assert [source for source in sources if source_problem(source)] == [], where


def test_kubernetes_io_pages_are_cited_in_one_form():
    """https://kubernetes.io/docs/PATH/ with its trailing slash, then the section's anchor."""
    for where, sources in _records():
        for url in sources:
            if url.startswith("https://kubernetes.io/"):
                assert re.fullmatch(r"https://kubernetes\.io/(docs|blog)/[a-z0-9./_-]+/(#[A-Za-z0-9_-]+)?", url), \
                    (where, url)


def test_only_entries_about_what_the_chapter_says_cite_the_seed():
    citing = {entry.id for entry in knowledge_base().entries.values() if SEED in entry.sources}
    assert citing and citing <= set(CHAPTER.values())


def test_rules_and_findings_cite_pages_not_the_seed():
    kb = knowledge_base()
    assert [info.id for info in [*kb.rules.values(), *kb.findings.values()] if SEED in info.pages] == []


def test_an_entry_that_names_a_kubernetes_version_relies_on_a_feature_that_dates_it():
    """A version in the text (1.29, not an image tag such as nginx:1.27) is a fact that depends on
    it: the entry lists the feature, so that explain --kubernetes can say what holds there. Facts
    true on every supported version (from 1.25) need none."""
    kb = knowledge_base()
    oldest = int(kb.questions.supported_versions[0].split(".")[1])
    undated = []
    for entry in kb.entries.values():
        minors = {int(m) for m in re.findall(r"(?<![\w:.])1\.(\d\d)(?![\d.])", f"{entry.summary} {entry.details}")}
        if any(minor > oldest for minor in minors) and not entry.features:
            undated.append((entry.id, sorted(minors)))
    assert undated == []


def test_every_feature_is_relied_on_by_an_entry():
    kb = knowledge_base()
    used = {fid for entry in kb.entries.values() for fid in entry.features}
    assert set(kb.features) == used


# -- versions ----------------------------------------------------------------------------

def test_the_validator_and_the_engine_use_the_versions_the_knowledge_base_records():
    from advisor.engine import placement
    from advisor.manifests import validate

    features = knowledge_base().features
    assert validate.NATIVE_SIDECARS_FROM == placement.NATIVE_SIDECARS_FROM == features["sidecar-containers"].on_from
    assert validate.CONTAINER_RESTART_RULES_FROM == features["container-restart-rules"].on_from
    assert validate.RELAXED_SERVICE_NAMES_FROM == features["relaxed-service-names"].on_from


@pytest.mark.parametrize("minor,said", [
    (27, "not in Kubernetes 1.27"),
    (28, "alpha and off by default in 1.28 (feature gate SidecarContainers); on by default from 1.29"),
    (29, "beta, on by default in 1.29"),
    (33, "stable (GA) in 1.33"),
])
def test_a_feature_says_what_it_is_on_each_version(minor, said):
    assert said in knowledge_base().features["sidecar-containers"].state_text(minor)


def test_a_feature_off_on_a_version_says_what_holds_there_instead():
    feature = knowledge_base().features["container-restart-rules"]
    assert feature.without in feature.state_text(34) and feature.without not in feature.state_text(35)


def test_a_beta_feature_off_by_default_is_not_taken_for_on():
    feature = knowledge_base().features["user-namespaces"]
    assert (feature.on_at(32), feature.on_at(33), feature.on_from) == (False, True, 33)


# -- where the sources are shown -----------------------------------------------------------

def test_sarif_help_of_each_review_finding_links_its_pages():
    from advisor.render.review import sarif_rules

    kb = knowledge_base()
    assert sorted(rule["id"] for rule in sarif_rules(kb)) == sorted(
        finding.id for finding in kb.findings.values() if "review" in finding.sources)
    for rule in sarif_rules(kb):
        pages = kb.findings[rule["id"]].pages
        assert rule["helpUri"] == pages[0]
        assert all(f"<{page}>" in rule["help"]["markdown"] and page in rule["help"]["text"] for page in pages)
