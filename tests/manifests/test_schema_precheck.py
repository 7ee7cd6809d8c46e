"""The exact pre-check of the strict schemas: its "valid" always means jsonschema finds no error.

``advisor.manifests.schema_precheck`` answers "certainly valid" (True) or "not sure" (False);
on "not sure" validate.py asks jsonschema as before. A "valid" that jsonschema disagrees with
would hide a refusal, so every example below that the pre-check passes is also validated by
the same jsonschema validator validate.py builds, and every "not sure" example is one
jsonschema refuses (or one the pre-check does not model). A property test mutates realistic
objects of six kinds as a bad day would; the ordinary manifests of the review fixtures must
pass it, so that it is no check that never says "valid".
"""

from __future__ import annotations

import collections
import copy
import datetime

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from advisor.manifests import validate
from advisor.manifests.schema_precheck import Precheck
from helpers.hostile import paths
from helpers.paths import FIXTURES

VERSIONS = ("1.25", "1.29", "1.33", "1.37")
DEFINITIONS_ID = "https://kubernetes.io/api/_definitions.json"


def precheck(obj, kubernetes="1.33") -> bool:
    folder = validate._schema_folder(kubernetes)
    return validate._precheck(folder, str(obj.get("kind") or ""), str(obj.get("apiVersion") or ""))(obj)


def jsonschema_errors(obj, kubernetes="1.33") -> list[str]:
    folder = validate._schema_folder(kubernetes)
    validator = validate._validator(folder, str(obj.get("kind") or ""), str(obj.get("apiVersion") or ""))
    return [e.message for e in validator.iter_errors(obj)]


# -- realistic objects -----------------------------------------------------------------

def _pod_spec(**more) -> dict:
    return {
        "serviceAccountName": "web",
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 2000,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{
            "name": "web", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent",
            "args": ["--port", "8080"],
            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
            "env": [{"name": "MODE", "value": "prod"},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
            "resources": {"requests": {"cpu": "250m", "memory": "128Mi"}, "limits": {"cpu": 1, "memory": "256Mi"}},
            "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
            "livenessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 10, "failureThreshold": 3},
            "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                "capabilities": {"drop": ["ALL"]}},
            "volumeMounts": [{"name": "cache", "mountPath": "/var/cache/nginx"},
                             {"name": "config", "mountPath": "/etc/nginx/conf.d", "readOnly": True}],
            "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
        }],
        "volumes": [{"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}},
                    {"name": "config", "configMap": {"name": "web-config", "defaultMode": 420}}],
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
            "weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                               "labelSelector": {"matchLabels": {"app": "web"}}}}]}},
        "terminationGracePeriodSeconds": 30,
        **more,
    }


def _template(labels: dict, **more) -> dict:
    return {"metadata": {"labels": labels, "annotations": {"prometheus.io/scrape": "true"}}, "spec": _pod_spec(**more)}


SEEDS = {
    "Deployment": {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web", "tier": "frontend"}},
        "spec": {"replicas": 3, "revisionHistoryLimit": 5, "selector": {"matchLabels": {"app": "web"}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                 "template": _template({"app": "web"})},
    },
    "Pod": {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "labels": {"app": "debug"}},
        "spec": _pod_spec(restartPolicy="Never"),
    },
    "Service": {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"type": "ClusterIP", "selector": {"app": "web"}, "sessionAffinity": "None",
                 "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                           {"name": "metrics", "port": 9090, "targetPort": 9090}]},
    },
    "StatefulSet": {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
        "spec": {"serviceName": "db", "replicas": 2, "podManagementPolicy": "Parallel",
                 "selector": {"matchLabels": {"app": "db"}},
                 "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                 "template": _template({"app": "db"}),
                 "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                           "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
                                                    "resources": {"requests": {"storage": "10Gi"}}}}]},
    },
    "Job": {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
        "spec": {"backoffLimit": 4, "activeDeadlineSeconds": 600, "ttlSecondsAfterFinished": 3600,
                 "completions": 1, "parallelism": 1,
                 "template": _template({"job": "migrate"}, restartPolicy="OnFailure")},
    },
    "CronJob": {
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 3 * * *", "concurrencyPolicy": "Forbid", "startingDeadlineSeconds": 200,
                 "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                 "jobTemplate": {"spec": {"backoffLimit": 2,
                                          "template": _template({"job": "nightly"}, restartPolicy="Never")}}},
    },
}


@pytest.mark.parametrize("kubernetes", VERSIONS)
@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_realistic_objects_of_every_version_pass_the_precheck(kind, kubernetes):
    assert jsonschema_errors(SEEDS[kind], kubernetes) == []
    assert precheck(SEEDS[kind], kubernetes)


