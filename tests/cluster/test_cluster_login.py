"""`review --cluster` leaves kubectl the terminal: a credential plugin that asks the user to log in
asks on the terminal, and the answer typed there reaches it.

The kubeconfig's user is an exec credential plugin in interactiveMode Always (kubectl runs it only
when its standard input is a terminal), as a cloud provider's login is. Like those, it keeps what
it got, so that the second kubectl command `review --cluster` runs does not ask again.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

import pytest
import yaml

PASSWORD = "open sesame"
PROMPT = "Password for the test cluster: "
LOGIN = f'''\
import json, os, sys
kept = os.environ["LOGIN_KEPT"]
if not os.path.exists(kept):
    sys.stderr.write({PROMPT!r})
    sys.stderr.flush()
    if sys.stdin.readline().rstrip("\\n") != {PASSWORD!r}:
        sys.exit("wrong password")
    open(kept, "w").close()
print(json.dumps({{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                  "status": {{"token": os.environ["LOGIN_TOKEN"]}}}}))
'''


@pytest.fixture
def login_kubeconfig(cluster, tmp_path):
    """The admin's kubeconfig, its token given by a login plugin instead of written in it."""
    config = yaml.safe_load(cluster.kubeconfig.read_text())
    user = config["users"][0]["user"]
    login = tmp_path / "login.py"
    login.write_text(LOGIN)
    user["exec"] = {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable,
                    "args": [str(login)], "interactiveMode": "Always",
                    "env": [{"name": "LOGIN_KEPT", "value": str(tmp_path / "logged-in")},
                            {"name": "LOGIN_TOKEN", "value": user.pop("token")}]}
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path


def test_a_login_prompt_reaches_the_terminal_and_the_answer_typed_there_reaches_kubectl(cluster, login_kubeconfig):
    terminal, its_end = pty.openpty()
    review = subprocess.Popen([sys.executable, "-m", "advisor", "review", "--cluster", "--namespace", "kube-system",
                               "--format", "json"], stdin=its_end, stdout=subprocess.PIPE, stderr=its_end,
                              env={**os.environ, "KUBECONFIG": str(login_kubeconfig)})
    os.close(its_end)
    try:
        shown = _read_until(terminal, PROMPT)
        os.write(terminal, f"{PASSWORD}\n".encode())
        out, _ = review.communicate(timeout=120)
        shown += _read_until(terminal, None)
    finally:
        if review.poll() is None:
            review.kill()
            review.wait()
        os.close(terminal)
    assert review.returncode == 0, shown
    assert json.loads(out)["summary"]["objects"] == 0  # kube-system holds ConfigMaps only, here
    assert shown.count(PROMPT) == 1  # kubectl's second command was let in on the login kept


def _read_until(terminal: int, text: str | None, seconds: float = 60) -> str:
    """What the terminal shows, up to ``text`` (fails after ``seconds`` without it), or with ``text``
    None, what it still holds once the process has ended."""
    shown, deadline = "", time.monotonic() + seconds
    while text is None or text not in shown:
        ready, _, _ = select.select([terminal], [], [], max(0.0, deadline - time.monotonic()) if text else 0)
        if not ready and text is None:
            return shown
        if not ready:
            pytest.fail(f"the terminal never showed {text!r}; it showed {shown!r}", pytrace=False)
        try:
            shown += os.read(terminal, 4096).decode(errors="replace")
        except OSError:  # Linux: every process holding the other end has ended
            return shown
    return shown
