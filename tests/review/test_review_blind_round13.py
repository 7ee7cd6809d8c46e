"""What blind round 13 (bench/blind/round13) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from helpers.review import deployment, ids, reviewed

from advisor.manifests.validate import api_object_problems


def with_resources(resources: str) -> str:
    return deployment(f"""        - name: web
          image: nginx:1.27
          resources: {resources}
""")


def test_a_null_cpu_a_chart_writes_to_drop_a_default_is_a_field_left_out_not_a_refusal():
    text = with_resources("{limits: {cpu: null, memory: 100Mi}, requests: {cpu: null, memory: 50Mi}}")
    assert "refused-by-api-server" not in ids(text)


def test_a_value_that_is_no_quantity_is_still_refused():
    text = with_resources("{limits: {cpu: lots, memory: 100Mi}}")
    assert "refused-by-api-server" in ids(text)


def test_a_starter_manifest_s_null_resource_is_said_once_as_a_null():
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
                                    "resources": {"limits": {"cpu": None, "memory": "64Mi"}}}]}}
    assert [p for p in api_object_problems(obj, "1.37") if "resources" in p] == [
        "spec.containers[0].resources.limits.cpu: null (leave the field out instead)"]


def waiting_for_postgres(command: str) -> str:
    return deployment(f"""        - name: app
          image: nextcloud:29
          resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}
""", replicas=1, extra_spec=f"""      initContainers:
        - name: wait-database-ready
          image: postgres:16
          resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}
          command: {command}
          securityContext: {{readOnlyRootFilesystem: true}}
""")


def test_a_client_step_run_from_a_server_s_image_is_not_held_to_the_server_s_writes():
    """``until psql ...; do sleep 1; done`` runs postgres's client, which writes nothing where the server does."""
    text = waiting_for_postgres('[sh, -c, "until psql -q postgresql://db:5432/app -c \'\\\\q\'; do sleep 1; done"]')
    assert "container-cannot-start" not in ids(text)


def test_the_server_itself_under_a_read_only_root_is_still_told_where_it_writes():
    text = deployment("""        - name: db
          image: postgres:16
          resources: {requests: {cpu: 100m, memory: 128Mi}}
          securityContext: {readOnlyRootFilesystem: true, runAsUser: 999, runAsNonRoot: true}
""", replicas=1)
    assert "container-cannot-start" in ids(text)
