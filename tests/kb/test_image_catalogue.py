"""The image catalogue (knowledge/images/, advisor.kb.images): what each family of images is,
every fact with its source, a schema checked at load, references matched as a runtime reads
them, and ``pod-advisor explain IMAGE``."""

from __future__ import annotations

import json

import pytest

from advisor.system.errors import KnowledgeBaseError
from advisor.kb import images
from advisor.kb.images import FACTS, catalogue, image_user, load_catalogue, match, parse_reference
from advisor.kb.files import yaml_files
from advisor.review import images as review_images

ROLES = next((name, text) for name, text in yaml_files(images.PACKAGE) if name.endswith("/roles.yaml"))

FAMILY = """\
images:
  - id: example
    title: An example image
    match:
      repositories: [example/server]
    sources:
      dockerfile: https://example.com/Dockerfile
    user: {value: "1000", from: dockerfile}
    any_uid: {value: null, note: "Not documented."}
    run_as: {value: 1000, from: dockerfile}
    ports: {value: [8080], from: dockerfile}
    writes: {value: [/tmp], from: dockerfile}
    runs: {value: until-stopped, from: dockerfile}
    role: {value: service, from: dockerfile}
    shell: {value: true, from: dockerfile}
"""


def problems_of(text: str, name: str = "knowledge/images/example.yaml") -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_catalogue([ROLES, (name, text)])
    return caught.value.problems


# -- the shipped catalogue ----------------------------------------------------------

def test_the_catalogue_holds_at_least_sixty_families():
    assert len(catalogue().families) >= 60


def test_every_family_states_every_fact_known_or_unknown():
    missing = [(f.id, name) for f in catalogue().families for name in FACTS if f.fact(name) is None]
    assert missing == []


def test_every_stated_fact_names_the_url_it_was_read_from():
    unsourced = [(f.id, name) for f in catalogue().families for name in FACTS + ("alternative",)
                 if f.fact(name) is not None and f.fact(name).known
                 and not (f.fact(name).sources and all(u.startswith("https://") for u in f.fact(name).sources))]
    assert unsourced == []


def test_every_unknown_fact_says_why_in_a_note():
    silent = [(f.id, name) for f in catalogue().families for name in FACTS
              if not f.fact(name).known and not f.fact(name).note]
    assert silent == []


def test_every_unprivileged_alternative_is_itself_a_non_root_family():
    for family in catalogue().families:
        if family.alternative is not None and family.alternative.known:
            other = match(family.alternative.value.image)
            assert other is not None and other.root is False, family.id


def test_family_ids_are_unique():
    ids = [f.id for f in catalogue().families]
    assert len(ids) == len(set(ids))


def test_the_catalogue_loads_once_per_process():
    assert catalogue() is catalogue()


# -- the schema, checked at load ---------------------------------------------------

def test_the_shipped_files_pass_their_own_schema():
    assert load_catalogue().families


def test_a_value_of_the_wrong_type_names_file_line_and_key_path():
    problems = problems_of(FAMILY.replace("ports: {value: [8080]", "ports: {value: eighty"))
    assert problems == [("knowledge/images/example.yaml:11: images[0].ports.value: expected list or NoneType, "
                         "found str")]


def test_an_unknown_key_names_file_line_and_key_path():
    problems = problems_of(FAMILY.replace("    title: An example image\n",
                                          "    title: An example image\n    colour: blue\n"))
    assert problems[0].startswith("knowledge/images/example.yaml:4: images[0]: unknown key 'colour'")


def test_a_stated_value_without_a_source_is_refused():
    problems = problems_of(FAMILY.replace('ports: {value: [8080], from: dockerfile}', "ports: {value: [8080]}"))
    assert problems == [("knowledge/images/example.yaml:11: images[0].ports: a stated value needs 'from': the "
                         "source key(s) it was read from")]


def test_an_unknown_value_without_a_note_is_refused():
    problems = problems_of(FAMILY.replace('any_uid: {value: null, note: "Not documented."}', "any_uid: {value: null}"))
    assert problems == [("knowledge/images/example.yaml:9: images[0].any_uid: an unknown value (null) needs a note "
                         "saying why no source settles it")]


def test_a_source_key_the_family_does_not_list_is_refused():
    problems = problems_of(FAMILY.replace("shell: {value: true, from: dockerfile}", "shell: {value: true, from: docs}"))
    assert problems == [("knowledge/images/example.yaml:15: images[0].shell.from: 'docs' is not a key of this "
                         "family's sources")]


