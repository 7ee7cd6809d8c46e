"""The installed `pod-advisor wizard` in a real pseudo-terminal (80x24), as a person uses it."""

from __future__ import annotations

import os

import pytest

from advisor.answers.load import load_answers
from helpers.installed import TIMEOUT, console_script, spawn
from helpers.tools import require_module

pexpect = require_module("pexpect", "pip install -e '.[test]'")


@pytest.fixture
def wizard(tmp_path):
    environ = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = spawn(console_script(), ["wizard"], cwd=str(tmp_path), env=environ, dimensions=(24, 80),
                  encoding="utf-8", timeout=TIMEOUT)
    yield child
    child.close(force=True)


def answer(child, question: str, keys: str) -> None:
    child.expect_exact(question)
    child.send(keys)


def test_the_installed_wizard_asks_shows_the_advice_and_writes_the_files(wizard, tmp_path):
    clear = "\x15"
    answer(wizard, "What is the application called?", "?")
    wizard.expect_exact("a DNS label")  # the help, on demand
    wizard.send(clear + "Shop\r")
    wizard.expect_exact("is not a valid name")  # refused, with the reason
    wizard.send(clear + "shop\r")
    answer(wizard, "Which Kubernetes version", "\r")
    answer(wizard, "for real use, or an experiment?", "\r")
    answer(wizard, "Image", "\r")
    answer(wizard, "Container name", clear + "web\r")
    answer(wizard, "Ports it listens on", clear + "80\r")
    answer(wizard, "CPU it needs", "250m\r")
    answer(wizard, "Memory it needs", "256Mi\r")
    for question in ("Command to run", "Arguments instead", "Environment variables", "How to tell it is ready"):
        answer(wizard, question, "\r")
    answer(wizard, "Another container to add", "y")
    answer(wizard, "Image", "fluent/fluent-bit:3.1\r")
    answer(wizard, "Container name", clear + "log-shipper\r")
    answer(wizard, "What is this container's job", "1")
    answer(wizard, "Ports it listens on", clear + "\r")
    answer(wizard, "CPU it needs", "50m\r")
    answer(wizard, "Memory it needs", "64Mi\r")
    for question in ("Command to run", "Arguments instead", "Environment variables"):
        answer(wizard, question, "\r")
    for question in ("share files", "on localhost", "same node", "number of copies", "by a host name"):
        answer(wizard, question, "\r")
    answer(wizard, "Another container to add", "\r")
    answer(wizard, "Does the work finish", "\r")
    answer(wizard, "one copy run on every node", "\r")
    answer(wizard, "stable name and storage", "\r")
    answer(wizard, "How many copies", "\r")
    answer(wizard, "Do other workloads connect", "\r")  # yes: the main container listens on a port
    for question in ("Seconds it needs to stop", "call the Kubernetes API", "Admit only the traffic", "namespace to"):
        answer(wizard, question, "\r")
    answer(wizard, "Review your answers", "\r")
    wizard.expect_exact("Deployment shop")
    answer(wizard, "Save the answers file to", "\r")
    answer(wizard, "Save the starter manifest to", "\r")
    wizard.expect_exact("pod-advisor evaluate shop.answers.yaml")
    wizard.expect(pexpect.EOF)
    wizard.close()
    assert wizard.exitstatus == 0
    answers = load_answers(str(tmp_path / "shop.answers.yaml"))
    assert [c.name for c in answers.containers] == ["web", "log-shipper"]
    assert (answers.containers[1].purpose, answers.containers[1].shares_volume) == ("ship-logs", True)
    assert "kind: Deployment" in (tmp_path / "shop.yaml").read_text()


def test_the_installed_wizard_leaves_on_ctrl_c_with_130_and_writes_nothing(wizard, tmp_path):
    answer(wizard, "What is the application called?", "\r")
    answer(wizard, "Which Kubernetes version", "\x03")
    wizard.expect_exact("nothing was written")
    wizard.expect(pexpect.EOF)
    wizard.close()
    assert wizard.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


# -- the screen as a person sees it (pyte keeps the screen the escapes draw) --------------------

ESC, CLEAR, F1 = "\x1b", "\x15", "\x1bOP"


@pytest.fixture
def screen(tmp_path):
    from helpers.screen import Pty

    started: list = []

    def start(*args: str, **kwargs):
        pty = Pty(list(args) or ["wizard"], str(tmp_path), **kwargs)
        started.append(pty)
        return pty

    yield start
    for pty in started:
        pty.close()


def lines_with(pty, text: str) -> list[str]:
    return [line for line in pty.screen.lines if text in line]


def shown(pty, text: str):
    """The screen once it shows ``text`` and the prompt has drawn all of itself (its legend, the
    last line it draws, is on screen)."""
    pty.wait_for(text)
    return pty.wait_for("Ctrl-C quit")


