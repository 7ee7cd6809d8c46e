"""container-cannot-start: what the kubelet refuses (runAsNonRoot on an image that runs as root or a
named user, with no runAsUser), and a read-only root filesystem with no volume where the image
writes; and what --suggest writes for it. The fixtures are in tests/fixtures/review; the kubelet's
own verdicts on them, in tests/apicheck/test_apicheck_review.py."""

from __future__ import annotations

import pytest
import yaml
from helpers.review import REVIEWER, RESOURCES, deployment, found, job, review

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

POD_NON_ROOT = "      securityContext: {runAsNonRoot: true}\n"


def one(name: str, image: str, security: str = "", extra: str = "") -> str:
    lines = f"        - name: {name}\n          image: {image}\n          {RESOURCES}\n"
    if security:
        lines += f"          securityContext: {security}\n"
    return lines + extra


def cannot_start(text: str) -> list:
    return [f for f in review(text).findings if f.id == "container-cannot-start"]


def suggested(text: str) -> dict:
    report = REVIEWER.review(parse_inputs([("app.yaml", text)]), ReviewOptions(kubernetes="1.37", suggest=True))
    [reviewed] = report.objects
    return yaml.safe_load(reviewed.suggestion.split("---\n")[-1])


def container_of(obj: dict, name: str) -> dict:
    return next(c for c in obj["spec"]["template"]["spec"]["containers"] if c["name"] == name)


# -- what the kubelet refuses --------------------------------------------------------------------------

def test_run_as_non_root_on_an_image_that_runs_as_root_cannot_start():
    [finding] = cannot_start(deployment(one("cache", "redis:7.4"), extra_spec=POD_NON_ROOT))
    assert "container has runAsNonRoot and image will run as root" in finding.message
    assert "Set runAsUser: 999 and runAsGroup: 999" in finding.message


def test_an_image_that_runs_as_a_named_user_cannot_start_either():
    [finding] = cannot_start(deployment(one("prom", "prom/prometheus:v2.54.1"), extra_spec=POD_NON_ROOT))
    assert "image has non-numeric user (nobody), cannot verify user is non-root" in finding.message


def test_an_image_that_needs_root_is_told_its_unprivileged_build():
    [finding] = cannot_start(deployment(one("web", "nginx:1.27"), extra_spec=POD_NON_ROOT))
    assert "run nginxinc/nginx-unprivileged:1.27 instead (UID 101, port 8080)" in finding.message


def test_run_as_user_0_with_run_as_non_root_cannot_start_whatever_the_image():
    [finding] = cannot_start(deployment(one("app", "ghcr.io/example/app:1.0.0", "{runAsNonRoot: true, runAsUser: 0}")))
    assert "container's runAsUser breaks non-root policy" in finding.message


def test_an_image_that_runs_as_a_numeric_non_root_user_starts():
    assert cannot_start(deployment(one("web", "nginxinc/nginx-unprivileged:1.27"), extra_spec=POD_NON_ROOT)) == []


def test_an_image_the_catalogue_does_not_know_is_not_judged():
    assert cannot_start(deployment(one("app", "ghcr.io/example/app:1.0.0"), extra_spec=POD_NON_ROOT)) == []


def test_a_run_as_user_on_the_pod_holds_for_its_containers():
    pod = "      securityContext: {runAsNonRoot: true, runAsUser: 999}\n"
    assert cannot_start(deployment(one("cache", "redis:7.4"), extra_spec=pod)) == []


def test_a_container_s_run_as_non_root_false_overrides_the_pod_s_true():
    text = deployment(one("cache", "redis:7.4", "{runAsNonRoot: false}"), extra_spec=POD_NON_ROOT)
    assert cannot_start(text) == []


def test_without_run_as_non_root_the_kubelet_starts_a_root_image():
    assert cannot_start(deployment(one("cache", "redis:7.4"))) == []


# -- a read-only root filesystem --------------------------------------------------------------------

def test_a_read_only_root_with_no_volume_where_the_image_writes_cannot_run():
    [finding] = cannot_start(deployment(one("web", "nginxinc/nginx-unprivileged:1.27", "{readOnlyRootFilesystem: true}")))
    assert "writes to /tmp, where no volume is mounted" in finding.message


