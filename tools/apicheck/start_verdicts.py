"""``apicheck start`` from Python: the kubelet's verdict on each container, for the tests.

    start(binary, items, {"nginx:1.27": "", "nginxinc/nginx-unprivileged": "101"})
        -> [StartVerdict, ...]

An item is an object (a dict) or the YAML text a program wrote, as for
apicheck_verdicts.run. The users map an image, as a manifest writes it, or its repository
(no tag, no digest) to the user its image configuration names: "0", "101", "101:101", a
name, or "" for none, which runs as root. An image missing from it is unknown, and a
container that needs its user to be known is refused.

apicheck answers one line per container of each Pod or Pod template, init containers
first; the answer is checked to name, in order, each container of the items as PyYAML
reads them, and its exit status to agree with the verdicts. Plain Python, no pytest:
tests add the skip-or-fail of a missing tool.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

# _document: an item as apicheck reads it, an object as JSON and a text as written
from apicheck_verdicts import ApicheckError, _document, label

LINE = re.compile(r"^(STARTS|REFUSED) ([A-Za-z]+/[^/\s]*)/(\S+): (.*)$")
TEMPLATE = ("spec", "template", "spec")
# Where each kind with a Pod keeps the Pod's spec; the other kinds apicheck checks have no Pod.
POD_SPEC = {"Pod": ("spec",), "CronJob": ("spec", "jobTemplate", *TEMPLATE), "Deployment": TEMPLATE,
            "StatefulSet": TEMPLATE, "DaemonSet": TEMPLATE, "ReplicaSet": TEMPLATE, "Job": TEMPLATE,
            "ReplicationController": TEMPLATE}


@dataclass(frozen=True)
class StartVerdict:
    starts: bool
    object: str     # Kind/name
    container: str
    reason: str     # why it starts, or the kubelet's refusal

    def __str__(self) -> str:
        return f"{'STARTS' if self.starts else 'REFUSED'} {self.object}/{self.container}: {self.reason}"


def read_line(line: str) -> StartVerdict:
    match = LINE.match(line.rstrip("\n"))
    if not match:
        raise ApicheckError(f"not a start verdict: {line!r}")
    return StartVerdict(match[1] == "STARTS", match[2], match[3], match[4])


def pod_spec(obj: dict) -> dict | None:
    """The spec of the Pod an object is or makes; None for an object with no Pod."""
    if obj.get("kind") not in POD_SPEC:
        return None
    node = obj
    for key in POD_SPEC[obj["kind"]]:
        node = (node or {}).get(key)
    return node


def containers(obj: dict) -> list[str]:
    """Kind/name/container for each container the kubelet would start, in its order."""
    spec = pod_spec(obj) or {}
    return [f"{label(obj)}/{c.get('name')}" for c in [*(spec.get("initContainers") or []),
                                                      *(spec.get("containers") or [])]]


def _objects(items: list[dict | str]) -> list[dict]:
    return [o for item in items for o in ([item] if isinstance(item, dict) else
                                          [d for d in yaml.safe_load_all(item) if d])]


def start(binary: str | Path, items: list[dict | str], users: dict[str, str],
          timeout: float = 600) -> list[StartVerdict]:
    """The kubelet's verdict on each container of ``items``, each image's user taken from ``users``."""
    wanted = [name for obj in _objects(items) for name in containers(obj)]
    with tempfile.TemporaryDirectory(prefix="apicheck-start-") as folder:
        objects, users_file = Path(folder) / "objects.yaml", Path(folder) / "image-users.json"
        objects.write_text("".join(f"---\n{_document(item)}\n" for item in items), encoding="utf-8")
        users_file.write_text(json.dumps(users), encoding="utf-8")
        done = subprocess.run([str(binary), "start", "--image-users", str(users_file), str(objects)],
                              capture_output=True, text=True, timeout=timeout)
    if done.returncode not in (0, 1):
        raise ApicheckError(f"apicheck start exited {done.returncode}: {done.stderr.strip()}")
    found = [read_line(line) for line in done.stdout.splitlines()]
    named = [f"{v.object}/{v.container}" for v in found]
    if named != wanted:
        raise ApicheckError(f"apicheck start answered for {named} where {wanted} were expected")
    if done.returncode != (1 if any(not v.starts for v in found) else 0):
        raise ApicheckError(f"apicheck start exited {done.returncode} for these verdicts")
    return found
