"""`manifest --format helm|kustomize -o DIR` never replaces the folder the user is in, however
DIR names it (issue 24, class 1): through a symbolic link, as `-o "$PWD"` after `cd` through
one, or as `-o .` in an empty folder. Run as a shell runs it: the installed command in that folder.
"""

from __future__ import annotations

import os

import pytest

from helpers.paths import EXAMPLES
from helpers.installed import run

ANSWERS = str(EXAMPLES / "web-with-log-shipper.yaml")


@pytest.mark.parametrize("form", ["helm", "kustomize"])
def test_force_never_replaces_the_current_folder_named_through_a_symbolic_link(tmp_path, form):
    (tmp_path / "real" / "project").mkdir(parents=True)
    (tmp_path / "real" / "project" / "work.txt").write_text("a day's work\n")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    where = tmp_path / "link" / "project"  # the shell's $PWD after `cd link/project`
    done = run("manifest", ANSWERS, "--format", form, "-o", str(where), "--force", cwd=str(where), text=True)
    assert done.returncode == 2, done.stderr
    assert "holds the current folder" in done.stderr
    assert (tmp_path / "real" / "project" / "work.txt").read_text() == "a day's work\n"
    assert sorted(os.listdir(tmp_path / "real")) == ["project"]  # no temporary folder left beside it


@pytest.mark.parametrize("form", ["helm", "kustomize"])
def test_dot_in_an_empty_current_folder_is_refused_not_replaced(tmp_path, form):
    here = tmp_path / "empty"
    here.mkdir()
    before = os.stat(here).st_ino
    done = run("manifest", ANSWERS, "--format", form, "-o", ".", cwd=str(here), text=True)
    assert done.returncode == 2 and "holds the current folder" in done.stderr, done.stderr
    assert os.stat(here).st_ino == before and os.listdir(here) == []
    assert sorted(os.listdir(tmp_path)) == ["empty"]


def test_a_folder_beside_the_current_one_is_still_written(tmp_path):
    (tmp_path / "here").mkdir()
    done = run("manifest", ANSWERS, "--format", "helm", "-o", "../chart", cwd=str(tmp_path / "here"), text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "chart" / "Chart.yaml").is_file()


def test_a_dangling_link_is_named_as_one(cli, tmp_path):
    (tmp_path / "chart").symlink_to(tmp_path / "nowhere")
    run_ = cli("manifest", ANSWERS, "--format", "helm", "-o", str(tmp_path / "chart"))
    assert run_.status == 2
    assert "is a symbolic link to nothing (dangling); pass --force to replace the link" in run_.stderr


def test_force_replaces_a_dangling_link_with_the_folder(cli, tmp_path):
    (tmp_path / "chart").symlink_to(tmp_path / "nowhere")
    run_ = cli("manifest", ANSWERS, "--format", "helm", "-o", str(tmp_path / "chart"), "--force")
    assert run_.status == 0, run_.stderr
    assert (tmp_path / "chart" / "Chart.yaml").is_file() and not (tmp_path / "chart").is_symlink()


def test_a_fifo_where_the_folder_should_go_is_named_as_a_fifo(cli, tmp_path):
    os.mkfifo(tmp_path / "chart")
    run_ = cli("manifest", ANSWERS, "--format", "helm", "-o", str(tmp_path / "chart"), "--force")
    assert run_.status == 2
    assert "is a FIFO; give the name of a folder to write" in run_.stderr
