"""What blind round 21 (bench/blind/round21) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest

from advisor.review.runtime import runtime_of


def shell(script: str):
    return runtime_of({"image": "ghcr.io/cloudnative-pg/postgresql:17.2", "command": ["/bin/sh", "-c"],
                       "args": [script]})


def test_pg_ctl_start_goes_to_the_background_and_what_follows_decides():
    """sakai-nako/homelab-k8s-infra's monthly restore test: `pg_ctl ... start` starts a throwaway PostgreSQL in the
    background and returns; the script restores a dump into it, checks the tables and exits. The container was
    taken to serve (its 'start'), and told it blocked the Job's completion as a sidecar."""
    script = ("initdb -D /tmp/pgdata\npg_ctl -D /tmp/pgdata -w -t 60 -l /tmp/pg.log start\n"
              "gunzip -c /dump.sql.gz | psql -h /tmp -U postgres -q\necho 'restore test PASSED'")
    assert shell(script).runs == "finishes"


@pytest.mark.parametrize("script", ["pg_ctl -D /tmp/pgdata start", "pg_ctl -D /d -w start; tail -f /d/log"])
def test_pg_ctl_start_as_the_last_step_or_kept_up_by_a_follow_still_serves(script):
    assert shell(script).runs == "endless"
