"""The annotations pod-advisor writes into manifests and reads back when reviewing.

One place for the keys, so that the manifest writer and the reviewer cannot
drift apart: what `manifest` states, `review` need not guess.
"""

PREFIX = "pod-advisor.io/"
ENVIRONMENT = PREFIX + "environment"  # "experiment" marks a debugging Pod: no bare-pod finding
PURPOSE = PREFIX + "purpose."  # + container name: the container's purpose, instead of a guess
SAME_NODE = PREFIX + "same-node."  # + container name: "true" when it must share the node for a reason
# no field of the manifest shows (a local socket, a device), so review does not take it for unrelated
KUBERNETES = PREFIX + "kubernetes"  # the minor version the manifest was written for
POD_SECURITY = PREFIX + "pod-security"  # the Pod Security level a workload needs, when it is privileged
IGNORE = PREFIX + "ignore"  # "id,id" on the object; IGNORE + "." + container for one container
DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"  # kubectl's own: logs/exec go to the main one
