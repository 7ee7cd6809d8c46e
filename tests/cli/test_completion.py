"""`pod-advisor completion SHELL`: Tab completion, driven in the real shells.

bash is asked through its own completion machinery (``complete -p``, the
function it registered, ``compgen``); fish through ``complete -C``; zsh in a
pseudo-terminal (zsh/zpty) with the completion system loaded, Tab pressed, and
the candidates it offered captured.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys

import pytest

from advisor.cli.main import COMMANDS, build_parser
from advisor.system.environment import Environment
from advisor.kb.knowledge import knowledge_base
from helpers.tools import require_tool

VERSIONS = knowledge_base().questions.supported_versions


def _script(cli, shell: str) -> str:
    result = cli("completion", shell)
    assert result.status == 0, result.stderr
    return result.stdout


def _script_file(cli, tmp_path, shell: str):
    """The script for ``shell`` written under tmp_path, and a work folder beside it."""
    script = tmp_path / f"pod-advisor.{shell}"
    script.write_text(_script(cli, shell))
    (tmp_path / "work").mkdir(exist_ok=True)
    return script


def _run(argv: list[str], cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, timeout=60)


def _choices_by_option() -> list[tuple[str, str, tuple[str, ...]]]:
    """(command, option, choices) for every option with choices, as argparse has them."""
    parser = build_parser(Environment())
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found = []
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            if action.option_strings and action.choices:
                found.append((name, action.option_strings[-1], tuple(action.choices)))
    return found


# -- bash ----------------------------------------------------------------------------


@pytest.fixture
def bash(cli, tmp_path):
    """Complete a command line in bash: the words, the last being the one under the cursor."""
    bash_path = require_tool("bash", "apt-get install bash")
    script = _script_file(cli, tmp_path, "bash")

    def complete(*words: str) -> list[str]:
        line = " ".join(shlex.quote(w) for w in words)
        program = (f"source {shlex.quote(str(script))}\n"
                   f"COMP_WORDS=({line}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n"
                   "$(complete -p pod-advisor | sed -E 's/.* -F ([^ ]+) .*/\\1/')\n"
                   "printf '%s\\n' \"${COMPREPLY[@]}\"")
        done = _run([bash_path, "--norc", "-c", program], cwd=tmp_path / "work")
        assert done.returncode == 0, done.stderr
        return [line for line in done.stdout.splitlines() if line]

    complete.work = tmp_path / "work"
    return complete


def test_bash_registers_a_completion_function_for_pod_advisor(cli, tmp_path):
    bash_path = require_tool("bash", "apt-get install bash")
    script = _script_file(cli, tmp_path, "bash")
    done = _run([bash_path, "--norc", "-c", f"source {script}; complete -p pod-advisor"])
    assert done.stdout.strip() == "complete -F _pod_advisor pod-advisor"


def test_bash_completes_every_subcommand(bash):
    assert bash("pod-advisor", "") == list(COMMANDS)


def test_bash_completes_a_subcommand_from_its_beginning(bash):
    assert bash("pod-advisor", "ev") == ["evaluate"]


def test_bash_completes_the_options_of_the_subcommand_typed(bash):
    offered = bash("pod-advisor", "review", "--")
    assert {"--format", "--kubernetes", "--fail-on", "--suggest", "--config", "--output"} <= set(offered)
    assert "--check" not in offered  # batch's, not review's


@pytest.mark.parametrize("command,option,choices", _choices_by_option())
def test_bash_offers_exactly_the_parsers_choices_after_an_option(bash, command, option, choices):
    assert bash("pod-advisor", command, option, "") == list(choices)


def test_bash_completes_a_value_given_with_an_equals_sign(bash):
    assert bash("pod-advisor", "review", "--format", "=", "s") == ["sarif"]


def test_bash_offers_the_supported_kubernetes_versions(bash):
    assert bash("pod-advisor", "manifest", "--kubernetes", "") == VERSIONS
    assert bash("pod-advisor", "review", "--kubernetes", "1.3") == [v for v in VERSIONS if v.startswith("1.3")]


def test_bash_offers_knowledge_base_topics_and_rule_ids_for_explain(bash):
    offered = bash("pod-advisor", "explain", "")
    assert {"patterns.sidecar", "sidecar", "crashloopbackoff", "bare-pod", "deployment-by-default"} <= set(offered)
    assert all(" " not in word for word in offered)


def test_bash_completes_file_names_for_a_file_argument(bash):
    (bash.work / "app.yaml").write_text("")
    (bash.work / "k8s").mkdir()
    assert sorted(bash("pod-advisor", "review", "")) == ["app.yaml", "k8s"]
    assert bash("pod-advisor", "evaluate", "a") == ["app.yaml"]
    assert bash("pod-advisor", "batch", "-o", "a") == ["app.yaml"]


@pytest.mark.parametrize("typed, offered", [("my", ["my file.yaml"]), ("[", ["[ab].yaml"]), ("*", ["*.yaml"])])
def test_bash_completes_a_file_name_with_spaces_or_glob_characters_whole(bash, typed, offered):
    for name in ("my file.yaml", "[ab].yaml", "*.yaml", "a.yaml", "b.yaml"):
        (bash.work / name).write_text("")
    assert bash("pod-advisor", "review", typed) == offered


def test_bash_offers_nothing_where_a_number_is_wanted(bash):
    (bash.work / "app.yaml").write_text("")
    assert bash("pod-advisor", "batch", "--jobs", "") == []


def test_the_installed_command_prints_a_script_bash_can_load(tmp_path):
    bash_path = require_tool("bash", "apt-get install bash")
    command = os.path.join(os.path.dirname(sys.executable), "pod-advisor")
    done = _run([bash_path, "--norc", "-c", f'eval "$({command} completion bash)" && complete -p pod-advisor'])
    assert done.returncode == 0, done.stderr
    assert "_pod_advisor" in done.stdout


# -- fish ----------------------------------------------------------------------------


@pytest.fixture
def fish(cli, tmp_path):
    fish_path = require_tool("fish", "apt-get install fish")
    script = _script_file(cli, tmp_path, "fish")

    def complete(line: str) -> list[str]:
        done = _run([fish_path, "--no-config", "-c", f"source {script}; complete -C {shlex.quote(line)}"],
                    cwd=tmp_path / "work")
        assert done.returncode == 0, done.stderr
        return [entry.split("\t")[0] for entry in done.stdout.splitlines()]

    complete.work = tmp_path / "work"
    return complete


def test_fish_parses_the_script(cli, tmp_path):
    fish_path = require_tool("fish", "apt-get install fish")
    done = _run([fish_path, "--no-config", "--no-execute", str(_script_file(cli, tmp_path, "fish"))])
    assert done.returncode == 0, done.stderr


def test_fish_completes_subcommands_options_and_values(fish):
    assert fish("pod-advisor ev") == ["evaluate"]
    assert fish("pod-advisor review --format ") == sorted(("text", "json", "sarif"))
    assert "--suggest" in fish("pod-advisor review --")
    assert "sidecar-in-jobs" in fish("pod-advisor explain sidecar-i")


def test_fish_completes_file_names_only_for_file_arguments(fish):
    (fish.work / "app.yaml").write_text("")
    assert fish("pod-advisor evaluate a") == ["app.yaml"]
    assert "app.yaml" not in fish("pod-advisor explain a")  # topics, not files


# -- zsh -----------------------------------------------------------------------------

# Runs an interactive zsh in a pseudo-terminal, loads the completion system and the
# script, wraps compadd to write each candidate to a file, and types the line and a
# key bound to "complete, then print a marker": zsh abandons completion when more
# keys are waiting, so nothing is typed after it; reading the marker means it is over.
ZSH_DRIVER = r"""
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1=''; HITS=${3:q}; autoload -Uz compinit; compinit -u -D; source ${1:q}"
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a hits; builtin compadd -A hits "$@"; local ret=$?
  (( $#hits )) && print -rl -- ${hits} >> $HITS
  builtin compadd "$@"; return ret
}'
zpty -w z 'complete-then-mark() { zle complete-word; print -rn -- "DONE""MARK" >&2 }'
zpty -w z 'zle -N complete-then-mark; bindkey "^T" complete-then-mark'
zpty -w -n z "$2"$'\C-t'
zpty -r z output '*DONEMARK*'
zpty -d z
"""


@pytest.fixture
def zsh(cli, tmp_path):
    zsh_path = require_tool("zsh", "apt-get install zsh")
    script = _script_file(cli, tmp_path, "zsh")
    driver = tmp_path / "driver.zsh"
    driver.write_text(ZSH_DRIVER)

    def complete(line: str) -> list[str]:
        hits = tmp_path / "hits"
        hits.write_text("")
        done = _run([zsh_path, "-f", str(driver), str(script), line, str(hits)], cwd=tmp_path / "work")
        assert done.returncode == 0, done.stderr
        return hits.read_text().split()

    complete.work = tmp_path / "work"
    return complete


def test_zsh_parses_the_script(cli, tmp_path):
    zsh_path = require_tool("zsh", "apt-get install zsh")
    done = _run([zsh_path, "-n", str(_script_file(cli, tmp_path, "zsh"))])
    assert done.returncode == 0, done.stderr


def test_zsh_completes_subcommands_option_values_and_topics(zsh):
    assert zsh("pod-advisor ev") == ["evaluate"]
    assert zsh("pod-advisor review --format ") == ["text", "json", "sarif"]
    assert zsh("pod-advisor manifest --kubernetes 1.2") == [v for v in VERSIONS if v.startswith("1.2")]
    assert "sidecar-in-jobs" in zsh("pod-advisor explain sidecar-i")


def test_zsh_completes_file_names_for_a_file_argument(zsh):
    (zsh.work / "app.yaml").write_text("")
    assert "app.yaml" in zsh("pod-advisor evaluate a")


# -- the command ---------------------------------------------------------------------


def test_an_unknown_shell_is_a_usage_error_naming_the_shells(cli):
    result = cli("completion", "tcsh")
    assert result.status == 2
    assert "bash" in result.stderr and "zsh" in result.stderr and "fish" in result.stderr
