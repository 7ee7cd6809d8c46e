"""The blind protocol's bench scripts (bench/blind/): the split, what counts as a manifest, the score.

The protocol's numbers are only as good as these rules; each test states one of them.
"""

import hashlib
import io
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "blind"))
import extract  # noqa: E402  (bench/blind/ is no package)
import score  # noqa: E402
import split  # noqa: E402


def test_split_puts_the_lower_half_of_name_hashes_in_tuning():
    repos = [f"owner/repo-{i}" for i in range(5)]
    halves = split.split(repos)
    ranked = sorted(repos, key=lambda r: hashlib.sha256(r.encode()).hexdigest())
    assert [halves[r] for r in ranked] == ["tuning"] * 3 + ["heldout"] * 2


def test_split_of_a_name_does_not_depend_on_the_order_given():
    repos = ["a/x", "b/y", "c/z", "d/w"]
    assert split.split(repos) == split.split(list(reversed(repos)))


def test_split_with_all_heldout_puts_every_repository_in_the_heldout_half():
    repos = [f"owner/repo-{i}" for i in range(5)]
    assert set(split.split(repos, all_heldout=True).values()) == {"heldout"}


@pytest.mark.parametrize("path, text, reason", [
    ("deploy/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", "manifest"),
    ("deploy/list.json", '{"apiVersion": "v1", "kind": "List", "items": []}', "manifest"),
    ("chart/templates/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: {{ .Values.name }}}\n",
     "template ({{)"),
    ("values.yaml", "replicas: 2\n", "no apiVersion and kind"),
    ("broken.yaml", "apiVersion: v1\nkind: [Pod\n", "does not parse"),
    ("vendor/k8s.io/pod.yaml", "apiVersion: v1\nkind: Pod\n", "foreign (vendor, third_party, node_modules)"),
    ("app/kustomization.yaml", "resources: [deployment.yaml]\npatches: [{path: patch.yaml}]\n", "kustomization"),
    ("app/other.yaml", "resources: [deployment.yaml]\n", "no apiVersion and kind"),
    ("big/pod.yaml", None, "absent from the snapshot"),
])
def test_extract_keeps_only_parsed_manifests_of_the_repository_itself(path, text, reason):
    assert extract.classify(path, text.encode() if text is not None else None)[0] == reason


def sheet(findings=(), sample=(), suggestions=()):
    return {
        "half": "tuning",
        "context": {"reviewer": "test", "design_ids": ["bare-pod", "pod-ip-literal"], "objects": 10,
                    "objects_without_design_finding": 8, "sample": {"size": len(sample), "seed": 1},
                    "repositories": {"o+r": {"files": 3}}},
        "findings": list(findings), "recall_sample": list(sample), "suggestions": list(suggestions),
    }


def finding(fid, verdict, reason="why"):
    return {"file": "o+r/a.yaml", "line": 1, "object": "Pod p", "container": None, "id": fid, "message": "m",
            "verdict": verdict, "reason": reason}


def test_score_refuses_a_verdict_without_a_reason():
    assert score.check(sheet([finding("bare-pod", "right", reason=None)])) == [
        "findings[0] o+r/a.yaml:1 Pod p: a verdict needs a reason"]


def test_score_refuses_a_miss_that_names_no_design_id():
    sampled = {"file": "o+r/b.yaml", "line": 1, "object": "Pod q", "generic_findings": [], "verdict": "wrong",
               "missed": ["resources-unset"], "reason": "why"}
    assert "not design ids" in score.check(sheet(sample=[sampled]))[0]


def test_score_gives_the_wrong_and_right_shares_of_the_design_findings_raised():
    out = io.StringIO()
    labelled = [finding("bare-pod", "right")] * 3 + [finding("pod-ip-literal", "wrong")]
    score.findings_table(sheet(labelled), out)
    assert "right 75.0% (target >= 80%: missed), wrong 25.0% (target <= 3%: missed)" in out.getvalue()


def test_score_scales_the_misses_of_the_sample_to_every_object_without_a_design_finding():
    out = io.StringIO()
    sampled = [{"file": "o+r/b.yaml", "line": i, "object": f"Pod q{i}", "generic_findings": [],
                "verdict": "right", "missed": [], "reason": "why"} for i in range(3)]
    sampled.append({**sampled[0], "verdict": "wrong", "missed": ["bare-pod"]})
    score.recall(sheet(sample=sampled), right_findings=6, out=out)
    # one miss in four sampled, over 8 objects: 2 missed findings; recall 6 / (6 + 2)
    assert "2 missed findings; recall ~ 6 / (6 + 2) = 75.0%" in out.getvalue()
