"""Escape sequences from input are shown, never obeyed (issue 11, class 10): in errors,
review reports and batch tables on a real terminal, in text written to files, and in the
comments of a manifest; the formats for programs keep the data as it is."""

from __future__ import annotations

import json
import os
import sys

import pytest

from advisor.system.text import visible
from helpers.installed import TIMEOUT, console_script
from helpers.tools import require_module

TITLE = "\x1b]0;owned\x07"  # retitles the terminal
CLEAR = "\x1b[2J"  # clears the screen
POD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: \"web\\e[2J\"}\nspec:\n  containers:\n"
       "  - {name: \"app\\e]0;owned\\a\", image: \"nginx\\e[2J\"}\n")
ANSWERS = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n"


def on_a_terminal(*args: str, cwd: str, color: bool = False) -> str:
    """Everything the installed command shows on a real terminal (stdout and stderr)."""
    pexpect = require_module("pexpect", "pip install -e '.[test]'")
    environ = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    if color:
        environ.pop("NO_COLOR", None)
    else:
        environ["NO_COLOR"] = "1"
    child = pexpect.spawn(console_script(), list(args), cwd=cwd, env=environ, dimensions=(24, 200),
                          encoding="utf-8", codec_errors="replace", timeout=TIMEOUT)
    shown = child.read()
    child.close()
    return shown


def obeyed(text: str) -> bool:
    return TITLE in text or CLEAR in text or "\x1b]" in text


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")


def test_a_review_report_shows_the_escapes_in_names_and_images(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    shown = on_a_terminal("review", "pod.yaml", cwd=str(tmp_path))
    assert "bare-pod" in shown and not obeyed(shown)
    assert "app\\x1b]0;owned\\x07" in shown


def test_colours_survive_while_injected_sequences_are_shown(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    shown = on_a_terminal("review", "pod.yaml", cwd=str(tmp_path), color=True)
    assert "\x1b[1m" in shown and not obeyed(shown)


def test_an_error_shows_the_escapes_in_a_file_name(tmp_path):
    shown = on_a_terminal("evaluate", f"x{CLEAR}{TITLE}.yaml", cwd=str(tmp_path))
    assert "no such file" in shown and not obeyed(shown) and "x\\x1b[2J" in shown


def test_a_batch_table_shows_the_escapes_in_a_file_name(tmp_path):
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / f"a{CLEAR}.yaml").write_text(ANSWERS)
    (tmp_path / "answers" / f"b{TITLE}.yaml").write_text("name: [x]\n")
    shown = on_a_terminal("batch", "answers", cwd=str(tmp_path))
    assert "invalid" in shown and not obeyed(shown) and "a\\x1b[2J.yaml" in shown


def test_a_text_report_written_to_a_file_is_escaped_too(cli, write, tmp_path):
    # a name holding escapes is no name the API server takes (an error finding): the report is the point
    run = cli("review", write("pod.yaml", POD), "-o", str(tmp_path / "report.txt"), "--fail-on", "never")
    report = (tmp_path / "report.txt").read_text()
    assert run.status == 0 and not obeyed(report) and "app\\x1b]0;owned\\x07" in report


def test_json_keeps_the_names_as_they_are(cli, write):
    run = cli("review", write("pod.yaml", POD), "--format", "json")
    assert json.loads(run.stdout)["objects"][0]["name"] == "web\x1b[2J"


def test_a_manifest_header_shows_the_escapes_of_its_file_name_and_still_reads_back(cli, write):
    path = write(f"shop{CLEAR}\u2028kind: Secret.yaml", ANSWERS)
    run = cli("manifest", path)
    assert run.status == 0 and not obeyed(run.stdout) and "\u2028" not in run.stdout
    assert "kind: Secret" not in [line.strip() for line in run.stdout.splitlines()]


@pytest.mark.parametrize("raw, shown", [("\x1b[2J", "\\x1b[2J"), ("a\u202eb", "a\\u202eb"), ("\udce9", "\\xe9"),
                                        ("tab\tand\nline", "tab\tand\nline"), ("café ✓", "café ✓"),
                                        ("\x85\x9b", "\\x85\\x9b")])
def test_visible_escapes_control_characters_only(raw, shown):
    assert visible(raw) == shown


def test_visible_keeps_only_the_colour_codes_style_writes():
    assert visible("\x1b[1;31mred\x1b[0m\x1b[8mhidden", styled=True) == "\x1b[1;31mred\x1b[0m\\x1b[8mhidden"
