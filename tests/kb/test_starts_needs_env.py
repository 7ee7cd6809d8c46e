"""advisor.kb.starts.missing_env: whether a container gives one of the settings its image's entrypoint will not
start a new database without (the catalogue's needs_env), decided from what the container runs and sets. The
engine's password-from-secret and review's container-cannot-start both take this one decision."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from advisor.kb.starts import env_of, missing_env, one_dash_flag, plan_start

MYSQL = ("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD")


def missing(image: str, env: dict | None = None, **running) -> tuple | None:
    return missing_env(plan_start(image), {} if env is None else env, **running)


def test_a_mysql_container_that_sets_none_of_them_misses_them_all():
    assert missing("mysql:8.4", {"MYSQL_DATABASE": "shop"}) == MYSQL


def test_a_password_read_from_a_secret_is_given():
    assert missing("mysql:8.4", {"MYSQL_ROOT_PASSWORD": None}) is None


def test_a_password_file_is_given_as_the_entrypoint_reads_it():
    assert missing("mysql:8.4", {"MYSQL_ROOT_PASSWORD_FILE": "/run/secrets/root"}) is None


def test_an_empty_value_is_not_given():
    assert missing("mysql:8.4", {"MYSQL_ROOT_PASSWORD": ""}) == MYSQL


def test_any_one_of_the_settings_is_enough():
    assert missing("mysql:8.4", {"MYSQL_RANDOM_ROOT_PASSWORD": "yes"}) is None


def test_a_setting_with_a_value_is_given_only_by_that_value():
    assert missing("postgres:16", {"POSTGRES_HOST_AUTH_METHOD": "md5"}) == ("POSTGRES_PASSWORD",
                                                                           "POSTGRES_HOST_AUTH_METHOD=trust")
    assert missing("postgres:16", {"POSTGRES_HOST_AUTH_METHOD": "trust"}) is None


def test_a_setting_with_a_value_read_from_a_secret_is_not_judged():
    assert missing("postgres:16", {"POSTGRES_HOST_AUTH_METHOD": None}) is None


def test_variables_from_env_from_are_not_judged():
    assert missing_env(plan_start("mysql:8.4"), None) is None


def test_a_command_of_the_container_s_own_replaces_the_entrypoint():
    assert missing("mysql:8.4", command=["sh", "-c", "sleep 3600"]) is None


def test_arguments_that_run_another_program_are_not_judged():
    assert missing("mysql:8.4", args=["mysql", "-h", "db"]) is None


def test_options_for_the_server_are_still_checked():
    assert missing("mysql:8.4", args=["--character-set-server=utf8mb4"]) == MYSQL
    assert missing("mysql:8.4", args=["mysqld", "--skip-name-resolve"]) == MYSQL


def test_a_postgres_tag_that_pins_a_release_older_than_the_check_is_not_judged():
    assert missing("postgres:9.6.1") is None
    assert missing("postgres:10.5-alpine") is None


def test_a_postgres_version_tag_rebuilt_since_the_check_is_judged():
    assert missing("postgres:12") == ("POSTGRES_PASSWORD", "POSTGRES_HOST_AUTH_METHOD=trust")
    assert missing("postgres:15.4") is not None


def test_an_image_pinned_by_digest_alone_is_not_judged():
    assert missing("mysql@sha256:" + "a" * 64) is None


def test_a_volume_that_may_hold_a_backup_to_restore_is_not_judged():
    start = plan_start("mariadb:11.4")
    assert missing_env(start, {}, mount_paths=["/docker-entrypoint-initdb.d"]) is None
    assert missing_env(start, {}, mount_paths=["/var/lib/mysql"]) is not None


def test_an_image_the_catalogue_states_nothing_for_needs_nothing():
    assert missing("redis:7.4") is None
    assert missing("bitnamilegacy/postgresql:16.4.0") is None


def test_env_of_reads_values_and_references_and_the_last_entry_of_a_name_wins():
    spec = {"env": [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"secretKeyRef": {}}},
                    {"name": "A", "value": ""}, {"name": "C"}]}
    assert env_of(spec) == {"A": "", "B": None, "C": ""}


def test_env_of_a_container_with_env_from_is_not_known():
    assert env_of({"envFrom": [{"secretRef": {"name": "db"}}], "env": []}) is None


# -- any container spec, as a manifest may hold it --------------------------------------------------------

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                       max_leaves=8)
_NAMES = st.sampled_from(["MYSQL_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD_FILE", "POSTGRES_PASSWORD",
                          "POSTGRES_HOST_AUTH_METHOD", "OTHER"])
_ENTRY = st.one_of(_VALUES, st.fixed_dictionaries({"name": st.one_of(_NAMES, _VALUES)},
                                                  optional={"value": _VALUES, "valueFrom": _VALUES}))
_SPEC = st.fixed_dictionaries({}, optional={"env": st.one_of(_VALUES, st.lists(_ENTRY, max_size=4)),
                                            "envFrom": _VALUES, "command": _VALUES, "args": _VALUES})


@given(spec=_SPEC, image=st.sampled_from(["mysql:8.4", "postgres:16", "postgres:9.6.1", "mariadb:11.4", "redis:7.4",
                                          "mysql@sha256:" + "b" * 64, "not a reference"]))
def test_any_container_spec_gives_an_answer_and_never_an_error(spec, image):
    """What a container runs and sets, however a manifest writes it, is judged or left alone; it never raises."""
    start = plan_start(image)
    needed = missing_env(start, env_of(spec), spec.get("command"), spec.get("args"))
    assert needed is None or needed == start.needs_env.any


@given(spec=_SPEC, image=st.sampled_from(["prom/prometheus:v2.54.1", "prom/alertmanager", "prom/alertmanager:v0.12.0",
                                          "prom/prometheus@sha256:" + "c" * 64, "redis:7.4", "not a reference"]))
def test_any_command_and_args_give_a_flag_or_none_and_never_an_error(spec, image):
    """A long flag with one dash is found in what the container passes the image's program, however a manifest writes
    its command and args (a mapping, numbers, nothing); anything else is left alone, never an error."""
    found = one_dash_flag(plan_start(image), spec.get("command"), spec.get("args"))
    assert found is None or (found[0].startswith("-") and not found[0].startswith("--")
                             and found[1] in ("command", "args"))
