"""The image catalogue: one YAML file per group of images, roles.yaml first (see advisor.kb.images)."""
