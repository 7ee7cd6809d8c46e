"""pod-advisor batch's formats, each parsed back: JSON lines, CSV, a JUnit
report that CI systems accept, and the text table; and the progress bar, which
never mixes into them."""

import csv
import io
import json
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from advisor.batch import progress
from advisor.system.environment import Environment

from helpers.paths import FIXTURES

MIXED = FIXTURES / "batch" / "mixed"
BROKEN, REPORTS, SHOP = (str(MIXED / n) for n in ("broken.yaml", "reports.yaml", "shop.yaml"))
BILLING, NIGHTLY = str(MIXED / "team-b" / "billing.yml"), str(MIXED / "team-b" / "nightly.json")


def batch(cli, fmt, *extra):
    return cli("batch", str(MIXED), "--check", "--format", fmt, *extra)


# -- jsonl ------------------------------------------------------------------------


def test_each_jsonl_line_is_the_evaluate_json_object_with_file_and_status(cli):
    lines = [json.loads(line) for line in batch(cli, "jsonl").stdout.splitlines()]
    shop = next(line for line in lines if line["file"] == SHOP)
    alone = json.loads(cli("evaluate", SHOP, "--format", "json").stdout)
    assert {k: v for k, v in shop.items() if k not in ("file", "status", "check")} == alone


def test_jsonl_gives_an_invalid_file_its_error_and_no_recommendation(cli):
    broken = json.loads(batch(cli, "jsonl").stdout.splitlines()[0])
    assert broken == {"file": BROKEN, "status": "invalid",
                      "error": f"{BROKEN}:8: containers[1].purpse: unknown key (did you mean 'purpose'?)"}


def test_jsonl_with_check_lists_each_mismatch_with_the_rule_behind_it(cli):
    reports = json.loads(batch(cli, "jsonl").stdout.splitlines()[1])
    assert reports["status"] == "mismatch" and reports["check"]["expectations"] is True
    first = reports["check"]["mismatches"][0]
    assert first == {"key": "expect.controller", "expected": "StatefulSet", "actual": "Deployment",
                     "because": "reports runs as a Deployment: a long-running service with interchangeable "
                                "replicas", "rule": "deployment-by-default"}


def test_jsonl_says_which_files_had_nothing_to_check(cli):
    billing = json.loads(batch(cli, "jsonl").stdout.splitlines()[3])
    assert billing["check"] == {"expectations": False, "mismatches": []}


# -- csv --------------------------------------------------------------------------


def test_csv_has_a_row_per_file_with_the_main_workloads_decisions(cli):
    rows = list(csv.DictReader(io.StringIO(batch(cli, "csv").stdout)))
    assert [r["file"] for r in rows] == [BROKEN, REPORTS, SHOP, BILLING, NIGHTLY]
    shop = rows[2]
    assert {k: shop[k] for k in ("status", "workloads", "controller", "restartPolicy", "replicas", "layout",
                                 "service", "helper_roles", "errors", "warnings", "info", "findings")} == {
        "status": "ok", "workloads": "1", "controller": "Deployment", "restartPolicy": "Always", "replicas": "2",
        "layout": "multi-container", "service": "ClusterIP", "helper_roles": "sidecar", "errors": "0",
        "warnings": "0", "info": "0", "findings": ""}


def test_csv_puts_the_error_or_the_mismatches_in_the_message_column(cli):
    rows = list(csv.DictReader(io.StringIO(batch(cli, "csv").stdout)))
    assert rows[0]["status"] == "invalid" and rows[0]["controller"] == ""
    assert "containers[1].purpse: unknown key" in rows[0]["message"]
    assert rows[1]["mismatches"] == "6" and rows[1]["message"].startswith(
        "expect.controller: expected StatefulSet, advisor says Deployment, because")


def test_csv_leaves_a_replica_count_empty_when_the_controller_has_none(cli):
    nightly = list(csv.DictReader(io.StringIO(batch(cli, "csv").stdout)))[4]
    assert (nightly["controller"], nightly["replicas"], nightly["service"]) == ("CronJob", "", "")


# -- junit ------------------------------------------------------------------------

# The JUnit XML that Jenkins' JUnit plugin validates against (junit-4.xsd, also
# what GitLab and the GitHub Actions reporters read), as element -> (required
# attributes, optional attributes, children in their order with max occurrences).
JUNIT = {
    "testsuites": ((), ("name", "time", "tests", "failures", "disabled", "errors"), [("testsuite", None)]),
    "testsuite": (("name", "tests"), ("failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname",
                                      "id", "package"),
                  [("properties", 1), ("testcase", None), ("system-out", 1), ("system-err", 1)]),
    "testcase": (("name",), ("assertions", "time", "classname", "status"),
                 [("skipped", 1), ("error", None), ("failure", None), ("system-out", None), ("system-err", None)]),
    "failure": ((), ("type", "message"), []),
    "error": ((), ("type", "message"), []),
    "system-out": ((), (), []),
}
COUNTS = ("tests", "failures", "errors", "skipped")


