"""pod-advisor batch: which files it reads, in what order, what one bad file
does to the rest, the exit statuses, the output file, and the worker processes."""

import json
import multiprocessing
import os

import pytest

from advisor.batch import evaluation
from advisor.system import pool
from advisor.batch.evaluation import evaluations
from advisor.batch.inputs import answer_files

from helpers.paths import EXAMPLES, FIXTURES

MIXED = FIXTURES / "batch" / "mixed"
VALID = """\
name: {name}
containers:
  - name: web
    image: nginx:1.27
    resources: {{cpu: 100m}}
"""


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def rel(paths) -> list[str]:
    return [os.path.relpath(p, MIXED) for p in paths]


# -- inputs -----------------------------------------------------------------------


def test_a_folder_is_searched_recursively_for_yaml_yml_and_json_in_sorted_order():
    assert rel(answer_files([str(MIXED)])) == [
        "broken.yaml", "reports.yaml", "shop.yaml", "team-b/billing.yml", "team-b/nightly.json"]


def test_hidden_folders_and_other_files_are_not_answer_files():
    found = rel(answer_files([str(MIXED)]))
    assert not [f for f in found if ".github" in f or f.endswith(".txt")]


def test_a_glob_pattern_selects_files_across_folders():
    assert rel(answer_files([str(MIXED / "**" / "*.y*ml")])) == [
        "broken.yaml", "reports.yaml", "shop.yaml", "team-b/billing.yml"]


def test_a_file_named_again_or_inside_a_named_folder_is_evaluated_once_where_it_first_appears():
    shop = str(MIXED / "shop.yaml")
    assert rel(answer_files([shop, str(MIXED), shop])) == [
        "shop.yaml", "broken.yaml", "reports.yaml", "team-b/billing.yml", "team-b/nightly.json"]


def test_a_file_given_by_name_is_read_whatever_its_suffix(write):
    path = write("answers.txt", VALID.format(name="plain"))
    assert answer_files([path]) == [path]


def test_paths_that_match_nothing_are_all_reported_and_nothing_is_evaluated(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    run = cli("batch", str(MIXED), str(tmp_path / "missing.yaml"), str(tmp_path / "empty"),
              str(tmp_path / "*.yml"))
    assert run.status == 2 and run.stdout == ""
    assert run.stderr.splitlines() == [
        f"pod-advisor: {tmp_path / 'missing.yaml'}: no such file or folder",
        f"pod-advisor: {tmp_path / 'empty'}: holds no answer file (*.yaml, *.yml, *.json)",
        f"pod-advisor: {tmp_path / '*.yml'}: matches no file",
    ]


# -- one bad file, exit statuses --------------------------------------------------


def test_an_invalid_file_is_reported_and_the_others_are_still_evaluated(cli):
    run = cli("batch", str(MIXED), "--format", "jsonl")
    results = lines(run.stdout)
    assert [r["status"] for r in results] == ["invalid", "ok", "ok", "ok", "ok"]
    assert results[0]["error"] == (f"{MIXED / 'broken.yaml'}:8: containers[1].purpse: unknown key "
                                   f"(did you mean 'purpose'?)")


def test_any_invalid_file_makes_the_exit_status_2(cli):
    assert cli("batch", str(MIXED), "--check").status == 2


def test_a_mismatch_makes_the_exit_status_1_with_check(cli):
    assert cli("batch", str(MIXED / "shop.yaml"), str(MIXED / "reports.yaml"), "--check").status == 1


def test_expectations_are_not_compared_without_check(cli):
    run = cli("batch", str(MIXED / "reports.yaml"), "--format", "jsonl")
    assert run.status == 0 and lines(run.stdout)[0]["status"] == "ok"


def test_fail_on_fails_a_file_with_a_finding_that_severe(cli):
    run = cli("batch", str(MIXED / "reports.yaml"), "--fail-on", "warning", "--format", "jsonl")
    assert run.status == 1 and lines(run.stdout)[0]["status"] == "flagged"


def test_fail_on_ignores_milder_findings(cli):
    assert cli("batch", str(MIXED / "reports.yaml"), "--fail-on", "error").status == 0


def test_a_batch_of_valid_files_exits_0_when_findings_are_not_to_fail_it(cli):
    assert cli("batch", str(EXAMPLES), "--fail-on", "never").status == 0


def test_a_batch_fails_on_an_error_finding_by_default_as_review_does(cli):
    run = cli("batch", str(EXAMPLES / "job-with-sidecar-1.27.yaml"), str(EXAMPLES / "nginx-pod.yaml"))
    assert run.status == 1
    assert "sidecar-blocks-completion (error)" in run.stdout


def test_batch_check_fails_a_file_with_an_error_finding_though_its_expectations_hold(cli, write):
    answers = (EXAMPLES / "job-with-sidecar-1.27.yaml").read_text() + "expect:\n  controller: Job\n"
    run = cli("batch", "--check", "--format", "jsonl", write("job.yaml", answers))
    assert run.status == 1
    assert json.loads(run.stdout)["status"] == "flagged"


def test_review_and_batch_take_the_same_fail_on_default():
    from advisor.cli.commands import batch, review
    from advisor.cli.main import _Parser

    defaults = []
    for command in (review, batch):
        parser = _Parser(prog="pod-advisor")
        command.configure(parser)
        defaults.append(next(a for a in parser._actions if a.dest == "fail_on").default)
    assert defaults == ["error", "error"]


def test_a_failure_of_the_engine_on_one_file_is_reported_on_it_and_the_batch_goes_on(cli, monkeypatch):
    from advisor.engine import Advisor

    evaluate = Advisor.evaluate

    def flaky(self, answers):
        if answers.name == "shop":
            raise RuntimeError("boom")
        return evaluate(self, answers)

    monkeypatch.setattr(Advisor, "evaluate", flaky)
    run = cli("batch", str(MIXED / "shop.yaml"), str(MIXED / "team-b"), "--format", "jsonl", "--jobs", "1")
    results = lines(run.stdout)
    assert run.status == 3 and [r["status"] for r in results] == ["error", "ok", "ok"]
    assert results[0]["error"].endswith("internal error, please report it: RuntimeError: boom")


# -- the output file --------------------------------------------------------------


def test_output_file_holds_what_standard_output_would_and_stderr_says_where(cli, tmp_path):
    out = tmp_path / "results.jsonl"
    written = cli("batch", str(MIXED), "--format", "jsonl", "-o", str(out))
    printed = cli("batch", str(MIXED), "--format", "jsonl")
    assert written.stdout == "" and out.read_text() == printed.stdout
    assert written.stderr == f"pod-advisor: wrote {out}: 5 files: 4 ok, 1 invalid\n"


def test_an_existing_output_file_is_kept_without_force(cli, tmp_path):
    out = tmp_path / "report.xml"
    out.write_text("keep me")
    run = cli("batch", str(MIXED), "--format", "junit", "-o", str(out))
    assert run.status == 2 and out.read_text() == "keep me"
    assert "already exists; pass --force to overwrite it" in run.stderr


def test_force_overwrites_the_output_file(cli, tmp_path):
    out = tmp_path / "report.csv"
    out.write_text("old")
    assert cli("batch", str(EXAMPLES), "--format", "csv", "-o", str(out), "--force", "--fail-on", "never").status == 0
    assert out.read_text().startswith("file,status,")


def test_an_interrupted_batch_leaves_no_output_file_behind(cli, tmp_path, monkeypatch):
    from advisor.render.batch import JsonlWriter

    def interrupt(self, result, status):
        raise KeyboardInterrupt

    monkeypatch.setattr(JsonlWriter, "add", interrupt)
    run = cli("batch", str(EXAMPLES), "--format", "jsonl", "-o", str(tmp_path / "out.jsonl"))
    assert run.status == 130 and os.listdir(tmp_path) == []


# -- worker processes -------------------------------------------------------------


def many(write, n: int) -> list[str]:
    """n answer files, each with its own name, in a sort order unlike their numbers."""
    return [write(f"answers/{(i * 7) % n:04d}.yaml", VALID.format(name=f"app-{i}")) for i in range(n)]


def test_workers_return_results_in_input_order(cli, write, tmp_path):
    many(write, 90)
    run = cli("batch", str(tmp_path / "answers"), "--format", "jsonl", "--jobs", "2")
    names = [r["file"] for r in lines(run.stdout)]
    assert names == sorted(names) and len(names) == 90


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "junit", "text"])
def test_one_job_and_two_jobs_give_the_same_output(cli, fmt):
    one = cli("batch", str(MIXED), str(EXAMPLES), "--check", "--format", fmt, "--jobs", "1")
    two = cli("batch", str(MIXED), str(EXAMPLES), "--check", "--format", fmt, "--jobs", "2")
    assert (one.status, one.stdout) == (two.status, two.stdout)


