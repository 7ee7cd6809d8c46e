"""Knowledge-base entries, one YAML file per area (see advisor.kb.knowledge)."""
