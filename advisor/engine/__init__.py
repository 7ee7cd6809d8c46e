"""The experta rule engine: facts, rules by concern, and the Advisor that runs them."""

from advisor.engine.advisor import Advisor, evaluate

__all__ = ["Advisor", "evaluate"]
