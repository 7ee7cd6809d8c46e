"""What each container is given so that it starts under the profile its manifest claims, from the
image catalogue (advisor.kb.starts): its user, the folders it writes, and what is said when
neither can be known or nothing but root works. The kubelet's own verdict on them is
tests/apicheck/test_manifests_start.py."""

from __future__ import annotations

import pytest
from helpers.engine import advise, container

from advisor.manifests import build_manifest, make_manifest
from advisor.manifests.emit import read_stream
from advisor.kb.starts import FIXED_UID, alternative_image, covered, plan_start, volume_name


def written(*containers: dict, allow_root=False, **workload) -> list[dict]:
    return read_stream(build_manifest(advise(*containers, **workload), allow_root=allow_root))


def pod_spec(objects: list[dict]) -> dict:
    return next(o for o in objects if o["kind"] != "Service")["spec"]["template"]["spec"]


def entry(objects: list[dict], name: str) -> dict:
    spec = pod_spec(objects)
    return next(c for c in spec.get("initContainers", []) + spec["containers"] if c["name"] == name)


def security(objects: list[dict], name: str) -> dict:
    return entry(objects, name)["securityContext"]


def mounts(objects: list[dict], name: str) -> list[str]:
    return [m["mountPath"] for m in entry(objects, name).get("volumeMounts", [])]


def comments(image: str, name: str = "web", **keys) -> str:
    """The manifest's text for one container of ``image``, its comments' lines joined."""
    return " ".join(build_manifest(advise(container(name, image, **keys))).replace("#", "").split())


# -- the user -----------------------------------------------------------------------------------

def test_an_image_built_for_a_numeric_non_root_user_runs_as_that_uid_and_group():
    objects = written(container("web", "nginxinc/nginx-unprivileged:1.27", ports=[8080]))
    assert security(objects, "web").items() >= {"runAsNonRoot": True, "runAsUser": 101, "runAsGroup": 101}.items()


def test_the_group_an_image_names_beside_its_user_is_its_run_as_group():
    objects = written(container("sync", "registry.k8s.io/git-sync/git-sync:v4.2.3"))
    assert (security(objects, "sync")["runAsUser"], security(objects, "sync")["runAsGroup"]) == (65533, 65533)


@pytest.mark.parametrize("image, uid", [("jenkins/jenkins:2.462.1-lts", 1000), ("haproxy:3.0", 99)])
def test_an_image_that_runs_as_a_named_user_gets_that_user_s_number(image, uid):
    assert security(written(container("app", image)), "app")["runAsUser"] == uid


def test_apache_kafka_runs_as_appuser_s_number_which_owns_the_installation_it_writes_to():
    """Its Dockerfiles make appuser with Alpine's adduser and no UID (the first free one, 1000), and give it
    /opt/kafka, where the launcher writes its configuration: under another UID the broker could not start."""
    assert plan_start("apache/kafka:3.9.0").basis == "named"
    assert security(written(container("broker", "apache/kafka:3.9.0", ports=[9092])), "broker")["runAsUser"] == 1000


def test_a_root_image_that_steps_down_to_its_own_user_runs_as_it_from_the_start():
    objects = written(container("cache", "redis:7.4", ports=[6379]))
    assert security(objects, "cache")["runAsUser"] == 999
    assert "also works when started as 999" in comments("redis:7.4", "cache", ports=[6379])


def test_a_root_image_that_works_under_any_uid_gets_the_fixed_one():
    assert plan_start("busybox:1.36").basis == "any"
    assert security(written(container("box", "busybox:1.36")), "box")["runAsUser"] == FIXED_UID


def test_a_root_image_no_source_says_works_without_root_gets_the_fixed_uid_and_says_it_is_assumed():
    objects = written(container("shipper", "fluent/fluent-bit:3.1"))
    assert security(objects, "shipper")["runAsUser"] == FIXED_UID
    assert "Assumed: fluent/fluent-bit:3.1 is built to run as root" in comments("fluent/fluent-bit:3.1", "shipper")


