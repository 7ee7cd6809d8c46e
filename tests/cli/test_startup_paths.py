"""What a short command loads and how it ends: the start-up work issue 14 cut, held in place.

No timings here (bench/startup.py measures those); these say what each command must
not need, so that a change that would slow every run fails a test instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from advisor.system import cache
from advisor.manifests import known_valid, validate
from helpers.paths import EXAMPLES, FIXTURES

EXAMPLE = str(EXAMPLES / "web-with-log-shipper.yaml")


def _modules_after(tmp_path, *argv: str) -> set[str]:
    """The modules a fresh process has imported once ``pod-advisor ARGV`` ran in it."""
    code = ("import io, sys; from advisor.cli.main import main; from advisor.system.environment import Environment; "
            f"main({list(argv)!r}, Environment(stdout=io.StringIO(), stderr=io.StringIO())); "
            "print('\\n'.join(sorted(sys.modules)))")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_help_loads_no_engine_knowledge_base_yaml_or_dataclasses(tmp_path):
    loaded = _modules_after(tmp_path, "--help")
    assert not loaded & {"experta", "yaml", "advisor.kb.knowledge", "advisor.engine", "dataclasses", "jsonschema"}


def test_a_command_builds_only_its_own_options(tmp_path):
    loaded = _modules_after(tmp_path, "schema", "--help")
    assert "advisor.cli.commands.schema" in loaded
    assert not loaded & {"advisor.cli.commands.review", "advisor.cli.commands.batch", "advisor.cli.commands.wizard"}


def test_completion_with_a_warm_cache_does_not_load_the_knowledge_base(tmp_path):
    _modules_after(tmp_path, "completion", "bash")  # fills the cache
    loaded = _modules_after(tmp_path, "completion", "fish")
    assert "advisor.kb.knowledge" not in loaded and "yaml" not in loaded


def test_a_review_of_a_few_files_starts_no_worker_pool(tmp_path, write):
    manifest = write("pod.yaml", (FIXTURES / "review" / "mistakes" / "bare-pod.yaml").read_text())
    loaded = _modules_after(tmp_path, "review", manifest)
    assert not loaded & {"multiprocessing", "concurrent.futures", "advisor.system.pool"}


def test_a_review_without_suggest_loads_no_suggestion_writer_or_manifest_builder(tmp_path, write):
    manifest = write("pod.yaml", (FIXTURES / "review" / "mistakes" / "bare-pod.yaml").read_text())
    loaded = _modules_after(tmp_path, "review", manifest)
    assert "advisor.manifests.validate" in loaded  # what the API server would refuse is checked
    assert not loaded & {"advisor.review.suggest", "advisor.manifests.build", "advisor.manifests.emit"}


def test_a_review_whose_containers_run_their_images_own_commands_loads_no_shell_reader(tmp_path, write):
    manifest = write("web.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n"
                                 "spec: {containers: [{name: web, image: nginx:1.27}]}\n")
    assert "advisor.review.shell" not in _modules_after(tmp_path, "review", manifest)
    with_command = write("job.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: job}\n"
                                     "spec: {containers: [{name: job, image: busybox, command: [sh, -c, 'sleep 5']}]}\n")
    assert "advisor.review.shell" in _modules_after(tmp_path, "review", with_command)


def test_an_evaluation_whose_images_need_no_root_does_not_load_the_image_catalogue(tmp_path):
    _modules_after(tmp_path, "evaluate", EXAMPLE)  # fills the cache
    loaded = _modules_after(tmp_path, "evaluate", EXAMPLE)  # nginx-unprivileged and fluent-bit
    assert "advisor.kb.images" not in loaded and "advisor.kb.starts" in loaded


def test_an_evaluation_loads_nothing_its_answers_and_text_output_do_not_need(tmp_path):
    # no expect: (expectations), an image in ASCII (unicodedata), text (json), nothing typed (shlex),
    # a knowledge base from the cache (schemacheck's record checks)
    _modules_after(tmp_path, "evaluate", EXAMPLE)  # fills the cache
    loaded = _modules_after(tmp_path, "evaluate", EXAMPLE)
    assert not loaded & {"advisor.answers.expectations", "unicodedata", "json", "shlex", "advisor.system.schemacheck"}


def test_an_answer_file_that_expects_loads_the_expectations(tmp_path, write):
    expecting = write("web.yaml", "name: web\ncontainers: [{name: web, image: nginx:1.27}]\n"
                                  "expect: {workloads: {web: {controller: Deployment}}}\n")
    assert "advisor.answers.expectations" in _modules_after(tmp_path, "evaluate", expecting)


def test_a_review_of_one_file_loads_no_expectations_shell_words_or_record_checks(tmp_path, write):
    manifest = write("pod.yaml", (FIXTURES / "review" / "mistakes" / "bare-pod.yaml").read_text())
    _modules_after(tmp_path, "review", manifest)  # fills the cache
    loaded = _modules_after(tmp_path, "review", manifest)
    assert not loaded & {"advisor.answers.expectations", "shlex", "advisor.system.schemacheck", "unicodedata"}


def test_a_text_evaluation_loads_no_graph_drawing_or_subprocess(tmp_path):
    loaded = _modules_after(tmp_path, "evaluate", EXAMPLE)
    assert not loaded & {"advisor.render.graph", "subprocess", "html"}


def test_a_manifest_written_again_is_not_schema_checked_again(tmp_path):
    checked = "advisor.manifests.schema_precheck"  # every schema check starts there
    assert checked in _modules_after(tmp_path, "manifest", EXAMPLE)
    assert checked not in _modules_after(tmp_path, "manifest", EXAMPLE)
    assert checked in _modules_after(tmp_path, "manifest", EXAMPLE, "--kubernetes", "1.29")  # other objects


def test_a_valid_manifest_is_schema_checked_without_jsonschema(tmp_path):
    assert "jsonschema" not in _modules_after(tmp_path, "manifest", EXAMPLE)


# -- objects the schemas passed -----------------------------------------------------


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(cache.DISABLE, raising=False)


POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
       "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}


def _checked(monkeypatch) -> list:
    calls = []
    real = validate.schema_problems
    monkeypatch.setattr(validate, "schema_problems", lambda obj, version: calls.append(obj) or real(obj, version))
    return calls


def test_an_object_the_schema_passed_is_not_checked_again(own_cache, monkeypatch):
    calls = _checked(monkeypatch)
    assert validate.validate_objects([POD], "1.33") == []
    assert validate.validate_objects([POD], "1.33") == []
    assert len(calls) == 1


def test_the_same_object_for_another_version_is_checked(own_cache, monkeypatch):
    calls = _checked(monkeypatch)
    validate.validate_objects([POD], "1.33")
    validate.validate_objects([POD], "1.30")
    assert len(calls) == 2


def test_an_object_that_failed_is_checked_every_time(own_cache, monkeypatch):
    calls = _checked(monkeypatch)
    broken = {**POD, "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "bogus": 1}]}}
    assert validate.validate_objects([broken], "1.33")
    assert validate.validate_objects([broken], "1.33")
    assert len(calls) == 2


def test_another_kubernetes_validate_install_checks_everything_again(own_cache, monkeypatch):
    calls = _checked(monkeypatch)
    validate.validate_objects([POD], "1.33")
    real = known_valid._installed
    monkeypatch.setattr(known_valid, "_installed", lambda package: real(package) + ":upgraded")
    validate.validate_objects([POD], "1.33")
    assert len(calls) == 2


# -- leaving -----------------------------------------------------------------------


def _console(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "advisor", *argv], capture_output=True, timeout=120, **kwargs)


def test_the_console_script_ends_with_mains_status_and_every_byte_of_its_output(tmp_path):
    done = _console("rules", "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)  # all of it, flushed before the process ended
    assert _console("explain", "no-such-topic-at-all").returncode == 2


def test_a_report_written_to_a_file_is_whole_when_the_process_ends(tmp_path):
    out = tmp_path / "schema.json"
    done = _console("schema", "-o", str(out))
    assert done.returncode == 0 and json.loads(out.read_text())["$schema"]


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    done = subprocess.run([sys.executable, "-m", "advisor", "rules", "--format", "json"], stdout=reader.stdin,
                          stderr=subprocess.PIPE, timeout=120)
    reader.stdin.close()
    reader.wait(timeout=60)
    assert b"Traceback" not in done.stderr and b"BrokenPipeError" not in done.stderr


def test_leaving_waits_for_a_thread_still_running(tmp_path):
    mark = tmp_path / "thread-finished"
    code = ("import threading, time, pathlib\n"
            "from advisor.cli.main import leave\n"
            f"def later(): time.sleep(0.5); pathlib.Path({str(mark)!r}).write_text('done')\n"
            "threading.Thread(target=later).start()\n"
            "leave(0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode == 0 and mark.read_text() == "done"


def test_leaving_runs_the_exit_handlers_a_normal_exit_runs(tmp_path):
    mark = tmp_path / "handler-ran"
    code = ("import atexit, pathlib\n"
            "from advisor.cli.main import leave\n"
            f"atexit.register(lambda: pathlib.Path({str(mark)!r}).write_text('ran'))\n"
            "leave(3)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode == 3 and mark.read_text() == "ran"
