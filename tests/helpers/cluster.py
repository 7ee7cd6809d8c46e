"""What the tests of tests/cluster/ share besides fixtures: the review fixtures' mistakes the
test cluster holds, the release it runs, and reports of `review --cluster` read the same way
whichever kubectl or file they came from."""

from __future__ import annotations

import json
import re

from helpers.cli import run_cli
from helpers.paths import FIXTURES, ROOT

MISTAKES = sorted((FIXTURES / "review" / "mistakes").glob("*.yaml"))
# What the API server refuses to store, so that a cluster never holds it, and why (its message).
REFUSED = {"restart-always-on-completion": "spec.template.spec.restartPolicy: Required value",
           # what review calls refused-by-api-server, the server refuses too
           "refused-deployment-without-selector": "spec.selector: Required value",
           "refused-restart-never-on-a-deployment": "spec.template.spec.restartPolicy: Unsupported value",
           "refused-selector-misses-the-template": "`selector` does not match template `labels`"}
HELD = [path for path in MISTAKES if path.stem not in REFUSED]


def namespace_of(path) -> str:
    """The namespace the ``mistakes`` fixture creates the mistake of file ``path`` in."""
    return f"mistake-{path.stem}"


def kubernetes_release() -> str:
    """The minor version the test cluster runs ("1.37"): the release of k8s.io/kubernetes it is built from."""
    pinned = re.search(r"k8s\.io/kubernetes v(\d+)\.(\d+)\.", (ROOT / "tools/cluster/kube/go.mod").read_text())
    return f"{pinned[1]}.{pinned[2]}"


def reviewed(*argv: str) -> dict:
    """The JSON report of `pod-advisor review ARGV`, run in this process (kubectl is the one on PATH)."""
    run = run_cli("review", "--format", "json", "--fail-on", "never", *argv)
    assert run.status == 0, run.stderr
    return json.loads(run.stdout)


LOCATION = re.compile(r" \([^()]*:\d+\)")  # " (FILE:LINE)" or " (NAMESPACE/KIND/NAME:LINE)" in a message
# What a message says of a file that leaves a field to its default, and of the object the server
# stored with the default written in.
DEFAULTED = {"has no restartPolicy, so Always": "has restartPolicy Always"}


def findings(report: dict) -> list[tuple]:
    """What each finding says, without where its objects were read from."""
    return sorted((f["object"]["kind"], f["object"]["name"], f["id"], f["severity"], (f["container"] or {}).get("name"),
                   _as_stored(LOCATION.sub("", f["message"]))) for f in report["findings"])


def _as_stored(message: str) -> str:
    for left_out, written in DEFAULTED.items():
        message = message.replace(left_out, written)
    return message


def objects(report: dict) -> list[tuple]:
    return sorted((o["kind"], o["name"]) for o in report["objects"])
