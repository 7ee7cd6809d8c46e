"""Answer files, format 1: defaults, and every error the spec lists.

Each error case checks what a user sees: exit status 2, a message naming the
file, the key path and the line, and nothing on stdout.
"""

import pytest

from advisor.answers.load import answers_to_data, answers_from_data, parse_answers
from advisor.system.errors import InputError

MINIMAL = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n"


def refused(cli, write, text, name="app.yaml"):
    path = write(name, text)
    run = cli("evaluate", path)
    assert run.status == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    return run.stderr


def test_a_minimal_file_gets_every_default():
    answers = parse_answers(MINIMAL, "shop.yaml")
    assert (answers.kubernetes, answers.environment, answers.runs_to_completion, answers.schedule,
            answers.keep_failed_attempts, answers.one_per_node, answers.stable_identity, answers.replicas,
            answers.addressed_by_others) == ("1.37", "production", False, None, False, False, False, 1, False)
    assert answers.main.name == "web" and answers.main.ports == ()


def test_a_non_main_container_gets_the_helper_defaults():
    helper = parse_answers(MINIMAL + "  - name: side\n    image: busybox:1.36\n", "x.yaml").containers[1]
    assert (helper.purpose, helper.shares_volume, helper.uses_localhost, helper.same_node,
            helper.scales_independently, helper.talks_over_network, helper.stable_identity,
            helper.replicas) == ("other", False, False, False, False, False, False, 1)


def test_main_true_makes_a_later_container_the_main_one():
    text = MINIMAL + "  - name: app\n    image: app:1\n    main: true\n"
    answers = parse_answers(text.replace("image: nginx:1.27", "image: nginx:1.27\n    purpose: ship-logs"), "x")
    assert answers.main.name == "app"


def test_an_unquoted_version_keeps_its_trailing_zero():
    assert parse_answers('kubernetes: 1.30\n' + MINIMAL, "x").kubernetes == "1.30"


def test_json_answer_files_are_read_too(write, cli):
    path = write("app.json", '{"name": "shop", "containers": [{"name": "web", "image": "nginx:1.27"}]}')
    assert cli("evaluate", path, "--format", "json").status == 0


def test_answers_written_back_read_the_same():
    answers = parse_answers(MINIMAL + "  - name: side\n    image: b:1\n    purpose: ship-logs\n"
                                      "    shares_volume: true\n    resources: {memory: 64Mi}\n", "x")
    assert answers_from_data(answers_to_data(answers)) == answers


def test_an_unknown_key_is_refused_with_a_suggestion_and_its_line(cli, write):
    err = refused(cli, write, MINIMAL + "    prots: [80]\n")
    assert "app.yaml:5: containers[0].prots: unknown key (did you mean 'ports'?)" in err


def test_an_unknown_workload_key_is_refused_with_a_suggestion(cli, write):
    err = refused(cli, write, "workload:\n  replica: 2\n" + MINIMAL)
    assert "app.yaml:2: workload.replica: unknown key (did you mean 'replicas'?)" in err


def test_a_wrong_type_is_refused(cli, write):
    err = refused(cli, write, "workload:\n  one_per_node: sometimes\n" + MINIMAL)
    assert "app.yaml:2: workload.one_per_node: must be true or false" in err


@pytest.mark.parametrize("text,expected", [
    ("workload:\n  replicas: 0\n", "workload.replicas: must be at least 1"),
    ('kubernetes: "1.24"\n', "kubernetes: Kubernetes 1.24 is not supported; use 1.25 to 1.37"),
    ('kubernetes: "1.38"\n', "kubernetes: Kubernetes 1.38 is not supported"),
    ('kubernetes: "2.0"\n', "is not a Kubernetes minor version"),
    ("version: 2\n", "version: unsupported format version 2"),
    ("workload:\n  environment: staging\n", "workload.environment: 'staging' is not one of: production, experiment"),
    ('workload:\n  schedule: "0 3 * *"\n', "workload.schedule: '0 3 * *' has 4 fields"),
    ('workload:\n  schedule: "61 * * * *"\n', "61 is out of range for the minute"),
    ('workload:\n  schedule: "@fortnightly"\n', "is not a cron macro"),
])
def test_an_out_of_range_value_is_refused(cli, write, text, expected):
    assert expected in refused(cli, write, text + MINIMAL)


def test_a_port_out_of_range_is_refused(cli, write):
    err = refused(cli, write, MINIMAL + "    ports: [80, 70000]\n")
    assert "containers[0].ports: 70000 is not a port number" in err


