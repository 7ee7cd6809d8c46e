"""Tests against a running Kubernetes control plane (tools/cluster/), started once a session.

A package, so that its conftest is imported as cluster.conftest and the tests beside it still
import the suite's own conftest (tests/conftest.py) by that name.
"""