def test_an_image_the_catalogue_does_not_know_gets_the_fixed_uid_tmp_and_a_comment_naming_the_assumption():
    objects = written(container("app", "ghcr.io/example/app:1.0.0"))
    assert security(objects, "app").items() >= {"runAsNonRoot": True, "runAsUser": FIXED_UID, "runAsGroup": FIXED_UID,
                                             "readOnlyRootFilesystem": True}.items()
    assert mounts(objects, "app") == ["/tmp"]
    text = comments("ghcr.io/example/app:1.0.0", "app")
    assert "Assumed: ghcr.io/example/app:1.0.0 is not in pod-advisor's image catalogue" in text
    assert "Assumed: ghcr.io/example/app:1.0.0 writes only to /tmp" in text


# -- an image that needs root ---------------------------------------------------------------------

def test_an_image_that_needs_root_gets_no_uid_that_would_break_it():
    objects = written(container("web", "nginx:1.27", ports=[80]))
    assert "runAsUser" not in security(objects, "web") and security(objects, "web")["runAsNonRoot"] is True


def test_an_image_that_needs_root_is_a_note_naming_its_unprivileged_build_and_allow_root():
    [note] = make_manifest(advise(container("web", "nginx:1.27", ports=[80]))).notes
    assert note.startswith("web (nginx:1.27) will not start as written")
    assert "nginxinc/nginx-unprivileged:1.27 (UID 101, port 8080)" in note and "--allow-root-for web" in note


def test_the_note_is_the_manifest_s_to_do_and_said_on_stderr(cli, write):
    path = write("web.yaml", "name: web\ncontainers:\n  - {name: web, image: nginx:1.27, ports: [80]}\n")
    run = cli("manifest", str(path))
    assert run.status == 0
    assert "# TO DO: web (nginx:1.27) will not start as written" in run.stdout
    assert "pod-advisor: to do: web (nginx:1.27) will not start as written" in run.stderr


def test_evaluate_says_it_before_any_manifest_is_written(cli, write):
    path = write("web.yaml", "name: web\ncontainers:\n  - {name: web, image: postgres:16.4, ports: [5432]}\n")
    run = cli("evaluate", str(path))
    assert "Starter manifest" in run.stdout
    assert "web (postgres:16.4) will not start as written" in " ".join(run.stdout.split())


@pytest.mark.parametrize("image", ["postgres:16.4", "docker.io/library/postgres:16.4", "postgres",
                                   "registry.example.com:5000/postgres:16.4@sha256:" + "a" * 64])
def test_evaluate_says_it_for_every_way_of_naming_an_image_that_needs_root(cli, write, image):
    path = write("db.yaml", f"name: db\ncontainers:\n  - {{name: db, image: '{image}', ports: [5432]}}\n")
    said = "".join(cli("evaluate", str(path)).stdout.split())  # a long reference is wrapped anywhere
    assert f"db({image})willnotstartaswritten" in said


def test_evaluate_says_nothing_of_it_for_images_that_start(cli):
    from helpers.paths import EXAMPLES

    assert "Starter manifest" not in cli("evaluate", str(EXAMPLES / "web-with-log-shipper.yaml")).stdout


def test_allowed_root_it_runs_as_root_with_the_root_context_and_no_note():
    manifest = make_manifest(advise(container("web", "nginx:1.27", ports=[80])), allow_root=["web"])
    context = entry(manifest.objects, "web")["securityContext"]
    assert context["runAsNonRoot"] is False and "runAsUser" not in context and manifest.notes == []


@pytest.mark.parametrize("image, alternative, expected", [
    ("nginx:1.27", "nginxinc/nginx-unprivileged", "nginxinc/nginx-unprivileged:1.27"),
    ("envoyproxy/envoy:v1.31.0", "envoyproxy/envoy-distroless", "envoyproxy/envoy-distroless:v1.31.0"),
    ("postgres:16.4", "bitnami/postgresql", "bitnami/postgresql"),  # another project's tags
    ("httpd:2.4", "nginxinc/nginx-unprivileged", "nginxinc/nginx-unprivileged"),  # another program
    ("moby/buildkit:v0.15.0", "moby/buildkit:rootless", "moby/buildkit:rootless"),  # a tag of its own
])
def test_the_alternative_keeps_the_tag_only_of_a_variant_of_the_same_image(image, alternative, expected):
    assert alternative_image(image, alternative) == expected