def test_a_path_the_image_declares_a_volume_stays_writable_under_a_read_only_root():
    """The runtime mounts an image's VOLUME writable: mongo's /data/db and /data/configdb."""
    assert cannot_start(deployment(one("db", "mongo:8.0", "{readOnlyRootFilesystem: true}"))) == []


def test_a_read_only_root_is_not_judged_where_the_catalogue_does_not_say_what_the_image_declares():
    assert cannot_start(deployment(one("cache", "redis:7.4", "{readOnlyRootFilesystem: true}"))) == []


def test_the_unprivileged_nginx_with_its_own_nginx_conf_writes_only_tmp():
    """Its nginx.conf moves every temporary path to /tmp: /var/cache/nginx is never written (blind round 8)."""
    volume = "          volumeMounts: [{name: t, mountPath: /tmp}]\n"
    text = deployment(one("web", "nginxinc/nginx-unprivileged:1.27", "{readOnlyRootFilesystem: true}", volume),
                      extra_spec="      volumes: [{name: t, emptyDir: {}}]\n")
    assert cannot_start(text) == []


def test_a_volume_mounted_above_a_written_path_holds_it():
    volume = "          volumeMounts: [{name: v, mountPath: /var/cache}, {name: t, mountPath: /tmp}]\n"
    text = deployment(one("web", "nginxinc/nginx-unprivileged:1.27", "{readOnlyRootFilesystem: true}", volume),
                      extra_spec="      volumes: [{name: v, emptyDir: {}}, {name: t, emptyDir: {}}]\n")
    assert found(text) == []


# -- --suggest -----------------------------------------------------------------------------------------

def test_suggest_gives_the_container_its_image_s_uid_after_run_as_non_root():
    fixed = suggested(deployment(one("cache", "redis:7.4", "{runAsNonRoot: true, allowPrivilegeEscalation: false}")))
    assert list(container_of(fixed, "cache")["securityContext"].items()) == [
        ("runAsNonRoot", True), ("runAsUser", 999), ("runAsGroup", 999), ("allowPrivilegeEscalation", False)]


def test_suggest_mounts_an_empty_dir_where_the_image_writes():
    fixed = suggested(deployment(one("web", "nginxinc/nginx-unprivileged:1.27", "{readOnlyRootFilesystem: true}")))
    assert [m["mountPath"] for m in container_of(fixed, "web")["volumeMounts"]] == ["/tmp"]
    assert fixed["spec"]["template"]["spec"]["volumes"] == [{"name": "web-tmp", "emptyDir": {}}]


def test_suggest_says_a_uid_it_assumes_is_an_assumption():
    text = deployment(one("shipper", "fluent/fluent-bit:3.1"), extra_spec=POD_NON_ROOT)
    report = REVIEWER.review(parse_inputs([("app.yaml", text)]), ReviewOptions(kubernetes="1.37", suggest=True))
    assert "# shipper: runAsUser 65532 is an assumption" in report.objects[0].suggestion


def test_suggest_leaves_an_image_that_needs_root_as_it_is():
    report = REVIEWER.review(parse_inputs([("app.yaml", deployment(one("web", "nginx:1.27"), extra_spec=POD_NON_ROOT))]),
                             ReviewOptions(kubernetes="1.37", suggest=True))
    assert report.objects[0].suggestion is None


# -- a folder where the image keeps files of its own ------------------------------------------------

KAFKA_VOLUMES = ("          volumeMounts: [{name: d, mountPath: /var/lib/kafka/data}, "
                 "{name: l, mountPath: /opt/kafka/logs}]\n")


def test_a_read_only_root_over_a_folder_the_image_ships_files_in_says_an_empty_volume_would_hide_them():
    text = deployment(one("broker", "apache/kafka:3.9.0", "{readOnlyRootFilesystem: true}", KAFKA_VOLUMES),
                      extra_spec="      volumes: [{name: d, emptyDir: {}}, {name: l, emptyDir: {}}]\n")
    [finding] = cannot_start(text)
    assert "writes to /opt/kafka/config, where no volume is mounted" in finding.message
    assert "an empty volume would hide" in finding.message
    assert "set readOnlyRootFilesystem: false on it, or copy those files into a volume first" in finding.message


