"""What blind round 16 (bench/blind/round16) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from helpers.review import REVIEWER

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from advisor.review.runtime import runtime_of

# networkservicemesh/deployments-k8s's pong.sh, cut down: a function that ends in ``return 0`` is called,
# then the script runs the dpdk-pingpong server, which serves until it is stopped.
PONG = """\
#!/bin/bash
function bind_driver() {
  echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
  test $? -eq 0 || return 1
  return 0
}
bind_driver "$1" vfio-pci
test $? -eq 0 || exit 3
/root/dpdk-pingpong/build/pingpong --no-huge -- -n 50 -s -S "$2"
"""


def script_runtime(script: str):
    files = {"/root/scripts/pong.sh": script}
    return runtime_of({"command": ["/bin/bash", "/root/scripts/pong.sh", "0000:3b:02.0", "0a:55:44:33:22:11"]},
                      files.get)


def test_a_return_in_a_function_ends_the_function_not_the_script():
    """The server after the call decides; it is a program nobody knows, so nothing is known (no finding)."""
    assert script_runtime(PONG).runs is None


def test_what_follows_the_function_still_decides_when_it_is_known():
    assert script_runtime(PONG.replace("/root/dpdk-pingpong/build/pingpong", "exec nginx")).runs == "endless"


def test_an_exit_in_a_function_still_ends_the_script():
    assert script_runtime(PONG.replace("  return 0\n", "  exit 0\n")).runs == "finishes"


def test_a_function_whose_work_finishes_before_its_return_is_that_work():
    assert script_runtime("work() {\n  pg_dump -f /backup/db.sql db\n  return 0\n}\nwork\n").runs == "finishes"


# -- the pause program keeps a container up, as sleep infinity does ---------------------------------------

DEBUG_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: ubuntu
  annotations: {kubectl.kubernetes.io/default-container: ubuntu}
spec:
  containers:
  - name: ubuntu
    image: ghcr.io/cybozu/ubuntu-debug:22.04
    command: [pause]
"""


def test_a_container_whose_command_is_pause_only_waits_to_be_kept_up():
    found = runtime_of({"command": ["pause"]}, lambda path: None)
    assert (found.runs, found.idle) == ("endless", True)


def test_pause_with_arguments_is_some_other_program():
    assert runtime_of({"command": ["pause", "--seconds", "5"]}, lambda path: None).runs is None


def test_a_bare_pod_that_only_runs_pause_is_a_box_to_exec_into_not_a_bare_pod_to_replace():
    """yokaze/kind-manifests's debug shells (cybozu's ubuntu-debug running pause, exec'd into)."""
    report = REVIEWER.review(parse_inputs([("pod.yaml", DEBUG_POD)]), ReviewOptions(suggest=True))
    [obj] = report.objects
    assert "bare-pod" not in [f.id for f in obj.findings] and obj.suggestion is None


# -- a container that only waits is no service of its own, whatever its name says -----------------------------

ADMIN = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: admin}
spec:
  selector: {matchLabels: {app: admin}}
  template:
    metadata: {labels: {app: admin}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
      - name: kafka
        image: bitnami/kafka:3.9.0
"""


def unrelated(text: str) -> list[str]:
    report = REVIEWER.review(parse_inputs([("admin.yaml", text)]), ReviewOptions())
    return [f.container for o in report.objects for f in o.findings if f.id == "unrelated-containers"]


def test_a_kafka_broker_beside_a_web_server_is_still_a_service_of_its_own():
    assert unrelated(ADMIN) == ["kafka"]


def test_a_container_named_for_kafka_that_only_waits_to_be_exec_d_into_is_no_service_of_its_own():
    """utilitywarehouse's msk-admin-client: terraform and kafka clients kept up by sleep infinity, for admins."""
    toolbox = ADMIN + '        command: [/bin/sh, -c, "trap : TERM INT; sleep infinity & wait"]\n'
    assert unrelated(toolbox) == []


def test_a_branch_that_works_then_returns_is_that_work_to_the_caller():
    script = ('work() {\n  if [ -n "$1" ]; then\n    pg_dump -f /backup/db.sql db\n    return 0\n  else\n'
              '    pg_dump -f /backup/all.sql\n    return 0\n  fi\n}\nwork\n')
    assert script_runtime(script).runs == "finishes"
