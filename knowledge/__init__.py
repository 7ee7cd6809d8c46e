"""pod-advisor's knowledge base: YAML data shipped with the package (see advisor.kb.knowledge)."""
