"""Tests against a running Kubernetes control plane (tools/cluster/), started once a session.

A package, so that its conftest is imported as cluster.conftest, apart from tests/conftest.py.
"""
