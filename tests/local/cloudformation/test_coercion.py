"""Template values become the types each service's API asks for, as CloudFormation converts."""

from __future__ import annotations

import botocore.session

from slam.local.cloudformation.providers.base import coerce


def input_shape(service: str, operation: str) -> object:
    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation).input_shape


def test_strings_from_parameters_become_numbers_and_booleans():
    shape = input_shape("lambda", "CreateFunction")
    value = coerce(
        {"Timeout": "10", "Publish": "True", "Code": {"ZipFile": "text"}, "Layers": [1]},
        shape,
    )
    assert value == {"Timeout": 10, "Publish": True, "Code": {"ZipFile": b"text"}, "Layers": ["1"]}


def test_numbers_and_booleans_become_strings_where_the_api_wants_text():
    shape = input_shape("apigateway", "UpdateStage")
    value = coerce(
        {"patchOperations": [{"op": "replace", "value": True}, {"op": "replace", "value": 2.5}]},
        shape,
    )
    assert value == {
        "patchOperations": [{"op": "replace", "value": "true"}, {"op": "replace", "value": "2.5"}]
    }


def test_values_that_do_not_convert_are_left_for_botocore_to_refuse():
    shape = input_shape("dynamodb", "CreateTable")
    value = coerce(
        {"ProvisionedThroughput": {"ReadCapacityUnits": "many"}, "Unknown": "x", "Tags": None},
        shape,
    )
    assert value == {
        "ProvisionedThroughput": {"ReadCapacityUnits": "many"},
        "Unknown": "x",
        "Tags": None,
    }
    assert coerce({"Limit": "0.5"}, input_shape("dynamodb", "Scan")) == {"Limit": "0.5"}
    assert coerce({"Limit": "7"}, None) == {"Limit": "7"}
