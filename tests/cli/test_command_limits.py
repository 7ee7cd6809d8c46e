"""Commands bounded in what they take and what they say (issue 11, classes 5 and 11)."""

from __future__ import annotations

MINIMAL = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n"


def test_explain_refuses_a_topic_longer_than_any_title_at_once(cli):
    run = cli("explain", "a" * 120_000)  # it took 33 s in difflib
    assert run.status == 2 and "a topic is at most 200 characters; this one has 120,000" in run.stderr


def test_manifest_names_each_warning_once_however_many_containers_raise_it(cli, write):
    helpers = "".join(f"  - name: c{i}\n    image: nginx\n    shares_volume: true\n" for i in range(1, 30))
    run = cli("manifest", write("app.yaml", MINIMAL.replace("nginx:1.27", "nginx") + helpers))
    assert run.stderr.count("warning mutable-image-tag") == 1


def test_a_name_kubernetes_would_not_take_for_an_object_is_reported_with_its_line(cli, write):
    text = ("version: 1\nname: " + "a" * 60 + "\nworkload: {runs_to_completion: true, schedule: '0 3 * * *'}\n"
            "containers:\n  - name: web\n    image: nginx:1.27\n")
    run = cli("manifest", write("app.yaml", text))
    assert run.status == 2 and "app.yaml:2: name:" in run.stderr and "too long for a CronJob" in run.stderr


def test_more_jobs_than_the_machine_can_use_are_capped_with_a_note(cli, write, monkeypatch):
    from advisor.cli import jobs

    monkeypatch.setattr(jobs, "cpus", lambda: 1)
    run = cli("batch", write("a.yaml", MINIMAL), "--jobs", "100000", "--format", "jsonl")
    assert run.status == 0 and "--jobs 100000 is more than 2 workers can use on 1 CPU; using 2" in run.stderr