def test_a_source_that_is_not_an_https_url_is_refused():
    problems = problems_of(FAMILY.replace("https://example.com/Dockerfile", "Dockerfile"))
    assert problems == ["knowledge/images/example.yaml:7: images[0].sources.dockerfile: must be an https:// URL"]


def test_a_role_the_catalogue_does_not_define_is_refused():
    problems = problems_of(FAMILY.replace("role: {value: service", "role: {value: wizard"))
    assert len(problems) == 1 and problems[0].startswith(
        "knowledge/images/example.yaml:14: images[0].role.value: 'wizard' is no role")


def test_an_alternative_that_is_no_family_is_refused():
    text = FAMILY + '    alternative: {value: {image: "other/server", port: 80, uid: 101}, from: dockerfile}\n'
    assert problems_of(text) == [("knowledge/images/example.yaml:16: images[0].alternative.value.image: "
                                  "'other/server' is no family of the catalogue")]


def test_two_families_for_the_same_repository_and_tags_are_refused():
    problems = problems_of(FAMILY + FAMILY[len("images:\n"):].replace("id: example", "id: example-two"))
    assert any("'example/server' is also matched by example" in p for p in problems)


def test_every_problem_is_reported_at_once():
    text = FAMILY.replace("ports: {value: [8080]", "ports: {value: eighty").replace(
        "runs: {value: until-stopped", "runs: {value: forever")
    problems = problems_of(text)
    assert [p.split(": ")[1] for p in problems] == ["images[0].ports.value", "images[0].runs.value"]


def test_yaml_that_does_not_parse_names_its_file_and_line():
    problems = problems_of("images:\n  - id: [unclosed\n")
    assert len(problems) == 1 and problems[0].startswith("knowledge/images/example.yaml:3: not valid YAML")


# -- matching references ------------------------------------------------------------

SHA = "sha256:" + "0123456789abcdef" * 4


@pytest.mark.parametrize("reference", [
    "nginx",
    "nginx:1.27",
    "nginx:1.27-alpine",
    "library/nginx:1.27",
    "docker.io/nginx:1.27",
    "docker.io/library/nginx:1.27",
    "index.docker.io/library/nginx",
    "registry.example.com:5000/nginx:1.27",
    "localhost:5000/library/nginx",
    f"nginx@{SHA}",
    f"docker.io/library/nginx:1.27@{SHA}",
])
def test_every_spelling_of_the_official_nginx_image_is_the_nginx_family(reference):
    assert match(reference).id == "nginx"


@pytest.mark.parametrize("reference,family", [
    ("gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11", "cloud-sql-proxy"),
    ("us.gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0-alpine", "cloud-sql-proxy-shell"),
    ("nginxinc/nginx-unprivileged:1.27", "nginx-unprivileged"),
    ("registry.k8s.io/sig-storage/csi-provisioner:v5.0.1", "csi-provisioner"),
    ("mirror.example.com/team/csi-provisioner:v5.0.1", "csi-provisioner"),
    ("quay.io/prometheus/node-exporter:v1.8.2", "node-exporter"),
    ("cr.fluentbit.io/fluent/fluent-bit:3.1", "fluent-bit"),
    ("fluent/fluent-bit:3.1-debug", "fluent-bit-debug"),
    ("php:8.3-fpm-alpine", "php-fpm"),
    ("php:8.3", "php"),
])
def test_a_reference_finds_its_family(reference, family):
    assert match(reference).id == family


@pytest.mark.parametrize("reference,family", [
    ("gcr.io/distroless/static-debian12", "distroless"),  # no tag: latest
    ("gcr.io/distroless/static-debian12:latest", "distroless"),
    ("gcr.io/distroless/static-debian12:nonroot", "distroless-nonroot"),
    ("gcr.io/distroless/base:debug", "distroless-debug"),
    ("gcr.io/distroless/cc-debian12:debug-nonroot", "distroless-debug-nonroot"),
    (f"gcr.io/distroless/static-debian12@{SHA}", "distroless"),  # a digest alone: its tag is unknown
])
def test_a_tag_chooses_between_families_of_one_repository(reference, family):
    assert match(reference).id == family


@pytest.mark.parametrize("reference", ["mycorp/app:1.0", "nginx-custom", "example.com/nginx/extra", "bitnami"])
def test_an_image_the_catalogue_does_not_know_matches_nothing(reference):
    assert match(reference) is None


