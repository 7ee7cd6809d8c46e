"""Controller, restartPolicy, replicas and Service of the main workload."""

import pytest

from helpers.engine import main_only


def decision(rec):
    w = rec.main
    return w.controller, w.restart_policy, w.replicas


def test_an_experiment_is_a_bare_pod_that_restarts_always():
    assert decision(main_only(environment="experiment")) == ("Pod", "Always", None)


def test_an_experiment_that_runs_to_completion_never_restarts():
    assert decision(main_only(environment="experiment", runs_to_completion=True)) == ("Pod", "Never", None)


def test_experiment_wins_over_a_schedule():
    assert main_only(environment="experiment", schedule="@daily").main.controller == "Pod"


def test_a_schedule_makes_a_cronjob_restarting_on_failure():
    rec = main_only(schedule="*/15 * * * *")
    assert decision(rec) == ("CronJob", "OnFailure", None)
    assert rec.main.schedule == "*/15 * * * *"


def test_a_schedule_implies_run_to_completion_even_when_it_says_false():
    assert main_only(schedule="@hourly", runs_to_completion=False).main.controller == "CronJob"


def test_run_to_completion_makes_a_job_restarting_on_failure():
    assert decision(main_only(runs_to_completion=True)) == ("Job", "OnFailure", None)


@pytest.mark.parametrize("workload", [{"runs_to_completion": True}, {"schedule": "@weekly"}])
def test_keeping_failed_attempts_means_restart_never(workload):
    assert main_only(keep_failed_attempts=True, **workload).main.restart_policy == "Never"


def test_keep_failed_attempts_is_ignored_for_long_running_work():
    assert main_only(keep_failed_attempts=True).main.restart_policy == "Always"


def test_run_to_completion_wins_over_one_per_node_and_raises_the_conflict():
    rec = main_only(runs_to_completion=True, one_per_node=True)
    assert rec.main.controller == "Job"
    assert "per-node-completion-conflict" in rec.finding_ids()


def test_one_per_node_makes_a_daemonset_without_replicas():
    assert decision(main_only(one_per_node=True, replicas=5)) == ("DaemonSet", "Always", None)


def test_one_per_node_wins_over_stable_identity():
    assert main_only(one_per_node=True, stable_identity=True).main.controller == "DaemonSet"


def test_stable_identity_makes_a_statefulset_with_its_replicas():
    assert decision(main_only(stable_identity=True, replicas=3)) == ("StatefulSet", "Always", 3)


def test_everything_else_is_a_deployment_with_its_replicas():
    assert decision(main_only(replicas=2)) == ("Deployment", "Always", 2)


def test_a_statefulset_always_gets_a_headless_service():
    assert main_only(stable_identity=True).main.service == "headless"


@pytest.mark.parametrize("workload", [{}, {"one_per_node": True}, {"environment": "experiment"}])
def test_an_addressed_long_running_workload_gets_a_clusterip_service(workload):
    assert main_only(addressed_by_others=True, **workload).main.service == "ClusterIP"


@pytest.mark.parametrize("workload", [{}, {"one_per_node": True}, {"environment": "experiment"}])
def test_a_workload_nobody_addresses_gets_no_service(workload):
    assert main_only(**workload).main.service is None


@pytest.mark.parametrize("workload", [{"runs_to_completion": True}, {"schedule": "@daily"}])
def test_jobs_and_cronjobs_get_no_service_even_when_addressed(workload):
    rec = main_only(addressed_by_others=True, **workload)
    assert rec.main.service is None
    assert "no-service-for-batch" in {r.rule for r in rec.reasons}
