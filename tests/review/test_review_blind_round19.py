"""What blind round 19 (bench/blind/round19) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest

from advisor.review.runtime import runtime_of


def shell(script: str):
    return runtime_of({"image": "nginx:alpine", "command": ["/bin/sh", "-c"], "args": [script]})


def test_nginx_without_daemon_off_goes_to_the_background_and_what_follows_decides():
    """marcelmalewski/docker-kubernetes-labs's `nginx && wget localhost:80`: nginx forks away (its default is
    `daemon on;`), wget fetches the page once and the shell exits; the Pod was told to be a Deployment."""
    assert shell("nginx && wget localhost:80").runs == "finishes"


@pytest.mark.parametrize("script", ["nginx", "exec nginx", "envsubst < a > b && nginx",
                                    "nginx -g 'daemon off;' && wget localhost"])
def test_nginx_as_the_last_step_exec_d_or_told_daemon_off_is_still_the_server(script):
    """A config file saying `daemon off;` (not read) may keep it in front: there it is still taken to serve."""
    assert shell(script).runs == "endless"


@pytest.mark.parametrize("script", ["nginx; sleep infinity", "nginx -g 'daemon off;' & sleep infinity"])
def test_a_server_in_the_background_kept_up_by_a_wait_serves_and_is_no_idle_box(script):
    found = shell(script)
    assert (found.runs, found.idle) == ("endless", False)