@pytest.mark.parametrize("reference", ["", "NGINX", "nginx:", "nginx:a b", "nginx@sha256:short", "a b", "/nginx",
                                       "nginx//x", "registry.example.com:port/nginx"])
def test_what_no_runtime_would_pull_matches_nothing(reference):
    assert parse_reference(reference) is None and match(reference) is None


def test_a_reference_is_taken_apart_as_a_runtime_reads_it():
    ref = parse_reference(f"registry.example.com:5000/team/app:1.2@{SHA}")
    assert (ref.registry, ref.path, ref.repository, ref.tag, ref.digest) == (
        "registry.example.com:5000", "team/app", "team/app", "1.2", SHA)


def test_a_docker_hub_name_gets_its_registry_and_library_path():
    ref = parse_reference("redis")
    assert (ref.registry, ref.path, ref.repository, ref.tag) == ("docker.io", "library/redis", "redis", None)


def test_a_first_part_without_dot_or_port_is_a_docker_hub_namespace_not_a_registry():
    assert parse_reference("bitnami/redis:7").registry == "docker.io"
    assert parse_reference("localhost/app").registry == "localhost"


# -- the user the kubelet checks ----------------------------------------------------

@pytest.mark.parametrize("reference,user", [
    ("nginx:1.27", ""),  # no USER: root
    ("nginxinc/nginx-unprivileged:1.27", "101"),
    ("bitnami/postgresql:17", "1001"),
    ("haproxy:3.0", "haproxy"),  # a name the kubelet cannot check
    ("gcr.io/distroless/static:nonroot", "65532"),
    ("gcr.io/distroless/static", "0"),
    ("mycorp/app:1.0", None),
])
def test_image_user_is_the_user_as_the_image_configuration_holds_it(reference, user):
    assert image_user(reference) == user


def test_an_image_whose_user_no_source_settles_has_no_user():
    assert image_user("ubuntu:24.04") is None


# -- what review reads from it (tests/review/test_review_images.py) ---------------------------

def test_every_family_words_and_ports_are_what_review_guesses_from():
    """review/images.py holds no table of its own: its families are the roles that have words."""
    assert review_images.FAMILIES == tuple(role for role in catalogue().roles.values() if role.words)


def test_a_family_that_declares_volumes_declares_absolute_paths():
    for family in catalogue().families:
        if family.volumes is not None and family.volumes.known:
            assert all(path.startswith("/") for path in family.volumes.value), family.id


# -- pod-advisor explain IMAGE --------------------------------------------------------

def test_explain_an_image_shows_its_facts_and_numbered_sources(cli):
    run = cli("explain", "nginx:1.27")
    assert run.status == 0 and run.stderr == ""
    assert run.stdout.startswith("NGINX (official image)  nginx  (image)")
    for line in ("user      root (the image names no user) [1]", "ports     80 [1]",
                 "writes    /var/cache/nginx, /var/run [2]",
                 "instead   nginxinc/nginx-unprivileged, port 8080, UID 101"):
        assert line in run.stdout
    assert "[1] https://github.com/nginxinc/docker-nginx/blob/master/mainline/debian/Dockerfile" in run.stdout


