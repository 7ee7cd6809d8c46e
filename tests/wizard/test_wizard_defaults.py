"""What the wizard offers and asks, driven through pipe input: defaults from the image catalogue,
only the questions that can apply, and a review that a saved answer file opens on.

As in test_wizard.py, a session is typed up front and a prompt the keys did not expect reads
past their end (status 130), so a question asked that should not be fails the test. What a
screen shows while a question is open is for test_wizard_terminal.py, in a real terminal.
"""

from __future__ import annotations

import pytest

from advisor.answers.load import load_answers
from advisor.system.environment import Environment
from helpers.cli import run_cli
from helpers.paths import EXAMPLES

ENTER, ESC, CLEAR = "\r", "\x1b", "\x15"
SAVE = ENTER * 2  # where to save the answers and the manifest: the defaults


def typed(text: str) -> str:
    return CLEAR + text + ENTER


def wizard(keys: str, *args: str):
    from helpers.screen import run_on_screen

    status, screen, err = run_on_screen(keys, "wizard", *args)
    return status, screen, err


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def saved(tmp_path, name: str = "shop.answers.yaml"):
    return load_answers(str(tmp_path / name))


APPLICATION = typed("shop") + ENTER + ENTER  # the name, Kubernetes 1.37, production
COMMAND = ENTER * 3  # command, args, env: the image's (a container's questions after its memory)
HEALTH = ENTER  # how to tell it is ready: asked of a container with ports, none given
GUNICORN = (typed("registry.example.com/shop/web:1.4") + typed("gunicorn") + typed("8000") + ENTER + ENTER
            + COMMAND + HEALTH)
# runs to completion, one per node, stable identity, copies, others connect; shutdown seconds,
# Kubernetes API, NetworkPolicy, namespace
WORKLOAD = ENTER * 9
BATCH = ENTER * 4  # after a CronJob's schedule and retry: deadline, Kubernetes API, NetworkPolicy, namespace


# -- defaults from the image ---------------------------------------------------------------

def test_the_main_containers_name_and_ports_come_from_its_image(tmp_path):
    status, _, err = wizard(APPLICATION + ENTER * 5 + COMMAND + HEALTH + ENTER + WORKLOAD + ENTER + SAVE)  # Enter on all
    assert status == 0, err
    main = saved(tmp_path).containers[0]
    assert (main.image, main.name, main.ports) == ("nginxinc/nginx-unprivileged:1.27", "nginx", (8080,))


def test_a_helpers_name_job_and_ports_come_from_its_image(tmp_path):
    keys = (APPLICATION + GUNICORN + "y"
            + typed("gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0")
            + ENTER * 5 + COMMAND + HEALTH                              # name, job, ports, cpu, memory; ...
            + ENTER                                                     # shares
            + ENTER * 3                                                 # localhost (yes), same node, own copies
            + ENTER + WORKLOAD + ENTER + SAVE)
    status, _, err = wizard(keys)
    assert status == 0, err
    proxy = saved(tmp_path).containers[1]
    assert (proxy.name, proxy.purpose, proxy.ports) == ("cloud-sql-proxy", "proxy-outbound", (5432, 3306, 1433))


def test_a_helper_is_never_offered_the_main_containers_image(tmp_path):
    # An empty field refuses Enter; what is typed next is the whole image, with nothing before it.
    keys = (APPLICATION + GUNICORN + "y"
            + ENTER + "registry.example.com/shop/web:1.4" + ENTER      # refused, then typed into the empty field
            + typed("collectstatic") + "6"                              # its job: runs once, before the main one
            + ENTER * 2 + COMMAND + ENTER                               # cpu, memory; command..; shares
            + ENTER + WORKLOAD + ENTER + SAVE)                          # no more
    status, _, err = wizard(keys)
    assert status == 0, err
    init = saved(tmp_path).containers[1]
    assert (init.name, init.image, init.purpose) == ("collectstatic", "registry.example.com/shop/web:1.4", "prepare")


def test_a_helpers_name_is_offered_from_its_image_not_the_main_ones(tmp_path):
    keys = (APPLICATION + GUNICORN + "y" + typed("fluent/fluent-bit:3.1") + ENTER * 5 + COMMAND + HEALTH + ENTER * 6
            + WORKLOAD + ENTER + SAVE)
    status, _, err = wizard(keys)
    assert status == 0, err
    assert [c.name for c in saved(tmp_path).containers] == ["gunicorn", "fluent-bit"]


