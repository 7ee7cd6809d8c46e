"""``kubectl pod-advisor ...``: pod-advisor as a kubectl plugin.

kubectl runs an executable named ``kubectl-NAME`` found on PATH for ``kubectl NAME``
(a ``-`` in NAME is a ``_`` in the file name), passing the rest of the command line.
pip installs the console script ``kubectl-pod_advisor`` beside ``pod-advisor``, so
``kubectl pod-advisor review k8s/`` and ``kubectl pod-advisor review --cluster`` work
wherever ``pod-advisor`` does; ``kubectl plugin list`` shows it.
"""

from __future__ import annotations

PROG = "kubectl pod-advisor"


def main() -> None:
    from advisor.cli.main import console_main

    console_main(prog=PROG)