def test_explain_an_image_at_another_registry_finds_its_family(cli):
    run = cli("explain", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11")
    assert run.status == 0 and "cloud-sql-proxy  (image)" in run.stdout and "UID 65532" in run.stdout


def test_explain_an_image_says_what_is_not_known(cli):
    run = cli("explain", "memcached")
    assert "any UID   not known" in run.stdout and "Not documented." in run.stdout


def test_explain_an_image_as_json_carries_each_fact_with_its_sources(cli):
    record = json.loads(cli("explain", "nginx", "--format", "json").stdout)
    assert (record["type"], record["id"], record["role"]["purpose"]) == ("image", "nginx", "proxy-inbound")
    assert record["facts"]["user"]["value"] == "" and record["facts"]["user"]["sources"]
    assert record["facts"]["alternative"]["value"] == {"image": "nginxinc/nginx-unprivileged", "port": 8080,
                                                       "uid": 101}


def test_explain_an_image_whose_program_reads_two_dashes_says_so_and_which_tags_read_one(cli):
    run = cli("explain", "prom/alertmanager:v0.27.0")
    said = " ".join(run.stdout.split())
    assert "flags long flags with two dashes only (--config.file)" in said
    assert "a flag with one dash (-config.file) stops it with an error" in said
    assert "Not for tags v0.[0-9], v0.[0-9].*" in said


def test_explain_an_image_as_markdown_is_a_table(cli):
    run = cli("explain", "redis:7.4", "--format", "markdown")
    assert run.stdout.startswith("## Redis (official image)\n")
    assert "| user | root (the image names no user)" in run.stdout


def test_explain_a_topic_found_by_name_is_still_the_knowledge_base_entry(cli):
    assert cli("explain", "sidecar").stdout.startswith("Sidecar pattern  patterns.sidecar")


def test_explain_an_unknown_image_is_an_unknown_topic(cli):
    run = cli("explain", "mycorp/app:1.0")
    assert run.status == 2 and "no entry, rule or finding is called" in run.stderr


def test_a_folder_the_image_ships_files_in_must_be_one_it_writes():
    text = FAMILY + "    ships: {value: [/etc/example], from: dockerfile}\n"
    [problem] = problems_of(text)
    assert "example.yaml" in problem and "ships.value[0]" in problem
    assert "'/etc/example' is not among the paths the family writes" in problem


def test_a_shipped_folder_among_the_written_ones_is_read():
    text = FAMILY.replace("writes: {value: [/tmp]", "writes: {value: [/tmp, /etc/example]") + \
        "    ships: {value: [/etc/example], from: dockerfile}\n"
    [family] = [f for f in load_catalogue([ROLES, ("knowledge/images/example.yaml", text)]).families]
    assert family.ships.value == ("/etc/example",)


# -- the memory an image's shipped settings need ------------------------------------------------

def test_a_memory_that_is_no_kubernetes_quantity_is_refused():
    [problem] = problems_of(FAMILY + "    memory: {value: 1.5 gigabytes, from: dockerfile}\n")
    assert problem == ("knowledge/images/example.yaml:16: images[0].memory.value: must be a Kubernetes memory "
                       "quantity in whole bytes, such as 512Mi or 1536Mi")


def test_a_memory_in_thousandths_of_a_byte_is_refused():
    [problem] = problems_of(FAMILY + "    memory: {value: 1536m, from: dockerfile}\n")
    assert "images[0].memory.value: must be a Kubernetes memory quantity" in problem


def test_a_memory_below_the_starter_value_is_refused():
    [problem] = problems_of(FAMILY + "    memory: {value: 64Mi, from: dockerfile}\n")
    assert problem == ("knowledge/images/example.yaml:16: images[0].memory.value: '64Mi' is less than the starter "
                       "manifest's 128Mi: state memory only for an image that needs more")


def test_a_memory_the_image_needs_is_read_with_its_note():
    text = FAMILY + '    memory: {value: 1536Mi, from: dockerfile, note: "1 GiB heap + ~0.5 GiB beside it."}\n'
    [family] = load_catalogue([ROLES, ("knowledge/images/example.yaml", text)]).families
    assert (family.memory.value, family.memory.note) == ("1536Mi", "1 GiB heap + ~0.5 GiB beside it.")
    assert family.memory.sources == ("https://example.com/Dockerfile",)


def test_apache_kafka_needs_its_default_heap_and_what_its_jvm_needs_beside_it():
    assert match("apache/kafka:3.9.0").memory.value == "1536Mi"


# -- needs_env: settings an image will not start without ----------------------------------------

NEEDS = "    needs_env: {value: {any: [DB_PASSWORD], command: [server]}, from: dockerfile}\n"


def test_a_family_may_state_the_settings_its_image_will_not_start_without():
    [family] = load_catalogue([ROLES, ("knowledge/images/example.yaml", FAMILY + NEEDS)]).families[-1:]
    assert (family.needs_env.value.any, family.needs_env.value.command) == (("DB_PASSWORD",), ("server",))


def test_a_setting_that_is_no_variable_name_is_refused_at_its_key_path():
    problems = problems_of(FAMILY + NEEDS.replace("[DB_PASSWORD]", "[db password]"))
    assert problems == [("knowledge/images/example.yaml:16: images[0].needs_env.value.any: 'db password': must be "
                         "an environment variable's name, or NAME=value")]


def test_settings_without_the_command_that_checks_them_are_refused():
    problems = problems_of(FAMILY + NEEDS.replace("command: [server]", "command: []"))
    assert problems == [("knowledge/images/example.yaml:16: images[0].needs_env.value.command: must list at least "
                         "one argument")]


@pytest.mark.parametrize("family", ["mysql", "mariadb", "postgres"])
def test_the_official_database_images_state_the_password_settings_they_ask_for(family):
    assert catalogue().family(family).needs_env.known


BELOW = "    data_env: {value: {name: DB_DATA, path: /tmp/db}, from: dockerfile}\n"


def test_a_family_may_state_the_setting_that_keeps_its_data_below_its_volume_s_root():
    [family] = load_catalogue([ROLES, ("knowledge/images/example.yaml", FAMILY + BELOW)]).families[-1:]
    assert (family.data_env.value.name, family.data_env.value.path) == ("DB_DATA", "/tmp/db")


def test_a_data_folder_outside_the_first_written_path_is_refused_at_its_key_path():
    problems = problems_of(FAMILY + BELOW.replace("/tmp/db", "/var/db"))
    assert problems == ["knowledge/images/example.yaml:16: images[0].data_env.value.path: '/var/db' is not below the "
                        "first path the family writes, where its data volume goes"]


def test_a_data_folder_setting_that_is_no_variable_name_is_refused():
    problems = problems_of(FAMILY + BELOW.replace("DB_DATA", "DB_DATA=/x"))
    assert problems == ["knowledge/images/example.yaml:16: images[0].data_env.value.name: must be an environment "
                        "variable's name"]


@pytest.mark.parametrize("reference, family", [
    ("postgres", "postgres"), ("postgres:18.1", "postgres"), ("postgres:alpine", "postgres"),
    ("postgres@sha256:" + "a" * 64, "postgres"), ("postgres:17", "postgres-17"), ("postgres:17.2-bookworm", "postgres-17"),
    ("postgres:9.6.1", "postgres-17"), ("postgres:10-alpine", "postgres-17")])
def test_a_postgres_tag_names_the_layout_of_its_major_version(reference, family):
    assert match(reference).id == family


REFUSES = "    refuses_mounts: {value: {paths: [/srv/old], unless: [DB_DATA], command: [server]}, from: dockerfile}\n"


def test_a_family_may_state_where_a_volume_keeps_its_entrypoint_from_setting_up():
    [family] = load_catalogue([ROLES, ("knowledge/images/example.yaml", FAMILY + REFUSES)]).families[-1:]
    refuses = family.refuses_mounts.value
    assert (refuses.paths, refuses.unless, refuses.command) == (("/srv/old",), ("DB_DATA",), ("server",))


def test_refused_mounts_without_a_path_are_refused_at_their_key_path():
    problems = problems_of(FAMILY + REFUSES.replace("[/srv/old]", "[]"))
    assert problems == ["knowledge/images/example.yaml:16: images[0].refuses_mounts.value.paths: must list at least "
                        "one path"]


REFUSES_ENV = ("    refuses_env: {value: {any: [DB_USER=root], command: [server], remedy: Name another user},"
               " from: dockerfile}\n")


def test_a_family_may_state_a_settings_value_its_entrypoint_stops_at():
    [family] = load_catalogue([ROLES, ("knowledge/images/example.yaml", FAMILY + REFUSES_ENV)]).families[-1:]
    refuses = family.refuses_env.value
    assert (refuses.any, refuses.command, refuses.remedy) == (("DB_USER=root",), ("server",), "Name another user")


def test_a_refused_setting_without_its_value_is_refused_at_its_key_path():
    problems = problems_of(FAMILY + REFUSES_ENV.replace("DB_USER=root", "DB_USER"))
    assert problems == ["knowledge/images/example.yaml:16: images[0].refuses_env.value.any: 'DB_USER': must be NAME=value"]


LONG_FLAGS = ("    long_flags: {value: {program: [/bin/server, server], remedy: Write two dashes, except_tags: ['0.*']},"
              " from: dockerfile}\n")


def test_a_family_may_state_that_its_program_reads_long_flags_with_two_dashes_only():
    [family] = load_catalogue([ROLES, ("knowledge/images/example.yaml", FAMILY + LONG_FLAGS)]).families[-1:]
    flags = family.long_flags.value
    assert (flags.program, flags.remedy, flags.except_tags) == (("/bin/server", "server"), "Write two dashes", ("0.*",))


def test_long_flags_naming_no_program_are_refused_at_their_key_path():
    problems = problems_of(FAMILY + LONG_FLAGS.replace("[/bin/server, server]", "[]"))
    assert problems == ["knowledge/images/example.yaml:16: images[0].long_flags.value.program: must list at least one "
                        "program"]