def test_an_image_that_needs_root_is_met_with_the_unprivileged_one_that_does_its_job(tmp_path):
    keys = (APPLICATION + GUNICORN + "y"
            + typed("nginx:1.27") + "1"                                 # root: use the unprivileged image
            + ENTER * 3 + ENTER * 2 + COMMAND + HEALTH + ENTER * 4      # name, job, ports; cpu, memory; ...
            + ENTER + WORKLOAD + ENTER + SAVE)
    status, _, err = wizard(keys)
    assert status == 0, err
    proxy = saved(tmp_path).containers[1]
    assert (proxy.image, proxy.name, proxy.purpose, proxy.ports) == (
        "nginxinc/nginx-unprivileged:1.27", "nginx", "proxy-inbound", (8080,))


def test_an_image_that_needs_root_is_kept_when_the_user_says_so(tmp_path):
    keys = (APPLICATION + GUNICORN + "y" + typed("nginx:1.27") + "2"   # keep nginx:1.27
            + ENTER * 3 + ENTER * 2 + COMMAND + HEALTH + ENTER * 4 + ENTER + WORKLOAD + ENTER + SAVE)
    status, _, err = wizard(keys)
    assert status == 0, err
    assert (saved(tmp_path).containers[1].image, saved(tmp_path).containers[1].ports) == ("nginx:1.27", (80,))


def test_changing_an_image_offers_the_name_and_ports_of_the_new_one(tmp_path):
    keys = (APPLICATION + typed("redis:7.4") + ENTER + ESC + ESC        # name offered: redis; back to the image
            + typed("memcached:1.6") + ENTER * 2 + ENTER * 2 + COMMAND + HEALTH + ENTER + WORKLOAD + ENTER + SAVE)
    status, _, err = wizard(keys)
    assert status == 0, err
    main = saved(tmp_path).containers[0]
    assert (main.name, main.ports) == ("memcached", (11211,))


def test_a_main_container_whose_image_finishes_is_offered_work_that_runs_to_completion(tmp_path):
    keys = (APPLICATION + typed("amazon/aws-cli:2.17.0") + typed("backup") + ENTER * 3 + COMMAND + ENTER
            + ENTER + typed("0 3 * * *") + ENTER                        # finishes (offered); nightly; retry
            + BATCH + ENTER + SAVE)
    status, _, err = wizard(keys)
    assert status == 0, err
    assert (saved(tmp_path).runs_to_completion, saved(tmp_path).schedule) == (True, "0 3 * * *")


# -- "Do other workloads connect to it?" ---------------------------------------------------------

def test_other_workloads_are_offered_to_connect_to_a_main_container_with_a_port(tmp_path):
    status, _, err = wizard(APPLICATION + GUNICORN + ENTER + WORKLOAD + ENTER + SAVE)
    assert status == 0, err
    assert saved(tmp_path).addressed_by_others is True


def test_other_workloads_are_offered_to_connect_through_an_inbound_proxy(tmp_path):
    keys = (APPLICATION + typed("registry.example.com/shop/web:1.4") + typed("app") + typed("") + ENTER * 2 + COMMAND
            + "y" + typed("envoyproxy/envoy-distroless:v1.31.0") + ENTER * 2     # name; job: inbound proxy
            + ENTER * 3 + COMMAND + HEALTH + ENTER * 4 + ENTER + WORKLOAD + ENTER + SAVE)
    status, _, err = wizard(keys)
    assert status == 0, err
    answers = saved(tmp_path)
    assert (answers.containers[0].ports, answers.containers[1].purpose) == ((), "proxy-inbound")
    assert answers.addressed_by_others is True


def test_a_main_container_without_ports_or_a_proxy_is_not_offered_connections(tmp_path):
    keys = APPLICATION + typed("registry.example.com/shop/worker:1.4") + typed("worker") + typed("") + ENTER * 2
    status, _, err = wizard(keys + COMMAND + ENTER + WORKLOAD + ENTER + SAVE)
    assert status == 0, err
    assert saved(tmp_path).addressed_by_others is False


# -- questions that cannot apply ---------------------------------------------------------------

def _asked(start: dict) -> list[str]:
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard

    return [step.id for step in Wizard(Environment(), Terminal(), start=start).steps()]


def test_a_run_once_init_container_is_asked_only_what_it_can_be():
    asked = _asked({"containers": [{"name": "web"}, {"name": "collectstatic", "purpose": "prepare"}]})
    helper = [key.removeprefix("containers[1].") for key in asked if key.startswith("containers[1].")]
    assert helper == ["image", "name", "purpose", "resources.cpu", "resources.memory", "command", "args", "env",
                      "shares_volume"]  # no ports, so no readiness check: it runs to completion first


