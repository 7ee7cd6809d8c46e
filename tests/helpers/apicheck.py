"""apicheck, the API server's create path built from upstream Kubernetes (tools/apicheck/build),
as the tests run it: one process for many objects, per Pod Security level."""

from __future__ import annotations

import sys

from helpers.tools import ROOT, require_tool

sys.path.insert(0, str(ROOT / "tools" / "apicheck"))
from apicheck_verdicts import Verdict, run  # noqa: E402  (tools/apicheck is no package)

HOW = "build it with tools/apicheck/build, which needs Go 1.26 or later"

# The securityContext Pod Security "restricted" asks of every container.
RESTRICTED = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
              "seccompProfile": {"type": "RuntimeDefault"}}


def apicheck() -> str:
    """The built apicheck's path; the test skips (fails under CI) without it."""
    return require_tool("apicheck", HOW)


def verdicts(objects: list[dict], pss: str = "restricted") -> list[Verdict]:
    """apicheck's verdict on each object, in order, from one run at Pod Security level ``pss``."""
    return run(apicheck(), objects, pss)
