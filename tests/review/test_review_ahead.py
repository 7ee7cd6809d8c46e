"""A review's helper process (advisor.system.helper): without --jobs, on a machine with a second CPU, a
helper parses the files and then reviews the objects from the other end. The report is the one a single
process gives whoever did what, and the helper never outlives the review."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading

import pytest

from advisor.review import ahead, objects, parallel
from advisor.review.reviewer import Reviewer
from advisor.system import cache, helper
from helpers.paths import FIXTURES

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a helper is forked: Linux only")

COPIES = 3  # of the review fixtures: 180 KB, 250 reviewed objects (above parallel.AHEAD_FROM)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "k8s"
    for copy in range(COPIES):
        shutil.copytree(FIXTURES / "review", root / f"copy-{copy}")
    return root


@pytest.fixture
def helpers(monkeypatch):
    """The helpers started (each one's process id), a second CPU or not; the files parsed ahead from 100 KB on."""
    started = []
    enter = helper.Helper.__enter__

    def entering(self):
        entered = enter(self)
        started.append(self.pid)
        return entered

    monkeypatch.setattr(helper, "available", lambda: True)
    monkeypatch.setattr(objects, "AHEAD_BYTES", 100_000)
    monkeypatch.setattr(helper.Helper, "__enter__", entering)
    return started


@pytest.fixture
def patient(monkeypatch):
    """Each helper's messages taken only once it has sent them all: the helpers do all the work they can."""
    received = helper.Helper.received

    def waiting(self):
        if self.fd is not None and not self.ended:
            os.set_blocking(self.fd, True)  # read until the helper closes its end
        return received(self)

    monkeypatch.setattr(helper.Helper, "received", waiting)


def in_this_process(monkeypatch, module, name) -> list:
    """The calls of ``module.name`` this process makes (a forked helper inherits the patch, but counts
    in its own copy of the list)."""
    calls = []
    real = getattr(module, name)
    parent = os.getpid()

    def counted(*args, **kwargs):
        if os.getpid() == parent:
            calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def gone(pid: int) -> bool:
    """Reaped: no longer a child of this process (the number may already be another process's)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_review_with_helpers_gives_the_report_one_process_gives(cli, tree, helpers, cache_home, fmt):
    argv = ["review", str(tree), "--format", fmt, "--suggest"]
    helped = cli(*argv)  # first: a review again over the same files needs no parse helper
    assert len(helpers) == 2  # one parsed, one reviewed
    one = cli(*argv, "--jobs", "1")
    assert len(helpers) == 2
    assert (helped.status, helped.stdout, helped.stderr) == (one.status, one.stdout, one.stderr)
    assert one.status == 1 and one.stdout.count("copy-2") > 10  # the tree was really reviewed


def test_the_report_is_the_same_when_the_helpers_parse_and_review_everything(cli, tree, helpers, patient,
                                                                             cache_home, monkeypatch):
    parsed = in_this_process(monkeypatch, objects, "parse_documents_apart")
    reviewed = in_this_process(monkeypatch, Reviewer, "review_subject")
    helped = cli("review", str(tree), "--format", "json")
    assert len(helpers) == 2 and parsed == [] and reviewed == []
    monkeypatch.setenv(cache.DISABLE, "1")
    one = cli("review", str(tree), "--format", "json", "--jobs", "1")
    assert (helped.status, helped.stdout, helped.stderr) == (one.status, one.stdout, one.stderr)


def test_the_report_is_the_same_when_a_helper_stops_half_way(cli, tree, helpers, cache_home, monkeypatch):
    monkeypatch.setenv(cache.DISABLE, "1")  # every run as a first one
    one = cli("review", str(tree), "--format", "json", "--jobs", "1")
    for module, name in ((ahead, "_parse_back"), (parallel, "_review_back")):
        work = getattr(module, name)

        def dying(*args, work=work):
            *args, send = args
            sent = []

            def send_then_die(payload):
                send(payload)
                sent.append(payload)
                if len(sent) == 5:
                    os._exit(1)

            work(*args, send_then_die)

        monkeypatch.setattr(module, name, dying)
    helped = cli("review", str(tree), "--format", "json")
    assert (helped.status, helped.stdout, helped.stderr) == (one.status, one.stdout, one.stderr)
    assert len(helpers) == 2


def test_a_file_whose_text_the_helper_read_otherwise_is_parsed_here(cli, tree, helpers, patient, cache_home,
                                                                   monkeypatch):
    from advisor.system import yamlsource

    monkeypatch.setenv(cache.DISABLE, "1")
    one = cli("review", str(tree), "--format", "json", "--jobs", "1")
    read = yamlsource.read_text  # what the helper reads with; this process reads through objects.read_text
    monkeypatch.setattr(yamlsource, "read_text", lambda *args, **kwargs: read(*args, **kwargs).replace(
        "replicas: 3", "replicas: 1"))
    helped = cli("review", str(tree), "--format", "json")
    assert (helped.status, helped.stdout, helped.stderr) == (one.status, one.stdout, one.stderr)


def test_no_helper_outlives_the_review(cli, tree, helpers, cache_home):
    cli("review", str(tree))
    assert len(helpers) == 2 and all(gone(pid) for pid in helpers)


def test_a_helper_is_reaped_when_the_review_is_interrupted(cli, tree, helpers, cache_home, monkeypatch):
    parent, calls = os.getpid(), []
    review = Reviewer.review_subject

    def interrupted(self, *args):
        if os.getpid() == parent:
            calls.append(args)
            if len(calls) == 3:
                raise KeyboardInterrupt
        return review(self, *args)

    monkeypatch.setattr(Reviewer, "review_subject", interrupted)
    run = cli("review", str(tree))
    assert run.status == 130 and "interrupted" in run.stderr
    assert len(helpers) == 2 and all(gone(pid) for pid in helpers)


def test_a_small_review_and_one_with_jobs_start_no_helper(cli, tree, helpers):
    cli("review", str(tree / "copy-0" / "mistakes" / "bare-pod.yaml"))
    cli("review", str(tree), "--jobs", "1")
    assert helpers == []


def test_the_parse_helper_leaves_bashlex_s_tables_in_the_cache(tree, helpers, patient, cache_home, monkeypatch):
    for name in [n for n in sys.modules if n == "bashlex" or n.startswith("bashlex.")]:
        monkeypatch.delitem(sys.modules, name)  # as in a review's process, which has not read a script yet
    gathered = objects.gather([str(tree)], keep=False)
    objects.parse_inputs(gathered.texts, keep=gathered.size, ahead=gathered)
    assert len(helpers) == 1
    assert os.path.isfile(cache_home / "bashlex-tables.pickle")


def test_a_pipe_named_as_an_input_is_read_by_this_process_alone(cli, tree, helpers, cache_home, monkeypatch):
    monkeypatch.setenv(cache.DISABLE, "1")
    one = cli("review", str(tree), "--format", "json", "--jobs", "1")
    read, write = os.pipe()
    text = (FIXTURES / "review" / "mistakes" / "bare-pod.yaml").read_text()
    os.write(write, text.encode())
    os.close(write)
    try:
        helped = cli("review", str(tree), f"/dev/fd/{read}", "--format", "json")
    finally:
        os.close(read)
    piped = json.loads(helped.stdout)
    assert piped["summary"]["objects"] == json.loads(one.stdout)["summary"]["objects"] + 1  # the pipe's Pod
    assert {f["object"]["name"] for f in piped["findings"] if f["file"] == f"/dev/fd/{read}"} == {"web"}


@pytest.fixture
def interruptible():
    """Ctrl-C raising KeyboardInterrupt, as in a terminal, even where the run inherits SIGINT ignored (a job
    started in the background by a non-interactive shell, as some CI runners start theirs)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def test_a_signal_while_a_cache_file_is_written_waits_until_it_is_in_place(cache_home, monkeypatch, interruptible):
    write = cache._write

    def interrupted(*args):
        # to this thread, as Ctrl-C reaches a one-threaded pod-advisor (a test runner's worker may have a thread of
        # its own, which the kernel would hand a signal sent to the process)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        return write(*args)

    monkeypatch.setattr(cache, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.store("kind", "key", cache.pickled([1, 2, 3]))
    assert sorted(os.listdir(cache_home)) == ["kind.pickle"]
    assert cache.load("kind", "key") == [1, 2, 3]


def test_what_the_review_helper_learnt_is_kept_for_the_next_run(tree, helpers, patient, cache_home, monkeypatch):
    from advisor.review import shell
    from advisor.review.reviewer import ReviewOptions

    inputs = objects.parse_inputs(objects.gather([str(tree)]).texts)
    monkeypatch.setattr(shell, "_parsed", shell._Parsed())
    alone = Reviewer()
    alone.review(inputs, ReviewOptions())
    scripts = dict(shell._parsed.scripts)
    monkeypatch.setattr(shell, "_parsed", shell._Parsed())
    helped = Reviewer()
    parallel.review_ahead(helped, inputs, ReviewOptions())
    assert len(helpers) == 1 and helped.designs.evaluated == 0  # the helper evaluated every design
    assert helped.designs.recommendations.keys() == alone.designs.recommendations.keys()
    assert shell._parsed.scripts.keys() == scripts.keys() and len(scripts) > 3


def test_a_helper_that_cannot_be_forked_leaves_the_review_to_this_process(cli, tree, helpers, cache_home,
                                                                          monkeypatch):
    monkeypatch.setenv(cache.DISABLE, "1")
    one = cli("review", str(tree), "--format", "json", "--jobs", "1")

    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")  # fork's EAGAIN: no process left

    monkeypatch.setattr(os, "fork", refused)
    helped = cli("review", str(tree), "--format", "json")
    assert (helped.status, helped.stdout, helped.stderr) == (one.status, one.stdout, one.stderr)
    assert helpers == [None, None]  # both were asked for, neither started


def test_the_files_the_helper_parsed_keep_the_dates_as_written_only(tree, helpers, patient, cache_home, monkeypatch):
    monkeypatch.setenv(cache.DISABLE, "1")
    parsed = in_this_process(monkeypatch, objects, "parse_documents_apart")
    gathered = objects.gather([str(tree)], keep=False)
    inputs = objects.parse_inputs(gathered.texts, keep=gathered.size, ahead=gathered)
    assert len(helpers) == 1 and parsed == []  # every file parsed by the helper
    assert any(obj.get("spec", "replicas") == 3 for obj in inputs.objects)  # a number, whose text is not kept
    assert all(text[:4].isdigit() and text[4] == "-" for obj in inputs.objects for text in obj.doc.raw.values())


@pytest.mark.parametrize("kept", [True, False])
def test_a_review_of_folded_workloads_with_helpers_gives_the_report_of_them_held_whole(cli, tree, helpers, cache_home,
                                                                                       monkeypatch, kept):
    if kept:  # the first run keeps its parses, the second folds the store's
        monkeypatch.setattr(objects.KeptParses, "LEAST_BYTES", 1)
        monkeypatch.setattr(objects.KeptParses, "STORE_PER_INPUT", 1000)
    else:
        monkeypatch.setenv(cache.DISABLE, "1")  # each file's pickle as the helper sent it
    whole = cli("review", str(tree), "--format", "json", "--jobs", "1")  # 180 KB: held whole
    monkeypatch.setattr(objects, "FOLD_BYTES", 1)
    folded = cli("review", str(tree), "--format", "json")
    assert len(helpers) == (2 if not kept else 1)  # a kept store of every file needs no parse helper
    assert (folded.status, folded.stdout, folded.stderr) == (whole.status, whole.stdout, whole.stderr)


def test_a_review_of_folded_workloads_in_workers_gives_the_report_of_them_held_whole(cli, tree, cache_home,
                                                                                     monkeypatch):
    whole = cli("review", str(tree), "--format", "json", "--jobs", "1")
    monkeypatch.setattr(objects, "FOLD_BYTES", 1)
    folded = cli("review", str(tree), "--format", "json", "--jobs", "2")
    assert (folded.status, folded.stdout, folded.stderr) == (whole.status, whole.stdout, whole.stderr)