def _fixture_objects():
    for path in sorted((FIXTURES / "review" / "clean").glob("*.y*ml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(document, dict) and document.get("kind") == "List":
                yield from document.get("items") or []
            elif isinstance(document, dict):
                yield document


def test_the_ordinary_manifests_of_the_review_fixtures_pass_the_precheck():
    objects = [o for o in _fixture_objects() if "status" not in o]
    assert len(objects) > 30
    assert [(o["kind"], o["metadata"].get("name")) for o in objects if not precheck(o)] == []


# -- the property: "valid" is never wrong ------------------------------------------------

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.integers(-(2 ** 70), 2 ** 70),
    st.sampled_from([2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 63 - 1, 2 ** 63, -(2 ** 63) - 1]),
    st.floats(), st.sampled_from([2.0, 0.5, -1.0, 1e300]),
    st.text(max_size=8), st.sampled_from(["3", "80", "25%", "", "Always", "TCP", "tcp", "ClusterIP", "None",
                                          "RollingUpdate", "OnFailure", "100m", "1Gi", "true", "null"]),
    st.just(datetime.date(2024, 1, 31)), st.just(b"bytes"),
)
_KEYS = st.one_of(st.sampled_from(["name", "image", "port", "containers", "spec", "metadata", "labels", "type",
                                   "replicas", "selector", "unknownField", "x-extra", "value", "items"]),
                  st.text(max_size=6), st.integers(0, 3), st.booleans(), st.none())
GARBAGE = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)), max_leaves=8)


def _parent_and_key(obj, path):
    parent = obj
    for step in path[:-1]:
        parent = parent[step]
    return parent, path[-1]


@st.composite
def mutated(draw, kind):
    obj = copy.deepcopy(SEEDS[kind])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(paths(obj))))
        operation = draw(st.sampled_from(["replace", "delete", "add key", "wrap in list", "empty", "subclass",
                                          "number as text", "append"]))
        if not path:
            if operation == "add key":
                obj[draw(_KEYS)] = draw(GARBAGE)
            continue
        parent, key = _parent_and_key(obj, path)
        value = parent[key]
        if operation == "replace":
            parent[key] = draw(GARBAGE)
        elif operation == "delete":
            del parent[key]
        elif operation == "add key" and isinstance(value, dict):
            value[draw(_KEYS)] = draw(GARBAGE)
        elif operation == "wrap in list":
            parent[key] = [value]
        elif operation == "empty":
            parent[key] = type(value)() if isinstance(value, (dict, list, str)) else None
        elif operation == "subclass" and isinstance(value, dict):
            parent[key] = collections.OrderedDict(value)
        elif operation == "number as text" and isinstance(value, (int, float)):
            parent[key] = str(value)
        elif operation == "append" and isinstance(value, list):
            value.append(draw(GARBAGE))
    return obj


@pytest.mark.parametrize("kubernetes", ("1.25", "1.37"))
@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_a_mutated_object_the_precheck_passes_has_no_schema_error(kind, kubernetes):
    @given(mutated(kind))
    def check(obj):
        if precheck(obj, kubernetes):
            assert jsonschema_errors(obj, kubernetes) == []

    check()


# -- each construct, on small schemas ---------------------------------------------------------

def _schema(properties: dict, **more) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://kubernetes.io/api/thing/v1",
            "type": "object", "properties": properties, "additionalProperties": False, **more}


DEFINITIONS = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": DEFINITIONS_ID,
    "$defs": {
        "IntOrString": {"oneOf": [{"type": ["string", "null"]}, {"type": ["integer", "null"]}]},
        "Quantity": {"oneOf": [{"type": ["string", "null"]}, {"type": ["number", "null"]}]},
        "Labels": {"type": ["object", "null"], "additionalProperties": {"type": ["string", "null"]}},
        "Node": {"type": "object", "additionalProperties": False,
                 "properties": {"name": {"type": "string"}, "children": {"type": ["array", "null"],
                                                                         "items": {"$ref": "#/$defs/Node"}}}},
        "Open": {},
        "Patterned": {"type": "string", "pattern": "^[a-z]+$"},
        "Identified": {"$id": "https://elsewhere.example/x", "type": "string"},
        # a JSON pointer's escapes: "#/$defs/a~1b" is "a/b", "#/$defs/Per%25cent" is "Per%cent"
        "a/b": {"type": "integer"}, "a~1b": {"type": "string"},
        "Per%cent": {"type": "integer"}, "Per%25cent": {"type": "string"},
    },
}


