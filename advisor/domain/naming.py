"""Kubernetes' rules for the names and counts pod-advisor writes: what a name may hold, how
long each kind's may be, how many replicas a controller counts."""

from __future__ import annotations

import re

from advisor.system.patterns import lazy

DNS_1035 = lazy(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")  # a letter first
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
RELAXED_SERVICE_NAMES_FROM = 36  # a Service's name may start with a digit (RelaxedServiceNameValidation)
# The longest name of each kind that leaves room for what Kubernetes adds to it for the
# objects it creates (a CronJob's Jobs, a StatefulSet's Pods' controller-revision label).
MAX_NAME = {"CronJob": 52, "StatefulSet": 52, "Service": 63, "Job": 63, "Pod": 63}
MAX_REPLICAS = 2 ** 31 - 1  # spec.replicas is an int32


def service_name_pattern(minor: int) -> re.Pattern:
    """What a Service's name must match on Kubernetes 1.minor."""
    return DNS_LABEL if minor >= RELAXED_SERVICE_NAMES_FROM else DNS_1035
