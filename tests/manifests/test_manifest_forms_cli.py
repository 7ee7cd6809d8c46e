"""`pod-advisor manifest --format helm|kustomize -o DIR`: a folder written whole, or nothing."""

from __future__ import annotations

import os

import pytest
from helpers.paths import EXAMPLES

from advisor.cli.main import build_parser
from advisor.system.environment import Environment

NGINX = str(EXAMPLES / "nginx-pod.yaml")


@pytest.mark.parametrize("fmt", ["helm", "kustomize"])
def test_a_folder_format_without_output_is_a_usage_error(cli, fmt):
    run = cli("manifest", NGINX, "--format", fmt)
    assert run.status == 2 and run.stdout == ""
    assert f"--format {fmt} writes" in run.stderr and "-o DIR" in run.stderr


def test_format_helm_writes_the_chart_and_says_what_it_holds(cli, tmp_path):
    run = cli("manifest", NGINX, "--format", "helm", "-o", str(tmp_path / "web"))
    assert run.status == 0 and run.stdout == ""
    assert sorted(os.listdir(tmp_path / "web")) == ["Chart.yaml", "templates", "values.schema.json", "values.yaml"]
    assert f"wrote a Helm chart in {tmp_path / 'web'}: Deployment web, Service web" in run.stderr


def test_format_kustomize_writes_the_base_and_the_overlay(cli, tmp_path):
    run = cli("manifest", NGINX, "--format", "kustomize", "-o", str(tmp_path / "web"))
    assert run.status == 0
    assert sorted(os.listdir(tmp_path / "web" / "base")) == ["deployment-web.yaml", "kustomization.yaml",
                                                             "poddisruptionbudget-web.yaml", "service-web.yaml"]
    assert os.listdir(tmp_path / "web" / "overlays" / "production") == ["kustomization.yaml"]
    assert "wrote a Kustomize base in" in run.stderr


@pytest.mark.parametrize("fmt", ["helm", "kustomize"])
def test_a_folder_that_holds_files_is_left_alone_without_force(cli, tmp_path, fmt):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "mine.txt").write_text("keep me\n")
    run = cli("manifest", NGINX, "--format", fmt, "-o", str(tmp_path / "web"))
    assert run.status == 2
    assert "already exists and is not empty; pass --force to replace it" in run.stderr
    assert os.listdir(tmp_path / "web") == ["mine.txt"]


def test_force_replaces_the_folder_with_the_new_chart(cli, tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "mine.txt").write_text("old\n")
    run = cli("manifest", NGINX, "--format", "helm", "-o", str(tmp_path / "web"), "--force")
    assert run.status == 0
    assert "mine.txt" not in os.listdir(tmp_path / "web") and "Chart.yaml" in os.listdir(tmp_path / "web")


def test_an_invalid_answer_file_writes_no_folder(cli, write, tmp_path):
    path = write("bad.yaml", "name: web\ncontainers:\n  - name: web\n    imgae: nginx:1.27\n")
    run = cli("manifest", path, "--format", "helm", "-o", str(tmp_path / "chart"))
    assert run.status == 2 and not (tmp_path / "chart").exists()


def test_allow_root_for_a_missing_container_writes_no_folder(cli, tmp_path):
    run = cli("manifest", NGINX, "--format", "kustomize", "-o", str(tmp_path / "k"), "--allow-root-for", "wbe")
    assert run.status == 2 and "did you mean 'web'?" in run.stderr
    assert not (tmp_path / "k").exists()


def choices(command: str) -> tuple:
    parser = build_parser(Environment())
    sub = parser._subparsers._group_actions[0].choices[command]
    return next(a for a in sub._actions if "--format" in a.option_strings).choices


def test_the_formats_are_declared_to_argparse_for_help_and_completion():
    assert tuple(choices("manifest")) == ("yaml", "helm", "kustomize")
    assert tuple(choices("evaluate")) == ("text", "json", "yaml", "mermaid", "dot", "svg")