def suggest_run(text: str):
    """The object's rewrite under --suggest (None when none is written), and the notes of the run."""
    report = REVIEWER.review(parse_inputs([("app.yaml", text)]), ReviewOptions(kubernetes="1.37", suggest=True))
    return report.objects[0].suggestion, [n.text for n in report.notes]


def test_suggest_writes_no_empty_dirs_when_a_folder_the_image_ships_files_in_stays_unwritable():
    """An emptyDir over /opt/kafka/config would hide the files there, so the container still could not start
    with the other paths mended: a rewrite that claimed to fix it would not."""
    rewrite, notes = suggest_run(deployment(one("broker", "apache/kafka:3.9.0", "{readOnlyRootFilesystem: true}")))
    assert rewrite is None
    assert any("no rewrite is written for Deployment web: nothing here mends the container-cannot-start "
               "finding of Deployment web; it needs" in n for n in notes)


def test_suggest_writes_nothing_when_it_mends_the_read_only_root_but_not_the_image_s_root_user():
    rewrite, notes = suggest_run(deployment(one("web", "nginx:1.27", "{readOnlyRootFilesystem: true}"),
                                            extra_spec=POD_NON_ROOT))
    assert len(cannot_start(deployment(one("web", "nginx:1.27", "{readOnlyRootFilesystem: true}"),
                                       extra_spec=POD_NON_ROOT))) == 2
    assert rewrite is None
    assert any("no rewrite is written for Deployment web: it mends 1 of the 2 container-cannot-start findings"
               in n for n in notes)


SERVER_IN_A_JOB = """apiVersion: batch/v1
kind: Job
metadata: {name: two-containers}
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext: {runAsNonRoot: true}
      containers:
        - name: web
          image: nginx:1.27
          resources: {requests: {cpu: 50m, memory: 64Mi}}
        - name: writer
          image: debian:12.7
          command: ["/bin/sh", "-c", "echo hello > /tmp/index.html"]
          resources: {requests: {cpu: 10m, memory: 16Mi}}
"""


def test_a_rewrite_written_for_another_finding_mends_what_it_can_and_says_what_still_cannot_start():
    rewrite, _ = suggest_run(SERVER_IN_A_JOB)
    assert rewrite.startswith("# writer: runAsUser")
    assert ("# Still cannot start: it mends 1 of the 2 container-cannot-start findings of Job two-containers"
            in rewrite)
    job = yaml.safe_load(rewrite.split("---\n")[-1])
    writer = next(c for c in job["spec"]["template"]["spec"]["containers"] if c["name"] == "writer")
    assert writer["securityContext"]["runAsUser"] == 65532


def test_a_rewrite_that_leaves_a_container_unable_to_start_does_not_claim_to_fix_it():
    report = REVIEWER.review(parse_inputs([("job.yaml", SERVER_IN_A_JOB)]), ReviewOptions(suggest=True))
    assert report.objects[0].fixes == ("sidecar-blocks-completion",)


def test_suggest_writes_the_fix_when_it_mends_every_finding_of_the_pod():
    """Here the cache is split off too (an unrelated container), and takes the Pod's runAsNonRoot with it."""
    told = '          env: [{name: CACHE_URL, value: "redis://sessions.shop.svc:6379"}]\n'  # no default localhost
    text = deployment(one("web", "nginxinc/nginx-unprivileged:1.27", "{readOnlyRootFilesystem: true}", told)
                      + one("cache", "redis:7.4"), extra_spec=POD_NON_ROOT)
    rewrite, _ = suggest_run(text)
    web, cache = (next(d for d in yaml.safe_load_all(rewrite) if d["kind"] == "Deployment" and d["metadata"]["name"] == n)
                  for n in ("web", "cache"))
    assert len(cannot_start(text)) == 2
    assert cache["spec"]["template"]["spec"]["securityContext"] == {"runAsNonRoot": True}
    assert container_of(cache, "cache")["securityContext"]["runAsUser"] == 999
    assert [m["mountPath"] for m in container_of(web, "web")["volumeMounts"]] == ["/tmp"]


