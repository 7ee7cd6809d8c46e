"""The wizard, driven through prompt_toolkit's pipe input and DummyOutput.

Each test types a whole session up front; a prompt the test did not expect reads
past the end of the keystrokes and ends the wizard as Ctrl-D would (status 130),
so a changed flow fails instead of hanging.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from advisor.answers.load import load_answers
from advisor.system.environment import Environment
from helpers.paths import EXAMPLES
from helpers.cli import run_cli

ENTER, ESC, CTRL_C, CTRL_D, CLEAR = "\r", "\x1b", "\x03", "\x04", "\x15"  # CLEAR: Ctrl-U empties a field

MANIFEST_PROMPTS = 1  # where to save the starter manifest, after the answers

# Enter on every question of a one-container workload: name, kubernetes, environment,
# the container's image, name, ports, cpu, memory, command, args, env, health (the image
# offers a port), "another container?", runs_to_completion, one_per_node, stable_identity,
# replicas, addressed_by_others, shutdown_seconds, uses_kubernetes_api, network_policy, namespace.
DEFAULT_QUESTIONS = 22
COMMAND = 3  # command, args, env: a container's questions after its memory (and health, with ports)
CONTAINER = 5 + COMMAND + 1  # the default main container's: image, name, ports, cpu, memory, command.., health
WORKLOAD = 9  # a long-running workload's questions, as in DEFAULT_QUESTIONS
SAVE = ENTER * (1 + MANIFEST_PROMPTS)  # where to save the answers (and the manifest): the defaults


def typed(text: str) -> str:
    """Replace the suggestion in a text field with ``text`` and accept it."""
    return CLEAR + text + ENTER


@contextmanager
def session(keys: str):
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # past the last keystroke, a prompt ends with EOFError
        with create_app_session(input=pipe, output=DummyOutput()):
            yield


def wizard(keys: str, *args: str, environ: dict | None = None):
    with session(keys):
        return run_cli("wizard", *args, tty=True, environ={"NO_COLOR": "1", **(environ or {})})


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def answers_file(tmp_path: Path, name: str = "my-app.answers.yaml"):
    return load_answers(str(tmp_path / name))


def evaluate_json(path: Path) -> dict:
    result = run_cli("evaluate", str(path), "--format", "json")
    assert result.status == 0, result.stderr
    return json.loads(result.stdout)


def test_enter_on_every_screen_writes_a_valid_answers_file(tmp_path):
    result = wizard(ENTER * DEFAULT_QUESTIONS + ENTER + SAVE)
    assert result.status == 0, result.stderr
    answers = answers_file(tmp_path)
    assert (answers.name, answers.containers[0].image) == ("my-app", "nginxinc/nginx-unprivileged:1.27")
    assert evaluate_json(tmp_path / "my-app.answers.yaml")["workloads"][0]["controller"] == "Deployment"


def test_enter_on_every_screen_suggests_two_replicas_in_production(tmp_path):
    wizard(ENTER * DEFAULT_QUESTIONS + ENTER + SAVE)
    assert answers_file(tmp_path).replicas == 2


def test_enter_on_every_screen_writes_the_starter_manifest(tmp_path):
    wizard(ENTER * DEFAULT_QUESTIONS + ENTER + SAVE)
    documents = [d for d in yaml.safe_load_all((tmp_path / "my-app.yaml").read_text()) if d]
    assert "Deployment" in [d["kind"] for d in documents]


def test_the_result_is_what_evaluate_prints_for_the_saved_file(tmp_path):
    result = wizard(ENTER * DEFAULT_QUESTIONS + ENTER + SAVE)
    evaluated = run_cli("evaluate", str(tmp_path / "my-app.answers.yaml"), environ={"NO_COLOR": "1"})
    assert evaluated.status == 0 and "Deployment my-app" in evaluated.stdout
    assert evaluated.stdout.strip() in result.stdout


def test_the_saved_answers_give_the_recommendation_the_wizard_showed(tmp_path):
    from advisor.render.recommendation import render
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard

    env = Environment(stdout=__import__("io").StringIO(), stderr=__import__("io").StringIO(),
                      environ={"NO_COLOR": "1"}, stdin_isatty=True, stdout_isatty=False)
    with session(JOB_WITH_SIDECAR + ENTER + SAVE):
        shown = Wizard(env, Terminal(color=False))
        assert shown.run() == 0
    assert render(shown.recommendation, "json", env) == run_cli(
        "evaluate", str(tmp_path / "report.answers.yaml"), "--format", "json").stdout


# A nightly report (runs to completion) with a log shipper beside it.
JOB_WITH_SIDECAR = (
    typed("report") + ENTER + ENTER                                    # name, kubernetes 1.37, production
    + typed("busybox:1.36") + typed("report") + ENTER + typed("100m") + typed("128Mi")
    + ENTER * COMMAND                                                  # command, args, env: the image's
    + "y"                                                              # another container
    + typed("fluent/fluent-bit:3.1") + typed("log-shipper")           # its image, its name
    + "1"                                                              # its job: ship-logs (a digit picks it)
    + typed("") + ENTER + ENTER                                        # no ports; cpu, memory
    + ENTER * COMMAND                                                  # command, args, env: the image's
    + ENTER * 5                                                        # shares_volume (suggested yes) .. talks
    + ENTER                                                            # no more containers
    + "y" + ENTER + ENTER + ENTER                                       # runs to completion; once; retry; per node
    + ENTER * 4                                                        # deadline, API, NetworkPolicy, namespace
)


def test_a_job_with_a_log_shipper_gets_a_native_sidecar(tmp_path):
    result = wizard(JOB_WITH_SIDECAR + ENTER + SAVE)
    assert result.status == 0, result.stderr
    main = evaluate_json(tmp_path / "report.answers.yaml")["workloads"][0]
    assert (main["controller"], main["restartPolicy"]) == ("Job", "OnFailure")
    assert main["containers"][1] == {"name": "log-shipper", "role": "sidecar", "placement": "initContainers"}


def test_a_log_shipper_is_suggested_to_share_a_volume(tmp_path):
    wizard(JOB_WITH_SIDECAR + ENTER + SAVE)
    assert answers_file(tmp_path, "report.answers.yaml").containers[1].shares_volume is True


def test_a_database_beside_the_app_is_suggested_a_workload_of_its_own(tmp_path):
    keys = (ENTER * 3 + ENTER * (5 + COMMAND + 1) + "y"                # my-app, its container (health), one more
            + typed("postgres:16") + "2"                                # postgres needs root: keep it anyway
            + typed("db") + "7"                                         # name; job: separate-service
            + typed("5432") + ENTER + ENTER                             # ports, cpu, memory
            + ENTER * (COMMAND + 1)                                     # command, args, env; no health check
            + ENTER * 5                                                 # co-location: the suggestions
            + "y" + ENTER                                               # db: stable identity; 1 replica
            + ENTER + ENTER * WORKLOAD + ENTER + SAVE)                  # no more; the workload; review: advice
    result = wizard(keys)
    assert result.status == 0, result.stderr
    workloads = evaluate_json(tmp_path / "my-app.answers.yaml")["workloads"]
    assert [(w["name"], w["controller"], w["service"]) for w in workloads] == [
        ("my-app", "Deployment", "ClusterIP"), ("db", "StatefulSet", "headless")]


SECOND_NGINX = typed("nginxinc/nginx-unprivileged:1.27")  # the main container's image again, in a helper


def test_a_second_container_is_offered_a_name_not_yet_used(tmp_path):
    keys = (ENTER * (3 + 5 + COMMAND + 1) + "y" + SECOND_NGINX + ENTER * 2  # image, name, job (inbound proxy)
            + ENTER * 3 + ENTER * (COMMAND + 1) + ENTER * 4             # ports, cpu, memory; command..health; co-location
            + ENTER + ENTER * WORKLOAD + ENTER + SAVE)                  # no more; the workload; review
    result = wizard(keys)
    assert result.status == 0, result.stderr
    assert [c.name for c in answers_file(tmp_path).containers] == ["nginx", "nginx-2"]


def test_a_name_already_used_by_another_container_is_refused(tmp_path):
    keys = (ENTER * (3 + 5 + COMMAND + 1) + "y" + SECOND_NGINX + typed("nginx") + typed("tls")  # refused, then corrected
            + ENTER + ENTER * 3 + ENTER * (COMMAND + 1) + ENTER * 4 + ENTER + ENTER * WORKLOAD + ENTER + SAVE)
    result = wizard(keys)
    assert result.status == 0, result.stderr
    assert [c.name for c in answers_file(tmp_path).containers] == ["nginx", "tls"]


def test_an_invalid_name_is_refused_and_the_corrected_one_kept(tmp_path):
    result = wizard(typed("My Shop") + typed("my-shop") + ENTER * (DEFAULT_QUESTIONS - 1) + ENTER + SAVE)
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path, "my-shop.answers.yaml").name == "my-shop"


@pytest.mark.parametrize("bad", ["0 3 * *", "0 25 * * *", "@nightly"])
def test_an_invalid_cron_schedule_is_refused_until_corrected(tmp_path, bad):
    keys = (ENTER * (4 + CONTAINER) + "y" + typed(bad) + typed("0 3 * * *")  # runs to completion; schedule
            + ENTER + ENTER + ENTER * 4 + ENTER + SAVE)                 # retry in place; per node; deadline ..; review
    result = wizard(keys)
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path).schedule == "0 3 * * *"


def test_an_invalid_port_is_refused_until_corrected(tmp_path):
    keys = ENTER * 5 + typed("80, 70000") + typed("80, 443") + ENTER * (CONTAINER - 3 + 1 + WORKLOAD) + ENTER + SAVE
    result = wizard(keys)
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path).containers[0].ports == (80, 443)


def test_esc_goes_back_to_change_the_previous_answer(tmp_path):
    keys = typed("shop") + ESC + typed("store") + ENTER * (DEFAULT_QUESTIONS - 1) + ENTER + SAVE
    result = wizard(keys)
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path, "store.answers.yaml").name == "store"


def test_esc_keeps_what_was_typed_in_the_field_it_leaves(tmp_path):
    # At the Kubernetes version, type "1.3", go back to the name, come forward: "1.3" is still there.
    keys = ENTER + CLEAR + "1.3" + ESC + ENTER + "0" + ENTER + ENTER * (DEFAULT_QUESTIONS - 2) + ENTER + SAVE
    result = wizard(keys)
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path).kubernetes == "1.30"


def test_esc_on_the_first_question_stays_there(tmp_path):
    result = wizard(ESC + typed("shop") + ENTER * (DEFAULT_QUESTIONS - 1) + ENTER + SAVE)
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path, "shop.answers.yaml").name == "shop"


def test_the_review_jumps_to_an_answer_and_asks_what_it_brings_in(tmp_path):
    # The review lists: 1 the advice, 2-4 name, kubernetes, environment, 5-13 the container's
    # answers, 14 "another container?", then 15 runs_to_completion.
    keys = (ENTER * DEFAULT_QUESTIONS + "1" + "5"                       # jump to runs_to_completion
            + "y" + typed("@daily") + ENTER + ENTER                     # yes; a schedule; retry in place; deadline
            + ENTER + SAVE)                                             # back on the review: the advice
    result = wizard(keys)
    assert result.status == 0, result.stderr
    main = evaluate_json(tmp_path / "my-app.answers.yaml")["workloads"][0]
    assert (main["controller"], main["replicas"]) == ("CronJob", None)


def test_the_review_changes_one_answer_and_returns(tmp_path):
    keys = ENTER * DEFAULT_QUESTIONS + "2" + ENTER + typed("billing") + ENTER + SAVE  # 2 (of 23, so Enter): the name
    result = wizard(keys)
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path, "billing.answers.yaml").name == "billing"


def test_the_review_adds_a_container_and_asks_only_about_it(tmp_path):
    keys = (ENTER * DEFAULT_QUESTIONS + "1" + "4" + "y"                 # 14: "another container after it?" yes
            + SECOND_NGINX + ENTER * 2 + ENTER * 3                      # its questions
            + ENTER * (COMMAND + 1) + ENTER * 4
            + ENTER                                                     # no more containers
            + ENTER + SAVE)                                             # back on the review: the advice
    result = wizard(keys)
    assert result.status == 0, result.stderr
    assert [c.name for c in answers_file(tmp_path).containers] == ["nginx", "nginx-2"]


def test_the_review_removes_the_containers_after_a_no(tmp_path, write):
    start = write("two.yaml", "name: shop\ncontainers:\n  - {name: web, image: nginx:1.27}\n"
                              "  - {name: logs, image: fluent/fluent-bit:3.1, purpose: ship-logs, shares_volume: true}\n")
    keys = ("1" + "3" + "n"                                             # opens on the review: 13, "another?" no
            + ENTER)                                                    # back on the review: the advice
    result = wizard(keys, "--answers", start, "--save-answers", "out.yaml", "--manifest", "m.yaml")
    assert result.status == 0, result.stderr
    assert [c.name for c in answers_file(tmp_path, "out.yaml").containers] == ["web"]


def test_esc_on_the_save_question_returns_to_the_review(tmp_path):
    keys = ENTER * DEFAULT_QUESTIONS + ENTER + ESC + "2" + ENTER + typed("billing") + ENTER + SAVE
    result = wizard(keys)
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path, "billing.answers.yaml").name == "billing"


def started_from(path) -> "Wizard":
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard, starting_data

    return Wizard(Environment(), Terminal(), start=starting_data(load_answers(str(path))))


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_file_answers_every_question_that_applies_to_it(example):
    """What the file leaves out (no namespace, no variables) is answered by its default: the review
    asks nothing again after an answer it changes."""
    web = started_from(example)
    assert [step.id for step in web.steps() if not web.answered(step)] == []


def test_removing_the_containers_after_one_asks_no_question_again(write):
    start = write("two.yaml", "name: shop\ncontainers:\n  - {name: web, image: nginx:1.27}\n"
                              "  - {name: logs, image: fluent/fluent-bit:3.1, purpose: ship-logs, shares_volume: true}\n")
    web = started_from(start)
    more = next(step for step in web.steps() if step.id == "containers[0]+")
    web.store(more, False)
    assert web.next_step(more, target=more) is None


def test_questions_that_do_not_apply_are_not_asked():
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard

    web = Wizard(Environment(), Terminal(), start={"workload": {"runs_to_completion": False}, "containers": [{}]})
    asked = [step.id for step in web.steps()]
    assert "workload.keep_failed_attempts" not in asked and "workload.schedule" not in asked
    assert "containers[0].purpose" not in asked  # one container: nothing to describe relative to it


def test_a_colocated_helper_is_not_asked_how_it_would_run_on_its_own():
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard

    start = {"containers": [{"name": "web"}, {"name": "logs", "purpose": "ship-logs", "shares_volume": True}]}
    asked = [step.id for step in Wizard(Environment(), Terminal(), start=start).steps()]
    assert "containers[1].shares_volume" in asked and "containers[1].replicas" not in asked


def test_an_experiment_is_not_asked_about_replicas():
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard

    start = {"workload": {"environment": "experiment"}, "containers": [{}]}
    asked = [step.id for step in Wizard(Environment(), Terminal(), start=start).steps()]
    assert "workload.replicas" not in asked and "workload.one_per_node" not in asked


def test_answers_start_from_a_saved_file_and_enter_keeps_them(tmp_path):
    example = EXAMPLES / "web-with-log-shipper.yaml"
    result = wizard(ENTER * 60, "--answers", str(example), "--save-answers", "out.yaml", "--manifest", "m.yaml")
    assert result.status == 0, result.stderr
    assert load_answers(str(tmp_path / "out.yaml")) == load_answers(str(example))


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_enter_through_an_example_keeps_its_recommendation(tmp_path, example):
    result = wizard(ENTER * 120, "--answers", str(example), "--save-answers", "out.yaml", "--manifest", "m.yaml")
    assert result.status == 0, result.stderr
    assert evaluate_json(tmp_path / "out.yaml") == evaluate_json(example)


def test_answers_from_a_file_with_a_late_main_container_keep_their_meaning(tmp_path, write):
    path = write("late-main.yaml", "name: shop\ncontainers:\n"
                                   "  - {name: logs, image: fluent/fluent-bit:3.1, purpose: ship-logs, "
                                   "shares_volume: true}\n"
                                   "  - {name: web, image: nginx:1.27, main: true}\n")
    result = wizard(ENTER * 60, "--answers", path, "--save-answers", "out.yaml", "--manifest", "m.yaml")
    assert result.status == 0, result.stderr
    assert evaluate_json(tmp_path / "out.yaml")["workloads"] == evaluate_json(Path(path))["workloads"]


def test_an_invalid_answers_file_is_refused_before_any_question(write):
    result = wizard("", "--answers", write("bad.yaml", "name: Bad Name\ncontainers: []\n"))
    assert result.status == 2
    assert "bad.yaml" in result.stderr


def test_save_answers_and_manifest_options_skip_those_questions(tmp_path):
    # Exactly the interview and the review: a save question would read past the keystrokes (130).
    result = wizard(ENTER * DEFAULT_QUESTIONS + ENTER, "--save-answers", "a.yaml", "--manifest", "m.yaml")
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path, "a.yaml").name == "my-app"


def test_an_existing_file_is_kept_when_the_user_declines_to_replace_it(tmp_path):
    (tmp_path / "my-app.answers.yaml").write_text("mine\n")
    keys = ENTER * DEFAULT_QUESTIONS + ENTER + ENTER + ENTER + typed("other.yaml") + ENTER * MANIFEST_PROMPTS
    result = wizard(keys)  # save to the default; "replace?" no (the default); another name
    assert result.status == 0, result.stderr
    assert (tmp_path / "my-app.answers.yaml").read_text() == "mine\n"
    assert answers_file(tmp_path, "other.yaml").name == "my-app"


def test_an_existing_file_is_replaced_when_the_user_says_so(tmp_path):
    (tmp_path / "my-app.answers.yaml").write_text("mine\n")
    result = wizard(ENTER * DEFAULT_QUESTIONS + ENTER + ENTER + "y" + ENTER * MANIFEST_PROMPTS)
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path).name == "my-app"


def test_an_empty_path_saves_nothing(tmp_path):
    result = wizard(ENTER * DEFAULT_QUESTIONS + ENTER + (CLEAR + ENTER) * (1 + MANIFEST_PROMPTS))
    assert result.status == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_follow_up_commands_name_the_files_written(tmp_path):
    result = wizard(ENTER * DEFAULT_QUESTIONS + ENTER + SAVE)
    assert "pod-advisor evaluate my-app.answers.yaml" in result.stdout
    assert "kubectl apply -f my-app.yaml" in result.stdout


def test_a_follow_up_command_takes_an_answers_file_named_like_an_option_as_a_file(tmp_path):
    result = wizard(ENTER * DEFAULT_QUESTIONS + ENTER + typed("-x.answers.yaml") + ENTER)
    assert result.status == 0, result.stderr
    assert "pod-advisor evaluate -- -x.answers.yaml" in result.stdout
    assert run_cli("evaluate", "--", str(tmp_path / "-x.answers.yaml")).status == 0


@pytest.mark.parametrize("keys", [
    CTRL_C,                                                   # the first question
    ENTER * 5 + "80" + CTRL_C,                                # halfway through typing a port
    ENTER * (3 + 5 + COMMAND + 1) + "y" + typed("busybox:1.36") + ENTER + CTRL_C,  # a second container's job
    ENTER * DEFAULT_QUESTIONS + CTRL_C,                       # the review
    ENTER * DEFAULT_QUESTIONS + ENTER + CTRL_C,               # where to save the answers
    ENTER * DEFAULT_QUESTIONS + ENTER + ENTER + CTRL_C,       # where to save the manifest
    # Ctrl-D, then the keys that finish the session had it been ignored (the end of the keys alone ends
    # the wizard with 130, as Ctrl-D does, so the keys go on past it)
    CTRL_D + ENTER * DEFAULT_QUESTIONS + ENTER + SAVE,
    ENTER + "1.3" + CTRL_D + CLEAR + "1.33" + ENTER + ENTER * (DEFAULT_QUESTIONS - 2) + ENTER + SAVE,  # text typed
], ids=["first", "typing", "purpose", "review", "save-answers", "save-manifest", "ctrl-d", "ctrl-d-typing"])
def test_ctrl_c_or_ctrl_d_leaves_with_130_and_writes_nothing(tmp_path, keys):
    result = wizard(keys)
    assert result.status == 130
    assert list(tmp_path.iterdir()) == []
    assert "nothing was written" in result.stderr


def test_ctrl_c_at_the_replace_question_keeps_the_existing_file(tmp_path):
    (tmp_path / "my-app.answers.yaml").write_text("mine\n")
    result = wizard(ENTER * DEFAULT_QUESTIONS + ENTER + ENTER + CTRL_C)
    assert result.status == 130
    assert [p.name for p in tmp_path.iterdir()] == ["my-app.answers.yaml"]
    assert (tmp_path / "my-app.answers.yaml").read_text() == "mine\n"


def test_without_a_terminal_the_wizard_points_to_evaluate():
    result = run_cli("wizard", tty=False)
    assert result.status == 2
    assert "terminal" in result.stderr and "pod-advisor evaluate" in result.stderr
    assert result.stdout == ""


def test_no_color_keeps_escape_codes_out_of_the_advice():
    result = wizard(ENTER * DEFAULT_QUESTIONS + ENTER + SAVE, environ={"NO_COLOR": "1"})
    assert result.status == 0 and "Deployment my-app" in result.stdout
    assert "\x1b[" not in result.stdout


def test_no_color_turns_the_prompts_monochrome():
    from dialogs.prompts import Terminal

    env = Environment(environ={"NO_COLOR": "1"}, stdin_isatty=True, stdout_isatty=True)
    assert Terminal.for_environment(env).color is False


def test_every_line_the_wizard_prints_fits_80_columns():
    result = wizard(JOB_WITH_SIDECAR + ENTER + SAVE)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_with_standard_output_redirected_the_wizard_refuses_like_the_quiz():
    import io

    from advisor.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdin=io.StringIO(), stdout=out, stderr=err, stdin_isatty=True, stdout_isatty=False)
    assert main(["wizard"], env) == 2
    assert "standard output is not one" in err.getvalue() and out.getvalue() == ""


def test_a_manifest_path_in_a_missing_folder_is_asked_again_before_anything_is_written(tmp_path):
    keys = ENTER * DEFAULT_QUESTIONS + ENTER + typed("m.yaml")
    result = wizard(keys, "--save-answers", "a.yaml", "--manifest", "no/such/m.yaml")
    assert result.status == 0, result.stderr
    assert "no/such/m.yaml: the folder no/such does not exist" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "m.yaml"]


def test_answers_kubernetes_would_not_name_an_object_after_go_back_to_the_review(tmp_path, write):
    # a CronJob's name is at most 52 characters: the manifest cannot be built, so the review says why
    path = write("cron.yaml", "name: " + "a" * 60 + "\nworkload: {runs_to_completion: true, schedule: '0 3 * * *'}\n"
                              "containers:\n  - name: web\n    image: nginx:1.27\n")
    keys = ENTER + "2" + ENTER + typed("shop") + ENTER                  # the advice: refused; the name (2 of 20 and more, so Enter); the advice
    result = wizard(keys, "--answers", path, "--save-answers", "a.yaml", "--manifest", "m.yaml")
    assert result.status == 0, result.stderr
    assert answers_file(tmp_path, "a.yaml").name == "shop"
    assert "kind: CronJob" in (tmp_path / "m.yaml").read_text()


def test_a_file_that_cannot_be_written_is_said_and_asked_again(tmp_path, monkeypatch):
    from advisor.system import fileio

    real = fileio._Target.commit
    failures = []

    def fails_once(self, temp):
        if not failures:
            failures.append(self.path)
            raise PermissionError(13, "Permission denied")
        real(self, temp)

    monkeypatch.setattr(fileio._Target, "commit", fails_once)
    keys = ENTER * DEFAULT_QUESTIONS + ENTER + ENTER * 2
    result = wizard(keys, "--save-answers", "a.yaml", "--manifest", "m.yaml")
    assert result.status == 0, result.stderr
    assert "cannot write: Permission denied; nothing was written" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "m.yaml"]


def test_a_node_agent_is_asked_what_it_needs_from_the_node_and_the_answers_nest_under_node_access():
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard

    agent = Wizard(Environment(), Terminal(), start={"workload": {"one_per_node": True}, "containers": [{}]})
    asked = [step.id for step in agent.steps()]
    assert {"workload.node_access.read", "workload.node_access.tolerate_all_taints"} <= set(asked)
    assert agent.file_data()["workload"]["node_access"]["read"] == []


def test_a_container_with_a_port_is_asked_for_its_health_check_and_one_without_is_not():
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard

    start = {"containers": [{"name": "web", "ports": [8080]}, {"name": "worker", "ports": []}]}
    asked = [step.id for step in Wizard(Environment(), Terminal(), start=start).steps()]
    assert "containers[0].health" in asked and "containers[1].health" not in asked
