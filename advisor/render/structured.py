"""The recommendation as JSON (the spec's object) or YAML (the same data)."""

from __future__ import annotations

import yaml

from advisor.domain.recommendation import Recommendation


def to_json(recommendation: Recommendation) -> str:
    import json  # here: a text recommendation, the usual one, needs no JSON

    return json.dumps(recommendation.to_dict(), indent=2) + "\n"


def to_yaml(recommendation: Recommendation) -> str:
    return yaml.safe_dump(recommendation.to_dict(), sort_keys=False, width=100)
