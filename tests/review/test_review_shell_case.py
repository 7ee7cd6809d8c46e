"""Scripts with ``case ... esac``, and scripts bashlex refuses, read as the shell reads them.

bashlex 0.18 has bash's case grammar but no actions for it (NotImplementedError), and it refuses
``$(a || b)`` (idank/bashlex#54, #83); such scripts fell back to the coarse token reader, which read
``$(ls ...); do`` as one word, so that a ``for`` swallowed the rest of the script and an endless watch
loop at its end was read as a bounded loop: two home-lab DaemonSets of blind round 12 were told their
work finishes (restart-always-on-completion). Each case states what a shell does with the script.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.review import ids
from advisor.review import shell
from advisor.review.runtime import runtime_of


def runs(script: str) -> str | None:
    return runtime_of({"command": ["sh", "-c", script]}).runs


def daemonset(container: str, pod: str = "") -> str:
    return ("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: tuner}\nspec:\n"
            "  selector: {matchLabels: {app: tuner}}\n  template:\n    metadata: {labels: {app: tuner}}\n"
            "    spec:\n      containers:\n        - name: tuner\n          image: busybox:1.36\n"
            f"{container}          resources: {{requests: {{cpu: 5m, memory: 8Mi}}, limits: {{memory: 16Mi}}}}\n{pod}")


# -- the two DaemonSets of blind round 12, in a few lines each -------------------------------------

# a mode chosen by case, a settings function with a fallback inside $( ), then a re-assert loop
TUNER = """set -eu
case "${MODE:-fast}" in
  slow) FREQ=100 ;;
  fast) FREQ=900 ;;
  *) echo "unknown mode"; FREQ=900 ;;
esac
apply() {
  echo "$FREQ" > /sys/gpu/max_freq
  CUR=$(cat /sys/gpu/cur_freq 2>/dev/null || echo "?")
  for policy in $(ls -d /sys/cpu/policy* 2>/dev/null); do
    echo performance > "$policy/governor" 2>/dev/null || true
  done
}
apply
while true; do
  sleep 60
  for policy in $(ls -d /sys/cpu/policy* 2>/dev/null); do
    echo performance > "$policy/governor" 2>/dev/null || true
  done
done
"""

# a script file from a ConfigMap: a function writing a file from a for over $(find ...), a count with a
# fallback inside $( ), then a watch loop that writes the file again when it is gone
WRITER = """#!/bin/sh
set -e
write_spec() {
  {
    echo 'devices:'
    for dev in $(find /dev/gpu/ -type c 2>/dev/null | sort); do
      printf '  - %s\\n' "$dev"
    done
  } > /var/run/spec.yaml
  COUNT=$(grep -c path /var/run/spec.yaml 2>/dev/null || echo 0)
  echo "spec written ($COUNT devices)"
}
write_spec
while true; do
  sleep 60
  if [ ! -f /var/run/spec.yaml ]; then
    write_spec
  fi
