"""What blind round 11 (bench/blind/round11) found wrong, each fixed with the behaviour its labellers
expected."""

from __future__ import annotations

from helpers.review import RESOURCES, deployment, ids, pod_network, service


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


def agent(env: str = "", args: str = "") -> str:
    return deployment(f"        - name: app\n          image: ghcr.io/example/agent:1.0\n{args}"
                      f"          env: [{env}]\n          {RESOURCES}\n", with_budget=False)


def ip_findings(text: str) -> list[str]:
    from helpers.review import review

    return [f.message for o in review(text).objects for f in o.findings if f.id == "pod-ip-literal"]


def test_the_address_a_corefile_forwards_to_is_no_pod_wherever_it_is_written():
    # even inside a Pod network as wide as Cilium's default cluster pool, 10.0.0.0/8
    corefile = ("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns}\ndata:\n  Corefile: |\n"
                "    .:53 {\n        forward . 10.50.69.50\n    }\n")
    assert ip_findings(agent("{name: RESOLVER, value: '10.50.69.50'}") + corefile + pod_network("10.0.0.0/8")) == []


def test_a_camera_an_rtsp_url_streams_from_is_no_pod_wherever_it_is_written():
    cameras = ("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cameras}\ndata:\n  config.yml: |\n"
               "    inputs: [rtspx://192.168.169.1:7441/abc]\n")
    assert ip_findings(agent("{name: UNIFI_PROTECT_HOST, value: '192.168.169.1'}") + cameras
                       + pod_network("192.168.0.0/16")) == []


def test_where_node_local_dns_listens_is_no_peer():
    args = "          args: [-localip, '169.254.20.10,10.2.0.10', -conf, /etc/Corefile]\n"
    assert ip_findings(agent("{name: X, value: 'y'}", args) + pod_network("10.0.0.0/8")) == []


def test_another_address_in_the_input_s_pod_network_is_still_found():
    [message] = ip_findings(agent("{name: PEER, value: '10.244.1.5'}") + pod_network("10.0.0.0/8"))
    assert "10.244.1.5" in message
