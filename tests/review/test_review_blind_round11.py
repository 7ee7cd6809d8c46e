"""What blind round 11 (bench/blind/round11) found wrong, each fixed with the behaviour its labellers
expected."""

from __future__ import annotations

from helpers.review import RESOURCES, deployment, ids, service


def replicated(image: str) -> str:
    return deployment(f"        - name: app\n          image: {image}\n          ports: [{{containerPort: 3306}}]\n"
                      f"          {RESOURCES}\n", replicas=3, with_budget=False) + "---\n" + service()


def test_a_database_given_several_replicas_in_a_deployment_is_not_asked_for_a_disruption_budget():
    """Three bitnami/mariadb replicas are three databases (or three servers on one data folder): a budget would
    guard the wrong design."""
    assert "disruption-budget-missing" not in ids(replicated("bitnami/mariadb:10.6"))


def test_a_replicated_web_server_behind_a_service_is_still_asked_for_one():
    assert "disruption-budget-missing" in ids(replicated("nginxinc/nginx-unprivileged:1.27"))


def pinging(command: str) -> str:
    return ("apiVersion: v1\nkind: Pod\nmetadata: {name: ping-daemon}\nspec:\n  containers:\n  - name: ping\n"
            f"    image: busybox:1.36\n    command: {command}\n" f"    {RESOURCES}\n")


def test_ping_with_no_count_runs_until_stopped():
    found = ids(pinging("[ping, publiccloudgroup.com]"))
    assert "restart-always-on-completion" not in found and "bare-pod" in found


def test_ping_with_a_count_finishes():
    assert "restart-always-on-completion" in ids(pinging("[ping, -c, '3', example.com]"))


def test_containers_of_a_job_that_run_the_main_container_s_program_again_do_not_block_it():
    """Three `mimirtool rules sync` runs, one per tenant, in one Job: the same work three times, not sidecars."""
    from helpers.review import job

    def sync(name: str, tenant: str) -> str:
        return (f"        - name: {name}\n          image: grafana/mimirtool:3.2.0\n"
                f"          args: [rules, sync, --address=http://mimir-gateway:8080, --id={tenant}, /rules/a.yaml]\n"
                f"          {RESOURCES}\n")

    text = job(sync("rules-ottawa", "ottawa") + sync("rules-robbinsdale", "robbinsdale"), restart="Never")
    assert "sidecar-blocks-completion" not in ids(text)