# -- what it writes ---------------------------------------------------------------------------------

def test_every_container_has_a_read_only_root_and_an_empty_dir_where_its_image_writes():
    objects = written(container("web", "nginx:1.27", ports=[80]), allow_root=True)
    assert security(objects, "web")["readOnlyRootFilesystem"] is True
    assert mounts(objects, "web") == ["/var/cache/nginx", "/var/run"]
    assert {v["name"]: v for v in pod_spec(objects)["volumes"]} == {
        "web-var-cache-nginx": {"name": "web-var-cache-nginx", "emptyDir": {}},
        "web-var-run": {"name": "web-var-run", "emptyDir": {}}}


def test_an_image_that_writes_where_it_keeps_files_of_its_own_keeps_a_writable_root_and_no_volume_there():
    """An emptyDir over apache/kafka's /opt/kafka/config would hide the files its launcher reads and copies:
    the Pod would not start."""
    objects = written(container("broker", "apache/kafka:3.9.0", ports=[9092]))
    assert security(objects, "broker")["readOnlyRootFilesystem"] is False
    assert "/opt/kafka/config" not in mounts(objects, "broker")
    assert "/var/lib/kafka/data" in mounts(objects, "broker") and "/opt/kafka/logs" in mounts(objects, "broker")


def test_the_writable_root_says_why_and_how_to_make_it_read_only():
    text = comments("apache/kafka:3.9.0", name="broker", ports=[9092])
    assert "A writable root filesystem: apache/kafka:3.9.0 writes to /opt/kafka/config, where its image keeps " \
           "files of its own that it reads" in text
    assert "copy those files into a volume first (an init container of the same image)" in text