def test_rabbitmq_s_configuration_folder_is_not_taken_for_a_folder_it_writes():
    """The official image ships its enabled plugins and conf.d defaults in /etc/rabbitmq, and the server
    writes nothing there as shipped: an emptyDir over it would hide them (blind round 7)."""
    text = deployment(one("queue", "rabbitmq:3.6.8-management", "{readOnlyRootFilesystem: true}"))
    assert cannot_start(text) == []


# -- a database image given none of the password settings it asks for -------------------------------------

def database(image: str, extra: str = "", name: str = "db") -> str:
    return deployment(one(name, image, extra=extra), name=name, replicas=1, labels=f"app: {name}",
                      extra_spec="      securityContext: {runAsUser: 999, runAsGroup: 999, fsGroup: 999}\n")


def env(*entries: str) -> str:
    return "          env:\n" + "".join(f"            - {entry}\n" for entry in entries)


def test_a_mysql_container_without_a_password_setting_cannot_start():
    [finding] = cannot_start(database("mysql:8.0", env("{name: MYSQL_DATABASE, value: shop}")))
    assert ("unless one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD or MYSQL_RANDOM_ROOT_PASSWORD is set"
            in finding.message)
    assert "CrashLoopBackOff" in finding.message and "Set MYSQL_ROOT_PASSWORD from a Secret" in finding.message


def test_the_finding_says_it_rests_on_the_image_catalogue():
    [finding] = cannot_start(database("postgres:16"))
    assert "pod-advisor's image catalogue gives PostgreSQL up to version 17 (official image)" in finding.guess


def test_a_password_from_a_secret_starts():
    text = database("mysql:8.0", env("{name: MYSQL_ROOT_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: pw}}}"))
    assert cannot_start(text) == []


def test_a_postgres_container_that_trusts_every_connection_starts():
    assert cannot_start(database("postgres:16", env("{name: POSTGRES_HOST_AUTH_METHOD, value: trust}"))) == []


def test_variables_from_env_from_may_hold_the_password():
    text = database("mysql:8.0", "          envFrom:\n            - secretRef: {name: db}\n")
    assert cannot_start(text) == []


ROOT_PASSWORD = "{name: MYSQL_ROOT_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: pw}}}"


@pytest.mark.parametrize("image, user", [("mysql:5.7", "MYSQL_USER"), ("mysql:8.4", "MYSQL_USER"),
                                         ("mariadb:11.4", "MARIADB_USER"), ("mariadb:11.4", "MYSQL_USER")])
def test_a_mysql_or_mariadb_container_naming_root_as_its_ordinary_user_cannot_start(image, user):
    """The entrypoint's user setting makes a user beside root; given root, it stops before it sets up the database
    (blind round 34's labeller: mysql:5.7 with MYSQL_USER=root)."""
    [finding] = cannot_start(database(image, env(ROOT_PASSWORD, f"{{name: {user}, value: root}}",
                                                 "{name: MYSQL_PASSWORD, value: secret}")))
    assert f"sets {user}=root, which its image {image}" in finding.message
    assert "names an ordinary user the entrypoint creates beside root, never root itself" in finding.message
    assert finding.line == 20  # the env entry naming it


@pytest.mark.parametrize("user_entry", ["{name: MYSQL_USER, value: shop}",
                                        "{name: MYSQL_USER, valueFrom: {secretKeyRef: {name: db, key: user}}}"])
def test_an_ordinary_user_or_one_from_a_secret_is_not_judged(user_entry):
    assert cannot_start(database("mysql:8.4", env(ROOT_PASSWORD, user_entry))) == []


def test_root_as_the_user_of_a_mysql_running_a_command_of_its_own_is_not_judged():
    text = database("mysql:8.4", env(ROOT_PASSWORD, "{name: MYSQL_USER, value: root}") + "          command: [sleep, infinity]\n")
    assert cannot_start(text) == []


