"""Renderers: turn a Recommendation into text, JSON or YAML. They decide nothing."""