def check_junit(element: ET.Element, problems: list[str]) -> None:
    """Every problem of ``element`` against JUNIT: unknown elements or attributes, missing ones, order."""
    if element.tag not in JUNIT:
        problems.append(f"unknown element {element.tag}")
        return
    required, optional, children = JUNIT[element.tag]
    problems += [f"{element.tag} lacks @{a}" for a in required if a not in element.attrib]
    problems += [f"{element.tag} has unknown @{a}" for a in element.attrib if a not in required + optional]
    problems += [f"{element.tag}@{a} is not a count" for a in COUNTS if a in element.attrib
                 and not element.attrib[a].isdigit()]
    order = [tag for tag, _ in children]
    positions = [order.index(child.tag) if child.tag in order else -1 for child in element]
    if -1 in positions or positions != sorted(positions):
        problems.append(f"{element.tag} has children {[c.tag for c in element]}; allowed, in order: {order}")
    for tag, most in children:
        if most is not None and len(element.findall(tag)) > most:
            problems.append(f"{element.tag} has more than {most} {tag}")
    for child in element:
        check_junit(child, problems)


@pytest.fixture(scope="module")
def junit():
    from helpers.cli import run_cli

    run = run_cli("batch", str(MIXED), "--check", "--format", "junit")
    return run, ET.fromstring(run.stdout)


def test_the_junit_report_has_the_shape_ci_systems_read(junit):
    problems: list[str] = []
    check_junit(junit[1], problems)
    assert problems == []


def test_the_junit_counts_match_its_test_cases(junit):
    suite = junit[1].find("testsuite")
    cases = suite.findall("testcase")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == (
        str(len(cases)), str(sum(1 for c in cases if c.find("failure") is not None)),
        str(sum(1 for c in cases if c.find("error") is not None)))
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "1", "1")


def test_junit_has_one_test_case_per_file_named_after_it(junit):
    assert [c.get("name") for c in junit[1].iter("testcase")] == [BROKEN, REPORTS, SHOP, BILLING, NIGHTLY]


def test_junit_reports_an_invalid_file_as_an_error_with_its_problem(junit):
    broken = junit[1].find("testsuite/testcase")
    error = broken.find("error")
    assert error.get("type") == "invalid" and "containers[1].purpse: unknown key" in error.get("message")


def test_junit_reports_mismatches_as_a_failure_listing_each(junit):
    failure = junit[1].findall("testsuite/testcase")[1].find("failure")
    assert failure.get("message").startswith("6 expectations not met: expect.controller: expected StatefulSet")
    assert len(failure.text.splitlines()) == 6


def test_junit_reports_findings_fail_on_names_as_a_failure(cli):
    root = ET.fromstring(cli("batch", REPORTS, "--format", "junit", "--fail-on", "warning").stdout)
    failure = root.find("testsuite/testcase/failure")
    assert (failure.get("type"), failure.get("message")) == ("finding", "findings at or above warning: "
                                                                         "mutable-image-tag")


def test_junit_escapes_what_xml_cannot_hold(cli, write):
    path = write("a&b <c>.yaml", 'name: "x\\u0001"\ncontainers: [{name: web, image: nginx:1.27}]\n')
    root = ET.fromstring(cli("batch", path, "--format", "junit").stdout)
    assert root.find("testsuite/testcase").get("name").endswith("a&b <c>.yaml")


# -- text -------------------------------------------------------------------------


def test_the_text_table_has_a_row_per_file_then_the_totals(cli):
    out = batch(cli, "text").stdout.splitlines()
    assert out[0].split() == ["FILE", "WORKLOADS", "CONTROLLER", "LAYOUT", "HELPERS", "ERR", "WARN", "INFO",
                              "STATUS"]
    shop = next(line for line in out if line.startswith(SHOP))
    assert shop.split()[1:] == ["1", "Deployment", "multi", "sidecar", "0", "0", "0", "ok"]
    assert out[-4:] == ["5 files: 3 ok, 1 mismatch, 1 invalid", "findings: 1 warning, 1 info",
                        "controllers: 3 Deployment, 1 CronJob",
                        "checked: 3 files with an expect: block, 1 without one (nothing to check)"]


def test_the_text_table_explains_a_row_that_is_not_ok_beneath_it(cli):
    out = batch(cli, "text").stdout.splitlines()
    at = next(i for i, line in enumerate(out) if line.startswith(REPORTS))
    assert out[at].split()[-1] == "mismatch"
    assert out[at + 1].startswith("    expect.controller: expected StatefulSet, advisor says Deployment, because ")


