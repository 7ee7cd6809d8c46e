"""The installed command against odd files and streams (issue 11, classes 6, 9 and 5):
a FIFO in a folder, a full disk, a reader that leaves, file names that are not UTF-8,
standard input in UTF-16 or in no encoding at all, and more of it than is sane."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers.installed import TIMEOUT, run

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files and streams")

ANSWERS = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n"
POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: café}\nspec:\n  containers:\n  - {name: web, image: nginx:1.27}\n"


def folder_with_a_fifo(tmp_path, text: str):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.yaml").write_text(text)
    os.mkfifo(folder / "b.yaml")  # named like a manifest; no one will ever write to it
    return folder


def test_review_of_a_folder_with_a_fifo_reviews_the_rest_and_names_it(tmp_path):
    done = run("review", str(folder_with_a_fifo(tmp_path, POD)), "--format", "json", text=True)
    assert done.returncode == 2 and json.loads(done.stdout)["summary"]["objects"] == 1
    assert "b.yaml: not a regular file (a FIFO); not read" in done.stderr


def test_batch_of_a_folder_with_a_fifo_makes_it_an_invalid_row(tmp_path):
    done = run("batch", str(folder_with_a_fifo(tmp_path, ANSWERS)), "--format", "jsonl", text=True)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 2 and [r["status"] for r in rows] == ["ok", "invalid"]
    assert "not a regular file (a FIFO)" in rows[1]["error"]


def test_a_pipe_named_outright_is_read(tmp_path):
    read, write = os.pipe()
    os.write(write, ANSWERS.encode())
    os.close(write)
    done = run("evaluate", f"/dev/fd/{read}", pass_fds=(read,), text=True)
    assert done.returncode == 0 and "Deployment shop" in done.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", [("rules",), ("evaluate", "ANSWERS"), ("manifest", "ANSWERS")])
def test_a_full_disk_on_stdout_is_an_error_not_a_traceback(tmp_path, args):
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS)
    with open("/dev/full", "w") as full:
        done = run(*[str(answers) if a == "ANSWERS" else a for a in args], stdout=full, stderr=subprocess.PIPE,
                   text=True)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "pod-advisor: cannot write to standard output: No space left on device"


def test_a_reader_that_leaves_early_ends_the_run_quietly(tmp_path):
    from helpers.installed import console_script

    process = subprocess.Popen([console_script(), "explain", "--list", "--format", "json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.read(10)
    process.stdout.close()  # | head -c 10
    _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0 and err == b""


@pytest.fixture
def latin1_named(tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.yaml"  # a file name that is not UTF-8
    with open(name, "w") as handle:
        handle.write(ANSWERS)
    return name


def test_manifest_of_a_file_whose_name_is_not_utf8_writes_the_manifest(latin1_named):
    done = run("manifest", latin1_named)
    assert done.returncode == 0 and b"kind: Deployment" in done.stdout and b"caf\\xe9.yaml" in done.stdout


def test_batch_output_names_a_file_whose_name_is_not_utf8(tmp_path, latin1_named):
    done = run("batch", os.fsencode(tmp_path), "--format", "jsonl", "-o", os.fsencode(tmp_path) + b"/out.jsonl")
    assert done.returncode == 0, done.stderr
    row = json.loads((tmp_path / "out.jsonl").read_text())
    assert os.fsencode(row["file"]) == latin1_named  # the name as it is, bytes and all


@pytest.mark.parametrize("fmt", ["text", "csv"])
def test_batch_tables_show_a_name_that_is_not_utf8(tmp_path, latin1_named, fmt):
    done = run("batch", os.fsencode(tmp_path), "--format", fmt)
    assert done.returncode == 0 and b"caf" in done.stdout


def test_review_reads_utf16_standard_input():
    # "café" is no name the API server takes (refused-by-api-server, an error): what is read is the point
    done = run("review", "-", "--format", "json", "--fail-on", "never", input=POD.encode("utf-16"))
    assert done.returncode == 0 and json.loads(done.stdout)["objects"][0]["name"] == "café"


@pytest.mark.parametrize("command", [("review", "-"), ("quiz", "--answers", "-")])
def test_standard_input_that_is_not_utf8_is_invalid_input(command):
    done = run(*command, input=b"quiz.pod-sharing: caf\xe9\n", text=False)
    assert done.returncode == 2 and b"<stdin>: not UTF-8 text (byte 21)" in done.stderr
    assert b"Traceback" not in done.stderr


def test_standard_input_past_the_limit_is_refused_without_reading_it_all():
    done = run("review", "-", input=b"#" * (17 * 1024 * 1024))
    assert done.returncode == 2 and b"<stdin>: larger than 16384 KiB" in done.stderr