def test_a_mysql_container_running_a_command_of_its_own_is_not_judged():
    assert cannot_start(database("mysql:8.0", "          command: [sleep, infinity]\n")) == []


def test_a_postgres_tag_older_than_the_check_is_not_judged():
    assert cannot_start(database("postgres:9.6.1")) == []


def test_a_mariadb_with_a_backup_folder_mounted_is_not_judged():
    mount = "          volumeMounts:\n            - {name: backup, mountPath: /docker-entrypoint-initdb.d}\n"
    assert cannot_start(database("mariadb:11.4", mount)) == []


def test_an_init_container_running_a_client_of_the_database_image_is_not_judged():
    text = job(one("main", "busybox:1.36"), init=one("wait", "postgres:16",
                                                     extra="          command: [sh, -c, 'until pg_isready; do sleep 1; done']\n"))
    assert cannot_start(text) == []


# -- long flags written with one dash, where the program reads two ----------------------------------------------

def flags(image: str, args: str = "['-config.file=/etc/am/config.yml', '-storage.path=/alertmanager']",
          command: str = "") -> str:
    extra = (f"          command: {command}\n" if command else "") + (f"          args: {args}\n" if args else "")
    return deployment(one("am", image, extra=extra), name="am", replicas=1, labels="app: am")


@pytest.mark.parametrize("image", ["prom/alertmanager:v0.27.0", "quay.io/prometheus/alertmanager:v0.13.0",
                                   "prom/alertmanager", "prom/prometheus:v2.54.1", "prom/prometheus:v3.1.0",
                                   "prom/node-exporter:v0.15.0", "prom/statsd-exporter:v0.7.0"])
def test_a_long_flag_with_one_dash_to_a_program_that_reads_two_cannot_start(image):
    """Blind round 33's labeller: sock-shop's Alertmanager with -config.file, which Alertmanager refuses since 0.13
    (its flags are kingpin's: one dash and a letter is a short flag it does not define)."""
    [finding] = cannot_start(flags(image))
    assert f"passes -config.file=/etc/am/config.yml to its image {image}" in finding.message
    assert "one-letter flags -c, -o and so on, stops with an error (unknown short flag '-c')" in finding.message
    assert finding.line == 17  # the argument's, not the container's (14)


@pytest.mark.parametrize("image", ["prom/alertmanager:v0.12.0", "prom/alertmanager:0.5.1", "prom/prometheus:v1.8.2",
                                   "prom/prometheus:v2.0.0-alpha.2", "prom/node-exporter:v0.14.0",
                                   "prom/statsd-exporter:v0.6.0"])
def test_a_version_that_reads_one_dash_is_not_judged(image):
    assert cannot_start(flags(image)) == []


@pytest.mark.parametrize("args", ["['--config.file=/etc/am/config.yml', '--storage.path=/alertmanager']",
                                  "['-h']", "['--web.listen-address', ':9093', '--log.level=debug']"])
def test_long_flags_with_two_dashes_and_short_ones_start(args):
    assert cannot_start(flags("prom/alertmanager:v0.27.0", args)) == []


def test_a_command_naming_the_program_passes_its_own_items_as_flags_too():
    [finding] = cannot_start(flags("prom/prometheus:v2.54.1", "", "[/bin/prometheus, -config.file=/etc/p.yml]"))
    assert "passes -config.file=/etc/p.yml" in finding.message
    assert finding.line == 17  # the command's, whose second item it is


@pytest.mark.parametrize("command", ["[/bin/sh, /etc/alertmanager/configure_secret.sh]", "[/bin/other]"])
def test_arguments_to_a_command_of_the_container_s_own_are_not_judged(command):
    """sock-shop's Alertmanager runs a script from its ConfigMap, which the files do not show passing the flags on."""
    assert cannot_start(flags("prom/alertmanager:latest", command=command)) == []


def test_an_image_known_by_its_digest_alone_is_not_judged():
    assert cannot_start(flags("prom/alertmanager@sha256:" + "a" * 64)) == []