def test_an_invalid_name_is_refused_with_a_corrected_one(cli, write):
    err = refused(cli, write, MINIMAL.replace("name: shop", "name: My_Shop"))
    assert "name: 'My_Shop' is not a valid name" in err and "did you mean 'my-shop'?" in err


def test_memory_in_thousandths_is_refused_with_the_likely_meaning(cli, write):
    err = refused(cli, write, MINIMAL + "    resources: {memory: 256m}\n")
    assert "containers[0].resources.memory: '256m' means thousandths of a byte (did you mean 256Mi?)" in err


def test_duplicate_container_names_are_refused(cli, write):
    err = refused(cli, write, MINIMAL + "  - name: web\n    image: b:1\n")
    assert "app.yaml:5: containers[1].name: the name 'web' is already used by containers[0]" in err


def test_a_second_main_container_is_refused(cli, write):
    err = refused(cli, write, MINIMAL + "    main: true\n  - name: b\n    image: b:1\n    main: true\n")
    assert "containers[1].main: a second container says main: true; only one may" in err


def test_helper_keys_on_the_main_container_are_refused(cli, write):
    err = refused(cli, write, MINIMAL + "    purpose: ship-logs\n")
    assert "app.yaml:5: containers[0].purpose: describes a container relative to the main one" in err


def test_a_missing_name_is_refused(cli, write):
    assert "name: is required" in refused(cli, write, MINIMAL.replace("name: shop\n", ""))


def test_missing_containers_are_refused(cli, write):
    assert "containers: is required" in refused(cli, write, "name: shop\n")


def test_an_empty_container_list_is_refused(cli, write):
    assert "containers: must be a list of at least one container" in refused(cli, write, "name: a\ncontainers: []\n")


def test_a_container_without_image_is_refused(cli, write):
    assert "containers[0].image: is required" in refused(cli, write, "name: a\ncontainers:\n  - name: web\n")


def test_every_problem_is_reported_at_once(cli, write):
    err = refused(cli, write, "name: A\nworkload:\n  replicas: 0\n" + MINIMAL.replace("name: shop\n", ""))
    assert err.count("pod-advisor: ") == 2


def test_an_object_building_tag_is_refused(cli, write):
    err = refused(cli, write, MINIMAL + "  - !!python/object/apply:os.system ['true']\n")
    assert "is not allowed; only plain YAML values are read" in err


def test_a_duplicate_key_is_refused(cli, write):
    assert "app.yaml:2: name: the key 'name' appears twice" in refused(cli, write, "name: a\nname: b\n")


def test_invalid_yaml_is_refused_with_its_line(cli, write):
    assert "app.yaml:2: not valid YAML: mapping values are not allowed" in refused(cli, write, "name: a\nkubernetes: 1: 2\n")


def test_a_file_over_one_mebibyte_is_refused(cli, write):
    err = refused(cli, write, "# " + "x" * (1024 * 1024) + "\n" + MINIMAL)
    assert "larger than 1024 KiB" in err


def test_an_alias_bomb_is_refused(cli, write):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    assert "expands past a sane size" in refused(cli, write, "\n".join(lines) + "\n")


def test_a_missing_file_is_refused(cli):
    run = cli("evaluate", "no-such-file.yaml")
    assert (run.status, run.stdout) == (2, "")
    assert "no-such-file.yaml: no such file" in run.stderr


def test_a_file_that_is_not_a_mapping_is_refused(cli, write):
    assert "an answer file is a mapping" in refused(cli, write, "- web\n")


def test_the_expect_block_is_accepted_and_ignored_by_evaluate(cli, write):
    unmet = cli("evaluate", write("unmet.yaml", MINIMAL + "expect:\n  controller: StatefulSet\n"))
    plain = cli("evaluate", write("plain.yaml", MINIMAL))
    assert (unmet.status, unmet.stdout) == (0, plain.stdout) and "Deployment shop" in plain.stdout


def test_the_loader_raises_input_error_not_a_traceback_for_non_mapping_containers():
    with pytest.raises(InputError, match=r"containers\[0\]: must be a mapping"):
        parse_answers("name: a\ncontainers:\n  - 42\n", "x")


def test_a_helper_named_like_the_workload_is_refused(cli, write):
    err = refused(cli, write, MINIMAL + "  - name: shop\n    image: b:1\n")
    assert "containers[1].name: 'shop' is also the name of the workload" in err