def test_an_init_container_is_asked_no_copies_nor_network_questions_in_the_screens(tmp_path):
    keys = (APPLICATION + GUNICORN + "y" + typed("registry.example.com/shop/web:1.4") + typed("migrate")
            + "6" + ENTER * 2 + COMMAND + ENTER                         # job: runs once; cpu, memory; ...; shares
            + ENTER + WORKLOAD + ENTER + SAVE)
    status, _, err = wizard(keys)
    assert status == 0, err
    assert saved(tmp_path).containers[1].purpose == "prepare"


def test_a_cronjob_is_not_asked_for_one_copy_on_every_node(tmp_path):
    keys = (APPLICATION + typed("registry.example.com/ops/backup:2.1") + typed("backup") + typed("") + ENTER * 2 + COMMAND
            + ENTER + "y" + typed("0 3 * * *") + ENTER                  # no more; finishes; nightly; retry
            + BATCH + ENTER + SAVE)                                             # the review: the advice
    status, _, err = wizard(keys)
    assert status == 0, err
    assert saved(tmp_path).schedule == "0 3 * * *"


def _wizard_with(start: dict):
    from dialogs.prompts import Terminal
    from dialogs.wizard import Wizard

    return Wizard(Environment(), Terminal(), start=start)


def test_an_outbound_proxy_is_asked_about_localhost_in_its_terms_and_not_about_a_service():
    proxy = {"name": "cloud-sql-proxy", "purpose": "proxy-outbound", "uses_localhost": True}
    wizard_ = _wizard_with({"containers": [{"name": "web"}, proxy]})
    steps = {step.id: step for step in wizard_.steps()}
    assert wizard_.prompt_of(steps["containers[1].uses_localhost"]).startswith(
        "Does the main container reach it on localhost")
    assert "containers[1].talks_over_network" not in steps  # reached on localhost: no Service between them


def test_an_outbound_proxy_reached_on_localhost_joins_the_pod_with_one_question_less(tmp_path):
    keys = (APPLICATION + GUNICORN + "y" + typed("gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0")
            + ENTER * 5 + COMMAND + HEALTH + ENTER                      # name .. memory; command..; health; shares
            + ENTER * 3 + ENTER + WORKLOAD + ENTER + SAVE)              # localhost: yes, then no Service question
    status, _, err = wizard(keys)
    assert status == 0, err
    assert saved(tmp_path).containers[1].uses_localhost is True


def test_a_queue_worker_finds_its_job_in_the_list_and_gets_a_workload_of_its_own(tmp_path):
    keys = (APPLICATION + GUNICORN + "y" + typed("registry.example.com/shop/web:1.4") + typed("celery-worker")
            + "8"                                                       # job: works on its own
            + typed("") + ENTER * 2 + COMMAND + ENTER * 5               # no ports; cpu, memory; ...; co-location
            + ENTER + ENTER                                             # its identity; its copies
            + ENTER + WORKLOAD + ENTER + SAVE)
    status, _, err = wizard(keys)
    assert status == 0, err
    workloads = run_cli("evaluate", str(tmp_path / "shop.answers.yaml"), "--format", "json")
    assert '"name": "celery-worker"' in workloads.stdout and '"controller": "Deployment"' in workloads.stdout


# -- a saved answer file opens on the review ------------------------------------------------------

def test_an_answer_file_opens_on_the_review_and_enter_shows_the_advice(tmp_path):
    example = str(EXAMPLES / "web-with-log-shipper.yaml")
    status, _, err = wizard(ENTER, "--answers", example, "--save-answers", "out.yaml", "--manifest", "m.yaml")
    assert status == 0, err  # one Enter: no question was asked again
    assert load_answers(str(tmp_path / "out.yaml")) == load_answers(example)


def test_an_answer_file_opens_on_the_review_where_any_answer_can_be_changed(tmp_path):
    example = str(EXAMPLES / "web-with-log-shipper.yaml")
    keys = "2" + ENTER + typed("storefront") + ENTER                   # 2 of 30: the application's name
    status, _, err = wizard(keys, "--answers", example, "--save-answers", "out.yaml", "--manifest", "m.yaml")
    assert status == 0, err
    assert load_answers(str(tmp_path / "out.yaml")).name == "storefront"


# -- the progress shown with each question ---------------------------------------------------------

@pytest.mark.parametrize("helpers", [0, 2])
def test_the_progress_of_a_question_counts_its_own_part_however_many_containers_there_are(helpers):
    wizard_ = _wizard_with({"containers": [{"name": "web"}] + [{"name": f"h{i}"} for i in range(helpers)]})
    steps = {step.id: step for step in wizard_.steps()}
    listed = list(steps.values())
    assert wizard_.progress(listed, steps["kubernetes"]) == "2/3"
    assert wizard_.progress(listed, steps["workload.runs_to_completion"]) == "1/9"
    assert wizard_.progress(listed, steps["containers[0].ports"]) == "3/10"