def test_a_flag_after_the_end_of_flags_is_not_judged():
    assert cannot_start(flags("prom/alertmanager:v0.27.0", "['--', '-config.file=x']")) == []


def test_the_finding_says_what_a_tag_without_a_version_is_taken_for():
    [finding] = cannot_start(flags("prom/alertmanager"))
    assert finding.guess.endswith("the tag latest names no version, and is taken to be the newest release")


def test_suggest_writes_no_flag_of_its_own():
    """Two dashes alone may not do (Prometheus 2.0 renamed or removed most of its storage flags): a rewrite for
    another finding keeps the arguments as written and says the container still cannot start."""
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: prom, labels: {app: prom}}\nspec:\n  containers:\n"
           "    - name: prom\n      image: prom/prometheus:v2.54.1\n      args: ['-storage.local.path=/data']\n")
    raised, rewrite = raised_and_rewrite(pod)
    assert "container-cannot-start" in raised and "bare-pod" in raised
    assert "-storage.local.path=/data" in rewrite
    assert "nothing here mends the container-cannot-start finding" in rewrite and "a flag)" in rewrite


def raised_and_rewrite(text: str) -> tuple[list[str], str | None]:
    """The finding ids of the one object in ``text``, and the rewrite --suggest writes for it (None: none)."""
    report = REVIEWER.review(parse_inputs([("app.yaml", text)]), ReviewOptions(kubernetes="1.37", suggest=True))
    [reviewed] = report.objects
    return [f.id for f in report.findings], reviewed.suggestion


def test_suggest_writes_no_secret_reference_for_a_missing_password():
    # a reference to a Secret nobody made stops the container earlier (CreateContainerConfigError): no fix
    raised, rewrite = raised_and_rewrite(database("mysql:8.0"))
    assert "container-cannot-start" in raised and rewrite is None


def test_a_base_an_overlay_patches_is_not_judged_on_its_password():
    """zimmertr/Kubernetes-Manifests: the base's postgres sets no password; the overlay README says to deploy patches
    it with envFrom of the Secret its secretGenerator makes (a tuning-half labeller called the finding wrong)."""
    base = database("postgres:16")
    patch = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n"
             "      containers:\n        - name: db\n          envFrom: [{secretRef: {name: db-password}}]\n")
    overlay = "resources: [../../base]\npatchesStrategicMerge: [dep_postgres.yml]\n"
    inputs = [("base/dep.yml", base), ("base/kustomization.yml", "resources: [dep.yml]\n"),
              ("overlays/example/kustomization.yml", overlay), ("overlays/example/dep_postgres.yml", patch)]
    findings = REVIEWER.review(parse_inputs(inputs), ReviewOptions(kubernetes="1.37")).findings
    assert [f for f in findings if f.id == "container-cannot-start"] == []
    alone = REVIEWER.review(parse_inputs(inputs[:2]), ReviewOptions(kubernetes="1.37")).findings
    assert [f.id for f in alone if f.id == "container-cannot-start"] == ["container-cannot-start"]


# -- a database image that will not set itself up with a volume where an earlier version kept its data ---------

PASSWORD = "{name: POSTGRES_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}"
OLD_DATA = "          volumeMounts:\n            - {name: data, mountPath: /var/lib/postgresql/data%s}\n"


def postgres(image: str, *entries: str, mount: str = OLD_DATA % "", more: str = "") -> str:
    return database(image, env(PASSWORD, *entries) + more + mount)


@pytest.mark.parametrize("image", ["postgres", "postgres:latest", "postgres:18.1", "postgres:alpine",
                                   "docker.io/library/postgres:18"])
def test_postgres_18_with_a_volume_where_17_kept_its_data_cannot_start(image):
    [finding] = cannot_start(postgres(image))
    assert "mounts a volume at /var/lib/postgresql/data" in finding.message
    assert "Mount the volume at /var/lib/postgresql, or set PGDATA to a folder on the volume" in finding.message


def test_the_finding_points_at_the_mount():
    text = postgres("postgres:18.1")
    [finding] = cannot_start(text)
    assert text.splitlines()[finding.line - 1].strip().startswith("- {name: data, mountPath: /var/lib/postgresql/data")


