"""bench/scanners.py's tables: what they count, so that the README's numbers mean what they say."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import scanners  # noqa: E402  (bench/ is no package)


def form(objects=1, score=(), checkov=()):
    return {"objects": objects, "kube-score": list(score), "checkov": list(checkov)}


RESULTS = {"examples": {
    "web": {"plain": form(2, [("critical", "pod-networkpolicy", "Deployment/web"), ("warning", "x", "Deployment/web")],
                          [("CKV_K8S_8", "Liveness", "Deployment.default.web")]),
            "helm": form(2, [("critical", "pod-networkpolicy", "Deployment/web")]), "kustomize": form(2)},
    "job": {"plain": form(1, [("critical", "pod-networkpolicy", "Job/job")]), "helm": form(1), "kustomize": form(1)},
}}


def test_the_totals_count_each_failing_check_once_per_object_and_form():
    text = scanners.tables(RESULTS, markdown=False)
    total = next(line for line in text.splitlines() if line.startswith("total"))
    assert "3 / 2, 1 / 1" in total and "3 / 1, 0 / 0" in total and "3 / 0, 0 / 0" in total


def test_each_check_is_listed_with_the_examples_it_fails_in_per_form():
    rows = [line for line in scanners.tables(RESULTS, markdown=True).splitlines() if "pod-networkpolicy" in line]
    assert rows == ["| kube-score | pod-networkpolicy (critical) | 3 | 2 / 1 / 0 |"]
