"""Intrinsic functions on plain values: results, references, and the errors for misuse."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from slam.local.cloudformation.intrinsics import IntrinsicError, as_text, references, resolve


class Values:
    """A scope holding fixed parameters, attributes, conditions and one mapping."""

    region = "eu-west-1"

    def ref(self, name: str) -> Any:
        return {"Name": "value", "List": ["a", "b"], "AWS::Region": self.region}[name]

    def attribute(self, logical_id: str, name: str) -> Any:
        return f"{logical_id}.{name}"

    def condition(self, name: str) -> bool:
        return name == "Yes"

    def mapping(self, name: str) -> Mapping[str, Any]:
        return {"Top": {"Second": "found"}} if name == "Map" else {}

    def export(self, name: str) -> Any:
        return f"export:{name}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Fn::GetAtt": "Res.Attr"}, "Res.Attr"),
        ({"Fn::Sub": "${Res.Attr}/${Name}/${AWS::Region}"}, "Res.Attr/value/eu-west-1"),
        ({"Fn::Select": ["1", "x,y,z"]}, "y"),
        ({"Fn::Select": [0, {"Ref": "List"}]}, "a"),
        ({"Fn::FindInMap": ["Map", "Top", "Second"]}, "found"),
        ({"Fn::GetAZs": {"Ref": "AWS::Region"}}, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ({"Fn::ImportValue": {"Fn::Sub": "${Name}-x"}}, "export:value-x"),
        ({"Fn::If": ["Yes", {"Ref": "AWS::NoValue"}, 1]}, None),
        ([1, {"Ref": "AWS::NoValue"}, 2], [1, 2]),
        ({"Fn::And": [{"Condition": "Yes"}, {"Fn::Or": [False, True]}]}, True),
        ({"Fn::Join": ["", [True, 1, ["x", "y"]]]}, "true1x,y"),
        ({"Key": "value", "Other": {"Ref": "AWS::NoValue"}}, {"Key": "value"}),
    ],
)
def test_functions_resolve_to_what_cloudformation_gives(value: Any, expected: Any):
    assert resolve(value, Values()) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"Ref": ["list"]}, "Template error: every Ref object must have a single String value."),
        ({"Fn::GetAtt": ["Only"]}, "Template error: every Fn::GetAtt object requires two"),
        ({"Fn::Sub": 42}, "Template error: One or more Fn::Sub intrinsic functions"),
        ({"Fn::Join": ["-"]}, "Template error: every Fn::Join object requires two parameters"),
        ({"Fn::Join": ["-", "not a list"]}, "Template error: Fn::Join requires a list of strings"),
        ({"Fn::Select": [3, ["a"]]}, "Fn::Select cannot select nonexistent value at index 3"),
        ({"Fn::If": ["Yes", 1]}, "Template error: Fn::If requires a list argument with three"),
        ({"Fn::FindInMap": ["Map", "Top", "Nope"]}, "Unable to get mapping for Map::Top::Nope"),
    ],
)
def test_misused_functions_fail_with_cloudformations_message(value: Any, message: str):
    with pytest.raises(IntrinsicError) as error:
        resolve(value, Values())
    assert str(error.value).startswith(message) or message in str(error.value)


def test_references_name_what_a_value_depends_on():
    value = {
        "A": {"Ref": "Param"},
        "B": {"Fn::GetAtt": "Res.Arn"},
        "C": {"Fn::Sub": ["${Local}-${Other.Attr}-${!Skipped}-${AWS::Region}", {"Local": "x"}]},
        "D": {"Fn::Sub": {"Ref": "NotAString"}},
        "E": {"Fn::If": ["Yes", {"Ref": "Chosen"}, {"Ref": "Ignored"}]},
    }
    assert references(value, lambda name: name == "Yes") == {
        "Param",
        "Res",
        "Other",
        "AWS::Region",
        "Chosen",
    }
    assert "Ignored" in references(value)


def test_values_are_written_into_strings_as_cloudformation_writes_them():
    assert (as_text(["a", 1]), as_text(False), as_text(2.5)) == ("a,1", "false", "2.5")
