"""The API around the operations: listings, lookups, idempotency, and what it refuses."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any
from xml.etree import ElementTree

import pytest
from botocore.exceptions import ClientError

from slam.local.cloudformation.api import _endpoint

from .conftest import Cloud

LOGS: dict[str, Any] = {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}}


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_stacks_are_listed_newest_first_and_found_by_their_resources(cloud: Cloud):
    first = cloud.create("first", LOGS)
    second = cloud.create("second", LOGS)
    cloud.wait("first", "stack_create_complete")
    cloud.wait("second", "stack_create_complete")

    assert [s["StackId"] for s in cloud.cfn.describe_stacks()["Stacks"]] == [second, first]
    assert [s["StackName"] for s in cloud.cfn.list_stacks()["StackSummaries"]] == [
        "second",
        "first",
    ]
    physical_id = cloud.physical_ids("first")["Logs"]
    found = cloud.cfn.describe_stack_resources(PhysicalResourceId=physical_id)["StackResources"]
    assert [(r["StackId"], r["LogicalResourceId"]) for r in found] == [(first, "Logs")]
    only = cloud.cfn.describe_stack_resources(StackName="first", LogicalResourceId="Logs")
    assert len(only["StackResources"]) == 1
    detail = cloud.cfn.describe_stack_resource(StackName="first", LogicalResourceId="Logs")
    assert detail["StackResourceDetail"]["PhysicalResourceId"] == physical_id
    with pytest.raises(ClientError, match="Resource Nope does not exist for stack first"):
        cloud.cfn.describe_stack_resource(StackName="first", LogicalResourceId="Nope")
    with pytest.raises(ClientError, match="Either StackName or PhysicalResourceId"):
        cloud.cfn.describe_stack_resources()
    with pytest.raises(ClientError, match="Stack with id unknown-id does not exist"):
        cloud.cfn.describe_stack_resources(PhysicalResourceId="unknown-id")


def test_events_and_resources_come_in_pages(cloud: Cloud):
    template = {
        "Resources": {f"Logs{index}": {"Type": "AWS::Logs::LogGroup"} for index in range(60)}
    }
    cloud.create("many", template)
    cloud.wait("many", "stack_create_complete")
    first = cloud.cfn.describe_stack_events(StackName="many")
    assert len(first["StackEvents"]) == 100
    assert len(cloud.events("many")) == 122
    pages = cloud.cfn.get_paginator("list_stack_resources").paginate(StackName="many")
    assert sum(len(page["StackResourceSummaries"]) for page in pages) == 60


def test_a_retried_create_with_the_same_token_is_the_same_stack(cloud: Cloud):
    stack_id = cloud.create("retried", LOGS, ClientRequestToken="once")
    assert cloud.create("retried", LOGS, ClientRequestToken="once") == stack_id
    with pytest.raises(ClientError) as error:
        cloud.create("retried", LOGS, ClientRequestToken="twice")
    assert code_of(error) == "AlreadyExistsException"
    assert error.value.response["Error"]["Message"] == "Stack [retried] already exists"
    cloud.wait("retried", "stack_create_complete")


def test_names_and_actions_cloudformation_refuses(cloud: Cloud):
    with pytest.raises(ClientError, match="Member must satisfy regular expression pattern"):
        cloud.create("1-starts-with-a-digit", LOGS)
    with pytest.raises(ClientError) as error:
        cloud.cfn.list_stack_sets()
    assert code_of(error) == "InvalidAction"
    cloud.create("typed", LOGS)
    cloud.wait("typed", "stack_create_complete")
    with pytest.raises(ClientError, match="ChangeSetType IMPORT is not supported"):
        cloud.cfn.create_change_set(
            StackName="typed",
            ChangeSetName="import",
            ChangeSetType="IMPORT",
            TemplateBody=json.dumps(LOGS),
            ResourcesToImport=[
                {
                    "ResourceType": "AWS::Logs::LogGroup",
                    "LogicalResourceId": "Other",
                    "ResourceIdentifier": {"LogGroupName": "x"},
                }
            ],
        )


def test_an_unsigned_request_is_routed_by_its_host(cloud: Cloud):
    form = urllib.parse.urlencode({"Action": "ListStacks", "Version": "2010-05-15"}).encode()
    request = urllib.request.Request(
        cloud.aws.url,
        data=form,
        headers={
            "Host": "cloudformation.eu-west-1.amazonaws.com",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request) as answer:
        root = ElementTree.fromstring(answer.read())
    assert root.tag.endswith("ListStacksResponse")


@pytest.mark.parametrize(
    ("environ", "endpoint"),
    [
        ({"SERVER_NAME": "0.0.0.0", "SERVER_PORT": "4566"}, "http://127.0.0.1:4566"),
        ({"SERVER_NAME": "::1", "SERVER_PORT": "80"}, "http://[::1]:80"),
        ({"SERVER_NAME": "localhost", "SERVER_PORT": "5000"}, "http://localhost:5000"),
    ],
)
def test_the_server_reaches_itself_where_it_listens(environ: dict[str, str], endpoint: str):
    assert _endpoint(environ) == endpoint


def test_disable_rollback_given_to_an_update_or_an_execution(cloud: Cloud):
    cloud.create("kept", LOGS)
    cloud.wait("kept", "stack_create_complete")
    changed = {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"Nope": 1}}}}
    changed["Resources"]["Added"] = {"Type": "AWS::Logs::LogGroup"}
    changed["Resources"]["Logs"]["DependsOn"] = "Added"
    cloud.update("kept", changed, DisableRollback=True)
    stack = cloud.settle("kept")
    assert (stack["StackStatus"], stack["StackStatusReason"]) == (
        "UPDATE_FAILED",
        "The following resource(s) failed to update: [Logs]. ",
    )
    assert cloud.resource_events("kept", "Logs")[-1] == (
        "UPDATE_FAILED",
        "Encountered unsupported property Nope",
    )
    added = cloud.physical_ids("kept")["Added"]
    fixed = {
        "Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 1}}}
    }
    cloud.update("kept", fixed)
    cloud.wait("kept", "stack_update_complete")
    names = [g["logGroupName"] for g in cloud.logs.describe_log_groups()["logGroups"]]
    assert added not in names
    assert cloud.resource_events("kept", "Logs")[-1] == ("UPDATE_COMPLETE", None)

    cloud.cfn.create_change_set(
        StackName="fresh",
        ChangeSetName="create",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(changed),
    )
    cloud.cfn.get_waiter("change_set_create_complete").wait(
        StackName="fresh", ChangeSetName="create", WaiterConfig={"Delay": 0.1}
    )
    cloud.cfn.execute_change_set(StackName="fresh", ChangeSetName="create", DisableRollback=True)
    assert cloud.settle("fresh")["StackStatus"] == "CREATE_FAILED"
