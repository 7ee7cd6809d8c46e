"""Policy tests among the inputs: the files whose objects an admission policy's test checks, not workloads.

Kyverno's CLI test (``kyverno test``: a kyverno-test.yaml, ``cli.kyverno.io`` kind Test) and Gatekeeper's
gator suite (``gator verify``: ``test.gatekeeper.sh`` kind Suite) name the manifests they feed the
policies, and the result each policy must give. Such a manifest is an example of what a policy admits or
denies: a Pod that must stay a Pod for the test to match it, often one written to be refused.
"""

from __future__ import annotations

import os

KYVERNO_TEST_FILES = ("kyverno-test.yaml", "kyverno-test.yml")
KINDS = ("Test", "Suite")  # read whole (advisor.review.objects.outlined): their lists of files are read


def inputs_of(file: str, data) -> set[str]:
    """The absolute paths of the manifests a policy test at ``file`` checks (empty for any other document)."""
    if not isinstance(data, dict):
        return set()
    group = str(data.get("apiVersion") or "").split("/", 1)[0]
    if (group == "cli.kyverno.io" and data.get("kind") == "Test") or (
            os.path.basename(file) in KYVERNO_TEST_FILES and isinstance(data.get("policies"), list)):
        named = data.get("resources")
        paths = named if isinstance(named, list) else []
    elif group == "test.gatekeeper.sh" and data.get("kind") == "Suite":
        tests = data.get("tests") if isinstance(data.get("tests"), list) else []
        cases = [case for test in tests if isinstance(test, dict) and isinstance(test.get("cases"), list)
                 for case in test["cases"]]
        paths = [case.get("object") for case in cases if isinstance(case, dict)]
    else:
        return set()
    folder = os.path.dirname(os.path.abspath(file))
    return {os.path.normpath(os.path.join(folder, p)) for p in paths
            if isinstance(p, str) and p and "\n" not in p and "://" not in p}
