"""``--fail-on``: which findings make a command fail, the same for ``review`` and ``batch``.

One default and one text for both, so that a manifest review and a batch of answer
files fail alike in CI: an error finding fails unless ``--fail-on never`` says
otherwise.
"""

from __future__ import annotations

CHOICES = ("info", "warning", "error", "never")
DEFAULT = "error"
HELP = ("fail (exit status 1) on a finding this severe or worse: info, warning, error (the default), or never")


def configure(parser) -> None:
    parser.add_argument("--fail-on", choices=CHOICES, default=DEFAULT, metavar="SEVERITY", help=HELP)
