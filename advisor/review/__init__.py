"""`pod-advisor review`: read manifests back into answers, let the advisor judge them.

objects (read the files) -> facts (each workload object as Answers) -> the engine's
Recommendation -> checks (the manifest compared with it, plus what only a manifest
can get wrong) -> suppressions -> a ReviewReport -> render (text, JSON, SARIF).
"""

from advisor.review.reviewer import Reviewer, ReviewOptions

__all__ = ["ReviewOptions", "Reviewer"]