def test_a_sub_path_of_the_volume_there_is_still_a_mount_point():
    assert len(cannot_start(postgres("postgres", mount=OLD_DATA % ", subPath: postgres"))) == 1


def test_the_finding_says_what_a_tag_without_a_version_is_taken_for():
    [finding] = cannot_start(postgres("postgres"))
    assert "the tag latest names no version, and is taken to be the newest release" in finding.guess
    [pinned] = cannot_start(postgres("postgres:18.1"))
    assert "names no version" not in pinned.guess


@pytest.mark.parametrize("text", [
    postgres("postgres:17"),  # the layout it was written for
    postgres("postgres", "{name: PGDATA, value: /var/lib/postgresql/data/pgdata}"),
    postgres("postgres", mount="          volumeMounts:\n            - {name: data, mountPath: /var/lib/postgresql}\n"),
    postgres("postgres", more="          envFrom:\n            - configMapRef: {name: db}\n"),
    postgres("postgres", more="          command: [sleep, infinity]\n"),
    postgres("postgres@sha256:" + "a" * 64),  # a digest alone: its version is not known
], ids=["version-17", "pgdata-set", "mounted-at-the-new-place", "env-from", "own-command", "digest"])
def test_postgres_is_not_judged_where_the_volume_is_where_its_version_wants_it_or_the_evidence_does_not_say(text):
    assert cannot_start(text) == []


def test_suggest_writes_nothing_for_a_volume_at_the_old_place():
    raised, rewrite = raised_and_rewrite(postgres("postgres:18.1"))
    assert "container-cannot-start" in raised and rewrite is None


# -- a file the container's own script touches on a read-only root (round 28's troubleshooting lab) -----------


def writer(script: str, image: str = "busybox:1.36", extra: str = "", shell: str = '"sh", "-c"') -> str:
    return deployment(one("writer", image, "{readOnlyRootFilesystem: true}",
                          f"          command: [{shell}, {script!r}]\n" + extra))


def test_a_touch_that_fails_on_a_read_only_root_before_the_work_cannot_start():
    [finding] = cannot_start(writer("touch /tmp/healthy && sleep 3600"))
    assert "its command touches /tmp/healthy, where no volume is mounted" in finding.message
    assert "Mount an emptyDir at /tmp" in finding.message


@pytest.mark.parametrize("script, shell", [("set -e; touch /tmp/ready; exec sleep 3600", '"sh", "-c"'),
                                           ("set -eu; touch /tmp/ready; exec sleep 3600", '"sh", "-c"'),
                                           ("touch /tmp/ready; exec sleep 3600", '"sh", "-ec"')])
def test_under_errexit_a_failing_touch_stops_the_script_too(script, shell):
    assert len(cannot_start(writer(script, shell=shell))) == 1


@pytest.mark.parametrize("script", ["touch /tmp/ready; sleep 3600", "touch /tmp/ready || true; sleep 3600",
                                    "sleep 5 && touch /tmp/ready && sleep 3600", "touch $HOME/ready && sleep 3600",
                                    "touch /dev/termination-log && sleep 3600"])
def test_a_touch_whose_failure_does_not_stop_the_script_first_is_not_judged(script):
    assert cannot_start(writer(script)) == []


def test_a_touch_under_a_mounted_folder_starts():
    mounted = "          volumeMounts: [{name: t, mountPath: /tmp}]\n"
    text = writer("touch /tmp/healthy && sleep 3600", extra=mounted).replace(
        "      containers:", "      volumes: [{name: t, emptyDir: {}}]\n      containers:")
    assert cannot_start(text) == []


def test_an_image_whose_declared_volumes_the_catalogue_does_not_know_is_not_judged_on_what_it_touches():
    assert cannot_start(writer("touch /tmp/healthy && sleep 3600", image="registry.example.com/tools:1.0")) == []


def test_suggest_mounts_an_empty_dir_at_the_folder_of_the_file_touched():
    fixed = suggested(writer("touch /tmp/healthy && sleep 3600"))
    assert container_of(fixed, "writer")["volumeMounts"] == [{"name": "writer-tmp", "mountPath": "/tmp"}]


