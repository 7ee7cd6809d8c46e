"""`pod-advisor review --jobs N`: a large tree reviewed by worker processes, with the same report."""

from __future__ import annotations

import multiprocessing
import os
import shutil

import pytest

from advisor.system import pool
from helpers.paths import FIXTURES

COPIES = 5  # of the review fixtures: 130 files, 250 workloads
CROSS_FILE = """\
apiVersion: v1
kind: Service
metadata: {name: shared-front}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: upstreams}
data: {UPSTREAM: "http://10.1.2.3:8080"}
"""
CONFIG = """\
review:
  ignore:
    - id: [resources-unset]
      files: "*/copy-1/*"
      reason: the platform team's LimitRange
"""


@pytest.fixture
def tree(tmp_path):
    """Every review fixture, copied COPIES times, with objects that link across files and folders."""
    root = tmp_path / "k8s"
    for copy in range(COPIES):
        shutil.copytree(FIXTURES / "review", root / f"copy-{copy}")
    (root / "zz-shared.yaml").write_text(CROSS_FILE)
    config = tmp_path / "pod-advisor.yaml"
    config.write_text(CONFIG)
    return root, config


@pytest.fixture
def pools(monkeypatch):
    """The worker pools started, so that a test knows workers did the reviewing."""
    started = []
    real = pool.ProcessPoolExecutor

    def counting(*args, **kwargs):
        started.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pool, "ProcessPoolExecutor", counting)
    return started


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_two_jobs_give_the_report_one_job_gives_in_the_same_order(cli, tree, pools, fmt):
    root, config = tree
    argv = ["review", str(root), "--format", fmt, "--suggest", "--config", str(config), "--fail-on", "warning"]
    one = cli(*argv, "--jobs", "1")
    assert pools == []
    two = cli(*argv, "--jobs", "2")
    assert len(pools) == 1
    assert (two.status, two.stdout, two.stderr) == (one.status, one.stdout, one.stderr)
    assert one.status == 1 and one.stdout.count("copy-4") > 10  # the tree was really reviewed


def test_a_large_tree_uses_workers_by_default_and_a_small_one_does_not(cli, tree, pools, monkeypatch):
    from advisor.review import parallel

    monkeypatch.setattr(parallel, "SMALL_REVIEW", 100)  # workloads: copy-0 has 50, the tree 250
    root, _ = tree
    cli("review", str(root / "copy-0"))
    assert pools == []
    cli("review", str(root))
    assert len(pools) == (1 if len(os.sched_getaffinity(0)) > 1 else 0)


def test_jobs_must_be_a_whole_number_of_at_least_one(cli, tree):
    root, _ = tree
    run = cli("review", str(root), "--jobs", "0")
    assert run.status == 2 and "--jobs: must be at least 1" in run.stderr


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers inherit the patch by fork")
def test_a_worker_that_dies_is_an_internal_error_and_writes_no_report(cli, tree, monkeypatch, tmp_path):
    from advisor.review import parallel

    call = parallel._ObjectReviewer.__call__
    monkeypatch.setattr(parallel._ObjectReviewer, "__call__",
                        lambda self, index: os._exit(9) if index == 7 else call(self, index))
    root, _ = tree
    out = tmp_path / "report.sarif"
    run = cli("review", str(root), "--format", "sarif", "-o", str(out), "--jobs", "2")
    assert run.status == 3 and "internal error, please report it: a worker process stopped" in run.stderr
    assert not out.exists()