done
"""


def test_a_daemonset_that_picks_a_mode_with_case_and_then_reasserts_it_for_ever_is_not_told_its_work_finishes():
    text = daemonset(f"          command: [/bin/sh, -c, {json.dumps(TUNER)}]\n")
    assert runs(TUNER) == "endless"
    assert "restart-always-on-completion" not in ids(text)


def test_a_daemonset_whose_mounted_script_ends_in_a_watch_loop_after_a_for_over_a_command_substitution_is_not_told_its_work_finishes():
    config = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: scripts}\ndata:\n  writer.sh: |\n"
              + "".join(f"    {line}\n" if line else "\n" for line in WRITER.splitlines()))
    text = config + "---\n" + daemonset("          command: [/bin/sh, /scripts/writer.sh]\n"
                                          "          volumeMounts: [{name: scripts, mountPath: /scripts}]\n",
                                          "      volumes: [{name: scripts, configMap: {name: scripts}}]\n")
    assert runtime_of({"command": ["/bin/sh", "/scripts/writer.sh"]}, read_file={"/scripts/writer.sh": WRITER}.get
                      ).runs == "endless"
    assert "restart-always-on-completion" not in ids(text)


def test_the_coarse_reader_ends_a_statement_at_a_command_substitution_s_closing_paren_before_do():
    script = shell._by_tokens("for p in $(ls /x); do echo a; done; while true; do sleep 60; done", "")
    loops = [node for node, _ in script.body.steps if isinstance(node, shell.Loop)]
    assert [loop.keyword for loop in loops] == ["for", "while"]


# -- case, read by bashlex's own grammar --------------------------------------------------------------


def test_a_case_is_read_by_bashlex_as_a_branch_of_its_arms():
    script = shell.parse("case $1 in a) echo a;; b|c) echo b;; *) echo other;; esac")
    [(branch, _)] = script.body.steps
    assert script.parser == "bashlex"
    assert isinstance(branch, shell.Branch) and len(branch.arms) == 3 and branch.otherwise


def test_a_case_inside_an_endless_loop_that_only_prints_is_a_placeholder_loop():
    runtime = runtime_of({"command": ["sh", "-c", 'while true; do case "$STATE" in busy) echo busy;; '
                                                  '*) echo idle;; esac; sleep 10; done']})
    assert (runtime.runs, runtime.idle) == ("endless", True)


def test_a_loop_in_every_arm_of_a_case_makes_the_script_endless_only_when_an_arm_catches_all():
    arms = '  server)\n    while true; do serve-once; sleep 5; done\n    ;;\n'
    assert runs(f'case "$ROLE" in\n{arms}  *)\n    while true; do poll; sleep 30; done\n    ;;\nesac\n') == "endless"
    assert runs(f'case "$ROLE" in\n{arms}  worker)\n    while true; do poll; sleep 30; done\n    ;;\nesac\n') is None


def test_a_case_whose_every_arm_exits_ends_the_script_before_the_loop_after_it_and_one_that_may_not_does_not():
    loop = "while true; do work; sleep 60; done\n"
    assert runs('case "$1" in\n  once) migrate; exit 0 ;;\n  *) echo usage; exit 1 ;;\nesac\n' + loop) == "finishes"
    assert runs('case "$1" in once) migrate; exit 0 ;; esac\n' + loop) == "endless"


def test_a_nested_case_whose_every_way_through_execs_a_server_is_endless():
    script = ('case "$A" in x) case "$B" in y) exec nginx -g "daemon off;" ;; *) exec nginx ;; esac ;; '
              '*) exec nginx ;; esac')
    assert runs(script) == "endless"


def test_a_case_arm_ending_in_semicolon_ampersand_falls_through_into_the_next_arm():
    assert runs('case "$1" in init) migrate ;& *) exec gunicorn app:app ;; esac') == "endless"


def test_a_case_arm_ending_in_double_semicolon_ampersand_goes_on_testing_the_arms_after_it():
    assert runs('case "$1" in *debug*) set -x ;;& *) exec gunicorn app:app ;; esac') == "endless"


def test_a_quoted_paren_or_the_word_in_as_a_pattern_is_a_pattern_not_the_end_of_one():
    script = ('case "$1" in in) exec nginx ;; ")" | "in") exec nginx ;; *) exec nginx -g "daemon off;" ;; esac')
    assert runs(script) == "endless"


def test_a_bare_pod_whose_case_finishes_in_every_arm_is_still_told_it_restarts_after_success():
    script = 'case "$1" in\n  backup) pg_dump -h db shop > /backup/shop.sql ;;\n  *) echo "usage: backup"; exit 1 ;;\nesac\n'
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: backup}\nspec:\n  containers:\n    - name: backup\n"
            f"      image: postgres:16\n      command: [sh, -c, {json.dumps(script)}, sh, backup]\n"
            "      resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 64Mi}}\n")
    assert runs(script) == "finishes"
    assert "restart-always-on-completion" in ids(text)


# -- the coarse reader, where bashlex refuses the script for another reason -----------------------------

# $( a || b ) makes bashlex refuse the whole script, so the case in it is read by the coarse reader
_REFUSED = 'X=$(cat /f 2>/dev/null || echo 0)\n'


def test_the_coarse_reader_reads_a_case_s_patterns_as_patterns_not_as_commands():
    script = shell.parse(_REFUSED + 'case "$1" in\n  start)\n    echo s\n    ;;\n  *) echo other ;;\nesac\n')
    assert script.parser == "shlex"
    [branch] = [node for node, _ in script.body.steps if isinstance(node, shell.Branch)]
    programs = [node.program for arm in branch.arms for node, _ in arm.steps]
    assert programs == ["echo", "echo"] and branch.otherwise


def test_the_coarse_reader_reads_a_case_inside_a_loop_that_only_prints_as_a_placeholder_loop():
    script = (_REFUSED + 'while true; do\n  case "$X" in\n    0) echo none ;;\n    *) echo some ;;\n  esac\n'
              '  sleep 30\ndone\n')
    assert shell.parse(script).parser == "shlex"
    runtime = runtime_of({"command": ["sh", "-c", script]})
    assert (runtime.runs, runtime.idle) == ("endless", True)


def test_the_coarse_reader_reads_an_arm_with_no_commands_and_the_arm_after_it():
    script = shell.parse(_REFUSED + 'case "$1" in\n  a)\n    ;;\n  b) exec nginx ;;\nesac\n')
    [branch] = [node for node, _ in script.body.steps if isinstance(node, shell.Branch)]
    assert [len(arm.steps) for arm in branch.arms] == [0, 1] and not branch.otherwise


# well-formed scripts of commands, loops, ifs and cases, one statement a line or joined by ;
_COMMANDS = st.sampled_from(["echo a", "sleep 5", "exec nginx", "exit 0", "exit 1", "migrate", "x=1", "break",
                            "X=$(cat /f)", "echo b > /log 2>&1"])


def _block(inner):
    body = st.lists(inner, min_size=1, max_size=3).map("\n".join)
    loop = body.map(lambda b: f"while true; do\n{b}\ndone")
    branch = st.tuples(body, body).map(lambda a: f"if [ -f /x ]; then\n{a[0]}\nelse\n{a[1]}\nfi")
    arm = st.tuples(st.sampled_from(["a", "b|c", "(d", "*", "'in'", "e|*"]), st.one_of(st.just(""), body),
                    st.sampled_from([";;", ";&", ";;&"]))
    case = st.tuples(st.lists(arm, max_size=3), st.sampled_from(["\n", " "])).map(
        lambda c: f'case "$1" in{c[1]}' + "".join(f"{p}){c[1]}{b}{c[1]}{t}{c[1]}" for p, b, t in c[0]) + "esac")
    loop_for = body.map(lambda b: f"for f in $(ls /d); do\n{b}\ndone")
    return st.one_of(loop, loop_for, branch, case)


_SCRIPTS = st.lists(st.recursive(_COMMANDS, _block, max_leaves=8), min_size=1, max_size=4).map("\n".join)


def _plain(node):
    """A tree with the operators that mean ';' (bashlex's '' after a last step and newline inside a block) made ';'."""
    if isinstance(node, shell.Seq):
        return shell.Seq(tuple((_plain(n), ";" if op in ("", "\n") else op) for n, op in node.steps))
    if isinstance(node, shell.Loop):
        return shell.Loop(node.keyword, _plain(node.condition) if node.condition else None, _plain(node.body),
                          node.forever)
    if isinstance(node, shell.Branch):
        return shell.Branch(tuple(map(_plain, node.conditions)), tuple(map(_plain, node.arms)), node.otherwise)
    return node


@settings(max_examples=200, deadline=None)
@given(script=_SCRIPTS)
def test_the_coarse_reader_reads_a_well_formed_script_with_case_as_bashlex_reads_it(script):
    read = shell._parse(script)
    assert read.parser == "bashlex"
    assert _plain(shell._by_tokens(script, script).body) == _plain(read.body)


_PIECES = list("ab ;&|()$`'\"\n*") + ["case ", " in ", "esac", ";;", ";&", ";;&", ")", "(", "while ", "do ",
                                      "done", "if ", "then ", "fi", "$(", "||", "exit ", "exec nginx", "in)"]


@settings(max_examples=300, deadline=None)
@given(script=st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_any_text_with_case_and_esac_is_read_by_both_readers_without_raising(script):
    assert shell._by_tokens(script, script).parser == "shlex"
    assert runs(script) in ("endless", "finishes", None)
