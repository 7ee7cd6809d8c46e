"""Metadata of every rule and finding, one YAML file per concern (see advisor.kb.knowledge)."""