def test_an_image_that_writes_nothing_gets_no_volume():
    objects = written(container("proxy", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.13.0"))
    assert "volumeMounts" not in entry(objects, "proxy") and "volumes" not in pod_spec(objects)


def test_the_pods_fs_group_is_the_main_container_s_group():
    objects = written(container("web", "nginxinc/nginx-unprivileged:1.27", ports=[8080]))
    assert pod_spec(objects)["securityContext"]["fsGroup"] == 101


def test_a_group_0_an_image_names_is_its_run_as_group_but_not_the_pods_fs_group():
    objects = written(container("search", "docker.elastic.co/elasticsearch/elasticsearch:8.15.5", ports=[9200]))
    assert (security(objects, "search")["runAsUser"], security(objects, "search")["runAsGroup"]) == (1000, 0)
    assert pod_spec(objects)["securityContext"]["fsGroup"] == 1000


def test_a_statefulset_keeps_its_data_where_the_image_keeps_it():
    objects = written(container("db", "bitnamilegacy/postgresql:16.4.0", ports=[5432]), stable_identity=True)
    statefulset = next(o for o in objects if o["kind"] == "StatefulSet")
    assert mounts(objects, "db")[0] == "/bitnami/postgresql"
    assert entry(objects, "db")["volumeMounts"][0]["name"] == "data"
    assert "/bitnami/postgresql" not in [v["name"] for v in pod_spec(objects)["volumes"]]
    assert statefulset["spec"]["template"]["spec"]["securityContext"]["fsGroup"] == 1001


def test_a_statefulset_of_an_image_whose_data_folder_is_not_known_keeps_it_at_data():
    objects = written(container("db", "ghcr.io/example/db:1.0.0", ports=[5432]), stable_identity=True)
    assert mounts(objects, "db") == ["/data", "/tmp"]


@pytest.mark.parametrize("path, mounted, held", [
    ("/var/cache/nginx", ["/var/cache"], True),
    ("/var/cache/nginx", ["/var/cache/nginx"], True),
    ("/var/run", ["/run"], True),  # the same folder on the usual bases
    ("/run/mysqld", ["/var/run"], True),
    ("/var/cache-old", ["/var/cache"], False),
    ("/tmp", ["/shared"], False),
])
def test_a_path_is_held_by_a_volume_mounted_at_it_or_above_it(path, mounted, held):
    assert covered(path, mounted) is held


def test_volume_names_are_dns_labels_of_their_own():
    taken: set[str] = set()
    long = "c" * 60
    names = [volume_name(long, "/var/cache/nginx", taken), volume_name(long, "/var/cache/nginx", taken),
             volume_name("a", "/b-c", taken), volume_name("a-b", "/c", taken)]
    assert len(set(names)) == 4 and all(len(n) <= 63 and n[-1].isalnum() for n in names)


# -- the memory the image needs --------------------------------------------------------------------

def resources(objects: list[dict], name: str) -> dict:
    return entry(objects, name)["resources"]


def without_resources(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "resources"}


def test_apache_kafka_without_memory_in_the_answers_gets_what_its_default_heap_needs_not_the_starter_value():
    """kafka-server-start.sh gives the broker a 1 GiB heap when KAFKA_HEAP_OPTS is unset: under the starter
    128Mi it is OOMKilled."""
    objects = written(container("broker", "apache/kafka:3.9.0", ports=[9092], resources={"cpu": "500m"}))
    assert resources(objects, "broker") == {"requests": {"cpu": "500m", "memory": "1536Mi"},
                                            "limits": {"cpu": "500m", "memory": "1536Mi"}}


def test_an_image_given_its_memory_by_the_catalogue_says_why_and_from_which_entry():
    text = comments("apache/kafka:3.9.0", name="broker", ports=[9092], resources={"cpu": "500m"})
    assert "The answers give no memory: broker gets 1536Mi, what apache/kafka:3.9.0 needs to keep running with " \
           "its shipped settings (Apache Kafka (apache/kafka), in pod-advisor's image catalogue)." in text
    assert "-Xmx1G -Xms1G" in text and "a conservative starter value" not in text


def test_the_memory_comment_does_not_say_the_image_is_oomkilled_when_it_may_refuse_to_start_instead():
    """SQL Server exits under 2000 MB instead of growing into its limit: the comment names both ways."""
    text = comments("mcr.microsoft.com/mssql/server:2022-latest", name="db", ports=[1433], resources={"cpu": "500m"})
    assert "Under the starter 128Mi it would not keep running (killed for its memory, or refusing to start)" in text
    assert "OOMKilled soon after it starts" not in text


def test_without_resources_in_the_answers_the_image_s_memory_and_the_starter_cpu():
    objects = written(without_resources(container("db", "mongo:8.0", ports=[27017])))
    assert resources(objects, "db")["limits"] == {"cpu": "100m", "memory": "512Mi"}


def test_an_image_the_catalogue_knows_no_memory_for_keeps_the_starter_values():
    for image in ("ghcr.io/example/app:1.0.0", "nginxinc/nginx-unprivileged:1.27"):
        objects = written(without_resources(container("app", image, ports=[8080])))
        assert resources(objects, "app") == {"requests": {"cpu": "100m", "memory": "128Mi"},
                                             "limits": {"cpu": "100m", "memory": "128Mi"}}


def test_the_answers_smaller_memory_is_kept_and_the_comment_says_what_the_image_needs():
    recommendation = advise(container("broker", "apache/kafka:3.9.0", ports=[9092],
                                      resources={"cpu": "500m", "memory": "512Mi"}))
    assert resources(read_stream(build_manifest(recommendation)), "broker")["limits"]["memory"] == "512Mi"
    text = " ".join(build_manifest(recommendation).replace("#", "").split())
    assert "The answers give broker 512Mi of memory, less than the 1536Mi apache/kafka:3.9.0 needs with its " \
           "shipped settings (Apache Kafka (apache/kafka), in pod-advisor's image catalogue): with less, it " \
           "may not keep running (killed for its memory, or refusing to start)." in text


def test_the_note_on_memory_short_of_what_sql_server_needs_does_not_say_it_is_oomkilled():
    """Given 1Gi, SQL Server refuses to start (it needs 2000 MB) rather than being killed later: the note says
    both ways an image short of memory stops, as the comment does."""
    [note] = make_manifest(advise(container("db", "mcr.microsoft.com/mssql/server:2022-latest", ports=[1433],
                                            resources={"cpu": "500m", "memory": "1Gi"}))).notes
    assert "may not keep running (killed for its memory, or refusing to start)" in note
    assert "OOMKilled" not in note


def test_the_answers_smaller_memory_is_a_note_naming_what_the_image_needs():
    [note] = make_manifest(advise(container("broker", "apache/kafka:3.9.0", ports=[9092],
                                            resources={"cpu": "500m", "memory": "0.5Gi"}))).notes
    assert note.startswith("broker (apache/kafka:3.9.0) is given 0.5Gi of memory, less than the 1536Mi its image "
                           "needs with its shipped settings")


def test_the_answers_memory_at_or_above_what_the_image_needs_is_kept_without_a_word():
    for memory in ("1536Mi", "1.5Gi", "2Gi", "2e9"):
        recommendation = advise(container("broker", "apache/kafka:3.9.0", ports=[9092],
                                          resources={"cpu": "500m", "memory": memory}))
        manifest = make_manifest(recommendation)
        assert manifest.notes == [] and "less than the 1536Mi" not in manifest.text(comments=True)
        assert resources(read_stream(manifest.text(comments=False)), "broker")["limits"]["memory"] == memory


def test_evaluate_says_the_answers_memory_is_short_before_any_manifest_is_written(cli, write):
    path = write("stream.yaml", "name: stream\ncontainers:\n  - {name: broker, image: 'apache/kafka:3.9.0', "
                                "ports: [9092], resources: {cpu: 500m, memory: 512Mi}}\n")
    run = cli("evaluate", str(path))
    said = " ".join(run.stdout.split())
    assert "Starter manifest" in run.stdout
    assert "broker (apache/kafka:3.9.0) is given 512Mi of memory, less than the 1536Mi its image needs" in said


def test_the_short_memory_note_is_the_manifest_s_to_do_and_said_on_stderr(cli, write):
    path = write("stream.yaml", "name: stream\ncontainers:\n  - {name: broker, image: 'apache/kafka:3.9.0', "
                                "ports: [9092], resources: {cpu: 500m, memory: 512Mi}}\n")
    run = cli("manifest", str(path))
    assert run.status == 0
    assert "pod-advisor: to do: broker (apache/kafka:3.9.0) is given 512Mi of memory" in run.stderr
    assert "# TO DO: broker (apache/kafka:3.9.0) is given 512Mi of memory" in run.stdout


# -- what a database image will not start without ---------------------------------------------------------

def test_a_mysql_container_without_a_password_in_the_answers_reads_one_from_a_secret():
    objects = written(container("db", "mysql:8.4", ports=[3306]), stable_identity=True)
    assert entry(objects, "db")["env"] == [{"name": "MYSQL_ROOT_PASSWORD", "valueFrom": {
        "secretKeyRef": {"name": "app-db-credentials", "key": "password"}}}]


def test_the_manifest_says_to_create_the_secret_it_reads_before_applying():
    manifest = make_manifest(advise(container("db", "mysql:8.4", ports=[3306]), stable_identity=True))
    assert any(note.startswith("create Secret app-db-credentials before applying") for note in manifest.notes)
    assert "kubectl create secret generic app-db-credentials --from-literal=password=..." in " ".join(
        build_manifest(manifest.recommendation).replace("#", "").split())


def test_a_password_the_answers_give_is_kept_and_no_other_is_added():
    given = {"MYSQL_ROOT_PASSWORD": {"secret": "shop-db", "key": "root"}}
    objects = written(container("db", "mysql:8.4", ports=[3306], env=given), stable_identity=True)
    assert entry(objects, "db")["env"] == [{"name": "MYSQL_ROOT_PASSWORD", "valueFrom": {
        "secretKeyRef": {"name": "shop-db", "key": "root"}}}]


def test_the_manifest_says_a_mysql_given_root_as_its_ordinary_user_will_not_start():
    given = {"MYSQL_ROOT_PASSWORD": {"secret": "shop-db", "key": "root"}, "MYSQL_USER": "root"}
    manifest = make_manifest(advise(container("db", "mysql:8.4", ports=[3306], env=given), stable_identity=True))
    assert any(note.startswith("db (mysql:8.4) will not start as written: the answers set MYSQL_USER=root")
               for note in manifest.notes)


def test_the_manifest_says_a_prometheus_given_a_flag_with_one_dash_will_not_start():
    manifest = make_manifest(advise(container("prom", "prom/prometheus:v2.54.1", ports=[9090],
                                              args=["-config.file=/etc/prometheus/prometheus.yml"])))
    assert any(note.startswith("prom (prom/prometheus:v2.54.1) will not start as written: the answers pass it "
                               "-config.file=/etc/prometheus/prometheus.yml, a long flag with one dash")
               for note in manifest.notes)


def test_the_manifest_says_nothing_of_flags_with_two_dashes():
    manifest = make_manifest(advise(container("prom", "prom/prometheus:v2.54.1", ports=[9090],
                                              args=["--config.file=/etc/prometheus/prometheus.yml"])))
    assert not any("long flag" in note for note in manifest.notes)


def test_an_image_that_needs_no_password_gets_no_secret():
    assert "env" not in entry(written(container("cache", "redis:7.4", ports=[6379])), "cache")


@pytest.mark.parametrize("image", ["mysql:8.4", "mariadb:11.4"])
def test_a_mysql_or_mariadb_server_gets_a_writable_tmp_for_innodb(image):
    """InnoDB creates temporary files in the server's tmpdir (/tmp) as it starts, and stops the server when it
    cannot: under a read-only root filesystem /tmp must be a volume."""
    objects = written(container("db", image, ports=[3306]), stable_identity=True)
    assert "/tmp" in mounts(objects, "db")


# -- where PostgreSQL keeps its data on a volume ----------------------------------------------------------------

PASSWORD = {"POSTGRES_PASSWORD": {"secret": "shop-db", "key": "password"}}


@pytest.mark.parametrize("image", ["postgres", "postgres:latest", "postgres:18.1", "postgres:18-alpine",
                                   "postgres:alpine", "postgres:trixie"])
def test_postgres_18_and_its_floating_tags_keep_their_volume_at_var_lib_postgresql(image):
    """From 18 the image declares its volume at /var/lib/postgresql and keeps its data in /var/lib/postgresql/18/docker;
    its entrypoint stops when a volume is mounted at /var/lib/postgresql/data, where earlier versions kept it."""
    objects = written(container("db", image, ports=[5432], env=PASSWORD), stable_identity=True, allow_root=True)
    assert mounts(objects, "db")[0] == "/var/lib/postgresql"
    assert "/var/lib/postgresql/data" not in mounts(objects, "db")
    assert [e["name"] for e in entry(objects, "db")["env"]] == ["POSTGRES_PASSWORD"]


@pytest.mark.parametrize("image", ["postgres:17", "postgres:17.2", "postgres:16.4-alpine", "postgres:9.6.1"])
def test_postgres_up_to_17_keeps_its_data_in_a_folder_below_its_volume_s_root(image):
    """initdb refuses the root of a new ext4 volume, which holds lost+found: PGDATA names a folder below the mount."""
    objects = written(container("db", image, ports=[5432], env=PASSWORD), stable_identity=True, allow_root=True)
    assert mounts(objects, "db")[0] == "/var/lib/postgresql/data"
    assert {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"} in entry(objects, "db")["env"]


def test_a_data_folder_the_answers_give_is_kept():
    given = dict(PASSWORD, PGDATA="/var/lib/postgresql/data/db")
    objects = written(container("db", "postgres:17", ports=[5432], env=given), stable_identity=True, allow_root=True)
    assert [e for e in entry(objects, "db")["env"] if e["name"] == "PGDATA"] == [
        {"name": "PGDATA", "value": "/var/lib/postgresql/data/db"}]


def test_postgres_17_in_a_deployment_gets_no_data_folder_setting():
    """Only a StatefulSet mounts a volume of its own at the data folder (an emptyDir holds no lost+found)."""
    objects = written(container("db", "postgres:17", ports=[5432], env=PASSWORD), allow_root=True)
    assert "PGDATA" not in [e["name"] for e in entry(objects, "db")["env"]]