def test_suggest_cannot_mount_a_volume_at_the_root_for_a_file_touched_there():
    rewrite, notes = suggest_run(writer("touch /healthy && sleep 3600"))
    assert len(cannot_start(writer("touch /healthy && sleep 3600"))) == 1
    assert rewrite is None and any("nothing here mends the container-cannot-start finding of" in n for n in notes)


def test_a_file_touched_at_the_root_is_told_to_move_under_a_volume():
    [finding] = cannot_start(writer("touch /healthy && sleep 3600"))
    assert finding.message.endswith("Write the file under a folder a volume holds (no volume can be mounted at /)")


def test_args_that_are_no_list_are_not_read_for_what_the_command_touches():
    text = writer("touch /tmp/healthy && sleep 3600").replace('command: ["sh", "-c", ', 'command: ["sh"]\n'
                                                                                         '          args: {"-c": ')
    text = text.replace("sleep 3600']", "sleep 3600'}")
    assert "args: {" in text and cannot_start(text) == []


# -- a base image's shell, and two servers on one port (round 30's missed finding) ------------------------------


def test_a_base_image_run_with_its_own_shell_in_a_deployment_exits_at_once():
    [finding] = cannot_start(deployment(one("box", "busybox:1.31.0")))
    assert "its image 'busybox' is a base image whose default command is a shell" in finding.message
    assert "CrashLoopBackOff" in finding.message


def test_a_port_declared_on_a_base_image_does_not_make_its_shell_serve():
    assert len(cannot_start(deployment(one("box", "busybox:1.31.0", extra="          ports: [{containerPort: 80}]\n")))) == 1


@pytest.mark.parametrize("extra", ["          command: [sleep, infinity]\n", "          stdin: true\n",
                                   "          tty: true\n", "          args: [sleep, '3600']\n"])
def test_a_base_image_given_a_command_or_a_terminal_starts(extra):
    assert cannot_start(deployment(one("box", "busybox:1.31.0", extra=extra))) == []


def test_a_base_image_s_shell_in_a_job_finishes_and_is_not_judged():
    assert cannot_start(job(one("box", "busybox:1.31.0"))) == []


def test_two_containers_of_one_server_image_in_a_pod_cannot_both_bind_its_port():
    [finding] = cannot_start(deployment(one("web", "nginx:1.14.2") + one("web2", "nginx:1.14.2")))
    assert finding.container == "web2"
    assert "web2 and web both run the image nginx:1.14.2's own command, which listens on port 80" in finding.message


@pytest.mark.parametrize("extra", ["          args: [nginx, -c, /etc/nginx/other.conf]\n",
                                   "          volumeMounts: [{name: conf, mountPath: /etc/nginx/conf.d}]\n",
                                   "          env: [{name: NGINX_PORT, value: '8080'}]\n"])
def test_a_second_server_given_anything_that_may_move_its_port_is_not_judged(extra):
    text = deployment(one("web", "nginx:1.14.2") + one("web2", "nginx:1.14.2", extra=extra),
                      extra_spec="      volumes: [{name: conf, emptyDir: {}}]\n")
    assert cannot_start(text) == []


def test_two_servers_of_different_images_are_not_judged_on_ports():
    assert cannot_start(deployment(one("web", "nginx:1.27") + one("cache", "redis:7.4"))) == []


def test_a_test_s_fixture_is_not_judged_on_a_base_image_s_shell(tmp_path):
    """Kyverno's chainsaw tests apply such objects to see them admitted or denied: what runs is beside their point."""
    (tmp_path / "policies" / "test").mkdir(parents=True)
    found = {}
    for folder in ("policies", "policies/test"):
        path = tmp_path / folder / "daemonset.yaml"
        path.write_text(deployment(one("driver", "alpine:3.20"), kind="DaemonSet"))
        report = REVIEWER.review(parse_inputs([(str(path), path.read_text())]), ReviewOptions())
        found[folder] = [f.id for f in report.findings if f.id == "container-cannot-start"]
    assert found == {"policies": ["container-cannot-start"], "policies/test": []}
