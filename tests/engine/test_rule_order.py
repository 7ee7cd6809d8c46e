"""Rules that tie (the same salience, on the same facts) fire in the order the code defines them, so
a recommendation lists its reasons in the same order whatever network experta built."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers.paths import EXAMPLES, ROOT

from advisor.engine.experta_compat import DepthStrategy
from advisor.engine.advisor import PodAdvisorEngine
from advisor.engine.registry import rules_of


class _Activation:
    def __init__(self, rule, facts):
        self.rule, self.facts = rule, facts


def test_of_two_tied_activations_the_rule_defined_first_is_the_agenda_s_next():
    first, second = sorted((r for r in rules_of(PodAdvisorEngine).values() if r.salience == 10),
                           key=lambda r: r.defined)[:2]
    facts = [{"__factid__": 3}, {"__factid__": 1}]
    strategy = DepthStrategy()
    # the agenda keeps activations sorted by key and takes the largest next
    assert strategy.get_key(_Activation(first, facts)) > strategy.get_key(_Activation(second, facts))


def test_evaluate_lists_the_same_reasons_in_the_same_order_from_networks_built_apart():
    """Each process builds its own network (no cache); experta's order of tied activations followed the
    build, and examples/node-agent.yaml came out in either of two orders."""
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        done = subprocess.run([sys.executable, "-m", "advisor", "evaluate", str(EXAMPLES / "node-agent.yaml"),
                               "--format", "json"], capture_output=True, text=True, timeout=120, cwd=ROOT,
                              env=dict(os.environ, POD_ADVISOR_NO_CACHE="1", PYTHONHASHSEED=seed,
                                       PYTHONPATH=str(ROOT)))
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