NAME, VERSION, ENVIRONMENT = "What is the application called?", "Which Kubernetes version", "for real use, or an"


def test_going_back_shows_each_question_once_and_no_trail_of_back_lines(screen):
    pty = screen()
    pty.answer(NAME, CLEAR + "shop\r")
    pty.answer(VERSION, "\r")
    pty.answer(ENVIRONMENT, ESC)  # back to the version
    pty.answer("[2/", ESC)  # and back to the name
    shown(pty, "[1/")
    assert len(lines_with(pty, NAME)) == 1  # the open question, not its old answer too
    assert lines_with(pty, "back") == [] and lines_with(pty, VERSION) == []
    pty.send(CLEAR + "store\r")
    shown(pty, "[2/")
    assert lines_with(pty, NAME) == [f"? {NAME} store"] and lines_with(pty, "shop") == []


def test_keys_typed_before_the_first_question_are_not_added_to_its_answer(screen):
    pty = screen()
    pty.send("xyz\r")  # typed while the program starts, before any question shows
    pty.wait_for("Ctrl-C quit")
    pty.send(F1)  # the help of the question open once every key before it has been read
    pty.wait_for(("A short name for the workload", "The cluster's minor version"))
    assert "› my-app" in pty.screen.lines  # still the first question, as offered (the terminal echoed the keys)
    assert lines_with(pty, "my-appxyz") == [] and lines_with(pty, "Which Kubernetes version") == []


def test_each_kind_of_question_says_how_to_answer_it(screen):
    pty = screen()
    assert "Enter accept · Ctrl-U clear" in shown(pty, NAME).text  # a text field
    pty.send("\r\r")
    assert "1-2 pick · ↑↓ then Enter" in shown(pty, ENVIRONMENT).text  # a choice list: a digit picks
    pty.send("1" + "\r" * 9)  # the main container's image, name, ports, cpu, memory, command, args, env, health
    assert "y/n answer · Enter accept" in shown(pty, "Another container to add").text  # a yes/no


def test_the_progress_counts_the_questions_of_one_part_whatever_comes_after(screen):
    pty = screen()
    assert "[1/3]" in shown(pty, NAME).text  # the application: 3 questions, however many containers follow
    pty.send("\r\r\r" + "\r" * 9)
    assert "[10/10]" in shown(pty, "Another container to add").text  # the main container's 10
    pty.send("y")
    pty.wait_for("Container 2")
    assert "[1/18]" in pty.wait_for("Ctrl-C quit").text  # one more container: its own count


def test_the_review_names_every_answer_in_plain_words(screen):
    pty = screen()
    pty.wait_for(NAME)
    pty.send("\r" * 22)  # every answer as offered: the application's 3, the container's 10, the workload's 9
    text = shown(pty, "Review your answers").text
    assert "Application name" in text and "Kubernetes version" in text and "Container 1: nginx" in text
    assert "containers[" not in text and "workload." not in text


@pytest.mark.parametrize("columns", [62, 115])  # where the help's example once fell across two lines
def test_the_cron_help_never_splits_its_example(screen, columns):
    pty = screen(columns=columns)
    pty.wait_for(NAME)
    pty.send("\r" * 13 + "y")  # the application, the container, no other; the work finishes
    pty.answer("cron schedule", F1)
    shown(pty, "day-of-week")
    assert lines_with(pty, '"0 3 * * *"')


def test_an_image_that_needs_root_is_met_on_screen_with_the_image_that_does_its_job(screen):
    pty = screen()
    pty.answer(NAME, "\r\r\r")
    pty.answer("Image", CLEAR + "nginx:1.27\r")
    text = shown(pty, "Use nginxinc/nginx-unprivileged:1.27").text
    assert "nginx:1.27 runs as root" in text and "UID 101, on port 8080" in text
    pty.send("1")
    shown(pty, "Container name")
    assert lines_with(pty, "Image") == ["? Image nginxinc/nginx-unprivileged:1.27"]  # one image question, redrawn
    assert lines_with(pty, "runs as root") == []


def test_an_outbound_proxy_is_asked_on_screen_whether_the_main_container_reaches_it_on_localhost(screen):
    pty = screen()
    pty.answer(NAME, "\r\r\r" + "\r" * 9)
    pty.answer("Another container to add", "y")
    pty.answer("Image", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0\r")
    # Enter on its name, job (outbound proxy), ports, cpu, memory, command, args, env, health, shared files:
    # each once its own prompt shows (its progress in the legend), as keys typed ahead can be lost under load
    for position in range(2, 12):
        pty.answer(f"[{position}/", "\r")
    pty.wait_for("Does the main container reach it on localhost")


def test_the_quiz_says_how_to_answer_and_a_digit_picks(screen):
    pty = screen("quiz", "--seed", "7")
    assert "1-4 pick" in shown(pty, "Question 1 of").text
    pty.send("2")
    pty.wait_for("Question 2 of")