def small(schema: dict):
    """(the pre-check, a jsonschema validator built as validate.py builds its own) for one schema."""
    import jsonschema
    from referencing import Registry, Resource

    registry = Resource.from_contents(DEFINITIONS) @ (Resource.from_contents(schema) @ Registry())
    validator = jsonschema.Draft202012Validator(schema, registry=registry,
                                                format_checker=validate._integer_formats())
    return Precheck(DEFINITIONS, validate.INT_FORMATS)(schema), validator


def agrees(schema: dict, value, valid: bool) -> None:
    """The pre-check says ``valid`` of ``value``; if it says valid, jsonschema finds no error either."""
    check, validator = small(schema)
    assert check(value) is valid
    if valid:
        assert list(validator.iter_errors(value)) == []


def refused(schema: dict, value) -> None:
    """jsonschema refuses ``value`` and the pre-check is not sure of it."""
    check, validator = small(schema)
    assert list(validator.iter_errors(value))
    assert check(value) is False


NAMED = _schema({"name": {"type": ["string", "null"]}}, required=["name"])


@pytest.mark.parametrize("value", [{"name": "web"}, {"name": None}])
def test_a_typed_property_of_its_type_or_null_is_valid(value):
    agrees(NAMED, value, True)


@pytest.mark.parametrize("value", [{"name": 5}, {"name": True}, {"name": ["web"]}, {}, {"name": "web", "nme": "x"},
                                   [], "web", None])
def test_a_wrong_type_a_missing_required_field_or_an_unknown_key_is_not_sure(value):
    refused(NAMED, value)


COUNT = _schema({"replicas": {"type": ["integer", "null"], "format": "int32"},
                 "size": {"type": ["integer", "null"], "format": "int64"},
                 "ratio": {"type": ["number", "null"], "format": "double"},
                 "flag": {"type": ["boolean", "null"]}})


@pytest.mark.parametrize("value", [{"replicas": 2 ** 31 - 1}, {"replicas": -(2 ** 31)}, {"size": 2 ** 63 - 1},
                                   {"ratio": 0.5}, {"ratio": 3}, {"flag": False}])
def test_integers_within_their_format_and_numbers_are_valid(value):
    agrees(COUNT, value, True)


@pytest.mark.parametrize("value", [{"replicas": 2 ** 31}, {"replicas": -(2 ** 31) - 1}, {"size": 2 ** 63},
                                   {"replicas": True}, {"replicas": "3"}, {"ratio": "0.5"}, {"flag": 0}])
def test_an_integer_beyond_its_format_a_boolean_or_a_text_for_a_number_is_not_sure(value):
    refused(COUNT, value)


def test_a_float_where_an_integer_is_expected_is_not_sure_though_jsonschema_takes_a_whole_one():
    agrees(COUNT, {"replicas": 2.0}, False)


ENUM = _schema({"policy": {"type": ["string", "null"], "enum": ["Always", "Never"]}})


def test_a_value_of_the_enum_is_valid():
    agrees(ENUM, {"policy": "Never"}, True)


@pytest.mark.parametrize("value", [{"policy": "always"}, {"policy": None}, {"policy": 1}])
def test_a_value_outside_the_enum_even_null_is_not_sure(value):
    refused(ENUM, value)


LISTED = _schema({"args": {"type": ["array", "null"], "items": {"type": ["string", "null"]}}})


@pytest.mark.parametrize("value", [{"args": []}, {"args": ["a", None]}, {"args": None}])
def test_items_of_the_item_type_are_valid(value):
    agrees(LISTED, value, True)


@pytest.mark.parametrize("value", [{"args": ["a", 1]}, {"args": "a"}, {"args": [["a"]]}])
def test_an_item_of_another_type_is_not_sure(value):
    refused(LISTED, value)


REFERRING = _schema({"port": {"$ref": "/api/_definitions.json#/$defs/IntOrString"},
                     "cpu": {"$ref": "/api/_definitions.json#/$defs/Quantity"},
                     "labels": {"$ref": "/api/_definitions.json#/$defs/Labels"},
                     "tree": {"$ref": "/api/_definitions.json#/$defs/Node"},
                     "raw": {"$ref": "/api/_definitions.json#/$defs/Open"}})


@pytest.mark.parametrize("value", [{"port": 80}, {"port": "http"}, {"cpu": "250m"}, {"cpu": 0.5}, {"cpu": 2},
                                   {"labels": {"app": "web", "gone": None}}, {"labels": None}, {"labels": {}},
                                   {"tree": {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}},
                                   {"raw": {"anything": [1, {"at": "all"}]}}, {"raw": None}])
