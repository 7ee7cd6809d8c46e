"""What blind round 23 (bench/blind/round23) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from helpers.review import ids

# rudijs/openshift-demo-app's devops/templates/project.yaml is an `oc get all -o yaml` export: its ReplicationControllers
# were made by DeploymentConfigs, which their ownerReferences name as controller.
RC = """apiVersion: v1
kind: ReplicationController
metadata:
  name: web-app-1
{owners}spec:
  replicas: 1
  selector: {{app: web-app, deploymentconfig: web-app}}
  template:
    metadata:
      labels: {{app: web-app, deploymentconfig: web-app}}
    spec:
      containers:
        - name: web-app
          image: ghcr.io/example/web:1.0.0
          resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}
"""
OWNED = """  ownerReferences:
    - {apiVersion: apps.openshift.io/v1, kind: DeploymentConfig, name: web-app, uid: 3c6f, controller: true}
"""


def test_a_replication_controller_a_deployment_config_made_is_not_told_to_become_a_deployment():
    assert "replicaset-without-deployment" not in ids(RC.format(owners=OWNED))


def test_a_replication_controller_nobody_owns_still_is():
    assert "replicaset-without-deployment" in ids(RC.format(owners=""))