def test_the_text_table_counts_helpers_by_role(cli, write):
    path = write("two.yaml", "name: two\ncontainers:\n  - {name: web, image: nginx:1.27}\n"
                             "  - {name: a, image: busybox:1.36, purpose: ship-logs, shares_volume: true}\n"
                             "  - {name: b, image: busybox:1.36, purpose: sync-content, shares_volume: true}\n"
                             "  - {name: c, image: busybox:1.36, purpose: prepare}\n")
    row = cli("batch", path).stdout.splitlines()[1]
    assert "init, sidecar×2" in row  # the preparation step starts first, before the sidecars listed above it


def test_the_text_table_keeps_its_columns_under_file_names_of_wide_characters(cli, write, tmp_path, monkeypatch):
    answers = "name: {name}\ncontainers: [{{name: web, image: nginx:1.27}}]\n"
    write("网站.yaml", answers.format(name="a"))
    write("shop.yaml", answers.format(name="b"))
    monkeypatch.chdir(tmp_path)  # names as short as a repository's, inside the file column
    rows = cli("batch", "网站.yaml", "shop.yaml").stdout.splitlines()[1:3]
    shown = [unicodedata.east_asian_width(c) in "WF" for c in rows[0]]  # a wide character takes two columns
    column = rows[0].index("Deployment") + sum(shown[:rows[0].index("Deployment")])
    assert column == rows[1].index("Deployment")


def test_the_text_table_is_plain_when_not_on_a_terminal(cli):
    assert "\033[" not in batch(cli, "text").stdout


def test_the_text_table_is_coloured_on_a_terminal_unless_no_color(cli):
    assert "\033[" in cli("batch", SHOP, tty=True).stdout
    assert "\033[" not in cli("batch", SHOP, tty=True, environ={"NO_COLOR": "1"}).stdout


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "junit"])
def test_machine_formats_are_never_coloured(cli, fmt):
    assert "\033[" not in cli("batch", SHOP, "--format", fmt, tty=True).stdout


# -- progress bar -----------------------------------------------------------------


def env(tty: bool) -> Environment:
    return Environment(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), environ={},
                       stdin_isatty=tty, stdout_isatty=tty)


@pytest.mark.parametrize("tty,fmt,to_file,files,shown", [
    (True, "text", False, 200, True),      # a long batch on a terminal
    (True, "jsonl", True, 200, True),      # results to a file: the bar is alone on the terminal
    (True, "jsonl", False, 200, False),    # JSON lines on the terminal: never mixed with a bar
    (True, "junit", False, 5000, False),
    (True, "text", False, 199, False),     # short: over before a bar helps
    (False, "text", False, 5000, False),   # not a terminal (CI, a pipe)
])
def test_the_progress_bar_is_shown_only_for_a_long_batch_on_a_terminal_and_never_in_machine_output(
        tty, fmt, to_file, files, shown):
    assert progress.wanted(env(tty), fmt, to_file, files) is shown


@pytest.fixture
def terminal(monkeypatch):
    """A fake terminal for the bar: what it drew, and keys it could read."""
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=24, columns=100), term="xterm")
    with create_pipe_input() as keys:
        monkeypatch.setattr(progress, "terminal_io", lambda env: (output, keys))
        yield screen


def many(write, tmp_path, n=progress.MIN_FILES):
    for i in range(n):
        write(f"answers/{i:03d}.yaml", f"name: app-{i}\ncontainers: [{{name: web, image: nginx:1.27}}]\n")
    return str(tmp_path / "answers")


def test_with_an_output_file_the_bar_draws_on_the_terminal_and_the_file_stays_pure(cli, write, tmp_path,
                                                                                    terminal):
    out = tmp_path / "results.jsonl"
    run = cli("batch", many(write, tmp_path), "--format", "jsonl", "-o", str(out), "--jobs", "1", tty=True)
    assert run.status == 0 and run.stdout == ""
    assert len([json.loads(line) for line in out.read_text().splitlines()]) == progress.MIN_FILES
    assert "Evaluating 200 answer files" in terminal.getvalue()


def test_with_the_text_table_the_rows_print_above_the_bar(cli, write, tmp_path, terminal):
    run = cli("batch", many(write, tmp_path), "--jobs", "1", tty=True)
    drawn = terminal.getvalue()
    assert run.status == 0 and "Evaluating 200 answer files" in drawn
    assert all(f"{i:03d}.yaml" in drawn for i in range(progress.MIN_FILES))
    assert "FILE " in run.stdout and "200 files: 200 ok" in run.stdout  # header before the bar, totals after
