"""Rendering slam's templates: a user's value can never change the document's structure."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
import yaml

from slam.templating import json_literal, render, render_yaml, yaml_literal

HOSTILE = [
    "plain",
    'quote " and \\ backslash',
    "new\nline: injected",
    "{{ not_a_variable }}",
    "- a list item",
    "# a comment",
    "key: value",
    "yes",
    "NULL",
    "123",
    "1e3",
    "",
    "naïve ✓",
    "tab\there",
    "*anchor",
    "!!python/object:os.system",
]


@pytest.mark.parametrize("value", [*HOSTILE, 12, 1.5, True, None, ["a", "b: c"], {"k": "v\n"}])
@pytest.mark.parametrize("literal", [json_literal, yaml_literal])
def test_a_literal_reads_back_as_the_same_value_inside_a_document(literal: Any, value: Any):
    document = f"key: {literal(value)}\nafter: 1\n"
    assert yaml.safe_load(document) == {"key": value, "after": 1}


@pytest.mark.parametrize("value", ["fizzbuzz", "python3.12", "tasks_api", "x86_64", "my-app"])
def test_a_plain_word_stays_unquoted_for_a_person_to_read(value: str):
    assert yaml_literal(value) == value


@pytest.mark.parametrize("value", ["yes", "No", "on", "OFF", "true", "null", "y", "3.12", "-x"])
def test_a_word_yaml_would_read_as_something_else_is_quoted(value: str):
    assert yaml_literal(value) == f'"{value}"'


def test_json_literal_is_ascii_with_sorted_keys():
    assert json_literal({"b": "é", "a": 1}) == '{"a": 1, "b": "\\u00e9"}'


def test_render_fills_a_template_and_refuses_a_missing_value():
    text = render("init/dynamodb.yaml.j2", tables=["tasks"])
    assert "\ndynamodb_tables:\n  tasks:\n" in text
    with pytest.raises(jinja2.UndefinedError, match="'tables' is undefined"):
        render("init/dynamodb.yaml.j2")


def test_render_yaml_parses_what_it_renders():
    fragment = render_yaml(
        "cloudformation/dynamodb.yaml.j2",
        tables=[{"id": "DevTasksTable", "retain": True, "properties": {"TableName": "x: y"}}],
        actions=["dynamodb:GetItem"],
        resources=[{"Fn::GetAtt": ["DevTasksTable", "Arn"]}],
    )
    table = fragment["Resources"]["DevTasksTable"]
    assert table["Properties"] == {"TableName": "x: y"}
    assert table["DeletionPolicy"] == "Retain"