def test_workers_keep_only_a_few_chunks_in_flight(write, monkeypatch):
    paths = many(write, 40)
    monkeypatch.setattr(pool, "chunk_size", lambda files, jobs: 1)
    submitted = []
    batch = evaluations(paths, jobs=2)
    with batch as results:
        submit = batch.pool.submit
        batch.pool.submit = lambda *args: submitted.append(1) or submit(*args)
        next(results)
        assert len(submitted) == 2 * pool.IN_FLIGHT_PER_WORKER
        assert len(list(results)) == 39 and len(submitted) == 40


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers inherit the patch by fork")
def test_a_worker_that_dies_ends_the_batch_with_an_internal_error_and_no_report(cli, monkeypatch, tmp_path):
    call = evaluation.Evaluator.__call__
    monkeypatch.setattr(evaluation.Evaluator, "__call__",
                        lambda self, path: os._exit(9) if path.endswith("shop.yaml") else call(self, path))
    out = tmp_path / "report.xml"
    run = cli("batch", str(MIXED), "--format", "junit", "-o", str(out), "--jobs", "2")
    assert run.status == 3 and "internal error, please report it: a worker process stopped" in run.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers inherit the patch by fork")
def test_a_worker_that_cannot_build_its_engine_ends_the_batch_with_an_internal_error(cli, monkeypatch):
    def broken(self, *args):
        raise RuntimeError("no engine today")

    monkeypatch.setattr(evaluation.Evaluator, "__init__", broken)
    run = cli("batch", str(MIXED), "--jobs", "2")
    assert run.status == 3 and run.stdout == ""
    assert run.stderr == ("pod-advisor: internal error, please report it: a worker process could not build its "
                          "engine: RuntimeError: no engine today\n")


def test_a_small_batch_runs_in_process_unless_jobs_asks_for_workers(cli, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(pool, "ProcessPoolExecutor", no_pool)
    assert cli("batch", str(EXAMPLES), "--fail-on", "never").status == 0
    with pytest.raises(AssertionError, match="worker pool"):
        cli("batch", str(EXAMPLES), "--jobs", "2")
