"""YAML scalars that look like a type but fail to construct as it (issue 11, class 1).

Read as kubectl reads them: a plain ``2020-13-01`` or a 5,000-digit number is
the text as written; an explicit tag that does not fit (``!!int abc``) is an error
with its line. Either way, never a traceback, wherever YAML is read: answer files
(evaluate, manifest, wizard --answers, batch), manifests (review), the review
config and quiz answers.
"""

from __future__ import annotations

import json

import pytest

from advisor.system.errors import InputError
from advisor.system.yamlsource import parse_document, parse_documents

MINIMAL = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n"
HUGE = "9" * 5000  # past Python's 4,300-digit limit for int()
PLAIN_BUT_NOT_THE_TYPE = ["2001-13-45", "2024-02-30", HUGE, "-" + HUGE]
TAGGED_BUT_NOT_THE_TYPE = ["!!int abc", "!!float abc", "!!bool abc", "!!timestamp abc", "!!binary a"]
ALL = PLAIN_BUT_NOT_THE_TYPE + TAGGED_BUT_NOT_THE_TYPE


@pytest.mark.parametrize("value", PLAIN_BUT_NOT_THE_TYPE, ids=lambda v: v[:12])
def test_a_plain_scalar_that_is_not_a_valid_date_or_number_is_its_text(value):
    assert parse_document(f"a: {value}\n", "x").data == {"a": value}


@pytest.mark.parametrize("value", PLAIN_BUT_NOT_THE_TYPE[:2], ids=str)
def test_such_a_scalar_as_a_key_is_its_text(value):
    assert parse_document(f"{value}: 1\n", "x").data == {value: 1}


@pytest.mark.parametrize("value", TAGGED_BUT_NOT_THE_TYPE, ids=str)
def test_an_explicit_tag_that_does_not_fit_is_an_error_with_its_line(value):
    with pytest.raises(InputError) as caught:
        parse_document(f"a: 1\nb: {value}\n", "x.yaml")
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.path) == ("x.yaml", 2, ("b",))
    assert "is not a valid" in problem.message and "remove the tag" in problem.hint


@pytest.mark.parametrize("value", TAGGED_BUT_NOT_THE_TYPE, ids=str)
def test_an_explicit_tag_that_does_not_fit_a_key_is_an_error_with_its_line(value):
    with pytest.raises(InputError) as caught:
        parse_documents(f"a: 1\n{value}: 1\n", "x.yaml")
    assert caught.value.problems[0].line == 2


@pytest.mark.parametrize("value", ALL, ids=lambda v: v[:12])
@pytest.mark.parametrize("where", ["value", "key"])
def test_evaluate_reports_such_a_scalar_as_invalid_input_never_a_traceback(cli, write, value, where):
    extra = f"extra: {value}\n" if where == "value" else f"{value}: 1\n"
    run = cli("evaluate", write("app.yaml", MINIMAL + extra))
    assert run.status == 2 and "app.yaml:5:" in run.stderr and "Traceback" not in run.stderr


def test_a_name_that_looks_like_an_impossible_date_is_a_valid_name(cli, write):
    run = cli("evaluate", write("app.yaml", MINIMAL.replace("name: shop", "name: 2020-13-01")), "--format", "json")
    assert run.status == 0 and json.loads(run.stdout)["workloads"][0]["name"] == "2020-13-01"


@pytest.mark.parametrize("value", ALL, ids=lambda v: v[:12])
def test_manifest_reports_such_a_scalar_as_invalid_input(cli, write, value):
    run = cli("manifest", write("app.yaml", MINIMAL + f"extra: {value}\n"))
    assert run.status == 2 and "app.yaml:5:" in run.stderr


@pytest.mark.parametrize("value", ALL, ids=lambda v: v[:12])
def test_review_reviews_a_manifest_holding_such_a_scalar_or_names_its_line(cli, write, value):
    pod = f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {{x: {value}}}\n" \
          "spec:\n  containers:\n  - {name: web, image: nginx:1.27}\n"
    run = cli("review", write("pod.yaml", pod), "--format", "json")
    if value.startswith("!!"):
        assert run.status == 2 and json.loads(run.stdout)["errors"][0]["line"] == 5
    else:
        assert json.loads(run.stdout)["summary"]["objects"] == 1


@pytest.mark.parametrize("value", TAGGED_BUT_NOT_THE_TYPE, ids=str)
def test_the_review_config_reports_such_a_scalar_with_its_line(cli, write, tmp_path, value):
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: web, image: nginx:1}\n"
    config = write(".pod-advisor.yaml", f"review:\n  ignore:\n    - id: all\n      reason: {value}\n")
    run = cli("review", write("pod.yaml", pod), "--config", config)
    assert run.status == 2 and ".pod-advisor.yaml:4:" in run.stderr


@pytest.mark.parametrize("value", TAGGED_BUT_NOT_THE_TYPE, ids=str)
def test_quiz_answers_report_such_a_scalar_with_its_line(cli, value):
    run = cli("quiz", "--answers", "-", stdin=f"quiz.pod-sharing: {value}\n")
    assert run.status == 2 and "<stdin>:1:" in run.stderr


@pytest.mark.parametrize("value", TAGGED_BUT_NOT_THE_TYPE, ids=str)
def test_wizard_answers_report_such_a_scalar_before_asking(cli, write, value):
    run = cli("wizard", "--answers", write("app.yaml", MINIMAL + f"extra: {value}\n"), tty=True)
    assert run.status == 2 and "app.yaml:5:" in run.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_one_such_file_is_one_invalid_row_of_a_batch(cli, write, tmp_path, jobs, fmt):
    write("answers/a.yaml", MINIMAL)
    write("answers/b.yaml", MINIMAL + "extra: !!int abc\n")
    write("answers/c.yaml", MINIMAL + "extra: 2001-13-45\n")
    write("answers/d.yaml", MINIMAL)
    run = cli("batch", str(tmp_path / "answers"), "--format", fmt, "--jobs", jobs)
    assert run.status == 2
    if fmt == "jsonl":
        assert [json.loads(line)["status"] for line in run.stdout.splitlines()] == ["ok", "invalid", "invalid", "ok"]
    else:
        assert "4 files: 2 ok, 2 invalid" in run.stdout
