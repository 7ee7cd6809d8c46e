"""pod-advisor: Kubernetes Pod design advice, explained from a knowledge base."""

__version__ = "0.1.0"