def test_a_value_a_reference_accepts_is_valid_recursive_and_open_definitions_included(value):
    agrees(REFERRING, value, True)


@pytest.mark.parametrize("value", [{"port": None}, {"port": True}, {"port": 1.5}, {"cpu": None}, {"cpu": False},
                                   {"labels": {"app": 1}}, {"labels": []},
                                   {"tree": {"name": "a", "children": [{"name": 2}]}},
                                   {"tree": {"name": "a", "children": [{"nam": "b"}]}}])
def test_a_value_a_reference_refuses_is_not_sure_null_for_int_or_string_included(value):
    refused(REFERRING, value)


@pytest.mark.parametrize("schema", [
    _schema({"name": {"type": "string", "pattern": "^[a-z]+$"}}),  # a keyword it does not model
    _schema({"name": {"$ref": "/api/_definitions.json#/$defs/Patterned"}}),
    _schema({"name": {"$ref": "/api/_definitions.json#/$defs/Identified"}}),  # an $id below the root
    _schema({"name": {"type": "string"}}, patternProperties={"^x-": {}}),
    _schema({"name": {"oneOf": [{"type": "string"}, {"type": "string", "maxLength": 3}]}}),
    {**_schema({"name": {"type": "string"}}), "$schema": "http://json-schema.org/draft-07/schema#"},
    _schema({"name": {"format": "int32"}}),  # a format without a type
    _schema({"name": {"properties": {"x": {}}}}),  # keywords for objects without a type
    _schema({"name": {"type": ["object", "integer"], "format": "int32", "properties": {}}}),
    _schema({"name": {"type": ["string"], "properties": {}}}),  # keywords for objects where no object fits
    _schema({"name": {"type": ["array", "object"], "items": {}, "properties": {}}}),
])
def test_a_schema_with_a_construct_it_does_not_model_is_never_sure(schema):
    agrees(schema, {"name": "web"}, False)


@pytest.mark.parametrize("ref", ["/api/_definitions.json#/$defs/Missing", "/api/other.json#/$defs/Labels",
                                 "/api/_definitions.json#Labels", "/api/_definitions.json#/$defs/La%62els"])
def test_a_reference_it_cannot_follow_as_jsonschema_would_is_never_sure(ref):
    check, _ = small(_schema({"labels": {"$ref": ref}}))
    assert check({"labels": {"app": "web"}}) is False
    assert check({}) is True  # the property is not there: nothing reaches the reference


class _Text(str):
    pass


@pytest.mark.parametrize("value", [collections.OrderedDict(name="web"), {"name": _Text("web")}])
def test_a_subclass_of_the_types_a_reader_makes_is_not_sure(value):
    agrees(NAMED, value, False)


SINGLE = _schema({"count": {"type": "integer"}, "name": {"type": "string"}})


@pytest.mark.parametrize("value", [{"count": True}, {"count": "1"}, {"name": 1}])
def test_a_field_of_one_type_takes_no_other_type_a_boolean_for_an_integer_included(value):
    refused(SINGLE, value)


def test_a_field_of_one_type_is_not_sure_of_a_subclass_of_it():
    agrees(SINGLE, {"count": 1, "name": "web"}, True)
    agrees(SINGLE, {"name": _Text("web")}, False)


@pytest.mark.parametrize("ref", ["/api/_definitions.json#/$defs/a~1b", "/api/_definitions.json#/$defs/Per%25cent"])
def test_a_reference_with_pointer_escapes_is_not_sure_rather_than_read_literally(ref):
    refused(_schema({"x": {"$ref": ref}}), {"x": "text"})


def test_a_document_that_names_no_draft_is_never_sure():
    unnamed = {key: value for key, value in _schema({"name": {"type": "string"}}).items() if key != "$schema"}
    assert Precheck(DEFINITIONS, validate.INT_FORMATS)(unnamed)({"name": "web"}) is False


def test_definitions_of_another_draft_are_never_followed():
    older = {**DEFINITIONS, "$schema": "http://json-schema.org/draft-07/schema#"}
    check = Precheck(older, validate.INT_FORMATS)(REFERRING)
    assert check({"port": 80}) is False
    assert check({}) is True


@pytest.mark.parametrize("value", [{"name": datetime.date(2024, 1, 31)}, {"name": b"web"}])
def test_a_date_or_bytes_is_not_sure(value):
    refused(NAMED, value)


def test_nesting_deeper_than_the_stack_is_not_sure():
    check, _ = small(REFERRING)
    tree = {"name": "leaf"}
    for _ in range(5000):
        tree = {"name": "n", "children": [tree]}
    assert check({"tree": tree}) is False
