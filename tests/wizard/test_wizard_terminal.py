"""The installed `pod-advisor wizard` in a real pseudo-terminal (80x24), as a person uses it."""

from __future__ import annotations

import os

import pytest

from advisor.answers.load import load_answers
from helpers.installed import TIMEOUT, console_script

pexpect = pytest.importorskip("pexpect")


@pytest.fixture
def wizard(tmp_path):
    environ = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(console_script(), ["wizard"], cwd=str(tmp_path), env=environ, dimensions=(24, 80),
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
    answer(wizard, "Container name", clear + "web\r")
    answer(wizard, "Image", "\r")
    answer(wizard, "Ports it listens on", "80\r")
    answer(wizard, "CPU it needs", "250m\r")
    answer(wizard, "Memory it needs", "256Mi\r")
    for question in ("Command to run", "Arguments instead", "Environment variables", "How to tell it is ready"):
        answer(wizard, question, "\r")
    answer(wizard, "Another container to add", "y")
    answer(wizard, "Container name", clear + "log-shipper\r")
    answer(wizard, "Image", clear + "fluent/fluent-bit:3.1\r")
    answer(wizard, "Ports it listens on", "\r")
    answer(wizard, "CPU it needs", "50m\r")
    answer(wizard, "Memory it needs", "64Mi\r")
    for question in ("Command to run", "Arguments instead", "Environment variables"):
        answer(wizard, question, "\r")
    answer(wizard, "What does this container do", "1\r")
    for question in ("share files", "over localhost", "same node", "number of copies", "over the network"):
        answer(wizard, question, "\r")
    answer(wizard, "Another container to add", "\r")
    answer(wizard, "Does the work finish", "\r")
    answer(wizard, "one copy run on every node", "\r")
    answer(wizard, "stable name and storage", "\r")
    answer(wizard, "How many copies", "\r")
    answer(wizard, "Do other workloads connect", "y")
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
